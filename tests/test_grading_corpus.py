"""The adversarial corpus: every submission gets its exact score and status, and the grader survives.

All the submissions are built from the real exercise set and graded in one
``lalib grade`` run (module fixture), inside bubblewrap; each test then checks
one row. A hostile notebook never scores above the blank exercise.
"""

from __future__ import annotations

import csv
import os
import pickle  # noqa: F401  (only to show the attack object is picklable, never to load student data)
import shutil

import nbformat
import pytest

from grading_helpers import (ANSWER_NAMES, ASSIGNMENT, FULL, MAX, SOLUTION, STEM, cell_of, load, of_kind, points,
                             set_answers, with_cell, write)
from lalib.grading import Limits, grade
from lalib.grading.cgroup import available as cgroup_available
from lalib.grading.sandbox import bwrap_available

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_available(),
                                 reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")]
IDS = ASSIGNMENT.ids
NUMBER, CHOICE, FUNCTION = of_kind("number")[0], of_kind("choice")[0], of_kind("function")[0]
FREE = of_kind("free-text")
MEMORY_BOUNDED = cgroup_available() is not None

# cell_timeout: long enough for an honest cell on a loaded 2-core machine, short enough for the loops.
LIMITS = Limits(timeout=25, cell_timeout=5, memory_mb=1536, processes=16)

ALWAYS_EQUAL = '''
class Sneaky:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 4.0
    def __index__(self): return 4
    def __array__(self, *a, **k): raise TypeError("no")
    def __len__(self): return 3
'''

PICKLE_BOMB = '''
import os
class Bomb:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))
'''


def _all_answers(expr: str) -> dict:
    return {qid: (name, expr) for qid, name in ANSWER_NAMES.items()}


