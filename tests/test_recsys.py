"""lalib.recsys: id maps, splits, baselines, matrix factorization, synthetic data."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.recsys import (
    BiasBaseline,
    GlobalMean,
    IdMap,
    MatrixFactorization,
    Ratings,
    als_step,
    kfold,
    mae,
    make_netflix_like,
    per_user_split,
    random_split,
    ratings_matrix,
    rmse,
)

FAST = settings(max_examples=30, deadline=None)

ids = st.one_of(
    st.integers(-10**12, 10**12),
    st.text(max_size=5),
    st.tuples(st.integers(0, 5), st.text(max_size=2)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
)


@pytest.fixture(scope="module")
def synthetic():
    data = make_netflix_like(300, 150, rank=3, density=0.2, random_state=1)
    train, test = random_split(len(data), random_state=0)
    return data[train], data[test]


# ----------------------------------------------------------------------------- ids and the matrix

@FAST
@given(st.lists(ids, min_size=1, max_size=30))
def test_id_map_round_trips_any_hashable_ids(raw):
    m = IdMap(raw)
    idx = m.to_index(raw)
    assert len(m) == len(set(raw))
    assert sorted(set(idx.tolist())) == list(range(len(m)))
    assert m.to_id(idx).tolist() == raw


@FAST
@given(st.lists(st.integers(0, 50), min_size=1, max_size=30, unique=True))
def test_id_map_marks_unknown_ids(raw):
    m = IdMap(raw)
    assert m.to_index([10**6, raw[0]], missing=-1).tolist() == [-1, int(np.flatnonzero(m.ids == raw[0])[0])]
    with pytest.raises(KeyError, match="1000000"):
        m.to_index([10**6])


def test_int_and_string_ids_stay_distinct():
    m = IdMap([1, "1"])
    assert len(m) == 2
    assert m.to_id(m.to_index(["1", 1])).tolist() == ["1", 1]


@FAST
@given(st.integers(1, 8), st.integers(1, 8), st.data())
def test_ratings_matrix_matches_a_dense_construction(n_users, n_items, data):
    mask = data.draw(st.lists(st.booleans(), min_size=n_users * n_items, max_size=n_users * n_items))
    mask = np.array(mask).reshape(n_users, n_items)
    mask[0, 0] = True
    rows, cols = np.nonzero(mask)
    values = np.arange(1, len(rows) + 1, dtype=float)
    user_ids = np.array([f"u{k * 7}" for k in rows], dtype=object)  # non-contiguous raw ids
    item_ids = cols * 10 + 3
    R, users, items = ratings_matrix(user_ids, item_ids, values)
    dense = R.toarray()
    for uid, iid, v in zip(user_ids, item_ids, values):
        assert dense[users.to_index([uid])[0], items.to_index([iid])[0]] == v
    assert R.nnz == len(values)


def test_ratings_matrix_rejects_a_pair_rated_twice():
    with pytest.raises(ValueError, match="users and items.*'a'.*'x'.*more than once"):
        ratings_matrix(["a", "a"], ["x", "x"], [1, 2])


# ----------------------------------------------------------------------------- input errors

@pytest.mark.parametrize("args, message", [
    (([1, 2], [1], [3, 4]), "users, items and ratings must have the same length, got 2, 1 and 2"),
    (([1, 2], [1, 2], [3, float("nan")]), "ratings contains NaN"),
    (([], [], []), "ratings must not be empty"),
])
@pytest.mark.parametrize("model", [GlobalMean, BiasBaseline, MatrixFactorization])
def test_bad_ratings_are_rejected_naming_the_argument(model, args, message):
    with pytest.raises(ValueError, match=message):
        model().fit(*args)


@pytest.mark.parametrize("params, message", [
    ({"n_components": 0}, "n_components must be a positive integer"),
    ({"n_components": 2.5}, "n_components must be a positive integer"),
    ({"method": "svd"}, "method must be one of .*'svd'"),
    ({"reg": -1.0}, "reg must be 'auto' or a non-negative number, got -1.0"),
    ({"reg": "strong"}, "reg must be 'auto' or a non-negative number, got 'strong'"),
    ({"n_epochs": 0}, "n_epochs must be at least 1"),
])
def test_bad_parameters_are_rejected_naming_the_argument(params, message):
    with pytest.raises(ValueError, match=message):
        MatrixFactorization(**params).fit([1, 2], [1, 2], [3, 4])


def test_predict_before_fit_and_mismatched_predict_inputs():
    with pytest.raises(RuntimeError, match="not fitted"):
        MatrixFactorization().predict([1], [1])
    model = GlobalMean().fit([1], [1], [3])
    with pytest.raises(ValueError, match="users and items must have the same length, got 2 and 1"):
        model.predict([1, 2], [1])


# ----------------------------------------------------------------------------- splits

@FAST
@given(st.integers(2, 300), st.floats(0.05, 0.95), st.integers(0, 2**32 - 1))
def test_random_split_partitions_the_ratings(n, test_size, seed):
    train, test = random_split(n, test_size, random_state=seed)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
    assert len(test) == min(max(round(test_size * n), 1), n - 1)
    again = random_split(n, test_size, random_state=seed)
    assert np.array_equal(again[1], test)


@FAST
@given(st.lists(st.integers(0, 6), min_size=1, max_size=200), st.floats(0.05, 0.95), st.integers(0, 1000))
def test_per_user_split_holds_out_a_fraction_of_each_user(users, test_size, seed):
    users = np.array(users)
    train, test = per_user_split(users, test_size, random_state=seed)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(users)))
    for u in np.unique(users):
        n = np.sum(users == u)
        expected = min(int(np.floor(test_size * n + 0.5)), n - 1)
        assert np.sum(users[test] == u) == expected
        assert np.sum(users[train] == u) >= 1


def test_kfold_test_sets_are_disjoint_and_cover_everything():
    folds = kfold(23, n_splits=5, random_state=3)
    tests = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tests), np.arange(23))
    for train, test in folds:
        assert not set(train) & set(test) and len(train) + len(test) == 23


def test_split_arguments_are_checked():
    with pytest.raises(ValueError, match="test_size must be between 0 and 1"):
        random_split(10, test_size=1.5)
    with pytest.raises(ValueError, match="n_splits must be between 2"):
        kfold(10, n_splits=1)


# ----------------------------------------------------------------------------- metrics

@FAST
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=20), st.data())
def test_metrics_match_numpy(y, data):
    p = data.draw(st.lists(st.floats(-5, 5), min_size=len(y), max_size=len(y)))
    y, p = np.array(y), np.array(p)
    assert rmse(y, p) == pytest.approx(np.sqrt(np.mean((y - p) ** 2)))
    assert mae(y, p) == pytest.approx(np.mean(np.abs(y - p)))


def test_metrics_reject_mismatched_shapes():
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape, got \(2,\) and \(3,\)"):
        rmse([1, 2], [1, 2, 3])


# ----------------------------------------------------------------------------- baselines

def test_bias_baseline_reaches_the_ridge_least_squares_solution():
    data = make_netflix_like(40, 30, rank=2, density=0.2, random_state=0)
    reg = 3.0
    model = BiasBaseline(reg=reg, n_epochs=300).fit(data.users, data.items, data.ratings)
    u, i = model.users_.to_index(data.users), model.items_.to_index(data.items)
    nu, ni = len(model.users_), len(model.items_)
    X = np.zeros((len(u), nu + ni))
    X[np.arange(len(u)), u] = 1
    X[np.arange(len(u)), nu + i] = 1
    y = data.ratings - data.ratings.mean()
    ref = np.linalg.solve(X.T @ X + reg * np.eye(nu + ni), X.T @ y)
    assert np.allclose(model.user_bias_, ref[:nu], atol=1e-6)
    assert np.allclose(model.item_bias_, ref[nu:], atol=1e-6)


def test_unseen_users_and_items_fall_back_to_the_baseline(synthetic):
    train, _ = synthetic
    model = MatrixFactorization(n_components=3, random_state=0).fit(train.users, train.items, train.ratings)
    item, user = train.items[0], train.users[0]
    k_item, k_user = model.items_.to_index([item])[0], model.users_.to_index([user])[0]
    got = model.predict(["nobody", user, "nobody"], [item, "nothing", "nothing"])
    lo, hi = model.rating_scale_
    expected = np.clip([model.global_mean_ + model.item_bias_[k_item],
                        model.global_mean_ + model.user_bias_[k_user],
                        model.global_mean_], lo, hi)
    assert np.allclose(got, expected)


# ----------------------------------------------------------------------------- ALS

@FAST
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 3), st.floats(0.01, 10), st.floats(0.01, 10),
       st.integers(0, 10**6))
def test_als_step_equals_one_ridge_solve_per_row(n_rows, n_cols, rank, reg, reg_bias, seed):
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n_rows, n_cols)) < 0.6, rng.integers(1, 6, (n_rows, n_cols)), 0.0)
    R = sp.csr_array(dense)
    F, b, mu = rng.normal(size=(n_cols, rank)), rng.normal(size=n_cols), 3.0
    P, bias = als_step(R, F, b, mu, reg, reg_bias)
    for r in range(n_rows):
        cols = np.flatnonzero(dense[r])
        X = np.hstack([F[cols], np.ones((len(cols), 1))])
        y = dense[r, cols] - mu - b[cols]
        ref = np.linalg.solve(X.T @ X + np.diag(np.r_[np.full(rank, reg), reg_bias]), X.T @ y)
        assert np.allclose(P[r], ref[:rank]) and np.isclose(bias[r], ref[rank])


def test_als_step_checks_shapes():
    R = sp.csr_array(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"fixed_factors must have shape \(3, rank\), got \(2, 1\)"):
        als_step(R, np.ones((2, 1)), np.zeros(3), 0.0, 1.0, 1.0)


@settings(max_examples=15, deadline=None)
@given(st.integers(4, 12), st.integers(4, 12), st.integers(1, 3), st.integers(0, 10**6))
def test_als_recovers_fully_observed_low_rank_data(n_users, n_items, rank, seed):
    rng = np.random.default_rng(seed)
    truth = 3 + rng.normal(size=(n_users, rank)) @ rng.normal(size=(rank, n_items))
    users, items = np.nonzero(np.ones_like(truth))
    model = MatrixFactorization(n_components=rank, reg=1e-9, reg_bias=1e-9, n_epochs=300, random_state=seed,
                                rating_scale=(-100, 100))
    model.fit(users, items, truth[users, items])
    assert np.allclose(model.predict(users, items), truth[users, items], atol=1e-3)


@settings(max_examples=15, deadline=None)
@given(st.integers(25, 40), st.integers(25, 40), st.integers(1, 3), st.integers(0, 10**6))
def test_variational_als_recovers_fully_observed_low_rank_data(n_users, n_items, rank, seed):
    """With enough rows to learn the priors from. With a dozen or so rows it can settle in a
    poorer optimum that explains part of the signal as noise (seen for 15 x 15, rank 3)."""
    rng = np.random.default_rng(seed)
    truth = 3 + rng.normal(size=(n_users, rank)) @ rng.normal(size=(rank, n_items))
    users, items = np.nonzero(np.ones_like(truth))
    model = MatrixFactorization(n_components=rank, n_epochs=100, random_state=seed, rating_scale=(-100, 100))
    model.fit(users, items, truth[users, items])
    assert np.allclose(model.predict(users, items), truth[users, items], atol=1e-3)


@pytest.mark.parametrize("reg, implicit", [(3.0, False), ("auto", False), ("auto", True)])
def test_als_never_increases_its_loss(synthetic, reg, implicit):
    """J for a fixed ridge; the negative evidence lower bound (plus W's penalty) for variational Bayes."""
    train, _ = synthetic
    model = MatrixFactorization(n_components=4, reg=reg, implicit=implicit, n_epochs=12, track_loss=True, random_state=0)
    model.fit(train.users, train.items, train.ratings)
    loss = np.array(model.loss_history_)
    assert len(loss) == 12
    assert np.all(np.diff(loss) <= 1e-9 * np.abs(loss[:-1]))


@pytest.mark.parametrize("fold", [False, True])
def test_vb_half_step_matches_per_row_reference(fold, monkeypatch):
    """Posterior of each row from its own expected Gram matrix, the expected squared error, and the
    moments handed to the other side (per-column sums when folded, a per-row table when not); in row
    blocks of two, so the block boundaries are crossed."""
    from lalib.recsys import als
    from lalib.recsys.als import _moments, _vb_rows
    from lalib.recsys.compact import RatingRows

    monkeypatch.setattr(als, "_GRAM_BUDGET", 2 * 9)  # d = 3: two rows per block
    rng = np.random.default_rng(0)
    n_rows, n_cols, k = 5, 7, 2
    dense = np.where(rng.random((n_rows, n_cols)) < 0.7, rng.normal(size=(n_rows, n_cols)), 0.0)
    dense[:, 0] = 0.5  # every row has an entry
    other = rng.normal(size=(n_cols, k + 1))
    L = rng.normal(size=(n_cols, k + 1, k + 1)) * 0.3
    cov = L @ L.transpose(0, 2, 1)
    tau, m = 1.7, rng.normal(size=k + 1)
    prec = np.eye(k + 1) * 2 + 0.1
    step = _vb_rows(RatingRows.from_scipy(sp.csr_array(dense)), other, tau, m, prec, float(np.sum(dense**2)),
                    other_moments=_moments(other, cov), fold=fold)
    ref_sse, S_all = 0.0, []
    for r in range(n_rows):
        cols = np.flatnonzero(dense[r])
        A, rhs = prec.copy(), prec @ m
        for c in cols:
            f = np.r_[other[c, :k], 1.0]
            Eff = np.outer(f, f)
            Eff[:k, :k] += cov[c, :k, :k]
            Ebf = other[c, k] * f + np.r_[cov[c, :k, k], 0.0]
            A += tau * Eff
            rhs += tau * (dense[r, c] * f - Ebf)
        S_all.append(np.linalg.inv(A))
        assert np.allclose(step.X[r], np.linalg.solve(A, rhs))
        # E[(r - b_c - x . f_c)^2] over both posteriors, term by term
        for c in cols:
            f = np.r_[other[c, :k], 1.0]
            Eff = np.outer(f, f)
            Eff[:k, :k] += cov[c, :k, :k]
            Ebf = other[c, k] * f + np.r_[cov[c, :k, k], 0.0]
            Eb2 = other[c, k] ** 2 + cov[c, k, k]
            Es = other[c, k] + step.X[r] @ f
            Es2 = Eb2 + 2 * step.X[r] @ Ebf + np.trace((np.outer(step.X[r], step.X[r]) + S_all[r]) @ Eff)
            ref_sse += dense[r, c] ** 2 - 2 * dense[r, c] * Es + Es2
    S_all = np.array(S_all)
    assert step.sse == pytest.approx(ref_sse)
    assert np.allclose(step.S_sum, S_all.sum(axis=0))
    assert step.logdet_S == pytest.approx(np.linalg.slogdet(S_all)[1].sum())
    own = _moments(step.X, S_all)  # this side's moments, row by row
    if fold:
        assert np.allclose(step.moments, (dense != 0).T.astype(float) @ own)
    else:
        assert np.allclose(step.moments, own)


@FAST
@given(st.integers(2, 8), st.integers(1, 4), st.integers(0, 10**6))
def test_shifted_cg_solves_each_shifted_system(n, d, seed):
    from lalib.recsys.als import _shifted_cg

    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n + 2, n))
    G = A.T @ A  # positive semi-definite
    B = rng.normal(size=(n, d))
    scales, shifts = rng.uniform(0.0, 2.0, d), rng.uniform(0.1, 3.0, d)
    Z = _shifted_cg(lambda P: G @ P, B, scales, shifts, rng.normal(size=(n, d)), n_iter=10 * n, rtol=1e-12)
    for j in range(d):
        assert np.allclose(Z[:, j], np.linalg.solve(scales[j] * G + shifts[j] * np.eye(n), B[:, j]), atol=1e-7)


