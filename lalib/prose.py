"""Numbers, vectors, matrices and shapes formatted for the text of a chapter.

Every number in the book's prose is computed and glued into the text
(``myst_nb.glue``), never typed. These helpers decide, once for every chapter,
how such a value reads: a real minus sign (−2, not -2), no ``-0`` and no
trailing ``.0``, scientific notation as ``1.1 × 10⁻¹⁶``, shapes as ``8×4``.
They return plain strings; :func:`glue_md` glues one as Markdown for the
``{glue:md}`` role.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

import numpy as np
from numpy.typing import ArrayLike

from lalib.validation import is_integer

__all__ = ["MINUS", "TIMES", "number", "at_most", "vector", "matrix", "bmatrix", "linear_form", "shape", "space",
           "percent", "glue_md"]

MINUS = "\u2212"
TIMES = "\u00d7"
_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def _real(x, name: str) -> float:
    """The value of a real, finite scalar, or a named error."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x.item()
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    value = float(x)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def number(x: float, fmt: str = "") -> str:
    """A real number as the prose shows it.

    Parameters
    ----------
    x : float
        A real, finite number (Python or NumPy scalar).
    fmt : str, optional
        A format specification as for :func:`format`, e.g. ``".2f"``,
        ``".1e"`` or ``","``. The default shows integers without a decimal
        point and other values with ``"g"``.

    Returns
    -------
    str
        The number with a real minus sign (U+2212), never ``-0``; scientific
        formats read as ``1.1 × 10⁻¹⁶``.

    Raises
    ------
    TypeError
        If `x` is not a real number (a string, a complex number, a bool).
    ValueError
        If `x` is infinite or NaN.

    Examples
    --------
    >>> number(3.0), number(-2), number(0.25), number(-0.0)
    ('3', '−2', '0.25', '0')
    >>> number(2.220446049250313e-16, ".1e")
    '2.2 × 10⁻¹⁶'
    >>> number(-0.001, ".2f"), number(786432, ",")
    ('0.00', '786,432')
    """
    value = _real(x, "x") + 0.0          # + 0.0 turns -0.0 into 0.0
    if value.is_integer() and abs(value) < 1e16 and not re.search(r"[.eEfFgG%]", fmt):
        text = format(int(value), fmt)    # integers: no ".0", even with "," grouping
    else:
        text = format(value, fmt or "g")
    mantissa, sep, exponent = text.partition("e")
    if sep:
        text = f"{mantissa} {TIMES} 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    if text.startswith("-") and not re.search(r"[1-9]", mantissa):
        text = text[1:]                   # rounded to zero: no "-0.00"
    return text.replace("-", MINUS)


def at_most(x: float, fmt: str) -> str:
    """An upper bound on `x` as the prose shows it: `x` rounded *up* at the shown precision.

    Use it wherever the text says "at most", "within" or "up to": rounding
    to nearest could show a bound smaller than the value it bounds
    (0.0110 as "0.01").

    Parameters
    ----------
    x : float
        A real, finite number.
    fmt : str
        A fixed-point (``".2f"``) or scientific (``".1e"``) format
        specification; the last digit it shows is rounded towards +∞.

    Returns
    -------
    str
        The rounded-up value, formatted as :func:`number` formats it, so
        the number shown is never smaller than `x`.

    Raises
    ------
    ValueError
        If `fmt` is not of the form ``".Nf"`` or ``".Ne"``, or `x` is not finite.
    TypeError
        If `x` is not a real number.

    Examples
    --------
    >>> at_most(0.011016, ".2f"), at_most(0.011016, ".3f"), at_most(149.2, ".0f")
    ('0.02', '0.012', '150')
    >>> at_most(2.220446049250313e-15, ".0e"), at_most(9.96e-3, ".1e")
    ('3 × 10⁻¹⁵', '1.0 × 10⁻²')
    >>> at_most(0.25, ".2f")          # already exact at that precision: unchanged
    '0.25'
    """
    value = _real(x, "x")
    match = re.fullmatch(r"\.(\d+)([fe])", fmt)
    if not match:
        raise ValueError(f"fmt must be a fixed-point or scientific format such as '.2f' or '.1e', got {fmt!r}")
    digits, kind = int(match.group(1)), match.group(2)
    exact = Decimal(value)                # the exact value of the double
    if kind == "f":
        quantum = Decimal(1).scaleb(-digits)
    elif value == 0:
        return number(0.0, fmt)
    else:
        quantum = Decimal(1).scaleb(exact.adjusted() - digits)
    up = exact.quantize(quantum, rounding=ROUND_CEILING)
    return number(float(up), fmt)


