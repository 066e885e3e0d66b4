"""The question kinds and ``check``: answers judged for what they mean, feedback that names
the first thing wrong without giving the solution away."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib import check, linalg
from lalib.checks import QUESTIONS, Result, UnknownQuestion, encode_answer, judge_data, question
from lalib.checks.questions import Verdict
from lalib.checks.rank import elimination_cases

SETTINGS = settings(max_examples=40, deadline=None)


# --- reference answers and wrong functions for rank.11 ------------------------------------

def eliminate(A, tol=None, pivoting=True, relative=True):
    """Gaussian elimination counting pivots; the flags switch on the classic mistakes."""
    A = np.array(A, dtype=float)
    m, n = A.shape
    t = 1e-10 if tol is None else tol
    cutoff = t * np.abs(A).max() if relative else t
    r = 0
    for col in range(n):
        if r == m:
            break
        p = r + int(np.argmax(np.abs(A[r:, col]))) if pivoting else r
        if abs(A[p, col]) <= cutoff:
            continue
        A[[r, p]] = A[[p, r]]
        A[r + 1:] -= np.outer(A[r + 1:, col] / A[r, col], A[r])
        r += 1
    return r


def no_pivoting(A, tol=None):
    return eliminate(A, tol, pivoting=False)


def absolute_tolerance(A, tol=None):
    return eliminate(A, tol, relative=False)


CORRECT = {
    "rank.1": 4,
    "rank.2": 2,
    "rank.3": 1,
    "rank.4": [[1, 2]],
    "rank.5": np.array([-2, 1, 0]),
    "rank.6": [[-2, 1, 0], [-3, 0, 1]],
    "rank.7": "B",
    "rank.8": "B",
    "rank.9": [4, 4, 6, 3],
    "rank.10": np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 0, 0]]),
    "rank.11": eliminate,
    "rank.13": [1, 1, 3],
}


class AlwaysEqual:
    """A cheat: equal to everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def message(qid, answer) -> str:
    result = check(qid, answer)
    assert result.status == "failed", f"{qid} {answer!r} was not failed: {result}"
    return result.message


# --- check and Result ---------------------------------------------------------------------

def test_every_rank_question_has_a_correct_answer_here():
    assert set(CORRECT) | {"rank.12"} == {q for q in QUESTIONS if q.startswith("rank.")}


@pytest.mark.parametrize("qid", sorted(CORRECT))
def test_correct_answers_pass(qid):
    result = check(qid, CORRECT[qid])
    assert result.passed and result.status == "passed"
    assert repr(result) == str(result) == f"✅ {qid} passed"


@pytest.mark.parametrize("qid", sorted(QUESTIONS))
def test_ellipsis_is_not_answered_yet(qid):
    result = check(qid, ...)
    assert not result.passed and result.status == "unanswered"
    assert repr(result) == f"… {qid}: not answered yet"


def test_result_is_one_line_with_html():
    result = check("rank.3", 2)
    assert "\n" not in repr(result)
    assert repr(result).startswith("❌ rank.3: ")
    html = result._repr_html_()
    assert "❌ rank.3: " in html and html.startswith("<pre") and "\n" not in html


def test_unknown_question_is_one_line_listing_the_set_ids():
    with pytest.raises(UnknownQuestion) as info:
        question("rank.99")
    text = str(info.value)
    assert "'rank.99'" in text and "rank.1, rank.2" in text and "rank.12" in text
    # check() says it in one line instead of raising (a notebook would show a traceback)
    for qid, words in (("rank.99", "the rank set has rank.1"), ("nosuch.1", "the exercise sets are rank"),
                       (3, "must be text")):
        result = check(qid, 1)
        assert result.status == "failed" and words in result.message and "\n" not in repr(result)


def test_registry_ids_are_numbered_in_order():
    ids = [qid for qid in QUESTIONS if qid.startswith("rank.")]
    assert ids == [f"rank.{i}" for i in range(1, len(ids) + 1)]


