"""``lalib grade``: grade a class's notebooks safely, in parallel, resumably.

The pipeline, one named step per module:

1. **collect** the submissions from a folder or an LMS zip (:mod:`.submissions`);
2. **read** each notebook defensively and find its exercise set (:mod:`.notebook`);
3. **skip** what an earlier run already graded, by content hash (:mod:`.store`);
4. **run** the rest in warm, sandboxed workers, in parallel (:mod:`.sandbox`,
   :mod:`.runner`): answers leave the student process as plain data only;
5. **score** that data in this process, strictly validated (:mod:`.scoring`),
   saving each result the moment it is known;
6. **report**: ``grades.csv``, ``feedback/``, ``free_response.csv``,
   ``summary.html`` (:mod:`.report`).
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from lalib.grading.notebook import (CHECKS_CHANGED, Assignment, InvalidNotebook, available_assignments,
                                    detect_assignment, load_assignment, make_job, read_notebook)
from lalib.grading.report import merge_free_response, write_reports
from lalib.grading.sandbox import Limits, RunResult, Sandbox, SandboxError, bwrap_available, isolation_report
from lalib.grading.scoring import STATUSES, Graded, QuestionResult, parse_lines, score, seeds_for
from lalib.grading.store import Store
from lalib.grading.submissions import DEFAULT_ID_PATTERN, Submission, collect

__all__ = ["grade", "load_results", "Limits", "Graded", "add_arguments", "main"]

FORMAT = 1  # bump when stored results change meaning


def _invalid(sub: Submission, assignment: Assignment | None, reason: str) -> Graded:
    questions = {}
    if assignment is not None:
        from lalib.checks import QUESTIONS
        for qid in assignment.ids:
            questions[qid] = asdict(QuestionResult(qid, 0.0, QUESTIONS[qid].points, "failed",
                                                   "not graded: the notebook could not be read"))
    return Graded(sub.student, sub.name, sub.sha256, assignment.id if assignment else "", "invalid notebook",
                  reason, questions)


def _assemble(sub: Submission, assignment: Assignment, run: RunResult, missing: dict, notes: list,
              seeds: dict) -> Graded:
    """Step 5: turn what the sandbox sent into scores; the grader alone decides the status."""
    answers, errors, end = parse_lines(run.lines, assignment.ids)
    observed = {e["limit"] for e in errors if e["limit"]}
    detail = run.detail
    if run.outcome in ("timeout", "crashed"):
        observed.add(run.outcome)
    if "internal" in end:
        observed.add("grader error")
        detail = f"the grader's runner failed: {end['internal']}"
    if missing or any("edited" in n or "marked as the check" in n for n in notes):
        observed.add(CHECKS_CHANGED)
    status = next((s for s in STATUSES if s in observed), "ok")
    if run.outcome == "finished":
        not_reached = "the check cell did not run"
    else:
        not_reached = f"not graded: the notebook stopped ({run.outcome}) before this check ran"
    questions = {qid: asdict(score(qid, answers.get(qid), seeds[qid], missing.get(qid, ""),
                                   "" if qid in answers else not_reached))
                 for qid in assignment.ids}
    return Graded(sub.student, sub.name, sub.sha256, assignment.id, status, detail, questions, errors, notes,
                  end.get("output", ""), end.get("output_bytes", 0))


def _run_all(todo: list, limits: Limits, workers: int, sandboxed: bool, on_result) -> None:
    """Step 4: a pool of warm sandboxes; ``on_result(item, run)`` is called in this thread."""
    jobs: queue.Queue = queue.Queue()
    done: queue.Queue = queue.Queue()
    for item in todo:
        jobs.put(item)

    def work(slot: int) -> None:
        with Sandbox(limits, slot, sandboxed) as box:
            while True:
                try:
                    item = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    run = box.run(item["job"])
                except SandboxError as exc:
                    run = RunResult(outcome="crashed", detail=str(exc))
                    run.lines.append('{"type": "internal", "error": "the sandbox could not start"}')
                except Exception as exc:  # noqa: BLE001 - a grader fault must not lose the row
                    box.kill()
                    run = RunResult(outcome="crashed", detail=f"grader error: {exc}")
                    run.lines.append('{"type": "internal", "error": "grader error"}')
                done.put((item, run))

    threads = [threading.Thread(target=work, args=(slot,), daemon=True) for slot in range(max(1, workers))]
    for t in threads:
        t.start()
    for _ in range(len(todo)):
        item, run = done.get()
        on_result(item, run)
    for t in threads:
        t.join()


def grade(submissions: str | Path, out: str | Path, assignment: str | None = None, seed: int | None = None,
          workers: int | None = None, limits: Limits | None = None, id_pattern: str = DEFAULT_ID_PATTERN,
          exercises: str | Path | None = None, sandboxed: bool | None = None, progress: bool = True) -> list[Graded]:
    """Grade every notebook in ``submissions`` into the folder ``out``.

    Parameters
    ----------
    submissions : path
        A folder of ``.ipynb`` files or an LMS zip.
    out : path
        Output folder (created); holds the reports and ``.grading/``, the results store.
    assignment : str, optional
        Exercise set id such as ``"03-rank"``; default: read from each notebook.
    seed : int, optional
        Master seed for the hidden test inputs; default: the folder's earlier one, else a fresh one.
    workers : int, optional
        Parallel sandboxes; default ``os.cpu_count()``.
    limits : Limits, optional
    id_pattern : str
        Regular expression naming the student in a file name (group ``student``).
    exercises : path, optional
        Folder of exercise notebooks; default the repository's ``exercises/``.
    sandboxed : bool, optional
        Force bubblewrap on or off; default: use it when available.
    progress : bool
        Show a progress bar with ETA.

    Returns
    -------
    list of Graded
        One per submission, in file-name order.
    """
    limits = limits or Limits()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out)
    master = store.seed(seed)
    sandboxed = bwrap_available() if sandboxed is None else sandboxed
    if not sandboxed:
        print(isolation_report(False), file=sys.stderr)
    known = available_assignments(exercises)
    if assignment is not None and assignment not in known:
        load_assignment(assignment, exercises)  # raises, naming the sets there are
    cache: dict[str, Assignment] = {}

    def get(aid: str) -> Assignment:
        if aid not in cache:
            cache[aid] = load_assignment(aid, exercises)
        return cache[aid]

    # Steps 1-3: collect, read, skip what is done.
    subs = collect(submissions, id_pattern)
    results: dict[int, Graded] = {}
    todo, unreadable = [], []
    for i, sub in enumerate(subs):
        try:
            if sub.problem:
                raise InvalidNotebook(sub.problem)
            nb = read_notebook(sub.data)
            a = get(assignment or detect_assignment(nb, sub.name, known))
        except InvalidNotebook as exc:
            unreadable.append((i, sub, str(exc)))
            continue
        config = {"format": FORMAT, "assignment": a.id, "seed": master, "limits": asdict(limits),
                  "sandboxed": sandboxed}
        key = store.key(sub.sha256, config)
        cached = store.get(key)
        if cached is not None:
            g = Graded.from_json(cached)
            g.student, g.name = sub.student, sub.name
            results[i] = g
            continue
        seeds = seeds_for(master, sub.sha256, a.ids)
        job, missing, notes = make_job(nb, a, seeds)
        todo.append({"i": i, "sub": sub, "a": a, "job": job, "missing": missing, "notes": notes, "seeds": seeds,
                     "key": key})
    common = Counter(g.assignment for g in results.values()) + Counter(t["a"].id for t in todo)
    fallback = get(assignment or common.most_common(1)[0][0]) if (assignment or common) else None
    for i, sub, reason in unreadable:
        results[i] = _invalid(sub, fallback, reason)

    # Steps 4-5: run and score, saving each result as soon as it is known.
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), unit="notebook", desc="grading", smoothing=0.1)

    def on_result(item: dict, run: RunResult) -> None:
        g = _assemble(item["sub"], item["a"], run, item["missing"], item["notes"], item["seeds"])
        store.put(item["key"], g.to_json())
        results[item["i"]] = g
        if bar is not None:
            bar.update(1)

    try:
        _run_all(todo, limits, min(workers or os.cpu_count() or 1, max(1, len(todo))), sandboxed, on_result)
    finally:
        if bar is not None:
            bar.close()

    # Step 6: report.
    graded = [results[i] for i in range(len(subs))]
    question_ids = _question_ids(graded)
    write_reports(out, graded, question_ids, store)
    store.save_last_run({"question_ids": question_ids, "results": [g.to_json() for g in graded]})
    return graded


def _question_ids(graded: list[Graded]) -> list[str]:
    ids: list[str] = []
    for g in graded:
        ids += [q for q in g.questions if q not in ids]
    return ids


def load_results(out: str | Path) -> tuple[list[Graded], list[str]]:
    """The graded submissions of the last run into ``out`` (for merging instructor scores)."""
    data = Store(out).last_run()
    if data is None:
        raise FileNotFoundError(f"{out} holds no grading run: run `lalib grade SUBMISSIONS --out {out}` first")
    return [Graded.from_json(g) for g in data["results"]], data["question_ids"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``lalib grade`` options."""
    parser.add_argument("submissions", nargs="?", help="folder of .ipynb files, or the zip an LMS exports")
    parser.add_argument("--out", required=True, help="output folder: grades.csv, feedback/, summary.html, ...")
    parser.add_argument("--assignment", help="exercise set id such as 03-rank (default: read from each notebook)")
    parser.add_argument("--seed", type=int, help="master seed of the hidden test inputs (default: kept in --out)")
    parser.add_argument("--workers", type=int, help="parallel sandboxes (default: the number of cores)")
    parser.add_argument("--timeout", type=float, default=Limits.timeout, help="seconds per notebook (default %(default)s)")
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout,
                        help="seconds per cell (default %(default)s)")
    parser.add_argument("--memory", type=int, default=Limits.memory_mb, help="MiB per process (default %(default)s)")
    parser.add_argument("--id-pattern", default=DEFAULT_ID_PATTERN,
                        help="regular expression naming the student in a file name, group 'student' "
                             "(default: Canvas names such as doe_jane_12345_6789_03-rank.ipynb)")
    parser.add_argument("--exercises", help="folder of exercise notebooks (default: the repository's exercises/)")
    parser.add_argument("--merge-free-response", metavar="FILE",
                        help="instead of grading: merge the instructor's scores from a filled-in "
                             "free_response.csv into --out/grades.csv")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(args: argparse.Namespace) -> int:
    """Run ``lalib grade``; 0 when every submission has its row."""
    try:
        if args.merge_free_response:
            problems = merge_free_response(Path(args.merge_free_response), Path(args.out))
            for line in problems:
                print(f"lalib grade: {line}", file=sys.stderr)
            print(f"merged free-response scores into {Path(args.out) / 'grades.csv'}")
            return 1 if problems else 0
        if not args.submissions:
            print("lalib grade: give SUBMISSIONS (a folder or a zip), or --merge-free-response FILE",
                  file=sys.stderr)
            return 2
        limits = Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, memory_mb=args.memory)
        graded = grade(args.submissions, args.out, assignment=args.assignment, seed=args.seed,
                       workers=args.workers, limits=limits, id_pattern=args.id_pattern, exercises=args.exercises,
                       progress=not args.no_progress)
    except (FileNotFoundError, ValueError, SandboxError) as exc:
        print(f"lalib grade: {exc}", file=sys.stderr)
        return 2
    counts = Counter(g.status for g in graded)
    print(f"graded {len(graded)} submissions ({', '.join(f'{s}: {n}' for s, n in counts.most_common())}); "
          f"see {Path(args.out) / 'summary.html'}")
    return 0
