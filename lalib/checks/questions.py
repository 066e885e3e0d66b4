"""Question kinds: how an answer is turned into plain data, and how that data is judged.

Every question has two halves so that a student's notebook and the grader share
one code path:

``encode(answer, rng=None) -> dict``
    Runs where the student's objects live. It turns the answer into *plain
    data*: a dict of JSON-able values and numpy float arrays, never a student
    object. For a function question it calls the student's function on fresh
    random inputs and records the outputs. Anything that cannot be read as a
    plain number or array becomes an ``"invalid"`` record with a message.
``validate(data, seed=None) -> Verdict | None``
    The schema of that data once it has crossed into the grader (JSON, with
    arrays rebuilt as float64): None when it has exactly the shape this kind
    encodes, else a zero verdict. A function question also checks that its
    recorded seed is the one the grader chose.
``judge(data) -> Verdict``
    Pure: validates, then looks only at that plain data (and the question's
    own definition), so it can run in a process that student code never touches.

Each kind owns all three, so a new kind (or a subclass) is judged identically
in the notebook and in the grader.

The data always has a ``"status"``: ``"unanswered"`` (the answer is ``...``
or the function raises ``NotImplementedError``), ``"invalid"`` (with a
``"message"``) or ``"answered"`` (with a kind-specific ``"value"``).

Feedback names the *first* thing that is wrong and why, and never the
expected answer.
"""

from __future__ import annotations

import inspect
import math
import numbers
import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lalib import linalg
from lalib.checks import compare as _compare
from lalib.checks import forbidden as _forbidden
from lalib.checks import limits as _limits

