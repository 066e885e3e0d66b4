"""``lalib grade``: grade a class's notebooks safely, in parallel, resumably.

The pipeline, one named step per module:

1. **collect** the submissions from a folder or an LMS zip (:mod:`.submissions`);
2. **read** each notebook defensively and find its exercise set (:mod:`.notebook`);
3. **skip** running what an earlier run already ran the same way (:mod:`.store`);
4. **run** the rest in warm, sandboxed workers, in parallel (:mod:`.sandbox`,
   :mod:`.runner`): answers leave the student process as plain data only,
   and are stored the moment they are known;
5. **score** every submission's answers in this process, strictly validated
   (:mod:`.scoring`), afresh on every run with the current question bank;
6. **report**: ``grades.csv``, ``feedback/``, ``free_response.csv``,
   ``summary.html`` (:mod:`.report`).

Around it: ``--shard K/N`` keeps only one shard's students after step 1 and
``--merge`` combines the shards (:mod:`.shards`); ``--roster`` makes step 5
judge each student's own variant (:mod:`.variants`); ``--similarity`` compares
the answers before step 6 (:mod:`.similarity`).
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

import lalib
from lalib.checks import question
from lalib.grading.notebook import (CHECKS_CHANGED, Assignment, InvalidNotebook, assignment_aliases,
                                    detect_assignment, load_assignment, make_job, read_notebook)
from lalib.grading.report import merge_free_response, write_reports
from lalib.grading.sandbox import (NO_SANDBOX, SANDBOX_CHOICES, Limits, RunResult, Sandbox, SandboxError,
                                   bwrap_available, choose_sandbox, isolation_report)
from lalib.grading.scoring import STATUSES, Graded, QuestionResult, clean_text, decode, parse_lines, score, seeds_for
from lalib.grading.store import Store, bank_hash, obtain_secret
from lalib.grading.submissions import DEFAULT_ID_PATTERN, Submission, collect
from lalib.grading import shards, similarity
from lalib.grading.variants import ClassVariants

__all__ = ["grade", "load_results", "Limits", "Graded", "GRADER_ERROR", "add_arguments", "main"]

FORMAT = 2  # bump when stored run records change meaning
GRADER_ERROR = "grader error"


def _invalid(sub: Submission, assignment: Assignment | None, reason: str) -> Graded:
    questions = {}
    if assignment is not None:
        for qid in assignment.ids:
            questions[qid] = asdict(QuestionResult(qid, 0.0, question(qid).points, "failed",
                                                   "not graded: the notebook could not be read"))
    return Graded(sub.student, sub.name, sub.sha256, assignment.id if assignment else "", "invalid notebook",
                  clean_text(reason, 500), questions)


def _record(run: RunResult, ids: list[str]) -> dict:
    """What a sandboxed run produced, as plain, cleaned, bounded data: what the store keeps."""
    answers, errors, end = parse_lines(run.lines, ids)
    failed = ""
    if run.outcome == GRADER_ERROR:
        failed = run.detail or "the grader failed"
    elif "internal" in end:
        failed = f"the grader's runner failed before the notebook started: {end['internal']}"
    return {"format": FORMAT, "outcome": run.outcome, "detail": clean_text(run.detail, 500),
            "memory_exceeded": bool(getattr(run, "memory_exceeded", False)), "answers": answers,
            "errors": errors, "end": end, "grader_error": clean_text(failed, 500)}


def _usable(record) -> bool:
    """A stored record this version can read (anything else is run again)."""
    return (isinstance(record, dict) and record.get("format") == FORMAT and isinstance(record.get("answers"), dict)
            and isinstance(record.get("errors"), list) and isinstance(record.get("end"), dict)
            and isinstance(record.get("outcome"), str) and not record.get("grader_error"))


def _screened(qid: str, code: str) -> str | None:
    """Why the submission's code is not allowed for ``qid`` (e.g. it calls a forbidden function), or None."""
    q = question(qid)
    if not hasattr(q, "screen_source"):
        return None
    reason = q.screen_source(code)
    return clean_text(reason, 300) if isinstance(reason, str) and reason else None


