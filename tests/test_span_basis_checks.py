"""The chapter-4 question bank (lalib.checks.span_basis): right answers pass, wrong ones get
feedback that names the first thing wrong and never the answer."""

from __future__ import annotations

import numpy as np
import pytest

from check_samples.basis import SAMPLES, greedy  # the bank's samples, shared with the contract test
from lalib.checks import bank, question
from lalib.checks.span_basis import B_PLANE, DEPENDENT, REDUNDANT, X_PLANE, pivot_cases
from lalib.linalg import null_space, rank
from lalib.linalg.coordinates import basis_coordinates, pivot_columns


def verdict(qid, answer):
    q = question(qid)
    return q.judge(q.encode(answer, np.random.default_rng(0)))


def test_the_bank_has_every_kind_and_at_least_ten_questions():
    questions = bank("basis")
    assert len(questions) >= 10
    kinds = {q.kind for q in questions.values()}
    assert kinds >= {"number", "choice", "array", "subspace", "function", "free-text"}


@pytest.mark.parametrize("qid, right, wrong, says", [
    ("basis.1", "B", "A", "(2, 4) is a multiple of (1, 2)"),
    ("basis.2", 2, 4, "4 counts the vectors"),
    ("basis.3", [2, -1], [-1, 2], "c1 is not right"),
    ("basis.5", 3.0, 0, "0 is not the value of t"),
    ("basis.8", [[1, 0], [-1, 1]], [[1, -1], [0, 1]], "is not right"),
    ("basis.9", 3, 4, "intercept column is the sum"),
    ("basis.10", "B", "D", "x₃ ≠ x₁ + x₂"),
    ("basis.13", "C", "D", "four vectors in R³ are always dependent"),
])
def test_right_answers_pass_and_wrong_ones_say_why(qid, right, wrong, says):
    assert verdict(qid, right).passed
    v = verdict(qid, wrong)
    assert not v.passed and says in v.message


def test_expected_values_come_from_the_numerics():
    assert question("basis.3").expected.tolist() == basis_coordinates(B_PLANE, X_PLANE).tolist() == [2.0, -1.0]
    assert question("basis.2").expected == 2
    assert rank(REDUNDANT) == 3 and pivot_columns(REDUNDANT) == [0, 1, 3]


def test_a_dependence_is_any_nonzero_null_vector_at_any_scale():
    z = null_space(DEPENDENT)[:, 0]
    for c in (z, -3 * z, 1e-8 * z, 1e8 * z, [1, -2, 1]):
        assert verdict("basis.4", np.asarray(c, dtype=float)).passed
    assert "zero vector" in verdict("basis.4", [0, 0, 0]).message
    assert "not zero" in verdict("basis.4", [1, 1, 1]).message


def test_a_basis_of_the_span_is_judged_by_what_it_spans():
    assert verdict("basis.6", REDUNDANT[:, [0, 1, 3]]).passed
    assert verdict("basis.6", REDUNDANT[:, [3, 4, 2]]).passed  # another basis from the columns
    Q = np.linalg.svd(REDUNDANT)[0][:, :3]  # an orthonormal basis, mixed by an invertible matrix
    assert verdict("basis.6", Q @ np.array([[1, 2, 0], [0, 1, 0], [1, 1, 1]])).passed
    assert verdict("basis.6", list(REDUNDANT[:, [0, 1, 3]].T)).passed  # a list: one vector per item
    assert "not independent" in verdict("basis.6", REDUNDANT).message  # all five columns: redundant
    assert "do not span" in verdict("basis.6", REDUNDANT[:, [0, 1]]).message


def test_the_explorer_question_accepts_only_b2_equal_x_minus_b1():
    assert verdict("basis.11", X_PLANE - B_PLANE[:, 0]).passed
    assert "not a basis" in verdict("basis.11", 2 * B_PLANE[:, 0]).message
    assert "not (1, 1)" in verdict("basis.11", [1, 1]).message


def test_a_sound_pivot_scan_passes_on_fresh_inputs_and_the_cases_are_unambiguous():
    for seed in range(200):
        for case in pivot_cases(seed):
            A = case.args[0]
            assert greedy(A) == pivot_columns(A), (seed, case.description)
    for seed in range(5):
        assert question("basis.7").judge(question("basis.7").encode(greedy, np.random.default_rng(seed))).passed


@pytest.mark.parametrize("bug, says", [
    # Only tests each column against one kept column at a time.
    (lambda A: [j for j in range(A.shape[1]) if np.linalg.norm(A[:, j]) > 1e-9 * (np.abs(A).max() + 1e-300)
                and all(np.linalg.matrix_rank(np.column_stack([A[:, k], A[:, j]])) == 2
                        for k in range(j) if np.linalg.norm(A[:, k]) > 1e-9 * (np.abs(A).max() + 1e-300))],
     "keeps column"),
    (lambda A: list(range(np.linalg.matrix_rank(A))), "keeps column 0"),
    (lambda A: [j for j in range(A.shape[1]) if np.any(A[:, j])], "keeps column"),
    (lambda A: greedy(A)[::-1], "increasing order"),
])
def test_likely_bugs_fail_with_feedback_that_names_a_column_not_the_answer(bug, says):
    v = verdict("basis.7", bug)
    assert not v.passed and says in v.message
    assert "[" not in v.message  # never the list of right indices


def test_forbidden_helpers_are_refused():
    v = verdict("basis.7", lambda A: pivot_columns(A))
    assert not v.passed and "forbids" in v.message


def test_free_text_is_recorded_not_judged():
    v = verdict("basis.12", "The weights are not unique, but predictions on the training data are.")
    assert v.status == "recorded"




def test_every_question_of_the_bank_has_samples():
    assert set(SAMPLES) == set(bank("basis"))


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_grader_and_notebook_agree(qid):
    import json

    from lalib import checks
    from lalib.grading import scoring
    from lalib.grading.runner import _plain

    right, wrong = SAMPLES[qid]
    for answers, should_pass in ((right, True), (wrong, False)):
        for answer in answers:
            q = question(qid)
            data = q.encode(answer, np.random.default_rng(7))
            line = json.dumps({"type": "answer", "question": qid, "data": _plain(data)}, allow_nan=False)
            parsed, _errors, _end = scoring.parse_lines([line], [qid])
            decoded = scoring.decode(parsed[qid])
            graded = scoring.validate(qid, decoded, 7) or checks.judge_data(qid, decoded, reveal_expected=False)
            local = q.judge(q.encode(answer, np.random.default_rng(7)), reveal_expected=False)
            assert (graded.passed, graded.status) == (local.passed, local.status), (qid, answer)
            if q.kind != "free-text":
                assert graded.passed == should_pass, (qid, answer, graded)
