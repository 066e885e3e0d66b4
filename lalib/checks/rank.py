"""The question bank of chapter 3, *Rank and the four subspaces* (exercise set id ``"rank"``).

This module is the **answer key** of ``solutions/03-rank.ipynb``: the grader
and every notebook check judge against what :func:`questions` builds here,
not against the solutions notebook (``lalib assign --check`` runs that
notebook and fails when one of its answers does not pass this key).

Every expected value is computed from the problem's own matrices with
:mod:`lalib.linalg`, never typed by hand. ``questions(variant)`` builds the
bank for one variant seed; ``variant=None`` is the book's fixed version.

Per-student variants (``lalib assign --roster``): the matrix D of rank.1-2, the
matrix B of rank.3-6, the shape and rank of rank.9 and the vector w of rank.10
are drawn from the variant seed (:func:`parameters`); :data:`VARIANT_TEXT` says
where those numbers stand in the exercise notebook, so ``lalib assign`` can
write each student's own numbers there. A variant changes numbers only, never
a question's kind, shape or answer variable: the grader encodes every answer
the same way, then judges it against the student's own variant.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from lalib import linalg
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, Subspace

__all__ = ["questions", "DIAGONAL", "B", "EXPLORER", "elimination_cases", "eliminate", "FORBIDDEN", "Parameters",
           "parameters", "VARIANT_QUESTIONS", "VARIANT_TEXT", "variant_text"]

# The lecture's two examples: a 6×6 diagonal matrix with four ones, and a 2×3 matrix whose
# second row is twice the first.
DIAGONAL = np.diag([1.0, 1, 1, 1, 0, 0])
B = np.array([[1.0, 2, 3], [2, 4, 6]])

# rank.13: the rank explorer starts from these three independent columns of R^3.
EXPLORER = np.array([[1.0, 0, 0], [0, 1, 0], [1, 2, 1]])

# rank.11 is "count the pivots yourself": anything that reads the rank off a factorization is refused.
FORBIDDEN = ("numpy.linalg.matrix_rank", "numpy.linalg.svd", "numpy.linalg.svdvals", "numpy.linalg.lstsq",
             "numpy.linalg.qr", "numpy.linalg.pinv", "scipy.linalg", "torch.linalg", "lalib.linalg",
             "lalib.svd", "sympy")


def _size(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def _article(size: str) -> str:
    """``"a"`` or ``"an"`` before a size as it is read aloud: an 8×4, an 11×3, a 7×10.

    Examples
    --------
    >>> [_article(s) for s in ("8×4", "11×3", "1×5", "7×10")]
    ['an', 'an', 'a', 'a']
    """
    head = size.split("×")[0]
    return "an" if head.startswith("8") or head in ("11", "18") else "a"


def eliminate(A: np.ndarray, tol: float | None = None, *, pivoting: str = "partial", relative: bool = True,
              default_tol: float = 1e-10, ignore_tol: bool = False) -> int:
    """Count the pivots of Gaussian elimination, optionally with one of the classic mistakes.

    The sound version is the reference solution of rank.11; the switches make
    the buggy versions rank.11's feedback recognises.

    Parameters
    ----------
    A : numpy.ndarray, shape (m, n)
    tol : float, optional
        A pivot counts as zero when ``|pivot| <= tol * max|A|``; default ``default_tol``.
    pivoting : {"partial", "none", "first"}
        Take the largest candidate; never swap rows; swap only past an exact zero.
    relative : bool
        False: compare with ``tol`` itself (an absolute tolerance).
    default_tol : float
        The tolerance when ``tol`` is None.
    ignore_tol : bool
        Always use ``default_tol``.

    Returns
    -------
    int

    Examples
    --------
    >>> eliminate(np.array([[0.0, 1], [1, 0]]))
    2
    >>> eliminate(np.array([[0.0, 1], [1, 0]]), pivoting="none")
    1
    """
    A = np.array(A, dtype=float)
    m, n = A.shape
    t = default_tol if tol is None or ignore_tol else tol
    cutoff = t * np.abs(A).max(initial=0.0) if relative else t
    r = 0
    with np.errstate(all="ignore"):
        for col in range(n):
            if r == m:
                break
            if pivoting == "partial":
                p = r + int(np.argmax(np.abs(A[r:, col])))
            elif pivoting == "first":
                nonzero = np.flatnonzero(A[r:, col])
                p = r + int(nonzero[0]) if len(nonzero) else r
            else:
                p = r
            if not abs(A[p, col]) > cutoff:
                continue
            A[[r, p]] = A[[p, r]]
            A[r + 1:] -= np.outer(A[r + 1:, col] / A[r, col], A[r])
            r += 1
    return r


def _reference_rank(A: np.ndarray, tol: float | None = None) -> int:
    """The rank from the singular values; a given ``tol`` is relative to max|A|, as in the prompt.

    (With a ``tol``, only cases whose singular values are their entries' sizes are built.)
    """
    return linalg.rank(A) if tol is None else linalg.rank(A, tol * float(np.abs(A).max()))


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
    * an ill-conditioned full-rank matrix (condition number 1e6), and a
      triangular one with shuffled rows whose smallest pivot is 4e-8 times its
      largest entry (a tolerance coarser than 4e-8 under-counts);
    * a full-rank matrix with entries near 1e-13 and a rank-deficient one with
      entries near 1e9 (an absolute tolerance gets one of them wrong);
    * exactly dependent integer columns, the zero matrix, a single row;
    * a call with ``tol=1e-3`` on a matrix with entries between 1e-6 and 1e-4
      among larger ones (a function that ignores ``tol`` over-counts).

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

    def add(A: np.ndarray, description: str, **kwargs) -> None:
        m, n = A.shape
        size = f"{m}×{n}"
        cases.append(Case((np.ascontiguousarray(A, dtype=float),), f"{_article(size)} {size} {description}", kwargs))

    n = _size(rng, 3, 6)
    add(rng.standard_normal((n, n)), "random matrix")
    m, n = _size(rng, 2, 4), _size(rng, 5, 7)
    add(rng.standard_normal((m, n)), "random matrix")

    n = _size(rng, 3, 6)
    A = rng.standard_normal((n, n))
    A[0, 0] = 0.0
    add(A, "random matrix with a zero in its top-left corner")

    m, n = _size(rng, 6, 8), _size(rng, 3, 5)
    r = _size(rng, 1, n - 1)
    add(rng.standard_normal((m, r)) @ rng.standard_normal((r, n)), f"product of {m}×{r} and {r}×{n} factors")
    m, n = _size(rng, 3, 5), _size(rng, 6, 8)
    r = _size(rng, 1, m - 1)
    add(rng.standard_normal((m, r)) @ rng.standard_normal((r, n)), f"product of {m}×{r} and {r}×{n} factors")

    m, n = _size(rng, 5, 7), _size(rng, 5, 7)
    r = _size(rng, 2, min(m, n) - 2)
    F, G = rng.standard_normal((m, r)), rng.standard_normal((r, n))
    # Make A[0, 0] = F[0] @ G[:, 0] tiny without changing the rank.
    G[:, 0] -= F[0] * (F[0] @ G[:, 0] - 1e-8) / (F[0] @ F[0])
    add(F @ G, "product of thin factors whose top-left entry is tiny")

    n = _size(rng, 4, 7)
    s = np.logspace(0, -6, n)
    add(_orthogonal(rng, n) @ np.diag(s) @ _orthogonal(rng, n).T, "ill-conditioned matrix (condition number 1e6)")

    # Upper triangular, rows shuffled: partial pivoting meets the diagonal as its pivots, exactly.
    n = _size(rng, 4, 6)
    T = np.triu(rng.uniform(-1, 1, (n, n)), 1) + np.diag(np.r_[1.0, rng.uniform(0.5, 1, n - 2), 4e-8])
    add(T[rng.permutation(n)], "triangular matrix with shuffled rows and one small pivot")

    n = _size(rng, 3, 5)
    add(rng.standard_normal((n, n)) * 1e-13, "random matrix with entries near 1e-13")
    m, n = _size(rng, 5, 7), _size(rng, 5, 7)
    r = _size(rng, 2, min(m, n) - 2)
    add(rng.standard_normal((m, r)) @ rng.standard_normal((r, n)) * 1e9,
        f"product of {m}×{r} and {r}×{n} factors with entries near 1e9")

    # Exactly dependent integer columns: the third is the first plus twice the second.
    m = _size(rng, 3, 5)
    C = rng.integers(-5, 6, size=(m, 2)).astype(float)
    while linalg.rank(C) < 2:
        C = rng.integers(-5, 6, size=(m, 2)).astype(float)
    add(np.column_stack([C, C[:, 0] + 2 * C[:, 1], -C[:, 1]]), "integer matrix with dependent columns")

    add(np.zeros((_size(rng, 2, 4), _size(rng, 2, 4))), "zero matrix")
    add(rng.standard_normal((1, _size(rng, 2, 5))), "matrix with a single row")

    # A non-default tol: one signed entry per row and column (its singular values are their sizes).
    n = _size(rng, 4, 6)
    small = _size(rng, 1, n - 2)
    sizes = np.r_[rng.uniform(0.1, 1, n - small), 10.0 ** rng.uniform(-6, -4, small)]
    P = np.eye(n)[rng.permutation(n)] * rng.choice([-1.0, 1.0], n)
    add(P @ np.diag(rng.permutation(sizes)), "matrix with one non-zero entry per row and column", tol=1e-3)
    return cases


# Likely bugs of rank.11, each recognised when the student's outputs match its outputs on every case.
_ELIMINATION_BUGS = (
    (functools.partial(eliminate, pivoting="none"),
     "It looks as if your elimination never swaps rows: when the entry in the pivot position is zero "
     "or tiny, swap in the row below with the largest entry (partial pivoting)"),
    (functools.partial(eliminate, pivoting="first"),
     "It looks as if you swap rows only past an exact zero: take the largest entry of the column as "
     "the pivot (partial pivoting), or dividing by a tiny pivot blows rounding errors up"),
    (functools.partial(eliminate, default_tol=0.0, ignore_tol=True),
     "It looks as if you compare pivots with exact zero: rounding leaves tiny leftovers, so count a "
     "pivot as zero when |pivot| <= tol * max|A|"),
    (functools.partial(eliminate, relative=False),
     "It looks as if your tolerance is absolute: a tolerance must be relative to the size of A's "
     "entries (|pivot| <= tol * max|A|)"),
    (functools.partial(eliminate, ignore_tol=True),
     "It looks as if your function ignores its tol argument: when tol is given, use it instead of 1e-10"),
    *((functools.partial(eliminate, default_tol=t),
       "It looks as if your tolerance is too coarse: when tol is None, use 1e-10 (relative to max|A|)")
      for t in (1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)),
)


def _nonzero(x: np.ndarray) -> str | None:
    if not np.any(x):
        return "x is the zero vector: B @ 0 = 0 for every matrix, so it tells nothing; find a non-zero x"
    return None


def _in_null_space_of(B: np.ndarray):
    def in_null_space(x: np.ndarray) -> str | None:
        # Scale-invariant: ||B x|| <= tol ||B|| ||x||, so neither a tiny nor a huge x changes the verdict.
        residual = B @ x
        if np.linalg.norm(residual) > 1e-9 * np.linalg.norm(B, 2) * np.linalg.norm(x):
            return f"B @ x is not zero: largest entry {np.abs(residual).max():.3g}"
        return None
    return in_null_space


def _has_rank_2(M: np.ndarray) -> str | None:
    r = linalg.rank(M)
    return None if r == 2 else f"your matrix has rank {r}, not 2"


def _contains(w: np.ndarray):
    """rank.10: the column space of M must contain w."""
    def contains_w(M: np.ndarray) -> str | None:
        if not linalg.in_span(M, w, tol=1e-9):
            return f"w = {_tuple(w)} is not in the column space of your matrix"
        return None
    return contains_w


def _a3_nonzero(a3: np.ndarray) -> str | None:
    if not np.any(a3):
        return "a3 is the zero vector: a zero column does drop the rank, but find a non-zero a3 that does"
    return None


def _a3_in_plane(a3: np.ndarray) -> str | None:
    a1, a2 = EXPLORER[:, 0], EXPLORER[:, 1]
    normal = np.cross(a1, a2)
    if abs(normal @ a3) > 1e-9 * np.linalg.norm(normal) * np.linalg.norm(a3):
        return "with this a3 the explorer says rank 3: the three columns are still independent"
    for name, a in (("a1", a1), ("a2", a2)):
        if np.linalg.norm(np.cross(a, a3)) <= 1e-9 * np.linalg.norm(a) * np.linalg.norm(a3):
            return f"a3 is a multiple of {name}: the rank is 2, but find an a3 that uses both a1 and a2"
    return None


def _tuple(v) -> str:
    """A vector of whole numbers as the prompt writes it: ``(1, 0, 1, 0)``."""
    return "(" + ", ".join(str(int(x)) for x in v) + ")"


@dataclass(frozen=True)
class Parameters:
    """The numbers of one variant of the set.

    Attributes
    ----------
    diagonal : tuple of int
        The diagonal of D (rank.1, rank.2): ones and zeros.
    row, multiple : tuple of int, int
        B's first row and the factor its second row is of it (rank.3 to rank.6).
    shape, rank : (int, int), int
        The matrix of rank.9.
    w : tuple of int
        The vector rank.10's column space must contain.
    """

    diagonal: tuple[int, ...]
    row: tuple[int, int, int]
    multiple: int
    shape: tuple[int, int]
    rank: int
    w: tuple[int, int, int, int]

    @property
    def D(self) -> np.ndarray:
        return np.diag(np.array(self.diagonal, dtype=float))

    @property
    def B(self) -> np.ndarray:
        row = np.array(self.row, dtype=float)
        return np.vstack([row, self.multiple * row])


#: The book's numbers (``variant=None``).
BOOK = Parameters(diagonal=(1, 1, 1, 1, 0, 0), row=(1, 2, 3), multiple=2, shape=(7, 10), rank=4, w=(1, 0, 1, 0))

#: The questions whose answers depend on the variant. (rank.3 reads the variant's B too, but a matrix with a
#: repeated row has rank 1 in every variant; the other questions are the same for everyone.)
VARIANT_QUESTIONS = ("rank.1", "rank.2", "rank.4", "rank.5", "rank.6", "rank.9", "rank.10")


def parameters(variant: int | None = None) -> Parameters:
    """The numbers of one variant, drawn from its seed; None gives the book's.

    Examples
    --------
    >>> parameters().shape, parameters().rank
    ((7, 10), 4)
    >>> parameters(5) == parameters(5)
    True
    """
    if variant is None:
        return BOOK
    if isinstance(variant, bool) or not isinstance(variant, (int, np.integer)) or variant < 0:
        raise ValueError(f"variant must be a non-negative integer seed, got {variant!r}")
    variant = int(variant)
    # One generator per question group, so adding a group never changes another's numbers.
    rng = np.random.default_rng([1, variant])
    n = _size(rng, 5, 8)
    k = _size(rng, 2, n - 2)
    while 2 * k == n:  # rank and nullity equal would make the nullity a "mistake" for the rank
        k = _size(rng, 2, n - 2)
    diagonal = np.zeros(n, dtype=int)
    diagonal[rng.choice(n, size=k, replace=False)] = 1
    rng = np.random.default_rng([3, variant])
    row = tuple(int(v) * int(s) for v, s in zip(rng.integers(1, 6, size=3), rng.choice([-1, 1], size=3)))
    multiple = int(rng.choice([-3, -2, 2, 3, 4]))
    rng = np.random.default_rng([9, variant])
    m, n9 = _size(rng, 4, 9), _size(rng, 4, 12)
    r9 = _size(rng, 1, min(m, n9) - 1)
    rng = np.random.default_rng([10, variant])
    w = tuple(int(x) for x in rng.integers(-2, 3, size=4))
    while sum(x != 0 for x in w) < 2:  # w spans a line that is not a coordinate axis
        w = tuple(int(x) for x in rng.integers(-2, 3, size=4))
    return Parameters(tuple(int(d) for d in diagonal), row, multiple, (m, n9), r9, w)


def _latex_rows(M: np.ndarray, sep: str = "&", newline: str = "\\\\ ") -> str:
    return newline.join(sep.join(str(int(x)) for x in row) for row in M)


def _list(v) -> str:
    return "[" + ", ".join(str(int(x)) for x in v) + "]"


def variant_text(variant: int | None = None) -> dict[str, dict[str, str]]:
    """Where a variant's numbers stand in the exercise notebook: cell id -> {piece: text}.

    ``lalib assign --roster`` replaces, in each named cell, the text of every
    piece for the book (``variant_text(None)``) by the same piece for the
    student's variant; it fails, naming the cell, when the book's text is not
    there (the notebook was edited without this table).

    Examples
    --------
    >>> variant_text()["rank-3-answer"]["B"]
    'B = np.array([[1, 2, 3], [2, 4, 6]])'
    """
    p = parameters(variant)
    D, B = p.D, p.B
    (m, n), r = p.shape, p.rank
    return {
        "rank-1-prompt": {"D": _latex_rows(D)},
        "rank-1-answer": {"D": f"D = np.diag({_list(p.diagonal)})"},
        "rank-3-prompt": {"B": "B = \\begin{bmatrix} " + _latex_rows(B, " & ", " \\\\ ") + " \\end{bmatrix}"},
        "rank-3-answer": {"B": f"B = np.array([{_list(B[0])}, {_list(B[1])}])"},
        "rank-9-prompt": {"shape": f"${m} \\times {n}$ and has rank {r}"},
        "rank-10-prompt": {"w": f"$w = {_tuple(p.w)}$"},
    }


#: The cells :func:`variant_text` rewrites (its keys).
VARIANT_TEXT = tuple(variant_text(None))


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions, for one variant seed (None: the book's fixed version).

    Parameters
    ----------
    variant : int, optional
        A per-student seed for the parametric questions.

    Returns
    -------
    tuple of Question

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['rank.1', 'rank.2', 'rank.3']
    >>> questions()[8].expected
    [4, 4, 6, 3]
    """
    p = parameters(variant)
    D, B = p.D, p.B
    (m, n), r = p.shape, p.rank
    columns = D.shape[1]
    return (
        Number("rank.1", variable="rank_D", expected=linalg.rank(D), name="the rank of D", integer=True,
               mistakes={columns: f"{columns} is the number of columns of D; the rank counts only the independent "
                                  "ones",
                         linalg.nullity(D): "the rank counts the independent columns, not the zero ones"}),
        Number("rank.2", variable="nullity_D", expected=linalg.nullity(D), name="the nullity of D",
               integer=True),
        Number("rank.3", variable="rank_B", expected=linalg.rank(B), name="the rank of B", integer=True,
               mistakes={2: "B has 2 rows, but is the second one new information?",
                         3: "B has 3 columns, but the rank can never exceed the number of rows"}),
        Subspace("rank.4", variable="column_basis", basis=linalg.column_space(B), name="the column space of B"),
        Array("rank.5", variable="x", shape=(3,), conditions=(_nonzero, _in_null_space_of(B))),
        Subspace("rank.6", variable="null_basis", basis=linalg.null_space(B), name="the null space of B",
                 matrix=B, matrix_name="B"),
        Choice("rank.7", variable="independent",
               options=["{(1, 2), (2, 4)}", "{(1, 2), (2, 3)}", "{(1, 2), (2, 3), (3, 5)}", "{(0, 0), (1, 2)}"],
               answer="B",
               hints={"A": "(2, 4) is a multiple of (1, 2)",
                      "C": "three vectors in R² are always dependent, since R² has dimension 2",
                      "D": "a set holding the zero vector is always dependent: 1·(0, 0) + 0·(1, 2) = 0"}),
        Choice("rank.8", variable="large_null_space",
               options=["A has large entries",
                        "many different inputs x give the same output A x",
                        "the columns of A are independent",
                        "A x = b has a solution for every b"],
               answer="B",
               hints={"A": "scaling A leaves its null space unchanged",
                      "C": "independent columns leave only x = 0 in the null space",
                      "D": "that is about the column space filling all of R^m, not the null space"}),
        Array("rank.9", variable="dims", shape=(4,), expected=[r, r, n - r, m - r], integer=True,
              labels=["the column space's dimension", "the row space's dimension",
                      "the null space's dimension", "the left null space's dimension"]),
        Array("rank.10", variable="M", shape=(4, 3), conditions=(_has_rank_2, _contains(np.array(p.w, dtype=float)))),
        Function("rank.11", points=3, variable="rank_by_elimination", function_name="rank_by_elimination",
                 make_cases=elimination_cases, reference=_reference_rank, output="int", forbidden=FORBIDDEN,
                 diagnoses=_ELIMINATION_BUGS),
        FreeText("rank.12", points=2, variable="low_rank"),
        Array("rank.13", variable="a3", shape=(3,), conditions=(_a3_nonzero, _a3_in_plane)),
    )
