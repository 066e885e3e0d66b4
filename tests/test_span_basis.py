"""lalib.linalg.coordinates (chapter 4's numerics) against numpy, scipy and torch."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.linalg import rank, rref
from lalib.linalg.coordinates import NotABasisError, change_of_basis, basis_coordinates, is_independent, pivot_columns


def random_basis(rng, n, k=None):
    k = n if k is None else k
    while True:
        B = rng.standard_normal((n, k))
        if np.linalg.cond(B) < 1e3:
            return B


@given(st.integers(1, 6), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_coordinates_solve_the_system_like_numpy_scipy_and_torch(n, seed):
    rng = np.random.default_rng(seed)
    B, x = random_basis(rng, n), rng.standard_normal(n)
    c = basis_coordinates(B, x)
    np.testing.assert_allclose(B @ c, x, atol=1e-10)
    np.testing.assert_allclose(c, np.linalg.solve(B, x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(c, scipy.linalg.solve(B, x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(c, torch.linalg.solve(torch.tensor(B), torch.tensor(x)).numpy(), rtol=1e-9, atol=1e-12)


@given(st.integers(2, 6), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_coordinates_in_a_basis_of_a_subspace(n, seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, n))
    B = random_basis(rng, n, k)
    c_true = rng.standard_normal(k)
    np.testing.assert_allclose(basis_coordinates(B, B @ c_true), c_true, rtol=1e-8, atol=1e-10)
    outside = np.linalg.svd(B)[0][:, -1]  # orthogonal to the span
    with pytest.raises(ValueError, match="not in the span"):
        basis_coordinates(B, B @ c_true + outside)


def test_coordinates_refuse_dependent_vectors_and_bad_shapes():
    with pytest.raises(NotABasisError, match="rank 1"):
        basis_coordinates([[1, 2], [2, 4]], [1, 1])
    with pytest.raises(NotABasisError):
        basis_coordinates([[1, 0], [0, 0]], [1, 0])  # a zero vector in the set
    assert issubclass(NotABasisError, ValueError)
    with pytest.raises(ValueError, match="length 3"):
        basis_coordinates(np.eye(2), [1, 2, 3])
    with pytest.raises(ValueError, match="x must be a vector"):
        basis_coordinates(np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match="basis must be a 2-D"):
        basis_coordinates([1, 2], [1, 2])
    with pytest.raises(TypeError):
        basis_coordinates([["a", "b"], ["c", "d"]], [1, 2])
    with pytest.raises(ValueError, match="tol"):
        basis_coordinates(np.eye(2), [1, 2], tol=-1)
    # A column vector is the same vector.
    np.testing.assert_allclose(basis_coordinates(np.eye(2), [[1], [2]]), [1, 2])


@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_change_of_basis_maps_coordinates_and_inverts(n, seed):
    rng = np.random.default_rng(seed)
    old, new = random_basis(rng, n), random_basis(rng, n)
    P = change_of_basis(old, new)
    np.testing.assert_allclose(P, np.linalg.solve(new, old), rtol=1e-8, atol=1e-10)
    a = rng.standard_normal(n)
    np.testing.assert_allclose(new @ (P @ a), old @ a, atol=1e-9)
    np.testing.assert_allclose(P @ change_of_basis(new, old), np.eye(n), atol=1e-9)


def test_change_of_basis_needs_two_bases_of_one_subspace():
    plane = np.array([[1.0, 0], [0, 1], [0, 0]])
    other = np.array([[1.0, 1], [1, -1], [0, 0]])
    np.testing.assert_allclose(other @ change_of_basis(plane, other), plane, atol=1e-12)
    with pytest.raises(ValueError, match="same subspace"):
        change_of_basis(plane, np.array([[1.0, 0], [0, 0], [0, 1]]))
    with pytest.raises(NotABasisError, match="new"):
        change_of_basis(np.eye(2), [[1, 2], [2, 4]])
    with pytest.raises(ValueError, match="same shape"):
        change_of_basis(np.eye(2), np.eye(3))


def test_is_independent_agrees_with_torch_rank():
    rng = np.random.default_rng(4)
    for _ in range(100):
        n, k = rng.integers(1, 5, size=2)
        V = rng.integers(-2, 3, size=(n, k)).astype(float)
        assert is_independent(V) == (int(torch.linalg.matrix_rank(torch.tensor(V))) == k)
    assert not is_independent([[1, 2, 3], [2, 3, 5]])  # three vectors in R^2
    assert is_independent([[1], [0], [0]]) and not is_independent([[0], [0]])


def greedy_reference(A):
    """Pivot columns by exact elimination on small integer matrices (sympy-free)."""
    return rref(A)[1]


@given(st.integers(1, 5), st.integers(1, 7), st.integers(0, 2**32 - 1))
@settings(max_examples=80, deadline=None)
def test_pivot_columns_are_the_rref_pivots_and_a_basis(m, n, seed):
    rng = np.random.default_rng(seed)
    r = int(rng.integers(0, min(m, n) + 1))
    A = (rng.integers(-3, 4, size=(m, r)) @ rng.integers(-3, 4, size=(r, n))).astype(float)
    cols = pivot_columns(A)
    assert cols == greedy_reference(A)
    assert len(cols) == rank(A)
    if cols:
        assert is_independent(A[:, cols])
        # Every column is a combination of the kept ones.
        assert rank(np.column_stack([A[:, cols], A])) == len(cols)


def test_pivot_columns_scale_and_duplicates():
    A = np.array([[0.0, 1, 2, 1, 0], [0, 2, 4, 0, 0], [0, 3, 6, 1, 0]])
    assert pivot_columns(A) == [1, 3]
    assert pivot_columns(A * 1e12) == [1, 3] == pivot_columns(A * 1e-12)
    assert pivot_columns(np.zeros((3, 2))) == []
    assert pivot_columns(np.eye(3)[:, [0, 0, 1, 2, 1]]) == [0, 2, 3]