def _assemble(sub: Submission, assignment: Assignment, record: dict, missing: dict, notes: list,
              seeds: dict, code: str = "", variant: int | None = None, off_roster: dict | None = None) -> Graded:
    """Step 5: judge a run's stored answers afresh; the grader alone decides the status.

    ``variant`` is the student's own variant seed, recomputed from the roster (never the notebook's);
    ``off_roster`` gives the reason each parametric question of a student not on the roster is not graded.
    """
    notes = [clean_text(n, 1000) for n in notes]
    if record.get("grader_error"):
        questions = {qid: asdict(QuestionResult(qid, None, question(qid).points, "unanswered",
                                                "not graded: the grader failed (run lalib grade again)"))
                     for qid in assignment.ids}
        return Graded(sub.student, sub.name, sub.sha256, assignment.id, GRADER_ERROR, record["grader_error"],
                      questions, [], notes)
    answers, errors, end = record["answers"], record["errors"], record["end"]
    observed = {e["limit"] for e in errors if e.get("limit")}
    outcome, detail = record["outcome"], record["detail"]
    if outcome in ("timeout", "crashed"):
        observed.add(outcome)
    if record.get("memory_exceeded"):
        observed.add("memory")
    if missing or any("edited" in n or "marked as the check" in n for n in notes):
        observed.add(CHECKS_CHANGED)
    status = next((s for s in STATUSES if s in observed), "ok")
    if outcome == "finished":
        not_reached = "the check cell did not run"
    else:
        not_reached = f"not graded: the notebook stopped ({outcome}) before this check ran"
    questions = {}
    for qid in assignment.ids:
        reason = (_screened(qid, code) if code else None) or (off_roster or {}).get(qid)
        if reason:
            questions[qid] = asdict(QuestionResult(qid, 0.0, question(qid).points, "failed", reason))
            continue
        data = decode(answers[qid]) if qid in answers else None
        questions[qid] = asdict(score(qid, data, seeds[qid], missing.get(qid, ""),
                                      "" if qid in answers else not_reached, variant=variant))
    if end.get("more_errors"):
        notes.append(f"{end['more_errors']} more cells raised an error; only the first {len(errors)} are listed")
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
                    run = RunResult(outcome=GRADER_ERROR, detail=f"the sandbox could not start: {exc}")
                except Exception as exc:  # noqa: BLE001 - a grader fault must not lose the row
                    box.kill()
                    run = RunResult(outcome=GRADER_ERROR, detail=f"the grader failed: {type(exc).__name__}: {exc}")
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
          exercises: str | Path | None = None, sandboxed: bool | None = None, progress: bool = True,
          secret: str | Path | None = None, roster: str | Path | None = None,
          shard: tuple[int, int] | None = None, similar: bool = False,
          similarity_threshold: float = similarity.THRESHOLD) -> list[Graded]:
    """Grade every notebook in ``submissions`` into the folder ``out``.

    Parameters
    ----------
    submissions : path
        A folder of ``.ipynb`` files or an LMS zip.
    out : path
        Output folder (created); holds the reports and ``.grading/``, the results store.
    assignment : str, optional
        Exercise set id such as ``"rank"`` (or its file stem); default: read from each notebook.
    seed : int, optional
        Master seed for the hidden test inputs; default: the grading secret (see ``secret``).
    workers : int, optional
        Parallel sandboxes; default ``os.cpu_count()``.
    limits : Limits, optional
    id_pattern : str
        Regular expression naming the student in a file name (group ``student``), used when the
        file is not named the way Canvas or Moodle name submissions.
    exercises : path, optional
        Folder of exercise notebooks; default the repository's ``exercises/``.
    sandboxed : bool, optional
        ``False`` runs without bubblewrap (the instructor's ``--sandbox none``; what is lost is printed);
        default: bubblewrap, and a :class:`SandboxError` saying why when it cannot run here.
    progress : bool
        Show a progress bar with ETA.
    secret : path, optional
        The instructor's grading-secret file (default ``$LALIB_GRADING_SECRET``, else
        ``~/.config/lalib/grading-secret.json``), created with a loud message when missing.
        Shards of one class must share it.
    roster : path, optional
        The class roster given to ``lalib assign --roster``: each student's parametric questions are
        judged against their own variant, recomputed from the roster and ``secret`` (:mod:`.variants`).
    shard : (int, int), optional
        ``(K, N)``: grade only the students of shard K of N (:mod:`.shards`); merge with :func:`shards.merge`.
    similar : bool
        Compare answers question by question and with the model solutions (:mod:`.similarity`).
    similarity_threshold : float
        The share of an answer's fingerprints another must hold to be listed.

    Returns
    -------
    list of Graded
        One per submission, in file-name order. A submission the grader itself failed on has the
        status ``"grader error"``: it is not a score, nothing of it was stored, and the next run
        grades it afresh.
    """
    limits = limits or Limits()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out)
    master = int(seed) if seed is not None else obtain_secret(secret)[0]
    changed = store.check_secret(master)
    if changed:
        print(f"lalib grade: {changed}", file=sys.stderr)
    sandboxed = choose_sandbox(None) if sandboxed is None else sandboxed  # never a silent fallback
    if not sandboxed:
        print(isolation_report(False), file=sys.stderr)
    aliases = assignment_aliases(exercises)
    if assignment is not None:
        assignment = load_assignment(assignment, exercises).id  # raises, naming the sets there are
    cache: dict[str, Assignment] = {}

    def get(aid: str) -> Assignment:
        if aid not in cache:
            cache[aid] = load_assignment(aid, exercises)
        return cache[aid]

    base = {"format": FORMAT, "lalib": lalib.__version__, "seed": master, "limits": asdict(limits),
            "sandboxed": sandboxed}
    banks: dict[str, str] = {}

    def bank_of(a: Assignment) -> str:
        """The hash of the banks this set's questions come from (computed once per set and run)."""
        if a.id not in banks:
            banks[a.id] = bank_hash({q.split(".", 1)[0] for q in a.ids})
        return banks[a.id]

    # Steps 1-3: collect, read, skip running what has run the same way before.
    everything = collect(submissions, id_pattern)
    subs = shards.select([s for s in everything if not s.superseded_by], shard)  # all of them without a shard
    variants = ClassVariants(roster, secret) if roster else None  # read before any run: a bad roster fails at once
    regions: dict = {}
    superseded = [f"{s.name}: superseded by the same student's later submission {s.superseded_by}"
                  for s in everything if s.superseded_by]
    results: dict[int, Graded] = {}
    todo, unreadable = [], []
    for i, sub in enumerate(subs):
        try:
            if sub.problem:
                raise InvalidNotebook(sub.problem)
            nb = read_notebook(sub.read())
            aid = assignment or detect_assignment(nb, sub.name, aliases)
        except InvalidNotebook as exc:
            unreadable.append((i, sub, str(exc)))
            continue
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - whatever a file does, it costs only its own row
            unreadable.append((i, sub, f"the notebook could not be read ({type(exc).__name__})"))
            continue
        a = get(aid)
        seeds = seeds_for(master, sub.sha256, a.ids)
        try:
            job, missing, notes = make_job(nb, a, seeds)
        except Exception as exc:  # noqa: BLE001
            unreadable.append((i, sub, f"the notebook could not be read ({type(exc).__name__})"))
            continue
        code = "\n\n".join(c["source"] for c in job["cells"] if c["kind"] == "code")
        key = store.key(sub.sha256, {**base, "bank": bank_of(a), "assignment": a.id, "exercise": a.digest})
        item = {"i": i, "sub": sub, "a": a, "job": job, "missing": missing, "notes": notes, "seeds": seeds,
                "key": key, "code": code}
        if variants is not None:
            item.update(variants.plan(sub.student, a.id, a.ids, nb, notes))
        if similar:
            regions[sub.student] = [a.id, similarity.answer_regions(nb, a.ids)]
        cached = store.get(key)
        if _usable(cached):
            results[i] = _judge(item, cached)
        else:
            todo.append(item)
    common = Counter(g.assignment for g in results.values()) + Counter(t["a"].id for t in todo)
    fallback = get(assignment or common.most_common(1)[0][0]) if (assignment or common) else None
    for i, sub, reason in unreadable:
        results[i] = _invalid(sub, fallback, reason)

    # Steps 4-5: run, store each run's record as soon as it is known (never a grader failure), judge.
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), unit="notebook", desc="grading", smoothing=0.1)

    def on_result(item: dict, run: RunResult) -> None:
        try:
            record = _record(run, item["a"].ids)
        except Exception as exc:  # noqa: BLE001 - a fault of ours: reported, never stored
            record = {"grader_error": f"the grader failed reading the run: {type(exc).__name__}: {exc}"}
        g = _judge(item, record)
        if g.status != GRADER_ERROR:
            store.put(item["key"], record)
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
    for line in superseded:
        print(f"lalib grade: not graded: {line}", file=sys.stderr)
    for line in variants.report() if variants is not None else []:
        print(f"lalib grade: {line}", file=sys.stderr)
    if similar:
        folder = Path(exercises) if exercises else None
        for line in similarity.run(out, regions, {aid: (a, folder or _exercises_folder()) for aid, a in cache.items()},
                                   similarity_threshold):
            print(f"lalib grade: {line}", file=sys.stderr)
    else:
        similarity.clear(out)
    for line in write_reports(out, graded, question_ids, store, superseded=superseded):
        print(f"lalib grade: {line}", file=sys.stderr)
    store.save_last_run({"question_ids": question_ids, "results": [g.to_json() for g in graded],
                         "superseded": superseded,
                         **({"shard": shards.shard_note(shard, everything, len(graded))} if shard else {})})
    return graded


