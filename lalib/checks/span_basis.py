"""The question bank of chapter 4, *Span, independence and basis* (exercise set id ``"basis"``).

This module is the **answer key** of ``solutions/04-span-basis.ipynb``: the
grader and every notebook check judge against what :func:`questions` builds
here. Every expected value is computed from the problem's own vectors with
:mod:`lalib.linalg`, never typed by hand. The questions have no per-student
variants: ``questions(variant)`` returns the book's fixed version for every
``variant``.
"""

from __future__ import annotations

import numpy as np

from lalib import linalg
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, Subspace
from lalib.linalg.coordinates import change_of_basis, basis_coordinates, pivot_columns

__all__ = ["questions", "SETS", "SPAN_VECTORS", "B_PLANE", "X_PLANE", "DEPENDENT", "REDUNDANT", "OLD", "NEW",
           "pivot_cases", "FORBIDDEN"]

# basis.1: Lecture 2's practice question.
SETS = {"A": np.array([[1.0, 2], [2, 4]]).T, "B": np.array([[1.0, 2], [2, 3]]).T}

# basis.2: four vectors of R^3, as columns.
SPAN_VECTORS = np.array([[1.0, 0, 1], [0, 1, 1], [1, 1, 2], [2, 1, 3]]).T

# basis.3 and basis.11: a basis of the plane and a point.
B_PLANE = np.array([[2.0, 1], [1, 1]]).T
X_PLANE = np.array([3.0, 1])

# basis.4: three dependent vectors of R^3, as columns.
DEPENDENT = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]).T

# basis.5: the plane spanned by these two, and the vector (1, 2, t).
PLANE_3D = np.array([[1.0, 0, 1], [0, 1, 1]]).T

# basis.6: five columns of R^4 with redundancy: c3 = c1 + c2, c5 = 2 c1 - c4.
_C = np.array([[1.0, 0, 2, 1], [0, 1, 1, -1], [0, 0, 1, 1]]).T  # three independent columns of R^4
REDUNDANT = np.column_stack([_C[:, 0], _C[:, 1], _C[:, 0] + _C[:, 1], _C[:, 2], 2 * _C[:, 0] - _C[:, 2]])

# basis.8: two bases of the plane.
OLD = np.array([[1.0, 0], [1, 1]]).T
NEW = np.array([[2.0, 1], [1, 1]]).T

# basis.9: an intercept and three one-hot columns for 6 samples of categories 0, 1, 2, 0, 2, 1.
CATEGORIES = np.array([0, 1, 2, 0, 2, 1])
DUMMY = np.column_stack([np.ones(len(CATEGORIES)), np.eye(3)[CATEGORIES]])

# basis.7 must pick the columns itself: anything that hands back the pivots is refused.
FORBIDDEN = ("lalib.linalg", "lalib.linalg.coordinates", "sympy", "scipy.linalg.qr")


