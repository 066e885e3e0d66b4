"""Recommender systems: the user-item ratings matrix and its low-rank factorization.

Ratings arrive as three parallel arrays (user id, item id, rating). They form a
very sparse matrix -- Netflix's was 480,189 users by 17,770 movies with about
1% of entries known -- and the task is to fill in the rest. The model here is

    r_ui ~ mu + b_u + b_i + p_u . q_i

a global mean, a user bias, an item bias and a rank-k product of user and item
factors. With a fixed ridge penalty, every fitting method minimizes the *same*
regularized squared error

    J = sum_(u,i) (r_ui - mu - b_u - b_i - p_u . q_i)^2
        + reg (|P|^2 + |Q|^2) + reg_bias (|b_user|^2 + |b_item|^2)

three ways: alternating least squares (each half-step is one small ridge
regression per user, solved for all users at once), stochastic gradient
descent (Funk-SVD) and PyTorch autograd. The default, ``reg="auto"``, keeps
ALS's batched ridge regressions but learns how much to shrink, and toward
what, from the data (variational Bayes); on MovieLens 100K that is the
difference between RMSE 0.91 and 0.89 (see ``benchmarks/recsys.md``).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

__all__ = [
    "IdMap",
    "Ratings",
    "ratings_matrix",
    "random_split",
    "per_user_split",
    "kfold",
    "rmse",
    "mae",
    "GlobalMean",
    "BiasBaseline",
    "MatrixFactorization",
    "als_step",
    "make_netflix_like",
]

# Floats per chunk of stacked Gram matrices: bounds memory on Netflix-sized data.
_GRAM_BUDGET = 1 << 22


# ----------------------------------------------------------------------------- ids

def _as_ids(x: Any, name: str) -> np.ndarray:
    """A 1-D array of hashable ids; native dtype when all ids are ints or all strings."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an array of shape {x.shape}")
        return x
    try:
        seq = list(x)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of ids, got {type(x).__name__}") from None
    kinds = {type(v) for v in seq}
    # Mixed types (1 and "1") must stay distinct, so only uniform lists become native arrays.
    if kinds and kinds <= {int, np.int64, np.int32}:
        return np.asarray(seq, dtype=np.int64)
    if kinds == {str}:
        return np.asarray(seq, dtype=str)
    arr = np.empty(len(seq), dtype=object)
    for k, v in enumerate(seq):
        arr[k] = v
    return arr


class IdMap:
    """A bijection between raw ids (any hashable values) and indices ``0 .. n-1``.

    Numeric and string ids are indexed in sorted order; other ids (tuples,
    mixed types) in order of first appearance.

    Parameters
    ----------
    ids : sequence of hashable
        Raw ids; duplicates are allowed and kept once.

    Examples
    --------
    >>> m = IdMap(["bob", "alice", "bob"])
    >>> len(m), m.ids.tolist()
    (2, ['alice', 'bob'])
    >>> m.to_index(["bob", "carol"], missing=-1).tolist()
    [1, -1]
    >>> m.to_id([0]).tolist()
    ['alice']
    """

    def __init__(self, ids: Sequence[Hashable] | np.ndarray):
        arr = _as_ids(ids, "ids")
        self._lookup: dict | None = None
        if arr.dtype != object:
            self.ids = np.unique(arr)
        else:
            self._lookup = {}
            for v in arr:
                self._lookup.setdefault(v, len(self._lookup))
            self.ids = np.empty(len(self._lookup), dtype=object)
            for v, k in self._lookup.items():
                self.ids[k] = v

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"IdMap({len(self)} ids)"

    def to_index(self, raw: Any, missing: int | None = None) -> np.ndarray:
        """Indices of ``raw`` ids; unknown ids raise, or become ``missing`` when given.

        Examples
        --------
        >>> IdMap([10, 30, 20]).to_index([30, 10]).tolist()
        [2, 0]
        """
        arr = _as_ids(raw, "ids")
        if self._lookup is None and arr.dtype != object and arr.dtype.kind == self.ids.dtype.kind:
            pos = np.searchsorted(self.ids, arr).clip(0, max(len(self.ids) - 1, 0))
            found = self.ids[pos] == arr if len(self.ids) else np.zeros(len(arr), bool)
            idx = np.where(found, pos, -1)
        else:
            lookup = self._lookup if self._lookup is not None else {v: k for k, v in enumerate(self.ids.tolist())}
            idx = np.fromiter((lookup.get(v, -1) for v in arr), dtype=np.intp, count=len(arr))
        if missing is None and np.any(idx < 0):
            raise KeyError(f"unknown id {arr[np.argmax(idx < 0)]!r}")
        return np.where(idx < 0, -1 if missing is None else missing, idx).astype(np.intp)

    def to_id(self, index: ArrayLike) -> np.ndarray:
        """Raw ids at the given indices.

        Examples
        --------
        >>> IdMap([("a", 1), ("b", 2)]).to_id([1]).tolist()
        [('b', 2)]
        """
        return self.ids[np.asarray(index, dtype=np.intp)]


# ----------------------------------------------------------------------------- data