def _exercises_folder() -> Path:
    from lalib.grading.notebook import default_exercises
    return default_exercises()


def _judge(item: dict, record: dict) -> Graded:
    """Step 5 for one submission; a fault in the grader's own code is a grader error, never a score."""
    try:
        return _assemble(item["sub"], item["a"], record, item["missing"], item["notes"], item["seeds"],
                         item["code"], item.get("variant"), item.get("off_roster"))
    except Exception as exc:  # noqa: BLE001
        failed = {"grader_error": f"the grader failed judging this notebook: {type(exc).__name__}: {exc}"}
        return _assemble(item["sub"], item["a"], failed, {}, item["notes"], item["seeds"])


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
    parser.add_argument("--assignment", help="exercise set id such as rank (default: read from each notebook)")
    parser.add_argument("--secret", metavar="FILE",
                        help="the grading secret that seeds the hidden test inputs (default: $LALIB_GRADING_SECRET, "
                             "else ~/.config/lalib/grading-secret.json, created on first use); shards must share it")
    parser.add_argument("--seed", type=int, help="master seed of the hidden test inputs, instead of --secret")
    parser.add_argument("--workers", type=int, help="parallel sandboxes (default: the number of cores)")
    parser.add_argument("--timeout", type=float, default=Limits.timeout, help="seconds per notebook (default %(default)s)")
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout,
                        help="seconds per cell (default %(default)s)")
    parser.add_argument("--memory", type=int, default=Limits.memory_mb, help="MiB per process (default %(default)s)")
    parser.add_argument("--id-pattern", default=DEFAULT_ID_PATTERN,
                        help="regular expression naming the student in a file name, group 'student', for names "
                             "that are neither Canvas's nor Moodle's (those are recognised by themselves)")
    parser.add_argument("--exercises", help="folder of exercise notebooks (default: the repository's exercises/)")
    parser.add_argument("--merge-free-response", metavar="FILE",
                        help="instead of grading: merge the instructor's scores from a filled-in "
                             "free_response.csv into --out/grades.csv")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--roster", metavar="CSV",
                        help="the roster given to `lalib assign --roster`: judge each student's parametric questions "
                             "against their own variant, recomputed from the roster and the grading secret")
    parser.add_argument("--similarity", action="store_true",
                        help="compare answers question by question (and with the model solutions): similarity.csv "
                             "and a section of summary.html with the matching code side by side")
    parser.add_argument("--similarity-threshold", type=similarity.share, default=similarity.THRESHOLD,
                        metavar="SHARE",
                        help="list a pair when this share of one answer's fingerprints is in the other "
                             "(default %(default)s)")
    parser.add_argument("--shard", metavar="K/N",
                        help="grade only shard K of N (1 to N) of the class, split by a stable hash of the student; "
                             "combine the shards with --merge")
    parser.add_argument("--merge", nargs="+", metavar="SHARD_OUT",
                        help="instead of grading: merge the output folders of all N shards into --out")
    parser.add_argument("--sandbox", choices=SANDBOX_CHOICES, default="bwrap",
                        help="bwrap (default): each notebook in a bubblewrap sandbox, and no grading where it cannot "
                             "run; none: where user namespaces are off (Docker, Gradescope, unprivileged pods), "
                             "grade with only resource limits and a separate user id, after saying what is lost")


