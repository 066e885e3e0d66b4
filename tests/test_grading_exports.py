"""``lalib export``: Canvas, Moodle and Gradescope files checked field by field against their formats.

The sample exports in ``tests/fixtures/lms/`` have the real column layouts (see its README). The grading
runs here are written directly from hand-made results, so each exported cell has a known source.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest

from grading_helpers import ASSIGNMENT, ROOT
from lalib.checks import question
from lalib.cli import main as cli_main
from lalib.grading.exports import canvas, gradescope, moodle, scores_of
from lalib.grading.exports.names import lms_names
from lalib.grading.report import merge_free_response, write_reports
from lalib.grading.scoring import Graded, QuestionResult
from lalib.grading.store import Store, create_secret

FIXTURES = Path(__file__).parent / "fixtures" / "lms"
IDS = ASSIGNMENT.ids
FREE = next(q for q in IDS if question(q).kind == "free-text")
FUNCTION = next(q for q in IDS if question(q).kind == "function")
MAX = float(ASSIGNMENT.max_points)


def result(qid: str, status: str, message: str = "", text: str = "") -> dict:
    q = question(qid)
    points = {"passed": float(q.points), "recorded": None}.get(status, 0.0)
    return asdict(QuestionResult(qid, points, float(q.points), status, message, answer_text=text))


def submission(student: str, file: str, wrong: dict | None = None, status: str = "ok",
               free: str = "The rank is the number of independent columns of the matrix we built.") -> Graded:
    """All right, except ``wrong`` ({qid: status or message}); the free-text answer recorded."""
    questions = {}
    for qid in IDS:
        if qid == FREE:
            questions[qid] = result(qid, "recorded", "recorded for the instructor", free)
        elif wrong and qid in wrong:
            st = "unanswered" if wrong[qid] == "not answered yet" else "failed"
            questions[qid] = result(qid, st, wrong[qid])
        else:
            questions[qid] = result(qid, "passed")
    return Graded(student, file, f"{abs(hash(file)):064d}"[:64], ASSIGNMENT.id, status, "", questions)


def expected_total(g: Graded) -> float:
    return sum(q["points"] or 0 for q in g.questions.values())


def grading_run(out: Path, graded: list[Graded]) -> Path:
    """A grading folder as `lalib grade` leaves it (last run stored, reports written)."""
    store = Store(out)
    store.save_last_run({"question_ids": IDS, "results": [g.to_json() for g in graded], "superseded": []})
    write_reports(out, graded, IDS, store)
    return out


WRONG = "on a random 3×4 matrix, your function returned 2, which is not right"
CANVAS_CLASS = [
    submission("doejane_12345", f"doejane_12345_6789_{ASSIGNMENT.id}.ipynb"),
    submission("roerick_22222", f"roerick_LATE_22222_6790_{ASSIGNMENT.id}.ipynb",
               {FUNCTION: WRONG, IDS[0]: "not answered yet", IDS[1]: "not answered yet"}),
    submission("S1003", f"S1003-{ASSIGNMENT.id}.ipynb", {IDS[2]: "the answer is a matrix of the wrong shape"}),
    Graded("kimada_33333", f"kimada_33333_6791_{ASSIGNMENT.id}.ipynb", "c" * 64, ASSIGNMENT.id, "grader error",
           "the sandbox could not start",
           {q: result(q, "unanswered", "not graded: the grader failed") | {"points": None} for q in IDS}),
    submission("stray", f"stray-{ASSIGNMENT.id}.ipynb"),
]


@pytest.fixture
def canvas_run(tmp_path):
    return grading_run(tmp_path / "grading", CANVAS_CLASS)


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# --- grades.csv and the free-response merge -----------------------------------------------------------------
def test_grades_csv_opens_in_excel_and_marks_late_canvas_ids_and_pending(canvas_run):
    raw = (canvas_run / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte-order mark
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header == ["student", "file", "canvas_user_id", "late", *IDS, "total", "pending", "max", "status"]
    jane, rick, kim = rows["doejane_12345"], rows["roerick_22222"], rows["kimada_33333"]
    assert (jane["canvas_user_id"], jane["late"], rick["canvas_user_id"], rick["late"]) == ("12345", "", "22222",
                                                                                            "LATE")
    assert rows["S1003"]["canvas_user_id"] == ""
    free_points = float(question(FREE).points)
    assert (jane[FREE], float(jane["pending"]), float(jane["total"])) == ("pending", free_points, MAX - free_points)
    assert float(rick["total"]) == expected_total(CANVAS_CLASS[1])
    assert (kim["total"], kim["pending"], kim[FREE]) == ("", "", "")  # no score at all, not a zero


def test_the_merge_reads_excel_semicolons_cp1252_and_comments_reach_the_feedback(canvas_run):
    rows = list(csv.DictReader(io.StringIO((canvas_run / "free_response.csv").read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == ["student", "file", "question", "max_points", "answer", "comment", "score"]
    # As Excel saves "CSV" where the decimal separator is a comma: cp1252, semicolons, 1,5.
    lines = ["student;file;question;max_points;answer;comment;score"]
    lines.append(f"doejane_12345;x;{FREE};2;...;Très bien: cite the rank–nullity theorem next time;1,5")
    lines.append(f"roerick_22222;x;{FREE};2;...;;2")
    (canvas_run / "scored.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    assert merge_free_response(canvas_run / "scored.csv", canvas_run) == []
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((canvas_run / "grades.csv").read_text("utf-8-sig")))}
    assert (rows["doejane_12345"][FREE], rows["doejane_12345"]["pending"]) == ("1.5", "0")
    assert float(rows["doejane_12345"]["total"]) == MAX - float(question(FREE).points) + 1.5
    page = (canvas_run / "feedback" / "doejane_12345.html").read_text(encoding="utf-8")
    assert "Très bien: cite the rank–nullity theorem next time" in page
    again = {r["student"]: r for r in csv.DictReader(io.StringIO(
        (canvas_run / "free_response.csv").read_text(encoding="utf-8-sig")))}
    assert again["doejane_12345"]["comment"].startswith("Très bien")  # kept for the next round of marking
    # With a byte-order mark and commas (Excel's "CSV UTF-8") the same file reads the same.
    (canvas_run / "bom.csv").write_text("\ufeff" + "\n".join(lines).replace(";", ",").replace("1,5", "1.5"),
                                        encoding="utf-8")
    assert merge_free_response(canvas_run / "bom.csv", canvas_run) == []
    # Excel's "Unicode Text": UTF-16 with tabs.
    (canvas_run / "u16.txt").write_bytes("\r\n".join(lines).replace(";", "\t").encode("utf-16"))
    assert merge_free_response(canvas_run / "u16.txt", canvas_run) == []


def test_summary_counts_wrong_answers_not_blanks_and_free_text_as_pending(canvas_run):
    page = (canvas_run / "summary.html").read_text(encoding="utf-8")
    row = page.split(f"<td>{IDS[0]}</td>", 1)[1].split("</tr>", 1)[0]
    assert "not answered yet" not in row  # the blanks do not hide what wrong answers say
    fn = page.split(f"<td>{FUNCTION}</td>", 1)[1].split("</tr>", 1)[0]
    assert f"{WRONG} (1×)" in fn
    free = page.split(f"<td>{FREE}</td>", 1)[1].split("</tr>", 1)[0]
    assert "0 marked, 4 pending" in free
    assert 'viewBox="0 0 640 220" width="100%"' in page and "max-width:640px" in page


# --- Canvas ----------------------------------------------------------------------------------------------------
def test_canvas_fills_the_exported_gradebook_field_by_field(canvas_run, tmp_path):
    scores, warnings = scores_of(canvas_run)
    assert any("not marked yet" in w for w in warnings) and any("no score" in w for w in warnings)
    column = "Foundations exercises (48213)"
    text, problems = canvas.fill_gradebook(scores, column, FIXTURES / "canvas_gradebook_export.csv")
    assert text.startswith("\ufeff") and "\r\n" in text  # as Canvas exported it
    rows = read_csv(text)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column]
    assert rows[1] == ["", "", "", "", "", "Manual Posting"] and rows[2][0] == "    Points Possible"
    assert rows[2][5] == "16.00"  # Canvas's own rows are kept as they were
    by_id = {r[1]: r for r in rows[3:]}
    assert by_id["12345"][5] == f"{expected_total(CANVAS_CLASS[0]):g}"          # by Canvas user id
    assert by_id["22222"][5] == f"{expected_total(CANVAS_CLASS[1]):g}"          # LATE file names too
    assert by_id["30001"][5] == f"{expected_total(CANVAS_CLASS[2]):g}"          # by SIS User ID
    assert by_id["33333"][5] == ""                                              # grader error: no score
    assert by_id["44444"][5] == "3.00" and by_id["99999"][5] == ""              # others left as exported
    assert [r[0] for r in rows[3:]] == ["Doe, Jane", "Roe, Rick", "Lee, Sam", "Kim, Ada", "Nguyen, Bao",
                                        "Student, Test"]
    assert len(problems) == 1 and problems[0].startswith(f"stray-{ASSIGNMENT.id}.ipynb")
    for r in rows[3:]:
        assert r[5] == "" or float(r[5]) >= 0


def test_canvas_without_an_export_writes_the_minimal_import(canvas_run):
    scores, _ = scores_of(canvas_run)
    text, problems = canvas.fill_gradebook(scores, "Foundations exercises (48213)", points_possible=MAX)
    rows = read_csv(text)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Foundations exercises (48213)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", f"{MAX:g}"]
    assert {r[1]: r[5] for r in rows[2:]} == {"12345": f"{expected_total(CANVAS_CLASS[0]):g}",
                                             "22222": f"{expected_total(CANVAS_CLASS[1]):g}", "33333": ""}
    assert len(problems) == 2  # S1003 and stray carry no Canvas user id


def test_canvas_refuses_a_column_it_cannot_import(canvas_run):
    scores, _ = scores_of(canvas_run)
    with pytest.raises(ValueError, match="Title \\(assignment id\\)"):
        canvas.fill_gradebook(scores, "Foundations exercises")
    with pytest.raises(ValueError, match="Eigen exercises \\(48220\\)"):
        canvas.fill_gradebook(scores, "Rank (1)", FIXTURES / "canvas_gradebook_export.csv")


# --- Moodle ----------------------------------------------------------------------------------------------------
MOODLE_CLASS = [
    submission("Jane_Doe_123456", f"Jane Doe_123456_assignsubmission_file_/{ASSIGNMENT.id}.ipynb"),
    submission("Rick_Roe_123457", f"Rick Roe_123457_assignsubmission_file_{ASSIGNMENT.id}.ipynb", {FUNCTION: WRONG}),
    Graded("Sam_Lee_123459", f"Sam Lee_123459_assignsubmission_file_{ASSIGNMENT.id}.ipynb", "d" * 64, ASSIGNMENT.id,
           "grader error", "x", {q: result(q, "unanswered", "not graded") | {"points": None} for q in IDS}),
]


@pytest.fixture
def moodle_run(tmp_path):
    return grading_run(tmp_path / "grading", MOODLE_CLASS)


def test_moodle_fills_the_worksheet_keeping_its_headers(moodle_run):
    scores, _ = scores_of(moodle_run)
    source = FIXTURES / "moodle_grading_worksheet.csv"
    text, problems = moodle.fill_worksheet(scores, source, now=0.0)
    before, after = read_csv(source.read_text(encoding="utf-8-sig")), read_csv(text)
    assert text.startswith("\ufeff") and after[0] == before[0]  # headers exactly as downloaded
    col = {h: i for i, h in enumerate(after[0])}
    jane, rick, ada, sam = after[1:]
    scale = 100.0 / MAX  # the worksheet's Maximum Grade is 100
    assert jane[col["Grade"]] == f"{expected_total(MOODLE_CLASS[0]) * scale:.2f}"
    assert rick[col["Grade"]] == f"{expected_total(MOODLE_CLASS[1]) * scale:.2f}"
    assert jane[col["Last modified (grade)"]] == moodle.moodle_time(0.0)  # was "-": stamped, as Moodle writes times
    assert re.fullmatch(r"\w+day, \d{1,2} \w+ 19[67]\d, \d{1,2}:\d\d [AP]M", jane[col["Last modified (grade)"]])
    assert rick[col["Last modified (grade)"]] == "Wednesday, 18 November 2026, 8:05 AM"  # kept: Moodle's guard
    assert FUNCTION in rick[col["Feedback comments"]] and "which is not right" in rick[col["Feedback comments"]]
    assert "still to be marked" in jane[col["Feedback comments"]]
    assert ada == before[3]                               # no submission: untouched
    assert sam == before[4]                               # grader error: left as it was
    for i in (0, 1, 2, 3, 5, 6, 7, 8):
        assert jane[i] == before[1][i]
    assert len(problems) == 1 and "grader failed" in problems[0]


def test_moodle_in_another_language_by_named_columns(moodle_run):
    scores, _ = scores_of(moodle_run)
    source = FIXTURES / "moodle_grading_worksheet_translated.csv"
    with pytest.raises(ValueError, match="--identifier-column"):
        moodle.fill_worksheet(scores, source)
    names = {"identifier": "ID", "grade": "Bewertung", "modified": "Zuletzt geändert (Bewertung)",
             "feedback": "Feedback als Kommentar", "maximum": "Bestwertung"}
    text, _ = moodle.fill_worksheet(scores, source, names)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == source.read_text(encoding="utf-8").splitlines()[0].split(";")
    assert rows[1][4] == f"{expected_total(MOODLE_CLASS[0]):.2f}".replace(".", ",")  # its max is 16,00: no scaling


def test_moodle_feedback_zip_is_named_as_moodles_importer_splits_it(moodle_run, tmp_path):
    scores, _ = scores_of(moodle_run)
    members, problems = moodle.feedback_zip(tmp_path / "fb.zip", [(s["file"], s["page"]) for s in scores])
    assert members == ["Jane Doe_123456_assignfeedback_file_feedback.html",
                       "Rick Roe_123457_assignfeedback_file_feedback.html",
                       "Sam Lee_123459_assignfeedback_file_feedback.html"] and problems == []
    with zipfile.ZipFile(tmp_path / "fb.zip") as z:
        for name in z.namelist():
            # importziplib.php: explode('_', filepath . filename, 5) -> name, participant id, plugin type and
            # name, file name
            person, pid, kind, plugin, file = ("/" + name).split("_", 4)
            assert pid.isdigit() and (kind, plugin, file) == ("assignfeedback", "file", "feedback.html")
        assert "Rick Roe" in z.read(members[1]).decode() and WRONG in z.read(members[1]).decode()
    assert lms_names(MOODLE_CLASS[0].name).moodle_participant == "123456"


def test_cli_exports_both_and_says_what_was_left_out(moodle_run, canvas_run, tmp_path, capsys):
    out = tmp_path / "moodle.csv"
    code = cli_main(["export", "moodle", "--grading", str(moodle_run), "--worksheet",
                     str(FIXTURES / "moodle_grading_worksheet.csv"), "--out", str(out), "--feedback-zip",
                     str(tmp_path / "fb.zip")])
    assert code == 1 and out.is_file() and (tmp_path / "fb.zip").is_file()
    assert "grader failed" in capsys.readouterr().err
    code = cli_main(["export", "canvas", "--grading", str(canvas_run), "--column", "Nope (1)", "--gradebook",
                     str(FIXTURES / "canvas_gradebook_export.csv"), "--out", str(tmp_path / "c.csv")])
    assert code == 2 and "Foundations exercises (48213)" in capsys.readouterr().err


# --- Gradescope --------------------------------------------------------------------------------------------------
def test_results_json_follows_gradescopes_specification():
    g = submission("s", "03.ipynb", {FUNCTION: WRONG, IDS[0]: "not answered yet"})
    data = gradescope.results_json(g, seconds=3.4)
    assert set(data) == {"score", "execution_time", "output", "output_format", "stdout_visibility", "visibility",
                         "tests"}
    assert data["execution_time"] == 3 and data["output_format"] == "html"
    assert data["score"] == expected_total(g)
    assert [t["name"] for t in data["tests"]] == IDS and len({t["number"] for t in data["tests"]}) == len(IDS)
    for t in data["tests"]:
        assert set(t) == {"name", "number", "score", "max_score", "status", "output", "output_format", "visibility"}
        assert t["status"] in ("passed", "failed") and t["output_format"] == "html" and t["visibility"] == "visible"
        assert 0 <= t["score"] <= t["max_score"]
    fn = next(t for t in data["tests"] if t["name"] == FUNCTION)
    assert (fn["score"], fn["status"], fn["max_score"]) == (0.0, "failed", float(question(FUNCTION).points))
    assert WRONG in fn["output"]
    free = next(t for t in data["tests"] if t["name"] == FREE)
    assert (free["score"], free["max_score"]) == (0.0, 0.0) and "marked by hand" in free["output"]
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    json.dumps(data, allow_nan=False)


def test_the_autograder_zip_has_gradescopes_layout(tmp_path):
    create_secret(tmp_path / "secret.json")
    names = gradescope.build(tmp_path / "autograder.zip", ASSIGNMENT.id, secret=tmp_path / "secret.json",
                             sandbox="none")
    with zipfile.ZipFile(tmp_path / "autograder.zip") as z:
        assert {"setup.sh", "run_autograder"} <= set(z.namelist())  # at the root, as Gradescope requires
        mode = z.getinfo("run_autograder").external_attr >> 16
        assert mode & stat.S_IXUSR and z.read("run_autograder").startswith(b"#!/usr/bin/env bash")
        assert z.getinfo("grading-secret.json").external_attr >> 16 & 0o077 == 0
        config = json.loads(z.read("lalib-autograder.json"))
        assert (config["assignment"], config["sandbox"]) == (ASSIGNMENT.id, "none")
        pins = z.read("requirements.txt").decode().split()
        assert all("==" in p for p in pins) and any(p.startswith("numpy==") for p in pins)
        assert "lalib-src/pyproject.toml" in names and "lalib-src/lalib/grading/runner.py" in names
        assert not any("__pycache__" in n or n.startswith("lalib-src/solutions") for n in names)
        for script in ("setup.sh", "run_autograder"):
            (tmp_path / script).write_bytes(z.read(script))
            assert subprocess.run(["bash", "-n", str(tmp_path / script)]).returncode == 0
    with pytest.raises(ValueError, match="--sandbox must be one of"):
        gradescope.build(tmp_path / "x.zip", ASSIGNMENT.id, secret=tmp_path / "secret.json", sandbox="docker")


def unpack(tmp_path, sandbox="none") -> Path:
    """An /autograder folder as Gradescope lays it out, from a freshly built zip."""
    create_secret(tmp_path / "secret.json")
    gradescope.build(tmp_path / "autograder.zip", ASSIGNMENT.id, secret=tmp_path / "secret.json", sandbox=sandbox)
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    run = root / "source" / "run_autograder"
    run.chmod(0o755)
    return root


def run_autograder(root: Path, python: str) -> dict:
    env = {**os.environ, "LALIB_AUTOGRADER_ROOT": str(root), "LALIB_AUTOGRADER_PYTHON": python,
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_a_crash_still_leaves_a_valid_results_json(tmp_path):
    root = unpack(tmp_path)
    data = run_autograder(root, "/bin/false")  # Python itself cannot start
    assert data["score"] == 0 and data["tests"] == [] and "not a judgement of your work" in data["output"]
    import sys
    (root / "source" / "lalib-autograder.json").write_text("{broken")  # a fault inside the grader
    data = run_autograder(root, sys.executable)
    assert data["score"] == 0.0 and "JSONDecodeError" in data["output"] and data["output_format"] == "html"
    (root / "source" / "lalib-autograder.json").unlink()
    data = gradescope.run(root)  # in-process: never raises
    assert data["tests"] == [] and (root / "results" / "results.json").is_file()


def test_where_the_container_refuses_bubblewrap_the_results_say_so(tmp_path, monkeypatch):
    from lalib.grading.sandbox import probe
    root = unpack(tmp_path, sandbox="bwrap")  # built without --sandbox none
    (root / "submission" / "x.ipynb").write_text("{}")
    fake = tmp_path / "bin" / "bwrap"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    probe.cache_clear()
    try:
        data = gradescope.run(root)
    finally:
        probe.cache_clear()
    assert (data["score"], data["tests"]) == (0.0, []) and "cannot run here" in data["output"]
    assert "LOST" not in data["output"]  # the long isolation report is for the instructor's log
    assert json.loads((root / "results" / "results.json").read_text(encoding="utf-8")) == data


@pytest.mark.slow
def test_the_autograder_grades_a_submission_end_to_end(tmp_path):
    import sys
    import nbformat
    from grading_helpers import FULL, cell_of, load
    root = unpack(tmp_path)
    nbformat.write(load("solution"), root / "submission" / f"{ASSIGNMENT.id}.ipynb")
    data = run_autograder(root, sys.executable)
    assert data["score"] == FULL and len(data["tests"]) == len(IDS)
    assert all(t["status"] == "passed" for t in data["tests"])
    assert "WITHOUT" not in data["output"]  # the isolation warning is for the instructor's log, not students
    # A wrong function: its test fails in words that describe the hidden inputs, never list them.
    nb = load("solution")
    name = dict(ASSIGNMENT.questions)[FUNCTION]
    cell_of(nb, FUNCTION, "answer").source = f"def {name}(*args, **kwargs):\n    return 0\n"
    nbformat.write(nb, root / "submission" / f"{ASSIGNMENT.id}.ipynb")
    data = run_autograder(root, sys.executable)
    fn = next(t for t in data["tests"] if t["name"] == FUNCTION)
    assert fn["status"] == "failed" and fn["score"] == 0 and data["score"] == FULL - question(FUNCTION).points
    assert "[[" not in fn["output"] and "right answer is" not in fn["output"]
