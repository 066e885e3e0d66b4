"""Backprop stepper: a two-layer network drawn as boxes with their shapes, stepped forward and backward.

The network is ``z = W₁x + b₁``, ``h = σ(z)``, ``ŷ = W₂h + b₂`` and the loss
``L = ½(ŷ − y)²`` for one example (``x ∈ R²``, three hidden units, one output).
The reader steps through the forward pass (each tensor appears with its
shape) and then the backward pass (each gradient appears next to the tensor
it belongs to, with the same shape and the formula that made it), and edits
``x``, ``y`` or any weight at any time to see every number change. The page
computes both passes itself (``derive`` in ``backprop_stepper.js``); here
they come from :mod:`lalib.calculus`.
"""

from __future__ import annotations

import numpy as np
import traitlets as t

from lalib.calculus import ACTIVATIONS, linear_backward, linear_forward
from lalib.widgets.base import BookWidget

__all__ = ["BackpropStepper", "passes", "STAGES", "HIDDEN", "INPUTS", "LIMIT"]

INPUTS, HIDDEN = 2, 3
LIMIT = 1e3   # every editable number stays within ±LIMIT (tanh saturates long before)

#: The steps in order: (what appears, the formula that computes it). Forward first, then backward.
STAGES: list[tuple[str, str]] = [
    ("x", "the input x"),
    ("z", "z = W₁x + b₁"),
    ("h", "h = σ(z), entry by entry"),
    ("yhat", "ŷ = W₂h + b₂"),
    ("L", "L = ½(ŷ − y)²"),
    ("d_yhat", "∂L/∂ŷ = ŷ − y"),
    ("d_W2", "∂L/∂W₂ = (∂L/∂ŷ) hᵀ, an outer product"),
    ("d_b2", "∂L/∂b₂ = ∂L/∂ŷ"),
    ("d_h", "∂L/∂h = W₂ᵀ (∂L/∂ŷ)"),
    ("d_z", "∂L/∂z = ∂L/∂h ⊙ σ′(z)"),
    ("d_W1", "∂L/∂W₁ = (∂L/∂z) xᵀ, an outer product"),
    ("d_b1", "∂L/∂b₁ = ∂L/∂z"),
    ("d_x", "∂L/∂x = W₁ᵀ (∂L/∂z)"),
]


