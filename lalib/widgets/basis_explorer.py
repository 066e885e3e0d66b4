"""Basis explorer: drag two basis vectors of the plane and a point, read the point's coordinates.

The reader drags ``b1``, ``b2`` and ``x``; the grid of the basis (the lines
``c1 b1 + t b2`` and ``t b1 + c2 b2`` for whole numbers ``c1``, ``c2``) and
the coordinates ``c`` with ``B c = x`` follow. When ``b1`` and ``b2`` become
parallel, or one of them is zero, they span at most a line, and the widget
says why coordinates stop existing (``x`` off that line) or stop being unique
(``x`` on it). The kernel computes with :func:`describe`; ``basis_explorer.js``
draws, and in the static book its ``derive`` repeats :func:`describe` with the
same floating-point operations in the same order.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.widgets.base import BookWidget

__all__ = ["BasisExplorer", "describe", "TOL_REL"]

# Parallel when |det| <= TOL_REL * |b1| |b2| (after scaling): the widget snaps to a
# grid, so parallel vectors are parallel exactly and this only absorbs rounding.
TOL_REL = 1e-10

KINDS = ("basis", "parallel", "zero", "huge")


def _cross(a0: float, a1: float, b0: float, b1: float) -> float:
    return a0 * b1 - a1 * b0


def _norm(a0: float, a1: float) -> float:
    # Not math.hypot: the page computes Math.sqrt(x*x + y*y), and both must round alike.
    return math.sqrt(a0 * a0 + a1 * a1)


def describe(b1: ArrayLike, b2: ArrayLike, x: ArrayLike, tol_rel: float = TOL_REL) -> dict:
    """Whether ``b1, b2`` is a basis of the plane, and the coordinates of ``x`` in it.

    Parameters
    ----------
    b1, b2, x : array_like, shape (2,)
    tol_rel : float
        ``b1`` and ``b2`` count as parallel when ``|det B| <= tol_rel * |b1| |b2|``.

    Returns
    -------
    dict
        ``kind``: ``"basis"``, ``"parallel"`` (both non-zero, on one line),
        ``"zero"`` (one or both are the zero vector) or ``"huge"`` (a basis,
        but a coordinate is too large for a float);
        ``coords``: ``[c1, c2]`` with ``c1 b1 + c2 b2 = x`` for a basis, else ``[]``;
        ``on_span``: whether ``x`` lies in the span of ``b1, b2`` (always true for a basis).

    Examples
    --------
    >>> describe([2, 1], [1, 1], [3, 1])
    {'kind': 'basis', 'coords': [2.0, -1.0], 'on_span': True}
    >>> describe([1, 2], [2, 4], [3, 6])
    {'kind': 'parallel', 'coords': [], 'on_span': True}
    >>> describe([1, 2], [0, 0], [1, 0])["on_span"]
    False
    """
    (p0, p1), (q0, q1), (x0, x1) = (_pair(v, name) for v, name in ((b1, "b1"), (b2, "b2"), (x, "x")))
    s = max(abs(p0), abs(p1), abs(q0), abs(q1))
    tx = max(abs(x0), abs(x1))
    if s == 0:
        return {"kind": "zero", "coords": [], "on_span": tx == 0}
    # Scale first: products of entries near 1e200 overflow, near 1e-200 underflow.
    a0, a1, c0, c1 = p0 / s, p1 / s, q0 / s, q1 / s
    u0, u1 = (x0 / tx, x1 / tx) if tx > 0 else (0.0, 0.0)
    na, nb = _norm(a0, a1), _norm(c0, c1)
    det = _cross(a0, a1, c0, c1)
    if na == 0 or nb == 0 or abs(det) <= tol_rel * na * nb:
        kind = "zero" if (na == 0 or nb == 0) else "parallel"
        d0, d1, nd = (a0, a1, na) if na >= nb else (c0, c1, nb)
        on_span = tx == 0 or abs(_cross(d0, d1, u0, u1)) <= tol_rel * nd * _norm(u0, u1)
        return {"kind": kind, "coords": [], "on_span": bool(on_span)}
    # Cramer's rule on the scaled system, then undo both scalings.
    r = tx / s
    k1 = _cross(u0, u1, c0, c1) / det * r
    k2 = _cross(a0, a1, u0, u1) / det * r
    if not (math.isfinite(k1) and math.isfinite(k2)):
        return {"kind": "huge", "coords": [], "on_span": True}
    return {"kind": "basis", "coords": [k1 + 0.0, k2 + 0.0], "on_span": True}


def _pair(v: ArrayLike, name: str) -> tuple[float, float]:
    arr = np.asarray(v)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a vector of the plane, shape (2,), got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    a = arr.astype(float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {a.tolist()}")
    return float(a[0]), float(a[1])


class BasisExplorer(BookWidget):
    """Two basis vectors of the plane, the grid they draw, and a point's coordinates in it.

    Parameters
    ----------
    b1, b2 : array_like, shape (2,)
        The basis vectors (the reader drags their tips or types entries).
    x : array_like, shape (2,)
        The point whose coordinates are shown.

    Examples
    --------
    >>> w = BasisExplorer([2, 1], [1, 1], [3, 1])
    >>> w.kind, w.coords
    ('basis', [2.0, -1.0])
    >>> w.b2 = [4, 2]
    >>> w.kind, w.coords, w.on_span
    ('parallel', [], False)
    """

    _js_files = ("basis_explorer.js",)
    _static_derive = True

    b1 = t.List(t.Float()).tag(sync=True)
    b2 = t.List(t.Float()).tag(sync=True)
    x = t.List(t.Float()).tag(sync=True)
    tol_rel = t.Float(TOL_REL).tag(sync=True)
    kind = t.Unicode("basis").tag(sync=True)
    coords = t.List(t.Float()).tag(sync=True)
    on_span = t.Bool(True).tag(sync=True)

    def __init__(self, b1: ArrayLike, b2: ArrayLike, x: ArrayLike, **kwargs):
        super().__init__(b1=list(_pair(b1, "b1")), b2=list(_pair(b2, "b2")), x=list(_pair(x, "x")), **kwargs)
        self._update()

    @t.validate("b1", "b2", "x")
    def _validate_vector(self, proposal):
        return list(_pair(proposal["value"], proposal["trait"].name))

    @t.observe("b1", "b2", "x")
    def _on_change(self, change):
        self._update()

    @classmethod
    def example(cls) -> BasisExplorer:
        """The chapter's basis (2, 1), (1, 1) and the point (3, 1).

        Examples
        --------
        >>> BasisExplorer.example().coords
        [2.0, -1.0]
        """
        return cls([2, 1], [1, 1], [3, 1])

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state.

        Examples
        --------
        >>> BasisExplorer.derive_state({"b1": [1, 0], "b2": [0, 1], "x": [5, -2], "tol_rel": TOL_REL})["coords"]
        [5.0, -2.0]
        """
        return describe(state["b1"], state["b2"], state["x"], state["tol_rel"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Random vectors as a reader makes them: on the half-grid, often parallel or zero, at any scale.

        Examples
        --------
        >>> sorted(BasisExplorer.random_state(np.random.default_rng(0)))
        ['b1', 'b2', 'tol_rel', 'x']
        """
        b1, b2, x = (rng.integers(-8, 9, size=2) / 2 for _ in range(3))
        kind = rng.integers(0, 7)
        if kind == 0:  # parallel: b2 a multiple of b1
            b2 = b1 * rng.integers(-3, 4) / 2
        elif kind == 1:  # parallel, and x on their line
            b2 = b1 * rng.integers(-3, 4) / 2
            x = b1 * rng.integers(-4, 5) / 2
        elif kind == 2:
            (b1, b2)[int(rng.integers(0, 2))][:] = 0
        elif kind == 3:  # typed, not snapped: any real numbers
            b1, b2, x = (rng.standard_normal(2) * 10.0 ** rng.uniform(-3, 3) for _ in range(3))
        elif kind == 4:  # nearly parallel
            b2 = b1 * 1.5 + rng.standard_normal(2) * 10.0 ** rng.uniform(-14, -6)
        if rng.random() < 0.25:  # huge or tiny, all together (a typed entry can be anything)
            f = 10.0 ** int(rng.integers(-150, 151))
            b1, b2, x = b1 * f, b2 * f, x * f
        return {"b1": (b1 + 0.0).tolist(), "b2": (b2 + 0.0).tolist(), "x": (x + 0.0).tolist(), "tol_rel": TOL_REL}

    def _update(self):
        # Every derived trait in one message, so the page never sees half an update.
        with self.hold_sync():
            for name, value in self.derive_state(
                    {"b1": self.b1, "b2": self.b2, "x": self.x, "tol_rel": self.tol_rel}).items():
                setattr(self, name, value)
