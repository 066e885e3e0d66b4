"""Transformation explorer: a 2×2 matrix as a map of the plane, and the product of two of them.

The reader drags the images of e₁ and e₂ (the columns), types entries, picks
presets (a rotation with an angle slider, a shear, a reflection, a projection,
a singular matrix) and switches between A, B and the products AB and BA. A
grid, the unit square, the unit circle and a small asymmetric letter F move
with the map. The kernel side computes with :mod:`lalib.transforms`;
``transformation_explorer.js`` draws, and in the static book its ``derive``
repeats the same arithmetic in the page.
"""

from __future__ import annotations

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.transforms import TOL_REL, describe_map
from lalib.validation import as_matrix
from lalib.widgets.base import BookWidget

__all__ = ["TransformationExplorer", "derive", "SHOWS", "MAX_ENTRY"]

#: What the picture can show: one of the matrices, or a product (right factor acts first).
SHOWS = ("A", "B", "AB", "BA")

#: Largest entry size accepted: products of two such matrices and their determinants stay finite.
MAX_ENTRY = 1e50


def _product(X: list[list[float]], Y: list[list[float]]) -> list[list[float]]:
    # Written out, in the order the page's JavaScript adds, so both give the same bits.
    return [[X[i][0] * Y[0][j] + X[i][1] * Y[1][j] for j in range(2)] for i in range(2)]


def derive(state: dict) -> dict:
    """The derived readouts for a state ``{"a", "b", "show", "tol_rel"}``.

    Parameters
    ----------
    state : dict
        ``a`` and ``b`` are 2×2 matrices as nested lists; ``show`` is one of
        :data:`SHOWS` (``"AB"`` means first B, then A); ``tol_rel`` is the
        relative rank tolerance.

    Returns
    -------
    dict
        ``shown`` (the matrix drawn), its ``det``, ``rank``, ``sv`` (the unit
        circle's image has these semi-axes), ``orientation`` and ``collapse``
        (see :func:`lalib.transforms.describe_map`), and ``det_a``, ``det_b``.

    Examples
    --------
    >>> d = derive({"a": [[0, -1], [1, 0]], "b": [[1, 1], [0, 1]], "show": "AB", "tol_rel": 1e-10})
    >>> d["shown"], d["det"], d["det_a"] * d["det_b"]
    ([[0, -1], [1, 1]], 1.0, 1.0)
    """
    A, B, show = state["a"], state["b"], state["show"]
    M = {"A": A, "B": B, "AB": _product(A, B), "BA": _product(B, A)}[show]
    d = describe_map(M, state["tol_rel"])
    return {"shown": [[x + 0.0 if isinstance(x, float) else x for x in row] for row in M], **d,
            "det_a": describe_map(A, state["tol_rel"])["det"], "det_b": describe_map(B, state["tol_rel"])["det"]}


