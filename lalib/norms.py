"""Sizes and angles of vectors and matrices: the p-norms, the Frobenius norm, unit balls.

Chapter 1 (*Scalars, vectors, matrices, tensors*) and its vector playground
use these. Each function validates its input and names the bad argument; the
results agree with :func:`numpy.linalg.norm` and :func:`torch.linalg.vector_norm`
(see ``tests/test_foundations_norms.py``).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from lalib.validation import as_matrix, as_vector, check_int

__all__ = ["p_norm", "frobenius_norm", "angle", "unit_ball", "check_p"]


def check_p(p: float | str) -> float:
    """The order ``p`` of a norm as a float in ``[1, inf]``; ``"inf"`` and ``np.inf`` both mean the max norm.

    Examples
    --------
    >>> check_p(1), check_p("inf"), check_p(2.5), check_p("2")
    (1.0, inf, 2.5, 2.0)
    >>> check_p(0.5)
    Traceback (most recent call last):
    ...
    ValueError: p must be at least 1 (below 1 the triangle inequality fails), got 0.5
    """
    if isinstance(p, str):
        if p.strip().lower() in ("inf", "infinity", "∞"):
            return math.inf
        try:
            p = float(p)
        except ValueError:
            raise ValueError(f"p must be a number >= 1 or 'inf', got {p!r}") from None
    elif isinstance(p, bool) or not isinstance(p, Real):
        raise TypeError(f"p must be a real number >= 1 or 'inf', got {type(p).__name__}")
    p = float(p)
    if math.isnan(p) or p < 1:
        raise ValueError(f"p must be at least 1 (below 1 the triangle inequality fails), got {p:g}")
    return p


def p_norm(x: ArrayLike, p: float | str = 2) -> float:
    """The p-norm ``(sum |x_i|^p)^(1/p)`` of a vector; ``p = inf`` gives ``max |x_i|``.

    Computed without overflow or underflow: the entries are divided by the
    largest ``|x_i|`` first, so ``p_norm([1e200, 1e200])`` is ``1.41e200``,
    not ``inf``.

    Parameters
    ----------
    x : array_like, shape (n,)
        A real vector (``n >= 1``).
    p : float or "inf"
        The order, ``1 <= p <= inf``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``x`` is not a finite 1-D array or ``p < 1``.
    TypeError
        If ``x`` is complex or ``p`` is not a number.

    Examples
    --------
    >>> x = [3, -4, 12]
    >>> p_norm(x, 1), p_norm(x, 2), p_norm(x, "inf")
    (19.0, 13.0, 12.0)
    >>> round(p_norm([1e200, 1e200]) / 1e200, 12)
    1.414213562373
    """
    v = as_vector(x, "x")
    if np.iscomplexobj(v):
        raise TypeError("x must be real, got complex entries")
    if v.size == 0:
        raise ValueError("x must have at least one entry, got shape (0,)")
    p = check_p(p)
    a = np.abs(v)
    top = float(a.max())
    if top == 0.0 or math.isinf(p):
        return top
    if p == 1:
        return float(a.sum())
    return top * float(np.sum((a / top) ** p)) ** (1.0 / p)


def frobenius_norm(A: ArrayLike) -> float:
    """The Frobenius norm ``sqrt(sum A_ij^2)`` of a matrix: the 2-norm of its entries laid out as one vector.

    Parameters
    ----------
    A : array_like, shape (m, n)

    Returns
    -------
    float

    Examples
    --------
    >>> round(frobenius_norm([[1, 2], [3, 4]]) ** 2, 12)
    30.0
    >>> frobenius_norm([[1, 2], [3, 4]]) == p_norm([1, 2, 3, 4])
    True
    """
    M = as_matrix(A, "A")
    if np.iscomplexobj(M):
        raise TypeError("A must be real, got complex entries")
    if M.size == 0:
        return 0.0
    return p_norm(M.ravel(), 2)


def angle(u: ArrayLike, v: ArrayLike, degrees: bool = True) -> float:
    """The angle θ between two non-zero vectors: ``cos θ = u·v / (‖u‖ ‖v‖)``.

    Computed as ``2 atan2(‖û − v̂‖, ‖û + v̂‖)`` on the unit vectors û, v̂
    (Kahan's formula), which equals the arccosine of the cosine but keeps
    full accuracy near 0 and 180 degrees; the scaling to unit length means
    huge or tiny entries neither overflow nor underflow.

    Parameters
    ----------
    u, v : array_like, shape (n,)
    degrees : bool
        Degrees (default) or radians.

    Returns
    -------
    float
        In ``[0, 180]`` degrees (or ``[0, π]``).

    Raises
    ------
    ValueError
        If the shapes differ or either vector is zero (a zero vector has no direction).

    Examples
    --------
    >>> round(angle([1, 0], [1, 1]), 12)
    45.0
    >>> round(angle([3, 4], [4, -3]), 12)
    90.0
    >>> angle([0, 0], [1, 1])
    Traceback (most recent call last):
    ...
    ValueError: u is the zero vector, which has no direction: the angle is undefined
    """
    a, b = as_vector(u, "u"), as_vector(v, "v")
    if a.shape != b.shape:
        raise ValueError(f"u and v must have the same shape, got {a.shape} and {b.shape}")
    for name, w in (("u", a), ("v", b)):
        if not np.any(w):
            raise ValueError(f"{name} is the zero vector, which has no direction: the angle is undefined")
    # Kahan's formula on the unit vectors: accurate for every angle, even near 0 and 180 degrees,
    # where acos of the cosine loses half the digits.
    a_hat, b_hat = a / p_norm(a), b / p_norm(b)
    theta = 2.0 * math.atan2(p_norm(a_hat - b_hat) if np.any(a_hat - b_hat) else 0.0,
                             p_norm(a_hat + b_hat) if np.any(a_hat + b_hat) else 0.0)
    return math.degrees(theta) if degrees else theta


def unit_ball(p: float | str, num: int = 200) -> np.ndarray:
    """Points on the boundary of the unit ball ``{x in R^2 : ‖x‖_p = 1}``, in counter-clockwise order.

    Each point is a direction ``(cos t, sin t)`` scaled to p-norm 1, so the
    curve is exact for every ``p`` (a diamond for 1, the circle for 2, a square
    for inf). The corners of the diamond and the square are included.

    Parameters
    ----------
    p : float or "inf"
    num : int
        Number of directions, at least 8 (a multiple of 8 hits every corner).

    Returns
    -------
    numpy.ndarray, shape (num + 1, 2)
        Closed: the last point repeats the first.

    Examples
    --------
    >>> B = unit_ball(1, num=8)
    >>> np.round(B[:3], 6).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    >>> all(abs(p_norm(x, 1) - 1) < 1e-12 for x in B)
    True
    """
    p = check_p(p)
    num = check_int(num, "num", low=8)
    t = np.linspace(0.0, 2 * np.pi, num, endpoint=False)
    d = np.column_stack([np.cos(t), np.sin(t)])
    d[np.abs(d) < 1e-15] = 0.0
    pts = d / np.array([p_norm(x, p) for x in d])[:, None]
    return np.vstack([pts, pts[:1]])
