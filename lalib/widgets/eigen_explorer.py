"""Eigen explorer: turn a unit vector x around the circle and watch Ax; find where they line up.

The reader drags x (or turns it with the arrow keys); the page draws Ax, the
image of the unit circle, and the eigenlines with their eigenvalues, and x
snaps onto an eigenline when it comes close. A power-iteration mode steps
``x ← Ax / ‖Ax‖`` from the current x and shows the ratio ``|λ₂/λ₁|`` that
decides how fast (and whether) it settles.

:func:`describe` is the Python truth; ``eigen_explorer.js``'s ``derive``
repeats it operation for operation in the page (plain floating point, the
same formulas in the same order), and ``tests/test_widgets_eigen_explorer.py``
checks that they agree on hundreds of random states.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.validation import as_matrix
from lalib.widgets.base import BookWidget

__all__ = ["EigenExplorer", "describe", "PRESETS", "MAX_STEPS"]

#: Matrices a reader can pick with one click: each shows one way eigenvectors behave.
PRESETS: dict[str, list[list[float]]] = {
    "symmetric": [[2.0, 1.0], [1.0, 2.0]],
    "lecture": [[1.25, 0.75], [0.75, 1.25]],
    "flip": [[1.0, 2.0], [2.0, 1.0]],
    "shear": [[1.0, 1.0], [0.0, 1.0]],
    "rotation": [[0.0, -1.0], [1.0, 0.0]],
    "projection": [[1.0, 0.0], [0.0, 0.0]],
}
MAX_STEPS = 60
_TOL = 1e-12  # relative: a discriminant or residual below it (times the scale) counts as zero
_ON_LINE = 1e-9  # x counts as an eigenvector when |x × Ax| <= this times max(|Ax|, scale)


def _unit(x: float, y: float) -> list[float]:
    """(x, y) scaled to length 1, with the sign convention: the larger-magnitude entry positive."""
    m = max(abs(x), abs(y))
    x, y = x / m, y / m
    n = math.sqrt(x * x + y * y)
    x, y = x / n, y / n
    if (abs(x) >= abs(y) and x < 0) or (abs(y) > abs(x) and y < 0):
        x, y = -x, -y
    return [x + 0.0, y + 0.0]


def _null_direction(a: float, b: float, c: float, d: float) -> list[float] | None:
    """A unit vector v with [[a, b], [c, d]] v ≈ 0, from the larger row; None if both rows are zero."""
    r1, r2 = abs(a) + abs(b), abs(c) + abs(d)
    if r1 == 0 and r2 == 0:
        return None
    p, q = (a, b) if r1 >= r2 else (c, d)
    return _unit(-q, p)


def describe(matrix: ArrayLike, angle: float = 0.0, steps: int = 0) -> dict:
    """Eigenvalues, eigenlines, x and Ax, and power iterates for a 2×2 matrix.

    Parameters
    ----------
    matrix : array_like, shape (2, 2)
    angle : float
        The direction of the unit vector x, in radians.
    steps : int
        Power-iteration steps to take from x (0 to ``MAX_STEPS``).

    Returns
    -------
    dict
        ``kind`` (``"distinct"``, ``"repeated"`` (A = λI: every direction),
        ``"defective"`` (one eigenline only) or ``"complex"`` (none)),
        ``values`` (two ``[re, im]`` pairs, real ones larger first),
        ``vectors`` (the unit eigenvectors drawn as eigenlines),
        ``x``, ``ax``, ``on_line`` (index of the eigenline x lies on, or −1;
        0 for every x when A = λI), ``ratio`` (``|λ₂|/|λ₁|``),
        ``iterates`` and ``estimates`` (power iteration from x).

    Examples
    --------
    >>> d = describe([[2, 1], [1, 2]], math.pi / 4)
    >>> d["kind"], d["values"], d["on_line"]
    ('distinct', [[3.0, 0.0], [1.0, 0.0]], 0)
    >>> describe([[1, 1], [0, 1]])["kind"], describe([[0, -1], [1, 0]])["kind"]
    ('defective', 'complex')
    """
    A = as_matrix(matrix, "matrix")
    if A.shape != (2, 2):
        raise ValueError(f"matrix must be 2×2, got shape {A.shape}")
    (a0, b0), (c0, d0) = (float(v) for v in A[0]), (float(v) for v in A[1])
    s = max(abs(a0), abs(b0), abs(c0), abs(d0))
    scale = s if s > 0 else 1.0
    a, b, c, d = a0 / scale, b0 / scale, c0 / scale, d0 / scale
    half = (a + d) / 2
    disc = (a - d) * (a - d) + 4 * b * c
    vectors: list[list[float]] = []
    if disc < -_TOL:
        r = math.sqrt(-disc) / 2
        kind, values = "complex", [[half * scale, r * scale], [half * scale, -r * scale]]
    elif disc <= _TOL:
        lam = half
        v = _null_direction(a - lam, b, c, d - lam)
        residual = max(abs(a - lam), abs(b), abs(c), abs(d - lam))
        if v is None or residual <= _TOL:
            kind = "repeated"
        else:
            kind = "defective"
            vectors = [v]
        values = [[lam * scale, 0.0], [lam * scale, 0.0]]
    else:
        r = math.sqrt(disc) / 2
        l1, l2 = half + r, half - r
        kind, values = "distinct", [[l1 * scale, 0.0], [l2 * scale, 0.0]]
        vectors = [_null_direction(a - l1, b, c, d - l1), _null_direction(a - l2, b, c, d - l2)]
    values = [[v + 0.0 for v in pair] for pair in values]

    x = [math.cos(angle), math.sin(angle)]
    ax = [a0 * x[0] + b0 * x[1], c0 * x[0] + d0 * x[1]]
    if kind == "repeated":
        on_line = 0
    else:
        on_line = -1
        for i, v in enumerate(vectors):
            if abs(v[0] * x[1] - v[1] * x[0]) <= _ON_LINE:
                on_line = i
    m1, m2 = math.hypot(*values[0]), math.hypot(*values[1])
    big, small = max(m1, m2), min(m1, m2)
    ratio = small / big if big > 0 else 1.0

    iterates, estimates = [x], []
    cur = x
    for _ in range(steps):
        y0, y1 = a * cur[0] + b * cur[1], c * cur[0] + d * cur[1]  # A / scale: same direction, no overflow
        m = max(abs(y0), abs(y1))
        if m <= _TOL:  # A x = 0 up to rounding: x is an eigenvector for 0, and the iteration stops
            break
        y0, y1 = y0 / m, y1 / m
        n = math.sqrt(y0 * y0 + y1 * y1)
        cur = [y0 / n, y1 / n]
        iterates.append(cur)
    for p in iterates:
        estimates.append((p[0] * (a * p[0] + b * p[1]) + p[1] * (c * p[0] + d * p[1])) * scale)
    return {"kind": kind, "values": values, "vectors": vectors, "x": x, "ax": ax, "on_line": on_line,
            "ratio": ratio, "iterates": iterates, "estimates": estimates}


class EigenExplorer(BookWidget):
    """Drag a unit vector x around the circle and see Ax; eigenlines and power iteration drawn.

    Parameters
    ----------
    matrix : array_like, shape (2, 2)
        The starting matrix (editable in the widget, with presets).
    angle : float
        The starting direction of x, in radians.

    Examples
    --------
    >>> w = EigenExplorer([[2, 1], [1, 2]], angle=0.0)
    >>> w.kind, [round(v, 6) for v in w.ax]
    ('distinct', [2.0, 1.0])
    >>> w.angle = math.pi / 4
    >>> w.on_line
    0
    >>> w.steps = 3; len(w.iterates)
    4
    """

    _js_files = ("eigen_explorer.js",)
    _static_derive = True

    matrix = t.List(t.List(t.Float())).tag(sync=True)
    angle = t.Float(0.0).tag(sync=True)
    steps = t.Int(0).tag(sync=True)
    # derived
    kind = t.Unicode("").tag(sync=True)
    values = t.List(t.List(t.Float())).tag(sync=True)
    vectors = t.List(t.List(t.Float())).tag(sync=True)
    x = t.List(t.Float()).tag(sync=True)
    ax = t.List(t.Float()).tag(sync=True)
    on_line = t.Int(-1).tag(sync=True)
    ratio = t.Float(0.0).tag(sync=True)
    iterates = t.List(t.List(t.Float())).tag(sync=True)
    estimates = t.List(t.Float()).tag(sync=True)

    def __init__(self, matrix: ArrayLike = PRESETS["symmetric"], angle: float = 0.5, **kwargs):
        super().__init__(matrix=self._checked(matrix), angle=float(angle), **kwargs)
        self._update()

    @staticmethod
    def _checked(matrix: ArrayLike) -> list[list[float]]:
        A = as_matrix(matrix, "matrix")
        if np.iscomplexobj(A):
            raise TypeError("matrix must be real, got complex entries")
        if A.shape != (2, 2):
            raise ValueError(f"matrix must be 2×2 to be drawn, got shape {A.shape}")
        return (A + 0.0).tolist()

    @t.validate("matrix")
    def _validate_matrix(self, proposal):
        return self._checked(proposal["value"])

    @t.validate("angle")
    def _validate_angle(self, proposal):
        value = float(proposal["value"])
        if not math.isfinite(value):
            raise ValueError(f"angle must be finite, got {value}")
        return value

    @t.validate("steps")
    def _validate_steps(self, proposal):
        value = int(proposal["value"])
        if not 0 <= value <= MAX_STEPS:
            raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {value}")
        return value

    @t.observe("matrix", "angle", "steps")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state (see :func:`describe`).

        Examples
        --------
        >>> EigenExplorer.derive_state({"matrix": [[0, 1], [1, 0]], "angle": 0.0, "steps": 0})["values"]
        [[1.0, 0.0], [-1.0, 0.0]]
        """
        return describe(state["matrix"], state["angle"], state["steps"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random state as a reader makes them: grid entries, presets, snapped angles, huge and tiny scales.

        Examples
        --------
        >>> sorted(EigenExplorer.random_state(np.random.default_rng(0)))
        ['angle', 'matrix', 'steps']
        """
        kind = int(rng.integers(0, 6))
        if kind == 0:
            A = np.array(list(PRESETS.values())[int(rng.integers(0, len(PRESETS)))])
        elif kind == 1:  # symmetric
            A = rng.integers(-6, 7, size=(2, 2)) / 2
            A[1, 0] = A[0, 1]
        elif kind == 2:  # a multiple of the identity, or a shear
            A = np.eye(2) * int(rng.integers(-3, 4))
            if rng.random() < 0.5:
                A[0, 1] = rng.integers(-3, 4) / 2
        else:
            A = rng.integers(-8, 9, size=(2, 2)) / 4
        if rng.random() < 0.15:
            A = A * 10.0 ** int(rng.integers(-150, 151))
        angle = float(rng.uniform(-4, 4))
        d = describe(A)
        if d["vectors"] and rng.random() < 0.3:  # snapped onto an eigenline, as a drag leaves it
            v = d["vectors"][int(rng.integers(0, len(d["vectors"])))]
            angle = math.atan2(v[1], v[0]) + (math.pi if rng.random() < 0.5 else 0.0)
        return {"matrix": (A + 0.0).tolist(), "angle": angle, "steps": int(rng.integers(0, MAX_STEPS + 1))}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({"matrix": self.matrix, "angle": self.angle,
                                                  "steps": self.steps}).items():
                setattr(self, name, value)
