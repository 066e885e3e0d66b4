"""Ratings data: the triples container, the sparse matrix and the evaluation splits.

Ratings arrive as three parallel arrays (user id, item id, rating).
:class:`Ratings` holds the triples (compact dtypes are kept: ``int32`` ids and
``float32`` ratings cost 12 bytes a rating, where ``int64`` and ``float64``
cost 24), :func:`ratings_matrix` builds the sparse user-item matrix, and
:func:`random_split`, :func:`per_user_split` and :func:`kfold` split the
ratings for evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lalib.recsys.compact import RatingRows
from lalib.recsys.ids import IdMap, _as_ids
from lalib.validation import check_random_state

__all__ = ["Ratings", "ratings_matrix", "random_split", "per_user_split", "kfold"]


# ----------------------------------------------------------------------------- data

def _as_ratings(ratings: Any) -> np.ndarray:
    """Ratings as floats: float32 stays float32 (half the memory), anything else becomes float64."""
    r = np.asarray(ratings)
    return r if r.dtype == np.float32 else r.astype(float, copy=False)


def _check_triples(users: Any, items: Any, ratings: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u, i = _as_ids(users, "users"), _as_ids(items, "items")
    r = _as_ratings(ratings)
    if r.ndim != 1:
        raise ValueError(f"ratings must be 1-D, got an array of shape {r.shape}")
    if not len(u) == len(i) == len(r):
        raise ValueError(f"users, items and ratings must have the same length, "
                         f"got {len(u)}, {len(i)} and {len(r)}")
    if len(r) == 0:
        raise ValueError("ratings must not be empty")
    if not np.isfinite(r.sum(dtype=np.float64)):  # one pass, no mask; NaN and inf propagate into the sum
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
        The ratings, float64, or float32 when given as float32.
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
    # Grouped by a counting sort on int32 codes: no int64 COO copy, so this scales to 100M ratings.
    rows = RatingRows.from_codes(user_map.codes(u), item_map.codes(i), r, len(user_map), len(item_map))
    k = rows.first_repeat()
    if k >= 0:
        pair = (user_map.to_id(rows.row_ids(k, k + 1)).tolist()[0], item_map.to_id(rows.indices[k:k + 1]).tolist()[0])
        raise ValueError(f"users and items: the pair ({pair[0]!r}, {pair[1]!r}) is rated more than once")
    R = sp.csr_array((rows.data.astype(np.float64, copy=False), rows.indices, rows.indptr),
                     shape=(len(user_map), len(item_map)))
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
