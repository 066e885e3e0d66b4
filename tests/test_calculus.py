"""lalib.calculus against torch.autograd (float64), on shapes Hypothesis draws, and its errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.calculus import (gradient_check, linear_backward, linear_forward, numerical_gradient, numerical_jacobian,
                            two_layer_backward, two_layer_forward)

torch.set_num_threads(1)


def autograd_linear(x, W, b, grad_y):
    xt, Wt, bt = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, W, b))
    y = torch.nn.functional.linear(xt, Wt, bt)
    y.backward(torch.tensor(grad_y, dtype=torch.float64))
    return xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


dims = st.integers(1, 6)


@settings(max_examples=60, deadline=None)
@given(n=dims, m=dims, batch=st.one_of(st.none(), st.integers(1, 5)), seed=st.integers(0, 2**32 - 1))
def test_linear_layer_matches_autograd(n, m, batch, seed):
    rng = np.random.default_rng(seed)
    shape_x = (n,) if batch is None else (batch, n)
    x, W, b = rng.standard_normal(shape_x), rng.standard_normal((m, n)), rng.standard_normal(m)
    g = rng.standard_normal(shape_x[:-1] + (m,))
    ours = linear_backward(x, W, b, g)
    theirs = autograd_linear(x, W, b, g)
    for a, t in zip(ours, theirs):
        assert a.shape == t.shape
        np.testing.assert_allclose(a, t, rtol=1e-12, atol=1e-12)
    torch_y = torch.nn.functional.linear(*(torch.tensor(a) for a in (x, W, b))).numpy()
    np.testing.assert_allclose(linear_forward(x, W, b), torch_y, rtol=1e-12, atol=1e-12)


def test_batch_weight_gradient_is_sum_of_outer_products_and_transpose_of_XtDelta():
    rng = np.random.default_rng(1)
    X, W, b, D = rng.standard_normal((5, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal((5, 2))
    _, gW, gb = linear_backward(X, W, b, D)
    assert np.allclose(gW, sum(np.outer(d, x) for d, x in zip(D, X)))
    assert np.allclose(gW, (X.T @ D).T) and np.allclose(gb, D.sum(axis=0))


@settings(max_examples=30, deadline=None)
@given(n=dims, seed=st.integers(0, 2**32 - 1))
def test_key_identities_against_finite_differences_and_autograd(n, seed):
    rng = np.random.default_rng(seed)
    a, x, A = rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal((n, n))
    B, c = rng.standard_normal((n + 2, n)), rng.standard_normal(n + 2)
    cases = [(lambda v: a @ v, a), (lambda v: v @ A @ v, (A + A.T) @ x),
             (lambda v: np.sum((B @ v - c) ** 2), 2 * B.T @ (B @ x - c))]
    for f, grad in cases:
        assert gradient_check(f, grad, x) < 1e-7
    for f_torch, grad in [(lambda v: torch.tensor(a) @ v, a), (lambda v: v @ torch.tensor(A) @ v, (A + A.T) @ x),
                          (lambda v: ((torch.tensor(B) @ v - torch.tensor(c)) ** 2).sum(), 2 * B.T @ (B @ x - c))]:
        xt = torch.tensor(x, requires_grad=True)
        f_torch(xt).backward()
        np.testing.assert_allclose(xt.grad.numpy(), grad, rtol=1e-10, atol=1e-10)
    if n > 1 and not np.allclose(A, A.T):
        assert gradient_check(lambda v: v @ A @ v, 2 * A @ x, x) > 1e-4   # the symmetric-only formula fails


def test_jacobian_is_numerator_layout():
    W = np.arange(6.0).reshape(2, 3)
    J = numerical_jacobian(lambda v: np.tanh(W @ v), np.array([0.1, -0.2, 0.3]))
    x = torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64)
    J_torch = torch.autograd.functional.jacobian(lambda v: torch.tanh(torch.tensor(W) @ v), x).numpy()
    assert J.shape == (2, 3) and np.allclose(J, J_torch, atol=1e-8)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_two_layer_network_matches_pytorch_to_the_last_digits(activation):
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((8, 4)), rng.standard_normal((8, 2))
    W1, b1, W2, b2 = rng.standard_normal((5, 4)), rng.standard_normal(5), rng.standard_normal((2, 5)), rng.standard_normal(2)
    ours = two_layer_backward(X, Y, W1, b1, W2, b2, activation)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in dict(X=X, W1=W1, b1=b1, W2=W2, b2=b2).items()}
    act = torch.tanh if activation == "tanh" else torch.relu
    P = act(t["X"] @ t["W1"].T + t["b1"]) @ t["W2"].T + t["b2"]
    loss = torch.nn.functional.mse_loss(P, torch.tensor(Y))
    loss.backward()
    assert ours["loss"] == pytest.approx(loss.item(), rel=1e-14)
    for k, v in t.items():
        np.testing.assert_allclose(ours[k], v.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert np.allclose(two_layer_forward(X, W1, b1, W2, b2, activation)["P"], P.detach().numpy())


def test_numerical_gradient_keeps_shape_and_step_scales():
    M = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = numerical_gradient(lambda A: np.sum(A ** 2), M)
    assert g.shape == (2, 2) and np.allclose(g, 2 * M, atol=1e-6)
    big = np.array([1e8, -3e8])
    assert np.allclose(numerical_gradient(lambda v: v @ v, big), 2 * big, rtol=1e-6)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="grad_y must have the output's shape"):
        linear_backward(np.ones(3), np.ones((2, 3)), np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match=r"x must have shape \(3,\)"):
        linear_backward(np.ones(2), np.ones((2, 3)), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="b must have shape"):
        linear_forward(np.ones(3), np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        numerical_gradient(np.sum, [1.0, np.nan])
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(np.sum, [1.0], eps=0)
    with pytest.raises(TypeError, match="single number"):
        numerical_gradient(lambda v: v, [1.0, 2.0])
    with pytest.raises(TypeError, match="callable|function"):
        numerical_gradient(3, [1.0])
    with pytest.raises(ValueError, match="activation"):
        two_layer_forward(np.ones((1, 2)), np.ones((2, 2)), np.ones(2), np.ones((1, 2)), np.ones(1), "sigmoid")
    with pytest.raises(ValueError, match="grad must have"):
        gradient_check(np.sum, [1.0], [1.0, 2.0])
