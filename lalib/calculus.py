"""Matrix calculus for backpropagation: finite-difference gradients, Jacobians, and linear layers by hand.

Conventions, kept throughout the book's chapter 11:

* **Numerator layout.** The Jacobian of ``f: R^n -> R^m`` is ``m × n``: row
  ``i`` holds the partial derivatives of ``f_i``. The *gradient* of a scalar
  ``L`` with respect to an array has the array's own shape (what PyTorch's
  ``.grad`` holds), so ``∂L/∂x = Jᵀ ∂L/∂y`` for ``y = f(x)``.
* **Rows are examples** (PyTorch's convention). A linear layer stores
  ``W`` as ``(out, in)`` and computes ``Y = X Wᵀ + b`` for a batch ``X`` of
  shape ``(B, in)``. With ``Δ = ∂L/∂Y`` of shape ``(B, out)``:
  ``∂L/∂X = Δ W``, ``∂L/∂W = Δᵀ X = Σ_k δ_k x_kᵀ`` (the per-example outer
  products summed) and ``∂L/∂b = Σ_k δ_k``. Written with ``A = Wᵀ`` of shape
  ``(in, out)``, ``Y = X A`` and ``∂L/∂A = Xᵀ Δ``: the same numbers, transposed.

Everything here is NumPy; ``tests/test_calculus.py`` checks it against
``torch.autograd``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["numerical_gradient", "numerical_jacobian", "gradient_check", "linear_forward", "linear_backward",
           "two_layer_forward", "two_layer_backward", "ACTIVATIONS"]


def _finite(a: ArrayLike, name: str) -> np.ndarray:
    """``a`` as a finite float64 array (any shape, at least one entry), or an error naming it."""
    try:
        arr = np.asarray(a)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array: {exc}") from None
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def _step(eps: float) -> float:
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not 0 < eps < 1:
        raise ValueError(f"eps must be a number between 0 and 1, got {eps!r}")
    return float(eps)


def numerical_gradient(f: Callable[[np.ndarray], float], x: ArrayLike, eps: float = 1e-6) -> np.ndarray:
    """The gradient of a scalar function by central differences, with ``x``'s shape.

    Entry ``i`` is ``(f(x + h e_i) - f(x - h e_i)) / (2h)`` with ``h = eps · max(1, |x_i|)``:
    an error of order ``h²`` from the function's curvature plus order
    ``ε_machine · |f| / h`` from rounding, so ``eps`` near ``1e-6`` balances the two.

    Parameters
    ----------
    f : callable
        Takes an array of ``x``'s shape, returns a real number.
    x : array_like
        Where to differentiate (any shape).
    eps : float
        Relative step.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or does not return a real number.
    ValueError
        If ``x`` is empty or not finite, or ``eps`` is not in (0, 1).

    Examples
    --------
    >>> a = np.array([1.0, -2.0, 3.0])
    >>> np.round(numerical_gradient(lambda x: a @ x, [0.5, 0.5, 0.5]), 6).tolist()
    [1.0, -2.0, 3.0]
    """
    if not callable(f):
        raise TypeError(f"f must be a function of x, got {type(f).__name__}")
    x0 = _finite(x, "x")
    h0 = _step(eps)
    grad = np.zeros_like(x0)
    flat, g = x0.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        h = h0 * max(1.0, abs(flat[i]))
        plus, minus = flat.copy(), flat.copy()
        plus[i] += h
        minus[i] -= h
        g[i] = (_scalar(f(plus.reshape(x0.shape))) - _scalar(f(minus.reshape(x0.shape)))) / (plus[i] - minus[i])
    return grad


def _scalar(value) -> float:
    out = np.asarray(value, dtype=float) if not hasattr(value, "detach") else np.asarray(value.detach(), dtype=float)
    if out.size != 1:
        raise TypeError(f"f must return a single number, got an array of shape {out.shape}")
    return float(out.reshape(()))


def numerical_jacobian(f: Callable[[np.ndarray], ArrayLike], x: ArrayLike, eps: float = 1e-6) -> np.ndarray:
    """The Jacobian of ``f: R^n -> R^m`` by central differences, in numerator layout: ``m × n``.

    Row ``i`` is the (transposed) gradient of the output ``f_i``; column ``j``
    is how the whole output moves when ``x_j`` moves. ``x`` and ``f(x)`` are
    flattened first (row-major), so the result is always 2-D.

    Examples
    --------
    >>> W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> J = numerical_jacobian(lambda x: W @ x, np.ones(3))
    >>> J.shape, bool(np.allclose(J, W))
    ((2, 3), True)
    """
    if not callable(f):
        raise TypeError(f"f must be a function of x, got {type(f).__name__}")
    x0 = _finite(x, "x")
    h0 = _step(eps)
    flat = x0.reshape(-1)
    columns = []
    for j in range(flat.size):
        h = h0 * max(1.0, abs(flat[j]))
        plus, minus = flat.copy(), flat.copy()
        plus[j] += h
        minus[j] -= h
        up = np.asarray(f(plus.reshape(x0.shape)), dtype=float).reshape(-1)
        down = np.asarray(f(minus.reshape(x0.shape)), dtype=float).reshape(-1)
        columns.append((up - down) / (plus[j] - minus[j]))
    return np.stack(columns, axis=1)


def gradient_check(f: Callable[[np.ndarray], float], grad: ArrayLike, x: ArrayLike, eps: float = 1e-6) -> float:
    """How far a claimed gradient is from the finite-difference one: ``‖g − g_num‖ / max(‖g‖ + ‖g_num‖, tiny)``.

    A correct gradient gives about ``1e-8`` or less in float64 for a smooth
    ``f``; a wrong one (a missing transpose, a factor of 2) gives something of
    order 1. The relative form makes the verdict independent of ``f``'s scale.

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [0.0, 3.0]])
    >>> x = np.array([1.0, -1.0])
    >>> f = lambda v: v @ A @ v
    >>> gradient_check(f, (A + A.T) @ x, x) < 1e-8       # the right gradient
    True
    >>> gradient_check(f, 2 * A @ x, x) > 0.1             # 2Ax is right only for symmetric A
    True
    """
    g = _finite(grad, "grad")
    g_num = numerical_gradient(f, x, eps)
    if g.shape != g_num.shape:
        raise ValueError(f"grad must have x's shape {g_num.shape}, got {g.shape}")
    denominator = max(float(np.linalg.norm(g) + np.linalg.norm(g_num)), np.finfo(float).tiny)
    return float(np.linalg.norm(g - g_num) / denominator)


def _layer_args(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, W, b = _finite(x, "x"), _finite(W, "W"), _finite(b, "b")
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D (out, in) matrix, got shape {W.shape}")
    if X.ndim not in (1, 2) or X.shape[-1] != W.shape[1]:
        raise ValueError(f"x must have shape ({W.shape[1]},) or (batch, {W.shape[1]}) for W of shape {W.shape}, "
                         f"got {X.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) for W of shape {W.shape}, got {b.shape}")
    return X, W, b


def linear_forward(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """``y = W x + b`` for one example ``x`` of shape ``(in,)``, or ``Y = X Wᵀ + b`` for a batch ``(B, in)``.

    ``W`` has shape ``(out, in)``, as ``torch.nn.Linear.weight``.

    Examples
    --------
    >>> linear_forward([1.0, 2.0], [[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]], [0.0, 0.0, 1.0]).tolist()
    [1.0, 3.0, -1.0]
    """
    X, W, b = _layer_args(x, W, b)
    return X @ W.T + b


def linear_backward(x: ArrayLike, W: ArrayLike, b: ArrayLike, grad_y: ArrayLike
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of a linear layer ``y = W x + b``, given ``∂L/∂y``.

    For one example, ``∂L/∂x = Wᵀ δ``, ``∂L/∂W = δ xᵀ`` (an outer product)
    and ``∂L/∂b = δ``, where ``δ = ∂L/∂y``. For a batch (rows are
    examples) the weight and bias gradients are summed over the batch:
    ``∂L/∂X = Δ W``, ``∂L/∂W = Δᵀ X``, ``∂L/∂b = Δᵀ 1``.

    Parameters
    ----------
    x : array_like, shape (in,) or (B, in)
    W : array_like, shape (out, in)
    b : array_like, shape (out,)
    grad_y : array_like, shape (out,) or (B, out)
        ``∂L/∂y``, with the output's shape.

    Returns
    -------
    grad_x, grad_W, grad_b : numpy.ndarray
        With the shapes of ``x``, ``W`` and ``b``.

    Raises
    ------
    ValueError
        If a shape does not fit the others (the message names which).

    Examples
    --------
    >>> gx, gW, gb = linear_backward([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, 0.0],
    ...                              [1.0, 0.0, -1.0])
    >>> gx.tolist(), gW.tolist(), gb.tolist()
    ([0.0, -1.0], [[1.0, 2.0], [0.0, 0.0], [-1.0, -2.0]], [1.0, 0.0, -1.0])
    """
    X, W, b = _layer_args(x, W, b)
    G = _finite(grad_y, "grad_y")
    expected = X.shape[:-1] + (W.shape[0],)
    if G.shape != expected:
        raise ValueError(f"grad_y must have the output's shape {expected}, got {G.shape}")
    if X.ndim == 1:
        return W.T @ G, np.outer(G, X), G.copy()
    return G @ W, G.T @ X, G.sum(axis=0)