class TransformationExplorer(BookWidget):
    """A 2×2 matrix as a map of the plane; with a second matrix, the products AB and BA.

    Parameters
    ----------
    matrix : array_like, shape (2, 2)
        A, the first matrix (default: the identity).
    second : array_like, shape (2, 2), optional
        B, the second matrix (default: the identity).
    show : {"A", "B", "AB", "BA"}
        What the picture shows at first. ``"AB"`` is the map "first B, then A".

    Examples
    --------
    >>> w = TransformationExplorer([[2, 0], [0, 1]])
    >>> w.det, w.orientation, w.sv
    (2.0, 'kept', [2.0, 1.0])
    >>> w.a = [[1, 2], [2, 4]]
    >>> w.rank, w.collapse, w.det
    (1, 'line', 0.0)
    >>> w.b, w.show = [[0, 1], [1, 0]], "BA"
    >>> w.shown
    [[2.0, 4.0], [1.0, 2.0]]
    """

    _js_files = ("transformation_explorer.js",)
    _static_derive = True

    # Any, then validated: a NumPy array or nested lists, stored as nested lists of floats.
    a = t.Any().tag(sync=True)
    b = t.Any().tag(sync=True)
    show = t.Unicode("A").tag(sync=True)
    tol_rel = t.Float(TOL_REL).tag(sync=True)
    shown = t.List(t.List(t.Float())).tag(sync=True)
    det = t.Float(0.0).tag(sync=True)
    rank = t.Int(0).tag(sync=True)
    sv = t.List(t.Float()).tag(sync=True)
    orientation = t.Unicode("").tag(sync=True)
    collapse = t.Unicode("").tag(sync=True)
    det_a = t.Float(0.0).tag(sync=True)
    det_b = t.Float(0.0).tag(sync=True)

    def __init__(self, matrix: ArrayLike | None = None, second: ArrayLike | None = None, show: str = "A", **kwargs):
        super().__init__(a=self._checked(np.eye(2) if matrix is None else matrix, "matrix"),
                         b=self._checked(np.eye(2) if second is None else second, "second"),
                         show=self._checked_show(show), **kwargs)
        self._update()

    @staticmethod
    def _checked(matrix: ArrayLike, name: str) -> list[list[float]]:
        M = as_matrix(matrix, name)
        if np.iscomplexobj(M):
            raise TypeError(f"{name} must be real, got complex entries")
        if M.shape != (2, 2):
            raise ValueError(f"{name} must be a 2×2 matrix to be drawn as a map of the plane, got shape {M.shape}")
        if np.abs(M).max() > MAX_ENTRY:
            raise ValueError(f"{name} has an entry larger than {MAX_ENTRY:g} in size; the picture cannot show it")
        return (M + 0.0).tolist()

    @staticmethod
    def _checked_show(show: str) -> str:
        if show not in SHOWS:
            raise ValueError(f"show must be one of {', '.join(SHOWS)}, got {show!r}")
        return show

    @t.validate("a", "b")
    def _validate_matrix(self, proposal):
        return self._checked(proposal["value"], "matrix" if proposal["trait"].name == "a" else "second")

    @t.validate("show")
    def _validate_show(self, proposal):
        return self._checked_show(proposal["value"])

    @t.observe("a", "b", "show")
    def _on_change(self, change):
        self._update()

    @classmethod
    def example(cls) -> TransformationExplorer:
        """A quarter turn and a shear, showing their product (for the contract tests).

        Examples
        --------
        >>> TransformationExplorer.example().shown
        [[0.0, -1.0], [1.0, 1.0]]
        """
        return cls([[0, -1], [1, 0]], [[1, 1], [0, 1]], show="AB")

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state (see :func:`derive`).

        Examples
        --------
        >>> TransformationExplorer.derive_state({"a": [[1, 0], [0, -1]], "b": [[1, 0], [0, 1]],
        ...                                      "show": "A", "tol_rel": 1e-10})["orientation"]
        'flipped'
        """
        return derive(state)

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Two random 2×2 matrices as a reader makes them, and what to show.

        Grid entries (the drag snaps to quarters), rotations, shears,
        reflections, projections, singular and zero matrices, and a scale
        from 1e-50 to 1e50, since a typed entry can be anything in that range.

        Examples
        --------
        >>> state = TransformationExplorer.random_state(np.random.default_rng(0))
        >>> state["show"] in SHOWS and len(state["a"]) == 2
        True
        """
        def one() -> np.ndarray:
            kind = int(rng.integers(0, 8))
            theta = float(rng.uniform(-np.pi, np.pi))
            c, s = np.cos(theta), np.sin(theta)
            if kind == 0:
                M = np.array([[c, -s], [s, c]])
            elif kind == 1:
                M = np.array([[1.0, rng.integers(-8, 9) / 4], [0.0, 1.0]])
            elif kind == 2:
                M = np.array([[np.cos(2 * theta), np.sin(2 * theta)], [np.sin(2 * theta), -np.cos(2 * theta)]])
            elif kind == 3:
                M = np.outer([c, s], [c, s])
            elif kind == 4:  # singular on the grid: the second column a multiple of the first
                col = rng.integers(-8, 9, size=2) / 4
                M = np.column_stack([col, col * rng.integers(-4, 5) / 2])
            elif kind == 5:
                M = np.zeros((2, 2))
            else:
                M = rng.integers(-12, 13, size=(2, 2)) / 4
            if rng.random() < 0.2:
                M = M * 10.0 ** int(rng.integers(-50, 51))
            return M + 0.0

        return {"a": one().tolist(), "b": one().tolist(), "show": SHOWS[int(rng.integers(0, 4))],
                "tol_rel": TOL_REL}

    def _update(self):
        # All derived traits in one message, so the page never sees half an update.
        with self.hold_sync():
            for name, value in self.derive_state({"a": self.a, "b": self.b, "show": self.show,
                                                  "tol_rel": self.tol_rel}).items():
                setattr(self, name, value)
