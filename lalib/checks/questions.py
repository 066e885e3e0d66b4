"""Question kinds: how an answer is turned into plain data, and how that data is judged.

Every question has two halves so that a student's notebook and the grader share
one code path:

``encode(answer, rng=None) -> dict``
    Runs where the student's objects live. It turns the answer into *plain
    data*: a dict of JSON-able values and numpy float arrays, never a student
    object. For a function question it calls the student's function on fresh
    random inputs and records the outputs. Anything that cannot be read as a
    plain number or array becomes an ``"invalid"`` record with a message.
``judge(data) -> Verdict``
    Pure: looks only at that plain data (and the question's own definition),
    so it can run in a process that student code never touches.

The data always has a ``"status"``: ``"unanswered"`` (the answer is ``...``
or the function raises ``NotImplementedError``), ``"invalid"`` (with a
``"message"``) or ``"answered"`` (with a kind-specific ``"value"``).

Feedback names the *first* thing that is wrong and why, and never the
expected answer.
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lalib import linalg

__all__ = [
    "Verdict", "Question", "Number", "Choice", "Array", "Subspace", "Function", "Case", "FreeText",
    "PASSED", "FAILED", "UNANSWERED", "RECORDED",
]

PASSED, FAILED, UNANSWERED, RECORDED = "passed", "failed", "unanswered", "recorded"
NOT_ANSWERED = "not answered yet"


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer.

    Parameters
    ----------
    passed : bool
        Whether the answer is right. Never true for an unanswered or free-text question.
    message : str
        The first thing wrong, "not answered yet", or what was recorded; empty when passed.
    status : str
        ``"passed"``, ``"failed"``, ``"unanswered"`` or ``"recorded"`` (free text,
        neither passed nor failed). Derived from ``passed`` when omitted.

    Examples
    --------
    >>> Verdict(False, "shape (3, 2), expected (2, 3)").status
    'failed'
    """

    passed: bool
    message: str = ""
    status: str = ""

    def __post_init__(self):
        if not self.status:
            object.__setattr__(self, "status", PASSED if self.passed else FAILED)
        if self.status not in (PASSED, FAILED, UNANSWERED, RECORDED):
            raise ValueError(f"status must be passed, failed, unanswered or recorded, got {self.status!r}")
        if self.passed != (self.status == PASSED):
            raise ValueError(f"passed={self.passed} contradicts status={self.status!r}")


def _unanswered() -> dict:
    return {"status": UNANSWERED}


def _invalid(message: str) -> dict:
    return {"status": "invalid", "message": message}


def _answered(value) -> dict:
    return {"status": "answered", "value": value}


def _fmt(x: float) -> str:
    """A short, readable rendering of a float (3 significant digits)."""
    return f"{x:.3g}"


def _describe(obj) -> str:
    """Name a student object's type without calling anything on it."""
    return type(obj).__name__


def _read_number(answer, what: str = "your answer") -> tuple[float | None, str | None]:
    """Read a real number with ``float()``, refusing strings, bools, arrays and other objects."""
    if isinstance(answer, (bool, np.bool_)):
        return None, f"{what} is {answer}, a True/False value; give a number"
    if isinstance(answer, (str, bytes)):
        return None, f"{what} is the text {answer!r}; give a number, without quotes"
    if isinstance(answer, np.ndarray) and answer.shape != ():
        return None, f"{what} is an array of shape {answer.shape}; give a single number"
    if isinstance(answer, (list, tuple)):
        return None, f"{what} is a {_describe(answer)} of {len(answer)} items; give a single number"
    if isinstance(answer, complex) or np.iscomplexobj(answer):
        return None, f"{what} is a complex number; give a real number"
    try:
        value = float(answer)
    except Exception:  # any student object: report it, never a traceback
        return None, f"{what} is of type {_describe(answer)}, not a number"
    if math.isnan(value):
        return None, f"{what} contains NaN"
    if math.isinf(value):
        return None, f"{what} is infinite"
    return value, None