# --- the two halves: plain data in between ------------------------------------------------

def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype == np.float64
    return value is None or type(value) in (str, int, float, bool)


def _json_round_trip(data):
    """Through JSON as the grader ships it: arrays as tagged lists, rebuilt as float64 arrays."""
    from lalib.grading import scoring
    from lalib.grading.runner import _plain
    return scoring.decode(json.loads(json.dumps(_plain(data), allow_nan=False)))


@pytest.mark.parametrize("qid", sorted(CORRECT))
def test_encode_gives_plain_data_that_survives_json(qid):
    data = encode_answer(qid, CORRECT[qid], np.random.default_rng(1))
    assert _plain(data), data
    # A grader may ship the data as JSON: the verdict must not change.
    assert judge_data(qid, _json_round_trip(data)).passed


@pytest.mark.parametrize("qid", ["rank.1", "rank.4", "rank.5", "rank.7", "rank.9", "rank.10", "rank.12"])
def test_always_equal_objects_are_rejected(qid):
    result = check(qid, AlwaysEqual())
    assert result.status in ("failed", "unanswered") and not result.passed
    assert "AlwaysEqual" in result.message


def test_always_equal_object_never_reaches_judge():
    data = encode_answer("rank.1", AlwaysEqual())
    assert data["status"] == "invalid" and _plain(data)


def test_judge_rejects_malformed_records():
    assert judge_data("rank.1", {"value": 4}).message == "the answer record is malformed"
    assert judge_data("rank.1", {"status": "answered"}).message == "the answer record is malformed"
    assert judge_data("rank.4", {"status": "answered", "value": "xyz"}).message == "the answer record is malformed"
    assert judge_data("rank.11", {"status": "answered", "value": {"seed": 1, "outputs": [1]}}).message == \
        "the answer record is malformed"


def test_verdict_status_must_agree_with_passed():
    with pytest.raises(ValueError, match="contradicts"):
        Verdict(True, "", "failed")


# --- Number -------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [4, 4.0, np.int64(4), np.float32(4), np.array(4)])
def test_number_accepts_any_spelling_of_the_value(answer):
    assert check("rank.1", answer).passed


@pytest.mark.parametrize("answer, expected", [
    (5, "5 is not the rank of D"),
    (6, "6 is the number of columns of D; the rank counts only the independent ones"),
    (4.5, "The rank of D is a whole number, but your answer is 4.5"),
    (float("nan"), "your answer contains NaN"),
    (float("inf"), "your answer is infinite"),
    ("4", "your answer is the text '4'; give a number, without quotes"),
    (True, "your answer is True, a True/False value; give a number"),
    (np.array([4, 4]), "your answer is an array of shape (2,); give a single number"),
    ([4], "your answer is a list of 1 item; give a single number"),
    ([4, 4], "your answer is a list of 2 items; give a single number"),
    (4 + 0j, "your answer is a complex number; give a real number"),
    (None, "your answer is of type NoneType, not a number"),
])
def test_number_feedback(answer, expected):
    assert message("rank.1", answer) == expected


def test_feedback_never_gives_away_another_questions_answer():
    # rank.1's answer is 4 and rank.2's is 2: neither may be confirmed in the other's feedback.
    assert message("rank.2", 4) == "4 is not the nullity of D"
    assert "2" not in message("rank.1", 2)
    # rank.3's answer (rank 1) and rank.6's dimension (2) are not stated by the subspace questions.
    for qid, answer in (("rank.4", [[1, 2], [2, 4]]), ("rank.4", [[1, 2], [1, 2], [2, 4]]),
                        ("rank.6", [[-2, 1, 0]]), ("rank.6", [[-2, 1, 0], [-3, 0, 1], [-5, 1, 1]])):
        text = message(qid, answer)
        assert "dimension" not in text and not re.search(r"\b[12]\b", text), text


