"""The question bank of chapter 11, *Matrix calculus and backpropagation* (exercise set id ``"calculus"``).

This module is the **answer key** of ``solutions/11-matrix-calculus.ipynb``.
Every expected value is computed from the problem's own arrays (with NumPy and
:mod:`lalib.calculus`), never typed by hand. Layout: a gradient has the shape of
what it differentiates; a Jacobian of ``f: R^n -> R^m`` is ``m × n``; a linear
layer stores ``W`` as ``(out, in)`` and takes a batch as rows, as PyTorch does.

``calculus.7`` asks for a function returning *three* arrays; its question kind
(:class:`GradientsFunction`) packs them into one plain float array, with their
shapes, so that the grader still receives only plain data.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import textwrap
from dataclasses import dataclass

import numpy as np

from lalib.calculus import linear_backward as _linear_backward_numpy
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, _read_array

__all__ = ["questions", "A_VEC", "X_AT", "A_QUAD", "X_QUAD", "B_LSQ", "C_LSQ", "X_LSQ", "W_EX", "B_EX", "X_EX",
           "Y_EX", "X_REG", "Y_REG", "W1_STACK", "W2_STACK", "Z_RELU", "DH_RELU", "FORBIDDEN",
           "linear_cases", "gradient_cases", "reference_linear_backward", "pack", "unpack", "GradientsFunction",
           "regression_hessian"]

# calculus.1: the gradient of a^T x (at a point where it does not matter).
A_VEC = np.array([2.0, -1.0, 3.0])
X_AT = np.array([1.0, 4.0, -2.0])
# calculus.2: a non-symmetric quadratic form.
A_QUAD = np.array([[1.0, 2.0], [0.0, 3.0]])
X_QUAD = np.array([1.0, -1.0])
# calculus.3: least squares ||Bx - c||^2.
B_LSQ = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
C_LSQ = np.array([1.0, 2.0, 0.0])
X_LSQ = np.array([1.0, 1.0])
# calculus.6: one linear layer y = W x + b, loss 1/2 ||y - t||^2.
W_EX = np.array([[1.0, -1.0, 0.0], [2.0, 0.0, 1.0]])
B_EX = np.array([0.5, -1.0])
X_EX = np.array([2.0, 1.0, -1.0])
Y_EX = np.array([0.0, 1.0])
# calculus.9: the seed's regression y = w.x + b on five points, loss mean((y_hat - y)^2).
X_REG = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0], [-1.2, -0.4]])
Y_REG = X_REG @ np.array([3.0, -2.0]) + 1.0
# calculus.12: two stacked linear layers without a nonlinearity.
W1_STACK = np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 1.0]])
W2_STACK = np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 1.0]])
# calculus.14: the backward step through a ReLU.
Z_RELU = np.array([1.5, -0.5, 0.0, 2.0])
DH_RELU = np.array([0.3, -1.2, 0.7, -0.4])

# calculus.7 is "by hand": autograd and anything that calls backward are refused.
FORBIDDEN = ("torch.autograd", "torch.Tensor.backward", "torch.func", "lalib.calculus")
_FORBIDDEN_ATTRIBUTES = ("backward", "autograd", "grad")


def regression_hessian(X: np.ndarray) -> np.ndarray:
    """The Hessian of ``mean((X w + b − y)²)`` in ``(w, b)``: ``(2/n) X̃ᵀX̃`` with ``X̃ = [X 1]``.

    Examples
    --------
    >>> regression_hessian(np.array([[1.0], [-1.0]])).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    Xt = np.column_stack([X, np.ones(len(X))])
    return 2.0 * Xt.T @ Xt / len(X)


# --- calculus.7: three gradients packed as one plain array ---------------------------------
_NAMES = ("grad_x", "grad_W", "grad_b")