def _read_array(answer, what: str = "your answer") -> tuple[np.ndarray | None, str | None]:
    """Read a real float array with ``np.asarray(dtype=float)``, refusing object dtypes and NaN."""
    if isinstance(answer, (str, bytes)):
        return None, f"{what} is the text {answer!r}; give numbers, without quotes"
    try:
        raw = np.asarray(answer)
    except Exception:  # ragged lists and the like
        return None, f"{what} could not be read as an array: are its rows all the same length?"
    if raw.dtype == object:
        odd = next((x for x in raw.flat if not isinstance(x, (numbers.Real, np.number))), None)
        if odd is None or isinstance(odd, (list, tuple, np.ndarray)):
            return None, f"{what} could not be read as an array: are its rows all the same length?"
        return None, f"{what} holds an object of type {_describe(odd)}, not just plain numbers"
    if raw.dtype.kind in "US":
        return None, f"{what} holds text; give numbers, without quotes"
    if raw.dtype.kind == "b":
        return None, f"{what} holds True/False values; give numbers"
    if raw.dtype.kind == "c":
        return None, f"{what} holds complex numbers; give real numbers"
    try:
        arr = np.asarray(raw, dtype=float)
    except Exception:
        return None, f"{what} is of type {_describe(answer)}, not an array of numbers"
    if np.isnan(arr).any():
        return None, f"{what} contains NaN"
    if np.isinf(arr).any():
        return None, f"{what} contains infinity"
    return np.array(arr, dtype=float), None  # a copy: the student keeps no handle on it


def _status_verdict(data) -> Verdict | None:
    """The verdict for data that is not a usable answer, or None to go on judging."""
    if not isinstance(data, Mapping) or data.get("status") not in (UNANSWERED, "invalid", "answered"):
        return Verdict(False, "the answer record is malformed")
    if data["status"] == UNANSWERED:
        return Verdict(False, NOT_ANSWERED, UNANSWERED)
    if data["status"] == "invalid":
        return Verdict(False, str(data.get("message", "your answer could not be read")))
    if "value" not in data:
        return Verdict(False, "the answer record is malformed")
    return None


@dataclass(frozen=True)
class Question:
    """Base of all question kinds: an id such as ``"rank.3"`` and its points."""

    id: str
    points: float = 1.0

    kind = "question"

    def encode(self, answer: Any, rng: np.random.Generator | None = None) -> dict:
        """Turn the student's answer into plain data (see the module docstring)."""
        if answer is Ellipsis:
            return _unanswered()
        return self._encode(answer, rng)

    def judge(self, data: Mapping, reveal_expected: bool = True) -> Verdict:
        """Judge plain data produced by :meth:`encode`.

        ``reveal_expected=False`` keeps feedback from naming the right output
        on a generated test input (only function questions have those): the
        grader's setting, where those inputs are hidden.
        """
        early = _status_verdict(data)
        return early if early is not None else self._judge(data["value"], reveal_expected)

    def _encode(self, answer, rng):  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def _judge(self, value, reveal_expected=True):  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Question):
    """A single real number, exact for integers or within a tolerance scaled to the problem.

    Parameters
    ----------
    expected : float
        The right value.
    name : str
        What the number is, used in feedback: ``"the rank of A"``.
    integer : bool
        The answer must be a whole number and match exactly (a rank, a dimension).
    rtol : float
        Relative tolerance for real answers.
    scale : float, optional
        The size of the problem's numbers: the absolute tolerance is ``rtol * scale``
        (default ``max(1, |expected|)``).
    mistakes : mapping of float to str
        Feedback for common wrong values, saying why they are wrong.

    Examples
    --------
    >>> q = Number("demo.1", expected=4, name="the rank of A", integer=True,
    ...            mistakes={6: "6 counts the columns, not the independent ones"})
    >>> q.judge(q.encode(4.0)).passed
    True
    >>> q.judge(q.encode(6)).message
    '6 counts the columns, not the independent ones'
    >>> q.judge(q.encode(5)).message
    '5 is not the rank of A'
    """

    expected: float = 0.0
    name: str = "the answer"
    integer: bool = False
    rtol: float = 1e-6
    scale: float | None = None
    mistakes: Mapping[float, str] = field(default_factory=dict)

    kind = "number"

    def _encode(self, answer, rng):
        value, problem = _read_number(answer)
        return _invalid(problem) if problem else _answered(value)

    def _close(self, a: float, b: float) -> bool:
        if self.integer:
            return a == b
        scale = self.scale if self.scale is not None else max(1.0, abs(self.expected))
        return abs(a - b) <= self.rtol * scale

    def _judge(self, value, reveal_expected=True):
        value, problem = _read_number(value)
        if problem:
            return Verdict(False, "the answer record is malformed")
        shown = f"{int(value)}" if value.is_integer() and abs(value) < 1e15 else _fmt(value)
        if self.integer and not value.is_integer():
            return Verdict(False, f"{name_cap(self.name)} is a whole number, but your answer is {value:.12g}")
        if self._close(value, float(self.expected)):
            return Verdict(True)
        for wrong, why in self.mistakes.items():
            if self._close(value, float(wrong)):
                return Verdict(False, why)
        return Verdict(False, f"{shown} is not {self.name}")


