"""Grade the same generated submissions with ``lalib grade`` and ``nbgrader autograde``.

    .venv/bin/pip install nbgrader            # the peer (also in the [bench] extra)
    .venv/bin/python benchmarks/bench_grading.py [--n 100] [--workers 2]
    .venv/bin/python benchmarks/bench_grading.py --set 03-rank --mix realistic --n 1000 --nbgrader-sample 100

``--mix realistic`` is a class where most students answer every question:
80% correct, 15% partly wrong (one to three answers wrong, every question
still answered), 5% blank or broken; each student's notebook differs in its
bytes (a comment), as real hand-ins do. ``--mix legacy`` is the first
benchmark's mix (40% correct, 30% partly, 20% blank, 10% broken). With
``--nbgrader-sample N`` nbgrader grades a seeded random sample of N of the
submissions (nbgrader on 1,000 takes over an hour here) and the table
compares time *per notebook*; lalib always grades all of them.
``--keep DIR`` keeps the generated submissions (e.g. to profile
``lalib grade`` on them), ``--nbgrader-sample 0`` skips nbgrader.

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
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


def _kind(i: int, mix: str, rng: random.Random) -> str:
    if mix == "legacy":  # the first benchmark's fixed pattern
        return ("correct", "partly", "blank", "broken")[[0, 0, 0, 0, 1, 1, 1, 2, 2, 3][i % 10]]
    u = rng.random()  # realistic: 80% correct, 15% partly wrong, 5% blank or broken
    return "correct" if u < 0.80 else "partly" if u < 0.95 else "blank" if u < 0.975 else "broken"


def _wrong(kind: str, name: str) -> str:
    """A wrong answer of a question's kind, appended to its answer cell (the cell's setup code stays)."""
    return {"number": f"{name} = -12345.5", "choice": f'{name} = "not an option"',
            "function": f"def {name}(A, *args, **kwargs):\n    return -1",
            "array": f"{name} = np.zeros((2, 2))", "subspace": f"{name} = [[1, 1, 1, 1, 1]]"}.get(kind, f"{name} = None")


def submissions(n: int, mix: str = "legacy", seed: int = 0) -> list[tuple[str, nbformat.NotebookNode, str]]:
    """``n`` (student, notebook, kind) triples built from the set's solutions and exercises."""
    from lalib.checks import question
    from lalib.grading.notebook import load_assignment
    sol, ex = nbformat.read(SOLUTION, as_version=4), nbformat.read(EXERCISE, as_version=4)
    names = dict(load_assignment(STEM, ROOT / "exercises").questions)
    by_kind = {}
    for qid in names:
        by_kind.setdefault(question(qid).kind, []).append(qid)
    number, choice, function = by_kind["number"][0], by_kind["choice"][0], by_kind["function"][0]
    gradable = [q for q in names if question(q).kind != "free-text"]
    rng = random.Random(seed)

    def answer(nb, qid):
        return next(c for c in nb.cells if c.metadata.get("lalib", {}).get("question") == qid
                    and c.metadata["lalib"].get("role") == "answer")

    out = []
    for i in range(n):
        kind = _kind(i, mix, rng)
        nb = copy.deepcopy(ex if kind == "blank" else sol)
        if kind == "partly" and mix == "legacy":
            answer(nb, number).source = f"{names[number]} = -12345.5"
            answer(nb, choice).source = f'{names[choice]} = "not an option"'
            answer(nb, function).source = f"def {names[function]}(A, *args, **kwargs):\n    return -1"
        elif kind == "partly":
            for qid in rng.sample(gradable, rng.randint(1, 3)):
                cell = answer(nb, qid)
                cell.source = cell.source.rstrip() + "\n" + _wrong(question(qid).kind, names[qid])
        if kind == "broken":
            nb.cells.insert(2, nbformat.v4.new_code_cell("undefined_name + 1", metadata={"lalib": {"schema": 1,
                                                                                                     "role": "answer"}}))
            answer(nb, number).source = f"{names[number]} = -12345.5"
        if mix == "realistic":  # every hand-in differs in its bytes
            cell = answer(nb, gradable[0])
            cell.source = f"# student {i:04d}\n" + cell.source
        out.append((f"student{i:04d}" if n > 999 or mix == "realistic" else f"student{i:03d}", nb, kind))
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


CPU: dict = {}  # command name -> CPU seconds (user + system) of its process tree, where the kernel counts it


