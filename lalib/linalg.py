"""Core linear algebra: rank and the four fundamental subspaces.

Every routine here works on plain numpy arrays, validates its input and says
which argument was wrong. The subspace routines return *orthonormal* bases as
the columns of a matrix, all read off one singular value decomposition, so that
rank, column space, row space and null space always agree with each other.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

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


def as_matrix(A: ArrayLike, name: str = "A") -> np.ndarray:
    """Return ``A`` as a finite 2-D float array, or raise a clear error.

    Parameters
    ----------
    A : array_like
        Anything numpy can turn into a 2-D numeric array.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    numpy.ndarray
        A float64 (or complex128) copy-free view of ``A`` where possible.

    Raises
    ------
    TypeError
        If ``A`` is not numeric.
    ValueError
        If ``A`` is not 2-D, is empty, or holds NaN or infinity.

    Examples
    --------
    >>> as_matrix([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> as_matrix([1, 2, 3])
    Traceback (most recent call last):
    ...
    ValueError: A must be a 2-D matrix, got a 1-D array of shape (3,)
    """
    return _as_finite_array(A, name, ndim=2, what="2-D matrix with rows of equal length")


def _as_finite_array(A: ArrayLike, name: str, ndim: int, what: str) -> np.ndarray:
    """Shared validation of :func:`as_matrix` and the 1-D vector arguments."""
    try:
        arr = np.asarray(A)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a {what}: {exc}") from None
    if arr.dtype == bool:
        arr = arr.astype(float)
    if not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"{name} must be numeric, got an array of dtype {arr.dtype}")
    if arr.ndim != ndim:
        kind = "2-D matrix" if ndim == 2 else "1-D vector"
        raise ValueError(f"{name} must be a {kind}, got a {arr.ndim}-D array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    arr = arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def default_tol(A: np.ndarray, s: np.ndarray | None = None) -> float:
    """The tolerance below which a singular value counts as zero.

    This is numpy's (and MATLAB's) rule ``sigma_max * max(m, n) * eps``: a
    singular value smaller than the rounding error of an SVD of a matrix this
    size and scale is indistinguishable from zero.

    Parameters
    ----------
    A : numpy.ndarray
        The matrix (only its shape and dtype are used when ``s`` is given).
    s : numpy.ndarray, optional
        Its singular values, if already computed.

    Returns
    -------
    float

    Examples
    --------
    >>> default_tol(np.eye(3)) == 3 * float(np.finfo(float).eps)
    True
    """
    if s is None:
        s = np.linalg.svd(A, compute_uv=False)
    smax = float(s.max()) if s.size else 0.0
    return float(smax * max(A.shape) * np.finfo(A.dtype).eps)


def _svd_rank(A: ArrayLike, tol: float | None, name: str = "A"):
    """SVD of ``A`` with the numerical rank; shared by every subspace routine."""
    M = as_matrix(A, name)
    U, s, Vh = np.linalg.svd(M, full_matrices=True)
    if tol is None:
        tol = default_tol(M, s)
    elif not np.isscalar(tol) or not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a non-negative finite number, got {tol!r}")
    r = int(np.sum(s > tol))
    return U, s, Vh, r


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
    _, _, Vh, r = _svd_rank(A, tol)
    return Vh[:r].conj().T


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
    _, _, Vh, r = _svd_rank(A, tol)
    return Vh[r:].conj().T


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


# ---------------------------------------------------------------------------
# Projection, Gram–Schmidt, power iteration and diagonalization
#
# The second half of the module: the numerical routines of the chapters on
# orthogonality (05) and eigenvalues (06). They reuse ``as_matrix`` for input
# validation and ``column_space`` for an orthonormal basis of a subspace.
# ---------------------------------------------------------------------------

import warnings  # noqa: E402  (kept with the section that uses it)
from numbers import Integral  # noqa: E402

__all__ += [  # noqa: F822  (extends the list defined at the top)
    "ConvergenceWarning",
    "project_onto_vector",
    "project_onto_subspace",
    "gram_schmidt",
    "orthogonality_error",
    "power_iteration",
    "diagonalize",
    "matrix_power",
    "matrix_exp",
    "expm",
]


class ConvergenceWarning(UserWarning):
    """An iterative method stopped before meeting its tolerance."""


def _as_vector(v: ArrayLike, name: str) -> np.ndarray:
    """``v`` as a finite 1-D float array, or a clear error naming ``name``."""
    return _as_finite_array(v, name, ndim=1, what="1-D vector")


def _check_int(value, name: str, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]``, or a clear error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bound}, got {name}={value}")
    return value


def _fix_signs(V: np.ndarray) -> np.ndarray:
    """Scale each column so that its largest-magnitude entry is real and positive.

    Eigenvectors and singular vectors are only defined up to sign (or, for
    complex ones, a unit phase); fixing it makes results reproducible and
    comparable. This is scikit-learn's ``svd_flip`` rule.
    """
    if V.size == 0:
        return V
    idx = np.argmax(np.abs(V), axis=0)
    pivot = V[idx, np.arange(V.shape[1])]
    phase = np.where(pivot == 0, 1.0, pivot / np.where(pivot == 0, 1.0, np.abs(pivot)))
    return V / phase


def project_onto_vector(b: ArrayLike, a: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Orthogonal projection of ``b`` onto the line through ``a``.

    ``p = (a·b / a·a) a`` is the multiple of ``a`` closest to ``b``; the
    residual ``r = b - p`` is orthogonal to ``a`` and ``b = p + r``.

    Parameters
    ----------
    b : array_like, shape (n,)
        The vector to project.
    a : array_like, shape (n,)
        A nonzero vector giving the direction of the line.

    Returns
    -------
    p : numpy.ndarray, shape (n,)
        The projection of ``b`` onto span{a}.
    r : numpy.ndarray, shape (n,)
        The residual ``b - p``, orthogonal to ``a``.

    Raises
    ------
    ValueError
        If the shapes differ, an input holds NaN, or ``a`` is zero.

    Examples
    --------
    >>> p, r = project_onto_vector([2, 1], [1, 0])
    >>> p.tolist(), r.tolist()
    ([2.0, 0.0], [0.0, 1.0])
    >>> p, r = project_onto_vector([1, 2, 2], [1, 1, 0])
    >>> p.tolist(), float(np.dot(r, [1, 1, 0]))
    ([1.5, 1.5, 0.0], 0.0)
    """
    bv, av = _as_vector(b, "b"), _as_vector(a, "a")
    if bv.shape != av.shape:
        raise ValueError(f"b and a must have the same length, got b of shape {bv.shape} and a of shape {av.shape}")
    aa = np.vdot(av, av).real
    if aa == 0:
        raise ValueError("a must be a nonzero vector: the projection onto the zero vector is undefined")
    p = (np.vdot(av, bv) / aa) * av
    return p, bv - p


def project_onto_subspace(b: ArrayLike, A: ArrayLike, tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Orthogonal projection of ``b`` onto the column space C(A).

    The projection is ``p = Q Qᵀ b`` for an orthonormal basis ``Q`` of C(A)
    (read off the SVD, so dependent columns of ``A`` are fine). When ``A`` has
    independent columns this equals the textbook ``A (AᵀA)⁻¹ Aᵀ b`` without
    forming the inverse, which squares the condition number.

    Parameters
    ----------
    b : array_like, shape (m,) or (m, k)
        A vector, or ``k`` vectors as columns, to project.
    A : array_like, shape (m, n)
        Its columns span the subspace.
    tol : float, optional
        Singular values of ``A`` at or below ``tol`` count as zero; see :func:`rank`.

    Returns
    -------
    p : numpy.ndarray, same shape as ``b``
        The projection: the point of C(A) closest to ``b``.
    r : numpy.ndarray, same shape as ``b``
        The residual ``b - p``, orthogonal to every column of ``A``.

    Examples
    --------
    >>> A = [[1, 0], [0, 1], [0, 0]]          # the xy-plane in R^3
    >>> p, r = project_onto_subspace([3, 4, 5], A)
    >>> p.tolist(), r.tolist()
    ([3.0, 4.0, 0.0], [0.0, 0.0, 5.0])
    """
    Q = column_space(A, tol)
    try:
        barr = np.asarray(b)
    except ValueError as exc:
        raise ValueError(f"b must be a vector or a 2-D matrix: {exc}") from None
    if barr.ndim == 1:
        bm = _as_vector(barr, "b")
    elif barr.ndim == 2:
        bm = as_matrix(barr, "b")
    else:
        raise ValueError(f"b must be a vector or a 2-D matrix, got a {barr.ndim}-D array of shape {barr.shape}")
    if bm.shape[0] != Q.shape[0]:
        raise ValueError(
            f"b has {bm.shape[0]} rows (shape {bm.shape}), but the columns of A have length {Q.shape[0]}"
        )
    p = Q @ (Q.conj().T @ bm)
    return p, bm - p


def orthogonality_error(Q: ArrayLike) -> float:
    """How far the columns of ``Q`` are from orthonormal: ``‖I - QᵀQ‖₂``.

    Zero for exactly orthonormal columns; about ``1e-16`` is the best floating
    point can do.

    Examples
    --------
    >>> orthogonality_error(np.eye(3))
    0.0
    >>> round(orthogonality_error([[1, 1], [0, 1]]), 3)
    1.618
    """
    Qm = as_matrix(Q, "Q")
    G = Qm.conj().T @ Qm
    return float(np.linalg.norm(np.eye(G.shape[0]) - G, 2))


def gram_schmidt(A: ArrayLike, method: str = "modified", tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """QR factorization by Gram–Schmidt orthogonalization of the columns of ``A``.

    Each column has its components along the previous ``q``'s removed and is
    then normalized. *Classical* Gram–Schmidt (CGS) computes all those
    components from the original column; *modified* Gram–Schmidt (MGS)
    removes them one at a time from the running remainder. In exact arithmetic
    they agree; in floating point they do not. For a matrix with condition
    number κ the computed ``Q`` loses orthogonality like

    ========================== =========================
    method                     ``‖I - QᵀQ‖₂`` about
    ========================== =========================
    classical Gram–Schmidt     κ² · ε (can reach 1)
    modified Gram–Schmidt      κ · ε
    Householder, ``np.linalg.qr``  ε, whatever κ
    ========================== =========================

    where ε ≈ 2.2e-16 (Björck 1967; Trefethen & Bau, Lecture 9). That is why
    libraries use Householder reflections; Gram–Schmidt is the clearest way
    to *see* what QR does. ``tests/test_linalg_numerics.py`` measures the
    table on Hilbert-like matrices.

    Parameters
    ----------
    A : array_like, shape (m, n) with m >= n
        Its columns must be linearly independent.
    method : {"modified", "classical"}
        Which variant to run.
    tol : float, optional
        A column counts as dependent on the previous ones when its remainder
        has norm ``<= tol``. Default ``max(m, n) * eps * max column norm``.

    Returns
    -------
    Q : numpy.ndarray, shape (m, n)
        Orthonormal columns spanning C(A).
    R : numpy.ndarray, shape (n, n)
        Upper triangular with a positive diagonal; ``A = Q R``.

    Raises
    ------
    ValueError
        If ``A`` is wide (more columns than rows) or its columns are dependent.

    Examples
    --------
    >>> Q, R = gram_schmidt([[3, 1], [4, 1]])
    >>> np.round(Q, 3).tolist()
    [[0.6, 0.8], [0.8, -0.6]]
    >>> np.round(R, 3).tolist()
    [[5.0, 1.4], [0.0, 0.2]]
    """
    if method not in ("modified", "classical"):
        raise ValueError(f"method must be 'modified' or 'classical', got {method!r}")
    V = as_matrix(A).copy()
    m, n = V.shape
    if n > m:
        raise ValueError(
            f"A must have at least as many rows as columns, got shape {V.shape}: "
            f"at most {m} vectors in R^{m} can be independent"
        )
    if tol is None:
        tol = max(m, n) * np.finfo(float).eps * float(np.linalg.norm(V, axis=0).max())
    Q = np.zeros_like(V)
    R = np.zeros((n, n), dtype=V.dtype)
    for j in range(n):
        if method == "classical":
            # All components from the ORIGINAL column: rounding errors in
            # earlier q's are never corrected.
            R[:j, j] = Q[:, :j].conj().T @ V[:, j]
            v = V[:, j] - Q[:, :j] @ R[:j, j]
        else:
            v = V[:, j]  # already has q_0 .. q_{j-1} removed, one by one
        norm = float(np.linalg.norm(v))
        if norm <= tol:
            raise ValueError(
                f"the columns of A are linearly dependent: column {j} lies in the span of "
                f"columns 0..{j - 1} (remainder norm {norm:.2e} <= tol {tol:.2e})"
            )
        R[j, j] = norm
        Q[:, j] = v / norm
        if method == "modified":
            # Remove the new direction from all later columns at once (vectorized).
            R[j, j + 1:] = Q[:, j].conj() @ V[:, j + 1:]
            V[:, j + 1:] -= np.outer(Q[:, j], R[j, j + 1:])
    return Q, R


def power_iteration(
    A: ArrayLike,
    k: int = 1,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` eigenpairs (largest ``|λ|``) of a symmetric matrix by power iteration.

    Multiplying a vector by ``A`` again and again amplifies its component
    along the eigenvector whose eigenvalue is largest in absolute value, at
    the rate ``|λ₂/λ₁|`` per step. Once an eigenpair is found it is removed by
    *Hotelling deflation*, ``A ← A - λ v vᵀ``, so that the next run finds the
    next one. (The iterate is also kept orthogonal to the vectors already
    found, which stops rounding errors from reviving them.)

    Parameters
    ----------
    A : array_like, shape (n, n)
        A real symmetric matrix.
    k : int
        How many eigenpairs, ``1 <= k <= n``.
    tol : float
        Stop when the residual ``‖Av - λv‖`` is at most ``tol * ‖A‖_F``.
    max_iter : int
        Iterations allowed per eigenpair.
    random_state : int or numpy.random.Generator, optional
        Seeds the random starting vectors.

    Returns
    -------
    eigenvalues : numpy.ndarray, shape (k,)
        Ordered by decreasing absolute value.
    eigenvectors : numpy.ndarray, shape (n, k)
        Unit columns, each with its largest-magnitude entry positive.

    Warns
    -----
    ConvergenceWarning
        When an eigenpair does not meet ``tol`` within ``max_iter`` steps:
        power iteration needs a gap, and ``λ`` and ``-λ`` (or two nearly equal
        eigenvalues) have none.

    Examples
    --------
    >>> A = np.array([[2., 1], [1, 2]])       # eigenvalues 3 and 1
    >>> w, V = power_iteration(A, k=2, random_state=0)
    >>> np.round(w, 8).tolist()
    [3.0, 1.0]
    >>> np.round(V, 4).tolist()
    [[0.7071, 0.7071], [0.7071, -0.7071]]
    """
    M = as_matrix(A)
    if np.iscomplexobj(M):
        raise TypeError("A must be real for power_iteration, got a complex matrix")
    n = M.shape[0]
    if M.shape != (n, n):
        raise ValueError(f"A must be square, got shape {M.shape}")
    scale = float(np.linalg.norm(M))
    if not np.allclose(M, M.T, rtol=0, atol=1e-12 * max(scale, 1.0)):
        raise ValueError("A must be symmetric (A == A.T) for power_iteration")
    k = _check_int(k, "k", 1, n)
    max_iter = _check_int(max_iter, "max_iter", 1)
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got tol={tol!r}")
    rng = np.random.default_rng(random_state)
    B = (M + M.T) / 2  # exactly symmetric, so the deflation keeps it symmetric
    values = np.zeros(k)
    vectors = np.zeros((n, k))
    threshold = tol * max(scale, np.finfo(float).tiny)
    for j in range(k):
        found = vectors[:, :j]
        v = rng.standard_normal(n)
        v -= found @ (found.T @ v)
        v /= np.linalg.norm(v)
        lam, converged = 0.0, False
        for _ in range(max_iter):
            w = B @ v
            lam = float(v @ w)  # Rayleigh quotient: the best eigenvalue for v
            if np.linalg.norm(w - lam * v) <= threshold:
                converged = True
                break
            w -= found @ (found.T @ w)
            norm = np.linalg.norm(w)
            if norm <= threshold:  # B v = 0: v is an eigenvector for λ = 0
                lam, converged = 0.0, True
                break
            v = w / norm
        if not converged:
            warnings.warn(
                f"power_iteration: eigenpair {j} did not converge in max_iter={max_iter} steps "
                "(the top eigenvalues are tied or nearly tied in absolute value)",
                ConvergenceWarning,
                stacklevel=2,
            )
        values[j], vectors[:, j] = lam, v
        B = B - lam * np.outer(v, v)  # Hotelling deflation
    return values, _fix_signs(vectors)


def diagonalize(A: ArrayLike, cond_max: float = 1e7) -> tuple[np.ndarray, np.ndarray]:
    """Factor ``A = P D P⁻¹`` with the eigenvalues on the diagonal of ``D``.

    The columns of ``P`` are eigenvectors. A symmetric matrix always has an
    orthonormal set of them (the spectral theorem), so then ``P`` is
    orthogonal and ``P⁻¹ = Pᵀ``. A general matrix is diagonalizable exactly
    when it has ``n`` independent eigenvectors; a *defective* one such as the
    shear ``[[1, 1], [0, 1]]`` does not, and ``P`` would be singular.

    In floating point "singular" means "condition number too large": a
    diagonalization with ``cond(P) = 10^d`` loses about ``d`` of the 16
    digits when it is used, so it is refused above ``cond_max``.

    Parameters
    ----------
    A : array_like, shape (n, n)
    cond_max : float
        Largest condition number of ``P`` accepted.

    Returns
    -------
    P : numpy.ndarray, shape (n, n)
        Unit eigenvectors as columns, each with its largest-magnitude entry
        real and positive. Complex if ``A`` has complex eigenvalues.
    D : numpy.ndarray, shape (n, n)
        Diagonal, eigenvalues in decreasing order (by real part, then
        imaginary part).

    Raises
    ------
    ValueError
        If ``A`` is not square or is (numerically) defective.

    Examples
    --------
    >>> A = np.array([[5, 3], [3, 5]]) / 4
    >>> P, D = diagonalize(A)
    >>> np.diag(D).tolist()
    [2.0, 0.5]
    >>> bool(np.allclose(P @ D @ np.linalg.inv(P), A))
    True
    >>> diagonalize([[1, 1], [0, 1]])
    Traceback (most recent call last):
    ...
    ValueError: A is defective (not diagonalizable): its eigenvectors are linearly dependent, cond(P) = 9.0e+15 > cond_max = 1.0e+07
    """
    M = as_matrix(A)
    n = M.shape[0]
    if M.shape != (n, n):
        raise ValueError(f"A must be square to be diagonalized, got shape {M.shape}")
    scale = float(np.linalg.norm(M))
    if np.allclose(M, M.conj().T, rtol=0, atol=1e-14 * max(scale, 1.0)):
        # Spectral theorem: real eigenvalues, orthonormal eigenvectors.
        w, P = np.linalg.eigh((M + M.conj().T) / 2)
        w, P = w[::-1], P[:, ::-1]
    else:
        w, P = np.linalg.eig(M)
        cond = float(np.linalg.cond(P))
        if not cond <= cond_max:  # also catches cond = inf or nan
            raise ValueError(
                "A is defective (not diagonalizable): its eigenvectors are linearly dependent, "
                f"cond(P) = {cond:.1e} > cond_max = {cond_max:.1e}"
            )
        # Eigenvalues of a real matrix with tiny imaginary parts are real.
        if np.iscomplexobj(w) and np.all(np.abs(w.imag) <= 1e-12 * max(scale, 1.0)) and not np.iscomplexobj(M):
            w, P = w.real, P.real
        order = np.lexsort((-w.imag, -w.real)) if np.iscomplexobj(w) else np.argsort(-w, kind="stable")
        w, P = w[order], P[:, order]
    P = _fix_signs(P / np.linalg.norm(P, axis=0))
    return P, np.diag(w)


def _from_eigen(M: np.ndarray, P: np.ndarray, fw: np.ndarray, name: str) -> np.ndarray:
    """``P diag(fw) P⁻¹``: a function of a diagonalizable matrix, given ``f`` of its eigenvalues."""
    # X = P f(D) P⁻¹ solves X P = P f(D); solving is more accurate than inv(P).
    X = np.linalg.solve(P.T, (P * fw).T).T
    if not np.iscomplexobj(M):
        X = X.real  # a real A gives a real result; drop rounding-level imaginary parts
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} overflowed: the result is too large to represent in float64")
    return X


def matrix_power(A: ArrayLike, k: int) -> np.ndarray:
    """``A^k`` through the diagonalization: ``A^k = P D^k P⁻¹``.

    Only the eigenvalues are raised to the power, which is why powers are
    cheap in the eigenvector basis and why ``|λ| < 1`` for every eigenvalue
    makes ``A^k → 0`` (a stable linear recurrence).

    Parameters
    ----------
    A : array_like, shape (n, n)
        A diagonalizable matrix (see :func:`diagonalize`). For defective
        matrices use :func:`numpy.linalg.matrix_power`.
    k : int
        The exponent. Negative powers need an invertible ``A``.

    Returns
    -------
    numpy.ndarray, shape (n, n)

    Examples
    --------
    >>> matrix_power([[2, 1], [1, 2]], 3).round(10).tolist()
    [[14.0, 13.0], [13.0, 14.0]]
    >>> matrix_power([[2, 0], [0, 4]], -1).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise TypeError(f"k must be an integer, got {k!r} of type {type(k).__name__}")
    k = int(k)
    M = as_matrix(A)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"A must be square to be raised to a power, got shape {M.shape}")
    if k == 0:
        return np.eye(M.shape[0], dtype=M.dtype)
    P, D = diagonalize(M)
    w = np.diag(D)
    if k < 0 and np.min(np.abs(w)) <= default_tol(M):
        raise ValueError(f"A is singular (an eigenvalue is 0), so the negative power k={k} does not exist")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _from_eigen(M, P, w**k, "matrix_power")


def matrix_exp(A: ArrayLike) -> np.ndarray:
    """The matrix exponential ``e^A = P e^D P⁻¹`` through the diagonalization.

    ``e^A = I + A + A²/2! + ...``; in the eigenvector basis each eigenvalue
    simply becomes ``e^λ``. It solves ``x'(t) = A x(t)`` by
    ``x(t) = e^{tA} x(0)``. For defective matrices use
    :func:`scipy.linalg.expm` (scaling and squaring), which this matches on
    diagonalizable ones.

    Parameters
    ----------
    A : array_like, shape (n, n)
        A diagonalizable matrix.

    Returns
    -------
    numpy.ndarray, shape (n, n)

    Examples
    --------
    >>> matrix_exp(np.diag([0., 1.])).round(6).tolist()
    [[1.0, 0.0], [0.0, 2.718282]]
    >>> R = matrix_exp([[0, -np.pi], [np.pi, 0]])     # rotation by pi
    >>> bool(np.allclose(R, -np.eye(2)))
    True
    """
    M = as_matrix(A)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"A must be square for the matrix exponential, got shape {M.shape}")
    P, D = diagonalize(M)
    with np.errstate(over="ignore", invalid="ignore"):
        return _from_eigen(M, P, np.exp(np.diag(D)), "matrix_exp")


expm = matrix_exp
