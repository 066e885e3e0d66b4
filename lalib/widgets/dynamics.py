"""Dynamics: trajectories of x_{t+1} = A x_t from points the reader places, with the eigenvalues' moduli.

The reader clicks (or taps) to place starting points, drags them or moves them
with the arrow keys, edits the 2×2 matrix or picks a preset, and sees each
trajectory spiral or slide in or out, next to the spectral radius that decides
which. The eigenvalues come from :func:`lalib.widgets.eigen_explorer.describe`
(in the page, from the eigen explorer's ``derive``, shipped alongside); the
trajectories are plain repeated products, computed the same way on both sides.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.validation import as_matrix
from lalib.widgets.base import BookWidget
from lalib.widgets.eigen_explorer import describe as describe_eigen

__all__ = ["Dynamics", "trajectories", "PRESETS", "MAX_STARTS", "BOUND"]

PRESETS: dict[str, list[list[float]]] = {
    "spiral in": [[0.8, -0.45], [0.45, 0.8]],
    "spiral out": [[0.95, -0.4], [0.4, 0.95]],
    "sink": [[0.9, 0.1], [0.05, 0.7]],
    "saddle": [[1.2, 0.0], [0.0, 0.6]],
    "rotation": [[0.0, -1.0], [1.0, 0.0]],
    "shear": [[1.0, 0.3], [0.0, 1.0]],
}
MAX_STARTS = 6
MAX_STEPS = 60
BOUND = 1e6  # a trajectory stops once it leaves this box (or stops being finite)
_TOL = 1e-12


def trajectories(matrix: ArrayLike, starts: list[list[float]], steps: int) -> dict:
    """Trajectories, eigenvalues, their moduli, the spectral radius and what it says.

    Parameters
    ----------
    matrix : array_like, shape (2, 2)
    starts : list of [x, y]
    steps : int
        Multiplications per trajectory (fewer once one leaves the box ``±BOUND``).

    Returns
    -------
    dict
        ``paths`` (one list of points per start), ``values`` and ``kind`` (as
        the eigen explorer's), ``moduli`` (``|λ₁|, |λ₂|``), ``rho`` and
        ``verdict`` (``"decays"``, ``"grows"`` or ``"borderline"``).

    Examples
    --------
    >>> d = trajectories([[0.5, 0], [0, 0.5]], [[1, 0]], 2)
    >>> d["paths"], d["rho"], d["verdict"]
    ([[[1.0, 0.0], [0.5, 0.0], [0.25, 0.0]]], 0.5, 'decays')
    """
    A = as_matrix(matrix, "matrix")
    if A.shape != (2, 2):
        raise ValueError(f"matrix must be 2×2, got shape {A.shape}")
    (a, b), (c, d) = ((float(v) for v in row) for row in A)
    eig = describe_eigen(A)
    moduli = [math.hypot(*v) for v in eig["values"]]
    rho = max(moduli)
    paths = []
    for p, q in starts:
        p, q = float(p), float(q)
        path = [[p + 0.0, q + 0.0]]
        for _ in range(steps):
            p, q = a * p + b * q, c * p + d * q
            if not (max(abs(p), abs(q)) <= BOUND):
                break
            path.append([p + 0.0, q + 0.0])
        paths.append(path)
    verdict = "decays" if rho < 1 - _TOL else "grows" if rho > 1 + _TOL else "borderline"
    return {"paths": paths, "values": eig["values"], "kind": eig["kind"], "vectors": eig["vectors"],
            "moduli": moduli, "rho": rho, "verdict": verdict}


class Dynamics(BookWidget):
    """Place starting points and watch x_{t+1} = A x_t; the eigenvalues' moduli say where it goes.

    Examples
    --------
    >>> w = Dynamics([[0.8, -0.45], [0.45, 0.8]], starts=[[2, 0]])
    >>> w.verdict, len(w.paths[0])
    ('decays', 31)
    """

    _js_files = ("eigen_explorer.js", "dynamics.js")
    _static_derive = True

    matrix = t.List(t.List(t.Float())).tag(sync=True)
    starts = t.List(t.List(t.Float())).tag(sync=True)
    steps = t.Int(30).tag(sync=True)
    paths = t.List(t.List(t.List(t.Float()))).tag(sync=True)
    values = t.List(t.List(t.Float())).tag(sync=True)
    kind = t.Unicode("").tag(sync=True)
    vectors = t.List(t.List(t.Float())).tag(sync=True)
    moduli = t.List(t.Float()).tag(sync=True)
    rho = t.Float(0.0).tag(sync=True)
    verdict = t.Unicode("").tag(sync=True)

    def __init__(self, matrix: ArrayLike = PRESETS["spiral in"], starts: list | None = None, steps: int = 30,
                 **kwargs):
        starts = [[2.0, 0.0], [-1.0, 2.0]] if starts is None else starts
        super().__init__(matrix=self._checked(matrix), starts=self._checked_starts(starts), steps=int(steps), **kwargs)
        self._update()

    @staticmethod
    def _checked(matrix: ArrayLike) -> list[list[float]]:
        A = as_matrix(matrix, "matrix")
        if np.iscomplexobj(A):
            raise TypeError("matrix must be real, got complex entries")
        if A.shape != (2, 2):
            raise ValueError(f"matrix must be 2×2 to be drawn, got shape {A.shape}")
        return (A + 0.0).tolist()

    @staticmethod
    def _checked_starts(starts) -> list[list[float]]:
        S = np.asarray(starts, dtype=float).reshape(-1, 2) if len(starts) else np.zeros((0, 2))
        if len(S) > MAX_STARTS or not np.isfinite(S).all():
            raise ValueError(f"starts must be at most {MAX_STARTS} finite points [x, y], got {len(S)}")
        return (S + 0.0).tolist()

    @t.validate("matrix")
    def _validate_matrix(self, proposal):
        return self._checked(proposal["value"])

    @t.validate("starts")
    def _validate_starts(self, proposal):
        return self._checked_starts(proposal["value"])

    @t.validate("steps")
    def _validate_steps(self, proposal):
        value = int(proposal["value"])
        if not 0 <= value <= MAX_STEPS:
            raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {value}")
        return value

    @t.observe("matrix", "starts", "steps")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes (see :func:`trajectories`)."""
        return trajectories(state["matrix"], state["starts"], state["steps"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Presets, random grid matrices (often near |λ| = 1), huge entries, 0 to 6 starts.

        Examples
        --------
        >>> sorted(Dynamics.random_state(np.random.default_rng(0)))
        ['matrix', 'starts', 'steps']
        """
        kind = int(rng.integers(0, 4))
        if kind == 0:
            A = np.array(list(PRESETS.values())[int(rng.integers(0, len(PRESETS)))])
        elif kind == 1:
            A = rng.integers(-8, 9, size=(2, 2)) / 8
        else:
            A = rng.integers(-12, 13, size=(2, 2)) / 10
        if rng.random() < 0.1:
            A = A * 10.0 ** int(rng.integers(1, 200))
        starts = (rng.integers(-16, 17, size=(int(rng.integers(0, MAX_STARTS + 1)), 2)) / 4).tolist()
        return {"matrix": (A + 0.0).tolist(), "starts": starts, "steps": int(rng.integers(0, MAX_STEPS + 1))}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({"matrix": self.matrix, "starts": self.starts,
                                                  "steps": self.steps}).items():
                setattr(self, name, value)