def run(cmd: list[str], cwd: Path) -> float:
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs `alembic`
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[" ".join(cmd[:2])] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100, help="submissions lalib grades")
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--set", help="exercise set (file stem) to measure; default the first")
    p.add_argument("--mix", choices=("legacy", "realistic"), default="legacy",
                   help="legacy: 40%% correct, 30%% partly, 20%% blank, 10%% broken; "
                        "realistic: 80%% correct, 15%% partly wrong, 5%% blank or broken")
    p.add_argument("--seed", type=int, default=0, help="seed of the mix and of nbgrader's sample")
    p.add_argument("--nbgrader-sample", type=int, default=None, metavar="N",
                   help="nbgrader grades a seeded random sample of N submissions (default: all; 0: skip nbgrader)")
    p.add_argument("--keep", metavar="DIR", help="also write the lalib submissions to DIR (kept)")
    p.add_argument("--sandbox", choices=("bwrap", "none"), default="bwrap",
                   help="lalib's sandbox; with none the CPU time of its whole process tree is counted too "
                        "(bubblewrap's sandboxes are not reaped into the grader's accounting)")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("--n must be at least 1")
    sample_n = args.n if args.nbgrader_sample is None else args.nbgrader_sample
    if not 0 <= sample_n <= args.n:
        p.error(f"--nbgrader-sample must be between 0 and --n ({args.n}), not {sample_n}")
    _pick(args.set)
    subs = submissions(args.n, args.mix, args.seed)
    mix = Counter(kind for _, _, kind in subs)
    sample = sorted(random.Random(args.seed + 1).sample(range(args.n), sample_n))
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        # lalib grade, on every submission
        folder = Path(args.keep) if args.keep else tmp / "lalib-submissions"
        folder.mkdir(parents=True, exist_ok=True)
        for student, nb, _ in subs:
            nbformat.write(nb, folder / f"{student}_1_1_{STEM}.ipynb")
        lalib_s = run([str(BIN / "lalib"), "grade", str(folder), "--out", str(tmp / "lalib-out"), "--seed", "1",
                       "--workers", str(args.workers), "--no-progress", "--sandbox", args.sandbox], tmp)
        lalib_cpu = CPU[f"{BIN / 'lalib'} grade"]
        with open(tmp / "lalib-out" / "grades.csv", encoding="utf-8-sig") as fh:
            lalib_totals = {r["student"].removesuffix("_1"): float(r["total"] or 0) for r in csv.DictReader(fh)}

        nbgrader_s, nb_totals = None, {}
        if sample:  # nbgrader autograde on the sample: a minimal course directory
            course = tmp / "course"
            (course / "source" / STEM).mkdir(parents=True)
            (course / "nbgrader_config.py").write_text(
                "c = get_config()\nc.CourseDirectory.root = r'%s'\nc.CourseDirectory.course_id = 'la'\n"
                "c.ExecutePreprocessor.timeout = 60\n" % course)
            nbformat.write(to_nbgrader(nbformat.read(SOLUTION, as_version=4)),
                           course / "source" / STEM / f"{STEM}.ipynb")
            run([str(BIN / "nbgrader"), "db", "assignment", "add", STEM], course)
            run([str(BIN / "nbgrader"), "generate_assignment", STEM, "--force"], course)
            for i in sample:
                student, nb, _ = subs[i]
                d = course / "submitted" / student / STEM
                d.mkdir(parents=True)
                nbformat.write(to_nbgrader(nb), d / f"{STEM}.ipynb")
            nbgrader_s = run([str(BIN / "nbgrader"), "autograde", STEM, "--create", "--force"], course)
            nbgrader_cpu = CPU[f"{BIN / 'nbgrader'} autograde"]
            run([str(BIN / "nbgrader"), "export", "--to", str(tmp / "nbgrader.csv")], course)
            with open(tmp / "nbgrader.csv", encoding="utf-8") as fh:
                nb_totals = {r["student_id"]: float(r["raw_score"] or 0) for r in csv.DictReader(fh)}

    print(f"{args.n} submissions of {STEM} ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {load_before} before, {_load()} after), lalib workers: {args.workers}")
    print(f"mix ({args.mix}, seed {args.seed}): " + ", ".join(f"{mix[k]} {k}" for k in
                                                             ("correct", "partly", "blank", "broken") if mix[k]))
    how = "bubblewrap sandboxes" if args.sandbox == "bwrap" else "--sandbox none"
    cpu = (f"{lalib_cpu / args.n:.3f}" if args.sandbox == "none"
           else f"{lalib_cpu / args.n:.3f} (grader process only)")
    print("\n| tool | notebooks | wall-clock (s) | per notebook (s) | CPU per notebook (s) |\n|---|---|---|---|---|")
    print(f"| `lalib grade` ({how}, warm workers) | {args.n} | {lalib_s:.1f} | {lalib_s / args.n:.3f} | {cpu} |")
    if nbgrader_s is None:
        print("\n(nbgrader not run: --nbgrader-sample 0)")
        return 0
    what = "all of them" if len(sample) == args.n else f"a random sample (seed {args.seed + 1}) of {len(sample)}"
    print(f"| `nbgrader autograde` ({what}) | {len(sample)} | {nbgrader_s:.1f} | {nbgrader_s / len(sample):.3f} "
          f"| {nbgrader_cpu / len(sample):.3f} |")
    ratio = (nbgrader_s / len(sample)) / (lalib_s / args.n)
    agree = sum(lalib_totals.get(subs[i][0]) == nb_totals.get(subs[i][0]) for i in sample)
    print(f"\n**Per notebook, lalib grade is {ratio:.1f}× faster** (nbgrader's time per notebook on "
          f"{len(sample)} notebooks / lalib's on {args.n}). Totals agree on {agree}/{len(sample)} of the notebooks "
          "both graded (nbgrader cannot score the free-text question).")
    if args.sandbox == "none":
        print(f"In CPU time per notebook (the whole process trees): {nbgrader_cpu / len(sample) / (lalib_cpu / args.n):.1f}×.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