def test_implicit_prior_step_matches_dense_weighted_ridge():
    """W minimizes sum_r (x_r - m - W^T f_r)^T P (x_r - m - W^T f_r) + reg |W|^2, with m free."""
    from lalib.recsys.als import _vb_prior_implicit

    rng = np.random.default_rng(1)
    n, n_cols, d, reg = 30, 8, 3, 2.0
    dense = (rng.random((n, n_cols)) < 0.4).astype(float)
    dense[np.arange(n), rng.integers(0, n_cols, n)] = 1.0  # every row rated something
    C = sp.csr_array(dense)
    F = sp.csr_array(C.multiply(1.0 / np.sqrt(C.sum(axis=1))[:, None]))
    X = rng.normal(size=(n, d))
    S = np.tile(np.eye(d) * 0.1, (n, 1, 1))
    L = rng.normal(size=(d, d))
    prec = L @ L.T + np.eye(d)
    m, W, new_prec, means = _vb_prior_implicit(X, S.sum(axis=0), F, np.zeros((n_cols, d)), prec, reg, rtol=1e-12)
    # dense reference: vec(W) and m from the normal equations of the weighted ridge
    Fd = F.toarray()
    design = np.hstack([Fd, np.ones((n, 1))])
    H = np.kron(prec, design.T @ design)            # column-major vec of [W; m]
    pen = np.kron(np.eye(d), np.diag(np.r_[np.full(n_cols, reg), 0.0]))
    rhs = (design.T @ X @ prec).ravel(order="F")
    sol = np.linalg.solve(H + pen, rhs).reshape(n_cols + 1, d, order="F")
    assert np.allclose(W, sol[:n_cols], atol=1e-6)
    assert np.allclose(m, sol[n_cols], atol=1e-6)
    assert np.allclose(means, Fd @ W + m)
    D = X - means
    assert np.allclose(np.linalg.inv(new_prec), D.T @ D / n + S.mean(axis=0))


