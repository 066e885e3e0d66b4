"""Gradient descent on a quadratic: drag the start, set the learning rate, watch the path.

The loss is ``f(x) = ½ xᵀ H x`` with ``H = R diag(λ₁, λ₂) Rᵀ``, ``R`` a
rotation by ``angle`` degrees: the reader sets the Hessian by its eigenvalues
and the direction of its first eigenvector (so ``H`` is symmetric positive
definite by construction, and the picture's contours are ellipses), drags the
starting point, and sets the learning rate ``η`` on a slider measured against
the limit ``2/λ_max`` from chapter 6. Each step is ``x ← x − η H x``; along
eigenvector ``i`` it multiplies the component by ``1 − ηλᵢ``, which the
readout shows next to the verdict: converges, zig-zags (some factor is
negative), bounces forever (the largest ``|1 − ηλᵢ|`` is exactly 1) or
diverges. The page computes the same path itself (``derive`` in
``gradient_descent.js``).
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t

from lalib.widgets.base import BookWidget

__all__ = ["GradientDescent", "descend", "PRESETS", "MAX_STEPS", "BOUND", "LAMBDA_RANGE"]

#: name -> (eigenvalues, angle in degrees).
PRESETS: dict[str, tuple[list[float], float]] = {
    "round": ([1.0, 1.0], 0.0),
    "elongated": ([4.0, 1.0], 30.0),
    "ill-conditioned": ([10.0, 0.5], -20.0),
}
MAX_STEPS = 100
BOUND = 1e6            # a path stops once it leaves this box (it has diverged)
LAMBDA_RANGE = (1e-3, 1e3)
_TOL = 1e-12


def _hessian(eigenvalues: list[float], angle: float) -> list[list[float]]:
    l1, l2 = eigenvalues
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # H = l1 v1 v1^T + l2 v2 v2^T with v1 = (c, s), v2 = (-s, c); written out so that JS computes the same.
    return [[l1 * c * c + l2 * s * s, (l1 - l2) * c * s], [(l1 - l2) * c * s, l1 * s * s + l2 * c * c]]


def descend(eigenvalues: list[float], angle: float, start: list[float], lr: float, steps: int) -> dict:
    """The gradient-descent path on ``½ xᵀHx`` and what its eigenvalues say about it.

    Parameters
    ----------
    eigenvalues : [λ₁, λ₂]
        Positive eigenvalues of ``H``.
    angle : float
        Direction of λ₁'s eigenvector, in degrees.
    start : [x, y]
    lr : float
        The learning rate ``η ≥ 0``.
    steps : int

    Returns
    -------
    dict
        ``hessian``, ``vectors`` (the unit eigenvectors), ``lr_max`` (``2/λ_max``),
        ``lr_best`` (``2/(λ₁ + λ₂)``, the step that makes both factors equally small),
        ``factors`` (``1 − ηλᵢ``), ``rate`` (the largest ``|1 − ηλᵢ|``), ``verdict``
        (``"converges"``, ``"zigzag"``, ``"borderline"`` or ``"diverges"``),
        ``path`` (the iterates, stopped once one leaves ``±BOUND``) and ``losses``.

    Examples
    --------
    >>> d = descend([4.0, 1.0], 0.0, [1.0, 1.0], 0.25, 2)
    >>> d["lr_max"], d["factors"], d["verdict"]
    (0.5, [0.0, 0.75], 'converges')
    >>> d["path"]
    [[1.0, 1.0], [0.0, 0.75], [0.0, 0.5625]]
    >>> descend([4.0, 1.0], 0.0, [1.0, 1.0], 0.4, 2)["verdict"], descend([4.0, 1.0], 0.0, [1.0, 1.0], 0.6, 2)["verdict"]
    ('zigzag', 'diverges')
    """
    l1, l2 = (float(v) for v in eigenvalues)
    H = _hessian([l1, l2], angle)
    (a, b), (_, d) = H
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    factors = [1.0 - lr * l1, 1.0 - lr * l2]
    rate = max(abs(f) for f in factors)
    if rate > 1 + _TOL:
        verdict = "diverges"
    elif rate >= 1 - _TOL:
        verdict = "borderline"
    else:
        verdict = "zigzag" if min(factors) < 0 else "converges"
    p, q = float(start[0]), float(start[1])
    path, losses = [[p + 0.0, q + 0.0]], [0.5 * (p * (a * p + b * q) + q * (b * p + d * q))]
    for _ in range(steps):
        gp, gq = a * p + b * q, b * p + d * q
        p, q = p - lr * gp, q - lr * gq
        if not (max(abs(p), abs(q)) <= BOUND):
            break
        path.append([p + 0.0, q + 0.0])
        losses.append(0.5 * (p * (a * p + b * q) + q * (b * p + d * q)))
    top = max(l1, l2)
    return {"hessian": H, "vectors": [[c, s], [-s, c]], "lr_max": 2.0 / top, "lr_best": 2.0 / (l1 + l2),
            "factors": factors, "rate": rate, "verdict": verdict, "path": path, "losses": losses}


class GradientDescent(BookWidget):
    """Drag the start and the learning rate on a 2-D quadratic loss; the Hessian's eigenvalues say what happens.

    Examples
    --------
    >>> w = GradientDescent([4, 1], angle=30, start=[3, 1], lr=0.45)
    >>> w.verdict, round(w.lr_max, 3)
    ('zigzag', 0.5)
    """

    _js_files = ("gradient_descent.js",)
    _static_derive = True

    eigenvalues = t.List(t.Float()).tag(sync=True)
    angle = t.Float(0.0).tag(sync=True)
    start = t.List(t.Float()).tag(sync=True)
    lr = t.Float(0.1).tag(sync=True)
    steps = t.Int(30).tag(sync=True)
    hessian = t.List(t.List(t.Float())).tag(sync=True)
    vectors = t.List(t.List(t.Float())).tag(sync=True)
    lr_max = t.Float(0.0).tag(sync=True)
    lr_best = t.Float(0.0).tag(sync=True)
    factors = t.List(t.Float()).tag(sync=True)
    rate = t.Float(0.0).tag(sync=True)
    verdict = t.Unicode("").tag(sync=True)
    path = t.List(t.List(t.Float())).tag(sync=True)
    losses = t.List(t.Float()).tag(sync=True)

    def __init__(self, eigenvalues=(4.0, 1.0), angle: float = 30.0, start=(3.0, 1.0), lr: float = 0.2,
                 steps: int = 30, **kwargs):
        super().__init__(eigenvalues=list(eigenvalues), angle=angle, start=list(start), lr=lr, steps=steps, **kwargs)
        self._update()

    @t.validate("eigenvalues")
    def _validate_eigenvalues(self, proposal):
        values = [float(v) for v in proposal["value"]]
        low, high = LAMBDA_RANGE
        if len(values) != 2 or not all(low <= v <= high for v in values):
            raise ValueError(f"eigenvalues must be two numbers between {low:g} and {high:g} (a positive definite "
                             f"Hessian), got {proposal['value']}")
        return values

    @t.validate("angle")
    def _validate_angle(self, proposal):
        value = float(proposal["value"])
        if not math.isfinite(value):
            raise ValueError(f"angle must be a finite number of degrees, got {value}")
        return value

    @t.validate("start")
    def _validate_start(self, proposal):
        values = [float(v) for v in proposal["value"]]
        if len(values) != 2 or not all(abs(v) <= 100 for v in values):
            raise ValueError(f"start must be a point [x, y] with |x|, |y| ≤ 100, got {proposal['value']}")
        return values

    @t.validate("lr")
    def _validate_lr(self, proposal):
        value = float(proposal["value"])
        if not (0 <= value <= 1e3):
            raise ValueError(f"lr must be a learning rate between 0 and 1000, got {value}")
        return value

    @t.validate("steps")
    def _validate_steps(self, proposal):
        value = int(proposal["value"])
        if not 0 <= value <= MAX_STEPS:
            raise ValueError(f"steps must be between 0 and {MAX_STEPS}, got {value}")
        return value

    @t.observe("eigenvalues", "angle", "start", "lr", "steps")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes (see :func:`descend`)."""
        return descend(state["eigenvalues"], state["angle"], state["start"], state["lr"], state["steps"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Presets and random Hessians; learning rates at and around 1/λ_max, 2/λ_max and 2/(λ₁+λ₂), and huge ones.

        Examples
        --------
        >>> sorted(GradientDescent.random_state(np.random.default_rng(0)))
        ['angle', 'eigenvalues', 'lr', 'start', 'steps']
        """
        if rng.random() < 0.3:
            values, angle = PRESETS[list(PRESETS)[int(rng.integers(0, len(PRESETS)))]]
        else:
            values = (10.0 ** rng.uniform(-3, 3, 2)).tolist() if rng.random() < 0.2 else \
                (rng.integers(1, 41, 2) / 4).tolist()
            angle = float(rng.integers(-180, 181)) if rng.random() < 0.7 else float(rng.uniform(-720, 720))
        top = max(values)
        kind = int(rng.integers(0, 5))
        lr = [1.0 / top, 2.0 / top, 2.0 / sum(values), float(rng.uniform(0, 2.5 / top)),
              float(10.0 ** rng.uniform(-3, 3))][kind]
        start = (rng.integers(-16, 17, 2) / 4).tolist()
        return {"eigenvalues": list(values), "angle": angle, "start": start, "lr": lr,
                "steps": int(rng.integers(0, MAX_STEPS + 1))}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({"eigenvalues": self.eigenvalues, "angle": self.angle,
                                                  "start": self.start, "lr": self.lr, "steps": self.steps}).items():
                setattr(self, name, value)