@SETTINGS
@given(st.integers(-1000, 1000).filter(lambda v: v != 1))
def test_number_never_leaks_the_expected_value(value):
    text = message("rank.3", value)
    assert not re.search(r"(?<![\d.])1(?![\d.])", text.replace(str(value), "")), text


# --- Choice -------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["B", "b", " (B) ", "B.", "{(1, 2), (2, 3)}", "(1,2), (2,3)",
                                    r"$\{(1, 2),\ (2, 3)\}$"])
def test_choice_accepts_the_letter_or_the_text(answer):
    assert check("rank.7", answer).passed


@pytest.mark.parametrize("answer, expected", [
    ("A", "A is not right: (2, 4) is a multiple of (1, 2)"),
    ("{(0,0),(1,2)}", "D is not right: a set holding the zero vector is always dependent: 1·(0, 0) + 0·(1, 2) = 0"),
    ("E", "'E' is not one of the options A, B, C, D"),
    (2, 'your answer is of type int; give the option\'s letter as text, such as "A"'),
])
def test_choice_feedback(answer, expected):
    assert message("rank.7", answer) == expected


@pytest.mark.parametrize("qid", ["rank.7", "rank.8"])
def test_choice_feedback_never_names_the_right_option(qid):
    q = question(qid)
    for letter in q.letters:
        if letter != q.answer:
            assert not re.search(rf"\b{q.answer}\b", message(qid, letter))


# --- Array --------------------------------------------------------------------------------

def test_array_shape_comes_first():
    assert message("rank.10", np.zeros((3, 4))) == "shape (3, 4), expected (4, 3)"
    assert message("rank.5", [1, 1]) == "shape (2,), expected (3,)"


@pytest.mark.parametrize("answer", [[-2, 1, 0], [[-2], [1], [0]], [[-2, 1, 0]], np.array([4.0, -2, 0]),
                                    [-3, 0, 1], [1, 1, -1]])
def test_null_vector_accepts_any_nonzero_solution_as_row_or_column(answer):
    assert check("rank.5", answer).passed


@SETTINGS
@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
def test_null_vector_any_combination(a, b):
    x = a * np.array([-2.0, 1, 0]) + b * np.array([-3.0, 0, 1])
    result = check("rank.5", x)
    if np.any(x):
        assert result.passed, result
    else:
        assert result.message.startswith("x is the zero vector")


@pytest.mark.parametrize("x", [[1e-10, 0, 0], [1e10, 0, 0], [-2e-12, 1e-12, 1e-15]])
def test_null_vector_test_is_scale_invariant(x):
    # ||B x|| <= tol ||B|| ||x||: a tiny vector is as wrong (or as right) as a large one.
    assert not check("rank.5", x).passed
    assert check("rank.5", np.array([-2.0, 1, 0]) * 1e-12).passed and check("rank.5", [-2e12, 1e12, 0]).passed


@pytest.mark.parametrize("answer, expected", [
    ([1, 1, 1], "B @ x is not zero: largest entry 12"),
    ([0, 0, 0], "x is the zero vector: B @ 0 = 0 for every matrix, so it tells nothing; find a non-zero x"),
    ([1, np.nan, 0], "your answer contains NaN"),
    ([[1, 2], [3]], "your answer could not be read as an array: are its rows all the same length?"),
    ([1, AlwaysEqual(), 0], "your answer holds an object of type AlwaysEqual, not just plain numbers"),
    ([1, ..., 0], "your answer holds an object of type ellipsis, not just plain numbers"),
    (["1", "2", "3"], "your answer holds text; give numbers, without quotes"),
])
def test_null_vector_feedback(answer, expected):
    assert message("rank.5", answer).startswith(expected)


def test_array_values_with_labels_and_integer_dimensions():
    assert check("rank.9", np.array([4.0, 4.0, 6.0, 3.0])).passed
    assert message("rank.9", [4, 4, 3, 6]) == "the null space's dimension is not right (and 1 other)"
    assert message("rank.9", [4, 5, 6, 3]) == "the row space's dimension is not right"


