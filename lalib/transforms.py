"""Matrices as maps of the plane: the classic 2×2 transformations, determinants, signed areas.

Chapter 2 (*matrices as linear maps*) and its widget and exercise checks use
these. Everything here is small and exact where it can be: :func:`det2` is the
formula ``ad − bc`` (no LU factorization, so half-integer entries give an exact
result), and :func:`singular_values2` is the closed form for a 2×2 matrix, the
same arithmetic the transformation explorer's JavaScript performs in the page.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

from lalib.validation import as_finite_array, as_matrix

__all__ = ["rotation", "scaling", "shear", "reflection", "projection", "det2", "signed_area", "polygon_area",
           "singular_values2", "rank2", "describe_map", "TOL_REL"]

#: Relative tolerance below which the smaller singular value of a 2×2 map counts as zero.
TOL_REL = 1e-10


def _angle(theta: float, name: str = "theta") -> float:
    if isinstance(theta, (bool, np.bool_)) or not isinstance(theta, numbers.Real):
        raise TypeError(f"{name} must be a real number (radians), got {type(theta).__name__}")
    value = float(theta)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def rotation(theta: float) -> np.ndarray:
    """The 2×2 matrix of the counter-clockwise rotation by ``theta`` radians.

    Its columns are where e₁ and e₂ land: (cos θ, sin θ) and (−sin θ, cos θ).

    Parameters
    ----------
    theta : float
        The angle in radians; positive turns counter-clockwise.

    Returns
    -------
    numpy.ndarray, shape (2, 2)

    Raises
    ------
    TypeError
        If `theta` is not a real number.
    ValueError
        If `theta` is infinite or NaN.

    Examples
    --------
    >>> np.round(rotation(np.pi / 2), 12) + 0.0
    array([[ 0., -1.],
           [ 1.,  0.]])
    >>> np.allclose(rotation(0.3) @ rotation(0.4), rotation(0.7))
    True
    """
    t = _angle(theta)
    c, s = math.cos(t), math.sin(t)
    return np.array([[c, -s], [s, c]])


def scaling(sx: float, sy: float | None = None) -> np.ndarray:
    """The diagonal matrix that stretches x by ``sx`` and y by ``sy`` (default: ``sx``, uniform).

    Examples
    --------
    >>> scaling(2, 0.5)
    array([[2. , 0. ],
           [0. , 0.5]])
    >>> scaling(3)[1, 1]
    np.float64(3.0)
    """
    sx = _angle(sx, "sx")
    sy = sx if sy is None else _angle(sy, "sy")
    return np.array([[sx, 0.0], [0.0, sy]])


def shear(k: float, axis: str = "x") -> np.ndarray:
    """The shear that slides points along ``axis`` by ``k`` times their other coordinate.

    Parameters
    ----------
    k : float
        The shear factor.
    axis : {"x", "y"}
        ``"x"``: (x, y) ↦ (x + k y, y); ``"y"``: (x, y) ↦ (x, y + k x).

    Returns
    -------
    numpy.ndarray, shape (2, 2)

    Raises
    ------
    ValueError
        If `axis` is neither ``"x"`` nor ``"y"``.

    Examples
    --------
    >>> shear(1.5)
    array([[1. , 1.5],
           [0. , 1. ]])
    >>> shear(2, axis="y") @ np.array([1.0, 0.0])
    array([1., 2.])
    """
    k = _angle(k, "k")
    if axis == "x":
        return np.array([[1.0, k], [0.0, 1.0]])
    if axis == "y":
        return np.array([[1.0, 0.0], [k, 1.0]])
    raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")


def reflection(phi: float) -> np.ndarray:
    """The reflection across the line through 0 at angle ``phi`` (radians) to the x-axis.

    Equal to ``2 P − I`` with ``P`` the projection onto that line.

    Examples
    --------
    >>> reflection(0)  # across the x-axis
    array([[ 1.,  0.],
           [ 0., -1.]])
    >>> np.allclose(reflection(0.7) @ reflection(0.7), np.eye(2))
    True
    """
    p = _angle(phi, "phi")
    c, s = math.cos(2 * p), math.sin(2 * p)
    return np.array([[c, s], [s, -c]])


def projection(phi: float) -> np.ndarray:
    """The orthogonal projection onto the line through 0 at angle ``phi`` (radians).

    Equal to ``u uᵀ`` with ``u = (cos φ, sin φ)``; it flattens the plane onto that line.

    Examples
    --------
    >>> projection(0)
    array([[1., 0.],
           [0., 0.]])
    >>> P = projection(0.4)
    >>> np.allclose(P @ P, P)
    True
    """
    p = _angle(phi, "phi")
    u = np.array([math.cos(p), math.sin(p)])
    return np.outer(u, u)


def _square(A: ArrayLike, name: str) -> np.ndarray:
    M = as_matrix(A, name)
    if np.iscomplexobj(M):
        raise TypeError(f"{name} must be real, got complex entries")
    if M.shape != (2, 2):
        raise ValueError(f"{name} must be a 2×2 matrix, got shape {M.shape}")
    return M


def det2(A: ArrayLike) -> float:
    """The determinant ``ad − bc`` of a 2×2 matrix ``[[a, b], [c, d]]``.

    The signed area of the parallelogram spanned by the columns: the factor by
    which the map scales every area, negative when it flips orientation.

    Parameters
    ----------
    A : array_like, shape (2, 2)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If `A` is not 2×2 or holds NaN or infinity.
    TypeError
        If `A` is not real.

    Examples
    --------
    >>> det2([[3, 1], [1, 2]])
    5.0
    >>> det2([[0, 1], [1, 0]])  # a swap of the axes flips orientation
    -1.0
    """
    (a, b), (c, d) = _square(A, "A").tolist()
    return a * d - b * c


def signed_area(u: ArrayLike, v: ArrayLike) -> float:
    """Signed area of the parallelogram with sides ``u`` and ``v`` in the plane: ``u₁v₂ − u₂v₁``.

    Positive when turning from ``u`` to ``v`` is counter-clockwise.

    Examples
    --------
    >>> signed_area([1, 0], [0, 1]), signed_area([0, 1], [1, 0])
    (1.0, -1.0)
    >>> signed_area([1, 2], [2, 4])
    0.0
    """
    u_ = as_finite_array(u, "u", ndim=1)
    v_ = as_finite_array(v, "v", ndim=1)
    if u_.shape != (2,) or v_.shape != (2,):
        raise ValueError(f"u and v must be vectors of length 2, got shapes {u_.shape} and {v_.shape}")
    return det2(np.column_stack([u_, v_]))


def polygon_area(points: ArrayLike) -> float:
    """Signed area of a polygon given by its corners in order (the shoelace formula).

    Positive for corners listed counter-clockwise.

    Parameters
    ----------
    points : array_like, shape (2, k)
        The corners as columns, k >= 3 (the polygon closes itself).

    Examples
    --------
    >>> polygon_area([[0, 1, 1, 0], [0, 0, 1, 1]])  # the unit square, counter-clockwise
    1.0
    >>> polygon_area([[0, 0, 1, 1], [0, 1, 1, 0]])
    -1.0
    """
    P = as_matrix(points, "points")
    if P.shape[0] != 2 or P.shape[1] < 3:
        raise ValueError(f"points must have shape (2, k) with k >= 3 corners as columns, got {P.shape}")
    x, y = P
    return float(0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def singular_values2(A: ArrayLike) -> tuple[float, float]:
    """The singular values σ₁ ≥ σ₂ ≥ 0 of a 2×2 matrix, in closed form.

    They are the semi-axes of the ellipse the map makes of the unit circle.
    The matrix is first divided by its largest entry size ``t`` (so nothing
    overflows or underflows); then with ``E = (a + d)/2``, ``F = (a − d)/2``,
    ``G = (c + b)/2``, ``H = (c − b)/2``: ``σ₁ = hypot(E, H) + hypot(F, G)``
    and ``σ₂ = |ad − bc| / σ₁`` (since σ₁σ₂ = |det|), both times ``t``. No
    square root of a difference, so σ₂ keeps its relative accuracy; the page's
    JavaScript does the same operations in the same order.

    Examples
    --------
    >>> singular_values2([[3, 0], [0, -2]])
    (3.0, 2.0)
    >>> s = singular_values2([[2, 1], [0.5, 1.5]])
    >>> np.allclose(s, np.linalg.svd([[2, 1], [0.5, 1.5]], compute_uv=False))
    True
    >>> singular_values2([[0, 0], [0, 0]])
    (0.0, 0.0)
    """
    M = _square(A, "A")
    top = float(np.abs(M).max())
    if top == 0:
        return 0.0, 0.0
    S = M / top
    (a, b), (c, d) = S.tolist()
    s1 = math.hypot((a + d) / 2, (c - b) / 2) + math.hypot((a - d) / 2, (c + b) / 2)
    return s1 * top, abs(a * d - b * c) / s1 * top


def rank2(A: ArrayLike, tol_rel: float = TOL_REL) -> int:
    """Rank of a 2×2 matrix: 0 if it is zero, 1 if ``σ₂ <= tol_rel · σ₁``, else 2.

    Examples
    --------
    >>> rank2([[1, 2], [2, 4]]), rank2([[0, 0], [0, 0]]), rank2(np.eye(2))
    (1, 0, 2)
    """
    s1, s2 = singular_values2(A)
    if s1 == 0:
        return 0
    return 1 if s2 <= tol_rel * s1 else 2


def describe_map(A: ArrayLike, tol_rel: float = TOL_REL) -> dict:
    """What a 2×2 matrix does to the plane, in numbers and words.

    Parameters
    ----------
    A : array_like, shape (2, 2)
    tol_rel : float
        Relative tolerance for the rank (see :func:`rank2`).

    Returns
    -------
    dict
        ``det`` (signed area scaling; exactly 0 when the rank is below 2, so a
        determinant that is rounding error is not shown as one), ``rank``,
        ``sv`` (σ₂ likewise exactly 0 below rank 2), ``sv`` (the unit circle's
        image has semi-axes σ₁, σ₂), ``orientation`` (``"kept"``,
        ``"flipped"`` or ``"lost"`` when the plane is flattened) and
        ``collapse`` (``"none"``, ``"line"`` or ``"point"``).

    Examples
    --------
    >>> d = describe_map([[0, 1], [1, 0]])
    >>> d["det"], d["orientation"], d["collapse"]
    (-1.0, 'flipped', 'none')
    >>> describe_map([[1, 2], [2, 4]])["collapse"]
    'line'
    """
    M = _square(A, "A")
    r = rank2(M, tol_rel)
    det = det2(M) if r == 2 else 0.0
    # The sign from the scaled matrix: ad − bc itself may underflow to 0 for tiny entries.
    orientation = "lost" if r < 2 else ("kept" if det2(M / float(np.abs(M).max())) > 0 else "flipped")
    s1, s2 = singular_values2(M)
    return {"det": det, "rank": r, "sv": [s1, s2 if r == 2 else 0.0], "orientation": orientation,
            "collapse": {0: "point", 1: "line", 2: "none"}[r]}
