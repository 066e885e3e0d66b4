"""The calculus question bank: right answers pass in the forms the prompts allow; wrong ones fail with
feedback that names the slip and never the answer; the function questions refuse autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from check_samples.calculus import linear_backward, numerical_gradient
from lalib.checks import bank
from lalib.checks.calculus import (A_QUAD, X_QUAD, X_REG, gradient_cases, linear_cases, pack,
                                   reference_linear_backward, regression_hessian, unpack)

Q = bank("calculus")


def verdict(qid, answer, rng=None):
    q = Q[qid]
    return q.judge(q.encode(answer, rng=rng))


def test_fourteen_questions_of_every_kind():
    assert len(Q) == 14
    assert {q.kind for q in Q.values()} >= {"number", "choice", "array", "function", "free-text"}


def test_quadratic_form_feedback_names_the_symmetric_slip():
    assert verdict("calculus.2", (A_QUAD + A_QUAD.T) @ X_QUAD).passed
    message = verdict("calculus.2", 2 * A_QUAD @ X_QUAD).message
    assert "symmetric" in message and str((A_QUAD + A_QUAD.T) @ X_QUAD) not in message
    assert "two terms" in verdict("calculus.2", A_QUAD @ X_QUAD).message


def test_jacobian_shape_and_layout():
    assert verdict("calculus.4", [3, 4]).passed
    assert "denominator layout" in verdict("calculus.4", [4, 3]).message


@pytest.mark.parametrize("seed", range(4))
def test_linear_backward_passes_on_fresh_shapes(seed):
    assert verdict("calculus.7", linear_backward, rng=np.random.default_rng(seed)).passed


def test_reference_is_autograd_and_agrees_with_the_formulas():
    for case in linear_cases(11):
        x, W, b, g = case.args
        ref = unpack(reference_linear_backward(x, W, b, g))
        ours = linear_backward(x, W, b, g)
        assert [r.shape for r in ref] == [x.shape, W.shape, b.shape]
        for r, o in zip(ref, ours):
            np.testing.assert_allclose(r, o, rtol=1e-12, atol=1e-9 * max(1.0, np.abs(r).max()))


def test_linear_backward_feedback_and_forbidden_autograd():
    def transposed(x, W, b, grad_y):
        gx, gW, gb = linear_backward(x, W, b, grad_y)
        return gx, gW.T, gb

    def mean(x, W, b, grad_y):
        gx, gW, gb = linear_backward(x, W, b, grad_y)
        n = len(x) if x.ndim == 2 else 1
        return gx, gW / n, gb / n

    def with_autograd(x, W, b, grad_y):
        xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        torch.nn.functional.linear(xt, Wt, bt).backward(torch.tensor(grad_y))
        return xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()

    def with_grad_function(x, W, b, grad_y):
        xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        y = torch.nn.functional.linear(xt, Wt, bt)
        return tuple(t.numpy() for t in torch.autograd.grad(y, (xt, Wt, bt), torch.tensor(grad_y)))

    assert "grad_W: shape" in verdict("calculus.7", transposed).message
    assert "average over the batch" in verdict("calculus.7", mean).message
    assert "forbids" in verdict("calculus.7", with_autograd).message
    assert "forbids" in verdict("calculus.7", with_grad_function).message
    assert "tuple" in verdict("calculus.7", lambda x, W, b, g: W.T @ g).message
    # The run-time guard alone (no source to read): torch.Tensor.backward raises while the answer runs.
    hidden = eval("lambda x, W, b, g: (torch.tensor(x, requires_grad=True).sum().backward(), 0, 0)",
                  {"torch": torch})
    assert "forbids" in verdict("calculus.7", hidden).message
    assert torch.ones(1, requires_grad=True).sum().backward() is None   # restored afterwards


def test_numerical_gradient_question():
    assert verdict("calculus.8", numerical_gradient, rng=np.random.default_rng(0)).passed
    assert "2h apart" in verdict("calculus.8", lambda f, x: numerical_gradient(f, x) * 2).message
    assert "shape" in verdict("calculus.8", lambda f, x: numerical_gradient(f, x).reshape(-1)).message

    def one_sided(f, x):
        x, g = np.asarray(x, dtype=float), np.zeros(np.shape(x))
        for i in np.ndindex(x.shape):
            h = 1e-6 * max(1.0, abs(x[i]))
            e = np.zeros_like(x)
            e[i] = h
            g[i] = (f(x + e) - f(x)) / h
        return g
    assert "one-sided" in verdict("calculus.8", one_sided, rng=np.random.default_rng(0)).message
    for case in gradient_cases(1):   # the reference gradients are right (checked by central differences)
        f, x = case.args
        assert np.allclose(numerical_gradient(f, x), f.grad(x), rtol=1e-5, atol=1e-5 * max(1, np.abs(f.grad(x)).max()))


def test_learning_rate_and_choices():
    lam = np.linalg.eigvalsh(regression_hessian(X_REG))
    assert verdict("calculus.9", 2 / lam.max()).passed
    assert "1/λ_max" in verdict("calculus.9", 1 / lam.max()).message
    assert "factor 2" in verdict("calculus.9", 4 / lam.max()).message
    wrong_c = verdict("calculus.10", "C").message    # names why C is wrong, not which letter is right
    assert "(in, out)" in wrong_c and "Δᵀ X" not in wrong_c and "transpose" not in wrong_c
    assert "twice" not in verdict("calculus.9", 1 / lam.max()).message
    assert "is W" not in verdict("calculus.5", "B").message
    assert "shapes" in verdict("calculus.13", "B").message
    assert "slope 0" in verdict("calculus.14", np.array([0.3, 0.0, 0.7, -0.4])).message


def test_pack_round_trip_and_refuses_garbage():
    arrays = [np.arange(3.0), np.ones((2, 3)), np.array([5.0])]
    assert all(np.array_equal(a, b) for a, b in zip(unpack(pack(arrays)), arrays))
    assert unpack(np.array([7.0, 1.0])) is None and unpack(pack(arrays)[:-1]) is None
