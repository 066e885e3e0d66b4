"""Exercise checks: ``check("rank.3", rank_B)`` gives one line of feedback.

A check is ``judge(encode(answer))``: :meth:`~lalib.checks.questions.Question.encode`
turns the student's answer into plain data, and
:meth:`~lalib.checks.questions.Question.judge` validates and judges that data
alone. A grader calls the same halves through :func:`encode_answer` (in the
student's sandboxed process) and :func:`judge_data` (in its own), so the
notebook and the grade can never disagree.

Each exercise set's questions live in one module, its *bank* and answer key
(``lalib.checks.rank`` for ``solutions/03-rank.ipynb``), with a function
``questions(variant=None)``. :data:`BANKS` maps each id prefix to its bank's
module, imported on first use: ``from lalib import check`` imports no bank,
and a broken bank breaks only its own questions. Add a set with one line there.
"""

from __future__ import annotations

import functools
import html
import importlib
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from lalib.checks.questions import FAILED, PASSED, RECORDED, UNANSWERED, Question, Verdict

__all__ = ["check", "Result", "BANKS", "QUESTIONS", "question", "bank", "encode_answer", "judge_data",
           "UnknownQuestion", "use_variant"]

#: Id prefix -> the module of its question bank (one line per exercise set).
BANKS: Mapping[str, str] = MappingProxyType({
    "rank": "lalib.checks.rank",
    "transformations": "lalib.checks.transformations",
    "foundations": "lalib.checks.foundations",
    "eigen": "lalib.checks.eigen",
    "basis": "lalib.checks.span_basis",
    "ortho": "lalib.checks.orthogonality",
    "calculus": "lalib.checks.calculus",
    "svd": "lalib.checks.svd",
    "pca": "lalib.checks.pca",
    "faces": "lalib.checks.faces",
    "recsys": "lalib.checks.recsys",
})


class UnknownQuestion(LookupError):
    """A question id that no bank defines."""

    def __str__(self) -> str:  # LookupError would show the message in quotes
        return str(self.args[0])


@functools.lru_cache(maxsize=64)
def bank(prefix: str, variant: int | None = None) -> Mapping[str, Question]:
    """The questions of one bank and variant, by id (imported and built on first use).

    Examples
    --------
    >>> list(bank("rank"))[:2]
    ['rank.1', 'rank.2']
    """
    if prefix not in BANKS:
        raise UnknownQuestion(f"no exercise set {prefix!r}; there are {', '.join(BANKS)}")
    module = importlib.import_module(BANKS[prefix])
    table: dict[str, Question] = {}
    for q in module.questions(variant):
        if not q.id.startswith(prefix + "."):
            raise RuntimeError(f"question {q.id!r} is filed under {prefix!r}")
        if q.id in table:
            raise RuntimeError(f"question id {q.id!r} is defined twice")
        table[q.id] = q
    return MappingProxyType(table)


class _AllQuestions(Mapping):
    """Every question of every bank (default variant), by id; a bank is loaded when first asked for."""

    def __getitem__(self, qid: str) -> Question:
        prefix = qid.split(".", 1)[0] if isinstance(qid, str) else None
        if prefix not in BANKS:
            raise KeyError(qid)
        return bank(prefix)[qid]

    def __iter__(self) -> Iterator[str]:
        for prefix in BANKS:
            yield from bank(prefix)

    def __len__(self) -> int:
        return sum(len(bank(prefix)) for prefix in BANKS)

    def __repr__(self) -> str:
        return f"<questions of the banks {', '.join(BANKS)}>"


#: Every question of every bank, by id, loaded lazily.
QUESTIONS: Mapping[str, Question] = _AllQuestions()


