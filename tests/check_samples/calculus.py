"""Samples for the ``calculus`` bank (lalib.checks.calculus, solutions/11-matrix-calculus.ipynb).

Right answers as the solutions notebook computes them; wrong ones: the common
slips the bank names, values of the wrong type, and wrong or forbidden functions.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.calculus import (A_QUAD, A_VEC, B_EX, B_LSQ, C_LSQ, DH_RELU, W1_STACK, W2_STACK, W_EX, X_AT, X_EX,
                                   X_LSQ, X_QUAD, X_REG, Y_EX, Z_RELU, regression_hessian)


def linear_backward(x, W, b, grad_y):  # the solutions notebook's answer
    if x.ndim == 1:
        return W.T @ grad_y, np.outer(grad_y, x), grad_y.copy()
    return grad_y @ W, grad_y.T @ x, grad_y.sum(axis=0)


def _linear_backward_transposed(x, W, b, grad_y):
    gx, gW, gb = linear_backward(x, W, b, grad_y)
    return gx, gW.T, gb


def _linear_backward_autograd(x, W, b, grad_y):
    import torch
    xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    y = torch.nn.functional.linear(xt, Wt, bt)
    y.backward(torch.tensor(grad_y))
    return xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


def _linear_backward_two(x, W, b, grad_y):
    gx, gW, gb = linear_backward(x, W, b, grad_y)
    return gx, gW


def numerical_gradient(f, x, h=1e-6):  # the solutions notebook's answer
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = h * max(1.0, abs(x[i]))
        xp, xm = x.copy(), x.copy()
        xp[i] += step
        xm[i] -= step
        g[i] = (f(xp) - f(xm)) / (2 * step)
    return g


def _half_central(f, x):
    return numerical_gradient(f, x) * 2


def _uses_numpy_gradient(f, x):
    return np.gradient(np.asarray(x, dtype=float))


_lam = np.linalg.eigvalsh(regression_hessian(X_REG))
_delta = W_EX @ X_EX + B_EX - Y_EX

SAMPLES = {
    "calculus.1": ([A_VEC, A_VEC.tolist(), A_VEC.reshape(3, 1)], [X_AT, "a", A_VEC[:2]]),
    "calculus.2": ([(A_QUAD + A_QUAD.T) @ X_QUAD], [2 * A_QUAD @ X_QUAD, A_QUAD @ X_QUAD, None]),
    "calculus.3": ([2 * B_LSQ.T @ (B_LSQ @ X_LSQ - C_LSQ)], [B_LSQ.T @ (B_LSQ @ X_LSQ - C_LSQ), [1, 2, 3]]),
    "calculus.4": ([[3, 4], (3, 4), np.array([3.0, 4.0])], [[4, 3], [3, 3], "3x4"]),
    "calculus.5": (["A", "a", "W"], ["B", "C", 1]),
    "calculus.6": ([np.outer(_delta, X_EX)], [np.outer(X_EX, _delta), -np.outer(_delta, X_EX),
                                              np.outer(W_EX @ X_EX - Y_EX, X_EX)]),
    "calculus.7": ([linear_backward], [_linear_backward_transposed, _linear_backward_autograd, _linear_backward_two,
                                       np.zeros(3)]),
    "calculus.8": ([numerical_gradient], [_half_central, _uses_numpy_gradient, 1.0]),
    "calculus.9": ([float(2 / _lam.max())], [float(1 / _lam.max()), float(2 / _lam.min()), "0.7"]),
    "calculus.10": (["A"], ["C", "D", 3]),
    "calculus.11": (["Without a nonlinearity W2(W1 x) = (W2 W1) x is one linear map, so depth adds nothing."],
                    [42]),
    "calculus.12": ([W2_STACK @ W1_STACK], [(W2_STACK @ W1_STACK).T, W1_STACK @ W2_STACK]),
    "calculus.13": (["A"], ["B", "C", "E"]),
    "calculus.14": ([DH_RELU * (Z_RELU > 0)], [DH_RELU, DH_RELU * (Z_RELU >= 0), np.zeros(3)]),
}
