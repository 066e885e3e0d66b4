"""Orthogonal projection onto a line or a subspace, and QR by Gram–Schmidt.

The numerical routines of the orthogonality chapter (05): the projection of a
vector onto a line and onto a column space, with its residual, and classical
and modified Gram–Schmidt with a measure of lost orthogonality.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lalib.linalg.subspaces import column_space
from lalib.validation import as_matrix, as_vector

__all__ = ["project_onto_vector", "project_onto_subspace", "orthogonality_error", "gram_schmidt"]


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
