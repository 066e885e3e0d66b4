"""The grading pipeline around the sandbox: zip input, resume after a kill, atomic outputs, merges."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from grading_helpers import (ANSWER_NAMES, FULL, SETS, STEM, file_name, full_and_max, load, of_kind, set_answers,
                             with_cell, write)
from lalib.checks import question
from lalib.grading import Limits, grade, main as grade_main
from lalib.grading.sandbox import bwrap_available
from lalib.grading.store import bank_hash
from lalib.grading.submissions import collect, student_of
from lalib.cli import build_parser



def needs_bwrap(test):
    """Runs notebooks in real sandboxes: slow, and only where bubblewrap works."""
    skip = pytest.mark.skipif(not bwrap_available(),
                              reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")
    return pytest.mark.slow(skip(test))


FREE = of_kind("free-text")
LIMITS = Limits(timeout=20, cell_timeout=5)


def rows(out):
    with open(out / "grades.csv", encoding="utf-8-sig") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


def test_student_names_from_canvas_files_and_resubmissions(tmp_path):
    write(load("exercise"), tmp_path, f"doe_jane_12345_6789_{STEM}.ipynb")
    write(load("exercise"), tmp_path / "resubmitted", f"doe_jane_12345_6790_{STEM}.ipynb")
    subs = {s.name: s for s in collect(tmp_path)}
    latest = subs[f"resubmitted/doe_jane_12345_6790_{STEM}.ipynb"]
    assert latest.student == "doe_jane_12345" and not latest.superseded_by
    assert subs[f"doe_jane_12345_6789_{STEM}.ipynb"].superseded_by == latest.name
    assert student_of(f"doe_jane_LATE_12345_6789_{STEM}.ipynb") == "doe_jane_12345"


@needs_bwrap
def test_zip_input_and_free_response_merge(tmp_path):
    z = tmp_path / "submissions.zip"
    with zipfile.ZipFile(z, "w") as zf:
        import nbformat
        zf.writestr(f"doe_jane_12345_6789_{STEM}.ipynb", nbformat.writes(load("solution")))
        zf.writestr(f"roe_rick_555_1_{STEM}.ipynb", nbformat.writes(load("exercise")))
        zf.writestr(f"__MACOSX/._doe_jane_12345_6789_{STEM}.ipynb", b"junk")
    out = tmp_path / "out"
    grade(z, out, seed=7, workers=2, limits=LIMITS, progress=False)
    r = rows(out)
    assert set(r) == {"doe_jane_12345", "roe_rick_555"}
    assert float(r["doe_jane_12345"]["total"]) == FULL and float(r["roe_rick_555"]["total"]) == 0
    assert all(r["doe_jane_12345"][q] == "pending" and r["roe_rick_555"][q] == "0" for q in FREE)
    if not FREE:
        return
    free = list(csv.DictReader(open(out / "free_response.csv", encoding="utf-8-sig")))
    assert [(f["student"], f["question"], f["score"]) for f in free] == [("doe_jane_12345", q, "") for q in FREE]
    free[0]["score"] = "1.5"
    filled = tmp_path / "scored.csv"
    with open(filled, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(free[0]))
        w.writeheader()
        w.writerows(free + [{**free[0], "student": "nobody", "score": "2"}])
    args = build_parser().parse_args(["grade", "--merge-free-response", str(filled), "--out", str(out)])
    assert grade_main(args) == 1  # the unknown student is reported, the rest merged
    r = rows(out)
    assert (r["doe_jane_12345"][FREE[0]], float(r["doe_jane_12345"]["total"])) == ("1.5", FULL + 1.5)
    # A re-run (resume) keeps the instructor's scores.
    grade(z, out, workers=1, limits=LIMITS, progress=False, seed=7)
    assert float(rows(out)["doe_jane_12345"]["total"]) == FULL + 1.5


@needs_bwrap
def test_every_exercise_set_grades_its_solution_in_full_and_its_exercise_at_zero(tmp_path):
    """One run over every set in solutions/ and exercises/: a new chapter is tested by adding its files."""
    (tmp_path / "subs").mkdir()
    for solution, exercise in SETS:
        shutil.copy(solution, tmp_path / "subs" / f"sol-{solution.stem}.ipynb")  # names that identify no one
        shutil.copy(exercise, tmp_path / "subs" / f"ex-{exercise.stem}.ipynb")
    graded = grade(tmp_path / "subs", tmp_path / "out", seed=2, workers=2, limits=Limits(timeout=120, cell_timeout=30),
                   progress=False)
    by_file = {g.name: g for g in graded}
    for solution, exercise in SETS:
        full, maximum = full_and_max(solution.stem)
        sol = by_file[f"sol-{solution.stem}.ipynb"]
        ex = by_file[f"ex-{exercise.stem}.ipynb"]
        assert (sol.status, sol.total, sol.max) == ("ok", full, maximum), (solution.stem, sol.detail, sol.errors,
                                                                         {q: r["message"] for q, r in sol.questions.items()
                                                                          if r["status"] == "failed"})
        assert (ex.status, ex.total, ex.max) == ("ok", 0.0, maximum), (exercise.stem, ex.detail, ex.errors)


@needs_bwrap
def test_outputs_are_complete_and_no_temporary_file_is_left(tmp_path):
    qid = of_kind("number")[0]
    wrong = question(qid).expected + 17
    write(set_answers(load("solution"), {qid: (ANSWER_NAMES[qid], repr(wrong))}), tmp_path / "subs", file_name("a"))
    out = tmp_path / "out"
    grade(tmp_path / "subs", out, workers=1, limits=LIMITS, progress=False, seed=3)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                   and ".grading" not in p.parts)
    assert names == ["feedback/a_1.html", "free_response.csv", "grades.csv", "summary.html"]
    assert not [p for p in out.rglob("*.tmp")]
    page = (out / "feedback" / "a_1.html").read_text(encoding="utf-8")
    assert f"<td>{qid}</td><td>0 /" in page and "❌" in page


@needs_bwrap
def test_resume_after_the_grader_is_killed(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    bank_before = bank_hash()
    for i in range(6):
        write(with_cell(load("solution"), f"import time\ntime.sleep(0.6)\nmarker = {i}", where="end"), subs,
              file_name(f"s{i}"))
    cmd = [sys.executable, "-m", "lalib", "grade", str(subs), "--out", str(out), "--workers", "1", "--seed", "3",
           "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / ".grading" / "results"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 2 and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p.name: p.stat().st_mtime_ns for p in results.glob("*.json")}
    assert 2 <= len(finished) < 6, "the grader should have been killed mid-run"
    assert not (out / "grades.csv").exists()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = rows(out)
    assert sorted(r) == [f"s{i}_1" for i in range(6)]
    assert all(float(x["total"]) == FULL and x["status"] == "ok" for x in r.values())
    for name, mtime in finished.items():  # finished results were reused, not regraded
        assert (results / name).stat().st_mtime_ns == mtime
    if bank_hash() == bank_before:  # (were the bank edited meanwhile, every run would rightly be redone)
        assert len(list(results.glob("*.json"))) == 6


@pytest.mark.slow
def test_without_bubblewrap_the_grader_warns_and_still_grades(tmp_path, capsys):
    write(load("solution"), tmp_path / "subs", file_name("a"))
    graded = grade(tmp_path / "subs", tmp_path / "out", workers=1, limits=LIMITS, sandboxed=False, progress=False,
                   seed=1)
    assert (graded[0].total, graded[0].status) == (FULL, "ok")
    err = capsys.readouterr().err
    assert "WITHOUT a sandbox" in err and "apt-get install -y bubblewrap" in err


def test_cli_reports_a_missing_folder(tmp_path, capsys):
    args = build_parser().parse_args(["grade", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert grade_main(args) == 2
    assert "do not exist" in capsys.readouterr().err
