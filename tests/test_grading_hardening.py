"""The grader against a hostile class, without sandboxes: every boundary validated, every report written.

``Sandbox.run`` is replaced by a fake that returns chosen (or random) lines,
so the whole of ``grade`` (collect, read, store, score, report) runs in
milliseconds and Hypothesis can fuzz it. What only a real sandbox can show
is in ``test_grading_isolation.py`` and the adversarial corpus.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import signal
import subprocess
import time
import tracemalloc
import zipfile

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lalib.checks
import lalib.grading
import lalib.grading.notebook
import lalib.grading.scoring
from grading_helpers import ASSIGNMENT, EXERCISE, STEM, cell_of, file_name, load, of_kind, write
from lalib.checks import question
from lalib.grading import GRADER_ERROR, _assemble, _record, grade, main as grade_main
from lalib.grading.notebook import InvalidNotebook, detect_assignment, load_assignment, make_job, read_notebook
from lalib.grading.report import csv_safe, merge_free_response
from lalib.grading.sandbox import Limits, RunResult, Sandbox, SandboxError
from lalib.grading.scoring import seeds_for
from lalib.grading.store import bank_hash, load_secret
from lalib.grading.submissions import collect, identify
from lalib.cli import build_parser, main as cli_main

IDS = ASSIGNMENT.ids
REPORTS = ["grades.csv", "free_response.csv", "summary.html"]


# --- a fake sandbox -------------------------------------------------------------------------
def line(**message) -> str:
    return json.dumps(message)


def answered(qid: str, value) -> str:
    return line(type="answer", question=qid, data={"status": "answered", "value": value})


def fake_runs(monkeypatch, make_lines, outcome: str = "finished", calls: list | None = None):
    """Every ``Sandbox.run`` returns ``make_lines(job)``; ``calls`` collects the jobs that ran."""
    def run(self, job):
        if calls is not None:
            calls.append(job)
        lines = make_lines(job)
        if isinstance(lines, BaseException):
            raise lines
        return RunResult(lines=list(lines), outcome=outcome)
    monkeypatch.setattr(Sandbox, "run", run)


def rows(out) -> dict:
    with open(out / "grades.csv", encoding="utf-8-sig") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


def run_grade(subs, out, **kw):
    kw.setdefault("seed", 5)
    return grade(subs, out, workers=1, limits=Limits(timeout=5, cell_timeout=2), sandboxed=False, progress=False,
                 **kw)


def assert_all_reports(out, graded):
    for name in REPORTS:
        assert (out / name).is_file(), name
    for g in graded:
        assert (out / "feedback" / f"{g.student}.html").is_file()
    assert len(rows(out)) == len(graded) == len({g.student for g in graded})


# --- issue 8, item 1: a regrade after fixing a question ------------------------------------
def test_regrade_after_fixing_a_question_serves_the_new_verdict(tmp_path, monkeypatch):
    qid = of_kind("number")[0]
    wrong = float(question(qid).expected) + 17
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    calls: list = []
    fake_runs(monkeypatch, lambda job: [line(type="cell", index=0), answered(qid, wrong), line(type="done")],
              calls=calls)
    out = tmp_path / "out"
    first = run_grade(tmp_path / "subs", out)[0]
    assert first.questions[qid]["status"] == "failed" and first.questions[qid]["points"] == 0

    # The instructor fixes the question: its expected answer is now the student's.
    fixed = dataclasses.replace(question(qid), expected=wrong)
    original = lalib.checks.question

    def patched(question_id, *args, **kwargs):
        return fixed if question_id == qid else original(question_id, *args, **kwargs)
    for module in (lalib.checks, lalib.grading, lalib.grading.scoring, lalib.grading.notebook):
        monkeypatch.setattr(module, "question", patched)
    second = run_grade(tmp_path / "subs", out)[0]
    assert len(calls) == 1, "the unchanged notebook must not run again: only its verdict is recomputed"
    assert second.questions[qid]["status"] == "passed"
    assert float(rows(out)["s_1"][qid]) == fixed.points


def test_a_run_is_redone_when_what_it_depends_on_changes(tmp_path, monkeypatch):
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    calls: list = []
    fake_runs(monkeypatch, lambda job: [line(type="done")], calls=calls)
    out = tmp_path / "out"
    run_grade(tmp_path / "subs", out)
    run_grade(tmp_path / "subs", out)
    assert len(calls) == 1
    run_grade(tmp_path / "subs", out, seed=6)  # another seed: other hidden inputs
    assert len(calls) == 2
    monkeypatch.setattr(lalib.grading, "bank_hash", lambda *prefixes: "another bank")
    run_grade(tmp_path / "subs", out, seed=6)
    assert len(calls) == 3


def test_a_sets_key_leaves_other_banks_out():
    prefixes = {q.split(".", 1)[0] for q in IDS}
    others = set(lalib.checks.BANKS) - prefixes
    if not others:
        pytest.skip("only one bank")
    assert bank_hash(prefixes) != bank_hash(prefixes | others)  # the other banks' sources are not in its hash
    assert bank_hash(prefixes) == bank_hash(set(prefixes))


# --- issue 9, item 12: a failure of the grader itself ---------------------------------------
def test_a_grader_failure_is_never_stored_and_the_run_exits_non_zero(tmp_path, monkeypatch, capsys):
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    out = tmp_path / "out"
    fake_runs(monkeypatch, lambda job: SandboxError("bwrap: setting up uid map: Permission denied"))
    args = build_parser().parse_args(["grade", str(tmp_path / "subs"), "--out", str(out), "--seed", "1",
                                      "--no-progress", "--workers", "1"])
    assert grade_main(args) == 3
    err = capsys.readouterr().err
    assert "GRADER ITSELF failed" in err and "uid map" in err
    assert not list((out / ".grading" / "results").glob("*.json"))
    r = rows(out)["s_1"]
    assert (r["status"], r["total"]) == (GRADER_ERROR, "")  # no score, not even 0
    assert "not graded (grader error)" in (out / "feedback" / "s_1.html").read_text(encoding="utf-8")

    calls: list = []
    fake_runs(monkeypatch, lambda job: [line(type="done")], calls=calls)
    assert grade_main(args) == 0 and len(calls) == 1  # graded afresh
    assert rows(out)["s_1"]["status"] == "ok"


def test_a_runner_failure_forged_by_student_code_is_not_a_grader_error(tmp_path, monkeypatch):
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    fake_runs(monkeypatch, lambda job: [line(type="cell", index=0), line(type="internal", error="forged"),
                                        line(type="done")])
    g = run_grade(tmp_path / "subs", tmp_path / "out")[0]
    assert g.status == "ok"


# --- issue 9, items 1-3: whatever crosses from a submission --------------------------------
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=20)
_records = st.one_of(
    _json,
    st.fixed_dictionaries({"status": st.sampled_from(["answered", "invalid", "unanswered", "x"])},
                          optional={"value": _json, "message": _json}),
    st.fixed_dictionaries({"status": st.just("answered"),
                           "value": st.one_of(st.integers(min_value=-10**400, max_value=10**400),
                                              st.fixed_dictionaries({"__ndarray__": st.fixed_dictionaries(
                                                  {}, optional={"shape": _json, "data": _json})}),
                                              st.fixed_dictionaries({}, optional={"seed": _json,
                                                                                   "outputs": _json}))}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(IDS), _records), max_size=6),
       st.lists(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xDFFF), max_size=30), max_size=3),
       st.sampled_from(["finished", "timeout", "crashed"]))
def test_any_records_score_between_zero_and_the_points(answers, texts, outcome):
    lines = [line(type="cell", index=0)] + [json.dumps({"type": "answer", "question": q, "data": d})
                                            for q, d in answers]
    lines += [line(type="error", index=1, error=t, limit="memory") for t in texts]
    lines += [line(type="done", output="".join(texts), output_bytes=7)]
    record = _record(RunResult(lines=lines, outcome=outcome), IDS)
    json.dumps(record).encode("utf-8")  # storable as it is: no lone surrogate, nothing exotic
    sub = collect_one(b"{}")
    g = _assemble(sub, ASSIGNMENT, record, {}, [], seeds_for(1, "x", IDS))
    assert g.status != GRADER_ERROR
    for qid, q in g.questions.items():
        assert q["points"] is None and question(qid).kind == "free-text" or 0 <= q["points"] <= q["max_points"]


def collect_one(data: bytes):
    from lalib.grading.submissions import Submission
    return Submission("s", "s.ipynb", data, "0" * 64)


_notebooks = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["nbformat", "cells", "cell_type", "source", "metadata", "lalib", "role", "question",
                         "assignment", "x"]), inner, max_size=5),
    max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(_notebooks, st.sampled_from(["code", "markdown", 3]), st.sampled_from(["check", "answer", [1]]))
def test_any_notebook_json_is_read_or_refused_with_a_reason(junk, cell_type, role):
    candidates = [junk, {"nbformat": 4, "cells": junk},
                  {"nbformat": 4, "metadata": junk, "cells": [{"cell_type": cell_type, "source": junk,
                                                               "metadata": {"lalib": {"role": role,
                                                                                      "question": junk}}}]}]
    for nb in candidates:
        try:
            parsed = read_notebook(json.dumps(nb).encode())
        except InvalidNotebook as exc:
            assert str(exc)
            continue
        job, missing, notes = make_job(parsed, ASSIGNMENT, seeds_for(1, "x", IDS))
        assert set(missing) <= set(IDS)
        json.dumps(job)


@pytest.mark.parametrize("text, reason", [
    ('{"nbformat": 4, "cells": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"nbformat": 4, "cells": [], "x": ' + "9" * 5000 + "}", "grader can read"),
])
def test_hostile_but_valid_json_is_an_invalid_notebook(text, reason):
    with pytest.raises(InvalidNotebook, match=reason):
        read_notebook(text.encode())


def test_cell_metadata_of_the_wrong_type_is_ignored(tmp_path, monkeypatch):
    nb = load("solution")
    check = cell_of(nb, IDS[0], "check")
    check.metadata["lalib"]["question"] = ["a", "list"]
    nb.cells[0].metadata = {"lalib": "not a dict"}
    nb.metadata["lalib"] = [1, 2]
    parsed = read_notebook(nbformat.writes(nb).encode())
    job, missing, notes = make_job(parsed, ASSIGNMENT, seeds_for(1, "x", IDS))
    assert not missing  # the check cell was found by its call
    assert any("lost its metadata" in n for n in notes)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.tuples(st.binary(max_size=60) | st.sampled_from([b"", b"{}", b'{"nbformat": 4}']),
                          st.lists(st.sampled_from(IDS), max_size=3), _records), min_size=1, max_size=4),
       st.lists(st.text(max_size=20), max_size=4))
def test_the_whole_run_completes_with_one_row_and_every_report(tmp_path_factory, monkeypatch, subs, junk_lines):
    """Random files and random records from the sandbox: every run ends with every report."""
    root = tmp_path_factory.mktemp("fuzz")
    honest = nbformat.writes(load("exercise")).encode()
    for i, (data, qids, record) in enumerate(subs):
        (root / "subs").mkdir(exist_ok=True)
        (root / "subs" / file_name(f"s{i}")).write_bytes(data if i % 2 else honest)
    by_job = {i: (qids, record) for i, (_, qids, record) in enumerate(subs)}
    counter = iter(range(10**6))

    def make_lines(job):
        qids, record = by_job[next(counter) % len(by_job)]
        return junk_lines + [json.dumps({"type": "answer", "question": q, "data": record}) for q in qids]
    fake_runs(monkeypatch, make_lines)
    graded = run_grade(root / "subs", root / "out")
    assert len(graded) == len(subs)
    assert_all_reports(root / "out", graded)


def test_surrogates_in_output_errors_and_answers_lose_no_report(tmp_path, monkeypatch):
    free = of_kind("free-text")
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    lines = [line(type="cell", index=0), line(type="error", index=3, error="boom \ud800", limit=""),
             line(type="done", output="out \udfff put", output_bytes=9)]
    lines += [answered(q, "my answer \ud800 in words") for q in free]
    fake_runs(monkeypatch, lambda job: lines)
    graded = run_grade(tmp_path / "subs", tmp_path / "out")
    assert_all_reports(tmp_path / "out", graded)
    page = (tmp_path / "out" / "feedback" / "s_1.html").read_text(encoding="utf-8")
    assert "boom \ufffd" in page and "out \ufffd put" in page
    if free:
        filled = tmp_path / "scored.csv"
        text = (tmp_path / "out" / "free_response.csv").read_text(encoding="utf-8")
        assert "\ufffd" in text
        filled.write_text(text.replace(",\n", ",1\n"), encoding="utf-8")
        assert merge_free_response(filled, tmp_path / "out") == []


# --- issue 9, item 6: floods of records --------------------------------------------------
def test_a_flood_of_errors_is_bounded_when_stored_and_reported(tmp_path, monkeypatch):
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    flood = [line(type="error", index=i, error="x" * 10_000, limit="") for i in range(5000)]
    fake_runs(monkeypatch, lambda job: flood)
    g = run_grade(tmp_path / "subs", tmp_path / "out")[0]
    assert len(g.errors) <= 50 and any("more cells raised" in n for n in g.notes)
    stored = list((tmp_path / "out" / ".grading" / "results").glob("*.json"))
    assert stored and stored[0].stat().st_size < 100_000
    assert (tmp_path / "out" / "feedback" / "s_1.html").stat().st_size < 100_000


def test_an_oversized_answer_is_recorded_as_too_large(tmp_path, monkeypatch):
    qid = of_kind("number")[0]
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    fake_runs(monkeypatch, lambda job: [answered(qid, "x" * (2 << 20))])
    g = run_grade(tmp_path / "subs", tmp_path / "out")[0]
    assert "too large" in g.questions[qid]["message"] and g.questions[qid]["points"] == 0


# --- issue 9, items 8 and 9: who is who -----------------------------------------------------
def test_row_keys_are_unique_by_construction(tmp_path):
    for folder, name in [("a", "dup.ipynb"), ("b", "dup.ipynb"), ("c", "dup-2.ipynb")]:
        write(load("exercise"), tmp_path / folder, name)
    subs = collect(tmp_path)
    keys = {s.name: s.student for s in subs}
    assert len(set(keys.values())) == 3
    assert keys["c/dup-2.ipynb"] == "dup-2"  # the file really named dup-2 keeps its own key
    assert keys["a/dup.ipynb"] == "dup" and keys["b/dup.ipynb"] not in ("dup", "dup-2")


def test_lms_names_identify_students_and_the_latest_submission_counts(tmp_path):
    names = [f"doejane_12345_6789_{STEM}.ipynb", f"doejane_LATE_12345_6790_{STEM}-1.ipynb",
             f"anon_Xk3Pq_6791_{STEM}.ipynb", f"anonymous_Qw8_LATE_6792_{STEM}.ipynb",
             f"Jane Roe_123456_assignsubmission_file_{STEM}.ipynb"]
    for n in names:
        write(load("exercise"), tmp_path / "flat", n)
    write(load("exercise"), tmp_path / "flat" / "Rick Moe_777_assignsubmission_file_", f"{STEM}.ipynb")
    subs = {s.name: s for s in collect(tmp_path / "flat")}
    assert subs[names[1]].student == "doejane_12345" and not subs[names[1]].superseded_by
    assert subs[names[0]].superseded_by == names[1]
    assert subs[names[2]].student == "anon_Xk3Pq" and subs[names[3]].student == "anonymous_Qw8"
    assert subs[names[4]].student == "Jane_Roe_123456"
    assert subs[f"Rick Moe_777_assignsubmission_file_/{STEM}.ipynb"].student == "Rick_Moe_777"
    assert identify("plain.ipynb") == ("plain", False, -1)


def test_a_superseded_submission_is_listed_not_graded(tmp_path, monkeypatch):
    write(load("exercise"), tmp_path / "subs", f"doejane_12345_6789_{STEM}.ipynb")
    write(load("exercise"), tmp_path / "subs", f"doejane_12345_6790_{STEM}.ipynb")
    fake_runs(monkeypatch, lambda job: [line(type="done")])
    graded = run_grade(tmp_path / "subs", tmp_path / "out")
    assert [g.name for g in graded] == [f"doejane_12345_6790_{STEM}.ipynb"]
    assert f"doejane_12345_6789_{STEM}.ipynb" in (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")


# --- issue 9, item 10: spreadsheet formulas ---------------------------------------------------
def test_no_csv_cell_the_grader_writes_can_run_as_a_formula(tmp_path, monkeypatch):
    free = of_kind("free-text")
    write(load("exercise"), tmp_path / "subs", "=HYPERLINK(1).ipynb")
    write(load("exercise"), tmp_path / "subs", "-2+3.ipynb")
    fake_runs(monkeypatch, lambda job: [answered(q, "=cmd|' /C calc'!A0") for q in free] + [line(type="done")])
    out = tmp_path / "out"
    run_grade(tmp_path / "subs", out, assignment=ASSIGNMENT.id)
    for name in ("grades.csv", "free_response.csv"):
        with open(out / name, encoding="utf-8-sig") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell)
                    assert not cell.startswith("-") or csv_safe(cell) == cell
    assert csv_safe("=1") == "'=1"
    if free:
        r = list(csv.DictReader(open(out / "free_response.csv", encoding="utf-8-sig")))
        assert r[0]["answer"].startswith("'=")
        r[0]["score"] = "1"
        with open(tmp_path / "scored.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(r[0]))
            w.writeheader()
            w.writerows(r)
        assert merge_free_response(tmp_path / "scored.csv", out) == []


# --- issue 9, item 11: folder and zip input -------------------------------------------------
def test_folder_input_skips_links_out_fifos_and_devices(tmp_path):
    outside = write(load("exercise"), tmp_path / "elsewhere", "secret.ipynb")
    subs = tmp_path / "subs"
    write(load("exercise"), subs, "a.ipynb")
    os.symlink(outside, subs / "link.ipynb")
    os.symlink("/dev/zero", subs / "zero.ipynb")
    os.mkfifo(subs / "fifo.ipynb")
    start = time.monotonic()
    found = {s.name: s for s in collect(subs)}
    assert time.monotonic() - start < 30  # a FIFO blocked collection forever before
    assert found["a.ipynb"].data and not found["a.ipynb"].problem
    assert "outside" in found["link.ipynb"].problem and not found["link.ipynb"].data
    assert found["zero.ipynb"].problem and found["fifo.ipynb"].problem


def test_zip_members_are_streamed_not_held(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(40):
            zf.writestr(f"s{i}_1_1_{STEM}.ipynb", b" " * (15 << 20))  # 600 MB unpacked, a few hundred KB packed
        zf.writestr(f"ok_1_1_{STEM}.ipynb", nbformat.writes(load("exercise")))
    tracemalloc.start()
    subs = collect(z)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 << 20, f"collecting held {peak >> 20} MB"
    assert len(subs) == 41 and all(not s.data for s in subs)
    ok = next(s for s in subs if s.name.startswith("ok_"))
    assert read_notebook(ok.read())["cells"]


# --- issue 9, item 13: the instructor's edits --------------------------------------------------
def test_an_edited_free_response_csv_is_never_overwritten(tmp_path, monkeypatch, capsys):
    free = of_kind("free-text")
    if not free:
        pytest.skip("this exercise set has no free-text question")
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    fake_runs(monkeypatch, lambda job: [answered(q, "because the columns repeat") for q in free])
    out = tmp_path / "out"
    run_grade(tmp_path / "subs", out)
    path = out / "free_response.csv"
    edited = path.read_text(encoding="utf-8").replace(",\n", ",2\n")
    path.write_text(edited, encoding="utf-8")
    run_grade(tmp_path / "subs", out)
    assert path.read_text(encoding="utf-8") == edited
    assert (out / "free_response.new.csv").is_file()
    assert "was edited" in capsys.readouterr().err
    assert merge_free_response(path, out) == []
    assert float(rows(out)["s_1"][free[0]]) == 2


# --- issue 9, item 14: cell metadata lost ------------------------------------------------------
def test_answers_are_found_by_their_check_calls_when_metadata_is_lost():
    nb = load("solution")
    for cell in nb.cells:
        cell.metadata = {}
    job, missing, notes = make_job(read_notebook(nbformat.writes(nb).encode()), ASSIGNMENT,
                                   seeds_for(1, "x", IDS))
    assert missing == {}
    assert [c["question"] for c in job["cells"] if c["kind"] == "check"] == IDS
    assert sum("lost its metadata" in n for n in notes) == len(IDS)


# --- issue 8, item 8: the secret seed and the stable id -------------------------------------
def test_the_secret_is_created_once_loudly_and_shared_by_shards(tmp_path, monkeypatch, capsys):
    secret = tmp_path / "cfg" / "secret.json"
    write(load("exercise"), tmp_path / "subs", file_name("s"))
    calls: list = []
    fake_runs(monkeypatch, lambda job: [line(type="done")], calls=calls)
    run_grade(tmp_path / "subs", tmp_path / "shard1", seed=None, secret=secret)
    err = capsys.readouterr().err
    assert "created a NEW grading secret" in err and str(secret) in err and "Shards" in err
    run_grade(tmp_path / "subs", tmp_path / "shard2", seed=None, secret=secret)
    assert "NEW" not in capsys.readouterr().err
    assert calls[0]["seeds"] == calls[1]["seeds"]  # two shards, the same hidden inputs
    assert oct(secret.stat().st_mode & 0o777) == "0o600"


def test_lalib_init_creates_a_secret_and_never_replaces_it(tmp_path, capsys):
    secret = tmp_path / "s.json"
    assert cli_main(["init", "--secret", str(secret)]) == 0
    seed = load_secret(secret)
    assert cli_main(["init", "--secret", str(secret)]) == 1
    assert load_secret(secret) == seed and "already exists" in capsys.readouterr().err


def test_a_renumbered_exercise_set_still_grades_old_notebooks(tmp_path, monkeypatch):
    folder = tmp_path / "exercises"
    folder.mkdir()
    nb = json.loads(EXERCISE.read_text(encoding="utf-8"))
    stable = nb["metadata"].setdefault("lalib", {}).setdefault("assignment", ASSIGNMENT.id.split("-", 1)[-1])
    (folder / f"99-{stable}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    old = load("exercise")
    old.metadata["lalib"] = {"source": f"solutions/{STEM}.ipynb"}  # as submitted before the renumbering
    write(old, tmp_path / "subs", f"doe_1_1_{STEM}.ipynb")
    fake_runs(monkeypatch, lambda job: [line(type="done")])
    g = grade(tmp_path / "subs", tmp_path / "out", exercises=folder, seed=1, sandboxed=False, progress=False)[0]
    assert (g.assignment, g.status) == (stable, "ok")
    assert load_assignment(STEM, folder).id == load_assignment(f"99-{stable}", folder).id == stable
    assert detect_assignment({"metadata": {}}, f"x_{STEM}.ipynb", {stable: stable}) == stable


# --- screening the source (forbidden names) ----------------------------------------------------
def test_a_question_that_screens_the_source_scores_zero_with_its_reason(tmp_path, monkeypatch):
    qid = IDS[0]
    original = lalib.checks.question

    class Screening:
        def __init__(self, q):
            self.q = q

        def __getattr__(self, name):
            return getattr(self.q, name)

        def screen_source(self, code):
            return "your code uses numpy.linalg.matrix_rank, which this question forbids" if "FORBIDDEN" in code \
                else None
    monkeypatch.setattr(lalib.grading, "question",
                        lambda q, *a, **k: Screening(original(q)) if q == qid else original(q, *a, **k))
    write(load("exercise"), tmp_path / "subs", file_name("clean"))
    nb = load("exercise")
    nb.cells.append(nbformat.v4.new_code_cell("FORBIDDEN = 1"))
    write(nb, tmp_path / "subs", file_name("bad"))
    fake_runs(monkeypatch, lambda job: [answered(qid, float(question(qid).expected))] if question(qid).kind ==
              "number" else [])
    graded = {g.student: g for g in run_grade(tmp_path / "subs", tmp_path / "out")}
    assert "forbids" in graded["bad_1"].questions[qid]["message"] and graded["bad_1"].questions[qid]["points"] == 0
    assert "forbids" not in graded["clean_1"].questions[qid]["message"]


# --- issue 9, item 7: kill only what you started ---------------------------------------------
def test_kill_never_uses_a_process_number_seen_inside_the_sandbox():
    ours = subprocess.Popen(["sleep", "60"], start_new_session=True)
    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        box = Sandbox(Limits(), sandboxed=True)
        box.proc = ours
        box._child = bystander.pid  # what a "started" line from inside the sandbox could claim
        box.kill()
        assert ours.wait(timeout=10) == -signal.SIGKILL
        assert bystander.poll() is None, "an unrelated process was killed"
    finally:
        for p in (ours, bystander):
            p.kill()
            p.wait()


def test_every_worker_has_its_own_uid_that_says_nothing_of_the_grader():
    uids = [Sandbox(Limits(), slot=s).uid for s in range(200)]
    assert len(set(uids)) == 200  # workers beyond 64 shared a uid before
    code = "from lalib.grading.sandbox import Sandbox, Limits; print(Sandbox(Limits()).uid)"
    runs = {subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert len(runs) == 2, "the uid must be drawn afresh, not derived from the grader's process number"


@pytest.mark.slow
@pytest.mark.skipif(not lalib.grading.bwrap_available(), reason="needs bubblewrap")
def test_a_cgroup_that_cannot_be_joined_does_not_stop_the_grader(monkeypatch):
    """Where a group can be made but not joined, the worker starts without it (and says nothing is bounded)."""
    from lalib.grading import cgroup

    class Unjoinable(cgroup.MemoryGroup):
        procs_file = "/proc/self/no-such-file"
    nowhere = cgroup.Path("/nonexistent-lalib-cgroup")
    monkeypatch.setattr(cgroup.MemoryGroup, "create", classmethod(lambda cls, *a, **k: Unjoinable("v1", nowhere)))
    with Sandbox(Limits(timeout=30, cell_timeout=10)) as box:
        box.start()
        assert box.group is None and box.proc.poll() is None