def _size(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def pivot_cases(seed: int) -> list[Case]:
    """Fresh test matrices for ``pivot_columns``, deterministic in ``seed``.

    Every dependence is exact up to rounding (integer coefficients of random
    columns), every independent column is far from the span of the ones
    before it, and each matrix is scaled as a whole, so any sound tolerance
    gives the same answer. The families:

    * a random full-rank tall matrix (every column kept) and a wide one (the first ``m``);
    * a zero first column, and a repeated column (the later copy is dropped);
    * a column that is a sum of *two* earlier ones, with no two columns parallel
      (a pairwise "is it a multiple?" test misses it);
    * a column equal to a combination of *later* columns (left to right, it is kept);
    * a rank-deficient product of thin random factors (rounding leaves
      tiny non-zero leftovers: an exact-zero test keeps too many);
    * the same scaled by 1e9 and by 1e-9 (an absolute tolerance fails one of them);
    * the zero matrix (no columns kept) and a single column.

    Examples
    --------
    >>> [c.description for c in pivot_cases(0)] == [c.description for c in pivot_cases(0)]
    True
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, description: str) -> None:
        m, n = A.shape
        cases.append(Case((np.ascontiguousarray(A, dtype=float),), f"a {m}×{n} {description}"))

    m = _size(rng, 4, 6)
    add(rng.standard_normal((m, _size(rng, 2, m))), "random matrix with independent columns")
    m = _size(rng, 2, 4)
    add(rng.standard_normal((m, m + _size(rng, 1, 3))), "wide random matrix")

    m = _size(rng, 3, 5)
    A = rng.standard_normal((m, 3))
    add(np.column_stack([np.zeros(m), A]), "matrix whose first column is zero")
    add(A[:, [0, 1, 0, 2]], "matrix with a repeated column")

    m = _size(rng, 4, 6)
    A = rng.integers(-4, 5, size=(m, 3)).astype(float)
    while linalg.rank(A) < 3:
        A = rng.integers(-4, 5, size=(m, 3)).astype(float)
    add(np.column_stack([A[:, 0], A[:, 1], A[:, 0] + A[:, 1], A[:, 2]]),
        "integer matrix whose third column is the sum of the first two")
    add(np.column_stack([A[:, 0] - 2 * A[:, 2], A[:, 1], A[:, 2], A[:, 0]]),
        "integer matrix whose first column is a combination of later ones")

    m, n = _size(rng, 5, 7), _size(rng, 5, 7)
    r = _size(rng, 2, 3)
    F = rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
    add(F, f"product of {m}×{r} and {r}×{n} factors")
    add(F * 1e9, f"product of {m}×{r} and {r}×{n} factors with entries near 1e9")
    add(F * 1e-9, f"product of {m}×{r} and {r}×{n} factors with entries near 1e-9")

    add(np.zeros((_size(rng, 2, 4), _size(rng, 2, 4))), "zero matrix")
    add(rng.standard_normal((_size(rng, 2, 4), 1)), "matrix with a single column")
    return cases


def _reference_pivots(A: np.ndarray) -> list[int]:
    return pivot_columns(A)


def _pairwise(A: np.ndarray) -> list[int]:
    """A likely bug: keep a column unless it is a multiple of one kept column."""
    kept: list[int] = []
    scale = np.abs(A).max(initial=0.0)
    for j in range(A.shape[1]):
        col = A[:, j]
        if np.linalg.norm(col) <= 1e-10 * max(scale, 1e-300) * np.sqrt(A.shape[0]):
            continue
        if all(np.linalg.matrix_rank(np.column_stack([A[:, k], col])) == 2 for k in kept):
            kept.append(j)
    return kept


def _exact_zero(A: np.ndarray) -> list[int]:
    """A likely bug: singular values compared with exact zero."""
    return pivot_columns(A, tol=0.0)


def _absolute(A: np.ndarray) -> list[int]:
    """A likely bug: an absolute tolerance of 1e-10."""
    return pivot_columns(A, tol=1e-10)


_PIVOT_BUGS = (
    (_pairwise, "It looks as if you only test whether a column is a multiple of one kept column: a column can "
                "be a combination of two or more of them without being parallel to any"),
    (_exact_zero, "It looks as if you compare with exact zero: rounding leaves tiny leftovers, so use a "
                  "tolerance relative to the size of A (np.linalg.matrix_rank's default is one)"),
    (_absolute, "It looks as if your tolerance is absolute: it must be relative to the size of A's entries"),
)


def _same_pivots(got, expected) -> str | None:
    """Compare two lists of column indices, naming the first column judged wrong (never the whole answer)."""
    g = np.asarray(got, dtype=float).reshape(-1)
    if g.size and (not np.all(np.isfinite(g)) or not np.array_equal(g, np.round(g))):
        return "not a list of whole-number column indices"
    g_set, e_set = {int(i) for i in g}, {int(i) for i in expected}
    if len(g_set) != g.size:
        return "a list that names a column twice"
    if g.size and not np.all(np.diff(g) > 0):
        return "not in increasing order"
    for j in sorted(g_set | e_set):
        if j in g_set and j not in e_set:
            return f"a list that keeps column {j}, which is a combination of the columns before it (or is zero)"
        if j in e_set and j not in g_set:
            return f"a list that drops column {j}, which is not a combination of the columns before it"
    return None


def _nonzero(c: np.ndarray) -> str | None:
    if not np.any(c):
        return "c is the zero vector: all-zero coefficients give 0 for any vectors; find a non-trivial combination"
    return None


def _combination_is_zero(c: np.ndarray) -> str | None:
    residual = DEPENDENT @ c
    if np.linalg.norm(residual) > 1e-9 * np.linalg.norm(DEPENDENT, 2) * np.linalg.norm(c):
        return f"c1 v1 + c2 v2 + c3 v3 is not zero: largest entry {np.abs(residual).max():.3g}"
    return None


def _b2_moves_x(b2: np.ndarray) -> str | None:
    b1 = B_PLANE[:, 0]
    if abs(b1[0] * b2[1] - b1[1] * b2[0]) <= 1e-12 * np.linalg.norm(b1) * np.linalg.norm(b2):
        return "with this b2 the explorer says b1 and b2 are not a basis: b2 must not lie on b1's line"
    c = basis_coordinates(np.column_stack([b1, b2]), X_PLANE)
    if not np.allclose(c, [1, 1], atol=1e-9):
        return (f"with this b2 the coordinates of x are ({c[0]:.4g}, {c[1]:.4g}), not (1, 1)")
    return None


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (the same for every ``variant``).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['basis.1', 'basis.2', 'basis.3']
    >>> questions()[2].expected.tolist()
    [2.0, -1.0]
    """
    independent = {k: linalg.rank(V) == V.shape[1] for k, V in SETS.items()}
    answer_1 = {(True, False): "A", (False, True): "B", (True, True): "C", (False, False): "D"}[
        (independent["A"], independent["B"])]
    t_plane = float(PLANE_3D[2] @ basis_coordinates(PLANE_3D[:2], [1.0, 2.0]))  # (1, 2, t) = a p1 + b p2
    basis_13 = [np.array(v, dtype=float).T for v in (
        [[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0], [1, 1, 0]], [[1, 1, 0], [0, 1, 1], [1, 0, 1]],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])]
    answer_13 = "ABCD"[[V.shape == (3, 3) and linalg.rank(V) == 3 for V in basis_13].index(True)]
    return (
        Choice("basis.1", variable="independent_set",
               options=["{(1, 2), (2, 4)}", "{(1, 2), (2, 3)}", "both", "neither"], answer=answer_1,
               hints={"A": "(2, 4) is a multiple of (1, 2), so 2·(1, 2) − (2, 4) = 0 is a non-trivial combination",
                      "C": "one of the two sets holds a vector that is a multiple of the other",
                      "D": "in one of the sets neither vector is a multiple of the other"}),
        Number("basis.2", variable="dim_span", expected=linalg.rank(SPAN_VECTORS), integer=True,
               name="the dimension of the span",
               mistakes={4: "4 counts the vectors; some of them are combinations of the others",
                         3: "three vectors of R³ can span all of it, but are these three independent?"}),
        Array("basis.3", variable="c", shape=(2,), expected=basis_coordinates(B_PLANE, X_PLANE), labels=["c1", "c2"]),
        Array("basis.4", variable="c_dep", shape=(3,), conditions=(_nonzero, _combination_is_zero)),
        Number("basis.5", variable="t", expected=t_plane, name="the value of t", rtol=1e-9),
        Subspace("basis.6", variable="basis_A", basis=linalg.column_space(REDUNDANT),
                 name="the span of the columns of A"),
        Function("basis.7", points=3, variable="pivot_columns", function_name="pivot_columns",
                 make_cases=pivot_cases, reference=_reference_pivots, output="array", compare=_same_pivots,
                 forbidden=FORBIDDEN, diagnoses=_PIVOT_BUGS),
        Array("basis.8", variable="P", shape=(2, 2), expected=change_of_basis(OLD, NEW)),
        Number("basis.9", variable="rank_dummy", expected=linalg.rank(DUMMY), integer=True,
               name="the rank of X",
               mistakes={4: "X has 4 columns, but the intercept column is the sum of the three one-hot columns"}),
        Choice("basis.10", variable="redundant_feature",
               options=["the weights and the training predictions are both unique",
                        "the training predictions are unique, but the weights are not",
                        "least squares has no solution",
                        "every best-fit weight vector predicts the same on any new input"],
               answer="B",
               hints={"A": "adding any multiple of (1, 1, −1) to the weights changes nothing on the training data",
                      "C": "least squares always has a solution: the projection of y onto the column space",
                      "D": "the weight vectors differ along (1, 1, −1), which matters on an input where "
                           "x₃ ≠ x₁ + x₂"}),
        Array("basis.11", variable="b2", shape=(2,), conditions=(_b2_moves_x,)),
        FreeText("basis.12", points=2, variable="redundant"),
        Choice("basis.13", variable="basis_R3",
               options=["{(1, 0, 0), (0, 1, 0)}", "{(1, 0, 0), (0, 1, 0), (1, 1, 0)}",
                        "{(1, 1, 0), (0, 1, 1), (1, 0, 1)}", "{(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)}"],
               answer=answer_13,
               hints={"A": "two vectors span at most a plane; R³ has dimension 3",
                      "B": "(1, 1, 0) is the sum of the other two: the set is dependent",
                      "D": "four vectors in R³ are always dependent: a basis of R³ has exactly 3"}),
    )