@pytest.mark.parametrize("a3, expected", [
    ([0, 0, 1], "with this a3 the explorer says rank 3: the three columns are still independent"),
    ([0, 0, 0], "a3 is the zero vector: a zero column does drop the rank, but find a non-zero a3 that does"),
    ([0, -2, -4], "a3 is a multiple of a2: the rank is 2, but find an a3 that uses both a1 and a2"),
    ([1e-9, 1e-9, 3e-9], None),  # scale-invariant: a tiny a3 in the plane is as right as a large one
    ([1e9, 1e9, 3e9], None),
])
def test_explorer_question_feedback(a3, expected):
    result = check("rank.13", a3)
    assert result.passed if expected is None else result.message == expected


def test_array_built_to_specification():
    assert check("rank.10", [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]]).passed
    assert message("rank.10", np.eye(4, 3)) == "your matrix has rank 3, not 2"
    assert message("rank.10", np.eye(4, 3) * [1, 1, 0]) == \
        "w = (1, 0, 1, 0) is not in the column space of your matrix"


# --- Subspace -----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    [[1, 2]], [1, 2], [[-3, -6]], np.array([[2], [4]]), [[3, 6], [1, 2]][:1], [np.array([0.5, 1.0])],
])
def test_column_space_basis_any_spelling(answer):
    assert check("rank.4", answer).passed


@pytest.mark.parametrize("answer", [
    [[-2, 1, 0], [-3, 0, 1]],
    [[-3, 0, 1], [-2, 1, 0]],                      # reordered
    [[4, -2, 0], [0.3, 0, -0.1]],                  # scaled
    [[-5, 1, 1], [1, 1, -1]],                      # other vectors spanning the same plane
    np.array([[-2, -3], [1, 0], [0, 1]]),          # as columns of a matrix
    linalg.null_space([[1, 2, 3], [2, 4, 6]]),     # orthonormal, from the SVD
    [np.array([[-2], [1], [0]]), np.array([[-3], [0], [1]])],  # a list of column vectors
])
def test_null_space_basis_accepted_for_the_space_it_spans(answer):
    assert check("rank.6", answer).passed


@SETTINGS
@given(st.lists(st.floats(-10, 10), min_size=4, max_size=4))
def test_null_space_any_invertible_mix_of_a_basis(entries):
    mix = np.array(entries).reshape(2, 2)
    basis = np.array([[-2.0, -3], [1, 0], [0, 1]])
    result = check("rank.6", basis @ mix)
    if np.linalg.cond(mix) < 1e6 and np.abs(mix).max() > 1e-3:
        assert result.passed, result
    elif abs(np.linalg.det(mix)) == 0 and np.any(mix):
        assert not result.passed


@pytest.mark.parametrize("qid, answer, expected", [
    ("rank.4", [[1, 2], [2, 4]], "your vectors are not independent: one of them is a combination of the others, "
                                 "so it is not needed"),
    ("rank.4", [[1, 3]], "the vector (1, 3) is not in the column space of B"),
    ("rank.4", [[1, 2, 3]], "your vectors have length 3, but the column space of B lives in R^2"),
    ("rank.4", np.array([[1, 2, 3]]), "your vectors have length 3, but the column space of B lives in R^2"),
    ("rank.6", [[-2, 1, 0]], "your vectors do not span all of the null space of B: it holds vectors that are "
                             "not combinations of yours"),
    ("rank.6", [[-2, 1, 0], [-4, 2, 0]], "your vectors are not independent: one of them is a combination "
                                         "of the others, so it is not needed"),
    ("rank.6", [[-2, 1, 0], [1, 1, 1]], "the vector (1, 1, 1) is not in the null space of B: B @ v is not zero "
                                        "(largest entry 12)"),
    ("rank.6", [[0, 0, 0], [-2, 1, 0]], "your basis holds the zero vector; a basis never does"),
    ("rank.6", [[-2, 1, 0], [-3, 0, 1], [-5, 1, 1]], "your vectors are not independent: one of them is a "
                                                      "combination of the others, so it is not needed"),
])
def test_subspace_feedback_names_the_first_thing_wrong(qid, answer, expected):
    assert message(qid, answer) == expected


