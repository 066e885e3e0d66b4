"""summary.html's "needs a look" list: what it claims about two submissions must be true."""

from __future__ import annotations

from lalib.grading.report import needs_a_look
from lalib.grading.scoring import Graded


def graded(student: str, sha: str, prints: dict[str, str]) -> Graded:
    questions = {qid: {"points": 1.0, "max_points": 1.0, "fingerprint": fp} for qid, fp in prints.items()}
    return Graded(student=student, name=f"{student}.ipynb", sha256=sha, assignment="rank", status="ok",
                  questions=questions)


def test_same_values_are_listed_as_values_not_as_every_answer():
    values = {"rank.1": "a", "rank.2": "b", "rank.3": "c"}
    # rank.11 is a function: no fingerprint, and the two functions differ.
    ann = graded("ann", "1", {**values, "rank.11": ""})
    bob = graded("bob", "2", {**values, "rank.11": ""})
    [line] = needs_a_look([ann, bob])
    assert line.startswith("identical values in all 3 answers that are values") and line.endswith("ann, bob")
    assert "every question" not in line


def test_different_values_or_too_few_values_are_not_listed():
    ann = graded("ann", "1", {"rank.1": "a", "rank.2": "b", "rank.3": "c"})
    bob = graded("bob", "2", {"rank.1": "a", "rank.2": "b", "rank.3": "d"})
    cat = graded("cat", "3", {"rank.1": "a", "rank.2": "b"})
    dan = graded("dan", "4", {"rank.1": "a", "rank.2": "b"})
    assert needs_a_look([ann, bob, cat, dan]) == []


def test_a_notebook_made_for_someone_else_and_a_student_off_the_roster_are_listed():
    ann = graded("ann", "1", {})
    ann.notes.append("this notebook was made for another student (bob); it was graded against your own numbers")
    cat = graded("cat", "2", {})
    cat.questions["rank.3"] = {"points": 0.0, "max_points": 1.0, "fingerprint": "",
                               "message": "not graded: cat is not on the roster (roster.csv), so their own numbers "
                                          "are unknown; add them and grade again"}
    assert needs_a_look([ann, cat]) == [
        "ann: handed in a notebook made for another student",
        "cat: not on the roster, so the questions with personal numbers were not graded"]
