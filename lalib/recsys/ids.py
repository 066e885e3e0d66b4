"""Raw ids to rows and columns: :class:`IdMap`, a bijection between any hashable ids and ``0 .. n-1``.

Integer ids take a fast path that matters at Netflix scale (100 million
ratings): the distinct ids come from a presence table when they are small
non-negative numbers (no sort of the whole column), and :meth:`IdMap.codes`
turns a column of raw ids into compact ``int32`` indices chunk by chunk, so no
full-length ``int64`` temporary is ever made.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["IdMap"]

_CHUNK = 1 << 22  # ids per chunk when encoding a long column: 4M ids, about 50 MB of temporaries


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


def _small_nonnegative(arr: np.ndarray) -> bool:
    """Integer ids in ``0 .. 4 len`` or so: a presence table is cheaper than sorting."""
    if arr.dtype.kind not in "iu" or len(arr) == 0:
        return False
    lo, hi = int(arr.min()), int(arr.max())
    return lo >= 0 and hi < max(4 * len(arr), 1 << 16) and hi < np.iinfo(np.int32).max


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
        self._table: np.ndarray | None = None  # raw int id -> index, for small non-negative ints
        if _small_nonnegative(arr):
            present = np.zeros(int(arr.max()) + 1, bool)
            for start in range(0, len(arr), _CHUNK):
                present[arr[start:start + _CHUNK]] = True
            self.ids = np.flatnonzero(present).astype(arr.dtype)  # sorted, as np.unique would give
            self._table = np.full(len(present), -1, np.int32)
            self._table[self.ids] = np.arange(len(self.ids), dtype=np.int32)
        elif arr.dtype != object:
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

    def _positions(self, arr: np.ndarray) -> np.ndarray:
        """Index of each raw id, -1 where unknown (``arr`` is already an id array)."""
        if self._table is not None and arr.dtype.kind in "iu":
            inside = (arr >= 0) & (arr < len(self._table))
            return np.where(inside, self._table[np.where(inside, arr, 0)], -1)
        if self._lookup is None and arr.dtype != object and arr.dtype.kind == self.ids.dtype.kind:
            pos = np.searchsorted(self.ids, arr).clip(0, max(len(self.ids) - 1, 0))
            found = self.ids[pos] == arr if len(self.ids) else np.zeros(len(arr), bool)
            return np.where(found, pos, -1)
        lookup = self._lookup if self._lookup is not None else {v: k for k, v in enumerate(self.ids.tolist())}
        return np.fromiter((lookup.get(v, -1) for v in arr), dtype=np.intp, count=len(arr))

    def to_index(self, raw: Any, missing: int | None = None) -> np.ndarray:
        """Indices of ``raw`` ids; unknown ids raise, or become ``missing`` when given.

        Examples
        --------
        >>> IdMap([10, 30, 20]).to_index([30, 10]).tolist()
        [2, 0]
        """
        arr = _as_ids(raw, "ids")
        idx = self._positions(arr)
        if missing is None and np.any(idx < 0):
            raise KeyError(f"unknown id {arr[np.argmax(idx < 0)]!r}")
        return np.where(idx < 0, -1 if missing is None else missing, idx).astype(np.intp)

    def codes(self, raw: Any) -> np.ndarray:
        """Indices of ``raw`` ids as ``int32``, encoded in chunks; every id must be known.

        What the models fit on: a column of 100 million ids costs 400 MB
        here, where :meth:`to_index` would return 800 MB of ``intp``.

        Examples
        --------
        >>> IdMap([10, 30, 20]).codes([30, 10]).dtype
        dtype('int32')
        """
        arr = _as_ids(raw, "ids")
        if len(self) > np.iinfo(np.int32).max:  # pragma: no cover - two billion distinct ids
            return self.to_index(arr)
        out = np.empty(len(arr), np.int32)
        for start in range(0, len(arr), _CHUNK):
            part = arr[start:start + _CHUNK]
            idx = self._positions(part)
            if np.any(idx < 0):
                raise KeyError(f"unknown id {part[np.argmax(idx < 0)]!r}")
            out[start:start + _CHUNK] = idx
        return out

    def to_id(self, index: ArrayLike) -> np.ndarray:
        """Raw ids at the given indices.

        Examples
        --------
        >>> IdMap([("a", 1), ("b", 2)]).to_id([1]).tolist()
        [('b', 2)]
        """
        return self.ids[np.asarray(index, dtype=np.intp)]
