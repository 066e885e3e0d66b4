"""Ratings data: ids, the triples container, the sparse matrix, splits and a synthetic generator.

Ratings arrive as three parallel arrays (user id, item id, rating). :class:`IdMap`
turns raw ids into rows and columns, :class:`Ratings` holds the triples,
:func:`ratings_matrix` builds the sparse user-item matrix, :func:`random_split`,
:func:`per_user_split` and :func:`kfold` split the ratings for evaluation, and
:func:`make_netflix_like` draws ratings shaped like Netflix's.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lalib.validation import check_random_state

__all__ = ["IdMap", "Ratings", "ratings_matrix", "random_split", "per_user_split", "kfold", "make_netflix_like"]


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
    rng = check_random_state(random_state)
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
    rng = check_random_state(random_state)
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
    perm = check_random_state(random_state).permutation(n)
    folds = np.array_split(perm, n_splits)
    return [(np.sort(np.concatenate(folds[:k] + folds[k + 1:])), np.sort(f)) for k, f in enumerate(folds)]


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
    rng = check_random_state(random_state)
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
