"""lalib.recsys at Netflix scale: the streaming generator, the compact CSR, blocked (memory-bounded) fitting.

Sizes here are small; what is tested is that the chunked and blocked code
paths give the same answers as the unchunked ones, that the generator keeps
the distribution of the sequential recipe, and that the bounds on blocks are
respected. Times and memory at 100 million ratings are in benchmarks/netflix.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.recsys import IdMap, MatrixFactorization, Ratings, make_netflix_like, rmse
from lalib.recsys import als as als_module
from lalib.recsys import compact, ids, synthetic
from lalib.recsys.compact import RatingRows

FAST = settings(max_examples=25, deadline=None)


# ----------------------------------------------------------------------------- the streaming generator

def _sequential_netflix_like(n_users, n_items, rank=5, density=0.05, noise=0.5, activity_tail=1.5,
                             popularity_tail=1.2, selection=1.5, random_state=None, sampling_seed=None):
    """The generator as it was before streaming (draw, keep, drop repeats, repeat), kept as the reference.

    The latent model comes from ``random_state`` exactly as in make_netflix_like; with
    ``sampling_seed`` the pairs and noise come from a separate stream instead, for a second
    independent draw over the same latent model.
    """
    rng = np.random.default_rng(random_state)
    m = max(1, int(round(density * n_users * n_items)))
    wu = rng.pareto(activity_tail, n_users) + 1.0
    wi = rng.pareto(popularity_tail, n_items) + 1.0
    scale = math.sqrt(0.8 / math.sqrt(rank))
    P = rng.normal(0, scale, (n_users, rank))
    Q = rng.normal(0, scale, (n_items, rank))
    pop = np.log(wi)
    bu = rng.normal(0, 0.35, n_users)
    bi = rng.normal(0, 0.4, n_items) + 0.3 * (pop - pop.mean()) / (pop.std() + 1e-12)
    if sampling_seed is not None:
        rng = np.random.default_rng(sampling_seed)
    codes = np.empty(0, dtype=np.int64)
    while len(codes) < m:
        need = m - len(codes)
        cu = rng.choice(n_users, size=3 * need + 16, p=wu / wu.sum())
        ci = rng.choice(n_items, size=3 * need + 16, p=wi / wi.sum())
        liking = bu[cu] + bi[ci] + np.einsum("nk,nk->n", P[cu], Q[ci])
        keep = rng.random(len(cu)) < 1.0 / (1.0 + np.exp(-selection * liking))
        codes = np.concatenate([codes, cu[keep].astype(np.int64) * n_items + ci[keep]])
        _, first = np.unique(codes, return_index=True)
        codes = codes[np.sort(first)]
    codes = np.sort(codes[:m])
    users, items = codes // n_items, codes % n_items
    score = 3.6 + bu[users] + bi[items] + np.einsum("nk,nk->n", P[users], Q[items])
    return users, items, np.clip(np.rint(score + rng.normal(0, noise, m)), 1, 5)


def test_generator_output_does_not_depend_on_the_chunk_size():
    """Random streams belong to fixed blocks of users, so chunking only changes how many are drawn at once."""
    n_users = 5 * synthetic._BLOCK + 17  # six blocks, the last one short
    runs = [make_netflix_like(n_users, 200, density=0.05, random_state=3, chunk_size=c)
            for c in (1, 2 * synthetic._BLOCK + 1, None, 10**6)]
    for other in runs[1:]:
        for field in ("users", "items", "ratings"):
            assert np.array_equal(getattr(runs[0], field), getattr(other, field)), field


def test_generator_chunks_bound_the_candidates_drawn_at_once(monkeypatch):
    """With chunk_size = one block, no draw covers more than one block of users."""
    seen = []
    draw = synthetic._Process.draw

    def spy(self, blocks, *args):
        seen.append(len(blocks))
        return draw(self, blocks, *args)

    monkeypatch.setattr(synthetic._Process, "draw", spy)
    make_netflix_like(3 * synthetic._BLOCK, 100, density=0.05, random_state=0, chunk_size=synthetic._BLOCK)
    assert seen and max(seen) == 1


def test_generator_returns_compact_sorted_distinct_ratings():
    data = make_netflix_like(700, 300, density=0.03, random_state=1)
    assert len(data) == round(0.03 * 700 * 300)
    assert data.users.dtype == np.int32 and data.items.dtype == np.int32 and data.ratings.dtype == np.float32
    codes = data.users.astype(np.int64) * 300 + data.items
    assert np.all(np.diff(codes) > 0)  # sorted by user then item, no pair twice
    assert data.users.min() >= 0 and data.users.max() < 700 and data.items.max() < 300


def _overlap(a, b, n_items):
    ca = a[0].astype(np.int64) * n_items + a[1]
    cb = b[0].astype(np.int64) * n_items + b[1]
    return len(np.intersect1d(ca, cb)) / len(ca)


@pytest.mark.parametrize("density, selection", [(0.05, 1.5), (0.3, 1.5), (0.05, 0.0)])
def test_generator_has_the_distribution_of_the_sequential_recipe(density, selection):
    """Same latent model (same seed), pairs and stars drawn the same way: the new data set should look
    like a second draw of the old recipe -- as much overlap in pairs as two old draws have, the same
    activity and popularity, the same stars."""
    n_users, n_items, seed = 1500, 400, 7
    new = make_netflix_like(n_users, n_items, density=density, selection=selection, random_state=seed)
    new = (new.users, new.items, new.ratings)
    old = _sequential_netflix_like(n_users, n_items, density=density, selection=selection, random_state=seed)
    old2 = _sequential_netflix_like(n_users, n_items, density=density, selection=selection, random_state=seed,
                                    sampling_seed=99)
    assert len(new[0]) == len(old[0])
    between, within = _overlap(new, old, n_items), _overlap(old2, old, n_items)
    assert abs(between - within) < 0.03, (between, within)
    for axis, n in ((0, n_users), (1, n_items)):  # activity and popularity, count by count
        c_new, c_old, c_old2 = (np.bincount(x[axis], minlength=n) for x in (new, old, old2))
        assert np.corrcoef(c_new, c_old)[0, 1] > np.corrcoef(c_old2, c_old)[0, 1] - 0.03
    stars = [np.bincount(x[2].astype(int), minlength=6)[1:] / len(x[2]) for x in (new, old, old2)]
    assert np.abs(stars[0] - stars[1]).max() < max(0.01, 2 * np.abs(stars[2] - stars[1]).max())


# ----------------------------------------------------------------------------- ids and the compact CSR

@FAST
@given(st.lists(st.integers(0, 40), min_size=1, max_size=60), st.integers(1, 7))
def test_id_codes_match_to_index_in_any_chunk_size(raw, chunk):
    m = IdMap(np.array(raw, dtype=np.int32))
    assert m.ids.tolist() == sorted(set(raw))
    old = ids._CHUNK
    ids._CHUNK = chunk
    try:
        codes = m.codes(np.array(raw, dtype=np.int32))
    finally:
        ids._CHUNK = old
    assert codes.dtype == np.int32 and codes.tolist() == m.to_index(raw).tolist()
    with pytest.raises(KeyError, match="41"):
        m.codes([41])


@FAST
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 9), st.integers(0, 10**6))
def test_counting_sort_csr_equals_scipy_for_any_order_and_chunk(n_rows, n_cols, chunk, seed):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_rows, n_cols)) < 0.4
    mask[rng.integers(n_rows), rng.integers(n_cols)] = True
    r, c = np.nonzero(mask)
    perm = rng.permutation(len(r))  # arbitrary input order
    r, c = r[perm].astype(np.int32), c[perm].astype(np.int32)
    v = rng.integers(1, 6, len(r)).astype(np.float32)
    old = compact._SORT_CHUNK
    compact._SORT_CHUNK = chunk
    try:
        rows = RatingRows.from_codes(r, c, v, n_rows, n_cols, offset=2.5)
        cols = rows.transpose()
    finally:
        compact._SORT_CHUNK = old
    ref = sp.csr_array((v.astype(float), (r, c)), shape=(n_rows, n_cols))
    ref.sort_indices()
    assert rows.indices.dtype == np.int32 and rows.data.dtype == np.float32
    assert np.array_equal(rows.indptr, ref.indptr) and np.array_equal(rows.indices, ref.indices)
    assert np.array_equal(rows.data, ref.data)
    refT = sp.csr_array(ref.T)
    refT.sort_indices()
    assert np.array_equal(cols.indptr, refT.indptr) and np.array_equal(cols.indices, refT.indices)
    assert np.array_equal(cols.data, refT.data)
    # blocks cover the rows in order, as residuals and as the 0/1 pattern
    got = [(s, e, R.toarray(), C.toarray()) for s, e, R, C in rows.chunks(max_rows=2, max_nnz=3)]
    assert [s for s, *_ in got] == [0] + [e for _, e, *_ in got[:-1]] and got[-1][1] == n_rows
    dense = ref.toarray()
    for s, e, R, C in got:
        assert e - s <= 2
        assert np.array_equal(C, dense[s:e] != 0)
        assert np.allclose(R, np.where(dense[s:e] != 0, dense[s:e] - 2.5, 0.0))


def test_a_pair_given_twice_counts_as_two_observations():
    """As scipy's summed duplicates did: the ridge regression sees both ratings."""
    from lalib.recsys.als import _ridge_rows

    F = np.array([[1.0, 1.0], [0.5, 1.0]])
    rows = RatingRows.from_codes(np.array([0, 0, 0], np.int32), np.array([0, 1, 0], np.int32),
                                 np.array([4.0, 2.0, 5.0]), 1, 2, offset=3.0)
    x = _ridge_rows(rows, F, np.zeros(2), np.array([0.1, 0.1]))[0]
    A = F[[0, 1, 0]]
    y = np.array([4.0, 2.0, 5.0]) - 3.0
    assert np.allclose(x, np.linalg.solve(A.T @ A + 0.1 * np.eye(2), A.T @ y))


