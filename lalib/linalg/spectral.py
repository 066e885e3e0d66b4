"""Eigenvalues at work: the 2×2 characteristic polynomial, power iterates, spectral radius,
Markov chains and the largest stable learning rate.

The numerics of the eigenvalue chapter (06) that :mod:`lalib.linalg.eigen`
(symmetric power iteration with deflation, ``diagonalize``) does not cover:
what a reader computes by hand for a 2×2 matrix, power iteration on a general
matrix step by step, and two applications (a Markov chain's stationary
distribution, gradient descent's step-size limit on a quadratic).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lalib.validation import as_matrix, as_vector, check_int

__all__ = ["char_poly_2x2", "spectral_radius", "power_iterates", "stationary_distribution",
           "max_stable_learning_rate"]


def _square(A: ArrayLike, name: str = "A") -> np.ndarray:
    M = as_matrix(A, name)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"{name} must be square, got shape {M.shape}")
    if np.iscomplexobj(M):
        raise TypeError(f"{name} must be real, got complex entries")
    return M


def char_poly_2x2(A: ArrayLike) -> tuple[float, float, np.ndarray]:
    """Trace, determinant and eigenvalues of a real 2×2 matrix from ``λ² − tr(A) λ + det(A) = 0``.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        A real matrix.

    Returns
    -------
    trace : float
    det : float
    eigenvalues : numpy.ndarray, shape (2,)
        The two roots, real (float64, larger first) when the discriminant
        ``tr² − 4 det`` is at least 0, else a complex-conjugate pair
        (complex128, positive imaginary part first).

    Raises
    ------
    ValueError
        If ``A`` is not 2×2 or holds NaN or infinity.
    TypeError
        If ``A`` is complex.

    Examples
    --------
    >>> t, d, lam = char_poly_2x2([[2, 1], [1, 2]])
    >>> float(t), float(d), lam.tolist()
    (4.0, 3.0, [3.0, 1.0])
    >>> char_poly_2x2([[0, -1], [1, 0]])[2].tolist()      # a rotation: no real eigenvalue
    [1j, -1j]
    """
    M = _square(A)
    if M.shape != (2, 2):
        raise ValueError(f"A must be 2×2, got shape {M.shape}")
    (a, b), (c, d) = M
    tr, det = a + d, a * d - b * c
    # The discriminant as (a − d)² + 4bc: no cancellation when the roots are far apart.
    disc = (a - d) ** 2 + 4 * b * c
    half = tr / 2
    if disc >= 0:
        r = np.sqrt(disc) / 2
        big = half + r if half >= 0 else half - r  # the root without cancellation
        small = det / big if big != 0 else half - r if half >= 0 else half + r
        lam = np.sort(np.array([big, small]))[::-1]
        return float(tr), float(det), lam
    r = np.sqrt(-disc) / 2
    return float(tr), float(det), np.array([complex(half, r), complex(half, -r)])


def spectral_radius(A: ArrayLike) -> float:
    """The largest modulus ``max |λᵢ|`` of the eigenvalues of a square matrix.

    It decides the long run of ``x_{t+1} = A x_t``: every start decays to 0
    when it is below 1, and almost every start grows when it is above 1.

    Examples
    --------
    >>> round(spectral_radius([[0, -2], [2, 0]]), 12)    # eigenvalues ±2i
    2.0
    >>> spectral_radius([[0.5, 10], [0, 0.5]])           # not the norm: that is about 10
    0.5
    """
    return float(np.abs(np.linalg.eigvals(_square(A))).max())


def power_iterates(A: ArrayLike, x0: ArrayLike, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Power iteration ``x_{k+1} = A x_k / ‖A x_k‖`` on any square matrix, every step kept.

    Unlike :func:`lalib.linalg.power_iteration` (symmetric matrices, run to
    convergence), this shows the iteration itself, for any real square
    matrix: its iterates and, at each, the Rayleigh quotient ``xₖᵀ A xₖ`` (the
    eigenvalue estimate for unit ``xₖ``). If ``A xₖ = 0`` the iteration stops
    there: the remaining rows repeat ``xₖ`` with estimate 0.

    Parameters
    ----------
    A : array_like, shape (n, n)
    x0 : array_like, shape (n,)
        A non-zero start.
    steps : int
        How many multiplications, at least 0.

    Returns
    -------
    iterates : numpy.ndarray, shape (steps + 1, n)
        Unit vectors ``x_0, …, x_steps``.
    estimates : numpy.ndarray, shape (steps + 1,)
        ``x_kᵀ A x_k`` for each.

    Raises
    ------
    ValueError
        On a non-square ``A``, a ``x0`` of the wrong length or zero, or negative ``steps``.

    Examples
    --------
    >>> X, est = power_iterates([[2, 1], [1, 2]], [1, 0], 30)
    >>> np.round(X[-1], 6).tolist(), round(float(est[-1]), 6)
    ([0.707107, 0.707107], 3.0)
    """
    M = _square(A)
    x = as_vector(x0, "x0")
    if x.shape != (M.shape[0],):
        raise ValueError(f"x0 must have length {M.shape[0]} to match A, got shape {x.shape}")
    steps = check_int(steps, "steps", 0)
    norm = np.linalg.norm(x)
    if norm == 0:
        raise ValueError("x0 must be non-zero: A 0 = 0 for every A, so the iteration could not start")
    x = x / norm
    iterates, estimates = [x], [float(x @ M @ x)]
    for _ in range(steps):
        y = M @ x
        scale = np.abs(y).max()
        if scale == 0:
            x, estimate = x, 0.0
        else:
            y = y / scale  # scale first: no overflow from huge entries
            x = y / np.linalg.norm(y)
            estimate = float(x @ M @ x)
        iterates.append(x)
        estimates.append(estimate)
    return np.array(iterates), np.array(estimates)


