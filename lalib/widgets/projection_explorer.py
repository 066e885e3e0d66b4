"""Projection explorer: project b onto the line through a, onto a plane in 3-D, and fit a line by least squares.

Three modes, one widget:

``"line"``
    Drag ``a`` and ``b`` in the plane: the projection ``p`` of ``b`` onto the
    line through ``a``, the residual ``r = b − p`` with its right angle, the
    dot product, the cosine and the angle.
``"plane"``
    In ℝ³, the plane spanned by ``u1`` and ``u2`` and a vector ``c``: its
    projection onto the plane and the residual along the normal; the view
    turns.
``"fit"``
    Data points ``(x_i, y_i)`` to drag: the least-squares line
    ``y = w0 + w1 x`` (the projection of ``y`` onto the column space of
    ``[1, x]``), the residuals and their sum of squares.

The kernel side computes everything here with plain float arithmetic in a
fixed order, and ``projection_explorer.js``'s ``derive`` repeats the same
operations in the page, so the two agree to the last bit on ordinary inputs.
Inputs are divided by their largest entry first, so huge and tiny vectors
neither overflow nor underflow.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.validation import as_vector
from lalib.widgets.base import BookWidget

__all__ = ["ProjectionExplorer", "project_line", "project_plane", "fit_line", "MODES", "MAX_POINTS"]

MODES = ("line", "plane", "fit")
MAX_POINTS = 12
#: Two spanning vectors count as parallel when |u1 × u2| <= PARALLEL · |u1| |u2| (an angle below about 1e-12 rad).
PARALLEL = 1e-12


def _plain(x: float) -> float:
    return float(x) + 0.0  # no -0.0 in the state


def _vec(x: ArrayLike, name: str, n: int) -> list[float]:
    v = as_vector(x, name)
    if v.shape != (n,):
        raise ValueError(f"{name} must have {n} entries, got shape {v.shape}")
    if np.iscomplexobj(v):
        raise TypeError(f"{name} must be real, got complex entries")
    return [_plain(c) for c in v]


def _dot(x: list[float], y: list[float]) -> float:
    s = 0.0
    for a, b in zip(x, y):
        s += a * b
    return s


def _biggest(*vectors: list[float]) -> float:
    """A power of two at least as large as every entry (0 when all are 0): dividing by it is exact."""
    big = 0.0
    for v in vectors:
        for c in v:
            big = max(big, abs(c))
    return 2.0 ** min(math.frexp(big)[1], 1023) if big else 0.0


def _length(v: list[float]) -> float:
    big = _biggest(v)
    return _plain(math.sqrt(_dot([x / big for x in v], [x / big for x in v])) * big) if big else 0.0


def project_line(a: ArrayLike, b: ArrayLike) -> dict:
    """Projection of ``b`` onto the line through ``a`` in the plane, with everything the widget reads out.

    Parameters
    ----------
    a, b : array_like, shape (2,)

    Returns
    -------
    dict
        ``p`` (the projection), ``r`` (the residual b − p), ``coef`` (a·b / a·a, the
        multiple of a), ``dot`` (a·b), ``cos`` and ``angle`` (degrees; None when a or
        b is zero), ``norm_p``, ``norm_r`` (the distance from b to the line) and
        ``line_kind``: ``"line"``, or ``"zero"`` when a = 0 (then the "line" is the
        point 0, p = 0 and r = b).

    Examples
    --------
    >>> d = project_line([2, 0], [3, 4])
    >>> d["p"], d["r"], d["cos"]
    ([3.0, 0.0], [0.0, 4.0], 0.6)
    >>> project_line([1, 2], [2, -1])["angle"]
    90.0
    >>> project_line([0, 0], [1, 1])["line_kind"]
    'zero'
    """
    av, bv = _vec(a, "a", 2), _vec(b, "b", 2)
    # a and b are each divided by their own power of two: a tiny a and a huge b neither underflow nor overflow.
    big_a, big_b = _biggest(av), _biggest(bv)
    ha = [x / big_a for x in av] if big_a else av
    hb = [x / big_b for x in bv] if big_b else bv
    aa, bb, ab = _dot(ha, ha), _dot(hb, hb), _dot(ha, hb)
    cross = ha[0] * hb[1] - ha[1] * hb[0]
    if aa == 0:
        p, coef, kind = [0.0, 0.0], None, "zero"
    else:
        k = ab / aa
        coef = k * (big_b / big_a)
        p, kind = [(k * x) * big_b for x in ha], "line"
    r = [bv[i] - p[i] for i in range(2)]
    zero = aa == 0 or bb == 0
    return {
        "p": [_plain(x) for x in p], "r": [_plain(x) for x in r],
        "coef": None if coef is None else _plain(coef),
        "dot": _plain(ab * big_a * big_b), "cross": _plain(cross),
        "cos": None if zero else _plain(ab / (math.sqrt(aa) * math.sqrt(bb))),
        "angle": None if zero else _plain(math.atan2(abs(cross), ab) * (180 / math.pi)),
        "norm_p": _length(p), "norm_r": _length(r),
        "line_kind": kind,
    }


def project_plane(u1: ArrayLike, u2: ArrayLike, c: ArrayLike) -> dict:
    """Projection of ``c`` onto the span of ``u1`` and ``u2`` in ℝ³.

    When ``u1`` and ``u2`` are independent the span is a plane with normal
    ``n = u1 × u2`` and ``p = c − (c·n / n·n) n``; when they are parallel it is
    the line through the longer one; when both are zero it is the point 0.

    Returns
    -------
    dict
        ``p3`` (the projection), ``r3`` (the residual, orthogonal to u1 and u2),
        ``dist`` (its length) and ``span_kind`` (``"plane"``, ``"line"`` or ``"point"``).

    Examples
    --------
    >>> d = project_plane([1, 0, 0], [0, 1, 0], [3, 4, 5])
    >>> d["p3"], d["r3"], d["dist"], d["span_kind"]
    ([3.0, 4.0, 0.0], [0.0, 0.0, 5.0], 5.0, 'plane')
    >>> project_plane([1, 1, 0], [2, 2, 0], [1, 0, 0])["span_kind"]
    'line'
    """
    v1, v2, cv = _vec(u1, "u1", 3), _vec(u2, "u2", 3), _vec(c, "c", 3)
    big_u, big_c = _biggest(v1, v2) or 1.0, _biggest(cv) or 1.0
    h1, h2, hc = [x / big_u for x in v1], [x / big_u for x in v2], [x / big_c for x in cv]
    n = [h1[1] * h2[2] - h1[2] * h2[1], h1[2] * h2[0] - h1[0] * h2[2], h1[0] * h2[1] - h1[1] * h2[0]]
    nn, n1, n2 = _dot(n, n), _dot(h1, h1), _dot(h2, h2)
    if nn > PARALLEL * PARALLEL * n1 * n2 and nn > 0:
        k = _dot(hc, n) / nn
        hr = [k * x for x in n]
        hp = [hc[i] - hr[i] for i in range(3)]
        kind = "plane"
    elif n1 > 0 or n2 > 0:
        d = h1 if n1 >= n2 else h2
        k = _dot(hc, d) / _dot(d, d)
        hp = [k * x for x in d]
        hr = [hc[i] - hp[i] for i in range(3)]
        kind = "line"
    else:
        hp, hr, kind = [0.0, 0.0, 0.0], list(hc), "point"
    return {"p3": [_plain(x * big_c) for x in hp], "r3": [_plain(x * big_c) for x in hr],
            "dist": _plain(math.sqrt(_dot(hr, hr)) * big_c), "span_kind": kind}


def fit_line(points: ArrayLike) -> dict:
    """The least-squares line ``y = w0 + w1 x`` through data points, as a projection.

    The fitted values are the projection of ``y`` onto the column space of
    ``X = [1, x]``. When every ``x_i`` is the same, that column space is the
    line through ``(1, …, 1)``: the fitted values are all ``mean(y)`` and no
    unique ``(w0, w1)`` exists (``w`` is None).

    Parameters
    ----------
    points : array_like, shape (k, 2), 1 <= k <= 12

    Returns
    -------
    dict
        ``w`` ([w0, w1] or None), ``fitted``, ``residuals``, ``sse`` (their sum of
        squares) and ``fit_kind`` (``"unique"`` or ``"vertical"``).

    Examples
    --------
    >>> d = fit_line([[0, 1], [1, 3], [2, 5]])
    >>> d["w"], d["sse"]
    ([1.0, 2.0], 0.0)
    >>> fit_line([[1, 0], [1, 2]])["w"] is None
    True
    """
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or not 1 <= len(pts) <= MAX_POINTS:
        raise ValueError(f"points must have shape (k, 2) with 1 <= k <= {MAX_POINTS}, got shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError("points must be finite numbers")
    xs, ys = [float(x) for x in pts[:, 0]], [float(y) for y in pts[:, 1]]
    k = len(xs)
    sx = sy = 0.0
    for i in range(k):
        sx += xs[i]
        sy += ys[i]
    xbar, ybar = sx / k, sy / k
    if all(x == xs[0] for x in xs):
        w, fitted, kind = None, [ybar] * k, "vertical"
    else:
        sxx = sxy = 0.0
        for i in range(k):
            dx = xs[i] - xbar
            sxx += dx * dx
            sxy += dx * (ys[i] - ybar)
        w1 = sxy / sxx
        w0 = ybar - w1 * xbar
        w, fitted, kind = [w0, w1], [w0 + w1 * x for x in xs], "unique"
    res = [ys[i] - fitted[i] for i in range(k)]
    sse = 0.0
    for e in res:
        sse += e * e
    return {"w": None if w is None else [_plain(x) for x in w], "fitted": [_plain(x) for x in fitted],
            "residuals": [_plain(x) for x in res], "sse": _plain(sse), "fit_kind": kind}


class ProjectionExplorer(BookWidget):
    """Drag vectors and data points; see projections, residuals at right angles, and least squares.

    Parameters
    ----------
    mode : {"line", "plane", "fit"}
        Which picture to start with (the reader can switch).
    a, b : array_like, shape (2,)
        The line's direction and the vector projected onto it.
    u1, u2, c : array_like, shape (3,)
        The plane's spanning vectors and the vector projected onto it.
    points : array_like, shape (k, 2)
        Data points for the least-squares fit (1 to 12 of them).

    Examples
    --------
    >>> w = ProjectionExplorer(a=[2, 1], b=[1, 3])
    >>> w.p, w.r
    ([2.0, 1.0], [-1.0, 2.0])
    >>> w.points = [[0, 0], [1, 1], [2, 4]]
    >>> [round(x, 12) for x in w.w]
    [-0.333333333333, 2.0]
    """

    _js_files = ("projection_explorer.js",)
    _static_derive = True

    mode = t.Unicode("line").tag(sync=True)
    a = t.List(t.Float(), minlen=2, maxlen=2).tag(sync=True)
    b = t.List(t.Float(), minlen=2, maxlen=2).tag(sync=True)
    u1 = t.List(t.Float(), minlen=3, maxlen=3).tag(sync=True)
    u2 = t.List(t.Float(), minlen=3, maxlen=3).tag(sync=True)
    c = t.List(t.Float(), minlen=3, maxlen=3).tag(sync=True)
    points = t.List(t.List(t.Float(), minlen=2, maxlen=2), minlen=1, maxlen=MAX_POINTS).tag(sync=True)
    # derived: line
    p = t.List(t.Float()).tag(sync=True)
    r = t.List(t.Float()).tag(sync=True)
    coef = t.Float(None, allow_none=True).tag(sync=True)
    dot = t.Float(0.0).tag(sync=True)
    cross = t.Float(0.0).tag(sync=True)
    cos = t.Float(None, allow_none=True).tag(sync=True)
    angle = t.Float(None, allow_none=True).tag(sync=True)
    norm_p = t.Float(0.0).tag(sync=True)
    norm_r = t.Float(0.0).tag(sync=True)
    line_kind = t.Unicode("line").tag(sync=True)
    # derived: plane
    p3 = t.List(t.Float()).tag(sync=True)
    r3 = t.List(t.Float()).tag(sync=True)
    dist = t.Float(0.0).tag(sync=True)
    span_kind = t.Unicode("plane").tag(sync=True)
    # derived: fit
    w = t.List(t.Float(), allow_none=True).tag(sync=True)
    fitted = t.List(t.Float()).tag(sync=True)
    residuals = t.List(t.Float()).tag(sync=True)
    sse = t.Float(0.0).tag(sync=True)
    fit_kind = t.Unicode("unique").tag(sync=True)

    _INPUTS = ("mode", "a", "b", "u1", "u2", "c", "points")

    def __init__(self, mode: str = "line", a: ArrayLike = (3, 1), b: ArrayLike = (1, 2),
                 u1: ArrayLike = (1, 0, 0), u2: ArrayLike = (0, 1, 0.5), c: ArrayLike = (1, 1.5, 2),
                 points: ArrayLike = ((-2, -1), (-1, 0.5), (0, 0), (1, 2), (2, 1.5)), **kwargs):
        state = {"mode": mode, "a": _vec(a, "a", 2), "b": _vec(b, "b", 2), "u1": _vec(u1, "u1", 3),
                 "u2": _vec(u2, "u2", 3), "c": _vec(c, "c", 3), "points": self._points(points)}
        self.derive_state(state)  # named errors before any trait is set
        super().__init__(**state, **kwargs)
        self._update()

    @staticmethod
    def _points(points: ArrayLike) -> list[list[float]]:
        fit_line(points)
        return [[_plain(x), _plain(y)] for x, y in np.asarray(points, dtype=float)]

    @t.validate("mode")
    def _validate_mode(self, proposal):
        if proposal["value"] not in MODES:
            raise t.TraitError(f"mode must be one of {', '.join(MODES)}, got {proposal['value']!r}")
        return proposal["value"]

    @t.validate("a", "b", "u1", "u2", "c")
    def _validate_vectors(self, proposal):
        name = proposal["trait"].name
        return _vec(proposal["value"], name, 2 if name in ("a", "b") else 3)

    @t.validate("points")
    def _validate_points(self, proposal):
        return self._points(proposal["value"])

    @t.observe(*_INPUTS)
    def _on_input(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """All read-outs for a state, what the page's ``derive`` computes.

        Examples
        --------
        >>> s = {"mode": "line", "a": [1, 0], "b": [2, 2], "u1": [1, 0, 0], "u2": [0, 1, 0], "c": [0, 0, 1],
        ...      "points": [[0, 0], [1, 1]]}
        >>> d = ProjectionExplorer.derive_state(s)
        >>> d["p"], d["dist"], d["w"]
        ([2.0, 0.0], 1.0, [0.0, 1.0])
        """
        if state["mode"] not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {state['mode']!r}")
        out = project_line(state["a"], state["b"])
        out.update(project_plane(state["u1"], state["u2"], state["c"]))
        out.update(fit_line(state["points"]))
        return out

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random state as readers make them: grid points, zero, parallel and perpendicular vectors,
        repeated x values, and entries from 1e-150 to 1e150.

        Examples
        --------
        >>> sorted(ProjectionExplorer.random_state(np.random.default_rng(0)))
        ['a', 'b', 'c', 'mode', 'points', 'u1', 'u2']
        """
        grid = lambda n: rng.integers(-8, 9, size=n) / 2  # noqa: E731
        a, b, u1, u2, c = grid(2), grid(2), grid(3), grid(3), grid(3)
        kind = int(rng.integers(0, 6))
        if kind == 0:
            a = np.zeros(2)
            u1 = np.zeros(3)
        elif kind == 1:
            b = a * rng.choice([-2.0, 0.5, 1.0])
            u2 = u1 * rng.choice([-1.0, 2.0])
        elif kind == 2:
            b = np.array([-a[1], a[0]]) * rng.choice([-1.0, 0.5, 2.0])
            c = np.cross(u1, u2)
        elif kind == 3:
            u1 = u2 = np.zeros(3)
            b = np.zeros(2)
        if rng.random() < 0.2:
            s1, s2 = 10.0 ** int(rng.integers(-150, 151)), 10.0 ** int(rng.integers(-150, 151))
            a, b, u1, u2, c = a * s1, b * s2, u1 * s1, u2 * s1, c * s2
        k = int(rng.integers(1, MAX_POINTS + 1))
        xs = np.round(rng.uniform(-4, 4, size=k) * 4) / 4
        if rng.random() < 0.15:
            xs[:] = xs[0]
        ys = np.round(rng.uniform(-4, 4, size=k) * 4) / 4
        return {"mode": str(rng.choice(MODES)), "a": (a + 0.0).tolist(), "b": (b + 0.0).tolist(),
                "u1": (u1 + 0.0).tolist(), "u2": (u2 + 0.0).tolist(), "c": (c + 0.0).tolist(),
                "points": np.column_stack([xs, ys]).tolist()}

    @classmethod
    def example(cls) -> ProjectionExplorer:
        return cls()

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({k: getattr(self, k) for k in self._INPUTS}).items():
                setattr(self, name, value)
