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
import importlib
import sys
from collections.abc import Sequence

import lalib

__all__ = ["build_parser", "main"]

#: Subcommand -> (the module of its stage, one line of help). A stage's module is
#: imported only when its subcommand runs (``lalib assign`` pulls in nbformat and
#: jsonschema, about 2 s of CPU that every ``lalib grade`` paid before).
STAGES = {
    "assign": ("lalib.assign", "write exercises/ from solutions/ (solutions replaced by stubs)"),
    "grade": ("lalib.grading", "grade submitted notebooks in sandboxes: grades.csv, feedback, summary"),
    "export": ("lalib.grading.exports", "hand grades to an LMS: a Gradescope autograder, Canvas or Moodle CSVs"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every subcommand listed, the options of ``command`` (every stage's when None) added."""
    parser = argparse.ArgumentParser(prog="lalib", description="Exercise pipeline of Linear Algebra for Deep Learning.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, (module_name, summary) in STAGES.items():
        p = commands.add_parser(name, help=summary)
        if command in (None, name):
            module = importlib.import_module(module_name)
            p.description = module.__doc__.splitlines()[0]
            module.add_arguments(p)
            p.set_defaults(run=module.main)

    p = commands.add_parser("init", help="create the instructor's grading secret (seeds the hidden test inputs)",
                            description="Create the grading secret once; every shard of a class must use the same file.")
    p.add_argument("--secret", metavar="FILE",
                   help="where to create it (default: $LALIB_GRADING_SECRET, else ~/.config/lalib/grading-secret.json)")
    p.set_defaults(run=_init)
    return parser


def _init(args: argparse.Namespace) -> int:
    """``lalib init``: create the grading secret, never replacing one."""
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
    argv = list(sys.argv[1:] if argv is None else argv)
    # The subcommand is the first word that is not an option (none of lalib's own options take a value).
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in STAGES else "")  # "": list the stages, import none
    args = parser.parse_args(argv)
    if args.version:
        print(f"lalib {lalib.__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    return int(args.run(args))
