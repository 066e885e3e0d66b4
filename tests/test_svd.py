"""Tests for lalib.svd: truncated and randomized SVD, low-rank approximation,
compression figures and the Eckart–Young check, against numpy, scipy and
scikit-learn on random, rank-deficient, tall, wide and ill-conditioned input.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.extmath import randomized_svd as sk_randomized_svd

import matrices
from matrices import kinds, seeds

from lalib.svd import (
    Compression,
    EckartYoungCheck,
    compression_stats,
    compression_table,
    eckart_young_check,
    low_rank_approx,
    randomized_svd,
    svd_flip,
    truncated_svd,
)

SETTINGS = settings(max_examples=30, deadline=None)


def make_matrix(kind: str, m: int, n: int, seed: int) -> np.ndarray:
    """The shared factory at this file's difficulty: rank min(m, n) // 3, singular values 1 .. 1e-12."""
    return matrices.make_matrix(kind, m, n, seed, sv_range=(1.0, 1e-12))


# Square, tall and wide shapes.
shapes = st.tuples(st.integers(1, 40), st.integers(1, 40))


def assert_orthonormal_columns(Q, atol=1e-10):
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=atol)


def best_error(A, k):
    s = np.linalg.svd(A, compute_uv=False)
    return np.sqrt(np.sum(s[k:] ** 2))


# --------------------------------------------------------------------------
# svd_flip and truncated_svd
# --------------------------------------------------------------------------
@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, u_based=st.booleans())
def test_svd_flip_keeps_product_and_fixes_signs(kind, shape, seed, u_based):
    A = make_matrix(kind, *shape, seed)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    U2, Vt2 = svd_flip(U, Vt, u_based=u_based)
    np.testing.assert_allclose((U2 * s) @ Vt2, (U * s) @ Vt, atol=1e-12)
    ref = U2 if u_based else Vt2.T
    assert np.all(ref[np.argmax(np.abs(ref), axis=0), np.arange(ref.shape[1])] > 0)
    # Flipping is idempotent and inputs are not modified.
    U3, Vt3 = svd_flip(U2, Vt2, u_based=u_based)
    np.testing.assert_array_equal(U3, U2)
    np.testing.assert_array_equal(Vt3, Vt2)


@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, data=st.data())
def test_truncated_svd_matches_numpy(kind, shape, seed, data):
    A = make_matrix(kind, *shape, seed)
    k = data.draw(st.integers(1, min(shape)))
    U, s, Vt = truncated_svd(A, k)
    s_ref = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(s, s_ref[:k], atol=1e-12 * s_ref[0])
    assert U.shape == (shape[0], k) and Vt.shape == (k, shape[1])
    assert_orthonormal_columns(U)
    assert_orthonormal_columns(Vt.T)
    np.testing.assert_allclose(np.linalg.norm(A - (U * s) @ Vt), best_error(A, k), atol=1e-10 * s_ref[0])


# --------------------------------------------------------------------------
# randomized_svd
# --------------------------------------------------------------------------
@SETTINGS
@given(shape=st.tuples(st.integers(20, 120), st.integers(20, 120)), r=st.integers(1, 10), seed=seeds, data=st.data())
def test_randomized_svd_exact_on_low_rank(shape, r, seed, data):
    """On a matrix of rank r <= k + oversampling the sketch captures the whole range: exact."""
    rng = np.random.default_rng(seed)
    m, n = shape
    # Well-separated singular values 10, 5, 2.5, ... so the vectors are unique up to sign.
    U0, _ = np.linalg.qr(rng.standard_normal((m, r)))
    V0, _ = np.linalg.qr(rng.standard_normal((n, r)))
    sigma = 10 * 0.5 ** np.arange(r)
    A = (U0 * sigma) @ V0.T
    k = data.draw(st.integers(1, r))
    U, s, Vt = randomized_svd(A, k, random_state=seed)
    np.testing.assert_allclose(s, sigma[:k], rtol=1e-10)
    Ue, se, Vte = truncated_svd(A, k)
    # Same sign convention as truncated_svd, so the vectors agree exactly, signs included.
    np.testing.assert_allclose(U, Ue, atol=1e-8)
    np.testing.assert_allclose(Vt, Vte, atol=1e-8)


