"""The question bank of chapter 1, *Scalars, vectors, matrices, tensors* (exercise set id ``"foundations"``).

This module is the **answer key** of ``solutions/01-foundations.ipynb``: the
grader and every notebook check judge against what :func:`questions` builds
here. Every expected value is computed from the problem's own arrays (with
NumPy and :mod:`lalib.norms`), never typed by hand.

Question ``foundations.10`` asks for matrix multiplication written with loops.
Besides the named functions it forbids (``np.matmul``, ``np.dot``,
``np.einsum``, torch's products, ...), it refuses the ``@`` operator and the
``.dot`` / ``.matmul`` methods, which no list of function names can catch:
:class:`LoopFunction` reads the answer's source for them.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass

import numpy as np

from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question
from lalib.norms import angle, frobenius_norm, p_norm

__all__ = ["questions", "LoopFunction", "matmul_cases", "matmul_loops", "FORBIDDEN", "A_HAND", "B_HAND",
           "X_NORMS", "F_MATRIX", "U_PLAYGROUND", "screen_operators"]

# foundations.4: a product by hand.
A_HAND = np.array([[1.0, 2, 0], [-1, 3, 1]])
B_HAND = np.array([[2.0, 1], [0, -1], [4, 2]])
# foundations.6 and .7: norms of a vector and of a matrix.
X_NORMS = np.array([2.0, -3, 6])
F_MATRIX = np.array([[1.0, -2], [2, 4]])
# foundations.9: the angle between two vectors.
U_ANGLE, V_ANGLE = np.array([1.0, 2]), np.array([3.0, 1])
# foundations.12: the vector playground starts with u = (2, 1).
U_PLAYGROUND = np.array([2.0, 1])
# foundations.1, .2, .8, .13: shapes, sizes and bytes.
BATCH, IN_FEATURES, OUT_FEATURES = 32, 784, 128
IMAGES = (32, 3, 224, 224)

FORBIDDEN = ("numpy.matmul", "numpy.dot", "numpy.einsum", "numpy.inner", "numpy.tensordot", "numpy.vdot",
             "numpy.outer", "numpy.kron", "numpy.linalg", "operator.matmul", "torch.matmul", "torch.mm",
             "torch.bmm", "torch.mv", "torch.dot", "torch.einsum", "torch.tensordot", "torch.inner", "torch.outer",
             "torch.linalg", "torch.nn.functional.linear", "scipy.linalg", "lalib")

# Method names that compute a product whatever object they are called on.
_PRODUCT_METHODS = ("dot", "matmul", "__matmul__", "__rmatmul__", "mm", "mv", "einsum", "tensordot", "inner")


def screen_operators(code: str, function_name: str) -> str | None:
    """Why ``code`` multiplies matrices without loops: the ``@`` operator or a product method, or None.

    Only the last top-level definition of ``function_name`` is read when
    there is one (other cells may use ``@`` freely); code that does not parse
    is not judged here.

    Examples
    --------
    >>> screen_operators("def matmul(A, B):\\n    return A @ B", "matmul")
    'your function matmul uses the @ operator, which this question forbids: write the loops yourself'
    >>> screen_operators("C = A @ B\\ndef matmul(A, B):\\n    return A.dot(B)", "matmul")
    'your function matmul calls the method .dot(), which this question forbids: write the loops yourself'
    >>> screen_operators("C = A @ B\\ndef matmul(A, B):\\n    return 0", "matmul") is None
    True
    """
    try:
        tree = ast.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError):
        return None
    target: ast.AST = tree
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function_name:
            target = node
    what = f"your function {function_name}"
    for node in ast.walk(target):
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult):
            return f"{what} uses the @ operator, which this question forbids: write the loops yourself"
        if isinstance(node, ast.Attribute) and node.attr in _PRODUCT_METHODS:
            return f"{what} calls the method .{node.attr}(), which this question forbids: write the loops yourself"
    return None


@dataclass(frozen=True)
class LoopFunction(Function):
    """A function question that also refuses the ``@`` operator and product methods in the answer's source."""

    def screen_source(self, code: str) -> str | None:
        return super().screen_source(code) or screen_operators(code, self.function_name)

    def _screen_answer(self, answer) -> str | None:
        named = super()._screen_answer(answer)
        if named:
            return named
        try:
            code = inspect.getsource(answer)
        except (OSError, TypeError):
            return None
        return screen_operators(code, self.function_name)


