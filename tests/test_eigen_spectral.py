"""lalib.linalg.spectral against numpy and scipy: the chapter-6 numerics."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lalib.linalg import spectral
from lalib.linalg.spectral import (char_poly_2x2, max_stable_learning_rate, power_iterates, spectral_radius,
                                   stationary_distribution)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def test_doctests():
    assert doctest.testmod(spectral).failed == 0


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, (2, 2), elements=finite))
def test_char_poly_roots_are_scipys_eigenvalues(A):
    tr, det, lam = char_poly_2x2(A)
    assert tr == pytest.approx(np.trace(A)) and det == pytest.approx(np.linalg.det(A), abs=1e-6 * (1 + np.abs(A).max() ** 2))
    ref = scipy.linalg.eigvals(A)
    scale = 1 + np.abs(A).max()
    # the same multiset (eigenvalues of a defective-ish matrix are sensitive: tolerance sqrt(eps))
    for x in lam:
        assert np.min(np.abs(ref - x)) <= 1e-6 * scale
    if np.iscomplexobj(lam):
        assert lam[0].imag > 0 and lam[1] == np.conj(lam[0])
    else:
        assert lam[0] >= lam[1]


def test_char_poly_keeps_small_roots_accurate():
    # lambda^2 - (1e8 + 1e-8) lambda + 1 = 0: roots 1e8 and 1e-8; the textbook formula loses the small one.
    _, _, lam = char_poly_2x2(np.diag([1e8, 1e-8]))
    assert lam[1] == pytest.approx(1e-8, rel=1e-12)


@pytest.mark.parametrize("bad, err", [([[1, 2, 3], [4, 5, 6]], ValueError), (np.eye(3), ValueError),
                                      ([[1j, 0], [0, 1]], TypeError), ([[np.nan, 0], [0, 1]], ValueError)])
def test_char_poly_rejects_bad_input(bad, err):
    with pytest.raises(err, match="A"):
        char_poly_2x2(bad)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: arrays(np.float64, (n, n), elements=finite)))
def test_spectral_radius_matches_numpy(A):
    assert spectral_radius(A) == pytest.approx(np.max(np.abs(np.linalg.eigvals(A))))


def test_power_iterates_converge_to_the_dominant_eigenvector_of_a_nonsymmetric_matrix():
    rng = np.random.default_rng(1)
    V = rng.standard_normal((4, 4))
    A = V @ np.diag([-5.0, 2, 1, 0.5]) @ np.linalg.inv(V)
    X, est = power_iterates(A, rng.standard_normal(4), 200)
    v = V[:, 0] / np.linalg.norm(V[:, 0])
    assert abs(abs(X[-1] @ v) - 1) < 1e-10          # up to sign (lambda < 0 flips it each step)
    assert np.allclose(np.linalg.norm(X, axis=1), 1)
    assert est[-1] == pytest.approx(np.real(v @ A @ v))


def test_power_iterates_survive_huge_entries_and_a_zero_product():
    X, est = power_iterates(np.array([[1e300, 0], [0, 1e299]]), [1, 1], 5)
    assert np.isfinite(X).all() and np.allclose(np.abs(X[-1]), [1, 0], atol=1e-4)
    X, est = power_iterates([[0, 1], [0, 0]], [0, 1], 3)   # A x0 = (1, 0), then A x = 0
    assert X[1].tolist() == [1, 0] and X[3].tolist() == [1, 0] and est[3] == 0


def test_power_iterates_reject_bad_input():
    with pytest.raises(ValueError, match="x0 must be non-zero"):
        power_iterates(np.eye(2), [0, 0], 3)
    with pytest.raises(ValueError, match="length 2"):
        power_iterates(np.eye(2), [1, 0, 0], 3)
    with pytest.raises(ValueError, match="steps"):
        power_iterates(np.eye(2), [1, 0], -1)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 7).flatmap(lambda n: arrays(np.float64, (n, n), elements=st.floats(0.01, 1))))
def test_stationary_distribution_is_fixed_by_P(W):
    P = W / W.sum(axis=1, keepdims=True)           # positive entries: irreducible, pi unique
    pi = stationary_distribution(P)
    assert pi.sum() == pytest.approx(1) and (pi >= 0).all()
    assert np.allclose(pi @ P, pi, atol=1e-10)
    # scipy: the null space of (P^T - I) is the same line
    ns = scipy.linalg.null_space(P.T - np.eye(len(P)), rcond=1e-10)
    assert ns.shape[1] == 1 and np.allclose(ns[:, 0] / ns[:, 0].sum(), pi)


def test_stationary_distribution_rejects_non_stochastic_and_reducible_chains():
    with pytest.raises(ValueError, match="row 1 sums to 0.9"):
        stationary_distribution([[0.5, 0.5], [0.4, 0.5]])
    with pytest.raises(ValueError, match="non-negative"):
        stationary_distribution([[1.5, -0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="reducible"):
        stationary_distribution(np.eye(2))


def test_max_stable_learning_rate_is_where_gradient_descent_starts_to_diverge():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    H = Q @ np.diag([8.0, 3, 1, 0.5, 0.1]) @ Q.T
    H = (H + H.T) / 2
    eta = max_stable_learning_rate(H)
    assert eta == pytest.approx(2 / scipy.linalg.eigvalsh(H).max())

    def final_norm(step):
        x = rng.standard_normal(5)
        for _ in range(500):
            x = x - step * (H @ x)
        return np.linalg.norm(x)

    assert final_norm(0.99 * eta) < 1e-3 and final_norm(1.01 * eta) > 1e3


@pytest.mark.parametrize("bad, match", [([[1, 2], [0, 1]], "symmetric"), ([[1, 0], [0, -1]], "positive definite"),
                                        ([[1, 0, 0]], "square")])
def test_max_stable_learning_rate_rejects_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        max_stable_learning_rate(bad)
