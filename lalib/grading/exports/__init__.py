"""``lalib export``: hand the grader's results to an LMS in the LMS's own format.

* :mod:`.gradescope`: an autograder zip (``setup.sh``, ``run_autograder``) that grades one submission
  inside Gradescope's container and writes ``results.json``;
* :mod:`.canvas`: the gradebook CSV Canvas imports, filled into the one the instructor exported;
* :mod:`.moodle`: the offline grading worksheet filled in, and the feedback-files zip;
* :mod:`.names`: what each LMS's file names say (Canvas user id, LATE, Moodle participant id).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["scores_of", "add_arguments", "main"]


def scores_of(grading: str | Path, assignment: str | None = None) -> tuple[list[dict], list[str]]:
    """One plain dict per graded submission of the last ``lalib grade`` run into ``grading``, and warnings.

    ``score`` is the points so far (the instructor's free-text marks included) or None when the grader
    itself failed (no score); ``pending`` the free-text points not marked yet, never part of ``score``.
    """
    from lalib.grading import GRADER_ERROR, load_results
    from lalib.grading.report import effective_points, feedback_html, load_comments, pending_points
    from lalib.grading.store import Store
    graded, _ = load_results(grading)
    sets = sorted({g.assignment for g in graded if g.assignment})
    if assignment is None and len(sets) > 1:
        raise ValueError(f"{grading} holds several exercise sets ({', '.join(sets)}): pass --assignment")
    store = Store(grading)
    manual, comments = store.manual_scores(), load_comments(store)
    scores, warnings = [], []
    for g in graded:
        if assignment is not None and g.assignment not in (assignment, ""):
            continue
        failed = g.status == GRADER_ERROR
        pending = 0.0 if failed else pending_points(g, manual)
        scores.append({"student": g.student, "file": g.name, "max": g.max, "pending": pending,
                       "score": None if failed else float(sum(p or 0 for p in effective_points(g, manual).values())),
                       "questions": g.questions, "page": feedback_html(g, manual, comments)})
    waiting = [s for s in scores if s["pending"]]
    if waiting:
        warnings.append(f"{len(waiting)} submissions have free-text answers not marked yet: their exported score "
                        "leaves those points out. Mark them in free_response.csv and run `lalib grade "
                        f"--merge-free-response {Path(grading) / 'free_response.csv'} --out {grading}` first.")
    failed = [s for s in scores if s["score"] is None]
    if failed:
        warnings.append(f"{len(failed)} submissions have no score (the grader failed on them): exported blank.")
    return scores, warnings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``lalib export`` subcommands: gradescope, canvas, moodle."""
    from lalib.grading.exports.gradescope import VISIBILITIES
    from lalib.grading.sandbox import SANDBOX_CHOICES, Limits
    lms = parser.add_subparsers(dest="lms", metavar="LMS", required=True)

    p = lms.add_parser("gradescope", help="an autograder zip for a Gradescope programming assignment")
    p.add_argument("--assignment", required=True, help="exercise set id such as rank")
    p.add_argument("--out", required=True, help="the zip to write, e.g. autograder.zip")
    p.add_argument("--secret", metavar="FILE", help="the grading secret to carry (default: as for lalib grade)")
    p.add_argument("--exercises", help="folder of exercise notebooks (default: the repository's exercises/)")
    p.add_argument("--sandbox", choices=SANDBOX_CHOICES, default="bwrap",
                   help="bwrap (default; the autograder reports a failure where the container refuses it) or "
                        "none (grade in Gradescope's container with resource limits only)")
    p.add_argument("--visibility", choices=VISIBILITIES, default="visible", help="when students see the results")
    p.add_argument("--timeout", type=float, default=Limits.timeout, help="seconds per notebook (default %(default)s)")
    p.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout, help="seconds per cell")
    p.add_argument("--memory", type=int, default=Limits.memory_mb, help="MiB per process")

    for name, what in (("canvas", "the gradebook CSV Canvas imports"),
                       ("moodle", "the Moodle grading worksheet filled in, and the feedback-files zip")):
        p = lms.add_parser(name, help=what)
        p.add_argument("--grading", required=True, help="the --out folder of `lalib grade`")
        p.add_argument("--out", required=True, help="the CSV to write (upload this one)")
        p.add_argument("--assignment", help="the exercise set, when the folder holds several")
        if name == "canvas":
            p.add_argument("--column", required=True,
                           help="the assignment's column as Canvas heads it: 'Title (assignment id)'")
            p.add_argument("--gradebook", help="the gradebook CSV exported from Canvas, to fill in (recommended)")
        else:
            p.add_argument("--worksheet", required=True, help="the grading worksheet downloaded from Moodle")
            p.add_argument("--feedback-zip", help="also write the feedback pages as Moodle's feedback-files zip")
            for key in ("identifier", "grade", "modified", "feedback", "maximum"):
                p.add_argument(f"--{key}-column", help="the worksheet's header for this column in your Moodle's "
                                                       "language (default: the English one)")


def main(args: argparse.Namespace) -> int:
    """Run ``lalib export LMS``: 0 when everything was exported, 1 with rows left out, 2 on bad input."""
    from lalib.grading.store import atomic_write
    try:
        if args.lms == "gradescope":
            from lalib.grading.exports.gradescope import build
            from lalib.grading.sandbox import Limits
            names = build(args.out, args.assignment, secret=args.secret, exercises=args.exercises,
                          sandbox=args.sandbox, visibility=args.visibility,
                          limits=Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, memory_mb=args.memory))
            print(f"wrote {args.out} ({len(names)} files): upload it as the autograder of a Gradescope programming "
                  "assignment, on the Ubuntu 24.04 base image")
            return 0
        scores, problems = scores_of(args.grading, args.assignment)
        if args.lms == "canvas":
            from lalib.grading.exports.canvas import fill_gradebook
            top = max((s["max"] for s in scores), default=0.0)
            text, more = fill_gradebook(scores, args.column, args.gradebook, points_possible=top)
            atomic_write(Path(args.out), text)
            print(f"wrote {args.out}: import it in Canvas (Grades, Import)")
        else:
            from lalib.grading.exports.moodle import feedback_zip, fill_worksheet
            columns = {k: getattr(args, f"{k}_column") for k in ("identifier", "grade", "modified", "feedback",
                                                                  "maximum")}
            text, more = fill_worksheet(scores, args.worksheet, columns)
            atomic_write(Path(args.out), text)
            print(f"wrote {args.out}: upload it in Moodle (the assignment's 'Upload grading worksheet')")
            if args.feedback_zip:
                members, missing = feedback_zip(args.feedback_zip, [(s["file"], s["page"]) for s in scores])
                more += missing
                print(f"wrote {args.feedback_zip} ({len(members)} feedback files): upload it with "
                      "'Upload multiple feedback files in a zip'")
    except (FileNotFoundError, ValueError) as exc:
        print(f"lalib export: {exc}", file=sys.stderr)
        return 2
    for line in problems + more:
        print(f"lalib export: {line}", file=sys.stderr)
    return 1 if more else 0
