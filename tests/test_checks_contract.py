"""One contract over every registered question: the grader's verdict is the notebook's verdict.

For each question of every bank, right and wrong answers go through the two
paths a real answer takes:

* the notebook: ``check(qid, answer)``;
* the grader: ``encode`` in the "sandbox" with a seeded generator, the
  runner's JSON encoder, the grader's line parser and decoder, the question's
  ``validate`` (through ``grading.scoring.validate``, with the seed) and
  ``judge`` with ``reveal_expected=False``.

Both must give the same verdict. A new question kind, or a subclass, is
covered as soon as it is registered with samples here.
"""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest

from lalib import checks
from lalib.checks import QUESTIONS, check, question
from lalib.checks.compare import up_to_column_signs
from lalib.checks.questions import Array, Case, Function
from lalib.checks.rank import eliminate
from lalib.grading import scoring
from lalib.grading.runner import _plain


def _no_pivoting(A, tol=None):
    return eliminate(A, tol, pivoting="none")


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


# qid -> (right answers, wrong answers). Every registered question must be here.
SAMPLES = {
    "rank.1": ([4, 4.0, np.int64(4)], [5, 6, "4", [4], AlwaysEqual(), None]),
    "rank.2": ([2], [4, 2.5, float("nan")]),
    "rank.3": ([1], [2, 3, True]),
    "rank.4": ([[[1, 2]], [2, 4], np.array([[3], [6]])], [[[1, 3]], [[1, 2], [2, 4]], [[1, 2, 3]], "xyz"]),
    "rank.5": ([[-2, 1, 0], np.array([3.0, 0, -1])], [[0, 0, 0], [1e-10, 0, 0], [1, 1], [[1, 2], [3]]]),
    "rank.6": ([[[-2, 1, 0], [-3, 0, 1]]], [[[-2, 1, 0]], [[1, 1, 1], [-2, 1, 0]], [[0, 0, 0], [-2, 1, 0]]]),
    "rank.7": (["B", "b", "(1, 2), (2, 3)"], ["A", "E", 2]),
    "rank.8": (["B"], ["D", "C"]),
    "rank.9": ([[4, 4, 6, 3]], [[4, 4, 3, 6], [4, 4, 6]]),
    "rank.10": ([np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 0, 0]])], [np.eye(4, 3), np.zeros((3, 4))]),
    "rank.11": ([eliminate], [_no_pivoting, lambda A, tol=None: 0, lambda A, tol=None: float(eliminate(A, tol)),
                              lambda A, tol=None: np.linalg.matrix_rank(A), 3]),
    "rank.12": (["Only five directions matter."], ["   ", 5]),
    "rank.13": ([[1, 1, 3], np.array([2.0, -1, 0])], [[0, 0, 1], [0, 0, 0], [2, 0, 2]]),
}


def grader_verdict(qid: str, answer, seed: int):
    """The verdict the grader reaches, through exactly the code it uses."""
    data = question(qid).encode(answer, np.random.default_rng(seed))  # in the sandbox
    line = json.dumps({"type": "answer", "question": qid, "data": _plain(data)}, allow_nan=False)
    answers, _errors, _end = scoring.parse_lines([line], [qid])
    decoded = scoring.decode(answers[qid])
    verdict = scoring.validate(qid, decoded, seed)
    return verdict if verdict is not None else checks.judge_data(qid, decoded, reveal_expected=False)


def notebook_verdict(qid: str, answer, seed: int):
    """``check``'s verdict; a function question judged on the grader's inputs, with hidden outputs."""
    q = question(qid)
    if q.kind == "function":
        assert check(qid, answer).status == q.judge(q.encode(answer, np.random.default_rng(seed))).status
        return q.judge(q.encode(answer, np.random.default_rng(seed)), reveal_expected=False)
    return check(qid, answer).verdict


def test_every_registered_question_has_right_and_wrong_samples():
    assert set(SAMPLES) == set(QUESTIONS)
    assert all(right and wrong for right, wrong in SAMPLES.values())


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_grader_and_notebook_agree_on_right_answers(qid):
    for i, answer in enumerate(SAMPLES[qid][0]):
        verdict = grader_verdict(qid, answer, seed=100 + i)
        assert verdict == notebook_verdict(qid, answer, seed=100 + i)
        assert verdict.status in ("passed", "recorded"), (answer, verdict)


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_grader_and_notebook_agree_on_wrong_answers(qid):
    for i, answer in enumerate(SAMPLES[qid][1]):
        verdict = grader_verdict(qid, answer, seed=200 + i)
        assert verdict == notebook_verdict(qid, answer, seed=200 + i)
        assert verdict.status in ("failed", "unanswered"), (answer, verdict)


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_unanswered_is_unanswered_on_both_sides(qid):
    assert grader_verdict(qid, ..., 1) == notebook_verdict(qid, ..., 1)
    assert grader_verdict(qid, ..., 1).status == "unanswered"


def test_a_forged_seed_scores_zero_in_the_grader_only():
    data = question("rank.11").encode(eliminate, np.random.default_rng(5))
    assert scoring.validate("rank.11", data, 5) is None
    assert "tampered" in scoring.validate("rank.11", data, 6).message


# --- a bank with new kinds, registered for the test: it must grade identically too -----

class Column(Array):
    """An Array subclass with its own kind name: the grader must not need to know it."""

    kind = "column"


def _normalized_columns(A):
    return A / np.linalg.norm(A, axis=0)


def _demo_cases(seed):
    rng = np.random.default_rng(seed)
    return [Case((rng.standard_normal((3, 2)),), "a 3×2 random matrix"),
            Case((rng.standard_normal((4, 4)),), "a 4×4 random matrix")]


def _demo_questions(variant=None):
    return (
        Column("demo.1", variable="v", shape=(2,), expected=[1, 2]),
        Function("demo.2", variable="unit", function_name="unit", make_cases=_demo_cases,
                 reference=_normalized_columns, output="array", compare=up_to_column_signs()),
    )


@pytest.fixture
def demo_bank(monkeypatch):
    module = types.ModuleType("lalib_demo_bank")
    module.questions = _demo_questions
    monkeypatch.setitem(sys.modules, "lalib_demo_bank", module)
    monkeypatch.setattr(checks, "BANKS", {**checks.BANKS, "demo": "lalib_demo_bank"})
    checks.bank.cache_clear()
    yield
    checks.bank.cache_clear()


@pytest.mark.parametrize("qid, answer, passed", [
    ("demo.1", [1, 2], True),
    ("demo.1", [[1], [2]], True),
    ("demo.1", [1, 3], False),
    ("demo.2", _normalized_columns, True),
    ("demo.2", lambda A: -_normalized_columns(A), True),          # signs are free
    ("demo.2", lambda A: A, False),
    ("demo.2", lambda A: _normalized_columns(A)[:, :1], False),   # wrong shape
])
def test_new_kinds_and_array_outputs_grade_identically(demo_bank, qid, answer, passed):
    verdict = grader_verdict(qid, answer, seed=3)
    assert verdict == notebook_verdict(qid, answer, seed=3)
    assert verdict.passed is passed, verdict
