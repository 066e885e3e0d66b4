"""lalib.norms against NumPy and PyTorch, on shapes and scales Hypothesis picks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lalib.norms import angle, check_p, frobenius_norm, p_norm, unit_ball

# Zero or at least 1e-100 in size: NumPy and torch underflow on |x|**p for tinier entries (p_norm does not).
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).filter(lambda t: t == 0 or abs(t) > 1e-100)
vectors = arrays(np.float64, st.integers(1, 12), elements=finite)
orders = st.sampled_from([1, 1.5, 2, 3, 7.25, math.inf])


@settings(max_examples=300, deadline=None)
@given(vectors, orders)
def test_p_norm_agrees_with_numpy_and_torch(x, p):
    got = p_norm(x, p)
    assert math.isclose(got, np.linalg.norm(x, p), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(got, torch.linalg.vector_norm(torch.tensor(x), ord=p).item(), rel_tol=1e-10, abs_tol=1e-300)


@settings(max_examples=200, deadline=None)
@given(vectors, vectors, orders, finite)
def test_p_norm_is_a_norm(x, y, p, a):
    """The three axioms, up to rounding: zero only at 0, homogeneity, the triangle inequality."""
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    assert (p_norm(x, p) == 0) == (not np.any(x))
    assert math.isclose(p_norm(a * x, p), abs(a) * p_norm(x, p), rel_tol=1e-12, abs_tol=1e-300)
    assert p_norm(x + y, p) <= (p_norm(x, p) + p_norm(y, p)) * (1 + 1e-12)


def test_p_norm_neither_overflows_nor_underflows():
    assert math.isclose(p_norm([3e200, 4e200]), 5e200, rel_tol=1e-15)
    assert math.isclose(p_norm([3e-200, 4e-200]), 5e-200, rel_tol=1e-15)
    with np.errstate(over="ignore"):
        assert np.isinf(np.sqrt(np.sum(np.array([3e200, 4e200]) ** 2)))  # the naive formula overflows


def test_below_one_is_not_a_norm_and_is_refused():
    # For p = 1/2 the triangle inequality fails: e1 + e2 would be "longer" than the sum of the parts.
    e1, e2 = np.array([1.0, 0]), np.array([0.0, 1])
    quasi = lambda x: np.sum(np.abs(x) ** 0.5) ** 2  # noqa: E731
    assert quasi(e1 + e2) > quasi(e1) + quasi(e2)
    with pytest.raises(ValueError, match="p must be at least 1"):
        p_norm([1, 2], 0.5)
    with pytest.raises(TypeError, match="p must be a real number"):
        p_norm([1, 2], None)
    with pytest.raises(ValueError, match="x must be a 1-D vector"):
        p_norm([[1, 2]])
    assert check_p("inf") == check_p(np.inf) == math.inf


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=finite))
def test_frobenius_agrees_with_numpy_and_torch(A):
    assert math.isclose(frobenius_norm(A), np.linalg.norm(A, "fro"), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(frobenius_norm(A), torch.linalg.matrix_norm(torch.tensor(A), "fro").item(),
                        rel_tol=1e-10, abs_tol=1e-300)


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, 3, elements=st.floats(-100, 100)), arrays(np.float64, 3, elements=st.floats(-100, 100)))
def test_angle_agrees_with_the_cosine_formula(u, v):
    if np.linalg.norm(u) < 1e-3 or np.linalg.norm(v) < 1e-3:
        return
    cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    # Away from 0 and 180 degrees arccos is well conditioned, so the two must agree closely.
    if abs(cos) < 0.99:
        assert abs(angle(u, v) - np.degrees(np.arccos(cos))) < 1e-9
    assert 0 <= angle(u, v) <= 180
    assert math.isclose(angle(u, v, degrees=False), math.radians(angle(u, v)), rel_tol=1e-15)


def test_angle_is_accurate_where_arccos_is_not():
    u = np.array([1.0, 0])
    v = np.array([1.0, 1e-9])  # 1e-9 radians apart
    assert math.isclose(angle(u, v, degrees=False), 1e-9, rel_tol=1e-6)
    naive = np.arccos(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    assert naive == 0.0  # the cosine rounds to 1 and the angle is lost
    with pytest.raises(ValueError, match="same shape"):
        angle([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="v is the zero vector"):
        angle([1, 2], [0, 0])


@pytest.mark.parametrize("p", [1, 1.5, 2, 4, "inf"])
def test_unit_ball_points_have_norm_one_and_hit_the_corners(p):
    B = unit_ball(p, num=64)
    assert B.shape == (65, 2) and np.array_equal(B[0], B[-1])
    assert all(math.isclose(p_norm(x, p), 1.0, rel_tol=1e-12) for x in B)
    assert any(np.allclose(x, [0, 1]) for x in B) and any(np.allclose(x, [-1, 0]) for x in B)
    if p == "inf":
        assert any(np.allclose(x, [1, 1]) for x in B)  # the square's corner
    with pytest.raises(ValueError, match="num"):
        unit_ball(p, num=4)
