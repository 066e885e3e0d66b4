"""What keeps the notebook's ✅ honest: forbidden functions, the time limit, the graded
variable, lazy banks and variants."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

from lalib import checks
from lalib.checks import check, question
from lalib.checks.forbidden import ForbiddenCall, blocked, screen_source
from lalib.checks.limits import TimeLimitExceeded, time_limit
from lalib.checks.rank import FORBIDDEN, eliminate

# --- forbidden names, read from the source ------------------------------------------------

@pytest.mark.parametrize("code", [
    "lambda A, tol=None: np.linalg.matrix_rank(A)",
    "def f(A, tol=None):\n    return numpy.linalg.matrix_rank(A)",
    "from numpy.linalg import matrix_rank\nr = matrix_rank(A)",
    "from numpy.linalg import matrix_rank as mr\nr = mr(A)",
    "import numpy.linalg as nla\nr = nla.svd(A)",
    "from numpy import linalg\ns = linalg.svd(A, compute_uv=False)",
    "r = getattr(np.linalg, 'matrix_rank')(A)",
    "import scipy.linalg\nscipy.linalg.lu(A)",
    "from lalib.linalg import rank",
    "    def f(A):\n        return np.linalg.lstsq(A, A[:, 0])[2]",  # indented, as getsource gives methods
])
def test_screen_source_finds_forbidden_names_through_aliases(code):
    assert screen_source(code, FORBIDDEN) is not None
    assert question("rank.11").screen_source(code) is not None


@pytest.mark.parametrize("code", [
    "def f(A, tol=None):\n    A = np.array(A, dtype=float)\n    return int(np.abs(A).max() > 0)",
    "x = 'numpy.linalg.matrix_rank is forbidden'  # np.linalg.svd in a comment",
    "def f(A:\n",  # does not parse: left to the run-time guard
])
def test_screen_source_leaves_honest_code_alone(code):
    assert question("rank.11").screen_source(code) is None


def test_questions_without_forbidden_names_screen_nothing():
    assert question("rank.3").screen_source("np.linalg.matrix_rank(B)") is None


# --- forbidden names, blocked at run time -------------------------------------------------

def test_a_forbidden_call_is_refused_even_when_swallowed_and_everything_is_restored():
    original = np.linalg.matrix_rank
    namespace = {"np": np}
    exec(textwrap.dedent("""
        from numpy.linalg import matrix_rank as mr
        def sneaky(A, tol=None):
            try:
                return int(mr(A))
            except Exception:
                return 0
    """), namespace)
    text = check("rank.11", namespace["sneaky"]).message
    assert text == ("your function called numpy.linalg.matrix_rank, which this question forbids: "
                    "do the computation yourself")
    assert np.linalg.matrix_rank is original and namespace["mr"] is original


def test_a_forbidden_call_inside_a_helper_is_caught():
    def helper(A):
        return np.linalg.svd(A, compute_uv=False)

    def rank_by_elimination(A, tol=None):
        s = helper(A)
        return int((s > 1e-10 * s.max()).sum()) if s.size and s.max() > 0 else 0
    assert "numpy.linalg.svd" in check("rank.11", rank_by_elimination).message


def test_passing_the_forbidden_function_itself_is_refused():
    assert "numpy.linalg.matrix_rank itself" in check("rank.11", np.linalg.matrix_rank).message


def test_blocked_restores_after_an_error():
    original = np.linalg.svd
    with pytest.raises(ZeroDivisionError):
        with blocked(["numpy.linalg.svd"]):
            assert np.linalg.svd is not original
            1 / 0
    assert np.linalg.svd is original
    with blocked(["numpy.linalg.svd"]), pytest.raises(ForbiddenCall):
        np.linalg.svd(np.eye(2))


# --- the time limit -------------------------------------------------------------------------

def test_an_endless_function_is_stopped_with_one_line():
    def endless(A, tol=None):
        while True:
            pass
    q = question("rank.11")
    data = q.encode(endless, time_limit=0.2)
    assert data["status"] == "invalid"
    assert data["message"].startswith("your function did not finish within 0.2 s (on a")
    assert "\n" not in data["message"]


def test_the_time_limit_gives_back_an_outer_timer_and_handler():
    def outer(signum, frame):
        raise AssertionError("the outer alarm fired")
    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 50.0)
    try:
        with time_limit(1.0):
            pass
        with pytest.raises(TimeLimitExceeded):
            with time_limit(0.01):
                while True:
                    pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 40 < remaining <= 50 and signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_interrupting_a_check_gives_one_line_not_a_traceback():
    def interrupted(A, tol=None):
        raise KeyboardInterrupt
    result = check("rank.11", interrupted)
    assert result.status == "failed" and "interrupted" in result.message and "\n" not in repr(result)


# --- the graded variable -------------------------------------------------------------------

@pytest.fixture
def notebook(monkeypatch):
    """An interactive __main__, as in a Jupyter kernel (IPython puts get_ipython there)."""
    main = types.ModuleType("__main__")
    main.get_ipython = lambda: None
    monkeypatch.setitem(sys.modules, "__main__", main)
    return main.__dict__


def test_check_refuses_a_value_that_is_not_the_graded_variable(notebook):
    notebook["nullity_D"] = ...
    result = check("rank.2", 2)
    assert result.status == "failed"
    assert result.message == ("check('rank.2', ...) is graded from the variable nullity_D; assign your answer to "
                              "nullity_D and run this cell")
    notebook["nullity_D"] = 2
    assert check("rank.2", notebook["nullity_D"]).passed
    assert check("rank.2", 2).passed  # the same value: the grader scores the same


def test_same_data_is_the_same_answer_but_another_array_is_not(notebook):
    notebook["x"] = np.array([-2, 1, 0])
    assert check("rank.5", [-2, 1, 0]).passed
    assert "graded from the variable x" in check("rank.5", [-4, 2, 0]).message


def test_a_function_must_be_the_graded_one(notebook):
    notebook["rank_by_elimination"] = eliminate
    assert "graded from the variable rank_by_elimination" in check("rank.11", lambda A, tol=None: 0).message


def test_an_undefined_answer_variable_is_named(notebook):
    assert check("rank.3", 1).message.startswith("rank_B is not defined: check('rank.3', ...) is graded from")


def test_outside_a_notebook_there_is_no_variable_to_compare():
    assert check("rank.3", 1).passed


# --- lazy banks and variants ---------------------------------------------------------------

def test_importing_check_imports_no_bank():
    code = "import sys; from lalib import check; print(sorted(m for m in sys.modules if m.startswith('lalib.checks.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "lalib.checks.rank" not in out and "lalib.checks.questions" in out


def test_a_broken_bank_breaks_only_its_own_questions(monkeypatch):
    monkeypatch.setattr(checks, "BANKS", {**checks.BANKS, "broken": "lalib_no_such_bank_module"})
    checks.bank.cache_clear()
    try:
        result = check("broken.1", 1)
        assert result.status == "failed" and "could not be loaded" in result.message
        assert check("rank.1", 4).passed
    finally:
        checks.bank.cache_clear()


def test_variants_change_the_parametric_questions_and_none_is_the_book():
    assert list(question("rank.9").expected) == [4, 4, 6, 3]
    assert question("rank.9", variant=None) is question("rank.9")
    drawn = {tuple(question("rank.9", variant=v).expected) for v in range(20)}
    assert len(drawn) > 5
    assert question("rank.9", variant=7).expected == question("rank.9", variant=7).expected
    for v in range(20):
        r, r2, nullity, left = question("rank.9", variant=v).expected
        assert r == r2 and nullity >= 0 and left >= 0


def test_screening_a_whole_notebook_blames_only_the_functions_definition():
    """The grader screens the submission's code text: another cell may use matrix_rank freely."""
    q = question("rank.11")
    honest = ("from numpy.linalg import matrix_rank\nrank_B = int(matrix_rank(B))  # rank.3, checked another way\n"
              "def rank_by_elimination(A, tol=None):\n    return 0\n")
    assert q.screen_source(honest) is None
    redefined = honest + "def rank_by_elimination(A, tol=None):\n    return matrix_rank(A)\n"
    assert "numpy.linalg.matrix_rank" in q.screen_source(redefined)
    # the last definition is the one that runs
    assert q.screen_source(redefined + "def rank_by_elimination(A, tol=None):\n    return 1\n") is None
    assert "numpy.linalg.svd" in q.screen_source("rank_by_elimination = lambda A, tol=None: "
                                                 "int((np.linalg.svd(A)[1] > 0).sum())")
