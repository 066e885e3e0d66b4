"""The question bank of chapter 2, *Matrices as linear maps* (exercise set id ``"transformations"``).

This module is the **answer key** of ``solutions/02-transformations.ipynb``:
the grader and every notebook check judge against what :func:`questions`
builds here. Every expected value is computed from the problem's own matrices
with :mod:`lalib.transforms` or NumPy, never typed by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from lalib import transforms
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, Subspace

__all__ = ["questions", "COLUMNS", "ROTATION_DEGREES", "R", "F", "DET_M", "PRODUCT_DETS", "AREA", "AREA_MAP", "P",
           "INV_M", "det_cases", "det_by_elimination", "FORBIDDEN"]

# transformations.1: where e1 and e2 go.
COLUMNS = (np.array([2.0, 1.0]), np.array([-1.0, 3.0]))
# transformations.2: the rotation angle, in degrees.
ROTATION_DEGREES = 60
# transformations.3: first a quarter turn counter-clockwise, then the reflection across the x-axis.
R = np.round(transforms.rotation(math.pi / 2), 15) + 0.0
F = transforms.reflection(0.0)
# transformations.4, 6, 7: a determinant, a product's determinant, an image's area.
DET_M = np.array([[3.0, 1.0], [2.0, 4.0]])
PRODUCT_DETS = (2.0, -3.0)
AREA, AREA_MAP = 1.5, np.array([[2.0, 1.0], [1.0, -1.0]])
# transformations.8, 9: a singular matrix.
P = np.array([[1.0, 2.0], [2.0, 4.0]])
# transformations.10: an inverse.
INV_M = np.array([[4.0, 2.0], [1.0, 1.0]])
# transformations.13: the explorer starts from the identity; the reader moves A e2 only.
TARGET_DET = -2.0

# transformations.11 computes a determinant by elimination: nothing that computes one for you.
FORBIDDEN = ("numpy.linalg.det", "numpy.linalg.slogdet", "numpy.linalg.eig", "numpy.linalg.eigvals",
             "numpy.linalg.eigh", "numpy.linalg.eigvalsh", "numpy.linalg.svd", "numpy.linalg.qr",
             "numpy.linalg.cholesky", "numpy.linalg.inv", "scipy.linalg", "torch.linalg", "lalib.transforms",
             "lalib.linalg", "sympy")


def _matrix_question(expected: np.ndarray, named: dict[str, tuple[np.ndarray, str]]) -> Callable:
    """A condition: exactly ``expected`` (to 1e-9), or the feedback for a recognised wrong matrix."""
    def condition(M: np.ndarray) -> str | None:
        if np.allclose(M, expected, rtol=0, atol=1e-9):
            return None
        for wrong, why in named.values():
            if np.allclose(M, wrong, rtol=0, atol=1e-9):
                return why
        wrong_entries = np.argwhere(~np.isclose(M, expected, rtol=0, atol=1e-9))
        i, j = (int(k) for k in wrong_entries[0])
        others = len(wrong_entries) - 1
        return f"entry [{i}, {j}] is not right" + (f" (and {others} other{'s' if others > 1 else ''})" if others else "")
    return condition


def _columns_condition() -> Callable:
    A = np.column_stack(COLUMNS)
    return _matrix_question(A, {"rows": (A.T, "you wrote the images of e1 and e2 as rows; they are the columns "
                                             "(A @ e1 is the first column)")})


def _rotation_condition() -> Callable:
    theta = math.radians(ROTATION_DEGREES)
    return _matrix_question(transforms.rotation(theta), {
        "clockwise": (transforms.rotation(-theta), "this matrix turns clockwise: a positive angle turns "
                                                   "counter-clockwise, e1 towards e2"),
        "radians": (transforms.rotation(float(ROTATION_DEGREES)),
                    f"this rotates by {ROTATION_DEGREES} radians: np.cos and np.sin take radians "
                    "(np.radians or np.deg2rad converts)"),
        "radians_clockwise": (transforms.rotation(-float(ROTATION_DEGREES)),
                              "np.cos and np.sin take radians, and a positive angle turns counter-clockwise"),
    })


def _composition_condition() -> Callable:
    return _matrix_question(F @ R, {
        "order": (R @ F, "this is the map 'first reflect, then rotate': the map applied first stands on the right"),
        "sum": (F + R, "composing maps multiplies their matrices; you added them"),
    })


def _inverse_condition() -> Callable:
    adj = np.array([[INV_M[1, 1], -INV_M[0, 1]], [-INV_M[1, 0], INV_M[0, 0]]])
    return _matrix_question(adj / transforms.det2(INV_M), {
        "undivided": (adj, "your matrix times M is a multiple of the identity, not the identity: divide by det M"),
        "reciprocal": (1 / INV_M, "the inverse matrix is not the matrix of reciprocals of the entries: "
                                  "check M @ your_matrix"),
        "transpose": (INV_M.T, "the transpose undoes only rotations and reflections (orthogonal matrices)"),
    })


def _explorer_column(col: np.ndarray) -> str | None:
    d = transforms.det2(np.column_stack([[1.0, 0.0], col]))
    if abs(d - TARGET_DET) <= 1e-9:
        return None
    if abs(d + TARGET_DET) <= 1e-9:
        return f"with this column det A = {d:g}: the right size of area factor, but is the F mirrored?"
    return f"with this column det A = {d:g}, so the explorer would not show the readout asked for"


def det_by_elimination(A: np.ndarray) -> float:
    """The reference solution of transformations.11: Gaussian elimination with partial pivoting.

    Examples
    --------
    >>> det_by_elimination(np.array([[0.0, 1], [1, 0]]))
    -1.0
    >>> det_by_elimination(np.array([[2.0, 1], [4, 2]]))
    0.0
    """
    return _eliminate(A)


def _eliminate(A: np.ndarray, *, swap_sign: bool = True, pivoting: bool = True) -> float:
    U = np.array(A, dtype=float)
    n = U.shape[0]
    det = 1.0
    with np.errstate(all="ignore"):
        for k in range(n):
            p = k + int(np.argmax(np.abs(U[k:, k]))) if pivoting else k
            if U[p, k] == 0:
                return 0.0
            if p != k:
                U[[k, p]] = U[[p, k]]
                if swap_sign:
                    det = -det
            det *= U[k, k]
            U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
    return float(det)


def _close(got, expected) -> str | None:
    # Rounding in elimination is about 1e-15 of the products involved; these cases keep |det| >= 1e-3 or exactly 0.
    g, e = float(got), float(expected)
    return None if abs(g - e) <= 1e-9 + 1e-8 * abs(e) else "not right"


def det_cases(seed: int) -> list[Case]:
    """Fresh square matrices for ``det_by_elimination``, deterministic in ``seed``.

    One family per likely mistake: a zero pivot (a row swap is needed, and it
    flips the sign), an odd permutation, triangular matrices with shuffled
    rows, exactly singular integer matrices, the zero matrix, a 1×1 matrix,
    and large entries.

    Examples
    --------
    >>> cases = det_cases(0)
    >>> all(c.args[0].shape[0] == c.args[0].shape[1] for c in cases)
    True
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, description: str) -> None:
        n = A.shape[0]
        cases.append(Case((np.ascontiguousarray(A, dtype=float),), f"a {n}×{n} {description}"))

    add(rng.uniform(-5, 5, (1, 1)), "matrix (one entry)")
    add(rng.integers(-5, 6, (2, 2)).astype(float) + np.eye(2) * 7, "integer matrix")
    for n in (3, 4, 6):
        add(rng.standard_normal((n, n)) + n * np.eye(n) * rng.choice([-1, 1]), "random matrix")
    n = int(rng.integers(3, 6))
    A = rng.standard_normal((n, n)) + 2 * np.eye(n)
    A[0, 0] = 0.0
    add(A, "random matrix with a zero in its top-left corner")
    n = int(rng.integers(3, 6))
    perm = rng.permutation(n)
    while transforms_parity(perm) == 0:  # odd: the sign of the answer is tested
        perm = rng.permutation(n)
    add(np.eye(n)[perm], "permutation matrix (rows of the identity, reordered)")
    n = int(rng.integers(3, 6))
    T = np.triu(rng.uniform(-2, 2, (n, n)), 1) + np.diag(rng.uniform(1, 3, n) * rng.choice([-1, 1], n))
    add(T[rng.permutation(n)], "triangular matrix with its rows shuffled")
    # Exactly singular: the last row a combination of the others.
    n = int(rng.integers(3, 6))
    B = rng.integers(-4, 5, (n, n)).astype(float)
    B[-1] = B[0] + 2 * B[1]
    add(B, "integer matrix whose last row is the first plus twice the second")
    add(np.array([[1.0, 1, 1], [1, 1, 2], [1, 2, 4]]) * rng.choice([1.0, 2.0]),
        "matrix whose second pivot position becomes 0 after the first step")
    add(np.zeros((int(rng.integers(2, 5)),) * 2), "zero matrix")
    add(rng.standard_normal((3, 3)) * 1e3, "random matrix with entries near 1000")
    return cases


