"""Self-check questions for readers: multiple choice and numeric answers.

Judged in the page by ``self_check.js``, so they work in the static book; the
reader's attempts sync back to Python in JupyterLab. (Graded exercises are a
different thing: see :mod:`lalib.checks`.)
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence

import traitlets as t

from lalib.widgets.base import BookWidget

__all__ = ["MultipleChoice", "NumericAnswer"]


class _SelfCheck(BookWidget):
    _js_files = ("self_check.js",)

    kind = t.Unicode().tag(sync=True)
    prompt = t.Unicode().tag(sync=True)
    explanation = t.Unicode().tag(sync=True)
    # What the reader did, synced back from the page.
    attempts = t.Int(0).tag(sync=True)
    solved = t.Bool(False).tag(sync=True)
    last_answer = t.Unicode("").tag(sync=True)


_INLINE_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")


def _text(value, name: str) -> str:
    """Validate a piece of question text; ``$x$`` becomes ``\\(x\\)``, the inline
    math delimiter the book's MathJax reads (it does not treat ``$`` as math)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return _INLINE_MATH.sub(r"\\(\1\\)", value).replace("\\$", "$")


class MultipleChoice(_SelfCheck):
    """A multiple-choice question with an explanation and per-option hints.

    Parameters
    ----------
    prompt : str
        The question (inline math in ``$...$`` is typeset where MathJax is present).
    options : sequence of str
        At least two options, shown as A, B, C, ...
    answer : int
        Index of the right option.
    explanation : str
        Shown once the reader picks the right option.
    hints : mapping of int to str, optional
        Why a wrong option is wrong, shown when the reader picks it.

    Examples
    --------
    >>> q = MultipleChoice("Rank of the 2×2 identity?", ["1", "2"], answer=1,
    ...                    explanation="Its two columns are independent.", hints={0: "Count pivots."})
    >>> q.options, q.answer
    (['1', '2'], 1)
    """

    options = t.List(t.Unicode()).tag(sync=True)

    @classmethod
    def example(cls) -> MultipleChoice:
        """A two-option question.

        Examples
        --------
        >>> MultipleChoice.example().answer
        1
        """
        return cls("Rank of the 2×2 identity?", ["1", "2"], answer=1, explanation="Two independent columns.")
    answer = t.Int().tag(sync=True)
    hints = t.Dict(value_trait=t.Unicode()).tag(sync=True)

    def __init__(self, prompt: str, options: Sequence[str], answer: int, explanation: str,
                 hints: Mapping[int, str] | None = None):
        opts = [_text(o, "each option") for o in options]
        if len(opts) < 2:
            raise ValueError(f"options must hold at least 2 choices, got {len(opts)}")
        if not isinstance(answer, int) or not 0 <= answer < len(opts):
            raise ValueError(f"answer must be an option index from 0 to {len(opts) - 1}, got {answer!r}")
        hints = dict(hints or {})
        bad = [k for k in hints if not isinstance(k, int) or not 0 <= k < len(opts) or k == answer]
        if bad:
            raise ValueError(f"hints must be keyed by indices of wrong options, got {bad}")
        super().__init__(kind="choice", prompt=_text(prompt, "prompt"), options=opts, answer=answer,
                         explanation=_text(explanation, "explanation"),
                         hints={str(k): _text(v, "each hint") for k, v in hints.items()})


def _finite_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


class NumericAnswer(_SelfCheck):
    """A question whose answer is a number or a vector, accepted within a relative tolerance.

    The page reads what the reader types strictly: ``2``, ``-0.5``, ``1e-3``,
    fractions such as ``1/2``, decimal commas such as ``2,5``, and for a
    vector answer ``(1, 2)``, ``[1, 2]`` or ``1, 2``. Anything else ("1abc",
    "2 apples") gets a message saying what could not be read, never a guess.
    A wrong answer gets a hint by the kind of mistake (the sign, a power of
    ten, a fraction upside down, a vector with the right direction but the
    wrong length, too few digits) before the author's ``hint``.

    Parameters
    ----------
    prompt, explanation : str
        As for :class:`MultipleChoice`.
    answer : float or sequence of float
        The right number, or the right vector.
    tol : float
        Accept ``|given - answer| <= tol * max(1, |answer|)`` (for a vector,
        in each component, with the largest ``|answer_i|``); 0 for exact.
    hint : str, optional
        Shown after a wrong answer.

    Examples
    --------
    >>> NumericAnswer("Nullity of a 6×6 matrix of rank 4?", answer=2, explanation="6 − 4 = 2.").answer
    2.0
    >>> NumericAnswer("A vector in N(A)?", answer=(-2, 1), explanation="A(−2, 1) = 0.").answer
    [-2.0, 1.0]
    """

    answer = t.Union([t.Float(), t.List(t.Float())]).tag(sync=True)

    @classmethod
    def example(cls) -> NumericAnswer:
        """A question whose answer is 2.

        Examples
        --------
        >>> NumericAnswer.example().answer
        2.0
        """
        return cls("Nullity of a 6×6 matrix of rank 4?", answer=2, explanation="6 − 4 = 2.")
    tol = t.Float(0.0).tag(sync=True)
    hint = t.Unicode("").tag(sync=True)

    def __init__(self, prompt: str, answer: float | Sequence[float], explanation: str, tol: float = 0.0,
                 hint: str = ""):
        if hasattr(answer, "__array__") and getattr(answer, "ndim", 1) == 0:
            answer = answer.item()  # a NumPy scalar is a number
        if isinstance(answer, Sequence) and not isinstance(answer, str) or hasattr(answer, "__array__"):
            values = list(answer.tolist() if hasattr(answer, "tolist") else answer)
            if not values or not all(_finite_number(x) for x in values):
                raise ValueError(f"answer must be a finite number or a non-empty vector of finite numbers, got {answer!r}")
            answer = [float(x) for x in values]
        elif _finite_number(answer):
            answer = float(answer)
        else:
            raise ValueError(f"answer must be a finite number or a non-empty vector of finite numbers, got {answer!r}")
        if not _finite_number(tol) or tol < 0:
            raise ValueError(f"tol must be a non-negative number, got {tol!r}")
        if not isinstance(hint, str):
            raise TypeError(f"hint must be a string, got {type(hint).__name__}")
        super().__init__(kind="number", prompt=_text(prompt, "prompt"), answer=answer, tol=float(tol),
                         explanation=_text(explanation, "explanation"), hint=hint)