def name_cap(text: str) -> str:
    """Capitalise the first letter only: ``"the rank of A"`` -> ``"The rank of A"``."""
    return text[:1].upper() + text[1:]


def _normalise_text(text: str) -> str:
    """Lower case, no spaces, no TeX or bracket decoration: ``"$\\{(1, 2)\\}$"`` -> ``"1,2"``."""
    text = text.lower().replace("\\left", "").replace("\\right", "")
    return re.sub(r"[\s$\\{}()\[\]]", "", text)


@dataclass(frozen=True)
class Choice(Question):
    """Multiple choice, judged by option: accepts the letter (``"B"``, ``"b"``, ``"(B)"``) or the option's text.

    Parameters
    ----------
    options : sequence of str
        The options, lettered A, B, C, ... in order.
    answer : str
        The right option's letter.
    hints : mapping of str to str
        For wrong options (by letter): why they are wrong.

    Examples
    --------
    >>> q = Choice("demo.2", options=["{(1, 2), (2, 4)}", "{(1, 2), (2, 3)}"], answer="B",
    ...            hints={"A": "(2, 4) is twice (1, 2)"})
    >>> q.judge(q.encode("b")).passed, q.judge(q.encode("{(1,2),(2,3)}")).passed
    (True, True)
    >>> q.judge(q.encode("A")).message
    'A is not right: (2, 4) is twice (1, 2)'
    >>> q.judge(q.encode("E")).message
    "'E' is not one of the options A, B"
    """

    options: Sequence[str] = ()
    answer: str = "A"
    hints: Mapping[str, str] = field(default_factory=dict)

    kind = "choice"

    def __post_init__(self):
        if len(self.options) < 2:
            raise ValueError(f"options must hold at least 2 choices, got {len(self.options)}")
        if self.answer not in self.letters:
            raise ValueError(f"answer must be one of the letters {', '.join(self.letters)}, got {self.answer!r}")
        bad = [k for k in self.hints if k not in self.letters or k == self.answer]
        if bad:
            raise ValueError(f"hints must be keyed by letters of wrong options, got {bad}")

    @property
    def letters(self) -> list[str]:
        return [chr(ord("A") + i) for i in range(len(self.options))]

    def _encode(self, answer, rng):
        if not isinstance(answer, str):
            return _invalid(f"your answer is of type {_describe(answer)}; give the option's letter as text, "
                            'such as "A"')
        letter = answer.strip().strip("().:").strip().upper()
        if letter in self.letters:
            return _answered(letter)
        wanted = _normalise_text(answer)
        for option_letter, text in zip(self.letters, self.options):
            if wanted and wanted == _normalise_text(text):
                return _answered(option_letter)
        return _invalid(f"{answer!r} is not one of the options {', '.join(self.letters)}")

    def _judge(self, value, reveal_expected=True):
        if value not in self.letters:
            return Verdict(False, f"{value!r} is not one of the options {', '.join(self.letters)}")
        if value == self.answer:
            return Verdict(True)
        hint = self.hints.get(value)
        return Verdict(False, f"{value} is not right" + (f": {hint}" if hint else ""))


# A pure condition on a (validated, right-shaped) array: None when it holds, else the message.
Condition = Callable[[np.ndarray], "str | None"]