def _tanh_grad(z: np.ndarray, h: np.ndarray) -> np.ndarray:
    return 1.0 - h * h


def _relu_grad(z: np.ndarray, h: np.ndarray) -> np.ndarray:
    return (z > 0).astype(float)  # PyTorch's convention: slope 0 at z = 0


#: name -> (function, derivative given (z, f(z))).
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "tanh": (np.tanh, _tanh_grad),
    "relu": (lambda z: np.maximum(z, 0.0), _relu_grad),
}


def _activation(name: str):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def two_layer_forward(X: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike,
                      activation: str = "tanh") -> dict[str, np.ndarray]:
    """Forward pass of ``P = σ(X W1ᵀ + b1) W2ᵀ + b2`` for a batch (rows are examples).

    Returns
    -------
    dict
        ``Z1`` (pre-activation), ``H`` (hidden layer) and ``P`` (output), the
        tensors the backward pass needs.

    Examples
    --------
    >>> out = two_layer_forward([[1.0, 0.0]], [[1.0, 1.0]], [0.0], [[2.0]], [1.0], "relu")
    >>> out["P"].tolist()
    [[3.0]]
    """
    X1, W1, b1 = _layer_args(X, W1, b1)
    if X1.ndim != 2:
        raise ValueError(f"X must be a (batch, in) matrix, got shape {X1.shape}")
    f, _ = _activation(activation)
    Z1 = X1 @ W1.T + b1
    H = f(Z1)
    H2, W2, b2 = _layer_args(H, W2, b2)
    return {"Z1": Z1, "H": H, "P": H2 @ W2.T + b2}