def test_implicit_feedback_can_be_switched_off(synthetic):
    train, test = synthetic
    fit = lambda implicit: MatrixFactorization(n_components=3, implicit=implicit, random_state=0).fit(  # noqa: E731
        train.users, train.items, train.ratings)
    with_, without = fit(True), fit(False)
    assert not np.allclose(with_.user_factors_, without.user_factors_)
    for model in (with_, without):
        assert rmse(test.ratings, model.predict(test.users, test.items)) < 0.9 * rmse(
            test.ratings, BiasBaseline().fit(train.users, train.items, train.ratings).predict(test.users, test.items))


def test_vb_learns_the_noise_level():
    rng = np.random.default_rng(3)
    n_users, n_items, rank, noise = 150, 120, 3, 0.3
    truth = rng.normal(size=(n_users, rank)) @ rng.normal(size=(rank, n_items))
    users, items = np.nonzero(rng.random((n_users, n_items)) < 0.5)
    ratings = truth[users, items] + rng.normal(0, noise, len(users))
    model = MatrixFactorization(n_components=rank, n_epochs=30, random_state=0, rating_scale=(-100, 100))
    model.fit(users, items, ratings)
    assert model.noise_std_ == pytest.approx(noise, rel=0.1)
    assert model.user_factors_.shape == (n_users, rank)
    assert MatrixFactorization(reg=1.0, n_epochs=2).fit(users, items, ratings).noise_std_ is None


