"""Orthogonal projection onto a line or a subspace, and QR by Gram–Schmidt.

The numerical routines of the orthogonality chapter (05): the projection of a
vector onto a line and onto a column space, with its residual, the projection
matrix, cosine similarity, least squares as a projection, and classical and
modified Gram–Schmidt with a measure of lost orthogonality.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lalib.linalg.subspaces import column_space
from lalib.validation import as_matrix, as_vector

__all__ = ["project_onto_vector", "project_onto_subspace", "orthogonality_error", "gram_schmidt",
           "projection_matrix", "cosine_similarity", "least_squares"]


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
    bv, av = as_vector(b, "b"), as_vector(a, "a")
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
        bm = as_vector(barr, "b")
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


def projection_matrix(A: ArrayLike, tol: float | None = None) -> np.ndarray:
    """The matrix ``P`` of the orthogonal projection onto C(A): ``P b`` is the point of C(A) closest to ``b``.

    ``P = Q Qᵀ`` for an orthonormal basis ``Q`` of C(A), so dependent columns
    are fine; ``P`` is symmetric (``Pᵀ = P``) and idempotent (``P² = P``), and
    its trace is the rank of ``A``.

    Parameters
    ----------
    A : array_like, shape (m, n)
    tol : float, optional
        See :func:`rank`.

    Returns
    -------
    numpy.ndarray, shape (m, m)

    Examples
    --------
    >>> P = projection_matrix([[1], [1]])          # the line through (1, 1)
    >>> P.round(12).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    >>> bool(np.allclose(P @ P, P) and np.allclose(P.T, P))
    True
    >>> projection_matrix([[1, 2], [2, 4]]).round(3).tolist()   # dependent columns: still a line
    [[0.2, 0.4], [0.4, 0.8]]
    """
    Q = column_space(A, tol)
    return Q @ Q.conj().T


def cosine_similarity(X: ArrayLike, Y: ArrayLike | None = None) -> np.ndarray | float:
    """Cosine of the angle between vectors: ``x·y / (‖x‖ ‖y‖)``, between −1 and 1.

    Two vectors give a number; two matrices give the matrix of cosines
    between their *rows* (as :func:`sklearn.metrics.pairwise.cosine_similarity`);
    one matrix gives the cosines between its own rows. Each vector is divided
    by its largest entry before its norm is taken, so huge or tiny vectors
    neither overflow nor underflow.

    Parameters
    ----------
    X : array_like, shape (n,) or (k, n)
    Y : array_like, shape (n,) or (l, n), optional
        Default ``X``.

    Returns
    -------
    float or numpy.ndarray of shape (k, l)

    Raises
    ------
    ValueError
        If a vector is zero (it has no direction, so no angle), or the lengths differ.

    Examples
    --------
    >>> cosine_similarity([3, 4], [4, -3])
    0.0
    >>> cosine_similarity([1, 1], [2, 2])
    1.0
    >>> cosine_similarity([[1, 0], [0, 2]]).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    >>> cosine_similarity([0, 0], [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: X has a zero vector (row 0): a zero vector has no direction, so its cosine similarity is undefined
    """
    vectors = np.ndim(X) == 1 and (Y is None or np.ndim(Y) == 1)
    Xm = as_matrix(np.atleast_2d(np.asarray(X, dtype=float)), "X")
    Ym = Xm if Y is None else as_matrix(np.atleast_2d(np.asarray(Y, dtype=float)), "Y")
    if Xm.shape[1] != Ym.shape[1]:
        raise ValueError(f"X and Y must have vectors of the same length, got {Xm.shape[1]} and {Ym.shape[1]}")

    def unit_rows(M: np.ndarray, name: str) -> np.ndarray:
        big = np.abs(M).max(axis=1, keepdims=True)
        if np.any(big == 0):
            row = int(np.flatnonzero(big[:, 0] == 0)[0])
            raise ValueError(f"{name} has a zero vector (row {row}): a zero vector has no direction, "
                             "so its cosine similarity is undefined")
        return M / big

    U = unit_rows(Xm, "X")
    V = U if Y is None else unit_rows(Ym, "Y")
    # x·y / sqrt(‖x‖² ‖y‖²): one square root, so parallel vectors with exact squares give exactly 1.
    C = np.clip((U @ V.T) / np.sqrt(np.outer(np.sum(U * U, axis=1), np.sum(V * V, axis=1))), -1.0, 1.0)
    return float(C[0, 0]) + 0.0 if vectors else C


def least_squares(A: ArrayLike, b: ArrayLike, tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares solution of ``A x ≈ b``: the ``x`` whose ``A x`` is the projection of ``b`` onto C(A).

    Solved through the SVD (as :func:`numpy.linalg.lstsq`), never through the
    normal equations ``AᵀA x = Aᵀb``, whose matrix has the *square* of A's
    condition number. When the columns of ``A`` are dependent many ``x`` fit
    equally well; this returns the one of smallest norm.

    Parameters
    ----------
    A : array_like, shape (m, n)
    b : array_like, shape (m,)
    tol : float, optional
        See :func:`rank`.

    Returns
    -------
    x : numpy.ndarray, shape (n,)
        The minimum-norm least-squares solution.
    r : numpy.ndarray, shape (m,)
        The residual ``b − A x``, orthogonal to every column of ``A``.

    Examples
    --------
    >>> X = [[1, 0], [1, 1], [1, 2]]             # intercept and slope for x = 0, 1, 2
    >>> w, r = least_squares(X, [1, 2, 4])
    >>> w.round(4).tolist(), r.round(4).tolist()
    ([0.8333, 1.5], [0.1667, -0.3333, 0.1667])
    """
    from lalib.linalg.subspaces import rank as _rank

    Am = as_matrix(A, "A")
    bv = as_vector(b, "b")
    if bv.shape[0] != Am.shape[0]:
        raise ValueError(f"b has {bv.shape[0]} entries, but A has {Am.shape[0]} rows (shape {Am.shape})")
    U, s, Vt = np.linalg.svd(Am, full_matrices=False)
    r = _rank(Am, tol)
    x = Vt[:r].conj().T @ ((U[:, :r].conj().T @ bv) / s[:r])
    return x, bv - Am @ x