def test_subspace_feedback_names_the_vector_by_its_values_whatever_the_orientation():
    # The same two vectors as a list (one per item) and as an array (one per column).
    as_list = [[1, 3], [2, 4]]
    assert message("rank.4", as_list) == "the vector (1, 3) is not in the column space of B"
    assert message("rank.4", np.array(as_list).T) == "the vector (1, 3) is not in the column space of B"


def test_subspace_feedback_never_shows_a_basis_vector():
    for answer in ([[1, 3]], [[-2, 1, 0]], [[-2, 1, 0], [1, 1, 1]]):
        text = message("rank.6" if len(answer[0]) == 3 else "rank.4", answer)
        assert "-2" not in text and "-3" not in text and "0.894" not in text


# --- Function -----------------------------------------------------------------------------

@SETTINGS
@given(st.integers(0, 2**32))
def test_sound_elimination_passes_on_every_draw(seed):
    rng = np.random.default_rng(seed)
    q = question("rank.11")
    data = q.encode(eliminate, rng)
    assert q.judge(data).passed
    # Any relative tolerance between 1e-12 and 1e-8 is sensible, and passes too.
    for tol in (1e-12, 1e-8):
        assert q.judge(q.encode(lambda A, tol=tol: eliminate(A, tol), np.random.default_rng(seed))).passed


@SETTINGS
@given(st.integers(0, 2**32))
def test_reference_agrees_with_how_the_cases_were_built(seed):
    for case in elimination_cases(seed):
        A, tol = case.args[0], case.kwargs.get("tol")
        expected = linalg.rank(A) if tol is None else linalg.rank(A, tol * np.abs(A).max())
        assert expected == eliminate(A, tol), case.description


def test_no_pivoting_fails_and_says_why():
    text = message("rank.11", no_pivoting)
    assert text.startswith("on a ") and "your function returned" in text
    assert "never swaps rows" in text and "tolerance" not in text


def test_absolute_tolerance_fails_and_says_why():
    text = message("rank.11", absolute_tolerance)
    assert "relative to the size of A's entries" in text and "swap" not in text


def test_exact_zero_comparison_fails():
    assert "exact zero" in message("rank.11", lambda A, tol=None: eliminate(A, tol=0.0))


@pytest.mark.parametrize("coarse", [1e-7, 1e-6, 1e-4])
def test_too_coarse_tolerance_is_caught_and_named(coarse):
    text = message("rank.11", lambda A, tol=None: eliminate(A, coarse if tol is None else tol))
    assert "too coarse" in text


def test_ignoring_tol_is_caught_and_named():
    assert "ignores its tol" in message("rank.11", lambda A, tol=None: eliminate(A))


def test_a_bug_no_diagnosis_explains_only_says_what_failed():
    def off_by_one_on_wide(A, tol=None):
        r = eliminate(A, tol)
        return r + 1 if A.shape[0] == 1 else r
    text = message("rank.11", off_by_one_on_wide)
    assert text.startswith("on a ") and "single row" in text and "It looks as if" not in text


def test_elimination_case_descriptions_read_well():
    for seed in range(30):
        for case in elimination_cases(seed):
            assert not re.search(r"\ba 8|\ba 11|\ba 18", case.description), case.description


def test_function_that_raises_is_one_line():
    def broken(A, tol=None):
        raise ValueError("matrix not square\nsecond line")
    text = message("rank.11", broken)
    assert text.startswith("your function raised ValueError: matrix not square (on a ")
    assert "\n" not in text and "Traceback" not in text


