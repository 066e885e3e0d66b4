"""The question bank of chapter 5, *Orthogonality and projection* (exercise set id ``"ortho"``).

This module is the **answer key** of ``solutions/05-orthogonality.ipynb``: the
grader and every notebook check judge against what :func:`questions` builds
here. Every expected value is computed from the problem's own numbers with
:mod:`lalib.linalg`, never typed by hand. The questions have no per-student
variants: ``questions(variant)`` returns the book's fixed version for every
``variant``.
"""

from __future__ import annotations

import numpy as np

from lalib import linalg
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, Subspace

__all__ = ["questions", "X_PQ", "Y_PQ", "COS_U", "COS_V", "LINE_A", "LINE_B", "PLANE_A", "PLANE_B", "NORMAL_PLANE",
           "ORTH_TO", "DATA", "project_cases", "gs_cases", "FORBIDDEN_QR", "FORBIDDEN_PROJECT"]

# ortho.1: Lecture 2's practice question.
X_PQ, Y_PQ = np.array([3.0, 4.0]), np.array([4.0, -3.0])
# ortho.2: a cosine similarity.
COS_U, COS_V = np.array([1.0, 2.0, 2.0]), np.array([2.0, 0.0, 1.0])
# ortho.3: projection onto a line.
LINE_A, LINE_B = np.array([1.0, 2.0, 2.0]), np.array([3.0, 0.0, 3.0])
# ortho.4 and ortho.5: projection onto a plane in R^3 (the columns of PLANE_A).
PLANE_A = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]).T
PLANE_B = np.array([2.0, 0.0, 4.0])
# ortho.6: the plane x1 + x2 + x3 = 0 (its normal).
NORMAL_PLANE = np.array([1.0, 1.0, 1.0])
# ortho.7: vectors whose orthogonal complement is asked for (as columns).
ORTH_TO = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]]).T
# ortho.10: data points (x, y) for a least-squares line.
DATA = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 2.0], [3.0, 4.0]])

FORBIDDEN_QR = ("numpy.linalg.qr", "scipy.linalg.qr", "torch.linalg.qr", "scipy.linalg.orth", "lalib.linalg",
                "numpy.linalg.svd", "scipy.linalg.svd", "torch.linalg.svd")
FORBIDDEN_PROJECT = ("lalib.linalg",)