@pytest.mark.parametrize("method", ["als", "sgd", "torch"])
def test_every_method_beats_the_bias_baseline(synthetic, method):
    train, test = synthetic
    baseline = BiasBaseline().fit(train.users, train.items, train.ratings)
    model = MatrixFactorization(n_components=3, reg=2.0, method=method, random_state=0)
    model.fit(train.users, train.items, train.ratings)
    assert model.user_factors_.shape == (len(model.users_), 3)
    assert model.item_factors_.shape == (len(model.items_), 3)
    base = rmse(test.ratings, baseline.predict(test.users, test.items))
    assert rmse(test.ratings, model.predict(test.users, test.items)) < base - 0.02


def test_sgd_and_torch_descend_the_same_loss_as_als(synthetic):
    train, _ = synthetic
    kwargs = dict(n_components=3, reg=5.0, n_epochs=100, track_loss=True, random_state=0)
    als = MatrixFactorization(**kwargs).fit(train.users, train.items, train.ratings).loss_history_
    for method, lr, batch_size in (("sgd", 0.03, 64), ("torch", 0.1, 1024)):
        loss = MatrixFactorization(method=method, lr=lr, batch_size=batch_size, **kwargs).fit(
            train.users, train.items, train.ratings).loss_history_
        assert loss[-1] < 0.9 * loss[0]
        assert loss[-1] < 1.03 * als[-1]  # close to the minimum ALS reaches


