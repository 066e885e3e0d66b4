"""Chapter 10's numerics (lalib.recsys.teaching) against scikit-learn, lalib's als_step and brute force,
and its question bank (lalib.checks.recsys): the hard cases it promises, its feedback, and that
every expected value is what the prompt's own data give."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from lalib.checks import question
from lalib.checks.recsys import (BASE_RATINGS, FORBIDDEN, RANK_ONE, ROW_SPACE_R, SIMILAR_Q, half_step_cases,
                                 reference_half_step)
from lalib.recsys import MatrixFactorization, als_step, make_netflix_like
from lalib.recsys.teaching import fold_in_user, precision_at_k, ridge_rows, taste_als


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 8), st.integers(1, 3), st.floats(0.01, 50), st.integers(0, 2**31))
def test_ridge_rows_is_sklearn_ridge_per_row(n, m, k, reg, seed):
    rng = np.random.default_rng(seed)
    R = rng.integers(1, 6, size=(n, m)).astype(float)
    R[rng.random((n, m)) < 0.4] = np.nan
    Q = rng.normal(size=(m, k))
    P = ridge_rows(R, Q, reg)
    for u in range(n):
        known = ~np.isnan(R[u])
        if not known.any():
            assert np.all(P[u] == 0)
            continue
        ref = Ridge(alpha=reg, fit_intercept=False, solver="cholesky").fit(Q[known], R[u, known]).coef_
        assert np.allclose(P[u], ref, rtol=1e-7, atol=1e-9)


def test_ridge_rows_matches_als_step_without_biases():
    rng = np.random.default_rng(0)
    G = rng.integers(1, 6, size=(9, 7)) * (rng.random((9, 7)) < 0.5)
    Q = rng.normal(size=(7, 3))
    P, _ = als_step(sp.csr_array(G.astype(float)), Q, np.zeros(7), 0.0, reg=0.7, reg_bias=1e15)
    assert np.allclose(ridge_rows(np.where(G > 0, G, np.nan), Q, 0.7), P, atol=1e-9)


def test_ridge_rows_rejects_bad_input():
    with pytest.raises(ValueError, match="one row per column"):
        ridge_rows(np.ones((2, 3)), np.ones((2, 1)), 1.0)
    with pytest.raises(ValueError, match="reg"):
        ridge_rows(np.ones((2, 3)), np.ones((3, 1)), -1.0)
    with pytest.raises(ValueError, match="2-D"):
        ridge_rows(np.ones(3), np.ones((3, 1)), 1.0)


def test_taste_als_rejects_bad_grids():
    with pytest.raises(ValueError, match="0 .unknown."):
        taste_als([[1, -2]])
    with pytest.raises(ValueError, match="reg"):
        taste_als([[1, 2]], reg=0)
    with pytest.raises(ValueError, match="k must"):
        taste_als([[1, 2]], k=0)


def test_fold_in_user_is_one_half_step_and_cold_start_is_zero():
    data = make_netflix_like(120, 60, rank=3, density=0.2, random_state=0)
    model = MatrixFactorization(n_components=3, reg=2.0, random_state=0).fit(data.users, data.items, data.ratings)
    items, ratings = model.items_.to_id(np.arange(5)), np.array([5.0, 1, 4, 3, 2])
    p, b = fold_in_user(model, items, ratings)
    # The same regression written out: features (q_i, 1), targets r - mu - b_i, penalty 2 on everything.
    X = np.hstack([model.item_factors_[:5], np.ones((5, 1))])
    y = ratings - model.global_mean_ - model.item_bias_[:5]
    w = np.linalg.solve(X.T @ X + 2.0 * np.eye(4), X.T @ y)
    assert np.allclose(np.r_[p, b], w)
    p0, b0 = fold_in_user(model, [], [])
    assert not p0.any() and b0 == 0.0
    with pytest.raises(ValueError, match="not seen"):
        fold_in_user(model, ["nope"], [3.0])
    with pytest.raises(ValueError, match="same length"):
        fold_in_user(model, items[:2], [3.0])


def test_precision_at_k_against_brute_force():
    rng = np.random.default_rng(1)
    S = rng.normal(size=(30, 20))
    seen = rng.random((30, 20)) < 0.3
    rel = (rng.random((30, 20)) < 0.2) & ~seen
    got = precision_at_k(S, sp.csr_array(seen), sp.csr_array(rel), k=5)
    per_user = []
    for u in range(30):
        if not rel[u].any():
            continue
        candidates = [i for i in np.argsort(-S[u], kind="stable") if not seen[u, i]][:5]
        per_user.append(rel[u, candidates].sum() / 5)
    assert got == pytest.approx(np.mean(per_user))
    with pytest.raises(ValueError, match="same shape"):
        precision_at_k(S, seen[:, :3], rel)
    with pytest.raises(ValueError, match="no user"):
        precision_at_k(S, seen, np.zeros_like(rel))


# --- the question bank ----------------------------------------------------------------------
def test_half_step_cases_hold_the_promised_hard_cases():
    cases = half_step_cases(123)
    Rs = [c.args[0] for c in cases]
    assert any(np.isnan(R).all(axis=1).any() for R in Rs)                       # a user with no ratings
    assert any(((~np.isnan(R)).sum(axis=1) == 1).any() for R in Rs)             # a single rating
    assert any(c.args[1].shape[1] == 1 for c in cases)                          # k = 1
    assert max(c.args[2] for c in cases) >= 1000 and min(c.args[2] for c in cases) <= 1e-6
    assert any(np.nanmax(np.abs(R)) > 100 for R in Rs)                          # far from the 1-5 scale
    assert [c.description for c in half_step_cases(5)] == [c.description for c in half_step_cases(6)]
    for c in cases:                                                             # the reference is the ridge solution
        R, Q, reg = c.args
        P = reference_half_step(R, Q, reg)
        for u in range(len(R)):
            known = ~np.isnan(R[u])
            if known.any():
                grad = Q[known].T @ (Q[known] @ P[u] - R[u, known]) + reg * P[u]
                assert np.abs(grad).max() <= 1e-7 * max(1, np.abs(R[u, known]).max() * np.abs(Q).max())


def test_half_step_refuses_lalib_and_names_the_slip():
    q = question("recsys.4")
    assert "lalib.recsys" in FORBIDDEN

    def with_mf(R, Q, reg):
        from lalib.recsys import MatrixFactorization as MF   # noqa: N817
        return MF(n_components=Q.shape[1]).fit([0], [0], [1.0]).user_factors_

    verdict = q.judge(q.encode(with_mf))
    assert not verdict.passed and "forbids" in verdict.message

    def zeros_for_missing(R, Q, reg):
        return np.linalg.solve(Q.T @ Q + reg * np.eye(Q.shape[1]), Q.T @ np.nan_to_num(R).T).T

    verdict = q.judge(q.encode(zeros_for_missing))
    assert not verdict.passed and "missing ratings as 0" in verdict.message

    # A slip no diagnosis knows still says where the result is first off, and shows no expected value.
    def no_regression(R, Q, reg):
        return np.nan_to_num(R) @ Q

    verdict = q.judge(q.encode(no_regression))
    assert not verdict.passed
    assert "your function's result is not right: entry [0, 0] is the first that is off" in verdict.message
    expected = reference_half_step(*half_step_cases(0)[0].args)
    assert f"{expected[0, 0]:.3g}" not in verdict.message


def test_expected_values_come_from_the_prompts_data():
    mu = np.mean([r for *_, r in BASE_RATINGS])
    assert mu == 3.0
    assert question("recsys.2").expected == pytest.approx(25 / 12)        # 3 + 7/12 - 3/2, as the solution says
    assert question("recsys.11").expected == 12.0 and np.isnan(RANK_ONE[1, 1])
    cos = (SIMILAR_Q @ SIMILAR_Q[0]) / np.linalg.norm(SIMILAR_Q, axis=1) / np.linalg.norm(SIMILAR_Q[0])
    assert question("recsys.12").expected == 1 + int(np.argmax(cos[1:]))
    assert np.linalg.matrix_rank(ROW_SPACE_R) == 2
    q = question("recsys.13")
    assert q.judge(q.encode([ROW_SPACE_R[2], ROW_SPACE_R[3] - ROW_SPACE_R[0]])).passed
    assert not q.judge(q.encode([ROW_SPACE_R[0], 2 * ROW_SPACE_R[0]])).passed