@dataclass(frozen=True)
class Array(Question):
    """An array judged by shape first, then by its values or by conditions it must satisfy.

    Give ``expected`` when the answer is unique (values compared with a
    tolerance scaled to its size), or ``conditions`` when many arrays are right
    (a null-space vector, a matrix built to a specification): each condition is
    a pure function of the array returning ``None`` or what is wrong.

    Parameters
    ----------
    shape : tuple of int
        The required shape. A vector of shape ``(n,)`` may also be given as a
        column ``(n, 1)`` or a row ``(1, n)``.
    expected : array_like, optional
        The unique right answer.
    conditions : sequence of callables
        Checked in order after the shape; the first failure is reported.
    labels : sequence of str, optional
        Names of the entries of a vector answer, for feedback.
    rtol : float
        Relative tolerance (times ``max(1, max|expected|)``).
    integer : bool
        Entries must match exactly (dimensions, counts).

    Examples
    --------
    >>> q = Array("demo.3", shape=(2, 3), expected=[[1, 0, 0], [0, 1, 0]])
    >>> q.judge(q.encode(np.eye(3, 2))).message
    'shape (3, 2), expected (2, 3)'
    >>> q.judge(q.encode([[1, 0, 0], [0, 1., 0]])).passed
    True
    >>> q.judge(q.encode([[1, 0, 0], [0, 2, 0]])).message
    'entry [1, 1] is not right'
    """

    shape: tuple[int, ...] = ()
    expected: Any = None
    conditions: Sequence[Condition] = ()
    labels: Sequence[str] | None = None
    rtol: float = 1e-6
    integer: bool = False

    kind = "array"

    def _encode(self, answer, rng):
        arr, problem = _read_array(answer)
        return _invalid(problem) if problem else _answered(arr)

    def _judge(self, value, reveal_expected=True):
        arr, problem = _read_array(value)
        if problem:
            return Verdict(False, "the answer record is malformed")
        shape = tuple(self.shape)
        if len(shape) == 1 and arr.shape in ((shape[0], 1), (1, shape[0])):
            arr = arr.reshape(shape)  # a column or row vector is the same vector
        if arr.shape != shape:
            return Verdict(False, f"shape {arr.shape}, expected {shape}")
        if self.expected is not None:
            expected = np.asarray(self.expected, dtype=float)
            if self.integer:
                wrong = arr != expected
            else:
                tol = self.rtol * max(1.0, float(np.abs(expected).max(initial=0.0)))
                wrong = np.abs(arr - expected) > tol
            if wrong.any():
                first = tuple(int(i) for i in np.argwhere(wrong)[0])
                if self.labels is not None and len(shape) == 1:
                    where = self.labels[first[0]]
                else:
                    where = "entry " + (str(first[0]) if len(first) == 1 else str(list(first)))
                others = int(wrong.sum()) - 1
                tail = f" (and {others} other{'s' if others > 1 else ''})" if others else ""
                return Verdict(False, f"{where} is not right{tail}")
        for condition in self.conditions:
            message = condition(arr)
            if message:
                return Verdict(False, message)
        return Verdict(True)