def test_fit_is_reproducible_with_a_seed(synthetic):
    train, _ = synthetic
    a, b = (MatrixFactorization(n_components=3, method="sgd", n_epochs=3, random_state=7).fit(
        train.users, train.items, train.ratings) for _ in range(2))
    assert np.array_equal(a.user_factors_, b.user_factors_)


@FAST
@given(st.floats(1, 3), st.floats(0.1, 2), st.integers(0, 1000))
def test_predictions_clip_to_the_rating_scale(lo, width, seed):
    rng = np.random.default_rng(seed)
    users, items = rng.integers(0, 6, 30), rng.integers(0, 6, 30)
    ratings = rng.uniform(0, 6, 30)  # some outside the scale on purpose
    hi = lo + width
    model = MatrixFactorization(n_components=2, reg=0.01, n_epochs=5, rating_scale=(lo, hi), random_state=0)
    pred = model.fit(users, items, ratings).predict(rng.integers(-2, 8, 50), rng.integers(-2, 8, 50))
    assert np.all((pred >= lo) & (pred <= hi))


# ----------------------------------------------------------------------------- using the model

def test_recommend_ranks_unrated_items_by_predicted_rating(synthetic):
    train, _ = synthetic
    model = MatrixFactorization(n_components=3, random_state=0).fit(train.users, train.items, train.ratings)
    user = train.users[5]
    items, scores = model.recommend(user, n=7, return_scores=True)
    rated = set(train.items[train.users == user].tolist())
    assert len(items) == 7 and not rated & set(items.tolist())
    assert np.all(np.diff(scores) <= 0)
    unrated = np.array([i for i in model.items_.ids if i not in rated])
    k = model.users_.to_index([user])[0]
    q = model.item_factors_[model.items_.to_index(unrated)]
    manual = model.item_bias_[model.items_.to_index(unrated)] + q @ model.user_factors_[k]
    assert set(items.tolist()) == set(unrated[np.argsort(-manual)[:7]].tolist())