def passes(x, y: float, W1, b1, W2, b2, activation: str = "tanh") -> dict:
    """Every tensor of the forward pass and every gradient of the backward pass, as nested lists.

    Examples
    --------
    >>> d = passes([1.0, 2.0], 0.0, [[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]], [0.0, 0.0, 0.0],
    ...            [[1.0, 1.0, 1.0]], [0.0], "relu")
    >>> d["z"], d["h"], d["yhat"], d["L"]
    ([1.0, 2.0, -1.0], [1.0, 2.0, 0.0], [3.0], 4.5)
    >>> d["d_W1"]
    [[3.0, 6.0], [3.0, 6.0], [0.0, 0.0]]
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    f, fprime = ACTIVATIONS[activation]
    z = linear_forward(x, W1, b1)
    hid = f(z)
    yhat = linear_forward(hid, W2, b2)
    d_yhat = yhat - float(y)
    d_h, d_W2, d_b2 = linear_backward(hid, W2, b2, d_yhat)
    d_z = d_h * fprime(z, hid)
    d_x, d_W1, d_b1 = linear_backward(x, W1, b1, d_z)
    out = {"z": z, "h": hid, "yhat": yhat, "L": 0.5 * float(d_yhat @ d_yhat), "d_yhat": d_yhat, "d_W2": d_W2,
           "d_b2": d_b2, "d_h": d_h, "d_z": d_z, "d_W1": d_W1, "d_b1": d_b1, "d_x": d_x}
    return {k: (v + 0.0).tolist() if isinstance(v, np.ndarray) else v + 0.0 for k, v in out.items()}


class BackpropStepper(BookWidget):
    """Step a tiny network forward and backward; every tensor and gradient shows its shape.

    Examples
    --------
    >>> w = BackpropStepper()
    >>> w.stage, len(w.d_W1), len(w.d_W1[0])
    (0, 3, 2)
    """

    _js_files = ("backprop_stepper.js",)
    _static_derive = True

    x = t.List(t.Float()).tag(sync=True)
    y = t.Float(0.0).tag(sync=True)
    W1 = t.List(t.List(t.Float())).tag(sync=True)
    b1 = t.List(t.Float()).tag(sync=True)
    W2 = t.List(t.List(t.Float())).tag(sync=True)
    b2 = t.List(t.Float()).tag(sync=True)
    activation = t.Unicode("tanh").tag(sync=True)
    stage = t.Int(0).tag(sync=True)
    # Derived.
    z = t.List(t.Float()).tag(sync=True)
    h = t.List(t.Float()).tag(sync=True)
    yhat = t.List(t.Float()).tag(sync=True)
    L = t.Float(0.0).tag(sync=True)
    d_yhat = t.List(t.Float()).tag(sync=True)
    d_W2 = t.List(t.List(t.Float())).tag(sync=True)
    d_b2 = t.List(t.Float()).tag(sync=True)
    d_h = t.List(t.Float()).tag(sync=True)
    d_z = t.List(t.Float()).tag(sync=True)
    d_W1 = t.List(t.List(t.Float())).tag(sync=True)
    d_b1 = t.List(t.Float()).tag(sync=True)
    d_x = t.List(t.Float()).tag(sync=True)

    def __init__(self, x=(1.0, -0.5), y: float = 1.0, W1=((0.5, -0.3), (0.8, 0.2), (-0.4, 0.9)), b1=(0.1, 0.0, -0.2),
                 W2=((0.7, -1.1, 0.6),), b2=(0.05,), activation: str = "tanh", stage: int = 0, **kwargs):
        super().__init__(x=self._entries(x, (INPUTS,), "x"), y=self._number(y, "y"),
                         W1=self._entries(W1, (HIDDEN, INPUTS), "W1"), b1=self._entries(b1, (HIDDEN,), "b1"),
                         W2=self._entries(W2, (1, HIDDEN), "W2"), b2=self._entries(b2, (1,), "b2"),
                         activation=activation, stage=stage, **kwargs)
        self._update()

    @staticmethod
    def _number(v, name: str) -> float:
        v = float(v)
        if not abs(v) <= LIMIT:
            raise ValueError(f"{name} must be a number between −{LIMIT:g} and {LIMIT:g}, got {v}")
        return v

    @classmethod
    def _entries(cls, value, shape: tuple[int, ...], name: str) -> list:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers of shape {shape}") from None
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
        if not (np.abs(arr) <= LIMIT).all():
            raise ValueError(f"every entry of {name} must be between −{LIMIT:g} and {LIMIT:g}")
        return (arr + 0.0).tolist()

    @t.validate("x", "W1", "b1", "W2", "b2")
    def _validate_entries(self, proposal):
        name = proposal["trait"].name
        shape = {"x": (INPUTS,), "W1": (HIDDEN, INPUTS), "b1": (HIDDEN,), "W2": (1, HIDDEN), "b2": (1,)}[name]
        return self._entries(proposal["value"], shape, name)

    @t.validate("y")
    def _validate_y(self, proposal):
        return self._number(proposal["value"], "y")

    @t.validate("activation")
    def _validate_activation(self, proposal):
        if proposal["value"] not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {proposal['value']!r}")
        return proposal["value"]

    @t.validate("stage")
    def _validate_stage(self, proposal):
        value = int(proposal["value"])
        if not 0 <= value < len(STAGES):
            raise ValueError(f"stage must be between 0 and {len(STAGES) - 1}, got {value}")
        return value

    @t.observe("x", "y", "W1", "b1", "W2", "b2", "activation")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes (see :func:`passes`)."""
        return passes(state["x"], state["y"], state["W1"], state["b1"], state["W2"], state["b2"], state["activation"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Random weights and inputs: small, saturating (large), zero and exact-kink (ReLU at 0) cases.

        Examples
        --------
        >>> sorted(BackpropStepper.random_state(np.random.default_rng(0)))
        ['W1', 'W2', 'activation', 'b1', 'b2', 'stage', 'x', 'y']
        """
        scale = [1.0, 10.0, 0.0, 1.0][int(rng.integers(0, 4))]
        draw = (lambda shape: rng.integers(-8, 9, size=shape) / 4) if rng.random() < 0.5 else \
            (lambda shape: rng.standard_normal(shape) * (scale or 1.0))
        W1 = draw((HIDDEN, INPUTS)) * (scale if scale == 0.0 else 1.0)
        return {"x": draw(INPUTS).tolist(), "y": float(draw(1)[0]), "W1": (W1 + 0.0).tolist(),
                "b1": draw(HIDDEN).tolist(), "W2": draw((1, HIDDEN)).tolist(), "b2": draw(1).tolist(),
                "activation": ["tanh", "relu"][int(rng.integers(0, 2))], "stage": int(rng.integers(0, len(STAGES)))}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({k: getattr(self, k) for k in
                                                  ("x", "y", "W1", "b1", "W2", "b2", "activation")}).items():
                setattr(self, name, value)