@dataclass(frozen=True)
class Subspace(Question):
    """A basis of a subspace, judged by the space it spans.

    The student may give a 2-D array whose *columns* are the basis vectors, a
    list of vectors (one per item), or a single vector; an array whose rows,
    not columns, have the right length is read as rows. The checks, in order: the vectors
    live in the right space; each lies in the subspace; there are not more of
    them than its dimension; they are independent; there are enough of them.

    Parameters
    ----------
    basis : array_like, shape (n, k)
        Columns spanning the subspace (any basis).
    name : str
        What the subspace is, used in feedback: ``"the null space of B"``.
    matrix : array_like, optional
        When the subspace is the null space of ``matrix``, membership feedback
        reports the residual ``matrix @ v``.
    matrix_name : str
        How to name ``matrix`` in feedback.
    rtol : float
        How far (relative to its length) a vector may sit from the subspace.

    Examples
    --------
    >>> q = Subspace("demo.4", basis=[[1], [2]], name="the column space of B")
    >>> q.judge(q.encode([[3], [6]])).passed
    True
    >>> q.judge(q.encode([[1, 2], [2, 4]])).message
    'your basis has 2 vectors, but the column space of B has dimension 1'
    """

    basis: Any = None
    name: str = "the subspace"
    matrix: Any = None
    matrix_name: str = "A"
    rtol: float = 1e-6

    kind = "subspace"

    @property
    def ambient(self) -> int:
        return int(np.asarray(self.basis, dtype=float).shape[0])

    def _encode(self, answer, rng):
        n = self.ambient
        if isinstance(answer, (list, tuple)) and len(answer) == 0:
            return _answered(np.zeros((n, 0)))
        arr, problem = _read_array(answer)
        if problem:
            return _invalid(problem)
        if arr.ndim == 3 and arr.shape[2] == 1:  # a list of column vectors
            arr = arr[:, :, 0]
        if arr.ndim == 1:
            return _answered(arr.reshape(-1, 1))
        if arr.ndim != 2:
            return _invalid(f"your answer has shape {arr.shape}; give a matrix whose columns are the basis")
        # A list holds one vector per item; an array holds them as columns. When only the other
        # reading gives vectors of the right length, take that one.
        rows_fit, columns_fit = arr.shape[1] == n, arr.shape[0] == n
        if isinstance(answer, (list, tuple)):
            arr = arr if columns_fit and not rows_fit else arr.T
        elif (rows_fit and not columns_fit) or (arr.shape[0] == 1 and not columns_fit):
            arr = arr.T  # vectors given as rows, or a single row vector
        return _answered(arr)

    def _judge(self, value, reveal_expected=True):
        V, problem = _read_array(value)
        if problem or V.ndim != 2:
            return Verdict(False, "the answer record is malformed")
        n, k = V.shape
        space = linalg.column_space(np.asarray(self.basis, dtype=float))
        dim = space.shape[1]
        if n != self.ambient:
            return Verdict(False, f"your vectors have length {n}, but {self.name} lives in R^{self.ambient}")
        for i in range(k):
            v = V[:, i]
            length = float(np.linalg.norm(v))
            if length == 0.0:
                return Verdict(False, f"vector {i + 1} of your basis is zero; a basis never holds the zero vector")
            off = float(np.linalg.norm(v - space @ (space.T @ v))) / length
            if off > self.rtol:
                if self.matrix is not None:
                    residual = np.asarray(self.matrix, dtype=float) @ v
                    return Verdict(False, f"vector {i + 1} is not in {self.name}: {self.matrix_name} @ v is not zero "
                                          f"(largest entry {_fmt(float(np.abs(residual).max()))})")
                return Verdict(False, f"vector {i + 1} is not in {self.name}")
        s = 's' if k != 1 else ''
        if k > dim:
            return Verdict(False, f"your basis has {k} vector{s}, but {self.name} has dimension {dim}")
        if k and linalg.rank(V / np.linalg.norm(V, axis=0)) < k:
            return Verdict(False, "your vectors are not independent: one of them is a combination of the others")
        if k < dim:
            return Verdict(False, f"your basis has {k} vector{s}, but {self.name} has dimension {dim}: "
                                  "they do not span all of it")
        if not linalg.same_span(V, space, tol=self.rtol):  # guards the steps above
            return Verdict(False, f"your vectors do not span {self.name}")
        return Verdict(True)


@dataclass(frozen=True)
class Case:
    """One input for a function question, with words to describe it in feedback.

    ``args`` are positional arguments; ``description`` names the input without
    giving its answer (``"a 6×4 matrix built as a product of thin factors"``);
    ``hint`` says what it is there to test.
    """

    args: tuple
    description: str
    hint: str = ""


