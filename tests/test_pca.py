"""Tests for lalib.pca.PCA against scikit-learn's PCA and against the
definitions (covariance with 1/(n-1), encoder/decoder, projection)."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.decomposition
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError

import matrices
from matrices import kinds, seeds

from lalib.pca import PCA

SETTINGS = settings(max_examples=30, deadline=None)


def make_data(kind: str, n: int, p: int, seed: int) -> np.ndarray:
    """The shared test matrices with scaled columns, singular values 10 .. 1e-8, far from the origin."""
    rng = np.random.default_rng(seed)
    offset = rng.uniform(-5, 5, p)  # data far from the origin: centering matters
    if kind == "random":  # features of different scales
        X = rng.standard_normal((n, p)) * rng.uniform(0.1, 3, p)
    else:
        X = matrices.make_matrix(kind, n, p, rng, sv_range=(10.0, 1e-8))
    return X + offset


# Tall (n >> p, 'covariance_eigh' under auto), square-ish and wide shapes.
shapes = st.one_of(
    st.tuples(st.integers(2, 60), st.integers(1, 30)),
    st.tuples(st.integers(40, 120), st.integers(1, 4)),
)


def well_separated(variance: np.ndarray, rel_gap: float = 1e-4) -> np.ndarray:
    """Indices of components whose variance is distinct from its neighbours' (so the direction is unique)."""
    lam = np.asarray(variance)
    if lam.size == 0 or lam[0] <= 0:
        return np.array([], dtype=int)
    padded = np.concatenate([[np.inf], lam, [-np.inf]])
    gap = np.minimum(padded[:-2] - padded[1:-1], padded[1:-1] - padded[2:])
    return np.flatnonzero((gap > rel_gap * lam[0]) & (lam > 1e-6 * lam[0]))


def assert_same_up_to_sign(A, B, atol):
    """Rows of A and B agree once each row of A is given B's sign."""
    signs = np.sign(np.sum(A * B, axis=1))
    signs[signs == 0] = 1
    np.testing.assert_allclose(A * signs[:, None], B, atol=atol)


# --------------------------------------------------------------------------
# Agreement with scikit-learn
# --------------------------------------------------------------------------
@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, solver=st.sampled_from(["auto", "full", "covariance_eigh"]), data=st.data())
def test_matches_sklearn_exact_solvers(kind, shape, seed, solver, data):
    n, p = shape
    X = make_data(kind, n, p, seed)
    k = data.draw(st.one_of(st.none(), st.integers(1, min(n, p))))
    ours = PCA(k, svd_solver=solver).fit(X)
    ref = sklearn.decomposition.PCA(k, svd_solver=solver).fit(X)
    scale = max(ref.explained_variance_[0], 1e-300)
    assert ours.n_components_ == ref.n_components_
    assert ours.components_.shape == ref.components_.shape == (ours.n_components_, p)
    np.testing.assert_allclose(ours.mean_, ref.mean_, atol=1e-12 * np.abs(X).max())
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, atol=1e-9 * scale)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, atol=1e-9)
    # Singular values near zero are only known to the rounding of centring and of
    # XᵀX, about sqrt(eps·n)·max|X| (scikit-learn's XᵀX − nμμᵀ loses more):
    # compare them to that level, the rest tightly.
    floor = 10 * np.sqrt(np.finfo(float).eps * n) * np.abs(X).max()
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_,
                               atol=max(1e-7 * np.sqrt(scale * n), floor))
    # Probabilistic PCA's noise level: the mean of the discarded eigenvalues of
    # the p×p covariance. scikit-learn agrees when n > p; for n <= p its solvers
    # disagree with each other (some divide by min(n, p) - k), so compare with
    # the definition there.
    eig = np.sort(np.linalg.eigvalsh(np.cov(X, rowvar=False).reshape(p, p)))[::-1]
    mle = eig[ours.n_components_:].clip(0).mean() if ours.n_components_ < p else 0.0
    assert ours.noise_variance_ == pytest.approx(mle, abs=1e-9 * scale)
    if n > p:
        assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, abs=1e-9 * scale)
    if solver != "auto":
        assert ours.svd_solver_ == solver
    # Directions are unique (up to sign) only where the variance is not repeated.
    idx = well_separated(ref.explained_variance_)
    assert_same_up_to_sign(ours.components_[idx], ref.components_[idx], atol=1e-5)
    # Our sign rule: the largest-magnitude entry of each component is positive.
    C = ours.components_[idx]
    assert np.all(C[np.arange(len(idx)), np.argmax(np.abs(C), axis=1)] > 0)
    # Codes agree column by column up to the same signs.
    Z, Zref = ours.transform(X)[:, idx], ref.transform(X)[:, idx]
    assert_same_up_to_sign(Z.T, Zref.T, atol=1e-5 * np.sqrt(scale) * 10)