def pack(arrays) -> np.ndarray:
    """Three arrays as one flat float array: ``[ndim₁, shape₁…, ndim₂, …, data₁…, data₂…, data₃…]``.

    Examples
    --------
    >>> pack([np.ones(2), np.zeros((1, 2)), np.array([3.0])]).tolist()
    [1.0, 2.0, 2.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 3.0]
    """
    header, data = [], []
    for a in arrays:
        a = np.asarray(a, dtype=float)
        header += [a.ndim, *a.shape]
        data.append(a.reshape(-1))
    return np.concatenate([np.array(header, dtype=float), *data])


def unpack(flat: np.ndarray) -> list[np.ndarray] | None:
    """The three arrays :func:`pack` packed, or None when ``flat`` is not such a packing.

    Examples
    --------
    >>> [a.shape for a in unpack(pack([np.ones(2), np.zeros((1, 2)), np.array([3.0])]))]
    [(2,), (1, 2), (1,)]
    """
    flat = np.asarray(flat, dtype=float).reshape(-1)
    pos, shapes = 0, []
    for _ in range(3):
        if pos >= flat.size or flat[pos] not in (0, 1, 2, 3):
            return None
        ndim = int(flat[pos])
        dims = flat[pos + 1:pos + 1 + ndim]
        if len(dims) != ndim or not all(d == int(d) and 0 <= d <= 10_000 for d in dims):
            return None
        shapes.append(tuple(int(d) for d in dims))
        pos += 1 + ndim
    out = []
    for shape in shapes:
        size = int(np.prod(shape))
        if pos + size > flat.size:
            return None
        out.append(flat[pos:pos + size].reshape(shape))
        pos += size
    return out if pos == flat.size else None


def _compare_gradients(got, expected) -> str | None:
    g, e = unpack(got), unpack(expected)
    if g is None or e is None:
        return "not three arrays"
    for name, a, b in zip(_NAMES, g, e):
        if a.shape != b.shape:
            return (f"wrong in {name}: shape {a.shape}, expected {b.shape} (a gradient has the shape of the "
                    "array it differentiates)")
        scale = max(1.0, float(np.abs(b).max(initial=0.0)))
        if np.any(np.abs(a - b) > 1e-9 * scale):
            return f"wrong in {name}: the values are not right"
    return None