def matmul_loops(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The reference answer of foundations.10: C[i, j] = sum over k of A[i, k] B[k, j], with three loops.

    Examples
    --------
    >>> matmul_loops(np.array([[1.0, 2], [3, 4]]), np.array([[5.0, 6], [7, 8]])).tolist()
    [[19.0, 22.0], [43.0, 50.0]]
    """
    m, n = A.shape
    n2, p = B.shape
    if n != n2:
        raise ValueError(f"A has {n} columns but B has {n2} rows")
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            for k in range(n):
                C[i, j] += A[i, k] * B[k, j]
    return C


def _reference(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return np.asarray(A, dtype=float) @ np.asarray(B, dtype=float)


def matmul_cases(seed: int) -> list[Case]:
    """Fresh inputs for ``matmul``, deterministic in ``seed``: random shapes, 1×n times n×1, n×1 times 1×n, ...

    Examples
    --------
    >>> [c.args[0].shape[1] == c.args[1].shape[0] for c in matmul_cases(0)]
    [True, True, True, True, True, True, True, True]
    """
    rng = np.random.default_rng(seed)
    size = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    cases = []

    def add(A, B, what):
        A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
        cases.append(Case((A, B), f"{what}: A of shape {A.shape}, B of shape {B.shape}"))

    m, n, p = size(2, 5), size(2, 5), size(2, 5)
    while len({m, n, p}) < 3:
        m, n, p = size(2, 5), size(2, 5), size(2, 5)
    add(rng.standard_normal((m, n)), rng.standard_normal((n, p)), "random rectangular matrices")
    n = size(2, 5)
    add(rng.integers(-5, 6, (n, n)), rng.integers(-5, 6, (n, n)), "square integer matrices")
    n = size(2, 6)
    add(rng.standard_normal((1, n)), rng.standard_normal((n, 1)), "a row times a column (a 1×1 result)")
    m, p = size(2, 5), size(2, 5)
    add(rng.standard_normal((m, 1)), rng.standard_normal((1, p)), "a column times a row (an outer product)")
    m, n = size(2, 5), size(2, 5)
    add(rng.standard_normal((m, n)), rng.standard_normal((n, 1)), "a matrix times a column")
    add(rng.standard_normal((1, 1)), rng.standard_normal((1, 1)), "two 1×1 matrices")
    m, n, p = size(6, 9), size(2, 4), size(6, 9)
    add(rng.uniform(-1, 1, (m, n)) * 1e3, rng.uniform(-1, 1, (n, p)), "a tall matrix times a wide one")
    n = size(2, 5)
    add(np.eye(n), rng.standard_normal((n, size(2, 5))), "the identity times a matrix")
    return cases


def _swapped(A, B):
    return np.asarray(B, float).T @ np.asarray(A, float).T  # (AB)^T: rows and columns swapped


def _elementwise_rows(A, B):
    # A common slip: C[i, j] = sum_k A[i, k] * B[j, k] (the row of B instead of its column).
    return np.asarray(A, float) @ np.asarray(B, float).T


_MATMUL_BUGS = (
    (_swapped, "It looks as if your result is transposed: C[i, j] takes row i of A and column j of B, "
               "and C has as many rows as A"),
    (_elementwise_rows, "It looks as if you multiply row i of A by row j of B: C[i, j] uses column j of B, "
                        "the entries B[k, j]"),
)


def _bad_shape_message(expected: tuple[int, ...], mistakes: dict[tuple[int, ...], str]):
    def condition(arr: np.ndarray) -> str | None:
        got = tuple(int(x) for x in arr)
        if got == expected:
            return None
        if got in mistakes:
            return mistakes[got]
        return f"{got} is not the shape of the result"
    return condition


def _whole_numbers(arr: np.ndarray) -> str | None:
    if not np.all(arr == np.round(arr)) or np.any(arr < 0):
        return "a shape is a tuple of whole numbers, one per axis, such as (2, 3)"
    return None


def _three_norms(got: np.ndarray) -> str | None:
    """foundations.6: the first wrong norm, and why when the mistake is a common one.

    Examples
    --------
    >>> _three_norms(np.array([11.0, 49, 6]))
    'the 2-norm (entry 1) is not right: that is the squared 2-norm; take the square root'
    """
    x = X_NORMS
    names = ("the 1-norm", "the 2-norm", "the ∞-norm")
    right = (p_norm(x, 1), p_norm(x, 2), p_norm(x, "inf"))
    why = (
        ((float(x.sum()), "it adds the entries with their signs; the 1-norm adds their absolute values"),
         (right[1], "that is the 2-norm; the 1-norm adds the absolute values")),
        ((float(x @ x), "that is the squared 2-norm; take the square root"),
         (right[0], "that is the 1-norm; the 2-norm is the square root of the sum of squares")),
        ((right[0], "that is the 1-norm; the ∞-norm is the largest absolute value"),),
    )
    close = lambda a, b: abs(a - b) <= 1e-6 * max(1.0, abs(b))  # noqa: E731
    for i, (name, value, expected, mistakes) in enumerate(zip(names, got, right, why)):
        if not close(value, expected):
            reason = next((text for wrong, text in mistakes if close(value, wrong)), None)
            return f"{name} (entry {i}) is not right" + (f": {reason}" if reason else "")
    return None


def _perpendicular_to_u(v: np.ndarray) -> str | None:
    if not np.any(v):
        return "v is the zero vector: its dot product with u is 0, but find a v with ‖v‖₁ = 3"
    dot = float(U_PLAYGROUND @ v)
    if abs(dot) > 1e-9 * np.linalg.norm(v):
        return f"u·v = {dot:.3g}, not 0: v is not perpendicular to u"
    return None


def _l1_norm_three(v: np.ndarray) -> str | None:
    n1 = p_norm(v, 1)
    if abs(n1 - 3) > 1e-9:
        n2 = p_norm(v, 2)
        extra = " (that is its 2-norm; the 1-norm adds the absolute values)" if abs(n2 - 3) <= 1e-9 else ""
        return f"‖v‖₁ = {n1:.4g}, not 3{extra}"
    return None


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (the set has one version: ``variant`` is accepted and ignored).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['foundations.1', 'foundations.2', 'foundations.3']
    >>> questions()[3].expected.tolist()
    [[2.0, -1.0], [2.0, -2.0]]
    """
    product_shape = (BATCH, OUT_FEATURES)
    broadcast_shape = np.broadcast_shapes((5, 1), (3,))
    nbytes_f32 = int(np.prod(IMAGES)) * np.dtype(np.float32).itemsize
    norms = [p_norm(X_NORMS, 1), p_norm(X_NORMS, 2), p_norm(X_NORMS, "inf")]
    frob = frobenius_norm(F_MATRIX)
    n_params = IN_FEATURES * OUT_FEATURES + OUT_FEATURES
    theta = angle(U_ANGLE, V_ANGLE)
    return (
        Array("foundations.1", variable="shape_XWt", shape=(2,),
              conditions=(_whole_numbers, _bad_shape_message(product_shape, {
                  (OUT_FEATURES, BATCH): "that is the shape of W @ X.T; X @ W.T has one row per sample of X",
                  (BATCH, IN_FEATURES): "the inner sizes (784 and 784) cancel; the result has W's number of rows "
                                        "as its columns",
                  (IN_FEATURES, OUT_FEATURES): "that is the shape of W.T itself, not of the product"}))),
        Array("foundations.2", variable="shape_broadcast", shape=(2,),
              conditions=(_whole_numbers, _bad_shape_message(tuple(broadcast_shape), {
                  (5, 1): "broadcasting stretches axes of size 1: the (3,) array lines up with the last axis",
                  (3, 5): "line the shapes up from the right: (5, 1) and (3,) give 5 rows and 3 columns",
                  (5,): "the result has two axes"}))),
        Choice("foundations.3", variable="silent_bug",
               options=["it raises an error, because the shapes (100,) and (100, 1) differ",
                        "it computes the mean squared error correctly",
                        "it silently broadcasts to shape (100, 100) and averages 10,000 differences",
                        "it returns an array of shape (100, 1)"],
               answer="C",
               hints={"A": "NumPy and PyTorch broadcast (100, 1) against (100,) without complaint",
                      "B": "the difference does not have 100 entries: look at its shape",
                      "D": "the mean of all entries is a single number, whatever the shape"}),
        Array("foundations.4", variable="AB", shape=(2, 2), expected=A_HAND @ B_HAND),
        Choice("foundations.5", variable="transpose_rule",
               options=["Aᵀ Bᵀ", "Bᵀ Aᵀ", "A B", "B A"], answer="B",
               hints={"A": "Aᵀ Bᵀ need not even be defined: for A of shape 2×3 and B of shape 3×4 it is not",
                      "C": "(AB)ᵀ has the shape of AB flipped, and its entries move too",
                      "D": "B A need not be defined, and transposing is not the same as reversing the order"}),
        Array("foundations.6", variable="norms_x", shape=(3,), conditions=(_three_norms,)),
        Number("foundations.7", variable="frob_F", expected=frob, name="the Frobenius norm of F",
               mistakes={frob ** 2: "that is the sum of the squares; the norm is its square root",
                         float(np.abs(F_MATRIX).sum()): "that adds the absolute values; the Frobenius norm adds "
                                                         "squares and takes the square root"}),
        Number("foundations.8", variable="n_params", expected=n_params, name="the number of parameters",
               integer=True,
               mistakes={IN_FEATURES * OUT_FEATURES: "that counts the weights only: each output also has a bias",
                         IN_FEATURES * OUT_FEATURES + IN_FEATURES: "there is one bias per output, not per input"}),
        Number("foundations.9", variable="theta", expected=theta, name="the angle in degrees", rtol=1e-4,
               mistakes={np.radians(theta): "that is the angle in radians; give it in degrees",
                         float(U_ANGLE @ V_ANGLE): "that is the dot product u·v, not the angle",
                         float(np.cos(np.radians(theta))): "that is cos θ; take the arccosine"}),
        LoopFunction("foundations.10", points=3, variable="matmul", function_name="matmul",
                     make_cases=matmul_cases, reference=_reference, output="array", rtol=1e-9,
                     forbidden=FORBIDDEN, diagnoses=_MATMUL_BUGS),
        FreeText("foundations.11", points=2, variable="why_activations"),
        Array("foundations.12", variable="v_perp", shape=(2,), conditions=(_perpendicular_to_u, _l1_norm_three)),
        Number("foundations.13", variable="n_bytes", expected=nbytes_f32, name="the number of bytes", integer=True,
               mistakes={int(np.prod(IMAGES)) * 8: "that is for float64 (8 bytes per number); the tensor is float32",
                         int(np.prod(IMAGES)): "that is the number of entries; each float32 takes 4 bytes",
                         int(np.prod(IMAGES)) * 4 // 8: "a float32 takes 4 bytes (32 bits), not 4 bits"}),
    )
