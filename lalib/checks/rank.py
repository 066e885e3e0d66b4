"""The question bank of chapter 3, *Rank and the four subspaces*.

Every expected value is computed here from the problem's own matrices with
:mod:`lalib.linalg`, never typed by hand, so the bank cannot disagree with the
numerics. The exercise set is ``solutions/03-rank.ipynb``.
"""

from __future__ import annotations

import numpy as np

from lalib import linalg
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Subspace

__all__ = ["QUESTIONS", "DIAGONAL", "B", "elimination_cases"]

# The lecture's two examples: a 6×6 diagonal matrix with four ones, and a 2×3 matrix whose
# second row is twice the first.
DIAGONAL = np.diag([1.0, 1, 1, 1, 0, 0])
B = np.array([[1.0, 2, 3], [2, 4, 6]])

# rank.9 describes a 7×10 matrix of rank 4; its four subspaces' dimensions follow from rank–nullity.
_M, _N, _R = 7, 10, 4


def _size(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def elimination_cases(seed: int) -> list[Case]:
    """Fresh test matrices for ``rank_by_elimination``, deterministic in ``seed``.

    Each family is there to catch one mistake, and is built so that a sound
    elimination (partial pivoting, a pivot counting as zero when
    ``|pivot| <= tol * max|A|`` for any ``tol`` between about 1e-12 and 1e-8)
    gets every one right:

    * full-rank random matrices, square and rectangular;
    * a zero in the top-left corner (an elimination that never swaps rows stalls);
    * rank-deficient products of thin random factors, tall and wide (rounding
      leaves tiny non-zero leftovers: comparing with exact zero over-counts);
    * a rank-deficient matrix whose top-left entry is tiny (without partial
      pivoting, dividing by it blows rounding errors up into fake pivots);
    * an ill-conditioned but clearly full-rank matrix (condition number 1e6:
      a tolerance far too coarse under-counts);
    * a full-rank matrix with entries near 1e-13 and a rank-deficient one with
      entries near 1e9 (an absolute tolerance gets one of them wrong);
    * exactly dependent integer columns, the zero matrix, a single row.

    Parameters
    ----------
    seed : int
        Seed of the generator the matrices are drawn from.

    Returns
    -------
    list of Case
        Each case's ``args`` is ``(A,)`` with ``A`` a float64 matrix.

    Examples
    --------
    >>> cases = elimination_cases(0)
    >>> all(c.args[0].dtype == np.float64 for c in cases)
    True
    >>> [c.description for c in cases] == [c.description for c in elimination_cases(0)]
    True
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, description: str, hint: str = "") -> None:
        m, n = A.shape
        cases.append(Case((np.ascontiguousarray(A, dtype=float),), f"a {m}×{n} {description}", hint))

    n = _size(rng, 3, 6)
    add(rng.standard_normal((n, n)), "random matrix")
    m, n = _size(rng, 2, 4), _size(rng, 5, 7)
    add(rng.standard_normal((m, n)), "random matrix")

    n = _size(rng, 3, 6)
    A = rng.standard_normal((n, n))
    A[0, 0] = 0.0
    add(A, "random matrix with a zero in its top-left corner",
        "when a pivot candidate is zero, swap in a row below that has a non-zero entry")

    m, n = _size(rng, 6, 8), _size(rng, 3, 5)
    r = _size(rng, 1, n - 1)
    add(rng.standard_normal((m, r)) @ rng.standard_normal((r, n)), f"product of {m}×{r} and {r}×{n} factors",
        "rounding leaves tiny non-zero leftovers: compare pivots with a tolerance, not with zero")
    m, n = _size(rng, 3, 5), _size(rng, 6, 8)
    r = _size(rng, 1, m - 1)
    add(rng.standard_normal((m, r)) @ rng.standard_normal((r, n)), f"product of {m}×{r} and {r}×{n} factors",
        "rounding leaves tiny non-zero leftovers: compare pivots with a tolerance, not with zero")

    m, n = _size(rng, 5, 7), _size(rng, 5, 7)
    r = _size(rng, 2, min(m, n) - 2)
    F, G = rng.standard_normal((m, r)), rng.standard_normal((r, n))
    # Make A[0, 0] = F[0] @ G[:, 0] tiny without changing the rank.
    G[:, 0] -= F[0] * (F[0] @ G[:, 0] - 1e-8) / (F[0] @ F[0])
    add(F @ G, "product of thin factors whose top-left entry is tiny",
        "use partial pivoting: take the largest candidate in the column as the pivot")

    n = _size(rng, 4, 7)
    s = np.logspace(0, -6, n)
    add(_orthogonal(rng, n) @ np.diag(s) @ _orthogonal(rng, n).T,
        "ill-conditioned matrix (condition number 1e6)",
        "its smallest pivot is small but far above rounding level: is your tolerance too coarse?")

    n = _size(rng, 3, 5)
    add(rng.standard_normal((n, n)) * 1e-13, "random matrix with entries near 1e-13",
        "a tolerance must be relative to the size of A's entries")
    m, n = _size(rng, 5, 7), _size(rng, 5, 7)
    r = _size(rng, 2, min(m, n) - 2)
    add(rng.standard_normal((m, r)) @ rng.standard_normal((r, n)) * 1e9,
        f"product of {m}×{r} and {r}×{n} factors with entries near 1e9",
        "a tolerance must be relative to the size of A's entries")

    # Exactly dependent integer columns: the third is the first plus twice the second.
    m = _size(rng, 3, 5)
    C = rng.integers(-5, 6, size=(m, 2)).astype(float)
    while linalg.rank(C) < 2:
        C = rng.integers(-5, 6, size=(m, 2)).astype(float)
    add(np.column_stack([C, C[:, 0] + 2 * C[:, 1], -C[:, 1]]), "integer matrix with dependent columns")

    add(np.zeros((_size(rng, 2, 4), _size(rng, 2, 4))), "zero matrix",
        "with max|A| = 0 every pivot must count as zero (and nothing may be divided by it)")
    add(rng.standard_normal((1, _size(rng, 2, 5))), "matrix with a single row")
    return cases


def _nonzero(x: np.ndarray) -> str | None:
    if not np.any(x):
        return "x is the zero vector: B @ 0 = 0 for every matrix, so it tells nothing; find a non-zero x"
    return None


def _in_null_space_of_B(x: np.ndarray) -> str | None:
    residual = B @ x
    if np.abs(residual).max() > 1e-9 * max(1.0, float(np.abs(x).max())):
        return f"B @ x is not zero: largest entry {np.abs(residual).max():.3g}"
    return None


# rank.10: a 4×3 matrix of rank 2 whose column space contains w.
_W = np.array([1.0, 0, 1, 0])


def _has_rank_2(M: np.ndarray) -> str | None:
    r = linalg.rank(M)
    return None if r == 2 else f"your matrix has rank {r}, not 2"


def _contains_w(M: np.ndarray) -> str | None:
    if not linalg.in_span(M, _W, tol=1e-9):
        return "w = (1, 0, 1, 0) is not in the column space of your matrix"
    return None


QUESTIONS = (
    Number("rank.1", expected=linalg.rank(DIAGONAL), name="the rank of D", integer=True,
           mistakes={6: "6 is the number of columns of D; the rank counts only the independent ones",
                     2: "2 is the number of zero columns; the rank counts the independent ones"}),
    Number("rank.2", expected=linalg.nullity(DIAGONAL), name="the nullity of D", integer=True,
           mistakes={linalg.rank(DIAGONAL): "that is the rank of D; the nullity is the dimension of "
                                            "the vectors D sends to zero"}),
    Number("rank.3", expected=linalg.rank(B), name="the rank of B", integer=True,
           mistakes={2: "B has 2 rows, but is the second one new information?",
                     3: "B has 3 columns, but the rank can never exceed the number of rows"}),
    Subspace("rank.4", basis=linalg.column_space(B), name="the column space of B"),
    Array("rank.5", shape=(3,), conditions=(_nonzero, _in_null_space_of_B)),
    Subspace("rank.6", basis=linalg.null_space(B), name="the null space of B", matrix=B, matrix_name="B"),
    Choice("rank.7", options=["{(1, 2), (2, 4)}", "{(1, 2), (2, 3)}", "{(1, 2), (2, 3), (3, 5)}",
                              "{(0, 0), (1, 2)}"],
           answer="B",
           hints={"A": "(2, 4) is a multiple of (1, 2)",
                  "C": "three vectors in R² are always dependent, since R² has dimension 2",
                  "D": "a set holding the zero vector is always dependent: 1·(0, 0) + 0·(1, 2) = 0"}),
    Choice("rank.8", options=["A has large entries",
                              "many different inputs x give the same output A x",
                              "the columns of A are independent",
                              "A x = b has a solution for every b"],
           answer="B",
           hints={"A": "scaling A leaves its null space unchanged",
                  "C": "independent columns leave only x = 0 in the null space",
                  "D": "that is about the column space filling all of R^m, not the null space"}),
    Array("rank.9", shape=(4,), expected=[_R, _R, _N - _R, _M - _R], integer=True,
          labels=["the column space's dimension", "the row space's dimension",
                  "the null space's dimension", "the left null space's dimension"]),
    Array("rank.10", shape=(4, 3), conditions=(_has_rank_2, _contains_w)),
    Function("rank.11", points=3, function_name="rank_by_elimination", make_cases=elimination_cases,
             reference=linalg.rank),
    FreeText("rank.12", points=2),
)