def test_function_raising_not_implemented_is_not_answered():
    def stub(A, tol=None):
        raise NotImplementedError("your code here")
    assert check("rank.11", stub).status == "unanswered"


def test_function_returning_rubbish():
    assert message("rank.11", lambda A: None).endswith("your function's result is of type NoneType, not a number")
    assert message("rank.11", lambda A: 1.5).endswith("your function returned 1.5, of type float; "
                                                      "return a whole number as an int")
    assert message("rank.11", 3).startswith("your answer is of type int; give the function rank_by_elimination")


def test_function_must_return_the_type_the_prompt_asks_for():
    assert message("rank.11", lambda A, tol=None: float(eliminate(A, tol))).endswith(
        "of type float; return a whole number as an int")
    assert check("rank.11", lambda A, tol=None: np.int64(eliminate(A, tol))).passed


def test_function_that_changes_its_input_fails_and_says_so():
    def vandal(A, tol=None):
        r = eliminate(A, tol)
        A[:] = 0
        return r
    assert "changed the array it was given" in message("rank.11", vandal)
    assert "such as A = np.array(A" in message("rank.11", vandal)

    def renamed(M, tol=None):  # the feedback names the student's own parameter
        return vandal(M, tol)
    assert "such as M = np.array(M, dtype=float)" in message("rank.11", renamed)


def test_function_is_called_with_a_non_default_tol():
    seen = []

    def spy(A, tol=None):
        seen.append(tol)
        return eliminate(A, tol)
    assert check("rank.11", spy).passed
    assert None in seen and 1e-3 in seen


def test_judge_rebuilds_the_inputs_from_the_seed():
    q = question("rank.11")
    data = q.encode(eliminate, np.random.default_rng(7))
    assert q.encode(eliminate, np.random.default_rng(7)) == data  # deterministic in the generator
    forged = {"status": "answered", "value": {"seed": data["value"]["seed"] + 1,
                                              "outputs": data["value"]["outputs"]}}
    # The outputs belong to other matrices: judged against the matrices of the seed recorded.
    assert q.judge(forged).passed == all(
        linalg.rank(c.args[0]) == out
        for c, out in zip(elimination_cases(data["value"]["seed"] + 1), data["value"]["outputs"]))


# --- FreeText -----------------------------------------------------------------------------

def test_free_text_is_recorded_never_judged():
    result = check("rank.12", "Only five directions carry information.")
    assert result.status == "recorded" and not result.passed
    assert repr(result) == "📝 rank.12: recorded for your instructor (5 words)"
    assert check("rank.12", "   ").status == "unanswered"
    assert check("rank.12", 5).status == "unanswered"
    assert "failed" not in {check("rank.12", a).status for a in ("x", "", 5, AlwaysEqual(), ...)}


def test_grader_feedback_does_not_name_the_expected_output_of_a_hidden_input():
    data = encode_answer("rank.11", lambda A, tol=None: 0, np.random.default_rng(1))
    student = judge_data("rank.11", data)
    grader = judge_data("rank.11", data, reveal_expected=False)
    assert not student.passed and not grader.passed
    assert "the right answer is" in student.message
    assert "the right answer is" not in grader.message and "which is not right" in grader.message


def test_number_feedback_shows_the_digits_given_and_says_when_it_is_close():
    from lalib.checks.questions import Number
    q = Number("demo.1", expected=7.0, name="the largest singular value")
    # 7.0001 must not be shown as "7", which would contradict a right answer of 7
    assert q.judge(q.encode(7.0001)).message.startswith("7.0001 is close to the largest singular value")
    r = Number("demo.2", expected=3.2016, name="the error")
    assert "keep more digits" in r.judge(r.encode(3.2)).message
    assert r.judge(r.encode(4.0)).message == "4 is not the error"
    count = Number("demo.3", expected=274, name="the count", integer=True)
    assert count.judge(count.encode(275)).message == "275 is not the count"
