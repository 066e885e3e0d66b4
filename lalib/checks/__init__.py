"""Exercise checks: ``check("rank.3", rank_A)`` gives one line of feedback.

A check is ``judge(encode(answer))``: :meth:`~lalib.checks.questions.Question.encode`
turns the student's answer into plain data, and
:meth:`~lalib.checks.questions.Question.judge` judges that data alone. A grader
calls the same two halves through :func:`encode_answer` (in the student's
sandboxed process) and :func:`judge_data` (in its own), so the notebook and
the grade can never disagree.

Each chapter's questions live in one module, ``lalib.checks.<chapter>``,
as a tuple ``QUESTIONS``; add a chapter with one line in ``_CHAPTERS``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from lalib.checks import rank as _rank
from lalib.checks.questions import PASSED, RECORDED, UNANSWERED, Question, Verdict

__all__ = ["check", "Result", "QUESTIONS", "question", "encode_answer", "judge_data", "UnknownQuestion"]

# One line per chapter: its prefix and its question bank.
_CHAPTERS = {
    "rank": _rank.QUESTIONS,
}


def _registry() -> Mapping[str, Question]:
    table: dict[str, Question] = {}
    for chapter, questions in _CHAPTERS.items():
        for q in questions:
            if not q.id.startswith(chapter + "."):
                raise RuntimeError(f"question {q.id!r} is filed under chapter {chapter!r}")
            if q.id in table:
                raise RuntimeError(f"question id {q.id!r} is defined twice")
            table[q.id] = q
    return MappingProxyType(table)


#: Every question of every chapter, by id.
QUESTIONS: Mapping[str, Question] = _registry()


class UnknownQuestion(LookupError):
    """A question id that no chapter defines."""

    def __str__(self) -> str:  # LookupError would show the message in quotes
        return str(self.args[0])


def question(question_id: str) -> Question:
    """The question with this id, or a clear error listing the valid ones.

    Examples
    --------
    >>> question("rank.1").kind
    'number'
    >>> question("rank.99")
    Traceback (most recent call last):
    ...
    lalib.checks.UnknownQuestion: no question 'rank.99'; the rank chapter has rank.1, rank.2, rank.3, rank.4,
    rank.5, rank.6, rank.7, rank.8, rank.9, rank.10, rank.11, rank.12
    """
    if not isinstance(question_id, str):
        raise TypeError(f"question_id must be a string such as 'rank.1', got {type(question_id).__name__}")
    if question_id in QUESTIONS:
        return QUESTIONS[question_id]
    chapter = question_id.split(".", 1)[0]
    if chapter in _CHAPTERS:
        ids = ", ".join(q.id for q in _CHAPTERS[chapter])
        raise UnknownQuestion(f"no question {question_id!r}; the {chapter} chapter has {ids}")
    raise UnknownQuestion(f"no question {question_id!r}: ids look like 'rank.1'; "
                          f"the chapters are {', '.join(_CHAPTERS)}")


def encode_answer(question_id: str, answer: Any, rng: np.random.Generator | None = None) -> dict:
    """The student's answer as plain data (JSON-able values and float arrays).

    Examples
    --------
    >>> encode_answer("rank.1", 4)
    {'status': 'answered', 'value': 4.0}
    >>> encode_answer("rank.1", ...)
    {'status': 'unanswered'}
    """
    return question(question_id).encode(answer, rng)


def judge_data(question_id: str, data: Mapping, reveal_expected: bool = True) -> Verdict:
    """Judge plain data from :func:`encode_answer`; never touches a student object.

    The grader passes ``reveal_expected=False``: its feedback never names the
    right output on a hidden test input.

    Examples
    --------
    >>> judge_data("rank.1", {"status": "answered", "value": 4.0})
    Verdict(passed=True, message='', status='passed')
    """
    return question(question_id).judge(data, reveal_expected)


_SYMBOL = {PASSED: "✅", UNANSWERED: "…", RECORDED: "📝"}
_COLOUR = {PASSED: "#1a7f37", UNANSWERED: "#6e7781", RECORDED: "#0969da"}


@dataclass(frozen=True)
class Result:
    """The outcome of one check; displays as one line.

    Attributes
    ----------
    question_id : str
    verdict : Verdict

    Examples
    --------
    >>> Result("rank.3", Verdict(False, "2 is not the rank of B"))
    ❌ rank.3: 2 is not the rank of B
    """

    question_id: str
    verdict: Verdict

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def message(self) -> str:
        return self.verdict.message

    def __str__(self) -> str:
        symbol = _SYMBOL.get(self.status, "❌")
        if self.status == PASSED:
            return f"{symbol} {self.question_id} passed"
        return f"{symbol} {self.question_id}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = _COLOUR.get(self.status, "#cf222e")
        return (f'<pre style="margin:0;white-space:pre-wrap;color:{colour}">'
                f"{html.escape(str(self))}</pre>")


def check(question_id: str, answer: Any) -> Result:
    """Check an answer to an exercise and say, in one line, whether it is right.

    Parameters
    ----------
    question_id : str
        The question's id, such as ``"rank.3"``.
    answer : object
        Your answer: a number, an array, a list of vectors, an option's
        letter, a function, or text. ``...`` means "not answered yet".

    Returns
    -------
    Result
        Shows ``✅ rank.3 passed``, ``❌ rank.3: <the first thing wrong>`` or
        ``… rank.3: not answered yet``.

    Examples
    --------
    >>> check("rank.3", 1)
    ✅ rank.3 passed
    >>> check("rank.3", 2)
    ❌ rank.3: B has 2 rows, but is the second one new information?
    >>> check("rank.3", ...)
    … rank.3: not answered yet
    """
    q = question(question_id)
    return Result(question_id, q.judge(q.encode(answer)))
