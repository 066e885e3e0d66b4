"""The pca question bank: right answers pass in every form the prompts allow (any sign, any length,
either library's route), wrong ones fail with feedback that names the slip and never gives the answer;
the function question packs its pair as plain data, checks n < p, and refuses scikit-learn's PCA."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import lalib.checks.pca as bank_module
from check_samples.pca import (C, LAM, MU, V1, W_PCA, X_REC, _columns, _raw_scores, _scores_unflipped, _sklearn,
                               _uncentred, pca)
from lalib.checks import bank
from lalib.checks.pca import DATA, X_NEW, pack, pca_cases, reference_pca, unpack

Q = bank("pca")
N = len(DATA)


def verdict(qid, answer, rng=None):
    q = Q[qid]
    return q.judge(q.encode(answer, rng=rng))


def test_doctests():
    assert doctest.testmod(bank_module).failed == 0


def test_fifteen_questions_of_every_kind():
    assert len(Q) == 15
    assert {q.kind for q in Q.values()} >= {"number", "choice", "array", "function", "free-text"}


def test_data_sits_away_from_the_origin_so_centring_matters():
    # the bank's data must make the slip visible: the uncentred top direction is far from PC1
    raw = np.linalg.eigh(DATA.T @ DATA)[1][:, -1]
    assert abs(raw @ V1) < 0.9


@pytest.mark.parametrize("answer, needle", [
    (DATA.T @ DATA / (N - 1), "subtract each column's mean"),
    (C * (N - 1) / N, "divides by n"),
    (C * (N - 1), "without the factor"),
    (np.cov(DATA), "shape (6, 6)"),
    (C + np.triu(np.ones((3, 3)), 1), "not symmetric"),
])
def test_covariance_feedback_names_the_slip(answer, needle):
    v = verdict("pca.2", answer)
    assert not v.passed and needle in v.message, v.message


@pytest.mark.parametrize("answer, needle", [
    (LAM[::-1], "ascending"),
    (LAM * (N - 1), "squared singular values"),
    (np.sqrt(LAM * (N - 1)), "singular values σᵢ"),
    (LAM[[1, 0, 2]], "wrong order"),
])
def test_variance_feedback_names_the_slip(answer, needle):
    v = verdict("pca.3", answer)
    assert not v.passed and needle in v.message, v.message


@pytest.mark.parametrize("scale", [1, -1, 0.001, 1e6])
def test_direction_up_to_sign_and_length(scale):
    assert verdict("pca.4", scale * V1).passed


def test_direction_feedback():
    w, V = np.linalg.eigh(C)
    assert "ascending" in verdict("pca.4", V[:, 0]).message
    assert "not the one with the largest" in verdict("pca.4", V[:, 1]).message
    assert "centre the data" in verdict("pca.4", np.linalg.eigh(DATA.T @ DATA)[1][:, -1]).message
    assert "zero vector" in verdict("pca.4", np.zeros(3)).message


def test_variance_from_sigma_mistakes():
    assert "divide by n − 1" in verdict("pca.6", 144).message
    assert verdict("pca.6", 4.0).passed


def test_reconstruction_feedback():
    assert verdict("pca.12", X_REC).passed
    assert "without the mean" in verdict("pca.12", V1 * (V1 @ X_NEW)).message
    assert "add the mean back" in verdict("pca.12", X_REC - MU).message


@pytest.mark.parametrize("length", [0.5, 3.0, -2.0])
def test_reconstruction_names_a_non_unit_direction(length):
    # question 4 accepts v1 at any length; reusing such a v1 here must be named, not called "not the projection"
    v = length * V1 / np.linalg.norm(V1)
    message = verdict("pca.12", MU + v * (v @ (X_NEW - MU))).message
    assert "wrong length" in message and "unit vector" in message
    assert verdict("pca.12", MU + V1 * (V1 @ (X_NEW - MU)) / (V1 @ V1)).passed


def test_whitening_accepts_any_whitener_and_names_a_rotation():
    for W in (W_PCA, np.linalg.inv(np.linalg.cholesky(C)), np.linalg.eigh(C)[1] @ W_PCA):
        assert verdict("pca.13", W).passed
    assert "only rotates" in verdict("pca.13", np.linalg.eigh(C)[1].T).message


def test_whitening_names_the_one_over_n_whitener():
    lam_n, V_n = np.linalg.eigh(np.cov(DATA, rowvar=False, ddof=0))
    message = verdict("pca.13", np.diag(1 / np.sqrt(lam_n)) @ V_n.T).message
    c = N / (N - 1)
    assert f"{c:.4g} times the identity" in message and "1/n" in message
    assert "times the identity" not in verdict("pca.13", W_PCA + 0.3).message   # not a multiple of I: generic


# --- pca(X, k) ---------------------------------------------------------------------------------------
def test_pack_round_trip_and_bad_records():
    A, B = np.arange(6.0).reshape(2, 3), np.ones((4, 2))
    a, b = unpack(pack(A, B))
    assert np.array_equal(a, A) and np.array_equal(b, B)
    assert unpack(np.array([2.0, 3, 4])) is None
    assert unpack(np.array([2.0, 3, 4, 2, 1])) is None          # too short for its shapes
    assert unpack(np.array([-1.0, 3, 4, 2] + [0] * 5)) is None


def test_cases_include_fewer_samples_than_features_and_a_far_mean():
    cases = pca_cases(0)
    shapes = [c.args[0].shape for c in cases]
    assert any(n < p for n, p in shapes)
    assert any(np.abs(c.args[0].mean(axis=0)).min() > 100 for c in cases)
    for c in cases:   # every k is determined: k <= n - 1 and the kept singular values are distinct
        X, k = c.args
        s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
        assert k <= min(X.shape[0] - 1, X.shape[1])
        assert np.all(np.diff(s[:k + 1 if k < len(s) else k]) < -1e-6 * s[0])


def test_reference_matches_sklearn_up_to_sign():
    from sklearn.decomposition import PCA
    for c in pca_cases(3):
        X, k = c.args
        comps, scores = unpack(reference_pca(X, k))
        sk = PCA(k).fit(X)
        signs = np.sign(np.sum(comps * sk.components_, axis=1))
        assert np.allclose(comps, signs[:, None] * sk.components_, atol=1e-8)
        assert np.allclose(scores, signs * sk.transform(X), atol=1e-8 * max(1, np.abs(scores).max()))


def test_pca_function_right_in_any_sign():
    assert verdict("pca.7", pca, np.random.default_rng(1)).passed
    assert verdict("pca.7", lambda X, k: tuple(-a for a in pca(X, k)), np.random.default_rng(2)).passed


@pytest.mark.parametrize("answer, needle", [
    (_uncentred, "never subtract the mean"),
    (_raw_scores, "your scores use X itself"),
    (_columns, "components go in rows"),
    (_scores_unflipped, "opposite sign"),
    (_sklearn, "sklearn.decomposition"),
    (lambda X, k: pca(X, k)[0], "return a pair"),
    (lambda X, k: (pca(X, k)[0][0], pca(X, k)[1]), "2-D array"),
])
def test_pca_function_feedback(answer, needle):
    v = verdict("pca.7", answer, np.random.default_rng(4))
    assert not v.passed and needle in v.message, v.message


def test_feedback_never_shows_the_expected_components():
    data = Q["pca.7"].encode(_uncentred, np.random.default_rng(5))
    v = Q["pca.7"].judge(data, reveal_expected=False)
    assert not v.passed
    comps, scores = unpack(reference_pca(*pca_cases(data["value"]["seed"])[0].args))
    assert not any(f"{x:.3g}" in v.message for x in [*comps.ravel(), *scores.ravel()] if abs(x) > 1e-3)
