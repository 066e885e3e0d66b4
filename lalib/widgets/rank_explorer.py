"""Rank explorer: drag or edit the columns of a small matrix, watch its column space.

The kernel side computes with :mod:`lalib.linalg`; ``rank_explorer.js`` draws,
and in the static book its ``derive`` repeats this computation in the page.
"""

from __future__ import annotations

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.linalg import as_matrix, canonical_basis, default_tol
from lalib.widgets.base import BookWidget

__all__ = ["RankExplorer", "describe", "TOL_REL"]

# The widget snaps to a grid, so dependent columns are dependent exactly and
# a singular value below 1e-10 of the largest is rounding error, nothing more.
TOL_REL = 1e-10


def describe(matrix: ArrayLike, tol_rel: float = TOL_REL) -> dict:
    """Rank, nullity and canonical bases of the column and null space.

    The bases are in reduced echelon form, so they name the subspace and not
    the algorithm: the column space by the rows of ``rref`` of an orthonormal
    basis, the null space by its *special solutions* (one free variable set
    to 1, the others to 0).

    Parameters
    ----------
    matrix : array_like, shape (m, n)
    tol_rel : float
        Singular values ``<= tol_rel * sigma_max`` count as zero.

    Returns
    -------
    dict
        ``rank``, ``nullity``, ``col_basis`` and ``null_basis`` (lists of vectors).

    Examples
    --------
    >>> d = describe([[1, 2, 3], [2, 4, 6]])
    >>> d["rank"], d["nullity"], d["col_basis"]
    (1, 2, [[1.0, 2.0]])
    >>> d["null_basis"]
    [[-2.0, 1.0, 0.0], [-3.0, 0.0, 1.0]]
    """
    A = as_matrix(matrix, "matrix")
    # One SVD gives all of it, as in lalib.linalg.rank / column_space / null_space.
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > default_tol(A, s, rtol=tol_rel)))
    col = canonical_basis(U[:, :r])
    # Echelon form of the reversed vectors puts the 1s on the free variables;
    # reversing the order of the vectors too lists them by free variable.
    null = canonical_basis(Vt[r:].T[::-1])[::-1, ::-1]
    clean = lambda B: [[float(x) + 0.0 for x in np.round(v, 12)] for v in B.T]  # noqa: E731  (+0.0: no -0.0)
    return {"rank": r, "nullity": A.shape[1] - r, "col_basis": clean(col), "null_basis": clean(null)}


class RankExplorer(BookWidget):
    """An interactive picture of a 2×n or 3×n matrix's columns and their span.

    Parameters
    ----------
    matrix : array_like, shape (2, n) or (3, n), 1 <= n <= 4
        The starting matrix; the reader changes it by dragging column tips or
        typing entries.

    Examples
    --------
    >>> w = RankExplorer([[1, 2, 3], [2, 4, 6]])
    >>> w.rank, w.nullity
    (1, 2)
    >>> w.matrix = [[1, 0, 3], [0, 1, 6]]
    >>> w.rank, w.null_basis
    (2, [[-3.0, -6.0, 1.0]])
    """

    _js_files = ("linalg.js", "rank_explorer.js")
    _static_derive = True

    matrix = t.List(t.List(t.Float())).tag(sync=True)
    tol_rel = t.Float(TOL_REL).tag(sync=True)
    rank = t.Int(0).tag(sync=True)
    nullity = t.Int(0).tag(sync=True)
    col_basis = t.List(t.List(t.Float())).tag(sync=True)
    null_basis = t.List(t.List(t.Float())).tag(sync=True)

    def __init__(self, matrix: ArrayLike, **kwargs):
        super().__init__(matrix=self._checked(matrix), **kwargs)
        self._update()

    @staticmethod
    def _checked(matrix: ArrayLike) -> list[list[float]]:
        A = as_matrix(matrix, "matrix")
        if np.iscomplexobj(A):
            raise TypeError("matrix must be real, got complex entries")
        m, n = A.shape
        if m not in (2, 3) or not 1 <= n <= 4:
            raise ValueError(f"matrix must have 2 or 3 rows and 1 to 4 columns to be drawn, got shape {A.shape}")
        return A.tolist()

    @t.validate("matrix")
    def _validate_matrix(self, proposal):
        return self._checked(proposal["value"])

    @t.observe("matrix")
    def _on_matrix(self, change):
        self._update()

    @classmethod
    def example(cls) -> RankExplorer:
        """The lecture's matrix with rows (1, 2, 3) and (2, 4, 6).

        Examples
        --------
        >>> RankExplorer.example().rank
        1
        """
        return cls([[1, 2, 3], [2, 4, 6]])

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """Rank, nullity and bases for a state: what the page's ``derive`` computes.

        Examples
        --------
        >>> RankExplorer.derive_state({"matrix": [[1, 2], [2, 4]], "tol_rel": TOL_REL})["rank"]
        1
        """
        return describe(state["matrix"], state["tol_rel"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random 2×n or 3×n matrix as a reader makes them, often rank-deficient.

        Half-integer entries (the drag grid), dependent columns, zero rows and
        columns, and a scale from 1e-150 to 1e150, since a typed entry can be anything.

        Examples
        --------
        >>> state = RankExplorer.random_state(np.random.default_rng(0))
        >>> len(state["matrix"]) in (2, 3) and state["tol_rel"] == TOL_REL
        True
        """
        m, n = int(rng.integers(2, 4)), int(rng.integers(1, 5))
        A = rng.integers(-6, 7, size=(m, n)) / 2
        kind = rng.integers(0, 6)
        if kind == 0 and n > 1:  # a column that is a combination of the others
            A[:, -1] = A[:, :-1] @ rng.integers(-2, 3, size=n - 1)
        elif kind == 1:
            A[rng.integers(0, m)] = 0
        elif kind == 2:
            A[:, rng.integers(0, n)] = 0
        elif kind == 3:  # rank one: every column a multiple of one
            A = np.outer(rng.integers(-3, 4, size=m), rng.integers(-3, 4, size=n)) / 2
        if rng.random() < 0.2:
            A = A * 10.0 ** int(rng.integers(-150, 151))
        return {"matrix": (A + 0.0).tolist(), "tol_rel": TOL_REL}

    def _update(self):
        # All derived traits in one message, so the page never sees half an update.
        with self.hold_sync():
            for name, value in self.derive_state({"matrix": self.matrix, "tol_rel": self.tol_rel}).items():
                setattr(self, name, value)