@settings(max_examples=25, deadline=None)
@given(kind=kinds, shape=shapes, seed=seeds, fraction=st.floats(0.05, 0.99))
def test_float_n_components_matches_sklearn(kind, shape, seed, fraction):
    X = make_data(kind, *shape, seed)
    ours = PCA(fraction).fit(X)
    ref = sklearn.decomposition.PCA(fraction).fit(X)
    ratio = ref.explained_variance_ratio_
    # Skip the knife-edge where a cumulated ratio equals the fraction to rounding error.
    full = sklearn.decomposition.PCA().fit(X).explained_variance_ratio_
    if np.min(np.abs(np.cumsum(full) - fraction)) < 1e-9:
        return
    assert ours.n_components_ == ref.n_components_
    # The fewest components whose cumulated ratio exceeds the fraction.
    assert np.sum(ours.explained_variance_ratio_) > fraction
    assert ours.n_components_ == 1 or np.sum(ours.explained_variance_ratio_[:-1]) <= fraction
    np.testing.assert_allclose(ours.explained_variance_ratio_, ratio, atol=1e-9)


def test_matches_sklearn_on_digits():
    X = load_digits().data
    for k in [2, 10, 0.95]:
        ours = PCA(k).fit(X)
        ref = sklearn.decomposition.PCA(k).fit(X)
        assert ours.svd_solver_ == "covariance_eigh" == ref._fit_svd_solver
        assert ours.n_components_ == ref.n_components_
        np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-10)
        # Same sign rule as scikit-learn: equal, not just equal up to sign.
        np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-8)
        np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-7)
        np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), ref.inverse_transform(ref.transform(X)), atol=1e-7)


@pytest.mark.parametrize(
    "shape, k, expected",
    [
        ((1000, 50), 5, "covariance_eigh"),
        ((300, 200), 5, "full"),
        ((600, 700), 20, "randomized"),
        ((600, 700), 550, "full"),
        ((600, 700), 0.5, "full"),
        ((2000, 600), 10, "randomized"),
    ],
)
def test_auto_solver_choice_matches_sklearn(shape, k, expected):
    X = np.random.default_rng(0).standard_normal(shape)
    ours = PCA(k, random_state=0).fit(X)
    ref = sklearn.decomposition.PCA(k, random_state=0).fit(X)
    assert ours.svd_solver_ == ref._fit_svd_solver == expected


@pytest.mark.parametrize("shape", [(800, 600), (600, 800)])
def test_randomized_solver_close_to_exact(shape):
    rng = np.random.default_rng(5)
    n, p = shape
    # 10 strong directions plus noise: what the randomized solver is for.
    X = rng.standard_normal((n, 10)) @ (rng.standard_normal((10, p)) * 3) + rng.standard_normal((n, p)) * 0.1 + 7
    ours = PCA(10, svd_solver="randomized", random_state=0).fit(X)
    exact = sklearn.decomposition.PCA(10, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.explained_variance_, exact.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(ours.explained_variance_ratio_, exact.explained_variance_ratio_, rtol=1e-8)
    np.testing.assert_allclose(ours.components_, exact.components_, atol=1e-6)
    # The noise level does not depend on the solver (see test_matches_sklearn_exact_solvers for n <= p).
    assert ours.noise_variance_ == pytest.approx(PCA(10, svd_solver="full").fit(X).noise_variance_, rel=1e-6)
    if n > p:
        assert ours.noise_variance_ == pytest.approx(exact.noise_variance_, rel=1e-6)
    auto = PCA(10, random_state=0).fit(X)
    assert auto.svd_solver_ == "randomized"


# --------------------------------------------------------------------------
# The definitions
# --------------------------------------------------------------------------
@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds)
def test_explained_variance_is_covariance_eigenvalues(kind, shape, seed):
    """σᵢ²/(n-1) equals the eigenvalues of the sample covariance: the lecture's "σᵢ²" is off by n-1."""
    n, p = shape
    X = make_data(kind, n, p, seed)
    pca = PCA(svd_solver="full").fit(X)
    cov = np.atleast_2d(np.cov(X, rowvar=False))  # ddof=1
    eig = np.sort(np.linalg.eigvalsh(cov))[::-1][: pca.n_components_]
    scale = max(eig[0], 1e-300)
    np.testing.assert_allclose(pca.explained_variance_, eig, atol=1e-9 * scale)
    np.testing.assert_allclose(pca.explained_variance_, pca.singular_values_**2 / (n - 1), atol=1e-12 * scale)
    # All components together explain all the variance.
    assert np.sum(pca.explained_variance_ratio_) == pytest.approx(1.0) or np.trace(cov) == 0
    assert np.sum(pca.explained_variance_) == pytest.approx(np.trace(cov), abs=1e-9 * scale * p)
    # Each direction is an eigenvector of the covariance: C v = λ v.
    for i in well_separated(pca.explained_variance_):
        v = pca.components_[i]
        np.testing.assert_allclose(cov @ v, pca.explained_variance_[i] * v, atol=1e-8 * scale)