def _attribute_uses(code: str, within: str) -> str | None:
    """A forbidden attribute (``.backward``, ``.autograd``, ``.grad``) in the definition of ``within``, if any."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return None
    nodes = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == within]
    for node in ast.walk(nodes[-1] if nodes else tree):
        if isinstance(node, ast.Attribute) and node.attr in _FORBIDDEN_ATTRIBUTES:
            return node.attr
    return None


@dataclass(frozen=True)
class GradientsFunction(Function):
    """A function question whose answer returns the three gradients ``(grad_x, grad_W, grad_b)``.

    The three arrays are packed into one plain float array (:func:`pack`),
    so the grader still receives only plain data; :func:`_compare_gradients`
    names the first gradient that is wrong. Besides the names in ``forbidden``,
    the source may not use the attributes ``.backward``, ``.autograd`` or
    ``.grad`` (a tensor's backward pass cannot be found by its module name).
    """

    output: str = "array"

    def _read_output(self, out):
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            kind = type(out).__name__ if not isinstance(out, (tuple, list)) else f"{type(out).__name__} of {len(out)}"
            return None, f"your function returned a {kind}; return the three gradients as a tuple (grad_x, grad_W, grad_b)"
        arrays = []
        for name, item in zip(_NAMES, out):
            if hasattr(item, "detach"):  # a tensor: read its numbers, never call the student's methods
                return None, f"{name} is a {type(item).__name__}; return NumPy arrays"
            arr, problem = _read_array(item, name)
            if problem:
                return None, problem
            if arr.ndim > 3:
                return None, f"{name} has {arr.ndim} dimensions; a gradient here has at most 2"
            arrays.append(arr)
        return pack(arrays), None

    def screen_source(self, code: str) -> str | None:
        found = super().screen_source(code)
        if found:
            return found
        attr = _attribute_uses(code, self.function_name)
        return (f"your code uses .{attr}, which this question forbids: compute the gradients yourself"
                if attr else None)

    def _screen_answer(self, answer) -> str | None:
        found = super()._screen_answer(answer)
        if found:
            return found
        try:
            code = inspect.getsource(answer)
        except (OSError, TypeError):
            return None
        attr = _attribute_uses(code, self.function_name)
        return (f"your function {self.function_name} uses .{attr}, which this question forbids: compute the "
                "gradients yourself" if attr else None)


def _autograd_linear(x, W, b, grad_y):
    import torch
    with torch.enable_grad():
        xt, Wt, bt = (torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=True)
                      for a in (x, W, b))
        y = torch.nn.functional.linear(xt, Wt, bt)
        y.backward(torch.tensor(np.asarray(grad_y, dtype=float), dtype=torch.float64))
        return xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


def reference_linear_backward(x, W, b, grad_y) -> np.ndarray:
    """The reference of calculus.7, packed: PyTorch's autograd when torch is installed, else the NumPy formulas.

    ``tests/test_calculus.py`` checks that the two agree on random shapes.

    Examples
    --------
    >>> [a.tolist() for a in unpack(reference_linear_backward(np.ones(2), np.eye(2), np.zeros(2), np.array([1.0, 2.0])))]
    [[1.0, 2.0], [[1.0, 1.0], [2.0, 2.0]], [1.0, 2.0]]
    """
    if importlib.util.find_spec("torch") is not None:
        return pack(_autograd_linear(x, W, b, grad_y))
    return pack(_linear_backward_numpy(x, W, b, grad_y))


def linear_cases(seed: int) -> list[Case]:
    """Random shapes for ``linear_backward(x, W, b, grad_y)``: single examples and batches, edge sizes included.

    Examples
    --------
    >>> [c.description for c in linear_cases(0)][:2]
    ['one example, 3 inputs and 2 outputs', 'one example, 1 input and 1 output']
    """
    rng = np.random.default_rng(seed)
    cases = []

    def add(n: int, m: int, batch: int | None, scale: float = 1.0, note: str = "") -> None:
        x = rng.standard_normal((n,) if batch is None else (batch, n)) * scale
        W, b = rng.standard_normal((m, n)), rng.standard_normal(m)
        g = rng.standard_normal(x.shape[:-1] + (m,))
        ins, outs = f"{n} input{'s' * (n != 1)}", f"{m} output{'s' * (m != 1)}"
        where = "one example" if batch is None else f"a batch of {batch} example{'s' * (batch != 1)} (rows)"
        cases.append(Case((x, W, b, g), f"{where}, {ins} and {outs}{note}"))

    add(3, 2, None)
    add(1, 1, None)
    add(int(rng.integers(2, 7)), int(rng.integers(2, 7)), None)
    add(4, 4, None, note=" (W square)")
    add(3, 2, 5)
    add(2, 3, 1)
    add(int(rng.integers(2, 6)), 1, int(rng.integers(2, 8)))
    add(5, 3, 4, scale=1e6, note=", inputs near 1e6")
    return cases


def _mean_over_batch(x, W, b, grad_y):
    gx, gW, gb = _linear_backward_numpy(x, W, b, grad_y)
    n = len(x) if np.ndim(x) == 2 else 1
    return pack([gx, gW / n, gb / n])


def _no_transpose_x(x, W, b, grad_y):
    gx, gW, gb = _linear_backward_numpy(x, W, b, grad_y)
    W = np.asarray(W)
    return pack([np.asarray(grad_y) @ W.T if np.ndim(x) == 2 else W @ np.asarray(grad_y), gW, gb])


_LINEAR_BUGS = (
    (_mean_over_batch, "It looks as if you average over the batch: the loss's own mean is already in grad_y, so "
                       "grad_W and grad_b are sums over the examples"),
    (_no_transpose_x, "It looks as if grad_x uses W where Wᵀ belongs (for one example, Wᵀ grad_y)"),
)


# --- calculus.8: a finite-difference gradient ---------------------------------------------
def gradient_cases(seed: int) -> list[Case]:
    """Functions with known gradients for ``numerical_gradient(f, x)``: vectors, a matrix argument, large entries.

    Examples
    --------
    >>> [c.description for c in gradient_cases(0)][:2]
    ['f(x) = aᵀx with x of shape (4,)', 'f(x) = xᵀAx (A not symmetric) with x of shape (3,)']
    """
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(4)
    A = rng.standard_normal((3, 3))
    B, c = rng.standard_normal((5, 3)), rng.standard_normal(5)
    v = rng.standard_normal(3)
    w = rng.standard_normal(6)
    return [
        Case((_Linear(a), rng.standard_normal(4)), "f(x) = aᵀx with x of shape (4,)"),
        Case((_Quadratic(A), rng.standard_normal(3)), "f(x) = xᵀAx (A not symmetric) with x of shape (3,)"),
        Case((_LeastSquares(B, c), rng.standard_normal(3)), "f(x) = ‖Bx − c‖² with x of shape (3,)"),
        Case((_MatrixNorm(v), rng.standard_normal((2, 3))), "f(W) = ‖Wv‖² with W of shape (2, 3)"),
        Case((_SumSin(), rng.uniform(-3, 3, 5)), "f(x) = Σ sin(xᵢ) with x of shape (5,)"),
        Case((_LogSumExp(w), rng.standard_normal(6) * 3), "f(x) = log Σ exp(xᵢ + wᵢ) with x of shape (6,)"),
        Case((_Quadratic(np.diag([1.0, 2.0])), np.array([1e4, -3e4])), "f(x) = xᵀDx with entries of x near 1e4"),
        Case((_Linear(np.array([2.5])), np.array([0.0])), "f(x) = 2.5 x with x of shape (1,), at 0"),
        # Curved enough that a one-sided difference (error ≈ 150 h relative) misses 1e-5; a central one does not.
        Case((_SumExp(300.0), rng.uniform(-0.003, 0.003, 3)), "f(x) = Σ exp(300 xᵢ)/300 with x of shape (3,)"),
    ]


# The test functions are small classes (not closures) so that their gradients sit next to them.
class _Linear:
    def __init__(self, a):
        self.a = a

    def __call__(self, x):
        return float(self.a @ np.asarray(x, dtype=float))

    def grad(self, x):
        return self.a.copy()


class _Quadratic:
    def __init__(self, A):
        self.A = A

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        return float(x @ self.A @ x)

    def grad(self, x):
        return (self.A + self.A.T) @ x


class _LeastSquares:
    def __init__(self, B, c):
        self.B, self.c = B, c

    def __call__(self, x):
        r = self.B @ np.asarray(x, dtype=float) - self.c
        return float(r @ r)

    def grad(self, x):
        return 2 * self.B.T @ (self.B @ x - self.c)


class _MatrixNorm:
    def __init__(self, v):
        self.v = v

    def __call__(self, W):
        u = np.asarray(W, dtype=float) @ self.v
        return float(u @ u)

    def grad(self, W):
        return 2 * np.outer(W @ self.v, self.v)


class _SumSin:
    def __call__(self, x):
        return float(np.sin(np.asarray(x, dtype=float)).sum())

    def grad(self, x):
        return np.cos(x)


class _SumExp:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return float(np.exp(self.k * np.asarray(x, dtype=float)).sum() / self.k)

    def grad(self, x):
        return np.exp(self.k * x)


class _LogSumExp:
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        z = np.asarray(x, dtype=float) + self.w
        top = z.max()
        return float(top + np.log(np.exp(z - top).sum()))

    def grad(self, x):
        z = x + self.w
        e = np.exp(z - z.max())
        return e / e.sum()


def _reference_gradient(f, x) -> np.ndarray:
    return f.grad(np.asarray(x, dtype=float))


def _close_to_gradient(got, expected) -> str | None:
    g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return f"shape {g.shape}, expected {e.shape} (the gradient has x's shape)"
    scale = max(1.0, float(np.abs(e).max()))
    err = float(np.abs(g - e).max())
    if err <= 1e-5 * scale:
        return None
    return f"off from the true gradient by up to {err:.2g} (a central difference with a step near 1e-6 is far closer)"


def _slipped_differences(f, x, back):
    """(f(x + h eᵢ) − back(x, h eᵢ)) / h for every coordinate i, h = 1e-6: two slips students make."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = 1e-6
        g[i] = (f(x + e) - back(x, e)) / 1e-6
    return g


def _half_central(f, x):
    """A central difference divided by h instead of 2h."""
    return _slipped_differences(f, x, lambda x, e: f(x - e))


def _one_sided(f, x):
    """A forward difference."""
    return _slipped_differences(f, x, lambda x, e: f(x))


_GRADIENT_BUGS = (
    (_half_central, "It looks as if you divide a central difference f(x + h) − f(x − h) by h: the two points are 2h apart"),
    (_one_sided, "It looks as if you use a one-sided difference (f(x + h) − f(x))/h: its error shrinks only like h; "
                 "the question asks for a central difference"),
)


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (``variant`` is accepted for the common interface; every variant is the book's).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['calculus.1', 'calculus.2', 'calculus.3']
    >>> len(questions())
    14
    """
    g_quad = (A_QUAD + A_QUAD.T) @ X_QUAD
    g_lsq = 2 * B_LSQ.T @ (B_LSQ @ X_LSQ - C_LSQ)
    delta = W_EX @ X_EX + B_EX - Y_EX
    H_reg = regression_hessian(X_REG)
    lam = np.linalg.eigvalsh(H_reg)
    relu_grad = DH_RELU * (Z_RELU > 0)

    def jacobian_shape(arr: np.ndarray) -> str | None:
        if arr.tolist() == [3, 4]:
            return None
        if arr.tolist() == [4, 3]:
            return "(4, 3) is the denominator layout; this book puts one row per output: m × n"
        return "a Jacobian has one row per output and one column per input"

    def not_close(expected: np.ndarray, mistakes: dict[str, np.ndarray]):
        def condition(arr: np.ndarray) -> str | None:
            scale = max(1.0, float(np.abs(expected).max()))
            if np.abs(arr - expected).max() <= 1e-6 * scale:
                return None
            for why, wrong in mistakes.items():
                if np.abs(arr - wrong).max() <= 1e-6 * scale:
                    return why
            return "not right: derive it entry by entry, then check it with finite differences"
        return condition

    return (
        Array("calculus.1", variable="grad_ax", shape=(3,),
              conditions=(not_close(A_VEC, {"that is x itself: the gradient of aᵀx does not depend on x": X_AT}),)),
        Array("calculus.2", variable="grad_quad", shape=(2,),
              conditions=(not_close(g_quad, {
                  "that is 2Ax, right only for a symmetric A; this A is not symmetric": 2 * A_QUAD @ X_QUAD,
                  "that is Ax: the product rule gives two terms, one from each x in xᵀAx": A_QUAD @ X_QUAD,
                  "that is 2Aᵀx, right only for a symmetric A": 2 * A_QUAD.T @ X_QUAD}),)),
        Array("calculus.3", variable="grad_lsq", shape=(2,),
              conditions=(not_close(g_lsq, {
                  "that is half the gradient: the square brings down a factor 2": g_lsq / 2,
                  "the sign is flipped: the residual is Bx − c, not c − Bx": -g_lsq}),)),
        Array("calculus.4", variable="jacobian_shape", shape=(2,), integer=True, conditions=(jacobian_shape,)),
        Choice("calculus.5", variable="jacobian_linear",
               options=["W", "Wᵀ", "x", "b"], answer="A",
               hints={"B": "Wᵀ is what multiplies ∂L/∂y in the backward pass, not the Jacobian: write ∂yᵢ/∂xⱼ "
                           "from yᵢ = Σⱼ Wᵢⱼ xⱼ + bᵢ",
                      "C": "x is what ∂y/∂W is built from, not ∂y/∂x",
                      "D": "b does not change with x, so it contributes nothing to ∂y/∂x"}),
        Array("calculus.6", variable="grad_W_example", shape=W_EX.shape,
              conditions=(not_close(np.outer(delta, X_EX), {
                  "the sign is flipped: δ = ∂L/∂y = y − t, not t − y": -np.outer(delta, X_EX),
                  "you left out the bias: y = Wx + b, so δ = Wx + b − t": np.outer(W_EX @ X_EX - Y_EX, X_EX)}),)),
        GradientsFunction("calculus.7", points=3, variable="linear_backward", function_name="linear_backward",
                          make_cases=linear_cases, reference=reference_linear_backward,
                          compare=_compare_gradients, forbidden=FORBIDDEN, diagnoses=_LINEAR_BUGS, time_limit=10.0),
        Function("calculus.8", points=2, variable="numerical_gradient", function_name="numerical_gradient",
                 make_cases=gradient_cases, reference=_reference_gradient, output="array",
                 compare=_close_to_gradient, forbidden=("lalib.calculus", "torch.autograd", "torch.func",
                                                        "scipy.optimize", "numpy.gradient"),
                 diagnoses=_GRADIENT_BUGS),
        Number("calculus.9", variable="lr_max", expected=float(2 / lam.max()),
               name="the largest stable learning rate", rtol=1e-6,
               mistakes={float(1 / lam.max()): "that is 1/λ_max, where the steepest direction is solved in one step; "
                                                "gradient descent converges beyond it: find where |1 − ηλ_max| "
                                                "reaches 1",
                         float(4 / lam.max()): "that uses the Hessian without the factor 2 from the square",
                         float(2 / lam.min()): "that uses the smallest eigenvalue: the steepest direction diverges "
                                               "first"}),
        Choice("calculus.10", variable="batch_grad_W",
               options=["Δᵀ X, shape (out, in)", "X Δᵀ, shape (B, B)", "Xᵀ Δ, shape (in, out)",
                        "the mean of the per-example δ xᵀ"], answer="A",
               hints={"B": "X Δᵀ pairs examples with examples: its shape (B, B) is not W's",
                      "C": "Xᵀ Δ has shape (in, out): it is the gradient for A = Wᵀ in the Y = X A convention, "
                           "and weight.grad has the shape of weight",
                      "D": "the batch gradient is the sum; any averaging is already inside Δ when the loss is a mean"}),
        FreeText("calculus.11", points=2, variable="why_nonlinear"),
        Array("calculus.12", variable="M_collapsed", shape=(2, 2),
              conditions=(not_close(W2_STACK @ W1_STACK, {
                  "that is the product in the wrong order (or transposed): x meets W₁ first; write W₂(W₁x) "
                  "and see which matrix sits next to x":
                      (W2_STACK @ W1_STACK).T}),)),
        Choice("calculus.13", variable="chain_rule",
               options=["∂L/∂x = Jᵀ ∂L/∂y", "∂L/∂x = J ∂L/∂y", "∂L/∂x = ∂L/∂y Jᵀ", "∂L/∂x = J"], answer="A",
               hints={"B": "check the shapes: J is m × n and ∂L/∂y has m entries, so J ∂L/∂y does not even "
                           "multiply unless m = n",
                      "C": "as column vectors ∂L/∂y Jᵀ does not multiply; the row-vector form is (∂L/∂y)ᵀ J",
                      "D": "J is ∂y/∂x; the loss's gradient needs ∂L/∂y as well"}),
        Array("calculus.14", variable="grad_z_relu", shape=Z_RELU.shape,
              conditions=(not_close(relu_grad, {
                  "that is ∂L/∂h unchanged: the ReLU passes gradient only where z > 0": DH_RELU,
                  "that passes gradient at z = 0 too; PyTorch's ReLU takes slope 0 there":
                      DH_RELU * (Z_RELU >= 0)}),)),
    )