def test_float32_ratings_stay_float32_and_fit_like_float64():
    data = make_netflix_like(300, 150, rank=3, density=0.2, random_state=1)
    assert Ratings(data.users, data.items, data.ratings).ratings.dtype == np.float32
    assert Ratings([1], [2], [3]).ratings.dtype == np.float64
    a = MatrixFactorization(n_components=3, random_state=0).fit(data.users, data.items, data.ratings)
    b = MatrixFactorization(n_components=3, random_state=0).fit(data.users.astype(np.int64), data.items,
                                                                data.ratings.astype(np.float64))
    assert a.global_mean_ == b.global_mean_  # a float64 sum either way
    # only the SVD start sees float32 residuals: predictions agree to rounding
    assert np.allclose(a.predict(data.users, data.items), b.predict(data.users, data.items), atol=1e-5)


# ----------------------------------------------------------------------------- memory-bounded fitting

@pytest.fixture(scope="module")
def small():
    data = make_netflix_like(400, 200, rank=3, density=0.1, random_state=4)
    return data.users, data.items, data.ratings.astype(np.float64)


@pytest.mark.parametrize("kwargs", [{}, {"implicit": False}, {"reg": 3.0}])
def test_blocked_fit_equals_the_one_block_fit_and_respects_the_bounds(small, kwargs, monkeypatch):
    """Tiny budgets force many blocks (rows and stored entries); the answer must not change."""
    whole = MatrixFactorization(n_components=3, random_state=0, track_loss=True, **kwargs).fit(*small)
    blocks = []
    chunks = RatingRows.chunks

    def spy(self, max_rows, max_nnz=None):
        for s, e, R, C in chunks(self, max_rows, max_nnz):
            blocks.append((e - s, R.nnz, max_rows, max_nnz or compact._NNZ_BUDGET))
            yield s, e, R, C

    monkeypatch.setattr(RatingRows, "chunks", spy)
    monkeypatch.setattr(als_module, "_GRAM_BUDGET", 16 * 7)  # d = 4: seven rows per block
    monkeypatch.setattr(compact, "_NNZ_BUDGET", 50)
    blocked = MatrixFactorization(n_components=3, random_state=0, track_loss=True, **kwargs).fit(*small)
    assert len(blocks) > 50
    for n_rows, nnz, max_rows, max_nnz in blocks:
        assert n_rows <= max_rows and (nnz <= max_nnz or n_rows == 1), (n_rows, nnz, max_rows, max_nnz)
    assert {max_rows for _, _, max_rows, _ in blocks} >= {7}  # the kernels asked for _GRAM_BUDGET / d^2 rows
    assert 50 in {max_nnz for *_, max_nnz in blocks}  # the kernels took the (patched) default entry budget
    u, i, _ = small
    assert np.allclose(blocked.predict(u, i), whole.predict(u, i), rtol=0, atol=1e-9)
    assert np.allclose(blocked.loss_history_, whole.loss_history_, rtol=1e-10)