def build(folder, out, marker) -> dict:
    """case name -> (file name, expected score, expected status)."""
    E, S = (lambda: load("exercise")), (lambda: load("solution"))
    cases = {}

    def add(name, nb, score, status, file_name=None):
        file_name = file_name or f"{name}_1_1_{STEM}.ipynb"
        write(nb, folder, file_name)
        cases[name] = (score, status)

    add("honest", S(), FULL, "ok")
    add("blank", E(), 0, "ok")
    add("partly", set_answers(S(), {NUMBER: (ANSWER_NAMES[NUMBER], "-12345.5"),
                                    CHOICE: (ANSWER_NAMES[CHOICE], '"not one of the options"')}),
        FULL - points(NUMBER) - points(CHOICE), "ok")
    add("loop", with_cell(E(), "while True:\n    pass"), 0, "timeout")
    add("loopkeeps", with_cell(S(), "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                    "while True:\n    pass", where="end"), FULL, "timeout")
    add("sleep", with_cell(E(), "import time\ntime.sleep(600)"), 0, "timeout")
    add("bigalloc", with_cell(E(), "big = np.ones(50 * 10**9 // 8)"), 0, "memory")
    add("forkbomb", with_cell(E(), "import os\nwhile True:\n    os.fork()"), 0, "processes")
    add("sysexit", with_cell(E(), "import sys\nsys.exit(0)"), 0, "ok")
    add("osexit", with_cell(E(), "import os\nos._exit(0)"), 0, "crashed")
    add("killparent", with_cell(E(), "import os\nos.kill(os.getppid(), 9)"), 0, "crashed")
    add("patchcheck", with_cell(E(), "import lalib, lalib.checks\nfake = lambda *a: print('✅ passed')\n"
                                     "lalib.check = lalib.checks.check = check = fake\n"
                                     "lalib.checks.judge_data = lambda *a: True"), 0, "ok")
    add("patchnumpy", with_cell(E(), "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                                     "np.linalg.matrix_rank = lambda *a, **k: 4\nnp.isnan = lambda x: False"),
        0, "ok")
    add("patchbuiltins", with_cell(E(), "import builtins\nbuiltins.isinstance = lambda *a: True\n"
                                        "builtins.float = lambda *a: 4.0\nbuiltins.print = lambda *a, **k: None"),
        0, "crashed")  # the student's process breaks itself: no record leaves it
    add("alwaysequal", set_answers(with_cell(E(), ALWAYS_EQUAL), _all_answers("Sneaky()")), 0, "ok")
    add("nan", set_answers(E(), _all_answers("np.full(3, np.nan)")), 0, "ok")
    add("nanscalar", set_answers(E(), _all_answers("float('nan')")), 0, "ok")
    add("picklebomb", set_answers(with_cell(E(), PICKLE_BOMB.format(marker=marker)), _all_answers("Bomb()")),
        0, "ok")
    add("readsolution", with_cell(E(), f"import json\nsol = json.load(open({str(SOLUTION)!r}))\nrank_D = 4"),
        0, "ok")
    add("writeout", with_cell(E(), f"import os\nfor p in [{str(out / 'pwned')!r}, {str(out / 'grades.csv')!r}, "
                                   f"{str(folder / 'pwned.ipynb')!r}]:\n    try:\n"
                                   "        open(p, 'w').write('hacked')\n    except OSError:\n        pass\n"
                                   "os.makedirs('/tmp/ok-to-write-here', exist_ok=True)"), 0, "ok")
    add("fakereport", with_cell(E(), f"for q in {IDS!r}:\n    print(f'✅ {{q}} passed')\n"
                                     f"print('All tests passed. Score: {MAX:g}/{MAX:g}')", where="end"), 0, "ok")
    add("hugeoutput", with_cell(E(), "print('x' * 100_000_000)\nimport sys\nsys.stderr.write('y' * 1000)"), 0, "ok")
    c, n = ANSWER_NAMES[CHOICE], ANSWER_NAMES[NUMBER]
    add("lastcounts", with_cell(set_answers(E(), {CHOICE: (c, '"A"')}),
                                f"for option in 'ABCD':\n    {c} = option\n    check({CHOICE!r}, {c})\n"
                                f"{n} = 4\ncheck({NUMBER!r}, {n})\n{n} = -12345.5", where="start"), 0, "ok")
    forged = ('import os, json\nline = json.dumps({"type": "answer", "question": "%s", "data": {"status": '
              '"answered", "value": {"seed": 1, "outputs": [1.0] * 12}}}) + "\\n"\n'
              'for fd in range(3, 64):\n    try:\n        os.write(fd, line.encode())\n    except OSError:\n'
              '        pass') % FUNCTION
    add("forgedrecord", with_cell(E(), forged, where="end"), 0, "ok")
    wrongfn = S()
    cell_of(wrongfn, FUNCTION, "answer").source = f"def {ANSWER_NAMES[FUNCTION]}(A, *args, **kwargs):\n    return -1"
    add("wrongfunction", wrongfn, FULL - points(FUNCTION), "ok")

    # Files that are not notebooks the grader can run.
    def raw(name, data: bytes, score=0, status="invalid notebook"):
        (folder / f"{name}_1_1_{STEM}.ipynb").write_bytes(data)
        cases[name] = (score, status)
    raw("malformed", b'{"cells": [')
    raw("empty", b"")
    raw("image", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    raw("v3", b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}')
    # Valid JSON, hostile (issue 9, item 2).
    raw("deepjson", b'{"nbformat": 4, "cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    raw("bigint", nbformat.writes(S()).replace('"nbformat": 4', '"x": ' + "7" * 5000 + ', "nbformat": 4', 1).encode())
    nb = S()
    cell_of(nb, IDS[0], "check").metadata["lalib"]["question"] = ["not", "an", "id"]
    nb.cells[0].metadata["lalib"] = "not a dict"
    add("badmetadata", nb, FULL, "ok")

    # Records bent out of shape from inside the notebook (issue 9, item 1).
    for name, body in [("encnovalue", 'return {"status": "answered"}'),
                       ("encwrongtype", 'return {"status": "answered", "value": [[1, 2], [3]]}'),
                       ("encbigint", 'return {"status": "answered", "value": 10**400}'),
                       ("encnested", 'v = []\n    for _ in range(50): v = [v]\n    return {"status": "answered", '
                                     '"value": v}')]:
        add(name, with_cell(E(), "import lalib.checks.questions as q\n"
                                 f"def fake(self, answer, rng=None):\n    {body}\n"
                                 "q.Question.encode = fake"), 0, "ok")
    # Text the grader cannot write as UTF-8 (issue 9, item 3): every report must still be written.
    add("surrogates", with_cell(S(), "print('\\ud800 lone')\nraise ValueError('\\udfff')", where="end"), FULL, "ok")
    # A flood of tiny records on the record channel (issue 9, item 6).
    add("flood", with_cell(E(), "import os\nline = b'{\"type\": \"cell\", \"index\": 1}\\n' * 1000\n"
                                "for fd in range(3, 64):\n    try:\n        for _ in range(2000): os.write(fd, line)\n"
                                "    except OSError:\n        pass", where="end"), 0, "crashed")
    # Its scratch made unreadable (issue 9, item 4), a user namespace (item 7), memory outside the address space
    # (item 5): each costs only that student.
    add("chmod0", with_cell(E(), "import os\nos.makedirs('d/e')\nos.chmod('d', 0)\nos.chmod('.', 0)"), 0, "ok")
    add("userns", with_cell(S(), "import ctypes\nif ctypes.CDLL(None).unshare(0x10000000) == 0:\n"
                                 "    raise SystemExit('a user namespace was created')", where="end"), FULL, "ok")
    # Each memfd stays under the file-size limit; together they hold 3 GB outside any address space.
    add("memfd", with_cell(E(), "import os\nfds = []\n"
                                "for _ in range(50):\n    fds.append(os.memfd_create('x'))\n"
                                "    os.posix_fallocate(fds[-1], 0, 60 << 20)"),
        0, "memory" if MEMORY_BOUNDED else "ok")
    # Cell metadata lost, answers right (issue 9, item 14).
    nb = S()
    for cell in nb.cells:
        cell.metadata = {}
    add("stripped", nb, FULL, "ok")
    # A free-text answer that a spreadsheet would run (issue 9, item 10).
    if FREE:
        add("formula", set_answers(S(), {FREE[0]: (ANSWER_NAMES[FREE[0]], '"=HYPERLINK(\\"http://x\\")"')}),
            FULL, "ok")

    # Check cells renamed, duplicated, deleted, edited.
    nb = S()
    c = cell_of(nb, NUMBER, "check")
    c.metadata["lalib"]["question"] = "no.such.question"
    c.source = c.source.replace(NUMBER, "no.such.question")  # relabelled: neither metadata nor call name it
    add("renamedcheck", nb, FULL - points(NUMBER), "check cells changed")
    nb = S()
    c = cell_of(nb, IDS[0], "check")
    nb.cells.insert(nb.cells.index(c), nbformat.from_dict(dict(c)))
    add("duplicatedcheck", nb, FULL, "ok")
    nb = S()
    nb.cells.remove(cell_of(nb, IDS[1], "check"))
    add("deletedcheck", nb, FULL - points(IDS[1]), "check cells changed")
    nb = E()
    cell_of(nb, IDS[0], "check").source = f'check("{IDS[0]}", 4)'
    add("editedcheck", nb, 0, "check cells changed")

    # A non-UTF-8 file name and the same notebook submitted twice.
    write(S(), folder, f"m\xfcller_7_7_{STEM}.ipynb".encode("latin-1"))
    cases["müller"] = (FULL, "ok")
    for who in ("twin_a", "twin_b"):
        shutil.copy(folder / f"honest_1_1_{STEM}.ipynb", folder / f"{who}_1_1_{STEM}.ipynb")
        cases[who] = (FULL, "ok")
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    folder, out, marker = root / "subs", root / "out", root / "unpickled-marker"
    out.mkdir()
    cases = build(folder, out, marker)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    solution_before = SOLUTION.read_bytes()
    results = grade(folder, out, seed=1234, workers=2, limits=LIMITS, progress=False)
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8-sig"))}
    return {"cases": cases, "rows": rows, "results": {g.student: g for g in results}, "out": out,
            "folder": folder, "before": before, "marker": marker, "solution_before": solution_before}


def _key(case: str) -> str:
    return "müller_7" if case == "müller" else f"{case}_1"


CASES = ["honest", "blank", "partly", "loop", "loopkeeps", "sleep", "bigalloc", "forkbomb", "sysexit", "osexit",
         "killparent", "patchcheck", "patchnumpy", "patchbuiltins", "alwaysequal", "nan", "nanscalar", "picklebomb",
         "readsolution", "writeout", "fakereport", "hugeoutput", "lastcounts", "forgedrecord", "wrongfunction",
         "malformed", "empty", "image", "v3", "deepjson", "bigint", "badmetadata", "encnovalue", "encwrongtype",
         "encbigint", "encnested", "surrogates", "flood", "chmod0", "userns", "memfd", "stripped",
         *(["formula"] if FREE else []),
         "renamedcheck", "duplicatedcheck", "deletedcheck", "editedcheck", "müller", "twin_a", "twin_b"]
HONEST = ["honest", "partly", "wrongfunction", "badmetadata", "surrogates", "userns", "stripped", "duplicatedcheck",
          "müller", "twin_a", "twin_b", *(["formula"] if FREE else [])]


@pytest.mark.parametrize("case", CASES)
def test_exact_score_and_status(graded, case):
    score, status = graded["cases"][case]
    row = graded["rows"][_key(case)]
    assert (float(row["total"]), float(row["max"]), row["status"]) == (score, MAX, status), \
        graded["results"][_key(case)]


def test_every_submission_has_one_row(graded):
    assert len(graded["rows"]) == len(graded["cases"]) == len(CASES)


def test_no_hostile_submission_scores_above_the_blank_notebook(graded):
    blank = float(graded["rows"]["blank_1"]["total"])
    for case in ["loop", "sleep", "bigalloc", "forkbomb", "sysexit", "osexit", "killparent", "patchcheck",
                 "patchnumpy", "patchbuiltins", "alwaysequal", "nan", "nanscalar", "picklebomb", "readsolution",
                 "writeout", "fakereport", "hugeoutput", "lastcounts", "forgedrecord", "editedcheck", "encnovalue",
                 "encwrongtype", "encbigint", "encnested", "flood", "chmod0", "memfd"]:
        assert float(graded["rows"][_key(case)]["total"]) <= blank, case


def test_reading_the_solution_fails_inside_the_sandbox(graded):
    errors = graded["results"]["readsolution_1"].errors
    assert any("No such file or directory" in e["error"] and SOLUTION.name in e["error"] for e in errors)


def test_nothing_outside_the_scratch_dir_was_written(graded):
    out, folder = graded["out"], graded["folder"]
    assert not (out / "pwned").exists()
    assert "hacked" not in (out / "grades.csv").read_text(encoding="utf-8")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == graded["before"]
    assert SOLUTION.read_bytes() == graded["solution_before"]
    assert not os.path.exists("/tmp/ok-to-write-here")  # the sandbox's /tmp is its own


def test_nothing_from_the_student_is_unpickled(graded):
    assert not graded["marker"].exists()


def test_cell_errors_and_limits_are_reported(graded):
    r = graded["results"]
    assert any(e["limit"] == "memory" for e in r["bigalloc_1"].errors)
    assert any(e["limit"] == "processes" for e in r["forkbomb_1"].errors)
    assert any("SystemExit" in e["error"] for e in r["sysexit_1"].errors)
    assert r["hugeoutput_1"].output_bytes >= 100_000_000
    assert len(r["hugeoutput_1"].output_head) <= 4096
    assert "stopped" in r["loopkeeps_1"].detail


def test_feedback_never_reveals_expected_outputs(graded):
    page = (graded["out"] / "feedback" / "wrongfunction_1.html").read_text(encoding="utf-8")
    assert f"<td>{FUNCTION}</td><td>0 /" in page
    assert "right answer is" not in page
    assert "### BEGIN SOLUTION" not in page


def test_edited_check_cell_is_graded_as_the_original(graded):
    notes = graded["results"]["editedcheck_1"].notes
    assert any(f"check cell of {IDS[0]} was edited" in n for n in notes)


def test_summary_flags_identical_notebooks_and_problems(graded):
    page = (graded["out"] / "summary.html").read_text(encoding="utf-8")
    assert "identical notebooks" in page and "twin_a_1" in page and "twin_b_1" in page
    assert "loop_1: timeout" in page and "<svg" in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_every_report_is_written_for_a_class_with_every_hostile_submission(graded):
    out = graded["out"]
    for name in ("grades.csv", "free_response.csv", "summary.html"):
        assert (out / name).is_file()
    for student in graded["rows"]:
        assert (out / "feedback" / f"{student}.html").is_file()
    page = (out / "feedback" / "surrogates_1.html").read_text(encoding="utf-8")
    assert "\ufffd lone" in page


def test_honest_classmates_are_unaffected(graded):
    """Graded alone, each honest notebook gets the score it gets in the hostile class."""
    for case in HONEST:
        assert float(graded["rows"][_key(case)]["total"]) == graded["cases"][case][0], case


def test_hostile_json_and_records_are_reported_with_a_reason(graded):
    r = graded["results"]
    assert "nested too deeply" in r["deepjson_1"].detail
    assert "records" in r["flood_1"].detail
    assert any("lost its metadata" in n for n in r["stripped_1"].notes)
    for case in ("encnovalue", "encwrongtype", "encbigint", "encnested"):
        assert all(q["points"] == 0 for q in r[f"{case}_1"].questions.values() if q["points"] is not None), case


@pytest.mark.skipif(not FREE, reason="no free-text question in this set")
def test_free_text_formulas_are_escaped_in_free_response_csv(graded):
    text = (graded["out"] / "free_response.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