@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, data=st.data())
def test_randomized_svd_near_optimal_on_any_matrix(kind, shape, seed, data):
    A = make_matrix(kind, *shape, seed)
    m, n = shape
    k = data.draw(st.integers(1, min(shape)))
    n_iter = data.draw(st.sampled_from(["auto", 2, 4]))
    U, s, Vt = randomized_svd(A, k, n_iter=n_iter, random_state=seed)
    assert U.shape == (m, k) and s.shape == (k,) and Vt.shape == (k, n)
    assert_orthonormal_columns(U, atol=1e-8)
    assert_orthonormal_columns(Vt.T, atol=1e-8)
    assert np.all(np.diff(s) <= 1e-12) and np.all(s >= 0)
    s_ref = np.linalg.svd(A, compute_uv=False)
    # Singular values of QᵀA never exceed those of A (interlacing).
    assert np.all(s <= s_ref[:k] * (1 + 1e-10) + 1e-14)
    err = np.linalg.norm(A - (U * s) @ Vt)
    # Near-optimal: within a few percent of the Eckart–Young error (HMT bounds are
    # much looser; with oversampling and power iterations it is close in practice).
    assert err <= 1.1 * best_error(A, k) + 1e-10 * s_ref[0]
    # No worse than scikit-learn's implementation of the same algorithm.
    Us, ss, Vts = sk_randomized_svd(A, k, n_iter=n_iter, random_state=seed % 2**31)
    assert err <= 1.05 * np.linalg.norm(A - (Us * ss) @ Vts) + 1e-10 * s_ref[0]


@pytest.mark.parametrize("normalizer", ["LU", "QR", "none"])
@pytest.mark.parametrize("shape", [(300, 80), (80, 300)])
def test_randomized_svd_normalizers_and_orientation(normalizer, shape):
    rng = np.random.default_rng(1)
    m, n = shape
    # Rank-15 signal plus noise, the situation the algorithm is built for.
    A = rng.standard_normal((m, 15)) @ rng.standard_normal((15, n)) + 0.01 * rng.standard_normal(shape)
    U, s, Vt = randomized_svd(A, 15, n_iter=3, power_iteration_normalizer=normalizer, random_state=0)
    np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False)[:15], rtol=1e-6)
    assert np.linalg.norm(A - (U * s) @ Vt) <= 1.001 * best_error(A, 15)


@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, data=st.data())
def test_randomized_svd_mixed_precision_as_accurate_as_double(kind, shape, seed, data):
    """Single-precision power iterations + a double-precision last pass lose nothing measurable."""
    A = make_matrix(kind, *shape, seed)
    k = data.draw(st.integers(1, min(shape)))
    n_iter = data.draw(st.integers(1, 5))
    r32 = randomized_svd(A, k, n_iter=n_iter, random_state=seed)
    r64 = randomized_svd(
        A, k, n_iter=n_iter, random_state=seed, power_iteration_dtype="float64", power_iteration_normalizer="LU"
    )
    assert all(x.dtype == np.float64 for x in r32)
    s0 = np.linalg.norm(A, 2)
    e32 = np.linalg.norm(A - low_rank_from(r32))
    e64 = np.linalg.norm(A - low_rank_from(r64))
    assert e32 <= e64 * (1 + 1e-3) + 1e-9 * s0
    np.testing.assert_allclose(r32[1], r64[1], rtol=1e-3, atol=1e-9 * s0)


@pytest.mark.parametrize("scale", [1e-200, 1e-30, 1.0, 1e30, 1e200])
def test_randomized_svd_extreme_scales(scale):
    """Entries far outside single precision's range are scaled before the float32 passes."""
    rng = np.random.default_rng(2)
    base = rng.standard_normal((120, 6)) @ rng.standard_normal((6, 90))
    A = base * scale
    U, s, Vt = randomized_svd(A, 6, random_state=0)
    np.testing.assert_allclose(s / scale, np.linalg.svd(base, compute_uv=False)[:6], rtol=1e-9)
    np.testing.assert_allclose((U * (s / scale)) @ Vt, base, atol=1e-9 * np.abs(base).max())


