"""Vector playground: drag two vectors u and v in the plane; see u + v, a·u, u·v, the angle and a norm's unit ball.

The kernel side computes with :mod:`lalib.norms`; ``vector_playground.js``
draws, and in the static book its ``derive`` repeats this computation in the page.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.norms import angle, p_norm
from lalib.validation import as_vector
from lalib.widgets.base import BookWidget

__all__ = ["VectorPlayground", "describe_pair", "NORMS"]

#: The norms the reader can pick: their names as the widget's ``norm`` trait holds them.
NORMS = ("1", "2", "inf")


def _plain(x: float) -> float:
    return float(x) + 0.0  # no -0.0 in the state


def describe_pair(u: ArrayLike, v: ArrayLike, scale: float, norm: str) -> dict:
    """Everything the playground reads out for vectors ``u``, ``v``, a scalar and a norm.

    Parameters
    ----------
    u, v : array_like, shape (2,)
    scale : float
        The scalar ``a`` of ``a·u``.
    norm : {"1", "2", "inf"}

    Returns
    -------
    dict
        ``sum`` (u + v), ``scaled`` (a·u), ``dot`` (u·v), ``cross`` (u₁v₂ − u₂v₁, the
        signed area of the parallelogram), ``angle`` (degrees, None when u or v is zero),
        ``norm_u``, ``norm_v``, ``norm_sum``, ``norm_scaled`` in the chosen norm.

    Examples
    --------
    >>> d = describe_pair([3, 0], [0, 4], 2, "2")
    >>> d["sum"], d["dot"], d["angle"], d["norm_sum"]
    ([3.0, 4.0], 0.0, 90.0, 5.0)
    >>> describe_pair([3, 0], [0, 4], 2, "1")["norm_sum"]
    7.0
    >>> describe_pair([0, 0], [1, 1], 1, "inf")["angle"] is None
    True
    """
    a, b = as_vector(u, "u"), as_vector(v, "v")
    for name, w in (("u", a), ("v", b)):
        if w.shape != (2,):
            raise ValueError(f"{name} must have 2 entries to be drawn in the plane, got shape {w.shape}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number, got {scale!r}")
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {', '.join(NORMS)}, got {norm!r}")
    s, w = a + b, scale * a
    if not (np.all(np.isfinite(s)) and np.all(np.isfinite(w))):
        raise ValueError("u + v or scale * u overflows: use smaller numbers")
    # The dot product and the cross term, on entries scaled by the largest, so neither overflows.
    big = max(float(np.abs(a).max()), float(np.abs(b).max()))
    if big == 0:
        dot = cross = 0.0
    else:
        ha, hb = a / big, b / big
        dot = (ha[0] * hb[0] + ha[1] * hb[1]) * big * big
        cross = (ha[0] * hb[1] - ha[1] * hb[0]) * big * big
    theta = angle(a, b) if np.any(a) and np.any(b) else None
    return {
        "sum": [_plain(x) for x in s], "scaled": [_plain(x) for x in w],
        "dot": _plain(dot), "cross": _plain(cross), "angle": theta,
        "norm_u": p_norm(a, norm), "norm_v": p_norm(b, norm),
        "norm_sum": p_norm(s, norm), "norm_scaled": p_norm(w, norm),
    }


class VectorPlayground(BookWidget):
    """Two vectors in the plane to drag, with their sum, a multiple, the dot product, the angle and norms.

    Parameters
    ----------
    u, v : array_like, shape (2,)
        The starting vectors; the reader drags their tips (snapping to a grid
        of 0.5) or types their entries.
    scale : float
        The starting scalar ``a`` (the slider runs from −3 to 3).
    norm : {"1", "2", "inf"}
        The norm whose unit ball is drawn and whose values are read out.

    Examples
    --------
    >>> w = VectorPlayground(u=[3, 1], v=[1, 2])
    >>> w.sum, w.dot, w.norm_u
    ([4.0, 3.0], 5.0, 3.1622776601683795)
    >>> w.norm = "1"
    >>> w.norm_u
    4.0
    """

    _js_files = ("vector_playground.js",)
    _static_derive = True

    u = t.List(t.Float(), minlen=2, maxlen=2).tag(sync=True)
    v = t.List(t.Float(), minlen=2, maxlen=2).tag(sync=True)
    scale = t.Float(1.5).tag(sync=True)
    norm = t.Unicode("2").tag(sync=True)
    sum = t.List(t.Float()).tag(sync=True)
    scaled = t.List(t.Float()).tag(sync=True)
    dot = t.Float(0.0).tag(sync=True)
    cross = t.Float(0.0).tag(sync=True)
    angle = t.Float(None, allow_none=True).tag(sync=True)
    norm_u = t.Float(0.0).tag(sync=True)
    norm_v = t.Float(0.0).tag(sync=True)
    norm_sum = t.Float(0.0).tag(sync=True)
    norm_scaled = t.Float(0.0).tag(sync=True)

    def __init__(self, u: ArrayLike = (2, 1), v: ArrayLike = (1, 2), scale: float = 1.5, norm: str = "2",
                 **kwargs):
        describe_pair(u, v, scale, norm)  # named errors before any trait is set
        super().__init__(u=self._pair(u, "u"), v=self._pair(v, "v"), scale=float(scale), norm=norm, **kwargs)
        self._update()

    @staticmethod
    def _pair(x: ArrayLike, name: str) -> list[float]:
        vec = as_vector(x, name)
        if vec.shape != (2,):
            raise ValueError(f"{name} must have 2 entries to be drawn in the plane, got shape {vec.shape}")
        if np.iscomplexobj(vec):
            raise TypeError(f"{name} must be real, got complex entries")
        return [_plain(c) for c in vec]

    @t.validate("u")
    def _validate_u(self, proposal):
        return self._pair(proposal["value"], "u")

    @t.validate("v")
    def _validate_v(self, proposal):
        return self._pair(proposal["value"], "v")

    @t.validate("norm")
    def _validate_norm(self, proposal):
        if proposal["value"] not in NORMS:
            raise t.TraitError(f"norm must be one of {', '.join(NORMS)}, got {proposal['value']!r}")
        return proposal["value"]

    @t.observe("u", "v", "scale", "norm")
    def _on_input(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """The read-outs for a state: what the page's ``derive`` computes.

        Examples
        --------
        >>> VectorPlayground.derive_state({"u": [1, 0], "v": [1, 1], "scale": -2, "norm": "inf"})["scaled"]
        [-2.0, 0.0]
        """
        return describe_pair(state["u"], state["v"], state["scale"], state["norm"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random state as a reader makes them: grid points, zero and parallel or perpendicular vectors,
        and typed entries from 1e-150 to 1e150.

        Examples
        --------
        >>> sorted(VectorPlayground.random_state(np.random.default_rng(0)))
        ['norm', 'scale', 'u', 'v']
        """
        u = rng.integers(-8, 9, size=2) / 2
        v = rng.integers(-8, 9, size=2) / 2
        kind = rng.integers(0, 6)
        if kind == 0:
            v = np.zeros(2)
        elif kind == 1:
            u = np.zeros(2)
        elif kind == 2:  # parallel or opposite
            v = u * rng.choice([-2.0, -1.0, 0.5, 1.0, 3.0])
        elif kind == 3:  # perpendicular
            v = np.array([-u[1], u[0]]) * rng.choice([-1.0, 0.5, 2.0])
        if rng.random() < 0.2:
            u = u * 10.0 ** int(rng.integers(-150, 151))
            v = v * 10.0 ** int(rng.integers(-150, 151))
        scale = float(np.round(rng.uniform(-3, 3), 1))
        return {"u": (u + 0.0).tolist(), "v": (v + 0.0).tolist(), "scale": scale,
                "norm": str(rng.choice(NORMS))}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state(
                    {"u": self.u, "v": self.v, "scale": self.scale, "norm": self.norm}).items():
                setattr(self, name, value)