def transforms_parity(perm: np.ndarray) -> int:
    """0 for an even permutation, 1 for an odd one (by counting cycles).

    Examples
    --------
    >>> transforms_parity(np.array([1, 0, 2])), transforms_parity(np.array([1, 2, 0]))
    (1, 0)
    """
    seen, swaps = set(), 0
    for start in range(len(perm)):
        length, i = 0, start
        while i not in seen:
            seen.add(i)
            i = int(perm[i])
            length += 1
        swaps += max(length - 1, 0)
    return swaps % 2


_DET_BUGS = (
    (lambda A: _eliminate(A, swap_sign=False),
     "It looks as if a row swap leaves your sign unchanged: each swap of two rows flips the sign of the determinant"),
    (lambda A: abs(det_by_elimination(A)),
     "It looks as if your function returns |det|: the sign says whether the map flips orientation, keep it"),
    (lambda A: float(np.prod(np.diag(A))),
     "It looks as if you multiply the diagonal of A itself: that is the determinant only once A is triangular, "
     "so eliminate first"),
)


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (``variant`` is accepted for the common interface; this set has one version).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['transformations.1', 'transformations.2', 'transformations.3']
    >>> len(questions())
    13
    """
    det_AB = PRODUCT_DETS[0] * PRODUCT_DETS[1]
    area_image = abs(transforms.det2(AREA_MAP)) * AREA
    return (
        Array("transformations.1", variable="A", shape=(2, 2), conditions=(_columns_condition(),)),
        Array("transformations.2", variable="R60", shape=(2, 2), conditions=(_rotation_condition(),)),
        Array("transformations.3", variable="C", shape=(2, 2), conditions=(_composition_condition(),)),
        Number("transformations.4", variable="det_M", expected=transforms.det2(DET_M), name="det M",
               mistakes={DET_M[0, 0] * DET_M[1, 1] + DET_M[0, 1] * DET_M[1, 0]:
                         "that is ad + bc: the determinant subtracts, ad − bc",
                         -transforms.det2(DET_M): "that is bc − ad: the sign is wrong, the determinant is ad − bc",
                         DET_M[0, 0] * DET_M[0, 1] - DET_M[1, 0] * DET_M[1, 1]:
                         "you multiplied along the rows; ad − bc multiplies along the diagonals"}),
        Choice("transformations.5", variable="meaning",
               options=["areas are multiplied by 3, and the plane is mirrored",
                        "areas are multiplied by 1/3, and the plane is mirrored",
                        "areas are multiplied by 3; the sign only means the map is singular",
                        "the map flattens the plane onto a line"],
               answer="A",
               hints={"B": "|det| is the area factor itself; 1/3 would be the factor of the inverse map",
                      "C": "a singular map has determinant exactly 0; a negative sign means orientation is reversed",
                      "D": "only a determinant of 0 flattens the plane; here areas still scale by a non-zero factor"}),
        Number("transformations.6", variable="det_AB", expected=det_AB, name="det(AB)",
               mistakes={sum(PRODUCT_DETS): "determinants of a product multiply; you added them",
                         -det_AB: "check the sign: a positive times a negative number is negative"}),
        Number("transformations.7", variable="area_image", expected=area_image, name="the area of the image",
               mistakes={-area_image: "an area is never negative: it is |det| times the area; the sign of det "
                                      "says the shape is mirrored",
                         abs(transforms.det2(AREA_MAP)): "that is the area factor |det M|; multiply it by the "
                                                          "shape's own area",
                         AREA / abs(transforms.det2(AREA_MAP)): "areas are multiplied by |det M|, not divided"}),
        Subspace("transformations.8", variable="image_line", basis=P[:, :1], name="the line P flattens the plane onto"),
        Subspace("transformations.9", variable="killed", basis=np.array([[-2.0], [1.0]]),
                 name="the set of vectors P sends to 0", matrix=P, matrix_name="P"),
        Array("transformations.10", variable="M_inv", shape=(2, 2), conditions=(_inverse_condition(),)),
        Function("transformations.11", points=3, variable="det_by_elimination", function_name="det_by_elimination",
                 make_cases=det_cases, reference=lambda A: float(np.linalg.det(A)), output="float",
                 compare=_close, forbidden=FORBIDDEN, diagnoses=_DET_BUGS),
        FreeText("transformations.12", points=2, variable="tiny_det"),
        Array("transformations.13", variable="a2", shape=(2,), conditions=(_explorer_column,)),
    )