__all__ = [
    "Verdict", "Question", "Number", "Choice", "Array", "Subspace", "Function", "Case", "FreeText",
    "PASSED", "FAILED", "UNANSWERED", "RECORDED", "MALFORMED", "expected_seed",
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


def _vector(v: np.ndarray, limit: int = 6) -> str:
    """A vector named by its values, ``(1, -2.5, 0)``; long ones are cut with an ellipsis."""
    shown = [f"{int(x)}" if float(x).is_integer() and abs(x) < 1e15 else _fmt(float(x)) for x in v[:limit]]
    return "(" + ", ".join(shown) + (", …" if len(v) > limit else "") + ")"


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
        n = len(answer)
        return None, f"{what} is a {_describe(answer)} of {n} item{'' if n == 1 else 's'}; give a single number"
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


MALFORMED = "the answer record is malformed"
MAX_MESSAGE = 1000  # characters of an "invalid" record's message the grader accepts


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def expected_seed(seed: int) -> int:
    """The seed a function question records when encoded with ``np.random.default_rng(seed)``.

    Examples
    --------
    >>> expected_seed(1) == expected_seed(1)
    True
    """
    return int(np.random.default_rng(seed).integers(0, 2**63 - 1))


@dataclass(frozen=True)
class Question:
    """Base of all question kinds: an id such as ``"rank.3"``, its points, and its answer variable.

    ``variable`` is the name the grader reads the answer from (``rank_B``):
    :func:`lalib.checks.check` refuses a value that is not that variable's.
    """

    id: str
    points: float = 1.0
    variable: str = ""

    kind = "question"

    def encode(self, answer: Any, rng: np.random.Generator | None = None, *,
               time_limit: float | None = None) -> dict:
        """Turn the student's answer into plain data (see the module docstring).

        ``time_limit`` (seconds) bounds the student's code a function question
        runs; the notebook's check sets it, the grader has its own cell limit.
        """
        if answer is Ellipsis:
            return _unanswered()
        return self._encode(answer, rng, time_limit) if self._takes_limit else self._encode(answer, rng)

    _takes_limit = False

    def validate(self, data: Any, seed: int | None = None) -> Verdict | None:
        """None when ``data`` has exactly the shape this kind encodes, else a zero verdict with the reason.

        ``seed`` is the seed the grader handed :meth:`encode`'s generator, when it chose one.

        Examples
        --------
        >>> Number("demo.0", expected=1).validate({"status": "answered", "value": "1"}).message
        'the answer record is malformed'
        >>> Number("demo.0", expected=1).validate({"status": "answered", "value": 1.0}) is None
        True
        """
        if not isinstance(data, Mapping) or data.get("status") not in (UNANSWERED, "invalid", "answered"):
            return Verdict(False, MALFORMED)
        if data["status"] == "invalid":
            message = data.get("message")
            return None if isinstance(message, str) and len(message) <= MAX_MESSAGE else Verdict(False, MALFORMED)
        if data["status"] == UNANSWERED:
            return None
        if "value" not in data or not self._valid_value(data["value"], seed):
            return Verdict(False, MALFORMED)
        return self._check_seed(data["value"], seed)

    def _valid_value(self, value, seed) -> bool:  # pragma: no cover - every kind overrides it
        return False

    def _check_seed(self, value, seed) -> Verdict | None:
        return None

    def screen_source(self, code: str) -> str | None:
        """Why ``code`` may not be used to answer this question, or None (only function questions forbid names)."""
        return None

    def judge(self, data: Mapping, reveal_expected: bool = True) -> Verdict:
        """Judge plain data produced by :meth:`encode` (validated first).

        ``reveal_expected=False`` keeps feedback from naming the right output
        on a generated test input (only function questions have those): the
        grader's setting, where those inputs are hidden.
        """
        problem = self.validate(data)
        if problem is not None:
            return problem
        if data["status"] == UNANSWERED:
            return Verdict(False, NOT_ANSWERED, UNANSWERED)
        if data["status"] == "invalid":
            return Verdict(False, data["message"])
        return self._judge(data["value"], reveal_expected)

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

    def _valid_value(self, value, seed) -> bool:
        return _is_number(value)

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
            return Verdict(False, MALFORMED)
        # Enough digits that 7.0001 is not shown as 7 (the feedback must not contradict the answer).
        shown = f"{int(value)}" if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"
        if self.integer and not value.is_integer():
            return Verdict(False, f"{name_cap(self.name)} is a whole number, but your answer is {value:.12g}")
        expected = float(self.expected)
        if self._close(value, expected):
            return Verdict(True)
        for wrong, why in self.mistakes.items():
            if self._close(value, float(wrong)):
                return Verdict(False, why)
        if not self.integer and abs(value - expected) <= 1e-2 * max(abs(expected), 1e-12):
            return Verdict(False, f"{shown} is close to {self.name} but not within the tolerance "
                                  f"({self.rtol:g} relative): keep more digits, or compute it exactly")
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

    def _valid_value(self, value, seed) -> bool:
        return isinstance(value, str) and len(value) <= 16

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

    def _valid_value(self, value, seed) -> bool:
        return isinstance(value, np.ndarray) and value.dtype == np.float64 and value.ndim <= 4

    def _encode(self, answer, rng):
        arr, problem = _read_array(answer)
        return _invalid(problem) if problem else _answered(arr)

    def _judge(self, value, reveal_expected=True):
        arr, problem = _read_array(value)
        if problem:
            return Verdict(False, MALFORMED)
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

    The orientation rule (state it in the prompt): a *list* holds one vector
    per item; a 2-D *NumPy array* holds them as columns, unless only its rows
    have the right length. A single vector is a basis of one vector. The
    checks, in order: the vectors live in the right space; each lies in the
    subspace; they are independent; there are enough of them. Feedback names a
    vector by its values, never by a position that depends on the orientation,
    and never states the subspace's dimension (often another question's answer).

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
    'your vectors are not independent: one of them is a combination of the others, so it is not needed'
    >>> q.judge(q.encode([[1, 3]])).message
    'the vector (1, 3) is not in the column space of B'
    """

    basis: Any = None
    name: str = "the subspace"
    matrix: Any = None
    matrix_name: str = "A"
    rtol: float = 1e-6

    kind = "subspace"

    def _valid_value(self, value, seed) -> bool:
        return isinstance(value, np.ndarray) and value.dtype == np.float64 and value.ndim == 2

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
            return Verdict(False, MALFORMED)
        n, k = V.shape
        space = linalg.column_space(np.asarray(self.basis, dtype=float))
        dim = space.shape[1]
        if n != self.ambient:
            return Verdict(False, f"your vectors have length {n}, but {self.name} lives in R^{self.ambient}")
        for i in range(k):
            v = V[:, i]
            length = float(np.linalg.norm(v))
            if length == 0.0:
                return Verdict(False, "your basis holds the zero vector; a basis never does")
            # Scale-invariant: how far v sits from the subspace, relative to its own length.
            off = float(np.linalg.norm(v - space @ (space.T @ v))) / length
            if off > self.rtol:
                if self.matrix is not None:
                    residual = np.asarray(self.matrix, dtype=float) @ v
                    return Verdict(False, f"the vector {_vector(v)} is not in {self.name}: {self.matrix_name} @ v "
                                          f"is not zero (largest entry {_fmt(float(np.abs(residual).max()))})")
                return Verdict(False, f"the vector {_vector(v)} is not in {self.name}")
        # Never state the dimension: it is the answer to other questions (a rank, a nullity).
        if k and linalg.rank(V / np.linalg.norm(V, axis=0)) < k:
            return Verdict(False, "your vectors are not independent: one of them is a combination of the others, "
                                  "so it is not needed")
        if k < dim:
            return Verdict(False, f"your vectors do not span all of {self.name}: it holds vectors that are not "
                                  "combinations of yours")
        if not linalg.same_span(V, space, tol=self.rtol):  # guards the steps above
            return Verdict(False, f"your vectors do not span {self.name}")
        return Verdict(True)


@dataclass(frozen=True)
class Case:
    """One input for a function question, with words to describe it in feedback.

    ``args`` are positional arguments and ``kwargs`` keyword arguments (a
    non-default ``tol``, say); ``description`` names the input without giving
    its answer (``"a 6×4 matrix built as a product of thin factors"``).
    """

    args: tuple
    description: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)


# Output kinds of a function question: what the prompt asks the function to return.
OUTPUTS = ("int", "float", "array")


def _parameter_name(fn, position: int) -> str:
    """The name of a function's positional parameter (for feedback), or "A" when it cannot be read."""
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        return params[position].name
    except (TypeError, ValueError, IndexError):
        return "A"