def test_randomized_svd_power_iterations_help_on_slow_decay():
    rng = np.random.default_rng(0)
    m, n, k = 400, 300, 10
    U0, _ = np.linalg.qr(rng.standard_normal((m, n)))
    V0, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (U0 * (1.0 / np.arange(1, n + 1) ** 0.5)) @ V0.T  # slowly decaying spectrum
    opt = best_error(A, k)
    err0 = np.linalg.norm(A - low_rank_from(randomized_svd(A, k, n_iter=0, random_state=0)))
    err5 = np.linalg.norm(A - low_rank_from(randomized_svd(A, k, n_iter=5, random_state=0)))
    assert err0 > 1.02 * opt  # plain sketch: visibly suboptimal
    assert err5 < err0 and err5 < 1.01 * opt


def low_rank_from(usv):
    U, s, Vt = usv
    return (U * s) @ Vt


def test_randomized_svd_reproducible_and_seed_sensitive():
    A = np.random.default_rng(3).standard_normal((60, 50))
    r1 = randomized_svd(A, 5, n_iter=0, random_state=7)
    r2 = randomized_svd(A, 5, n_iter=0, random_state=np.random.default_rng(7))
    r3 = randomized_svd(A, 5, n_iter=0, random_state=8)
    for a, b in zip(r1, r2):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(r1[1], r3[1])  # a different seed gives a different (approximate) answer


@pytest.mark.parametrize(
    "A, k, kwargs, err, match",
    [
        (np.ones((5, 3)), 4, {}, ValueError, r"k must be between 1 and min\(m, n\) = 3 for a matrix of shape \(5, 3\), got k=4"),
        (np.ones((5, 3)), 0, {}, ValueError, "k must be between 1"),
        (np.ones((5, 3)), 2.0, {}, TypeError, "k must be an integer"),
        (np.ones((5, 3)), 2, {"n_oversamples": -1}, ValueError, "n_oversamples must be a non-negative integer"),
        (np.ones((5, 3)), 2, {"n_iter": "many"}, ValueError, "n_iter must be a non-negative integer or 'auto'"),
        (np.ones((5, 3)), 2, {"n_iter": -2}, ValueError, "n_iter must be"),
        (np.ones((5, 3)), 2, {"power_iteration_normalizer": "SVD"}, ValueError, "power_iteration_normalizer must be"),
        (np.ones((5, 3)), 2, {"random_state": "seed"}, TypeError, "random_state must be"),
        (np.ones((5, 3)), 2, {"power_iteration_dtype": "float16"}, ValueError, "power_iteration_dtype must be"),
        (np.ones(5), 1, {}, ValueError, r"A must be a 2-D matrix, got a 1-D array of shape \(5,\)"),
        (np.full((3, 3), np.nan), 1, {}, ValueError, "A contains NaN"),
        (np.eye(3) * 1j, 1, {}, TypeError, "A must be real"),
    ],
)
def test_randomized_svd_errors(A, k, kwargs, err, match):
    with pytest.raises(err, match=match):
        randomized_svd(A, k, **kwargs)


# --------------------------------------------------------------------------
# low_rank_approx
# --------------------------------------------------------------------------
@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, data=st.data())
def test_low_rank_approx_is_best(kind, shape, seed, data):
    A = make_matrix(kind, *shape, seed)
    k = data.draw(st.integers(1, min(shape)))
    Ak = low_rank_approx(A, k)
    s = np.linalg.svd(A, compute_uv=False)
    assert Ak.shape == A.shape
    assert np.linalg.matrix_rank(Ak, tol=1e-9 * s[0]) <= k
    np.testing.assert_allclose(np.linalg.norm(A - Ak), best_error(A, k), atol=1e-10 * s[0])
    np.testing.assert_allclose(np.linalg.norm(A - Ak, 2), s[k] if k < len(s) else 0.0, atol=1e-10 * s[0])
    # A random rank-k matrix through the same rows' space does not do better.
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((shape[0], k)) @ rng.standard_normal((k, shape[1]))
    assert np.linalg.norm(A - Ak) <= np.linalg.norm(A - B) + 1e-12


