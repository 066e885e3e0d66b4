"""Functions of a diagonalizable matrix: powers and the exponential, ``P f(D) P⁻¹``.

In the eigenvector basis a function of a matrix acts on each eigenvalue
alone; :func:`matrix_power` and :func:`matrix_exp` (alias :func:`expm`) are
built on :func:`~lalib.linalg.eigen.diagonalize`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lalib.linalg.eigen import diagonalize
from lalib.linalg.subspaces import default_tol
from lalib.validation import as_matrix, check_int

__all__ = ["matrix_power", "matrix_exp", "expm"]


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
    k = check_int(k, "k")
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
