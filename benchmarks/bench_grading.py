"""Grade the same 100 generated submissions with ``lalib grade`` and ``nbgrader autograde``.

    .venv/bin/pip install nbgrader            # the peer (also in the [bench] extra)
    .venv/bin/python benchmarks/bench_grading.py [--n 100] [--workers 2]

Submissions are built from the first exercise set (``solutions/*.ipynb`` and
its ``exercises/`` twin; ``--set STEM`` picks another): correct, partly
correct (two wrong answers, a wrong function), blank, and broken (a cell
raising, a wrong answer). nbgrader
gets the same notebooks converted to its format: answer cells as solution
cells, each check cell as an autograded test cell ``assert check(...).passed``.
Both tools run on the same machine in the same run; a markdown table with the
wall-clock times and the ratio is printed. Results: benchmarks/grading.md.
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOLUTION = EXERCISE = STEM = None  # set by main(): the exercise set measured


def _pick(stem: str | None) -> None:
    global SOLUTION, EXERCISE, STEM
    pairs = [s for s in sorted((ROOT / "solutions").glob("*.ipynb")) if (ROOT / "exercises" / s.name).is_file()]
    SOLUTION = next(s for s in pairs if stem in (None, s.stem))
    EXERCISE, STEM = ROOT / "exercises" / SOLUTION.name, SOLUTION.stem


def submissions(n: int) -> list[tuple[str, nbformat.NotebookNode]]:
    from lalib.checks import question
    from lalib.grading.notebook import load_assignment
    sol, ex = nbformat.read(SOLUTION, as_version=4), nbformat.read(EXERCISE, as_version=4)
    names = dict(load_assignment(STEM, ROOT / "exercises").questions)
    by_kind = {}
    for qid in names:
        by_kind.setdefault(question(qid).kind, []).append(qid)
    number, choice, function = by_kind["number"][0], by_kind["choice"][0], by_kind["function"][0]

    def answer(nb, qid):
        return next(c for c in nb.cells if c.metadata.get("lalib", {}).get("question") == qid
                    and c.metadata["lalib"].get("role") == "answer")

    out = []
    for i in range(n):
        kind = ("correct", "partly", "blank", "broken")[[0, 0, 0, 0, 1, 1, 1, 2, 2, 3][i % 10]]
        nb = copy.deepcopy(ex if kind == "blank" else sol)
        if kind == "partly":
            answer(nb, number).source = f"{names[number]} = -12345.5"
            answer(nb, choice).source = f'{names[choice]} = "not an option"'
            answer(nb, function).source = f"def {names[function]}(A, *args, **kwargs):\n    return -1"
        if kind == "broken":
            nb.cells.insert(2, nbformat.v4.new_code_cell("undefined_name + 1", metadata={"lalib": {"schema": 1,
                                                                                                     "role": "answer"}}))
            answer(nb, number).source = f"{names[number]} = -12345.5"
        out.append((f"student{i:03d}", nb))
    return out


def to_nbgrader(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The same notebook in nbgrader's format (solution cells and autograded test cells)."""
    from lalib.checks import question
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("lalib", {})
        role, qid = meta.get("role"), meta.get("question", "")
        base = {"schema_version": 3, "grade_id": f"{role}-{qid or i}".replace(".", "-"), "locked": False,
                "solution": False, "grade": False}
        if role == "answer" and cell.cell_type == "code" and qid:
            cell.metadata["nbgrader"] = {**base, "solution": True}
        elif role == "check" and question(qid).kind != "free-text":
            cell.source = f"assert {cell.source}.passed, 'check failed'"
            cell.metadata["nbgrader"] = {**base, "grade": True, "locked": True, "points": question(qid).points}
    return nb


def run(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs `alembic`
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--set", help="exercise set (file stem) to measure; default the first")
    args = p.parse_args(argv)
    _pick(args.set)
    subs = submissions(args.n)
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        # lalib grade
        folder = tmp / "lalib-submissions"
        folder.mkdir()
        for student, nb in subs:
            nbformat.write(nb, folder / f"{student}_1_1_{STEM}.ipynb")
        lalib_s = run([str(BIN / "lalib"), "grade", str(folder), "--out", str(tmp / "lalib-out"), "--seed", "1",
                       "--workers", str(args.workers), "--no-progress"], tmp)
        with open(tmp / "lalib-out" / "grades.csv", encoding="utf-8") as fh:
            lalib_totals = {r["student"].removesuffix("_1"): float(r["total"]) for r in csv.DictReader(fh)}

        # nbgrader autograde: a minimal course directory
        course = tmp / "course"
        (course / "source" / STEM).mkdir(parents=True)
        (course / "nbgrader_config.py").write_text(
            "c = get_config()\nc.CourseDirectory.root = r'%s'\nc.CourseDirectory.course_id = 'la'\n"
            "c.ExecutePreprocessor.timeout = 60\n" % course)
        nbformat.write(to_nbgrader(nbformat.read(SOLUTION, as_version=4)), course / "source" / STEM / f"{STEM}.ipynb")
        run([str(BIN / "nbgrader"), "db", "assignment", "add", STEM], course)
        run([str(BIN / "nbgrader"), "generate_assignment", STEM, "--force"], course)
        for student, nb in subs:
            d = course / "submitted" / student / STEM
            d.mkdir(parents=True)
            nbformat.write(to_nbgrader(nb), d / f"{STEM}.ipynb")
        nbgrader_s = run([str(BIN / "nbgrader"), "autograde", STEM, "--create", "--force"], course)
        run([str(BIN / "nbgrader"), "export", "--to", str(tmp / "nbgrader.csv")], course)
        with open(tmp / "nbgrader.csv", encoding="utf-8") as fh:
            nb_totals = {r["student_id"]: float(r["raw_score"] or 0) for r in csv.DictReader(fh)}

    agree = sum(lalib_totals.get(s) == nb_totals.get(s) for s, _ in subs)
    ratio = nbgrader_s / lalib_s
    print(f"{args.n} submissions of {STEM} ({platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores), lalib workers: {args.workers}\n")
    print("| tool | wall-clock (s) | per notebook (s) |\n|---|---|---|")
    print(f"| `lalib grade` (bubblewrap sandboxes, warm workers) | {lalib_s:.1f} | {lalib_s / args.n:.3f} |")
    print(f"| `nbgrader autograde` | {nbgrader_s:.1f} | {nbgrader_s / args.n:.3f} |")
    print(f"\n**lalib grade is {ratio:.1f}× faster.** Totals agree on {agree}/{args.n} submissions "
          "(nbgrader cannot score the free-text question; neither tool's verdicts differ otherwise).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