def main(args: argparse.Namespace) -> int:
    """Run ``lalib grade``: 0 when every submission is graded, 2 on bad arguments, 3 when the grader failed."""
    try:
        if args.merge_free_response:
            problems = merge_free_response(Path(args.merge_free_response), Path(args.out))
            for line in problems:
                print(f"lalib grade: {line}", file=sys.stderr)
            print(f"merged free-response scores into {Path(args.out) / 'grades.csv'}")
            return 1 if problems else 0
        if getattr(args, "merge", None):
            graded, said = shards.merge(args.merge, args.out)
            for line in said:
                print(f"lalib grade: {line}", file=sys.stderr)
            print(f"merged {len(args.merge)} shards: {len(graded)} submissions in {Path(args.out) / 'grades.csv'}")
            return 0
        if not args.submissions:
            print("lalib grade: give SUBMISSIONS (a folder or a zip), or --merge-free-response FILE",
                  file=sys.stderr)
            return 2
        limits = Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, memory_mb=args.memory)
        graded = grade(args.submissions, args.out, assignment=args.assignment, seed=args.seed,
                       workers=args.workers, limits=limits, id_pattern=args.id_pattern, exercises=args.exercises,
                       progress=not args.no_progress, secret=args.secret, roster=getattr(args, "roster", None),
                       shard=shards.parse_shard(args.shard) if getattr(args, "shard", None) else None,
                       similar=getattr(args, "similarity", False),
                       similarity_threshold=getattr(args, "similarity_threshold", similarity.THRESHOLD),
                       sandboxed=False if getattr(args, "sandbox", None) == NO_SANDBOX else None)
    except (FileNotFoundError, ValueError, SandboxError) as exc:
        print(f"lalib grade: {exc}", file=sys.stderr)
        return 2
    counts = Counter(g.status for g in graded)
    print(f"graded {len(graded)} submissions ({', '.join(f'{s}: {n}' for s, n in counts.most_common())}); "
          f"see {Path(args.out) / 'summary.html'}")
    failed = [g for g in graded if g.status == GRADER_ERROR]
    if failed:
        reasons = Counter(g.detail for g in failed)
        print(f"lalib grade: the GRADER ITSELF failed on {len(failed)} of {len(graded)} submissions; they have no "
              "score, nothing of them was stored, and the next run grades them afresh. Why:", file=sys.stderr)
        for reason, n in reasons.most_common(5):
            print(f"  {n} × {reason}", file=sys.stderr)
        return 3
    return 0