@dataclass(frozen=True)
class Function(Question):
    """A function the student writes, checked on fresh random inputs against a reference.

    ``encode`` draws a seed from the generator it is given, builds the cases
    from that seed with ``make_cases`` and records the student's outputs;
    ``judge`` rebuilds the same cases from the recorded seed (so it never
    trusts inputs sent back by student code) and compares with ``reference``.
    The seed is the generator's first draw (:func:`expected_seed`): a grader
    that hands ``encode`` a generator it seeded checks, in :meth:`validate`,
    that the recorded seed is the one it chose.

    While the student's function runs, the forbidden functions raise (and are
    refused in its source too); afterwards its inputs must be unchanged and
    its result must have the type the prompt asks for.

    Parameters
    ----------
    function_name : str
        The function's name, for feedback.
    make_cases : callable
        ``make_cases(seed: int) -> list[Case]``, deterministic in ``seed``.
    reference : callable
        The right function, called with each case's ``args`` and ``kwargs``.
    output : {"int", "float", "array"}
        What the function must return: an integer (compared exactly by
        default), a real number, or an array.
    compare : callable, optional
        ``compare(got, expected) -> str | None`` (see :mod:`lalib.checks.compare`):
        up to column signs, same column space, ... Default: exact for ``"int"``,
        within ``rtol`` otherwise.
    rtol : float
        Relative tolerance of the default comparison for real outputs.
    forbidden : sequence of str
        Qualified names (functions or modules) the answer may not use, such as
        ``"numpy.linalg.matrix_rank"``.
    diagnoses : sequence of (callable, str)
        Likely bugs: a function that has the bug, and what to say when the
        student's outputs match its outputs on every case. When none matches,
        feedback says only what failed.
    time_limit : float
        Seconds the student's function may run in all, in a notebook check.

    Examples
    --------
    >>> cases = lambda seed: [Case((np.eye(2),), "the 2×2 identity"), Case((np.zeros((2, 3)),), "a zero matrix")]
    >>> q = Function("demo.5", function_name="rank", make_cases=cases, reference=linalg.rank)
    >>> q.judge(q.encode(lambda A: linalg.rank(A))).passed
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
    output: str = "int"
    compare: Callable[[Any, Any], "str | None"] | None = None
    rtol: float = 1e-9
    forbidden: Sequence[str] = ()
    diagnoses: Sequence[tuple[Callable[..., Any], str]] = ()
    time_limit: float = 5.0

    kind = "function"
    _takes_limit = True

    def __post_init__(self):
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, got {self.output!r}")

    # --- the source: read, never run -------------------------------------------------
    def screen_source(self, code: str) -> str | None:
        """Why ``code`` may not answer this question (it uses a forbidden name), or None.

        ``code`` may be a whole notebook's code: when it defines the function
        at top level, only its last definition is screened (other cells may use
        anything); otherwise all of the code is.

        Examples
        --------
        >>> q = Function("demo.7", function_name="rank", forbidden=("numpy.linalg.matrix_rank",))
        >>> q.screen_source("def rank(A):\\n    return np.linalg.matrix_rank(A)")
        'your code uses numpy.linalg.matrix_rank, which this question forbids: do the computation yourself'
        >>> q.screen_source("r = np.linalg.matrix_rank(B)\\ndef rank(A):\\n    return 0") is None
        True
        """
        return _forbidden.screen_source(code, self.forbidden, within=self.function_name)

    def _screen_answer(self, answer) -> str | None:
        if not self.forbidden:
            return None
        named = _forbidden.forbidden_objects(self.forbidden).get(id(answer))
        if named:
            return f"your answer is {named} itself, which this question forbids: write the function yourself"
        try:
            code = inspect.getsource(answer)
        except (OSError, TypeError):  # no source to read: the run-time guard still applies
            return None
        return _forbidden.screen_source(code, self.forbidden, what=f"your function {self.function_name}",
                                        within=self.function_name)

    # --- encode: runs where the student's objects live --------------------------------
    def _read_output(self, out) -> tuple[Any, str | None]:
        if self.output == "array":
            if not isinstance(out, (np.ndarray, list, tuple)) or isinstance(out, (str, bytes)):
                return None, f"your function returned a {_describe(out)}; return a NumPy array"
            return _read_array(out, "your function's result")
        if self.output == "int":
            if isinstance(out, (bool, np.bool_)) or not isinstance(out, numbers.Integral):
                value, problem = _read_number(out, "your function's result")
                if problem:
                    return None, problem
                shown = f"{value:.12g}"
                return None, (f"your function returned {shown}, of type {_describe(out)}; "
                              "return a whole number as an int")
            return float(out), None
        return _read_number(out, "your function's result")

    def _encode(self, answer, rng, time_limit=None):
        if not callable(answer):
            return _invalid(f"your answer is of type {_describe(answer)}; give the function {self.function_name} "
                            "itself (its name, without parentheses)")
        refused = self._screen_answer(answer)
        if refused:
            return _invalid(refused)
        rng = np.random.default_rng() if rng is None else rng
        seed = int(rng.integers(0, 2**63 - 1))
        namespaces = [g] if isinstance(g := getattr(answer, "__globals__", None), dict) else []
        deadline = None if time_limit is None else time.monotonic() + time_limit
        outputs = []
        for case in self.make_cases(seed):
            args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case.args)
            where = f"on {case.description}" + (_kwargs_text(case.kwargs) if case.kwargs else "")
            try:
                # The student's warnings (division by zero, ...) would clutter the one-line feedback.
                with warnings.catch_warnings(), np.errstate(all="ignore"), \
                        _forbidden.blocked(self.forbidden, namespaces) as calls, \
                        _limits.time_limit(None if deadline is None else deadline - time.monotonic()):
                    warnings.simplefilter("ignore")
                    out = answer(*args, **dict(case.kwargs))
            except NotImplementedError:
                return _unanswered()
            except _limits.TimeLimitExceeded:
                return _invalid(f"your function did not finish within {time_limit:g} s ({where}): "
                                "is there a loop that never ends?")
            except KeyboardInterrupt:
                return _invalid(f"your function was interrupted while it ran ({where})")
            except Exception as exc:  # reported as one line, never a traceback
                if calls:
                    return _invalid(f"your function called {calls[0]}, which this question forbids: "
                                    "do the computation yourself")
                text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                return _invalid(f"your function raised {type(exc).__name__}"
                                + (f": {text[:200]}" if text else "") + f" ({where})")
            if calls:  # called, and the error swallowed
                return _invalid(f"your function called {calls[0]}, which this question forbids: "
                                "do the computation yourself")
            for position, (given, original) in enumerate(zip(args, case.args)):
                if isinstance(original, np.ndarray) and not (
                        isinstance(given, np.ndarray) and given.shape == original.shape
                        and np.array_equal(given, original, equal_nan=True)):
                    name = _parameter_name(answer, position)
                    return _invalid(f"your function changed the array it was given ({where}); work on a copy, "
                                    f"such as {name} = np.array({name}, dtype=float)")
            value, problem = self._read_output(out)
            if problem:
                return _invalid(f"{where}, {problem}")
            outputs.append(value)
        return _answered({"seed": seed, "outputs": outputs})

    # --- validate and judge: plain data only -----------------------------------------
    def _valid_value(self, value, seed) -> bool:
        if not (isinstance(value, Mapping) and set(value) == {"seed", "outputs"}
                and isinstance(value["seed"], int) and not isinstance(value["seed"], bool)
                and isinstance(value["outputs"], list) and len(value["outputs"]) <= 1000):
            return False
        if self.output == "array":
            return all(isinstance(x, np.ndarray) and x.dtype == np.float64 and x.ndim <= 4
                       for x in value["outputs"])
        return all(_is_number(x) for x in value["outputs"])

    def _check_seed(self, value, seed) -> Verdict | None:
        if seed is not None and value["seed"] != expected_seed(seed):
            return Verdict(False, "the function was not tested on the grader's inputs (the record was tampered with)")
        return None

    def _comparison(self):
        if self.compare is not None:
            return self.compare
        return _compare.exact if self.output == "int" else _compare.allclose(self.rtol)

    def _judge(self, value, reveal_expected=True):
        cases = self.make_cases(int(value["seed"]))
        outputs = value["outputs"]
        if len(outputs) != len(cases):
            return Verdict(False, MALFORMED)
        same = self._comparison()
        for case, got in zip(cases, outputs):
            expected = self.reference(*case.args, **dict(case.kwargs))
            problem = same(got, expected)
            if problem is None:
                continue
            where = f"on {case.description}" + (_kwargs_text(case.kwargs) if case.kwargs else "")
            if self.output == "array":
                text = f"{where}, your function's result is {problem}"
            else:
                verdict = f"but the right answer is {_number(float(expected))}" if reveal_expected \
                    else "which is not right"
                text = f"{where}, your function returned {_number(float(got))}, {verdict}"
            return Verdict(False, text + self._diagnose(cases, outputs))
        return Verdict(True)

    def _diagnose(self, cases, outputs) -> str:
        """What a likely bug would explain: one whose outputs the student's match on every case."""
        same = self._comparison()
        for buggy, why in self.diagnoses:
            try:
                if all(same(got, buggy(*c.args, **dict(c.kwargs))) is None for c, got in zip(cases, outputs)):
                    return f". {why}"
            except Exception:  # a diagnosis that does not apply to these inputs
                continue
        return ""


def _number(x: float) -> str:
    return f"{int(x)}" if x.is_integer() and abs(x) < 1e15 else _fmt(x)


def _kwargs_text(kwargs: Mapping[str, Any]) -> str:
    return " with " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


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

    def _valid_value(self, value, seed) -> bool:
        return isinstance(value, str)

    def _encode(self, answer, rng):
        if not isinstance(answer, str):
            return _invalid(f"your answer is of type {_describe(answer)}; write it as text between quotes")
        if not answer.strip():
            return _unanswered()
        return _answered(answer)

    def _judge(self, value, reveal_expected=True):
        if not isinstance(value, str):
            return Verdict(False, MALFORMED)
        words = len(value.split())
        return Verdict(False, f"recorded for your instructor ({words} word{'s' if words != 1 else ''})", RECORDED)

    def judge(self, data: Mapping, reveal_expected: bool = True) -> Verdict:
        verdict = super().judge(data, reveal_expected)
        if verdict.status == FAILED:  # free text is never failed: an unreadable answer is simply not recorded
            return Verdict(False, f"not recorded: {verdict.message}", UNANSWERED)
        return verdict
