"""PCA explorer: a 2-D point cloud to reshape, with its principal axes, variances and projections onto PC1.

The reader drags single points (an outlier is one drag away) or reshapes the
whole cloud with a correlation and a spread control; the page draws the
principal axes through the mean, the variance along each, every point's
projection onto the first axis (PC1), and the reconstruction error left over.
A "skip centring" toggle runs the same computation on the raw points, about
the origin instead of the mean, and shows how far that first axis is from the
real one and how much more error it leaves.

:func:`describe` is the Python truth. ``pca_explorer.js``'s ``derive`` repeats
it operation for operation (plain floating point: sums in the same order,
square roots, no library calls whose last bit could differ), so the page and
the kernel agree on every state; ``tests/test_widgets_pca_explorer.py`` checks
that on hundreds of random states. :func:`cloud` is the cloud the correlation
and spread controls make, also repeated in the page.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.validation import as_matrix
from lalib.widgets.base import BookWidget

__all__ = ["PCAExplorer", "describe", "cloud", "base_cloud", "MAX_POINTS", "OFFSET"]

MAX_POINTS = 60
#: Where the controls put the cloud's mean: away from the origin, so skipping the centring shows.
OFFSET = (1.0, 4.0)
_TIE = 1e-9  # the two variances count as equal when they differ by at most this times the larger


def _plain(x: float) -> float:
    return float(x) + 0.0  # no -0.0 in the state


def base_cloud(n: int = 30, seed: int = 8) -> list[list[float]]:
    """``n`` points with mean exactly 0 and covariance exactly the identity (up to rounding).

    The correlation and spread controls shape this cloud, so what the reader
    sets is exactly the covariance the page then measures.

    Examples
    --------
    >>> Z = np.array(base_cloud(30))
    >>> np.allclose(Z.mean(axis=0), 0), np.allclose(np.cov(Z.T), np.eye(2))
    (True, True)
    """
    if not 3 <= n <= MAX_POINTS:
        raise ValueError(f"n must be between 3 and {MAX_POINTS}, got {n}")
    Z = np.random.default_rng(seed).standard_normal((n, 2))
    Z -= Z.mean(axis=0)
    # Whiten: Z L^-T has sample covariance I when L L^T is Z's.
    L = np.linalg.cholesky(Z.T @ Z / (n - 1))
    Z = np.linalg.solve(L, Z.T).T
    return [[_plain(a), _plain(b)] for a, b in Z]


def cloud(base: list[list[float]], correlation: float, spread: float,
          offset: tuple[float, float] = OFFSET) -> list[list[float]]:
    """The base cloud stretched to standard deviations ``(spread, 1)`` with this correlation, moved to ``offset``.

    With ``L = [[spread, 0], [ρ, sqrt(1 - ρ²)]]`` each point is ``offset + L z``,
    so a whitened base gets the covariance ``[[spread², ρ spread], [ρ spread, 1]]``.
    ``pca_explorer.js`` computes the same.

    Examples
    --------
    >>> P = np.array(cloud(base_cloud(), 0.5, 2.0, (0.0, 0.0)))
    >>> np.round(np.cov(P.T), 3).tolist()
    [[4.0, 1.0], [1.0, 1.0]]
    """
    if not -1 < correlation < 1:
        raise ValueError(f"correlation must be strictly between -1 and 1, got {correlation}")
    if not spread > 0:
        raise ValueError(f"spread must be positive, got {spread}")
    r = math.sqrt(1 - correlation * correlation)
    out = []
    for z0, z1 in base:
        x = offset[0] + spread * z0
        y = offset[1] + correlation * z0 + r * z1
        out.append([_plain(round(x * 1000) / 1000), _plain(round(y * 1000) / 1000)])
    return out


def _unit(x: float, y: float) -> list[float]:
    """(x, y) scaled to length 1; sign: the larger entry positive, x positive when they are (nearly) equal."""
    m = max(abs(x), abs(y))
    x, y = x / m, y / m
    n = math.sqrt(x * x + y * y)
    x, y = x / n, y / n
    if abs(abs(x) - abs(y)) <= 1e-12:
        flip = x < 0
    else:
        flip = (x < 0) if abs(x) > abs(y) else (y < 0)
    if flip:
        x, y = -x, -y
    return [x + 0.0, y + 0.0]


def _eig2(a: float, b: float, c: float) -> tuple[float, float, list[float], list[float], bool]:
    """Eigenvalues (larger first) and unit eigenvectors of the symmetric [[a, b], [b, c]]; ``tied`` when equal."""
    s = max(abs(a), abs(b), abs(c))
    if s == 0:
        return 0.0, 0.0, [1.0, 0.0], [0.0, 1.0], True
    a1, b1, c1 = a / s, b / s, c / s
    half = (a1 + c1) / 2
    d = (a1 - c1) / 2
    r = math.sqrt(d * d + b1 * b1)
    l1, l2 = half + r, half - r
    if r <= _TIE * max(abs(l1), abs(l2)):
        return l1 * s, l2 * s, [1.0, 0.0], [0.0, 1.0], True
    # (C - l1 I) v = 0: v is perpendicular to the larger row of C - l1 I.
    p, q = a1 - l1, b1
    u, w = b1, c1 - l1
    if abs(p) + abs(q) >= abs(u) + abs(w):
        v1 = _unit(-q, p)
    else:
        v1 = _unit(-w, u)
    v2 = _unit(-v1[1], v1[0])
    return l1 * s, max(l2, 0.0) * s, v1, v2, False


def describe(points: ArrayLike, center: bool = True) -> dict:
    """PCA of a 2-D point cloud: mean, covariance, axes, variances, PC1 scores and reconstructions.

    Parameters
    ----------
    points : array_like, shape (n, 2)
        One point per row, ``2 <= n <= MAX_POINTS``.
    center : bool
        Subtract the mean first (PCA). ``False`` skips it (the common slip):
        the matrix used is ``Xᵀ X / (n − 1)`` of the raw points and the axes
        pass through the origin.

    Returns
    -------
    dict
        ``n``; ``mean``; ``cov`` (the covariance ``[[a, b], [b, c]]``, with
        1/(n − 1)); ``matrix`` (the matrix whose eigenvectors are used: ``cov``,
        or the raw second moments without centring); ``origin`` (where the axes
        pass: the mean, or 0); ``values`` (its eigenvalues, larger first) and
        ``vectors`` (unit eigenvectors; the larger entry positive);
        ``tied`` (equal eigenvalues: every direction is a principal axis);
        ``ratio`` (``λ₁ / (λ₁ + λ₂)``, 0 when both are 0); ``scores`` (each
        point's coordinate along the first axis); ``recon`` (its projection onto
        the first axis); ``error`` (``Σ ‖xᵢ − x̂ᵢ‖² / (n − 1)``); ``true_values``
        and ``true_pc1`` (the centred answer, for comparison); ``angle`` (degrees
        between the first axis used and the true one, 0 to 90).

    Examples
    --------
    >>> d = describe([[0, 0], [2, 2], [4, 4]])
    >>> d["mean"], d["values"], d["error"]
    ([2.0, 2.0], [8.0, 0.0], 0.0)
    >>> [round(v, 4) for v in d["vectors"][0]]
    [0.7071, 0.7071]
    >>> describe([[0, 0], [2, 2], [4, 4]], center=False)["origin"]
    [0.0, 0.0]
    """
    P = as_matrix(points, "points")
    if np.iscomplexobj(P):
        raise TypeError("points must be real, got complex entries")
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {P.shape}")
    n = P.shape[0]
    if not 2 <= n <= MAX_POINTS:
        raise ValueError(f"points must hold between 2 and {MAX_POINTS} points, got {n}")
    pts = [(float(x), float(y)) for x, y in P]
    mx, my = 0.0, 0.0
    for x, y in pts:
        mx += x
        my += y
    mx, my = mx / n, my / n
    a = b = c = 0.0      # centred: the covariance
    ra = rb = rc = 0.0   # raw: second moments about the origin
    for x, y in pts:
        dx, dy = x - mx, y - my
        a += dx * dx
        b += dx * dy
        c += dy * dy
        ra += x * x
        rb += x * y
        rc += y * y
    a, b, c = a / (n - 1), b / (n - 1), c / (n - 1)
    ra, rb, rc = ra / (n - 1), rb / (n - 1), rc / (n - 1)
    # A spread below rounding level (eps² times the coordinates²: identical points whose mean
    # did not come out exact) is no spread at all.
    big = 0.0
    for x, y in pts:
        big = max(big, abs(x), abs(y))
    floor = (1e-12 * big) * (1e-12 * big)
    if max(abs(a), abs(b), abs(c)) <= floor:
        a = b = c = 0.0
    t1, t2, tv1, tv2, ttied = _eig2(a, b, c)
    if center:
        origin, M = [mx, my], (a, b, c)
        l1, l2, v1, v2, tied = t1, t2, tv1, tv2, ttied
    else:
        origin, M = [0.0, 0.0], (ra, rb, rc)
        l1, l2, v1, v2, tied = _eig2(ra, rb, rc)
    scores, recon = [], []
    err = 0.0
    for x, y in pts:
        dx, dy = x - origin[0], y - origin[1]
        z = dx * v1[0] + dy * v1[1]
        px, py = origin[0] + z * v1[0], origin[1] + z * v1[1]
        ex, ey = x - px, y - py
        err += ex * ex + ey * ey
        scores.append(_plain(z))
        recon.append([_plain(px), _plain(py)])
    # Rounding-level leftovers read as what they are, zero: a second variance within the
    # cancellation error of the first, a residual within eps² of the coordinates².
    if l2 <= 1e-12 * l1:
        l2 = 0.0
    if err <= (1e-10 * big) * (1e-10 * big) * (n - 1):
        err = 0.0
    total = l1 + l2
    cosine = abs(v1[0] * tv1[0] + v1[1] * tv1[1])
    angle = 0.0 if center else math.degrees(math.acos(min(1.0, cosine)))
    return {
        "n": n, "mean": [_plain(mx), _plain(my)], "cov": [[_plain(a), _plain(b)], [_plain(b), _plain(c)]],
        "matrix": [[_plain(M[0]), _plain(M[1])], [_plain(M[1]), _plain(M[2])]],
        "origin": [_plain(origin[0]), _plain(origin[1])],
        "values": [_plain(l1), _plain(l2)], "vectors": [v1, v2], "tied": tied,
        "ratio": _plain(l1 / total) if total > 0 else 0.0,
        "scores": scores, "recon": recon, "error": _plain(err / (n - 1)),
        "true_values": [_plain(t1), _plain(t2)], "true_pc1": tv1, "angle": _plain(angle),
    }


class PCAExplorer(BookWidget):
    """A 2-D point cloud with its principal axes, PC1 projections and reconstruction error; drag to reshape.

    Parameters
    ----------
    points : array_like, shape (n, 2), optional
        The cloud. By default the controls' cloud: :func:`cloud` of a whitened
        base with ``correlation`` and ``spread``, centred at :data:`OFFSET`.
    correlation, spread : float
        The controls' starting values (``-1 < correlation < 1``, ``spread > 0``).
    center : bool
        Subtract the mean (``False`` shows what skipping it does).

    Examples
    --------
    >>> w = PCAExplorer(correlation=0.8, spread=2.0)
    >>> w.n, round(w.values[0], 3), round(w.values[1], 3)
    (30, 4.693, 0.307)
    >>> w.center = False
    >>> w.angle > 1, w.error > w.true_values[1]
    (True, True)
    """

    _js_files = ("pca_explorer.js",)
    _static_derive = True
    _INPUTS = ("points", "center")

    points = t.List(t.List(t.Float())).tag(sync=True)
    center = t.Bool(True).tag(sync=True)
    correlation = t.Float(0.8).tag(sync=True)   # the controls' settings: the page recomputes points from them
    spread = t.Float(2.0).tag(sync=True)
    base = t.List(t.List(t.Float())).tag(sync=True)
    offset = t.List(t.Float()).tag(sync=True)
    # derived
    n = t.Int(0).tag(sync=True)
    mean = t.List(t.Float()).tag(sync=True)
    cov = t.List(t.List(t.Float())).tag(sync=True)
    matrix = t.List(t.List(t.Float())).tag(sync=True)
    origin = t.List(t.Float()).tag(sync=True)
    values = t.List(t.Float()).tag(sync=True)
    vectors = t.List(t.List(t.Float())).tag(sync=True)
    tied = t.Bool(False).tag(sync=True)
    ratio = t.Float(0.0).tag(sync=True)
    scores = t.List(t.Float()).tag(sync=True)
    recon = t.List(t.List(t.Float())).tag(sync=True)
    error = t.Float(0.0).tag(sync=True)
    true_values = t.List(t.Float()).tag(sync=True)
    true_pc1 = t.List(t.Float()).tag(sync=True)
    angle = t.Float(0.0).tag(sync=True)

    def __init__(self, points: ArrayLike | None = None, correlation: float = 0.8, spread: float = 2.0,
                 center: bool = True, **kwargs):
        base = base_cloud()
        if points is None:
            points = cloud(base, correlation, spread)
        super().__init__(points=self._checked(points), correlation=float(correlation), spread=float(spread),
                         center=bool(center), base=base, offset=list(OFFSET), **kwargs)
        self._update()

    @staticmethod
    def _checked(points: ArrayLike) -> list[list[float]]:
        P = as_matrix(points, "points")
        if np.iscomplexobj(P):
            raise TypeError("points must be real, got complex entries")
        if P.shape[1] != 2 or not 2 <= P.shape[0] <= MAX_POINTS:
            raise ValueError(f"points must have shape (n, 2) with 2 <= n <= {MAX_POINTS}, got shape {P.shape}")
        return [[_plain(x), _plain(y)] for x, y in P]

    @t.validate("points")
    def _validate_points(self, proposal):
        return self._checked(proposal["value"])

    @t.validate("correlation")
    def _validate_correlation(self, proposal):
        value = float(proposal["value"])
        if not -1 < value < 1:
            raise ValueError(f"correlation must be strictly between -1 and 1, got {value}")
        return value

    @t.validate("spread")
    def _validate_spread(self, proposal):
        value = float(proposal["value"])
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"spread must be positive and finite, got {value}")
        return value

    @t.observe("points", "center")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state (see :func:`describe`).

        Examples
        --------
        >>> PCAExplorer.derive_state({"points": [[1, 0], [-1, 0]], "center": True})["values"]
        [2.0, 0.0]
        """
        return describe(state["points"], state["center"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Random clouds as readers make them: the controls' clouds, dragged points and outliers,
        duplicates, a line, a single repeated point, ties, and scales from 1e-150 to 1e150.

        Examples
        --------
        >>> sorted(PCAExplorer.random_state(np.random.default_rng(0)))
        ['center', 'points']
        """
        kind = int(rng.integers(0, 7))
        n = int(rng.integers(2, 41))
        if kind == 0:
            P = np.array(cloud(base_cloud(), float(rng.uniform(-0.95, 0.95)), float(rng.uniform(0.25, 4))))
            if rng.random() < 0.5:
                P[int(rng.integers(0, len(P)))] = rng.integers(-12, 13, size=2) / 2   # a dragged point
        elif kind == 1:
            P = rng.integers(-8, 9, size=(n, 2)) / 2
        elif kind == 2:   # on a line
            P = np.outer(rng.integers(-6, 7, size=n) / 2, rng.integers(-3, 4, size=2)) + rng.integers(-3, 4, size=2)
        elif kind == 3:   # one point, repeated
            P = np.tile(rng.integers(-4, 5, size=2) / 2, (n, 1))
        elif kind == 4:   # a square: equal variances, no preferred axis
            s = float(rng.integers(1, 4))
            P = np.array([[s, 0], [-s, 0], [0, s], [0, -s]]) + rng.integers(-3, 4, size=2)
        elif kind == 5:
            P = np.array(cloud(base_cloud(), 0.0, 1.0))
        else:
            P = rng.standard_normal((n, 2)) * rng.uniform(0.1, 5, size=2) + rng.uniform(-5, 5, size=2)
        if rng.random() < 0.12:
            P = P * 10.0 ** int(rng.integers(-150, 151))
        return {"points": (P + 0.0).tolist(), "center": bool(rng.random() < 0.6)}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({k: getattr(self, k) for k in self._INPUTS}).items():
                setattr(self, name, value)