def _check_triples(users: Any, items: Any, ratings: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u, i = _as_ids(users, "users"), _as_ids(items, "items")
    r = np.asarray(ratings, dtype=float)
    if r.ndim != 1:
        raise ValueError(f"ratings must be 1-D, got an array of shape {r.shape}")
    if not len(u) == len(i) == len(r):
        raise ValueError(f"users, items and ratings must have the same length, "
                         f"got {len(u)}, {len(i)} and {len(r)}")
    if len(r) == 0:
        raise ValueError("ratings must not be empty")
    bad = ~np.isfinite(r)
    if bad.any():
        raise ValueError(f"ratings contains NaN or infinity (first at position {int(np.argmax(bad))})")
    return u, i, r


@dataclass(frozen=True)
class Ratings:
    """Observed ratings as parallel arrays, plus what a data set may add.

    Index it with an array of positions (as returned by the split functions) to
    get a subset.

    Attributes
    ----------
    users, items : numpy.ndarray
        Raw ids, any hashable values.
    ratings : numpy.ndarray
        The ratings, float.
    timestamps : numpy.ndarray or None
        Seconds since the epoch, when known.
    titles : dict or None
        Item id to title, when known.

    Examples
    --------
    >>> data = Ratings(["ann", "ann", "bo"], ["x", "y", "x"], [5, 3, 4])
    >>> len(data), data[[0, 2]].ratings.tolist()
    (3, [5.0, 4.0])
    """

    users: np.ndarray
    items: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray | None = None
    titles: dict | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        u, i, r = _check_triples(self.users, self.items, self.ratings)
        object.__setattr__(self, "users", u)
        object.__setattr__(self, "items", i)
        object.__setattr__(self, "ratings", r)
        if self.timestamps is not None:
            t = np.asarray(self.timestamps)
            if t.shape != r.shape:
                raise ValueError(f"timestamps must have the same length as ratings, got {t.shape} and {r.shape}")
            object.__setattr__(self, "timestamps", t)

    def __len__(self) -> int:
        return len(self.ratings)

    def __getitem__(self, idx: ArrayLike) -> Ratings:
        idx = np.asarray(idx)
        t = None if self.timestamps is None else self.timestamps[idx]
        return Ratings(self.users[idx], self.items[idx], self.ratings[idx], t, self.titles)

    def to_matrix(self) -> tuple[sp.csr_array, IdMap, IdMap]:
        """The sparse user x item matrix with its id maps; see `ratings_matrix`.

        Examples
        --------
        >>> R, users, items = Ratings([1, 2], ["a", "b"], [4, 5]).to_matrix()
        >>> R.toarray()
        array([[4., 0.],
               [0., 5.]])
        """
        return ratings_matrix(self.users, self.items, self.ratings)


def ratings_matrix(users: Any, items: Any, ratings: Any) -> tuple[sp.csr_array, IdMap, IdMap]:
    """The sparse user x item ratings matrix, with the maps from raw ids to rows and columns.

    Parameters
    ----------
    users, items : sequence of hashable
        Raw ids of the same length as ``ratings``; ids need not be contiguous.
    ratings : array_like
        The ratings.

    Returns
    -------
    R : scipy.sparse.csr_array
        Shape (number of users, number of items); unrated entries are not stored.
    user_map, item_map : IdMap
        Row and column of each raw id.

    Raises
    ------
    ValueError
        On mismatched lengths, empty or NaN ratings, or a (user, item) pair rated twice.

    Examples
    --------
    >>> R, users, items = ratings_matrix([7, 7, 42], ["up", "jaws", "up"], [5, 3, 4])
    >>> R.shape, R[users.to_index([42])[0], items.to_index(["up"])[0]]
    ((2, 2), np.float64(4.0))
    """
    u, i, r = _check_triples(users, items, ratings)
    user_map, item_map = IdMap(u), IdMap(i)
    rows, cols = user_map.to_index(u), item_map.to_index(i)
    codes = rows.astype(np.int64) * len(item_map) + cols
    uniq, first, counts = np.unique(codes, return_index=True, return_counts=True)
    if np.any(counts > 1):
        k = first[np.argmax(counts > 1)]
        raise ValueError(f"users and items: the pair ({u[k]!r}, {i[k]!r}) is rated more than once")
    R = sp.csr_array((r, (rows, cols)), shape=(len(user_map), len(item_map)))
    return R, user_map, item_map


# ----------------------------------------------------------------------------- splits

def _fraction(test_size: float) -> float:
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1, got {test_size}")
    return float(test_size)


def random_split(n: int, test_size: float = 0.2,
                 random_state: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split positions ``0 .. n-1`` at random into train and test.

    Returns
    -------
    train, test : numpy.ndarray
        Sorted positions; together they are every position exactly once, and
        ``test`` holds ``round(test_size * n)`` of them.

    Examples
    --------
    >>> train, test = random_split(10, test_size=0.3, random_state=0)
    >>> len(train), len(test), sorted(train.tolist() + test.tolist()) == list(range(10))
    (7, 3, True)
    """
    if n < 2:
        raise ValueError(f"n must be at least 2 to split, got {n}")
    rng = np.random.default_rng(random_state)
    n_test = min(max(int(round(_fraction(test_size) * n)), 1), n - 1)
    perm = rng.permutation(n)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def per_user_split(users: Any, test_size: float = 0.2,
                   random_state: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hold out a fraction of *each* user's ratings, so every user is seen in training.

    A user with ``n`` ratings gets ``round(test_size * n)`` held out (halves
    round up), but always keeps at least one in training.

    Examples
    --------
    >>> users = ["a"] * 10 + ["b"] * 5 + ["c"]
    >>> train, test = per_user_split(users, test_size=0.2, random_state=0)
    >>> sorted(users[k] for k in test)
    ['a', 'a', 'b']
    """
    frac = _fraction(test_size)
    codes = IdMap(_as_ids(users, "users")).to_index(users)
    rng = np.random.default_rng(random_state)
    order = np.lexsort((rng.random(len(codes)), codes))  # by user, random within user
    counts = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank_in_user = np.arange(len(codes)) - starts[codes[order]]
    n_test = np.minimum(np.floor(frac * counts + 0.5), counts - 1)
    is_test = np.zeros(len(codes), bool)
    is_test[order] = rank_in_user < n_test[codes[order]]
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def kfold(n: int, n_splits: int = 5,
          random_state: int | np.random.Generator | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random k-fold cross-validation: ``n_splits`` (train, test) pairs with disjoint tests.

    Examples
    --------
    >>> folds = kfold(10, n_splits=5, random_state=0)
    >>> sorted(int(k) for _, test in folds for k in test) == list(range(10))
    True
    """
    if not 2 <= n_splits <= n:
        raise ValueError(f"n_splits must be between 2 and n={n}, got {n_splits}")
    perm = np.random.default_rng(random_state).permutation(n)
    folds = np.array_split(perm, n_splits)
    return [(np.sort(np.concatenate(folds[:k] + folds[k + 1:])), np.sort(f)) for k, f in enumerate(folds)]


# ----------------------------------------------------------------------------- metrics

def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t, p = np.asarray(y_true, float), np.asarray(y_pred, float)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {t.shape} and {p.shape}")
    if t.size == 0:
        raise ValueError("y_true must not be empty")
    return t, p


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error.

    Examples
    --------
    >>> rmse([1, 2, 3], [1, 2, 5])
    1.1547005383792515
    """
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2)))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error.

    Examples
    --------
    >>> mae([1, 2, 3], [1, 2, 5])
    0.6666666666666666
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


# ----------------------------------------------------------------------------- models