def test_low_rank_approx_full_rank_gives_back_A():
    A = make_matrix("random", 7, 5, 0)
    np.testing.assert_allclose(low_rank_approx(A, 5), A, atol=1e-12)
    R = make_matrix("rank_deficient", 9, 9, 1)  # rank 3
    np.testing.assert_allclose(low_rank_approx(R, 3), R, atol=1e-10)


def test_low_rank_approx_errors():
    with pytest.raises(ValueError, match=r"k must be between 1 and min\(m, n\) = 2.*shape \(2, 4\), got k=3"):
        low_rank_approx(np.ones((2, 4)), 3)
    with pytest.raises(ValueError, match="A contains NaN"):
        low_rank_approx([[1, np.nan], [0, 1]], 1)


# --------------------------------------------------------------------------
# Compression figures
# --------------------------------------------------------------------------
@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds)
def test_compression_table_figures(kind, shape, seed):
    A = make_matrix(kind, *shape, seed)
    m, n = shape
    ks = list(range(1, min(shape) + 1))
    rows = compression_table(A, ks)
    for row in rows:
        assert isinstance(row, Compression)
        assert row.shape == (m, n)
        assert row.original_storage == m * n
        assert row.compressed_storage == row.k * (m + n + 1)
        assert row.compression_ratio == pytest.approx(m * n / (row.k * (m + n + 1)))
        assert row.saves_space == (row.k * (m + n + 1) < m * n)
        measured = np.linalg.norm(A - low_rank_approx(A, row.k)) / np.linalg.norm(A)
        assert row.relative_error == pytest.approx(measured, abs=1e-9)
        assert row.relative_error**2 + row.energy == pytest.approx(1.0, abs=1e-12)
    energies = [r.energy for r in rows]
    assert np.all(np.diff(energies) >= -1e-15) and energies[-1] == pytest.approx(1.0)
    assert compression_stats(A, ks[0]) == rows[0]


def test_compression_of_the_seed_image_size():
    """The seed's 256×256 study: full rank 256 stores 200% of the original, not less."""
    A = np.random.default_rng(0).standard_normal((256, 256))
    full = compression_stats(A, 256)
    assert full.compressed_storage == 256 * 513
    assert 1 / full.compression_ratio == pytest.approx(2.0039, abs=1e-4)
    assert not full.saves_space
    # Break-even: k(m + n + 1) < mn  <=>  k <= 127 here.
    assert compression_stats(A, 127).saves_space and not compression_stats(A, 128).saves_space


def test_compression_stats_rank_one_and_errors():
    c = compression_stats(np.outer(np.arange(1, 5), np.arange(1, 4)), 1)
    assert c.relative_error == pytest.approx(0.0, abs=1e-14) and c.energy == pytest.approx(1.0)
    with pytest.raises(ValueError, match="got k=5"):
        compression_table(np.eye(4), [1, 5])
    with pytest.raises(TypeError, match="k must be an integer"):
        compression_stats(np.eye(4), 1.5)
    with pytest.raises(ValueError, match="A must not be empty"):
        compression_stats(np.zeros((0, 3)), 1)


def test_compression_is_frozen_dataclass():
    c = compression_stats(np.eye(3), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.k = 2


# --------------------------------------------------------------------------
# Eckart–Young
# --------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(kind=kinds, shape=st.tuples(st.integers(2, 25), st.integers(2, 25)), seed=seeds, data=st.data())
def test_eckart_young_check_holds(kind, shape, seed, data):
    A = make_matrix(kind, *shape, seed)
    k = data.draw(st.integers(1, min(shape)))
    check = eckart_young_check(A, k, n_trials=10, random_state=seed)
    s = np.linalg.svd(A, compute_uv=False)
    assert check.holds
    assert check.k == k and check.n_trials == 10
    assert check.frobenius_predicted == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), abs=1e-12 * s[0])
    assert check.spectral_predicted == pytest.approx(s[k] if k < len(s) else 0.0, abs=1e-12 * s[0])
    assert check.frobenius_error == pytest.approx(check.frobenius_predicted, abs=1e-9 * s[0])
    assert check.spectral_error == pytest.approx(check.spectral_predicted, abs=1e-9 * s[0])
    assert check.best_other_frobenius >= check.frobenius_error - 1e-9 * s[0]
    assert check.best_other_spectral >= check.spectral_error - 1e-9 * s[0]


