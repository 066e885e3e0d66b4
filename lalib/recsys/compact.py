"""The ratings as the models store them: compact CSR arrays, built without an int64 COO copy, read in chunks.

``scipy.sparse.csr_array((r, (u, i)))`` is the obvious way to build the
ratings matrix, but on 100 million ratings it makes int64 copies of both id
columns and a float64 copy of the ratings on the way (about 3 GB), and
``R.T`` another. :class:`RatingRows` instead keeps

- ``indptr`` (int32 while the count fits, else int64), one entry per row,
- ``indices`` (int32), the column of each rating,
- ``data``, the ratings in their own dtype (float32 ratings stay float32),

built by a stable counting sort in chunks (:func:`_counting_sort`), so the only
full-length arrays are the results. The fitting kernels never see the whole
matrix as float64: :meth:`RatingRows.chunks` hands out row blocks as small
``scipy.sparse`` matrices of residuals ``r - offset`` and of the 0/1 pattern,
bounded both in rows and in stored entries.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

__all__: list[str] = []

_SORT_CHUNK = 1 << 22   # ratings per step of the counting sort (a few tens of MB of temporaries)
_NNZ_BUDGET = 1 << 23   # stored entries per chunk handed to the kernels (64 MB of float64 values)


def _index_dtype(n: int) -> type:
    return np.int32 if n <= np.iinfo(np.int32).max else np.int64


def _counting_sort(keys: np.ndarray, n_keys: int, payload, dtypes: list, chunk: int = _SORT_CHUNK):
    """Stable sort by integer ``keys`` in ``0 .. n_keys-1``: returns (indptr, sorted payload arrays).

    ``payload(start, stop)`` gives the arrays to carry for entries
    ``start .. stop-1`` (so they need not exist in full, like the row ids of a
    transpose). A counting sort: count each key, turn counts into start
    offsets, then scatter chunk by chunk, each chunk's entries going after the
    previous chunks' entries with the same key. Memory beyond the outputs is a
    few chunk-sized arrays, however long ``keys`` is.
    """
    n = len(keys)
    counts = np.zeros(n_keys, np.int64)
    for start in range(0, n, chunk):
        counts += np.bincount(keys[start:start + chunk], minlength=n_keys)
    indptr = np.zeros(n_keys + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    out = [np.empty(n, dt) for dt in dtypes]
    nxt = indptr[:-1].copy()  # where the next entry of each key goes
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        k = keys[start:stop]
        order = np.argsort(k, kind="stable")
        ks = k[order]
        first = np.searchsorted(ks, ks, side="left")  # rank within equal keys = position - first
        dest = nxt[ks] + (np.arange(len(ks)) - first)
        for o, p in zip(out, payload(start, stop)):
            o[dest] = p[order]
        nxt += np.bincount(k, minlength=n_keys)
    return indptr, out


class RatingRows:
    """Ratings grouped by row (user or item) in compact CSR arrays; see the module docstring.

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays: row ``r``'s columns are ``indices[indptr[r]:indptr[r+1]]``.
    n_cols : int
    offset : float
        Subtracted from ``data`` in :meth:`chunks` (the global mean: models
        fit residuals).
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_cols: int, offset: float = 0.0):
        self.indptr = indptr.astype(_index_dtype(len(indices)), copy=False)
        self.indices, self.data = indices, data
        self.n_rows, self.n_cols, self.offset = len(indptr) - 1, int(n_cols), float(offset)
        self._ones = np.ones(0)
        self._bounds: dict[int, list[tuple[int, int]]] = {}

    @classmethod
    def from_codes(cls, rows: np.ndarray, cols: np.ndarray, data: np.ndarray, n_rows: int, n_cols: int,
                   offset: float = 0.0) -> RatingRows:
        """Group the triples by row, columns ascending within a row.

        A (row, col) pair given twice stays two entries: two observations,
        as a sparse product over them counts it (``scipy`` would sum them
        into one entry; the products come out the same).

        Examples
        --------
        >>> rows = RatingRows.from_codes(np.array([1, 0, 1], np.int32), np.array([2, 1, 0], np.int32),
        ...                              np.array([5.0, 3.0, 4.0], np.float32), n_rows=2, n_cols=3)
        >>> rows.indptr.tolist(), rows.indices.tolist(), rows.data.tolist()
        ([0, 1, 3], [1, 0, 2], [3.0, 4.0, 5.0])
        >>> rows.transpose().indices.tolist()  # the row of each entry, grouped by column
        [1, 0, 1]
        """
        indptr, (indices, values) = _counting_sort(rows, n_rows, lambda a, b: (cols[a:b], data[a:b]),
                                                   [np.int32, data.dtype])
        out = cls(indptr, indices, values, n_cols, offset)
        if not out._sorted_within_rows():
            # Arbitrary input order: sort by column first, then (stably) by row.
            by_col = cls(*_transpose_arrays(out), n_rows, offset)
            out = cls(*_transpose_arrays(by_col), n_cols, offset)
        return out

    @classmethod
    def from_scipy(cls, R: sp.csr_array | sp.spmatrix, offset: float = 0.0) -> RatingRows:
        """Wrap a scipy CSR matrix's arrays (no copy when their dtypes already fit)."""
        R = sp.csr_array(R)
        return cls(R.indptr, R.indices.astype(np.int32, copy=False), R.data, R.shape[1], offset)

    @property
    def nnz(self) -> int:
        return len(self.indices)

    def counts(self) -> np.ndarray:
        """Number of ratings in each row."""
        return np.diff(self.indptr)

    def row_ids(self, start: int, stop: int) -> np.ndarray:
        """The row of each stored entry in positions ``start .. stop-1``."""
        return (np.searchsorted(self.indptr, np.arange(start, stop), side="right") - 1).astype(np.int32)

    def transpose(self) -> RatingRows:
        """The same ratings grouped by column (rows ascending within each column)."""
        return RatingRows(*_transpose_arrays(self), self.n_rows, self.offset)

    def _sorted_within_rows(self) -> bool:
        for start in range(0, self.nnz, _SORT_CHUNK):
            stop = min(start + _SORT_CHUNK + 1, self.nnz)
            step_down = np.flatnonzero(np.diff(self.indices[start:stop].astype(np.int64)) < 0) + start + 1
            # A decrease is fine only where a new row starts.
            if len(step_down) and not np.all(np.isin(step_down, self.indptr)):
                return False
        return True

    def first_repeat(self) -> int:
        """Position of the first entry repeating its row's previous column (rows sorted), or -1."""
        for start in range(0, self.nnz, _SORT_CHUNK):
            stop = min(start + _SORT_CHUNK + 1, self.nnz)
            same = np.flatnonzero(np.diff(self.indices[start:stop]) == 0) + start + 1
            same = same[~np.isin(same, self.indptr)]  # equal columns in two different rows are fine
            if len(same):
                return int(same[0])
        return -1

    # -- chunks for the kernels

    def bounds(self, max_rows: int, max_nnz: int | None = None) -> list[tuple[int, int]]:
        """Row ranges ``[start, stop)`` with at most ``max_rows`` rows and at most ``max_nnz`` entries
        (default ``_NNZ_BUDGET``; a single row with more entries gets a chunk of its own)."""
        max_nnz = max_nnz or _NNZ_BUDGET
        key = (max_rows, max_nnz)
        if key not in self._bounds:
            out, start = [], 0
            while start < self.n_rows:
                stop = int(np.searchsorted(self.indptr, self.indptr[start] + max_nnz, side="right")) - 1
                stop = min(max(stop, start + 1), start + max_rows, self.n_rows)
                out.append((start, stop))
                start = stop
            self._bounds[key] = out
        return self._bounds[key]

    def chunks(self, max_rows: int, max_nnz: int | None = None) -> Iterator[tuple[int, int, sp.csr_array, sp.csr_array]]:
        """Yield ``(start, stop, R, C)``: rows ``start .. stop-1`` as float64 residuals and as the 0/1 pattern."""
        for start, stop in self.bounds(max_rows, max_nnz):
            a, b = int(self.indptr[start]), int(self.indptr[stop])
            indptr = (self.indptr[start:stop + 1] - a).astype(np.int32)
            indices = self.indices[a:b]
            values = self.data[a:b].astype(np.float64)
            if self.offset:
                values -= self.offset
            if len(self._ones) < b - a:
                self._ones = np.ones(b - a)
            shape = (stop - start, self.n_cols)
            R = sp.csr_array((values, indices, indptr), shape=shape, copy=False)
            C = sp.csr_array((self._ones[:b - a], indices, indptr), shape=shape, copy=False)
            yield start, stop, R, C

    def to_scipy(self) -> sp.csr_array:
        """The residuals ``data - offset`` as one scipy CSR in ``data``'s dtype, sharing the index arrays."""
        return sp.csr_array((self.data - self.offset, self.indices, self.indptr),
                            shape=(self.n_rows, self.n_cols), copy=False)


def _transpose_arrays(rows: RatingRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays of the transpose: the entries counting-sorted by column, their row ids made per chunk."""
    indptr, (indices, data) = _counting_sort(rows.indices, rows.n_cols,
                                             lambda a, b: (rows.row_ids(a, b), rows.data[a:b]),
                                             [np.int32, rows.data.dtype])
    return indptr, indices, data