class GlobalMean:
    """Predict the mean training rating for everyone: the baseline to beat.

    Attributes
    ----------
    global_mean_ : float
    users_, items_ : IdMap
        The users and items seen in training.
    rating_scale_ : tuple of float
        (lowest, highest) rating; predictions are clipped to it.

    Examples
    --------
    >>> GlobalMean().fit(["a", "b"], [1, 2], [3, 4]).predict(["zed"], [9])
    array([3.5])
    """

    def __init__(self, rating_scale: tuple[float, float] | None = None):
        self.rating_scale = rating_scale

    def _prepare(self, users: Any, items: Any, ratings: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u, i, r = _check_triples(users, items, ratings)
        self.users_, self.items_ = IdMap(u), IdMap(i)
        self.global_mean_ = float(r.mean())
        lo, hi = self.rating_scale if self.rating_scale is not None else (r.min(), r.max())
        if not lo <= hi:
            raise ValueError(f"rating_scale must be (low, high) with low <= high, got {self.rating_scale}")
        self.rating_scale_ = (float(lo), float(hi))
        return self.users_.to_index(u), self.items_.to_index(i), r

    def fit(self, users: Any, items: Any, ratings: Any) -> GlobalMean:
        """Learn the mean rating. Returns ``self``."""
        self._prepare(users, items, ratings)
        return self

    def _score(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        """Unclipped scores; ``-1`` marks a user or item not seen in training."""
        return np.full(len(u), self.global_mean_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "global_mean_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet: call fit first")

    def _encode(self, users: Any, items: Any) -> tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        u, i = _as_ids(users, "users"), _as_ids(items, "items")
        if len(u) != len(i):
            raise ValueError(f"users and items must have the same length, got {len(u)} and {len(i)}")
        return self.users_.to_index(u, missing=-1), self.items_.to_index(i, missing=-1)

    def predict(self, users: Any, items: Any) -> np.ndarray:
        """Predicted ratings for (user, item) pairs, clipped to the rating scale.

        Users or items not seen in training fall back to the baseline: the
        global mean plus whatever biases are known.
        """
        u, i = self._encode(users, items)
        return np.clip(self._score(u, i), *self.rating_scale_)


def _with_zero(a: np.ndarray) -> np.ndarray:
    """Append a zero row, so that index -1 (unseen) reads zeros."""
    return np.concatenate([a, np.zeros((1,) + a.shape[1:])])


class BiasBaseline(GlobalMean):
    """Global mean plus regularized user and item biases: ``mu + b_u + b_i``.

    Fitted by alternating closed-form updates: with the user biases fixed,
    each item bias is a shrunk mean residual ``sum(r - mu - b_u) / (reg + n_i)``,
    and vice versa.

    Parameters
    ----------
    reg : float
        Shrinkage of every bias toward zero (a count of pseudo-ratings).
    n_epochs : int
        Rounds of alternating updates.
    rating_scale : (float, float), optional
        Clip predictions to this range; by default the training range.

    Attributes
    ----------
    user_bias_, item_bias_ : numpy.ndarray
    global_mean_ : float

    Examples
    --------
    >>> model = BiasBaseline(reg=0.0).fit(["a", "a", "b"], ["x", "y", "x"], [5, 3, 4])
    >>> model.predict(["a", "b"], ["x", "y"]).round(2)
    array([5., 3.])
    """

    def __init__(self, reg: float = 5.0, n_epochs: int = 10, rating_scale: tuple[float, float] | None = None):
        super().__init__(rating_scale)
        self.reg, self.n_epochs = reg, n_epochs

    def fit(self, users: Any, items: Any, ratings: Any) -> BiasBaseline:
        """Learn the biases. Returns ``self``."""
        u, i, r = self._prepare(users, items, ratings)
        if self.reg < 0:
            raise ValueError(f"reg must be non-negative, got {self.reg}")
        nu, ni = len(self.users_), len(self.items_)
        cu, ci = np.bincount(u, minlength=nu), np.bincount(i, minlength=ni)
        res = r - self.global_mean_
        bu, bi = np.zeros(nu), np.zeros(ni)
        for _ in range(self.n_epochs):
            bi = np.bincount(i, res - bu[u], ni) / (self.reg + ci)
            bu = np.bincount(u, res - bi[i], nu) / (self.reg + cu)
        self.user_bias_, self.item_bias_ = bu, bi
        return self

    def _score(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return self.global_mean_ + _with_zero(self.user_bias_)[u] + _with_zero(self.item_bias_)[i]


# ----------------------------------------------------------------------------- ALS kernel

def _solve_rows(C: sp.csr_array, moments: np.ndarray, rhs: np.ndarray, penalty: np.ndarray,
                posterior: bool = False):
    """Solve every row's system ``(sum_c moments[c] + penalty) x_r = rhs[r]`` at once.

    The sum runs over the columns ``c`` where row ``r`` of the 0/1 pattern ``C``
    has an entry, so all rows' Gram matrices come out of one sparse product
    ``C @ moments`` (``moments`` holds each column's d x d matrix flattened),
    followed by one batched solve; rows go in chunks to bound memory.

    With ``posterior``, also return each row's inverse matrix (a posterior
    covariance) and ``sum_r trace((x_r x_r^T + inverse_r) gram_r)``.
    """
    n_rows, d = C.shape[0], rhs.shape[1]
    X = np.zeros((n_rows, d))
    S = np.zeros((n_rows, d, d)) if posterior else None
    quad = 0.0
    row, col = np.triu_indices(d)
    upper_moments = moments[:, row * d + col]  # the matrices are symmetric: sum their upper triangles
    step = max(1, _GRAM_BUDGET // (d * d))
    for start in range(0, n_rows, step):
        stop = min(start + step, n_rows)
        upper = C[start:stop] @ upper_moments
        gram = np.empty((stop - start, d, d))
        gram[:, row, col] = upper
        gram[:, col, row] = upper
        A = gram + penalty
        b = rhs[start:stop, :, None]
        if posterior:
            S[start:stop] = inv = np.linalg.inv(A)
            x = X[start:stop] = (inv @ b)[..., 0]
            quad += float(np.einsum("nij,nji->", x[:, :, None] * x[:, None, :] + inv, gram))
            continue
        try:
            X[start:stop] = np.linalg.solve(A, b)[..., 0]
        except np.linalg.LinAlgError:  # reg = 0 with too few ratings: take the minimum-norm solution
            X[start:stop] = (np.linalg.pinv(A, hermitian=True) @ b)[..., 0]
    return (X, S, quad) if posterior else X


def _outer(F: np.ndarray) -> np.ndarray:
    """Each row's outer product with itself, flattened: shape (n, d*d)."""
    return (F[:, :, None] * F[:, None, :]).reshape(len(F), -1)


def _ridge_rows(C: sp.csr_array, R: sp.csr_array, F: np.ndarray, other_bias: np.ndarray,
                penalty: np.ndarray) -> np.ndarray:
    """Every row's ridge regression: ``min_x sum_c (R[r, c] - other_bias[c] - F[c] . x)^2 + sum_j penalty_j x_j^2``."""
    rhs = R @ F - C @ (other_bias[:, None] * F)
    return _solve_rows(C, _outer(F), rhs, np.diag(penalty))


def _vb_rows(C: sp.csr_array, R: sp.csr_array, other: np.ndarray, other_cov: np.ndarray,
             tau: float, prior_mean: np.ndarray, prior_prec: np.ndarray, r_sq: float):
    """Variational-Bayes half-step: the Gaussian posterior of every row's ``x = [p, b]``.

    The other side's vectors ``[q, b]`` are uncertain (means ``other``,
    covariances ``other_cov``), so each row's ridge system uses the *expected*
    Gram matrix ``sum E[f f^T]`` with ``f = [q, 1]``: the plain Gram matrix
    plus the other side's covariances. The prior ``N(prior_mean, prior_prec^-1)``
    replaces the fixed ridge; ``prior_mean`` may be one mean per row. Also
    returns the expected squared error of all ratings under the new posterior.
    """
    n, d = other.shape
    k = d - 1
    f = np.hstack([other[:, :k], np.ones((n, 1))])           # E[f]
    ff = f[:, :, None] * f[:, None, :]
    ff[:, :k, :k] += other_cov[:, :k, :k]                     # E[f f^T]
    b = other[:, k]
    bf = b[:, None] * f
    bf[:, :k] += other_cov[:, :k, k]                          # E[b f]
    rf, sum_bf = R @ f, C @ bf
    rhs = tau * (rf - sum_bf) + prior_mean @ prior_prec  # prior_mean: (d,) or one per row
    X, S, quad = _solve_rows(C, tau * ff.reshape(n, -1), rhs, prior_prec, posterior=True)
    sse = (r_sq - 2 * (float((R @ b).sum()) + float(np.sum(X * rf)))
           + float((C @ (b * b + other_cov[:, k, k])).sum()) + 2 * float(np.sum(X * sum_bf)) + quad / tau)
    return X, S, sse


def _vb_prior(X: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Gaussian prior that best explains the rows' posteriors (the M-step)."""
    m = X.mean(axis=0)
    D = X - m
    cov = D.T @ D / len(X) + S.mean(axis=0)
    return m, np.linalg.inv(cov)


def _vb_prior_implicit(X: np.ndarray, S: np.ndarray, F: sp.csr_array, W: np.ndarray, prec: np.ndarray,
                       reg: float, rtol: float = 1e-3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The M-step when each row's prior mean is ``m + W^T f_r``.

    ``f_r`` (row r of ``F``) says which columns row r rated, so what a user
    chose to rate shifts where their taste is expected to lie (the implicit
    feedback of Koren's SVD++). ``W`` is a ridge regression (penalty
    ``reg |W|^2``) of the posterior means on ``F``, weighted by the prior
    precision: in its eigenbasis the columns decouple into shifted systems,
    solved by conjugate gradients from the previous ``W`` to relative
    residual ``rtol`` (any CG step from there lowers the objective, so EM
    stays monotone; successive sweeps refine ``W``). Then ``m`` and the precision
    are exact. Returns ``(m, W, precision, row_means)``.
    """
    n = len(X)
    f_mean = np.asarray(F.mean(axis=0)).ravel()
    ell, V = np.linalg.eigh(prec)
    T = (X - X.mean(axis=0)) @ V  # the intercept m is free: work with centered targets and features

    def gram(Z):  # (F - mean)^T (F - mean) Z without forming the dense centered matrix
        return F.T @ (F @ Z) - n * np.outer(f_mean, f_mean @ Z)

    B = F.T @ T - n * np.outer(f_mean, T.mean(axis=0))
    # Direction j solves (ell_j G + reg I) w_j = ell_j b_j: no overflow when ell_j is tiny.
    W = _shifted_cg(gram, B * ell, ell, np.full(len(ell), float(reg)), W @ V, rtol=rtol) @ V.T
    row_means = F @ W
    m = (X - row_means).mean(axis=0)
    row_means += m
    D = X - row_means
    return m, W, np.linalg.inv(D.T @ D / n + S.mean(axis=0)), row_means


def _shifted_cg(gram, B: np.ndarray, scales: np.ndarray, shifts: np.ndarray, Z: np.ndarray,
                n_iter: int = 50, rtol: float = 1e-8) -> np.ndarray:
    """Solve ``(scales[j] G + shifts[j] I) z_j = B[:, j]`` for every column j by conjugate gradients from ``Z``.

    ``gram(Z)`` applies the symmetric positive semi-definite G to every column.
    """
    Z = Z.copy()
    R = B - gram(Z) * scales - Z * shifts
    P = R.copy()
    rs = np.sum(R * R, axis=0)
    stop = rtol**2 * np.maximum(np.sum(B * B, axis=0), 1e-300)
    for _ in range(n_iter):
        if np.all(rs <= stop):
            break
        AP = gram(P) * scales + P * shifts
        curv = np.sum(P * AP, axis=0)
        alpha = np.where(curv > 0, rs / np.where(curv > 0, curv, 1.0), 0.0)
        Z += P * alpha
        R -= AP * alpha
        rs_new = np.sum(R * R, axis=0)
        P = R + P * np.where(rs > 0, rs_new / np.where(rs > 0, rs, 1.0), 0.0)
        rs = rs_new
    return Z


def _kl_to_prior(X: np.ndarray, S: np.ndarray, m: np.ndarray, prec: np.ndarray) -> float:
    """sum_r KL(N(X_r, S_r) || N(m_r, prec^-1)); ``m`` is one mean or one per row."""
    D = X - m
    logdet_S = np.linalg.slogdet(S)[1].sum()
    logdet_prec = np.linalg.slogdet(prec)[1]
    return 0.5 * float(np.einsum("ij,nji->", prec, S) + np.einsum("ni,ij,nj->", D, prec, D)
                       - X.size - logdet_S - len(X) * logdet_prec)


def als_step(R: sp.csr_array | sp.spmatrix, fixed_factors: np.ndarray, fixed_bias: np.ndarray,
             global_mean: float, reg: float, reg_bias: float) -> tuple[np.ndarray, np.ndarray]:
    """One half-step of ALS: every row's factors and bias, given the columns'.

    For each row ``u`` of the ratings matrix this solves the ridge regression

        min  sum_i (r_ui - mu - b_i - b_u - p_u . q_i)^2 + reg |p_u|^2 + reg_bias b_u^2

    over ``(p_u, b_u)``, with the item factors ``q_i`` and biases ``b_i`` held
    fixed. Pass the transposed matrix (and the user side) for the other half.

    Parameters
    ----------
    R : sparse matrix, shape (n_rows, n_cols)
        Observed ratings; unstored entries are unknown, not zero.
    fixed_factors : numpy.ndarray, shape (n_cols, rank)
    fixed_bias : numpy.ndarray, shape (n_cols,)
    global_mean : float
    reg, reg_bias : float
        Ridge penalties on the factors and on the bias.

    Returns
    -------
    factors : numpy.ndarray, shape (n_rows, rank)
    bias : numpy.ndarray, shape (n_rows,)
        A row with no ratings gets zeros; where a system is singular
        (zero penalty, too few ratings) the minimum-norm solution.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> R = sp.csr_array(np.array([[5.0, 0.0], [1.0, 3.0]]))
    >>> P, b = als_step(R, np.array([[1.0], [0.5]]), np.zeros(2), 3.0, reg=0.0, reg_bias=1e9)
    >>> P.round(3).ravel().tolist()
    [2.0, -1.6]
    """
    R = sp.csr_array(R)
    F = np.asarray(fixed_factors, float)
    if F.ndim != 2 or F.shape[0] != R.shape[1]:
        raise ValueError(f"fixed_factors must have shape ({R.shape[1]}, rank), got {F.shape}")
    b = np.asarray(fixed_bias, float)
    if b.shape != (R.shape[1],):
        raise ValueError(f"fixed_bias must have shape ({R.shape[1]},), got {b.shape}")
    C = R.copy()
    C.data = np.ones_like(C.data)
    R0 = R.copy()
    R0.data = R0.data - global_mean
    k = F.shape[1]
    X = _ridge_rows(C, R0, np.hstack([F, np.ones((len(F), 1))]), b, np.r_[np.full(k, reg), reg_bias])
    return X[:, :k], X[:, k]


# ----------------------------------------------------------------------------- factorization

_DEFAULT_EPOCHS = {"als": 5, "sgd": 30, "torch": 30}
_DEFAULT_LR = {"sgd": 0.01, "torch": 0.02}
_DEFAULT_BATCH = {"sgd": 1024, "torch": 8192}
_FIXED_REG = 12.0  # what "auto" means for SGD and torch: good on MovieLens-sized data
_IMPLICIT_REG = 30.0  # ridge on the implicit-feedback weights W, tuned on MovieLens 100K


class MatrixFactorization(BiasBaseline):
    """Biased matrix factorization ``r_ui ~ mu + b_u + b_i + p_u . q_i``.

    Parameters
    ----------
    rank : int
        Number of latent factors k.
    reg : float or "auto"
        Ridge penalty on the factors, ``reg * (|P|^2 + |Q|^2)`` in the loss J.
        ``"auto"`` (the default) lets ALS learn its penalties from the data:
        *variational Bayesian* ALS. Each user's ridge regression then shrinks
        ``[p_u, b_u]`` toward a learned Gaussian prior (a mean and a full
        precision matrix, shared by all users) instead of toward zero by a
        fixed amount; the Gram matrices include the items' uncertainty; and
        the noise level is learned too (likewise for items). The priors are
        learned from the rows themselves, so on a toy matrix with a handful of
        users or items pass a number instead. SGD and torch, which need a
        number, use 12 for "auto".
    reg_bias : float
        Ridge penalty on the biases (unused by ALS with ``reg="auto"``).
    method : {"als", "sgd", "torch"}
        ``"als"``: alternating least squares, each half-step solving all
        users' (or items') small ridge systems in one batch -- exact
        coordinate minimization, so the loss never increases. It starts from
        the truncated SVD of the centered ratings (unknowns as zeros), so a
        few sweeps suffice.
        ``"sgd"``: Funk-SVD, stochastic gradient descent on shuffled mini-batches.
        ``"torch"``: the same loss minimized by Adam through PyTorch autograd.
    n_epochs : int, optional
        ALS sweeps or passes over the data; a per-method default when None
        (5 ALS sweeps: with ``reg="auto"``, more sweeps gained nothing on
        MovieLens 100K, and running to convergence overfits a little).
    lr : float, optional
        Learning rate for "sgd" and "torch".
    batch_size : int, optional
        Ratings per mini-batch for "sgd" and "torch"; a per-method default when None.
    init_std : float
        Standard deviation of the random initial factors (SGD, torch).
    rating_scale : (float, float), optional
        Clip predictions to this range; by default the training range.
    random_state : int or numpy.random.Generator, optional
        Seeds the initial factors (the random subspace of the SVD start, for
        ALS) and the shuffling.
    implicit : bool
        For ALS with ``reg="auto"``: let which items a user rated move the
        prior mean of their vector, ``m + W^T f_u`` with ``f_u`` the user's
        rated items scaled to unit length (the implicit feedback of SVD++:
        choosing to rate a movie says something about taste). ``W`` is fitted
        as a ridge regression in the same EM loop.
    track_loss : bool
        Record the loss after every epoch, not only the last (one extra pass
        over the ratings per epoch).
    verbose : bool
        Show a progress bar over epochs.

    Attributes
    ----------
    user_factors_, item_factors_ : numpy.ndarray, shape (n_users, rank), (n_items, rank)
    user_bias_, item_bias_ : numpy.ndarray
    global_mean_ : float
    users_, items_ : IdMap
        Row of each raw user id in ``user_factors_`` (and items likewise).
    loss_history_ : list of float
        The loss after each epoch (``track_loss``), or after the last one: J for
        a numeric ``reg``; for ALS with ``reg="auto"``, the negative evidence
        lower bound. ALS never increases either.
    noise_std_ : float or None
        The learned noise level (ALS with ``reg="auto"``), else None.

    Examples
    --------
    >>> data = make_netflix_like(200, 100, rank=3, density=0.2, random_state=0)
    >>> train, test = random_split(len(data), random_state=0)
    >>> model = MatrixFactorization(rank=3, random_state=0)
    >>> model = model.fit(data.users[train], data.items[train], data.ratings[train])
    >>> baseline = BiasBaseline().fit(data.users[train], data.items[train], data.ratings[train])
    >>> t = data[test]
    >>> rmse(t.ratings, model.predict(t.users, t.items)) < rmse(t.ratings, baseline.predict(t.users, t.items))
    True
    """

    def __init__(self, rank: int = 10, reg: float | str = "auto", reg_bias: float = 5.0, method: str = "als",
                 n_epochs: int | None = None, lr: float | None = None, batch_size: int | None = None,
                 init_std: float = 0.1, rating_scale: tuple[float, float] | None = None,
                 random_state: int | np.random.Generator | None = None, implicit: bool = True,
                 track_loss: bool = False, verbose: bool = False):
        GlobalMean.__init__(self, rating_scale)
        self.rank, self.reg, self.reg_bias, self.method = rank, reg, reg_bias, method
        self.n_epochs, self.lr, self.batch_size = n_epochs, lr, batch_size
        self.init_std, self.random_state, self.implicit = init_std, random_state, implicit
        self.track_loss, self.verbose = track_loss, verbose

    # -- fitting

    def _check_params(self) -> None:
        if self.method not in _DEFAULT_EPOCHS:
            raise ValueError(f"method must be one of {sorted(_DEFAULT_EPOCHS)}, got {self.method!r}")
        if not isinstance(self.rank, (int, np.integer)) or self.rank < 1:
            raise ValueError(f"rank must be a positive integer, got {self.rank!r}")
        if not (isinstance(self.reg, str) and self.reg == "auto"):
            if isinstance(self.reg, str) or not self.reg >= 0:
                raise ValueError(f"reg must be 'auto' or a non-negative number, got {self.reg!r}")
        for name in ("reg_bias", "init_std"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative, got {getattr(self, name)}")
        if self.n_epochs is not None and self.n_epochs < 1:
            raise ValueError(f"n_epochs must be at least 1, got {self.n_epochs}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")

    def fit(self, users: Any, items: Any, ratings: Any) -> MatrixFactorization:
        """Learn factors and biases from observed ratings. Returns ``self``.

        Parameters
        ----------
        users, items : sequence of hashable
            Raw ids, one per rating.
        ratings : array_like
            The observed ratings.
        """
        self._check_params()
        u, i, r = self._prepare(users, items, ratings)
        nu, ni, k = len(self.users_), len(self.items_), int(self.rank)
        rng = np.random.default_rng(self.random_state)
        P = rng.normal(0.0, self.init_std, (nu, k))
        Q = rng.normal(0.0, self.init_std, (ni, k))
        bu, bi = np.zeros(nu), np.zeros(ni)
        self._rated = sp.csr_array((np.ones(len(r)), (u, i)), shape=(nu, ni))
        epochs = self.n_epochs or _DEFAULT_EPOCHS[self.method]
        self._reg = _FIXED_REG if self.reg == "auto" else float(self.reg)
        if self.method == "als":
            fitter = self._fit_vb if self.reg == "auto" else self._fit_als
        else:
            fitter = self._fit_sgd if self.method == "sgd" else self._fit_torch
        self.noise_std_ = None
        self.loss_history_: list[float] = []
        loss = None  # fitters yield None (the loss is J) or a function computing their own loss
        with _one_blas_thread():
            for P, Q, bu, bi, loss in fitter(u, i, r, P, Q, bu, bi, epochs, rng):
                if self.track_loss:
                    self.loss_history_.append(loss() if loss else self._loss(u, i, r, P, Q, bu, bi))
            if not self.track_loss:
                self.loss_history_.append(loss() if loss else self._loss(u, i, r, P, Q, bu, bi))
        self.user_factors_, self.item_factors_, self.user_bias_, self.item_bias_ = P, Q, bu, bi
        return self

    def _loss(self, u, i, r, P, Q, bu, bi) -> float:
        err = r - self.global_mean_ - bu[u] - bi[i] - np.einsum("nk,nk->n", P[u], Q[i])
        return float(err @ err + self._reg * (np.sum(P * P) + np.sum(Q * Q))
                     + self.reg_bias * (bu @ bu + bi @ bi))

    def _epochs(self, n: int):
        if not self.verbose:
            return range(n)
        from tqdm.auto import trange
        return trange(n, desc=f"fitting ({self.method})")

    def _fit_als(self, u, i, r, P, Q, bu, bi, epochs, rng):
        nu, ni, k = len(P), len(Q), P.shape[1]
        R = sp.csr_array((r - self.global_mean_, (u, i)), shape=(nu, ni))
        Q = _svd_start(R, k, Q, rng)
        C = self._rated
        RT, CT = sp.csr_array(R.T), sp.csr_array(C.T)
        penalty = np.r_[np.full(k, self._reg), float(self.reg_bias)]
        ones_u, ones_i = np.ones((nu, 1)), np.ones((ni, 1))
        for _ in self._epochs(epochs):
            X = _ridge_rows(C, R, np.hstack([Q, ones_i]), bi, penalty)
            P, bu = X[:, :k], X[:, k]
            Y = _ridge_rows(CT, RT, np.hstack([P, ones_u]), bu, penalty)
            Q, bi = Y[:, :k], Y[:, k]
            yield P, Q, bu, bi, None

    def _fit_vb(self, u, i, r, P, Q, bu, bi, epochs, rng):
        nu, ni, k = len(P), len(Q), P.shape[1]
        res = r - self.global_mean_
        R = sp.csr_array((res, (u, i)), shape=(nu, ni))
        C = self._rated
        RT, CT = sp.csr_array(R.T), sp.csr_array(C.T)
        Q = _svd_start(R, k, Q, rng)
        r_sq, n, d = float(res @ res), len(r), k + 1
        scale = float(np.std(r)) or 1.0
        # A weak start, in the rating's units: noise of 0.9 std, a prior about as tight as a tuned fixed ridge.
        tau = 1.0 / (0.8 * scale**2)
        prior_u = prior_i = (np.zeros(d), np.eye(d) * 10.0 / scale)
        Y = np.hstack([Q, bi[:, None]])
        SY = np.tile(np.eye(d) * self.init_std**2, (ni, 1, 1))
        if self.implicit:
            F = C.multiply(1.0 / np.sqrt(C.sum(axis=1))[:, None]).tocsr()  # rows of unit length
            W = np.zeros((ni, d))
        for _ in self._epochs(epochs):
            X, SX, _ = _vb_rows(C, R, Y, SY, tau, *prior_u, r_sq)
            if self.implicit:
                _, W, prec, means = _vb_prior_implicit(X, SX, F, W, prior_u[1], _IMPLICIT_REG)
                prior_u = (means, prec)
            else:
                prior_u = _vb_prior(X, SX)
            Y, SY, sse = _vb_rows(CT, RT, X, SX, tau, *prior_i, r_sq)
            prior_i = _vb_prior(Y, SY)
            tau = n / max(sse, 1e-12 * n * scale**2)  # exactly fitted data: keep tau finite
            self.noise_std_ = float(tau**-0.5)

            def neg_elbo(tau=tau, sse=sse, X=X, SX=SX, Y=Y, SY=SY, pu=prior_u, pi=prior_i):
                loss = (0.5 * tau * sse - 0.5 * n * np.log(tau / (2 * np.pi))
                        + _kl_to_prior(X, SX, *pu) + _kl_to_prior(Y, SY, *pi))
                return loss + (0.5 * _IMPLICIT_REG * float(np.sum(W * W)) if self.implicit else 0.0)

            yield X[:, :k], Y[:, :k], X[:, k], Y[:, k], neg_elbo  # evaluated only when recorded

    def _fit_sgd(self, u, i, r, P, Q, bu, bi, epochs, rng):
        lr = self.lr if self.lr is not None else _DEFAULT_LR["sgd"]
        # Penalties split across a user's (item's) ratings, so one pass descends J exactly.
        wu = 1.0 / np.bincount(u, minlength=len(P))
        wi = 1.0 / np.bincount(i, minlength=len(Q))
        res = r - self.global_mean_
        size = self.batch_size or _DEFAULT_BATCH["sgd"]
        P, Q = np.ascontiguousarray(P), np.ascontiguousarray(Q)
        k, cols = P.shape[1], np.arange(P.shape[1])
        for _ in self._epochs(epochs):
            order = rng.permutation(len(r))
            for start in range(0, len(r), size):
                b = order[start:start + size]
                ub, ib = u[b], i[b]
                pu, qi = P[ub], Q[ib]
                err = res[b] - bu[ub] - bi[ib] - np.einsum("nk,nk->n", pu, qi)
                gp = err[:, None] * qi - (self._reg * wu[ub])[:, None] * pu
                gq = err[:, None] * pu - (self._reg * wi[ib])[:, None] * qi
                # Flat indices take numpy's fast path for add.at (4x faster than rows).
                np.add.at(P.reshape(-1), (ub[:, None] * k + cols).ravel(), (lr * gp).ravel())
                np.add.at(Q.reshape(-1), (ib[:, None] * k + cols).ravel(), (lr * gq).ravel())
                bu += lr * np.bincount(ub, err - self.reg_bias * wu[ub] * bu[ub], len(bu))
                bi += lr * np.bincount(ib, err - self.reg_bias * wi[ib] * bi[ib], len(bi))
            yield P, Q, bu, bi, None

    def _fit_torch(self, u, i, r, P, Q, bu, bi, epochs, rng):
        import torch

        lr = self.lr if self.lr is not None else _DEFAULT_LR["torch"]
        gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
        params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (P, Q, bu, bi)]
        tu, ti = torch.from_numpy(u.astype(np.int64)), torch.from_numpy(i.astype(np.int64))
        res = torch.from_numpy(r - self.global_mean_)
        wu = torch.from_numpy(1.0 / np.bincount(u, minlength=len(P)))
        wi = torch.from_numpy(1.0 / np.bincount(i, minlength=len(Q)))
        opt = torch.optim.Adam(params, lr=lr)
        n = len(r)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # small batched gathers: extra threads only contend for cores
        try:
            yield from self._torch_epochs(epochs, gen, opt, params, tu, ti, res, wu, wi, n)
        finally:
            torch.set_num_threads(threads)

    def _torch_epochs(self, epochs, gen, opt, params, tu, ti, res, wu, wi, n):
        import torch

        tP, tQ, tbu, tbi = params
        for _ in self._epochs(epochs):
            for b in torch.randperm(n, generator=gen).split(self.batch_size or _DEFAULT_BATCH["torch"]):
                ub, ib = tu[b], ti[b]
                pu, qi, bub, bib = tP[ub], tQ[ib], tbu[ub], tbi[ib]
                err = res[b] - bub - bib - (pu * qi).sum(1)
                # The batch's share of J, scaled up to the whole data set.
                penalty = (self._reg * (wu[ub] * (pu * pu).sum(1) + wi[ib] * (qi * qi).sum(1))
                           + self.reg_bias * (wu[ub] * bub**2 + wi[ib] * bib**2))
                loss = (err**2 + penalty).sum() / n
                opt.zero_grad()
                loss.backward()
                opt.step()
            yield (*(t.detach().numpy().copy() for t in params), None)

    # -- using the model

    def _score(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        dot = np.einsum("nk,nk->n", _with_zero(self.user_factors_)[u], _with_zero(self.item_factors_)[i])
        return super()._score(u, i) + dot

    def recommend(self, user: Hashable, n: int = 10, return_scores: bool = False):
        """The ``n`` items with the highest predicted rating that ``user`` has not rated yet.

        A user not seen in training gets the items with the highest bias.

        Returns
        -------
        items : numpy.ndarray
            Raw item ids, best first.
        scores : numpy.ndarray
            Their unclipped predicted ratings (only if ``return_scores``).

        Examples
        --------
        >>> model = MatrixFactorization(rank=1, reg=0.1, random_state=0)
        >>> model = model.fit(["a", "a", "b", "b"], ["x", "y", "x", "z"], [5, 1, 5, 4])
        >>> model.recommend("a", n=1).tolist()
        ['z']
        """
        self._check_fitted()
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        u = self.users_.to_index([user], missing=-1)[0]
        scores = self.item_bias_ + self.global_mean_
        if u >= 0:
            scores = scores + self.user_bias_[u] + self.item_factors_ @ self.user_factors_[u]
            scores[self._rated.indices[self._rated.indptr[u]:self._rated.indptr[u + 1]]] = -np.inf
        top = _top(scores, n)
        items = self.items_.to_id(top)
        return (items, scores[top]) if return_scores else items

    def similar_items(self, item: Hashable, n: int = 10, return_scores: bool = False):
        """The ``n`` items whose latent factors have the highest cosine similarity to ``item``'s.

        Returns
        -------
        items : numpy.ndarray
            Raw item ids, most similar first, ``item`` itself excluded.
        scores : numpy.ndarray
            Their cosine similarities (only if ``return_scores``).

        Examples
        --------
        >>> model = MatrixFactorization(rank=2, random_state=0).fit([1, 1, 2], ["x", "y", "z"], [5, 4, 1])
        >>> model.item_factors_ = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
        >>> model.similar_items("x", n=2).tolist()
        ['y', 'z']
        """
        self._check_fitted()
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        k = self.items_.to_index([item], missing=-1)[0]
        if k < 0:
            raise ValueError(f"item {item!r} was not seen in training")
        Q = self.item_factors_
        norms = np.linalg.norm(Q, axis=1)
        safe = np.where(norms > 0, norms, 1.0)  # a zero vector is similar to nothing
        sims = (Q @ Q[k]) / (safe * safe[k])
        sims[k] = -np.inf
        top = _top(sims, n)
        items = self.items_.to_id(top)
        return (items, sims[top]) if return_scores else items


def _one_blas_thread():
    """Single-threaded BLAS while fitting.

    The work is many small matrices (batched 11 x 11 solves, thin QR), where
    BLAS threads only wait on each other: on a busy machine a thin QR took
    170 ms with two threads and 0.4 ms with one.
    """
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _svd_start(R: sp.csr_array, k: int, fallback: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Item factors ``V sqrt(S)`` from the top-k singular triplets of ``R``.

    Large matrices use a randomized SVD (a few power iterations on a random
    subspace, Halko, Martinsson & Tropp 2011): a starting point need not be exact.
    Columns beyond ``R``'s rank keep their values from ``fallback`` (random).
    """
    if min(R.shape) <= max(2 * k, 64):
        _, s, vt = np.linalg.svd(R.toarray(), full_matrices=False)
    else:
        Y = R @ rng.standard_normal((R.shape[1], k + 10))
        for _ in range(4):
            Y = R @ np.linalg.qr(R.T @ np.linalg.qr(Y)[0])[0]
        basis = np.linalg.qr(Y)[0]
        _, s, vt = np.linalg.svd((R.T @ basis).T, full_matrices=False)
    Q = fallback.copy()
    j = min(k, len(s))
    Q[:, :j] = vt[:j].T * np.sqrt(s[:j])
    return Q


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest finite scores, largest first (ties: lower index first)."""
    finite = np.flatnonzero(np.isfinite(scores))
    order = finite[np.argsort(-scores[finite], kind="stable")]
    return order[:n]


# ----------------------------------------------------------------------------- synthetic data

def make_netflix_like(n_users: int = 2000, n_items: int = 1000, rank: int = 5, density: float = 0.05,
                      noise: float = 0.5, activity_tail: float = 1.5, popularity_tail: float = 1.2,
                      selection: float = 1.5,
                      random_state: int | np.random.Generator | None = None) -> Ratings:
    """Synthetic ratings shaped like Netflix's: few heavy users, few blockbusters, taste of low rank.

    Each user and item has a weight drawn from a Pareto law, so activity and
    popularity are heavy-tailed. A true score ``mu + b_u + b_i + p_u . q_i``
    (rank ``rank``, popular items slightly better liked) plus Gaussian noise is
    rounded to 1..5 stars. Which pairs are observed is *missing not at random*:
    candidate pairs are drawn in proportion to user weight times item weight,
    then kept with probability ``sigmoid(selection * (score - mu))``, so
    people mostly rate what they like -- as in real data, where the mean
    observed rating is well above the middle of the scale.

    Parameters
    ----------
    n_users, n_items : int
    rank : int
        Rank of the taste matrix ``P Q^T``.
    density : float
        Fraction of the n_users x n_items entries observed (at most 0.5).
    noise : float
        Standard deviation of the noise before rounding to stars.
    activity_tail, popularity_tail : float
        Pareto shape of user activity and item popularity; smaller is heavier.
    selection : float
        How strongly liking drives rating; 0 makes the pattern independent of the scores.
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    Ratings
        Integer user ids ``0 .. n_users-1`` and item ids ``0 .. n_items-1``
        (some may have no rating), integer stars 1..5, sorted by user then item.

    Examples
    --------
    >>> data = make_netflix_like(300, 200, density=0.05, random_state=0)
    >>> len(data), sorted(set(data.ratings.tolist()))
    (3000, [1.0, 2.0, 3.0, 4.0, 5.0])
    """
    for name, value in (("n_users", n_users), ("n_items", n_items), ("rank", rank)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 < density <= 0.5:
        raise ValueError(f"density must be in (0, 0.5], got {density}")
    for name, value in (("noise", noise), ("selection", selection)):
        if value < 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
    for name, value in (("activity_tail", activity_tail), ("popularity_tail", popularity_tail)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    rng = np.random.default_rng(random_state)
    m = max(1, int(round(density * n_users * n_items)))
    wu = rng.pareto(activity_tail, n_users) + 1.0
    wi = rng.pareto(popularity_tail, n_items) + 1.0
    mu = 3.6
    scale = math.sqrt(0.8 / math.sqrt(rank))  # p . q has standard deviation about 0.8
    P = rng.normal(0, scale, (n_users, rank))
    Q = rng.normal(0, scale, (n_items, rank))
    pop = np.log(wi)
    bu = rng.normal(0, 0.35, n_users)
    bi = rng.normal(0, 0.4, n_items) + 0.3 * (pop - pop.mean()) / (pop.std() + 1e-12)

    codes = np.empty(0, dtype=np.int64)
    for _ in range(200):
        need = m - len(codes)
        if need <= 0:
            break
        cu = rng.choice(n_users, size=3 * need + 16, p=wu / wu.sum())
        ci = rng.choice(n_items, size=3 * need + 16, p=wi / wi.sum())
        liking = bu[cu] + bi[ci] + np.einsum("nk,nk->n", P[cu], Q[ci])
        keep = rng.random(len(cu)) < 1.0 / (1.0 + np.exp(-selection * liking))
        new = cu[keep].astype(np.int64) * n_items + ci[keep]
        codes = np.concatenate([codes, new])
        _, first = np.unique(codes, return_index=True)
        codes = codes[np.sort(first)]  # drop repeats, keep draw order
    else:  # pragma: no cover - only for absurd tails
        raise ValueError("could not draw enough distinct pairs: lower density or lighten the tails")
    codes = np.sort(codes[:m])
    users, items = codes // n_items, codes % n_items
    score = mu + bu[users] + bi[items] + np.einsum("nk,nk->n", P[users], Q[items])
    stars = np.clip(np.rint(score + rng.normal(0, noise, m)), 1, 5)
    return Ratings(users, items, stars)
