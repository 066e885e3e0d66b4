"""Coordinates in a basis, change of basis, and independent columns.

A *basis* of a subspace is a linearly independent set of vectors that spans
it; here, as everywhere in :mod:`lalib.linalg`, the vectors are the columns of
a matrix ``B``. The *coordinates* of a vector ``x`` in that basis are the
unique numbers ``c`` with ``B @ c == x``. This module computes them (and says
why they do not exist when ``B`` is not a basis or ``x`` lies outside its
span), converts coordinates from one basis to another, and picks a basis of a
span out of redundant columns (the *pivot columns*, left to right).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

from lalib.linalg.subspaces import default_tol, rank
from lalib.validation import as_matrix

__all__ = ["NotABasisError", "is_independent", "basis_coordinates", "change_of_basis", "pivot_columns"]


class NotABasisError(ValueError):
    """The columns given as a basis are linearly dependent, so coordinates are not unique."""


def _tol(M: np.ndarray, tol: float | None, name: str = "tol") -> float:
    if tol is None:
        return default_tol(M)
    if isinstance(tol, bool) or not isinstance(tol, Real) or not np.isfinite(tol) or tol < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {tol!r}")
    return float(tol)


def is_independent(vectors: ArrayLike, tol: float | None = None) -> bool:
    """Whether the columns of ``vectors`` are linearly independent.

    They are exactly when the only combination equal to zero has every
    coefficient zero, i.e. when the rank equals the number of columns.

    Parameters
    ----------
    vectors : array_like, shape (n, k)
        The vectors, as columns.
    tol : float, optional
        Singular values ``<= tol`` count as zero (default
        :func:`~lalib.linalg.subspaces.default_tol`).

    Returns
    -------
    bool

    Examples
    --------
    >>> is_independent([[1, 2], [2, 3]])        # columns (1, 2) and (2, 3)
    True
    >>> is_independent([[1, 2], [2, 4]])        # (2, 4) = 2 (1, 2)
    False
    >>> is_independent([[1, 0, 1], [0, 1, 1]])  # three vectors in R^2
    False
    """
    V = as_matrix(vectors, "vectors")
    return rank(V, _tol(V, tol)) == V.shape[1]


def basis_coordinates(basis: ArrayLike, x: ArrayLike, tol: float | None = None, *, span_rtol: float = 1e-9) -> np.ndarray:
    """The coordinates ``c`` of ``x`` in a basis: the unique solution of ``basis @ c = x``.

    Parameters
    ----------
    basis : array_like, shape (n, k)
        The basis vectors as columns; they must be linearly independent
        (``k <= n``; ``k < n`` is a basis of a subspace of ``R^n``).
    x : array_like, shape (n,)
        The vector; it must lie in the span of the basis.
    tol : float, optional
        Singular values of ``basis`` at or below ``tol`` count as zero when
        deciding independence (default :func:`~lalib.linalg.subspaces.default_tol`).
    span_rtol : float
        For ``k < n``: ``x`` counts as in the span when the least-squares
        residual ``||basis @ c - x|| <= span_rtol * ||x||``.

    Returns
    -------
    numpy.ndarray, shape (k,)

    Raises
    ------
    NotABasisError
        If the columns of ``basis`` are dependent (parallel vectors in the
        plane, say): then ``x`` has either no coordinates or infinitely many.
    ValueError
        If ``x`` has the wrong length or lies outside the span of ``basis``.

    Examples
    --------
    >>> basis_coordinates([[2, 1], [1, 1]], [3, 1])        # 2 (2, 1) - 1 (1, 1) = (3, 1)
    array([ 2., -1.])
    >>> basis_coordinates(np.eye(3), [4, 5, 6])           # the standard basis: the entries themselves
    array([4., 5., 6.])
    >>> basis_coordinates([[1, 2], [2, 4]], [1, 1])
    Traceback (most recent call last):
    ...
    lalib.linalg.coordinates.NotABasisError: the 2 columns of basis are linearly dependent (rank 1), so they are not a basis: coordinates would not be unique
    """
    B = as_matrix(basis, "basis")
    v = np.asarray(x)
    if v.ndim == 2 and 1 in v.shape:
        v = v.reshape(-1)
    if v.ndim != 1:
        raise ValueError(f"x must be a vector, got an array of shape {v.shape}")
    v = as_matrix(v[:, None], "x")[:, 0]
    n, k = B.shape
    if v.shape[0] != n:
        raise ValueError(f"x has length {v.shape[0]}, but the basis vectors have length {n}")
    r = rank(B, _tol(B, tol))
    if r < k:
        raise NotABasisError(f"the {k} columns of basis are linearly dependent (rank {r}), so they are not a "
                             "basis: coordinates would not be unique")
    if k == n:  # n independent vectors span all of R^n: every x has coordinates
        return np.linalg.solve(B, v)
    c = np.linalg.lstsq(B, v, rcond=None)[0]
    if np.linalg.norm(B @ c - v) > span_rtol * np.linalg.norm(v):
        raise ValueError("x is not in the span of the basis, so it has no coordinates in it")
    return c


def change_of_basis(old: ArrayLike, new: ArrayLike, tol: float | None = None) -> np.ndarray:
    """The matrix ``P`` that turns coordinates in basis ``old`` into coordinates in basis ``new``.

    If ``x = old @ a`` then ``x = new @ (P @ a)``: ``P = new⁻¹ old`` for
    square bases, and in general the coordinates of each ``old`` vector in
    ``new``. Both must be bases of the same subspace.

    Parameters
    ----------
    old, new : array_like, shape (n, k)
        Two bases (as columns) of the same subspace of ``R^n``.
    tol : float, optional
        As in :func:`basis_coordinates`.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        Invertible; ``change_of_basis(new, old)`` is its inverse.

    Raises
    ------
    NotABasisError
        If either set of columns is dependent.
    ValueError
        If the two do not span the same subspace.

    Examples
    --------
    >>> old, new = np.eye(2), np.array([[2.0, 1], [1, 1]])
    >>> P = change_of_basis(old, new)
    >>> P
    array([[ 1., -1.],
           [-1.,  2.]])
    >>> new @ (P @ [3, 1])                       # the same vector, in its new coordinates
    array([3., 1.])
    """
    A = as_matrix(old, "old")
    N = as_matrix(new, "new")
    if A.shape != N.shape:
        raise ValueError(f"old and new must have the same shape (bases of one subspace), got {A.shape} and {N.shape}")
    for M, name in ((A, "old"), (N, "new")):
        r = rank(M, _tol(M, tol))
        if r < M.shape[1]:
            raise NotABasisError(f"the {M.shape[1]} columns of {name} are linearly dependent (rank {r}), "
                                 "so they are not a basis")
    try:
        return np.column_stack([basis_coordinates(N, A[:, j], tol) for j in range(A.shape[1])])
    except NotABasisError:  # pragma: no cover - ruled out above
        raise
    except ValueError:
        raise ValueError("old and new do not span the same subspace: a vector of old is not a combination of "
                         "new") from None


def pivot_columns(A: ArrayLike, tol: float | None = None) -> list[int]:
    """Indices of the pivot columns: a basis of the column space picked from ``A``'s own columns.

    Read left to right, a column is kept when it is not a combination of the
    columns kept before it. The kept columns are independent and span the
    same space as all of them, so they are a basis of ``C(A)`` and their
    number is the rank. They are the pivot columns of the reduced row echelon
    form (:func:`~lalib.linalg.subspaces.rref`), decided here by singular
    values, which rounding does not fool.

    Parameters
    ----------
    A : array_like, shape (m, n)
    tol : float, optional
        Singular values ``<= tol`` count as zero; default
        :func:`~lalib.linalg.subspaces.default_tol` of the whole of ``A``,
        so every test is on one scale.

    Returns
    -------
    list of int
        Increasing column indices; empty for a zero matrix.

    Examples
    --------
    >>> pivot_columns([[1, 2, 0, 1], [2, 4, 1, 3]])   # column 1 = 2 * column 0; column 3 = column 0 + column 2
    [0, 2]
    >>> pivot_columns(np.zeros((2, 3)))
    []
    """
    M = as_matrix(A, "A")
    t = _tol(M, tol)
    kept: list[int] = []
    for j in range(M.shape[1]):
        if len(kept) == M.shape[0]:
            break
        if rank(M[:, kept + [j]], t) > len(kept):
            kept.append(j)
    return kept
