"""``python -m lalib``: the same as the ``lalib`` command."""

from lalib.cli import main

if __name__ == "__main__":  # guarded so that importing this module (doctest collection) runs nothing
    raise SystemExit(main())