def test_recommend_for_a_new_user_uses_item_biases(synthetic):
    train, _ = synthetic
    model = MatrixFactorization(n_components=3, random_state=0).fit(train.users, train.items, train.ratings)
    items = model.recommend("newcomer", n=3)
    assert items.tolist() == model.items_.to_id(np.argsort(-model.item_bias_)[:3]).tolist()


def test_similar_items_by_cosine_of_item_factors(synthetic):
    train, _ = synthetic
    model = MatrixFactorization(n_components=3, random_state=0).fit(train.users, train.items, train.ratings)
    item = train.items[0]
    items, sims = model.similar_items(item, n=5, return_scores=True)
    Q = model.item_factors_
    q = Q[model.items_.to_index([item])[0]]
    cos = Q @ q / (np.linalg.norm(Q, axis=1) * np.linalg.norm(q))
    assert item not in items.tolist()
    assert np.allclose(sims, cos[model.items_.to_index(items)])
    assert sims[0] == pytest.approx(np.sort(cos)[-2])  # the best after the item itself
    with pytest.raises(ValueError, match="item 'unknown' was not seen in training"):
        model.similar_items("unknown")


# ----------------------------------------------------------------------------- synthetic data

def test_make_netflix_like_shape_scale_and_seed():
    a = make_netflix_like(400, 300, density=0.04, random_state=5)
    b = make_netflix_like(400, 300, density=0.04, random_state=5)
    assert len(a) == round(0.04 * 400 * 300)
    assert np.array_equal(a.ratings, b.ratings) and np.array_equal(a.users, b.users)
    assert set(np.unique(a.ratings).tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert len(set(zip(a.users.tolist(), a.items.tolist()))) == len(a)  # no pair twice


def test_make_netflix_like_is_heavy_tailed_and_missing_not_at_random():
    data = make_netflix_like(1000, 500, density=0.04, random_state=0)
    per_user = np.bincount(data.users, minlength=1000)
    per_item = np.bincount(data.items, minlength=500)
    assert per_user.max() > 8 * np.median(per_user)
    assert per_item.max() > 8 * np.median(per_item)
    at_random = make_netflix_like(1000, 500, density=0.04, selection=0.0, random_state=0)
    assert data.ratings.mean() > at_random.ratings.mean() + 0.2


@pytest.mark.parametrize("kwargs, message", [
    ({"density": 0.9}, "density must be in"),
    ({"rank": 0}, "rank must be a positive integer"),
    ({"n_users": 2.5}, "n_users must be a positive integer"),
    ({"noise": -1}, "noise must be non-negative"),
    ({"chunk_size": 0}, "chunk_size must be a positive integer or None, got 0"),
    ({"chunk_size": 2.5}, "chunk_size must be a positive integer or None"),
])
def test_make_netflix_like_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_netflix_like(**kwargs)


def test_ratings_subsets_keep_timestamps_and_check_lengths():
    data = Ratings([1, 2, 3], [4, 5, 6], [1, 2, 3], timestamps=[10, 20, 30])
    assert data[[2, 0]].timestamps.tolist() == [30, 10]
    with pytest.raises(ValueError, match="timestamps must have the same length"):
        Ratings([1], [2], [3], timestamps=[1, 2])


def test_package_keeps_every_public_name_and_documents_its_submodules():
    import importlib

    import pkgutil

    import lalib.recsys as pkg

    submodules = [m.name for m in pkgutil.iter_modules(pkg.__path__)]  # every file, so a new one is listed too
    assert {"ids", "data", "synthetic", "compact", "metrics", "baselines", "als", "sgd", "torch_model",
            "factorization"} <= set(submodules)
    for name in submodules:
        mod = importlib.import_module(f"lalib.recsys.{name}")
        assert mod.__doc__ and len(mod.__doc__.strip()) > 40, name
        assert f":mod:`.{name}`" in pkg.__doc__
        assert getattr(pkg, name) is mod, name  # lalib.recsys.<name> works after `import lalib.recsys`
        if name == "teaching":  # chapter 10's pieces are reached as a namespace, not star-exported
            continue
        for public in mod.__all__:
            assert getattr(pkg, public) is getattr(mod, public) and public in pkg.__all__
    for name in ["IdMap", "Ratings", "ratings_matrix", "random_split", "per_user_split", "kfold", "rmse", "mae",
                 "GlobalMean", "BiasBaseline", "MatrixFactorization", "als_step", "make_netflix_like"]:
        assert name in pkg.__all__ and hasattr(pkg, name), name


def test_als_starts_from_svd_randomized_svd_on_the_sparse_matrix(monkeypatch):
    """recsys has no randomized SVD of its own: large rating matrices go to lalib.svd's, still sparse."""
    import scipy.sparse as sp

    import lalib.recsys.factorization as factorization
    from lalib import svd

    calls = []

    def spy(A, k, **kwargs):
        calls.append((sp.issparse(A), A.shape, k))
        return svd.randomized_svd(A, k, **kwargs)

    monkeypatch.setattr(factorization, "randomized_svd", spy)
    data = make_netflix_like(150, 100, rank=3, density=0.2, random_state=0)
    model = MatrixFactorization(n_components=3, n_epochs=1, random_state=0).fit(data.users, data.items, data.ratings)
    assert calls == [(True, (len(model.users_), len(model.items_)), 3)]


def test_importing_lalib_recsys_does_not_load_scikit_learn():
    """The models follow scikit-learn's estimator protocol without importing it (seconds of import time)."""
    import subprocess
    import sys

    code = "import sys, lalib.recsys, lalib.movielens; print('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
