"""Rank and the four fundamental subspaces, read off one SVD; echelon forms.

Every routine here works on plain numpy arrays, validates its input and says
which argument was wrong. The subspace routines return *orthonormal* bases as
the columns of a matrix, all read off one singular value decomposition, so that
rank, column space, row space and null space always agree with each other.
What counts as a zero singular value is decided in one place, :func:`default_tol`.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from lalib.validation import as_matrix

__all__ = [
    "as_matrix",
    "default_tol",
    "rank",
    "nullity",
    "column_space",
    "row_space",
    "null_space",
    "left_null_space",
    "rref",
    "canonical_basis",
    "in_span",
    "same_span",
]


def default_tol(A: np.ndarray, s: np.ndarray | None = None, rtol: float | None = None) -> float:
    """The tolerance below which a singular value counts as zero: ``sigma_max * rtol``.

    This is lalib's one rank tolerance: :func:`rank`, the subspaces,
    :func:`~lalib.linalg.functions.matrix_power` and the rank widget all count
    singular values ``<= default_tol(...)`` as zero. The default ``rtol`` is
    numpy's (and MATLAB's) ``max(m, n) * eps``: a singular value smaller than
    the rounding error of an SVD of a matrix this size and scale is
    indistinguishable from zero. A caller that knows its matrices are exact
    up to a coarser level (the widget snaps entries to a grid) passes a
    larger ``rtol``.

    Parameters
    ----------
    A : numpy.ndarray
        The matrix (only its shape and dtype are used when ``s`` is given).
    s : numpy.ndarray, optional
        Its singular values, if already computed.
    rtol : float, optional
        Relative tolerance; default ``max(m, n) * eps``.

    Returns
    -------
    float

    Examples
    --------
    >>> default_tol(np.eye(3)) == 3 * float(np.finfo(float).eps)
    True
    >>> default_tol(2 * np.eye(3), rtol=1e-10)
    2e-10
    """
    if s is None:
        s = np.linalg.svd(A, compute_uv=False)
    smax = float(s.max()) if s.size else 0.0
    if rtol is None:
        return float(smax * max(A.shape) * np.finfo(A.dtype).eps)
    if isinstance(rtol, bool) or not isinstance(rtol, Real) or not np.isfinite(rtol) or rtol < 0:
        raise ValueError(f"rtol must be a non-negative finite number, got {rtol!r}")
    return float(smax * rtol)


def _svd_rank(A: ArrayLike, tol: float | None, name: str = "A"):
    """SVD of ``A`` with the numerical rank; shared by every subspace routine."""
    M = as_matrix(A, name)
    U, s, Vt = np.linalg.svd(M, full_matrices=True)
    if tol is None:
        tol = default_tol(M, s)
    elif not np.isscalar(tol) or not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a non-negative finite number, got {tol!r}")
    r = int(np.sum(s > tol))
    return U, s, Vt, r


def rank(A: ArrayLike, tol: float | None = None) -> int:
    """Numerical rank: how many singular values exceed ``tol``.

    The rank is the number of linearly independent columns (equivalently,
    rows). In floating point it is counted from the singular values, because
    elimination can turn a tiny rounding error into a spurious pivot.

    Parameters
    ----------
    A : array_like, shape (m, n)
        The matrix.
    tol : float, optional
        Singular values ``<= tol`` count as zero. Default
        :func:`default_tol`: ``sigma_max * max(m, n) * eps``.

    Returns
    -------
    int
        A number between 0 and ``min(m, n)``.

    Examples
    --------
    >>> rank([[1, 2, 3], [2, 4, 6]])
    1
    >>> rank(np.diag([1, 1, 1, 1, 0, 0]))
    4
    >>> rank([[1, 0], [0, 1e-20]])   # 1e-20 is below the rounding level of this matrix
    1
    >>> rank([[1, 0], [0, 1e-20]], tol=0)
    2
    """
    return _svd_rank(A, tol)[3]


def nullity(A: ArrayLike, tol: float | None = None) -> int:
    """Dimension of the null space: ``n - rank(A)`` (rank–nullity theorem).

    Examples
    --------
    >>> nullity(np.diag([1, 1, 1, 1, 0, 0]))
    2
    """
    M = as_matrix(A)
    return M.shape[1] - rank(M, tol)


def column_space(A: ArrayLike, tol: float | None = None) -> np.ndarray:
    """Orthonormal basis of the column space C(A), a subspace of R^m.

    Parameters
    ----------
    A : array_like, shape (m, n)
    tol : float, optional
        See :func:`rank`.

    Returns
    -------
    numpy.ndarray, shape (m, r)
        Columns are orthonormal and span the same space as the columns of A.

    Examples
    --------
    >>> Q = column_space([[1, 2, 3], [2, 4, 6]])
    >>> Q.shape
    (2, 1)
    >>> bool(np.allclose(abs(Q[:, 0]), np.array([1, 2]) / np.sqrt(5)))
    True
    """
    U, _, _, r = _svd_rank(A, tol)
    return U[:, :r]


def row_space(A: ArrayLike, tol: float | None = None) -> np.ndarray:
    """Orthonormal basis of the row space C(Aᵀ), a subspace of R^n.

    Returns
    -------
    numpy.ndarray, shape (n, r)

    Examples
    --------
    >>> row_space([[1, 2, 3], [2, 4, 6]]).shape
    (3, 1)
    """
    _, _, Vt, r = _svd_rank(A, tol)
    return Vt[:r].conj().T


def null_space(A: ArrayLike, tol: float | None = None) -> np.ndarray:
    """Orthonormal basis of the null space N(A) = {x : Ax = 0} in R^n.

    Returns
    -------
    numpy.ndarray, shape (n, n - r)
        Empty second dimension when the columns are independent.

    Examples
    --------
    >>> A = np.array([[1., 2, 3], [2, 4, 6]])
    >>> N = null_space(A)
    >>> N.shape
    (3, 2)
    >>> bool(np.allclose(A @ N, 0))
    True
    """
    _, _, Vt, r = _svd_rank(A, tol)
    return Vt[r:].conj().T


def left_null_space(A: ArrayLike, tol: float | None = None) -> np.ndarray:
    """Orthonormal basis of the left null space N(Aᵀ) = {y : Aᵀy = 0} in R^m.

    Returns
    -------
    numpy.ndarray, shape (m, m - r)

    Examples
    --------
    >>> left_null_space([[1, 2, 3], [2, 4, 6]]).shape
    (2, 1)
    """
    U, _, _, r = _svd_rank(A, tol)
    return U[:, r:]


def rref(A: ArrayLike, tol: float = 1e-10) -> tuple[np.ndarray, list[int]]:
    """Reduced row echelon form by Gauss–Jordan elimination with partial pivoting.

    Entries of size ``<= tol * max|A|`` count as zero. Elimination is the
    textbook way to *see* dependence, but it is fragile on ill-conditioned
    matrices; use :func:`rank` to count. Applied to the transpose of an
    orthonormal basis it gives the unique *canonical* basis of that subspace,
    which is how the book's widgets name a subspace independently of the
    algorithm that found it.

    Parameters
    ----------
    A : array_like, shape (m, n)
    tol : float
        Relative pivot tolerance.

    Returns
    -------
    R : numpy.ndarray, shape (m, n)
        The reduced row echelon form.
    pivots : list of int
        The pivot columns.

    Examples
    --------
    >>> R, pivots = rref([[1, 2, 3], [2, 4, 6]])
    >>> R.tolist(), pivots
    ([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], [0])
    """
    R = as_matrix(A).real.copy()
    m, n = R.shape
    cutoff = tol * max(float(np.abs(R).max()), np.finfo(float).tiny)
    pivots: list[int] = []
    row = 0
    for col in range(n):
        if row == m:
            break
        best = row + int(np.argmax(np.abs(R[row:, col])))
        if abs(R[best, col]) <= cutoff:
            R[row:, col] = 0.0
            continue
        R[[row, best]] = R[[best, row]]
        R[row] /= R[row, col]
        others = np.arange(m) != row
        R[others] -= np.outer(R[others, col], R[row])
        pivots.append(col)
        row += 1
    R[np.abs(R) <= cutoff] = 0.0
    return R, pivots


def canonical_basis(Q: ArrayLike, tol: float = 1e-10) -> np.ndarray:
    """The unique basis of the span of the columns of ``Q`` in reduced echelon form.

    Two different bases of the same subspace give the same result, so it is a
    name for the subspace itself.

    Parameters
    ----------
    Q : array_like, shape (n, k)
        Columns spanning the subspace (typically orthonormal).

    Returns
    -------
    numpy.ndarray, shape (n, r)
        Columns are the nonzero rows of ``rref(Q.T)``; ``r`` is the dimension.

    Examples
    --------
    >>> canonical_basis([[2, 4], [4, 8], [6, 12]]).ravel().tolist()
    [1.0, 2.0, 3.0]
    """
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2:
        raise ValueError(f"Q must be a 2-D matrix of column vectors, got shape {Q.shape}")
    if Q.shape[1] == 0:
        return Q.copy()
    R, pivots = rref(Q.T, tol)
    return R[: len(pivots)].T


def in_span(B: ArrayLike, v: ArrayLike, tol: float = 1e-8) -> bool:
    """Whether vector ``v`` lies in the span of the columns of ``B``.

    Measured by the relative size of the part of ``v`` left over after
    projecting it onto C(B).

    Examples
    --------
    >>> in_span([[1], [2]], [3, 6])
    True
    >>> in_span([[1], [2]], [1, 0])
    False
    """
    Q = column_space(B)
    vec = np.asarray(v, dtype=float).reshape(-1)
    if vec.shape[0] != Q.shape[0]:
        raise ValueError(f"v has length {vec.shape[0]}, but the columns of B have length {Q.shape[0]}")
    residual = vec - Q @ (Q.conj().T @ vec)
    return bool(np.linalg.norm(residual) <= tol * max(1.0, np.linalg.norm(vec)))


def same_span(A: ArrayLike, B: ArrayLike, tol: float = 1e-8) -> bool:
    """Whether the columns of ``A`` and ``B`` span the same subspace.

    Two spans are equal when they have the same dimension and each basis lies
    in the other's span: compared through orthogonal projectors, so the
    particular vectors (their order, scale or sign) do not matter.

    Examples
    --------
    >>> same_span([[1, 0], [0, 1], [0, 0]], [[1, 1], [1, -1], [0, 0]])
    True
    >>> same_span([[1], [0], [0]], [[0], [1], [0]])
    False
    """
    QA, QB = column_space(A, None), column_space(B, None)
    if QA.shape[0] != QB.shape[0]:
        raise ValueError(f"A has columns of length {QA.shape[0]}, B of length {QB.shape[0]}")
    if QA.shape[1] != QB.shape[1]:
        return False
    PA, PB = QA @ QA.conj().T, QB @ QB.conj().T
    return bool(np.linalg.norm(PA - PB, 2) <= tol * 10 * max(QA.shape))