def test_eckart_young_challengers_come_close():
    """The perturbed challengers approach the optimum: the check is not against straw men."""
    A = make_matrix("random", 20, 15, 4)
    check = eckart_young_check(A, 3, n_trials=40)
    assert check.best_other_frobenius < check.frobenius_error * 1.001


def test_eckart_young_holds_detects_violations():
    good = EckartYoungCheck(3, 2.0, 2.0, 1.0, 1.0, 10, 2.5, 1.2)
    assert good.holds
    assert not dataclasses.replace(good, best_other_frobenius=1.9).holds
    assert not dataclasses.replace(good, best_other_spectral=0.9).holds
    assert not dataclasses.replace(good, frobenius_error=2.1).holds
    assert not dataclasses.replace(good, spectral_error=1.1).holds


def test_eckart_young_errors():
    with pytest.raises(ValueError, match="n_trials must be an integer >= 2"):
        eckart_young_check(np.eye(3), 1, n_trials=1)
    with pytest.raises(ValueError, match=r"k must be between 1 and min\(m, n\) = 3"):
        eckart_young_check(np.eye(3), 4)


# --------------------------------------------------------------------------
# One sign convention, sparse input
# --------------------------------------------------------------------------
@pytest.mark.parametrize("u_based", [True, False])
def test_svd_flip_makes_complex_pivots_real_and_positive(u_based):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 4)) + 1j * rng.standard_normal((6, 4))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    U2, Vt2 = svd_flip(U, Vt, u_based=u_based)
    np.testing.assert_allclose((U2 * s) @ Vt2, A, atol=1e-12)
    ref = U2 if u_based else Vt2.conj().T  # the singular vectors vᵢ are the conjugated rows of Vt
    pivots = ref[np.argmax(np.abs(ref), axis=0), np.arange(ref.shape[1])]
    np.testing.assert_allclose(pivots.imag, 0, atol=1e-12)
    assert np.all(pivots.real > 0)


def test_eigenvectors_follow_svd_flips_convention():
    from lalib.linalg import diagonalize, power_iteration

    A = np.array([[2.0, 1, 0], [1, 3, 1], [0, 1, 4]])
    for V in (diagonalize(A)[0], power_iteration(A, k=3, random_state=0)[1]):
        np.testing.assert_array_equal(V, svd_flip(V, V.T)[0])


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("shape", [(120, 70), (70, 120)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_randomized_svd_sparse_input_matches_dense(fmt, shape, dtype):
    import scipy.sparse as sp

    rng = np.random.default_rng(1)
    dense = rng.standard_normal((shape[0], 8)) @ rng.standard_normal((8, shape[1]))
    dense[rng.random(shape) < 0.7] = 0.0  # 30% of a rank-8 matrix: sparse, with a clear top spectrum
    A = sp.csr_array(dense).asformat(fmt)
    U, s, Vt = randomized_svd(A, 5, random_state=0, power_iteration_dtype=dtype)
    Ud, sd, Vtd = randomized_svd(dense, 5, random_state=0, power_iteration_dtype=dtype)
    atol = 1e-9 if dtype == "float64" else 1e-5  # float32 sums in a different order
    np.testing.assert_allclose(s, sd, rtol=atol)
    np.testing.assert_allclose(U, Ud, atol=atol)
    np.testing.assert_allclose(Vt, Vtd, atol=atol)
    s_exact = np.linalg.svd(dense, compute_uv=False)[:5]
    np.testing.assert_allclose(s, s_exact, rtol=1e-3)


def test_randomized_svd_sparse_errors_name_the_problem():
    import scipy.sparse as sp

    with pytest.raises(ValueError, match="A contains NaN or infinity"):
        randomized_svd(sp.csr_array(np.array([[np.nan, 1.0], [0.0, 1.0]])), 1)
    with pytest.raises(ValueError, match=r"A must not be empty, got shape \(0, 3\)"):
        randomized_svd(sp.csr_array((0, 3)), 1)
    with pytest.raises(ValueError, match=r"k must be between 1 and min\(m, n\) = 2"):
        randomized_svd(sp.eye_array(2, format="csr"), 3)