@dataclass(frozen=True)
class Function(Question):
    """A function the student writes, checked on fresh random inputs against a reference.

    ``encode`` draws a seed from the generator it is given, builds the cases
    from that seed with ``make_cases`` and records the student's outputs;
    ``judge`` rebuilds the same cases from the recorded seed (so it never
    trusts inputs sent back by student code) and compares with ``reference``.
    The seed is the generator's first draw, ``int(rng.integers(0, 2**63 - 1))``:
    a grader that hands ``encode`` a generator it seeded can recompute it and
    check that the recorded seed is the one it chose.

    Parameters
    ----------
    function_name : str
        The function's name, for feedback.
    make_cases : callable
        ``make_cases(seed: int) -> list[Case]``, deterministic in ``seed``.
    reference : callable
        The right function, called with each case's ``args``.
    integer : bool
        Outputs are whole numbers compared exactly; otherwise within ``rtol``.
    rtol : float
        Relative tolerance for real outputs.

    Examples
    --------
    >>> cases = lambda seed: [Case((np.eye(2),), "the 2×2 identity"), Case((np.zeros((2, 3)),), "a zero matrix")]
    >>> q = Function("demo.5", function_name="rank", make_cases=cases, reference=linalg.rank)
    >>> q.judge(q.encode(lambda A: np.linalg.matrix_rank(A))).passed
    True
    >>> q.judge(q.encode(lambda A: min(A.shape))).message
    'on a zero matrix, your function returned 2, but the right answer is 0'
    >>> def broken(A):
    ...     raise ValueError("not square")
    >>> q.judge(q.encode(broken)).message
    'your function raised ValueError: not square (on the 2×2 identity)'
    """

    function_name: str = "f"
    make_cases: Callable[[int], list[Case]] | None = None
    reference: Callable[..., Any] | None = None
    integer: bool = True
    rtol: float = 1e-9

    kind = "function"

    def _encode(self, answer, rng):
        if not callable(answer):
            return _invalid(f"your answer is of type {_describe(answer)}; give the function {self.function_name} "
                            "itself (its name, without parentheses)")
        rng = np.random.default_rng() if rng is None else rng
        seed = int(rng.integers(0, 2**63 - 1))
        outputs = []
        for case in self.make_cases(seed):
            args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case.args)
            try:
                # The student's warnings (division by zero, ...) would clutter the one-line feedback.
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    out = answer(*args)
            except NotImplementedError:
                return _unanswered()
            except Exception as exc:  # reported as one line, never a traceback
                text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                return _invalid(f"your function raised {type(exc).__name__}"
                                + (f": {text[:200]}" if text else "") + f" (on {case.description})")
            value, problem = _read_number(out, "your function's result")
            if problem:
                return _invalid(f"on {case.description}, {problem}")
            if self.integer and not value.is_integer():
                return _invalid(f"on {case.description}, your function returned {value:.12g}, "
                                "which is not a whole number")
            outputs.append(value)
        return _answered({"seed": seed, "outputs": outputs})

    def _judge(self, value, reveal_expected=True):
        if (not isinstance(value, Mapping) or not isinstance(value.get("seed"), numbers.Integral)
                or not isinstance(value.get("outputs"), (list, tuple))):
            return Verdict(False, "the answer record is malformed")
        cases = self.make_cases(int(value["seed"]))
        outputs = value["outputs"]
        if len(outputs) != len(cases):
            return Verdict(False, "the answer record is malformed")
        for case, got in zip(cases, outputs):
            got, problem = _read_number(got)
            if problem:
                return Verdict(False, "the answer record is malformed")
            expected = float(self.reference(*case.args))
            ok = got == expected if self.integer else abs(got - expected) <= self.rtol * max(1.0, abs(expected))
            if not ok:
                shown = f"{int(got)}" if got.is_integer() else _fmt(got)
                right = f"{int(expected)}" if expected.is_integer() else _fmt(expected)
                verdict = f"but the right answer is {right}" if reveal_expected else "which is not right"
                return Verdict(False, f"on {case.description}, your function returned {shown}, {verdict}"
                               + (f"; {case.hint}" if case.hint else ""))
        return Verdict(True)


@dataclass(frozen=True)
class FreeText(Question):
    """A written answer, recorded for an instructor to read: never passed or failed.

    Examples
    --------
    >>> q = FreeText("demo.6")
    >>> q.judge(q.encode("The data has only five independent directions.")).message
    'recorded for your instructor (7 words)'
    >>> q.judge(q.encode("  ")).status
    'unanswered'
    """

    kind = "free-text"

    def _encode(self, answer, rng):
        if not isinstance(answer, str):
            return _invalid(f"your answer is of type {_describe(answer)}; write it as text between quotes")
        if not answer.strip():
            return _unanswered()
        return _answered(answer)

    def _judge(self, value, reveal_expected=True):
        if not isinstance(value, str):
            return Verdict(False, "the answer record is malformed")
        words = len(value.split())
        return Verdict(False, f"recorded for your instructor ({words} word{'s' if words != 1 else ''})", RECORDED)

    def judge(self, data: Mapping, reveal_expected: bool = True) -> Verdict:
        verdict = super().judge(data, reveal_expected)
        if verdict.status == FAILED:  # free text is never failed: an unreadable answer is simply not recorded
            return Verdict(False, f"not recorded: {verdict.message}", UNANSWERED)
        return verdict
