"""Eigenvalues and eigenvectors: power iteration with deflation, and diagonalization.

The numerical routines of the eigenvalue chapter (06). Eigenvectors are only
defined up to sign (or a unit phase): both routines fix it by the one
convention of :func:`~lalib.linalg.signs.svd_flip`, the largest-magnitude
entry of each vector real and positive.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

from lalib import exceptions
from lalib.linalg.signs import svd_flip
from lalib.validation import as_matrix, check_int, check_random_state

__all__ = ["power_iteration", "diagonalize"]


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
    k = check_int(k, "k", 1, n)
    max_iter = check_int(max_iter, "max_iter", 1)
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got tol={tol!r}")
    rng = check_random_state(random_state)
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
                exceptions.ConvergenceWarning,  # imports scikit-learn now, not with lalib
                stacklevel=2,
            )
        values[j], vectors[:, j] = lam, v
        B = B - lam * np.outer(v, v)  # Hotelling deflation
    return values, svd_flip(vectors, vectors.T)[0]  # the one sign convention


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
    P = P / np.linalg.norm(P, axis=0)
    P = svd_flip(P, P.conj().T)[0]  # the one sign convention (a unit phase when complex)
    return P, np.diag(w)
