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

from grading_helpers import ANSWER_NAMES, FULL, MAX, SOLUTION, cell_of, load, set_answers, with_cell, write
from lalib.grading import Limits, grade
from lalib.grading.sandbox import bwrap_available

pytestmark = pytest.mark.skipif(not bwrap_available(),
                                reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")

LIMITS = Limits(timeout=25, cell_timeout=2, memory_mb=1536, processes=16)

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
        file_name = file_name or f"{name}_1_1_03-rank.ipynb"
        write(nb, folder, file_name)
        cases[name] = (score, status)

    add("honest", S(), FULL, "ok")
    add("blank", E(), 0, "ok")
    add("partly", set_answers(S(), {"rank.3": ("rank_B", "2"), "rank.7": ("independent", '"A"')}), FULL - 2, "ok")
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
    add("fakereport", with_cell(E(), "for i in range(1, 13):\n    print(f'✅ rank.{i} passed')\n"
                                     "print('All tests passed. Score: 15/15')", where="end"), 0, "ok")
    add("hugeoutput", with_cell(E(), "print('x' * 100_000_000)\nimport sys\nsys.stderr.write('y' * 1000)"), 0, "ok")
    add("lastcounts", with_cell(set_answers(E(), {"rank.7": ("independent", '"A"')}),
                                "for option in 'ABCD':\n    independent = option\n"
                                "    check('rank.7', independent)\nrank_D = 4\ncheck('rank.1', rank_D)\n"
                                "rank_D = 6", where="start"), 0, "ok")
    forged = ('import os, json\nline = json.dumps({"type": "answer", "question": "rank.11", "data": {"status": '
              '"answered", "value": {"seed": 1, "outputs": [1.0] * 12}}}) + "\\n"\n'
              'for fd in range(3, 64):\n    try:\n        os.write(fd, line.encode())\n    except OSError:\n'
              '        pass')
    add("forgedrecord", with_cell(E(), forged, where="end"), 0, "ok")
    wrongfn = S()
    cell_of(wrongfn, "rank.11", "answer").source = "def rank_by_elimination(A, tol=None):\n    return min(A.shape)"
    add("wrongfunction", wrongfn, FULL - 3, "ok")

    # Files that are not notebooks the grader can run.
    (folder / "malformed_1_1_03-rank.ipynb").write_text('{"cells": [', encoding="utf-8")
    cases["malformed"] = (0, "invalid notebook")
    (folder / "empty_1_1_03-rank.ipynb").write_bytes(b"")
    cases["empty"] = (0, "invalid notebook")
    (folder / "image_1_1_03-rank.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    cases["image"] = (0, "invalid notebook")
    (folder / "v3_1_1_03-rank.ipynb").write_text('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, '
                                                 '"worksheets": [{"cells": []}]}', encoding="utf-8")
    cases["v3"] = (0, "invalid notebook")

    # Check cells renamed, duplicated, deleted, edited.
    nb = S()
    cell_of(nb, "rank.3", "check").metadata["lalib"]["question"] = "rank.99"
    add("renamedcheck", nb, FULL - 1, "check cells changed")
    nb = S()
    c = cell_of(nb, "rank.1", "check")
    nb.cells.insert(nb.cells.index(c), nbformat.from_dict(dict(c)))
    add("duplicatedcheck", nb, FULL, "ok")
    nb = S()
    nb.cells.remove(cell_of(nb, "rank.2", "check"))
    add("deletedcheck", nb, FULL - 1, "check cells changed")
    nb = E()
    cell_of(nb, "rank.1", "check").source = 'check("rank.1", 4)'
    add("editedcheck", nb, 0, "check cells changed")

    # A non-UTF-8 file name and the same notebook submitted twice.
    write(S(), folder, b"m\xfcller_7_7_03-rank.ipynb")
    cases["müller"] = (FULL, "ok")
    for who in ("twin_a", "twin_b"):
        shutil.copy(folder / "honest_1_1_03-rank.ipynb", folder / f"{who}_1_1_03-rank.ipynb")
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
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    return {"cases": cases, "rows": rows, "results": {g.student: g for g in results}, "out": out,
            "folder": folder, "before": before, "marker": marker, "solution_before": solution_before}


def _key(case: str) -> str:
    return "müller_7" if case == "müller" else f"{case}_1"


CASES = ["honest", "blank", "partly", "loop", "loopkeeps", "sleep", "bigalloc", "forkbomb", "sysexit", "osexit",
         "killparent", "patchcheck", "patchnumpy", "patchbuiltins", "alwaysequal", "nan", "nanscalar", "picklebomb",
         "readsolution", "writeout", "fakereport", "hugeoutput", "lastcounts", "forgedrecord", "wrongfunction",
         "malformed", "empty", "image", "v3", "renamedcheck", "duplicatedcheck", "deletedcheck", "editedcheck",
         "müller", "twin_a", "twin_b"]


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
                 "writeout", "fakereport", "hugeoutput", "lastcounts", "forgedrecord", "editedcheck"]:
        assert float(graded["rows"][_key(case)]["total"]) <= blank, case


def test_reading_the_solution_fails_inside_the_sandbox(graded):
    errors = graded["results"]["readsolution_1"].errors
    assert any("No such file or directory" in e["error"] and "03-rank.ipynb" in e["error"] for e in errors)


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
    assert "your function returned" in page
    assert "right answer is" not in page
    assert "rank_D = 4" not in page and "### BEGIN SOLUTION" not in page


def test_edited_check_cell_is_graded_as_the_original(graded):
    notes = graded["results"]["editedcheck_1"].notes
    assert any("check cell of rank.1 was edited" in n for n in notes)


def test_summary_flags_identical_notebooks_and_problems(graded):
    page = (graded["out"] / "summary.html").read_text(encoding="utf-8")
    assert "identical notebooks" in page and "twin_a_1" in page and "twin_b_1" in page
    assert "loop_1: timeout" in page and "<svg" in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
