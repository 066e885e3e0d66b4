"""The transformations question bank: right answers pass, each kind of mistake gets its own feedback."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib import transforms
from lalib.checks import bank, question
from lalib.checks import transformations as T


def verdict(qid, answer, rng=None):
    q = question(qid)
    return q.judge(q.encode(answer, rng))


def test_the_set_has_every_kind_and_at_least_ten_questions():
    qs = bank("transformations")
    assert len(qs) >= 10
    assert {q.kind for q in qs.values()} >= {"number", "choice", "array", "subspace", "function", "free-text"}


RIGHT = {
    "transformations.1": np.array([[2, -1], [1, 3]]),
    "transformations.2": transforms.rotation(math.pi / 3),
    "transformations.3": np.array([[0, -1], [-1, 0]]),
    "transformations.4": 10,
    "transformations.5": "a",
    "transformations.6": -6.0,
    "transformations.7": 4.5,
    "transformations.8": np.array([-3.0, -6.0]),        # any non-zero vector on the line
    "transformations.9": [[4, -2]],
    "transformations.10": [[0.5, -1], [-0.5, 2]],
    "transformations.11": T.det_by_elimination,
    "transformations.13": np.array([7.5, -2]),          # any (b, -2)
}


@pytest.mark.parametrize("qid", sorted(RIGHT))
def test_right_answers_pass_and_blank_is_unanswered(qid):
    assert verdict(qid, RIGHT[qid], np.random.default_rng(1)).passed, verdict(qid, RIGHT[qid]).message
    assert verdict(qid, ...).status == "unanswered"


@pytest.mark.parametrize("qid, answer, says", [
    ("transformations.1", [[2, 1], [-1, 3]], "as rows; they are the columns"),
    ("transformations.1", [[2, -1], [1, 4]], "entry [1, 1] is not right"),
    ("transformations.2", transforms.rotation(-math.pi / 3), "turns clockwise"),
    ("transformations.2", transforms.rotation(60.0), "np.cos and np.sin take radians"),
    ("transformations.2", np.eye(3), "shape (3, 3), expected (2, 2)"),
    ("transformations.3", np.array([[0, 1], [1, 0]]), "first reflect, then rotate"),
    ("transformations.3", np.array([[1, -1], [1, -1]]), "you added them"),
    ("transformations.4", 14, "ad + bc"),
    ("transformations.4", -10, "the sign is wrong"),
    ("transformations.4", "10", "the text '10'"),
    ("transformations.5", "B", "1/3 would be the factor of the inverse"),
    ("transformations.5", "C", "negative sign means orientation is reversed"),
    ("transformations.6", -1, "you added them"),
    ("transformations.6", 6, "check the sign"),
    ("transformations.7", -4.5, "an area is never negative"),
    ("transformations.7", 3, "multiply it by the shape's own area"),
    ("transformations.7", 0.5, "not divided"),
    ("transformations.8", [[-2, 1]], "is not in the line P flattens the plane onto"),
    ("transformations.8", [[0, 0]], "zero vector"),
    ("transformations.9", [[1, 2]], "P @ v is not zero"),
    ("transformations.9", [[-2, 1], [2, -1]], "not independent"),
    ("transformations.10", [[1, -2], [-1, 4]], "divide by det M"),
    ("transformations.10", [[0.25, 0.5], [1, 1]], "not the matrix of reciprocals"),
    ("transformations.10", [[4, 1], [2, 1]], "the transpose undoes only rotations"),
    ("transformations.13", [0, 2], "is the F mirrored?"),
    ("transformations.13", [1, 1], "det A = 1"),
])
def test_each_mistake_gets_its_own_feedback(qid, answer, says):
    v = verdict(qid, answer)
    assert not v.passed and says in v.message, v.message


def test_feedback_never_gives_the_answer():
    for qid, answer in [("transformations.4", 7), ("transformations.6", 5), ("transformations.7", 2)]:
        message = verdict(qid, answer).message
        expected = question(qid).expected
        assert f"{expected:g}" not in message, message


def test_free_text_is_recorded_not_judged():
    v = verdict("transformations.12", "The determinant multiplies 512 factors; look at the singular values.")
    assert v.status == "recorded" and not v.passed
    assert verdict("transformations.12", 3).status == "unanswered"  # not text: not recorded


# --- the function question -----------------------------------------------------------------------

def det_by_elimination(A):  # a student's honest answer, written from the prompt
    U = np.array(A, dtype=float)
    n, det = len(U), 1.0
    for k in range(n):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if U[p, k] == 0:
            return 0.0
        if p != k:
            U[[k, p]] = U[[p, k]]
            det = -det
        det *= U[k, k]
        U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
    return float(det)


def test_an_honest_function_passes_on_many_seeds():
    for seed in range(20):
        assert verdict("transformations.11", det_by_elimination, np.random.default_rng(seed)).passed


@pytest.mark.parametrize("body, says", [
    ("return T._eliminate(A, swap_sign=False)", "a row swap leaves your sign unchanged"),
    ("return abs(T.det_by_elimination(A))", "returns |det|"),
    ("return float(np.prod(np.diag(A)))", "multiply the diagonal of A itself"),
    ("return float(np.linalg.det(A))", "numpy.linalg.det, which this question forbids"),
    ("return float(torch.linalg.det(torch.tensor(A)))", "torch.linalg"),
    ("A *= 2\n    return T.det_by_elimination(A) / 2 ** len(A)", "changed the array it was given"),
    ("return int(round(T.det_by_elimination(A)))", "right answer"),
])
def test_buggy_functions_are_named(body, says):
    namespace = {"np": np, "T": T, "torch": torch}
    exec(f"def det_by_elimination(A):\n    {body}\n", namespace)
    v = verdict("transformations.11", namespace["det_by_elimination"], np.random.default_rng(0))
    assert not v.passed and says in v.message, v.message


def test_no_pivoting_fails_on_the_zero_corner_case():
    def det_by_elimination(A):
        U = np.array(A, dtype=float)
        d = 1.0
        for k in range(len(U)):
            d *= U[k, k]
            U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
        return float(d)
    v = verdict("transformations.11", det_by_elimination, np.random.default_rng(0))
    assert not v.passed and "zero" in v.message, v.message


def test_the_cases_hold_the_hard_ones_and_are_reproducible():
    cases = T.det_cases(5)
    assert [c.description for c in cases] == [c.description for c in T.det_cases(5)]
    text = " ".join(c.description for c in cases)
    for family in ("one entry", "zero in its top-left corner", "permutation", "rows shuffled", "last row",
                   "second pivot", "zero matrix", "near 1000"):
        assert family in text
    dets = {c.description: np.linalg.det(c.args[0]) for c in cases}
    perm = next(v for k, v in dets.items() if "permutation" in k)
    assert round(perm) == -1      # an odd permutation: the sign is tested
    assert abs(next(v for k, v in dets.items() if "last row" in k)) < 1e-9


@settings(deadline=None, max_examples=100)
@given(st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_reference_elimination_agrees_with_numpy_and_torch(n, seed):
    A = np.random.default_rng(seed).standard_normal((n, n))
    got = T.det_by_elimination(A)
    assert math.isclose(got, np.linalg.det(A), rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(got, torch.linalg.det(torch.tensor(A)).item(), rel_tol=1e-9, abs_tol=1e-12)


def test_parity_helper():
    assert T.transforms_parity(np.array([0, 1, 2])) == 0
    assert T.transforms_parity(np.array([2, 1, 0])) == 1