def _size(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _with_condition(rng: np.random.Generator, m: int, n: int, kappa: float) -> np.ndarray:
    U, _ = np.linalg.qr(rng.standard_normal((m, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return U @ np.diag(np.logspace(0, -np.log10(kappa), n)) @ V.T


def project_cases(seed: int) -> list[Case]:
    """Fresh inputs ``(A, b)`` for ``project``, deterministic in ``seed``.

    Independent columns, a wide matrix (C(A) is all of R^m), dependent columns
    (``inv(AᵀA)`` fails or is garbage), a zero matrix, a ``b`` already in C(A),
    a ``b`` orthogonal to C(A), and badly scaled and ill-conditioned matrices.

    Examples
    --------
    >>> len(project_cases(0)) == len(project_cases(1))
    True
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, b: np.ndarray, description: str) -> None:
        m, n = A.shape
        cases.append(Case((np.ascontiguousarray(A, dtype=float), np.ascontiguousarray(b, dtype=float)),
                          f"a {m}×{n} {description}"))

    m = _size(rng, 4, 6)
    A = rng.standard_normal((m, _size(rng, 1, 3)))
    add(A, rng.standard_normal(m), "random matrix with independent columns")
    m = _size(rng, 2, 3)
    add(rng.standard_normal((m, m + 2)), rng.standard_normal(m), "wide random matrix")
    m = _size(rng, 4, 6)
    F = rng.standard_normal((m, 2))
    add(np.column_stack([F, F[:, 0] + 2 * F[:, 1]]), rng.standard_normal(m), "matrix whose third column is "
        "a combination of the first two")
    add(np.column_stack([F[:, 0], 3 * F[:, 0]]), rng.standard_normal(m), "matrix whose columns are parallel")
    add(np.zeros((m, 2)), rng.standard_normal(m), "zero matrix")
    add(F, F @ rng.standard_normal(2), "matrix, with b already in its column space")
    Q, _ = np.linalg.qr(np.column_stack([F, rng.standard_normal(m)]))
    add(F, Q[:, 2], "matrix, with b orthogonal to its column space")
    add(F * 1e8, rng.standard_normal(m) * 1e-5, "matrix with entries near 1e8")
    add(_with_condition(rng, 8, 4, 1e7), rng.standard_normal(8), "ill-conditioned matrix (condition number 1e7)")
    return cases


def gs_cases(seed: int) -> list[Case]:
    """Fresh matrices with independent columns for ``gram_schmidt``, deterministic in ``seed``.

    Random tall and square matrices, a column that is nearly a multiple of
    another, entries near 1e9 and 1e-9, and matrices with condition numbers
    1e6 and 1e8, on which classical Gram–Schmidt loses orthogonality.

    Examples
    --------
    >>> [c.description for c in gs_cases(3)][-1]
    'a 40×10 ill-conditioned matrix (condition number 1e8)'
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, description: str) -> None:
        m, n = A.shape
        cases.append(Case((np.ascontiguousarray(A, dtype=float),), f"a {m}×{n} {description}"))

    m = _size(rng, 4, 7)
    add(rng.standard_normal((m, _size(rng, 2, m - 1))), "random matrix")
    n = _size(rng, 2, 4)
    add(rng.standard_normal((n, n)), "random square matrix")
    add(rng.standard_normal((_size(rng, 3, 6), 1)), "matrix with a single column")
    A = rng.standard_normal((5, 3))
    A[:, 2] = A[:, 0] + 1e-4 * rng.standard_normal(5)
    add(A, "matrix whose third column is nearly the first")
    add(rng.standard_normal((5, 3)) * 1e9, "random matrix with entries near 1e9")
    add(rng.standard_normal((5, 3)) * 1e-9, "random matrix with entries near 1e-9")
    add(_with_condition(rng, 30, 8, 1e6), "ill-conditioned matrix (condition number 1e6)")
    add(_with_condition(rng, 40, 10, 1e8), "ill-conditioned matrix (condition number 1e8)")
    return cases


def _reference_project(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    return linalg.project_onto_subspace(b, A)[0]


def _reference_gs(A: np.ndarray) -> np.ndarray:
    return linalg.gram_schmidt(A, "modified")[0]


def _classical_gs(A: np.ndarray) -> np.ndarray:
    """A likely bug: classical Gram–Schmidt (every coefficient from the original column)."""
    return linalg.gram_schmidt(A, "classical")[0]


def _unnormalised_gs(A: np.ndarray) -> np.ndarray:
    """A likely bug: orthogonal but not normalised columns."""
    Q, R = linalg.gram_schmidt(A, "modified")
    return Q * np.diag(R)


def _normal_equations(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A likely bug: A (AᵀA)⁻¹ Aᵀ b, which fails on dependent columns."""
    return A @ np.linalg.solve(A.T @ A, A.T @ b)


def _orthonormal_same_span(tol: float = 1e-6):
    """Compare a Gram–Schmidt Q with the reference: the same shape, orthonormal columns, the same column space.

    Phrases complete "your function's result is …". When the second argument is
    itself not orthonormal, it is a likely bug's output (see ``_GS_BUGS``), and
    the question becomes "does the student's result fail in the same way?".
    """

    def compare(got, expected) -> str | None:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
        if g.shape != e.shape:
            return f"of shape {g.shape}, expected {e.shape}"
        err_g, err_e = linalg.orthogonality_error(g), linalg.orthogonality_error(e)
        if not err_e <= tol:  # a diagnosis: compare with the buggy output
            norms = np.linalg.norm(e, axis=0)
            if not np.allclose(norms, 1, atol=1e-3):  # unnormalised columns: the same columns up to sign
                scale = max(1.0, float(np.abs(e).max()))
                same = np.all((np.abs(g - e) <= 1e-6 * scale) | (np.abs(g + e) <= 1e-6 * scale))
                return None if same else "different"
            # lost orthogonality: by about as much (within a factor of 1000)
            return None if err_g > tol and 1e-3 <= err_g / err_e <= 1e3 else "different"
        if not err_g <= tol:
            return f"not orthonormal: ‖I − QᵀQ‖₂ = {err_g:.1e}"
        # Each column of A's orthonormal basis must lie in the span of the student's orthonormal columns.
        leftover = np.linalg.norm(e - g @ (g.T @ e), axis=0)
        if np.any(leftover > 1e-6):
            return "orthonormal, but its columns do not span the same space as the columns of A"
        return None

    return compare


def _projection_compare(got, expected) -> str | None:
    g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return f"of shape {g.shape}, expected {e.shape}"
    scale = max(1.0, float(np.abs(e).max(initial=0.0)))
    return None if np.all(np.abs(g - e) <= 1e-6 * scale) else "not the projection of b onto C(A)"


_GS_BUGS = (
    (_classical_gs, "It looks like classical Gram–Schmidt: computing every coefficient from the original column "
                    "lets rounding errors pile up on ill-conditioned matrices; subtract each projection from the "
                    "running remainder (modified Gram–Schmidt) instead"),
    (_unnormalised_gs, "Your columns are orthogonal but not of length one: divide each by its norm"),
)

_PROJECT_BUGS = (
    (_normal_equations, "It looks as if you solve the normal equations AᵀA x = Aᵀb: AᵀA is singular when the "
                        "columns of A are dependent; build an orthonormal basis of C(A) first (or use lstsq)"),
)


def _on_line(p: np.ndarray) -> str | None:
    a = LINE_A
    off = p - (p @ a) / (a @ a) * a
    if np.linalg.norm(off) > 1e-6 * max(1.0, np.linalg.norm(p)):
        return "your p is not on the line through a: it is not a multiple of a"
    return None


def _residual_orthogonal_to_a(p: np.ndarray) -> str | None:
    d = float((LINE_B - p) @ LINE_A)
    if abs(d) > 1e-6 * np.linalg.norm(LINE_A) * np.linalg.norm(LINE_B):
        return f"your residual b − p is not orthogonal to a: (b − p)·a = {d:.3g}"
    return None


def _in_plane(p: np.ndarray) -> str | None:
    if not linalg.in_span(PLANE_A, p, tol=1e-6 * max(1.0, float(np.linalg.norm(p)))):
        return "your p is not in the column space of A: it is not a combination of a1 and a2"
    return None


def _residual_orthogonal_to_plane(p: np.ndarray) -> str | None:
    d = PLANE_A.T @ (PLANE_B - p)
    if np.abs(d).max() > 1e-6 * np.linalg.norm(PLANE_B):
        j = int(np.argmax(np.abs(d)))
        return f"your residual b − p is not orthogonal to a{j + 1}: (b − p)·a{j + 1} = {d[j]:.3g}"
    return None


def _symmetric(P: np.ndarray) -> str | None:
    if not np.allclose(P, P.T, atol=1e-9):
        return "P is not symmetric, so it is not an orthogonal projection"
    return None


def _idempotent(P: np.ndarray) -> str | None:
    if not np.allclose(P @ P, P, atol=1e-9):
        return "P @ P ≠ P: projecting twice must give the same as projecting once"
    return None


def _onto_the_plane(P: np.ndarray) -> str | None:
    if not np.allclose(P @ NORMAL_PLANE, 0, atol=1e-9):
        return "P does not send the normal (1, 1, 1) to zero, so it does not project onto the plane x1 + x2 + x3 = 0"
    if round(float(np.trace(P))) != 2:
        return f"P projects onto a subspace of dimension {round(float(np.trace(P)))} (its trace), not onto a plane"
    return None


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (the same for every ``variant``).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['ortho.1', 'ortho.2', 'ortho.3']
    >>> round(questions()[1].expected, 6)
    0.596285
    """
    orthogonal = bool(X_PQ @ Y_PQ == 0)
    cos_uv = linalg.cosine_similarity(COS_U, COS_V)
    p_plane, r_plane = linalg.project_onto_subspace(PLANE_B, PLANE_A)
    X = np.column_stack([np.ones(len(DATA)), DATA[:, 0]])
    w_data = linalg.least_squares(X, DATA[:, 1])[0]
    normal = np.cross(ORTH_TO[:, 0], ORTH_TO[:, 1])[:, None]
    choice_10 = [np.array(M, dtype=float) for M in (
        [[1, 0], [0, 0]], [[1, 1], [0, 0]], [[0.5, 0.5], [0.5, 0.5]], [[2, 0], [0, 0]])]
    is_proj = [bool(np.allclose(M @ M, M) and np.allclose(M, M.T)) for M in choice_10]
    answer_10 = {(True, False, True, False): "C"}[tuple(is_proj)]  # A and C are both projections: ask for both
    return (
        Choice("ortho.1", variable="orthogonal_xy",
               options=["yes: x·y = 0", "no: x·y ≠ 0", "no: they have the same length",
                        "cannot tell without the angle"], answer="A" if orthogonal else "B",
               hints={"B": "compute x·y = 3·4 + 4·(−3) again",
                      "C": "equal lengths say nothing about the angle",
                      "D": "the dot product decides it: x·y = 0 means a right angle"}),
        Number("ortho.2", variable="cos_uv", expected=cos_uv, name="the cosine similarity of u and v", rtol=1e-6,
               mistakes={float(COS_U @ COS_V): "that is the dot product u·v: divide by ‖u‖ ‖v‖",
                         float(np.degrees(np.arccos(cos_uv))): "that is the angle in degrees, not its cosine"}),
        Array("ortho.3", variable="p_line", shape=(3,), conditions=(_on_line, _residual_orthogonal_to_a)),
        Array("ortho.4", variable="p_plane", shape=(3,), conditions=(_in_plane, _residual_orthogonal_to_plane)),
        Number("ortho.5", variable="dist_plane", expected=float(np.linalg.norm(r_plane)),
               name="the distance from b to the plane", rtol=1e-6,
               mistakes={float(np.linalg.norm(r_plane)) ** 2: "that is the squared distance: take the square root",
                         float(np.linalg.norm(p_plane)): "that is the length of the projection p, not of b − p"}),
        Array("ortho.6", variable="P_plane", shape=(3, 3), conditions=(_symmetric, _idempotent, _onto_the_plane)),
        Subspace("ortho.7", variable="complement", basis=normal,
                 name="the orthogonal complement of span{(1, 2, 3), (1, 0, −1)}", matrix=ORTH_TO.T,
                 matrix_name="the matrix with rows (1, 2, 3) and (1, 0, −1)"),
        Function("ortho.8", points=3, variable="project", function_name="project", make_cases=project_cases,
                 reference=_reference_project, output="array", compare=_projection_compare,
                 forbidden=FORBIDDEN_PROJECT, diagnoses=_PROJECT_BUGS),
        Function("ortho.9", points=3, variable="gram_schmidt", function_name="gram_schmidt", make_cases=gs_cases,
                 reference=_reference_gs, output="array", compare=_orthonormal_same_span(1e-6),
                 forbidden=FORBIDDEN_QR, diagnoses=_GS_BUGS),
        Array("ortho.10", variable="w_fit", shape=(2,), expected=w_data, labels=["w0 (intercept)", "w1 (slope)"]),
        Choice("ortho.11", variable="null_projection",
               options=["always the zero vector", "always b itself",
                        "it depends on A: for A = [[0, 1], [0, 0]] and b = (1, 0) it is b itself",
                        "zero exactly when b is also in the left null space N(Aᵀ)"],
               answer="D",
               hints={"A": "N(A) is orthogonal to the row space, not the column space: try A = [[0, 1], [0, 0]]",
                      "B": "for a symmetric A the answer is zero",
                      "C": "true for that example, but the question asks when the projection is zero for every "
                           "square A; read the last option"}),
        Choice("ortho.12", variable="projection_matrix",
               options=["[[1, 0], [0, 0]] only", "[[1, 1], [0, 0]] only",
                        "[[1, 0], [0, 0]] and [[0.5, 0.5], [0.5, 0.5]]", "[[2, 0], [0, 0]]"],
               answer=answer_10,
               hints={"A": "[[0.5, 0.5], [0.5, 0.5]] is symmetric and squares to itself too: it projects onto the "
                           "line through (1, 1)",
                      "B": "[[1, 1], [0, 0]] squares to itself but is not symmetric: an oblique projection",
                      "D": "[[2, 0], [0, 0]] squared is [[4, 0], [0, 0]]: applying it twice is not applying it once"}),
        Choice("ortho.13", variable="attention",
               options=["the cosine similarity of q and k", "the dot product q·k divided by √d",
                        "the distance ‖q − k‖", "the projection of q onto k"],
               answer="B",
               hints={"A": "attention does not divide by ‖q‖ ‖k‖: a longer key gets a larger score",
                      "C": "a larger score means more aligned, not farther apart",
                      "D": "the projection is a vector; a score is a number"}),
        FreeText("ortho.14", points=2, variable="why_not_normal"),
    )
