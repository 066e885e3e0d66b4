"""lalib: the helper package of *Linear Algebra for Deep Learning*.

Students need one import line::

    from lalib import check

The numerics live in submodules named for their idea (``lalib.linalg``,
``lalib.svd``, ...); widgets in ``lalib.widgets``; exercise checks in
``lalib.checks``.
"""

__version__ = "0.1.0"

from lalib.checks import check  # noqa: E402  (the one name students need)

__all__ = ["check", "__version__"]