def question(question_id: str, variant: int | None = None) -> Question:
    """The question with this id (of one variant), or a clear error listing the valid ones.

    Examples
    --------
    >>> question("rank.1").kind
    'number'
    >>> question("rank.99")
    Traceback (most recent call last):
    ...
    lalib.checks.UnknownQuestion: no question 'rank.99'; the rank set has rank.1, rank.2, rank.3, rank.4,
    rank.5, rank.6, rank.7, rank.8, rank.9, rank.10, rank.11, rank.12, rank.13
    """
    if not isinstance(question_id, str):
        raise UnknownQuestion(f"the question id must be text such as 'rank.1', got {type(question_id).__name__}")
    prefix = question_id.split(".", 1)[0]
    if prefix not in BANKS:
        raise UnknownQuestion(f"no question {question_id!r}: ids look like 'rank.1'; "
                              f"the exercise sets are {', '.join(BANKS)}")
    questions = bank(prefix, variant)
    if question_id not in questions:
        raise UnknownQuestion(f"no question {question_id!r}; the {prefix} set has {', '.join(questions)}")
    return questions[question_id]


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
    """Validate and judge plain data from :func:`encode_answer`; never touches a student object.

    The grader passes ``reveal_expected=False``: its feedback never names the
    right output on a hidden test input.

    Examples
    --------
    >>> judge_data("rank.1", {"status": "answered", "value": 4.0})
    Verdict(passed=True, message='', status='passed')
    """
    return question(question_id).judge(data, reveal_expected)


_SYMBOL = {PASSED: "✅", UNANSWERED: "…", RECORDED: "📝", FAILED: "❌"}
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


#: Exercise set -> the variant seed its checks use in this kernel (see :func:`use_variant`).
_VARIANTS: dict[str, int] = {}


def use_variant(prefix: str, variant: int | None) -> None:
    """Make :func:`check` judge one exercise set's questions for one variant seed (None: the book's).

    A per-student notebook (``lalib assign --roster``) calls it in its first
    cell, so its checks judge the student's own numbers. The grader never
    reads it: it recomputes each student's seed from the roster and its secret.

    Examples
    --------
    >>> use_variant("rank", 12345); question("rank.9", 12345) is not question("rank.9")
    True
    >>> use_variant("rank", None)
    """
    if prefix not in BANKS:
        raise UnknownQuestion(f"no exercise set {prefix!r}; there are {', '.join(BANKS)}")
    if variant is None:
        _VARIANTS.pop(prefix, None)
        return
    if isinstance(variant, bool) or not isinstance(variant, int) or variant < 0:
        raise ValueError(f"variant must be a non-negative integer seed, got {variant!r}")
    _VARIANTS[prefix] = variant


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
    shown = question_id if isinstance(question_id, str) else repr(question_id)
    try:
        q = question(question_id, _VARIANTS.get(str(question_id).split(".", 1)[0]))
    except UnknownQuestion as exc:
        return Result(shown, Verdict(False, str(exc)))
    except Exception as exc:  # a broken bank: only its own questions say so
        return Result(shown, Verdict(False, f"the questions of this set could not be loaded "
                                            f"({type(exc).__name__}: {exc}); tell your instructor"))
    try:
        wrong_variable = _not_the_graded_variable(q, answer)
        if wrong_variable:
            return Result(question_id, Verdict(False, wrong_variable))
        data = q.encode(answer, time_limit=getattr(q, "time_limit", None))
        return Result(question_id, q.judge(data))
    except KeyboardInterrupt:
        return Result(question_id, Verdict(False, "the check was interrupted; run the cell again"))


def _main_namespace() -> dict:
    """The notebook's namespace: a kernel runs cells in ``__main__`` (no stack frames walked)."""
    main = sys.modules.get("__main__")
    return getattr(main, "__dict__", {}) if main is not None else {}


def _same_data(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_data(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and bool(np.array_equal(a, b)))
    return type(a) is type(b) and a == b


def _not_the_graded_variable(q: Question, answer: Any) -> str | None:
    """Why ``answer`` is not what the grader will read for ``q``, or None.

    The grader reads the question's answer variable from the notebook's
    namespace. In an interactive session (IPython defines ``get_ipython``
    there) the value checked must be that variable's value: the same object,
    or for plain answers the same data. Elsewhere (scripts, tests) a variable
    that is not defined is not held against the caller.
    """
    name = q.variable
    if not name:
        return None
    namespace = _main_namespace()
    hint = f"check({q.id!r}, ...) is graded from the variable {name}; assign your answer to {name} and run this cell"
    if name not in namespace:
        return f"{name} is not defined: {hint}" if "get_ipython" in namespace else None
    value = namespace[name]
    if value is answer:
        return None
    if not callable(answer) and not callable(value) and _same_data(q.encode(answer), q.encode(value)):
        return None
    return hint