def _array(A: ArrayLike, name: str, ndim: int) -> np.ndarray:
    arr = np.asarray(A)
    if arr.ndim != ndim:
        what = "a vector (1-D)" if ndim == 1 else "a matrix (2-D)"
        raise ValueError(f"{name} must be {what}, got an array of shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr


def vector(v: ArrayLike, fmt: str = "") -> str:
    """A vector as the prose shows it, e.g. ``(−2, 1, 0)``.

    Parameters
    ----------
    v : array_like, 1-D
        Real entries.
    fmt : str, optional
        Format for every entry, as in :func:`number`.

    Returns
    -------
    str
        The entries in parentheses, separated by ", ".

    Raises
    ------
    ValueError
        If `v` is not one-dimensional or holds a non-finite entry.
    TypeError
        If `v` does not hold real numbers.

    Examples
    --------
    >>> vector([-2.0, 1, 0])
    '(−2, 1, 0)'
    >>> vector([0.123456, -1.5], ".2f")
    '(0.12, −1.50)'
    """
    arr = _array(v, "v", 1)
    return "(" + ", ".join(number(x, fmt) for x in arr.tolist()) + ")"


def matrix(A: ArrayLike, fmt: str = "") -> str:
    """A small matrix for running text, row by row: ``[[1, 2], [−3, 4]]``.

    Parameters
    ----------
    A : array_like, 2-D
        Real entries.
    fmt : str, optional
        Format for every entry, as in :func:`number`.

    Returns
    -------
    str
        The rows in brackets, as a reader would type them into NumPy.

    Raises
    ------
    ValueError
        If `A` is not two-dimensional or holds a non-finite entry.

    Examples
    --------
    >>> matrix([[1, 2, 3], [2, 4, 6]])
    '[[1, 2, 3], [2, 4, 6]]'
    >>> matrix([[1.0, -0.5]])
    '[[1, −0.5]]'
    """
    arr = _array(A, "A", 2)
    return "[" + ", ".join("[" + ", ".join(number(x, fmt) for x in row) + "]" for row in arr.tolist()) + "]"


def bmatrix(A: ArrayLike, fmt: str = "") -> str:
    r"""A matrix as LaTeX for display math: ``\begin{bmatrix} ... \end{bmatrix}``.

    Parameters
    ----------
    A : array_like, 2-D
        Real entries.
    fmt : str, optional
        Format for every entry, as in :func:`number`.

    Returns
    -------
    str
        LaTeX source; minus signs are ASCII hyphens, which TeX typesets as minus.

    Raises
    ------
    ValueError
        If `A` is not two-dimensional or holds a non-finite entry.

    Examples
    --------
    >>> print(bmatrix([[1, -2], [0, 3]]))
    \begin{bmatrix} 1 & -2 \\ 0 & 3 \end{bmatrix}
    """
    arr = _array(A, "A", 2)
    rows = (" & ".join(number(x, fmt).replace(MINUS, "-") for x in row) for row in arr.tolist())
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def linear_form(coeffs: ArrayLike, var: str = "x", indices: Sequence[int] | None = None) -> str:
    r"""A linear combination as LaTeX for inline math: ``x_1 + 2x_2 - x_3``.

    Parameters
    ----------
    coeffs : array_like, 1-D
        Real coefficients; zero terms are left out, a coefficient of 1 or −1
        shows as a bare sign.
    var : str, optional
        The symbol, subscripted by the index of each term (``x_1``, ``a_2``).
    indices : sequence of int, optional
        The subscripts, one per coefficient; the default is 1, 2, ….

    Returns
    -------
    str
        LaTeX without the surrounding ``$``; ``0`` if every coefficient is zero.

    Raises
    ------
    ValueError
        If `coeffs` is not one-dimensional or `indices` has the wrong length.
    TypeError
        If `coeffs` does not hold real numbers.

    Examples
    --------
    >>> linear_form([1, 2, 3])
    'x_1 + 2x_2 + 3x_3'
    >>> linear_form([2, -1], "y"), linear_form([0, -1.5, 1], "a")
    ('2y_1 - y_2', '-1.5a_2 + a_3')
    >>> linear_form([2, -1], "a", indices=[2, 1])
    '2a_2 - a_1'
    """
    arr = _array(coeffs, "coeffs", 1)
    idx = list(range(1, arr.size + 1)) if indices is None else list(indices)
    if len(idx) != arr.size:
        raise ValueError(f"indices must have one entry per coefficient ({arr.size}), got {len(idx)}")
    terms = []
    for c, i in zip(arr.tolist(), idx):
        if c == 0:
            continue
        size = number(abs(c))
        sign = "-" if c < 0 else "+"
        sub = str(i) if len(str(i)) == 1 else "{" + str(i) + "}"
        terms.append((sign, ("" if size == "1" else size) + f"{var}_{sub}"))
    if not terms:
        return "0"
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    return text + "".join(f" {sign} {term}" for sign, term in terms[1:])


def shape(obj: ArrayLike | Sequence[int]) -> str:
    """The shape of an array, or a tuple of sizes, as ``8×4``.

    Parameters
    ----------
    obj : array or tuple of int
        Anything with a ``.shape`` (NumPy array, torch tensor), or the sizes
        themselves.

    Returns
    -------
    str
        The sizes joined by "×" (U+00D7), with no spaces.

    Raises
    ------
    ValueError
        If a size is negative or the shape is empty.
    TypeError
        If a size is not an integer.

    Examples
    --------
    >>> import numpy as np
    >>> shape(np.zeros((8, 4))), shape((1024, 768))
    ('8×4', '1024×768')
    """
    sizes = tuple(obj.shape) if hasattr(obj, "shape") else tuple(obj)
    if not sizes:
        raise ValueError("shape needs at least one size, got ()")
    for size in sizes:
        if not is_integer(size):
            raise TypeError(f"sizes must be integers, got {size!r} in {sizes}")
        if size < 0:
            raise ValueError(f"sizes must be non-negative, got {size} in {sizes}")
    return TIMES.join(str(int(size)) for size in sizes)


def space(n: int) -> str:
    """The real coordinate space of dimension `n` for plain text: ``ℝ³``.

    Parameters
    ----------
    n : int
        The dimension, a non-negative integer.

    Returns
    -------
    str
        "ℝ" followed by `n` in superscript digits (for prompts and feedback,
        where there is no math typesetting).

    Raises
    ------
    ValueError
        If `n` is negative.
    TypeError
        If `n` is not an integer.

    Examples
    --------
    >>> space(3), space(100)
    ('ℝ³', 'ℝ¹⁰⁰')
    """
    if not is_integer(n):
        raise TypeError(f"n must be an integer, got {n!r}")
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    return "\u211d" + str(int(n)).translate(_SUPERSCRIPT)


def percent(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.9`` reads ``90%``.

    Parameters
    ----------
    fraction : float
        The fraction (0.9 for ninety per cent), not the percentage.
    digits : int, optional
        Decimal places to show.

    Returns
    -------
    str
        ``100 * fraction`` rounded to `digits` places, followed by "%".

    Raises
    ------
    ValueError
        If `digits` is negative or `fraction` is not finite.

    Examples
    --------
    >>> percent(0.9), percent(0.0152, 1), percent(1)
    ('90%', '1.5%', '100%')
    """
    if not is_integer(digits) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    return number(100 * _real(fraction, "fraction"), f".{int(digits)}f") + "%"


def glue_md(name: str, text: str) -> None:
    """Glue `text` under `name` for the ``{glue:md}`` role, without displaying it.

    Parameters
    ----------
    name : str
        The glue key the chapter's text refers to.
    text : str
        Markdown, usually from :func:`number`, :func:`vector` or :func:`shape`.

    Raises
    ------
    TypeError
        If `text` is not a string (format it first, so every number reads
        the same way).

    Examples
    --------
    >>> glue_md("n_rows", shape((8, 4)))   # in a chapter: "a {glue:md}`n_rows` matrix"
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (format it with lalib.prose first), got {type(text).__name__}")
    # Imported here: only a chapter being built needs myst-nb and IPython.
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(text), display=False)
