"""The ``lalib`` command: one thin subcommand per stage of the exercise pipeline.

Each subcommand is a small wrapper over its stage's ``main(args) -> int``;
each stage is one ``add_parser`` block.

Examples
--------
>>> main(["--version"])
lalib 0.1.0
0
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import lalib
from lalib import assign

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="lalib", description="Exercise pipeline of Linear Algebra for Deep Learning.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("assign", help="write exercises/ from solutions/ (solutions replaced by stubs)",
                            description=assign.__doc__.splitlines()[0])
    assign.add_arguments(p)
    p.set_defaults(run=assign.main)

    p = commands.add_parser("init", help="create the instructor's grading secret (seeds the hidden test inputs)",
                            description="Create the grading secret once; every shard of a class must use the same file.")
    p.add_argument("--secret", metavar="FILE",
                   help="where to create it (default: $LALIB_GRADING_SECRET, else ~/.config/lalib/grading-secret.json)")
    p.set_defaults(run=_init)

    from lalib import grading  # imported here: ``lalib assign`` does not need the grader
    p = commands.add_parser("grade", help="grade submitted notebooks in sandboxes: grades.csv, feedback, summary",
                            description=grading.__doc__.splitlines()[0])
    grading.add_arguments(p)
    p.set_defaults(run=grading.main)

    from lalib.grading import exports
    p = commands.add_parser("export", help="hand grades to an LMS: a Gradescope autograder, Canvas or Moodle CSVs",
                            description=exports.__doc__.splitlines()[0])
    exports.add_arguments(p)
    p.set_defaults(run=exports.main)
    return parser


def _init(args: argparse.Namespace) -> int:
    """``lalib init``: create the grading secret, never replacing one."""
    import sys

    from lalib.grading.store import create_secret, default_secret_path
    path = args.secret or default_secret_path()
    try:
        create_secret(path)
    except FileExistsError:
        print(f"lalib init: {path} already exists; it is kept (delete it yourself to start over, and every function "
              "question of earlier runs is then tested afresh)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"lalib init: cannot create {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"created the grading secret {path}\n"
          "Keep it private and keep it: it seeds the hidden test inputs. To grade a class in shards, give every "
          f"shard this same file (--secret {path}, or set LALIB_GRADING_SECRET).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lalib`` command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"lalib {lalib.__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    return int(args.run(args))