def test_fit_never_builds_the_ratings_as_scipy_coo(small, monkeypatch):
    """The int64 COO route (csr_array((r, (u, i)))) is what blew up memory; the fit must not take it."""
    import scipy.sparse as sparse

    made = []
    real = sparse.csr_array

    class Spy(real):
        def __init__(self, arg1, *args, **kwargs):
            if isinstance(arg1, tuple) and len(arg1) == 2 and isinstance(arg1[1], tuple):
                made.append(len(arg1[0]))
            super().__init__(arg1, *args, **kwargs)

    for module in (compact, als_module):
        monkeypatch.setattr(module.sp, "csr_array", Spy)
    model = MatrixFactorization(n_components=3, random_state=0).fit(*small)
    assert made == []
    assert rmse(small[2], model.predict(small[0], small[1])) < 1.0


@FAST
@given(st.integers(2, 8), st.integers(1, 4), st.integers(0, 10**6))
def test_preconditioned_cg_solves_each_shifted_system(n, d, seed):
    from lalib.recsys.als import _shifted_cg

    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n + 2, n)) * rng.uniform(0.1, 10, n)  # badly scaled columns: what Jacobi helps with
    G = A.T @ A
    B = rng.normal(size=(n, d))
    scales, shifts = rng.uniform(0.0, 2.0, d), rng.uniform(0.1, 3.0, d)
    Z = _shifted_cg(lambda P: G @ P, B, scales, shifts, rng.normal(size=(n, d)), n_iter=10 * n, rtol=1e-12,
                    diag=np.diag(G).copy())
    for j in range(d):
        assert np.allclose(Z[:, j], np.linalg.solve(scales[j] * G + shifts[j] * np.eye(n), B[:, j]), atol=1e-7)