def two_layer_backward(X: ArrayLike, Y: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike,
                       activation: str = "tanh") -> dict[str, np.ndarray | float]:
    """Loss and gradients of a two-layer network under the mean squared error, by hand.

    The loss is ``torch.nn.MSELoss``'s: ``L = mean((P − Y)²)`` over all
    ``B · out`` entries, so ``∂L/∂P = 2 (P − Y) / (B · out)``. Then, layer by layer
    backwards: the second layer's :func:`linear_backward`, the activation's
    derivative entry by entry, the first layer's :func:`linear_backward`.

    Returns
    -------
    dict
        ``loss`` (float) and ``X, W1, b1, W2, b2``: ``∂L/∂`` each, with its shape.

    Examples
    --------
    >>> g = two_layer_backward([[1.0, 2.0]], [[0.0]], [[1.0, 0.0]], [0.0], [[1.0]], [0.0], "relu")
    >>> g["loss"], g["W1"].tolist(), g["b2"].tolist()
    (1.0, [[2.0, 4.0]], [2.0])
    """
    _, fprime = _activation(activation)
    out = two_layer_forward(X, W1, b1, W2, b2, activation)
    P = out["P"]
    T = _finite(Y, "Y")
    if T.shape != P.shape:
        raise ValueError(f"Y must have the output's shape {P.shape}, got {T.shape}")
    grad_P = 2.0 * (P - T) / P.size
    grad_H, grad_W2, grad_b2 = linear_backward(out["H"], W2, b2, grad_P)
    grad_Z1 = grad_H * fprime(out["Z1"], out["H"])
    grad_X, grad_W1, grad_b1 = linear_backward(X, W1, b1, grad_Z1)
    return {"loss": float(np.mean((P - T) ** 2)), "X": grad_X, "W1": grad_W1, "b1": grad_b1, "W2": grad_W2,
            "b2": grad_b2}