@SETTINGS
@given(kind=kinds, shape=shapes, seed=seeds, data=st.data())
def test_encoder_decoder(kind, shape, seed, data):
    n, p = shape
    X = make_data(kind, n, p, seed)
    k = data.draw(st.integers(1, min(n, p)))
    pca = PCA(k).fit(X)
    D = pca.components_.T  # p × k, orthonormal columns
    np.testing.assert_allclose(D.T @ D, np.eye(pca.n_components_), atol=1e-10)
    codes = pca.transform(X)
    np.testing.assert_allclose(codes, (X - pca.mean_) @ D, atol=1e-10 * np.abs(X).max())  # f(x) = Dᵀ(x - mean)
    recon = pca.inverse_transform(codes)
    np.testing.assert_allclose(recon, codes @ D.T + pca.mean_, atol=1e-10 * np.abs(X).max())  # g(c) = Dc + mean
    # g∘f is the orthogonal projection onto the affine subspace: f(g(c)) = c, residual ⟂ D.
    np.testing.assert_allclose(pca.transform(recon), codes, atol=1e-8 * np.abs(X).max())
    resid = X - recon
    assert np.abs(resid @ D).max() <= 1e-8 * np.abs(X).max() * n
    # The squared reconstruction error is the variance thrown away, times n - 1.
    full = PCA(svd_solver="full").fit(X)
    lost = np.sum(full.explained_variance_[pca.n_components_:]) * (n - 1)
    assert np.sum(resid**2) == pytest.approx(lost, abs=1e-8 * np.sum((X - X.mean(0)) ** 2) + 1e-12)
    np.testing.assert_allclose(PCA(k).fit_transform(X), codes, atol=1e-8 * np.abs(X).max())


def test_centering_matters():
    """Without centering (the seed's f(x) = Dᵀx) the first direction points at the mean, not along the spread."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(100, 0.1, 500), rng.normal(0, 5, 500)])
    pca = PCA(1).fit(X)
    np.testing.assert_allclose(np.abs(pca.components_[0]), [0, 1], atol=1e-2)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)  # uncentered
    np.testing.assert_allclose(np.abs(Vt[0]), [1, 0], atol=1e-2)


def test_small_example_by_hand():
    X = np.array([[1.0, 2], [3, 4], [5, 6]])  # points on the line y = x + 1
    pca = PCA(1).fit(X)
    np.testing.assert_allclose(pca.mean_, [3, 4])
    np.testing.assert_allclose(pca.components_, [[1 / np.sqrt(2), 1 / np.sqrt(2)]])
    # Centered points (-2,-2), (0,0), (2,2): variance along the line (8 + 0 + 8)/(3 - 1) = 8.
    np.testing.assert_allclose(pca.explained_variance_, [8.0])
    np.testing.assert_allclose(pca.explained_variance_ratio_, [1.0])
    np.testing.assert_allclose(pca.singular_values_, [4.0])
    np.testing.assert_allclose(pca.transform(X).ravel(), [-2 * np.sqrt(2), 0, 2 * np.sqrt(2)])


def test_constant_data_has_zero_variance():
    pca = PCA(1).fit(np.ones((5, 3)))
    np.testing.assert_allclose(pca.explained_variance_, [0.0])
    np.testing.assert_allclose(pca.explained_variance_ratio_, [0.0])


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, X, err, match",
    [
        ({"n_components": 4}, np.ones((10, 3)), ValueError,
         r"n_components must be between 1 and min\(n_samples, n_features\) = 3 for X of shape \(10, 3\), got n_components=4"),
        ({"n_components": 0}, np.ones((10, 3)), ValueError, "n_components must be between 1"),
        ({"n_components": 1.5}, np.ones((10, 3)), ValueError, r"float n_components must be in the open interval \(0, 1\)"),
        ({"n_components": True}, np.ones((10, 3)), TypeError, "n_components must be an int"),
        ({"n_components": "mle"}, np.ones((10, 3)), TypeError, "n_components must be an int"),
        ({"svd_solver": "arpack"}, np.ones((10, 3)), ValueError, "svd_solver must be one of"),
        ({"n_components": 0.5, "svd_solver": "randomized"}, np.ones((10, 3)), ValueError, "needs an integer n_components"),
        ({}, np.ones((1, 3)), ValueError, r"X must have at least 2 samples.*shape \(1, 3\)"),
        ({}, [[1, np.nan], [2, 3]], ValueError, "X contains NaN"),
        ({}, [1, 2, 3], ValueError, r"X must be a 2-D matrix, got a 1-D array of shape \(3,\)"),
        ({}, [["a", "b"], ["c", "d"]], TypeError, "X must be numeric"),
    ],
)
def test_fit_errors(kwargs, X, err, match):
    with pytest.raises(err, match=match):
        PCA(**kwargs).fit(X)


def test_transform_errors():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        PCA(1).transform(np.ones((2, 2)))
    with pytest.raises(NotFittedError):
        PCA(1).inverse_transform(np.ones((2, 1)))
    pca = PCA(2).fit(np.random.default_rng(0).standard_normal((10, 3)))
    with pytest.raises(ValueError, match=r"X has 4 features \(shape \(2, 4\)\), but PCA was fitted with 3"):
        pca.transform(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"codes has 3 columns \(shape \(2, 3\)\), but PCA has 2 components"):
        pca.inverse_transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="codes contains NaN"):
        pca.inverse_transform([[np.nan, 1.0]])
