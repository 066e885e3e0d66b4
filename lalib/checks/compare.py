"""How a function question compares the student's output with the reference's.

A comparison is ``compare(got, expected) -> str | None``: None when they agree,
else a short phrase saying how they differ that never shows the expected value
("shape (3, 2), expected (2, 3)" is fine: the prompt states the shape). Outputs
are numbers (``int`` or ``float``) or float arrays.

Examples
--------
>>> import numpy as np
>>> up_to_column_signs()(np.array([[1.0, -2], [0, 1]]), np.array([[-1.0, -2], [0, 1]])) is None
True
>>> same_column_space()(np.array([[1.0], [1]]), np.array([[2.0], [0]]))
'its columns do not span the same space'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["Comparison", "exact", "allclose", "up_to_column_signs", "same_column_space"]

Comparison = Callable[[object, object], "str | None"]


def _shapes(got, expected) -> tuple[np.ndarray, np.ndarray, str | None]:
    g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return g, e, f"shape {g.shape}, expected {e.shape}"
    return g, e, None


def exact(got, expected) -> str | None:
    """Equal exactly (counts, ranks, dimensions).

    Examples
    --------
    >>> exact(2, 2.0) is None, exact(2, 3)
    (True, 'not right')
    """
    g, e, problem = _shapes(got, expected)
    return problem or (None if np.array_equal(g, e) else "not right")


def allclose(rtol: float = 1e-9) -> Comparison:
    """Equal within ``rtol`` times the size of the expected output (at least 1).

    When an array is off, the message names the first entry that is (row by
    row), so a student knows where to look; it never shows an expected value.

    Examples
    --------
    >>> allclose(1e-6)(1.0000001, 1.0) is None
    True
    >>> allclose()([[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.0, 4.0]])
    'not right: entry [1, 1] is the first that is off'
    """
    def compare(got, expected) -> str | None:
        g, e, problem = _shapes(got, expected)
        if problem:
            return problem
        scale = max(1.0, float(np.abs(e).max(initial=0.0)))
        off = np.argwhere(~(np.abs(g - e) <= rtol * scale))  # a NaN is off too
        if not len(off):
            return None
        if g.ndim == 0:
            return "not right"
        return f"not right: entry [{', '.join(str(int(i)) for i in off[0])}] is the first that is off"
    return compare


def up_to_column_signs(rtol: float = 1e-8) -> Comparison:
    """Equal after flipping the sign of whole columns (eigenvectors, singular vectors).

    Examples
    --------
    >>> up_to_column_signs()(np.eye(2), -np.eye(2)) is None
    True
    """
    def compare(got, expected) -> str | None:
        g, e, problem = _shapes(got, expected)
        if problem:
            return problem
        if g.ndim == 1:
            g, e = g[:, None], e[:, None]
        scale = max(1.0, float(np.abs(e).max(initial=0.0)))
        for j in range(g.shape[1]):
            if not (np.all(np.abs(g[:, j] - e[:, j]) <= rtol * scale)
                    or np.all(np.abs(g[:, j] + e[:, j]) <= rtol * scale)):
                return f"column {j + 1} is not right, even up to its sign"
        return None
    return compare


def same_column_space(rtol: float = 1e-8) -> Comparison:
    """The columns span the same subspace (a basis is judged by what it spans).

    Examples
    --------
    >>> same_column_space()(np.array([[1.0, 1], [0, 1], [0, 0]]), np.eye(3)[:, :2]) is None
    True
    """
    from lalib import linalg

    def compare(got, expected) -> str | None:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
        if g.ndim != 2 or g.shape[0] != e.shape[0]:
            return f"shape {g.shape}: its columns should have length {e.shape[0]}"
        return None if linalg.same_span(g, e, tol=rtol) else "its columns do not span the same space"
    return compare