def stationary_distribution(P: ArrayLike, tol: float = 1e-10) -> np.ndarray:
    """The stationary distribution ``π`` of a Markov chain: ``π P = π``, ``π ≥ 0``, ``Σ π = 1``.

    ``π`` is a left eigenvector of ``P`` for the eigenvalue 1 (an eigenvector
    of ``Pᵀ``), scaled to sum to 1. For an irreducible chain it is unique.

    Parameters
    ----------
    P : array_like, shape (n, n)
        Row-stochastic: non-negative entries, each row summing to 1
        (``P[i, j]`` is the probability of moving from state ``i`` to ``j``).
    tol : float
        Tolerance for the row sums.

    Returns
    -------
    numpy.ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``P`` is not square, has a negative entry or a row not summing to 1,
        or if the eigenvalue 1 is repeated (the chain is reducible and
        ``π`` is not unique).

    Examples
    --------
    >>> P = [[0.9, 0.1], [0.5, 0.5]]
    >>> np.round(stationary_distribution(P), 6).tolist()
    [0.833333, 0.166667]
    """
    M = _square(P, "P")
    if (M < 0).any():
        raise ValueError("P must have non-negative entries (they are probabilities)")
    sums = M.sum(axis=1)
    if not np.allclose(sums, 1, rtol=0, atol=tol):
        i = int(np.argmax(np.abs(sums - 1)))
        raise ValueError(f"each row of P must sum to 1, but row {i} sums to {sums[i]:.6g}")
    w, V = np.linalg.eig(M.T)
    near_one = np.abs(w - 1) < 1e-8
    if near_one.sum() != 1:
        raise ValueError("P has the eigenvalue 1 more than once: the chain is reducible and its "
                         "stationary distribution is not unique")
    pi = np.real(V[:, np.argmax(near_one)])
    pi = pi / pi.sum()
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()


def max_stable_learning_rate(H: ArrayLike) -> float:
    """``2 / λ_max(H)``: the step size above which gradient descent on ``½ xᵀHx`` diverges.

    Gradient descent on ``f(x) = ½ xᵀ H x`` is ``x ← (I − η H) x``; along the
    eigenvector of ``λ`` it multiplies by ``1 − ηλ``, so it converges for
    every start exactly when ``|1 − ηλ| < 1`` for every eigenvalue, that is
    ``0 < η < 2 / λ_max``.

    Parameters
    ----------
    H : array_like, shape (n, n)
        Symmetric positive definite (a Hessian at a minimum).

    Raises
    ------
    ValueError
        If ``H`` is not square, not symmetric, or has an eigenvalue ``≤ 0``
        (then no step size makes every start converge).

    Examples
    --------
    >>> max_stable_learning_rate([[10, 0], [0, 1]])
    0.2
    """
    M = _square(H, "H")
    scale = max(float(np.abs(M).max()), np.finfo(float).tiny)
    if not np.allclose(M, M.T, rtol=0, atol=1e-12 * scale):
        raise ValueError("H must be symmetric (a Hessian is)")
    w = np.linalg.eigvalsh((M + M.T) / 2)
    if w[0] <= 0:
        raise ValueError(f"H must be positive definite, but its smallest eigenvalue is {w[0]:.3g}")
    return float(2.0 / w[-1])
