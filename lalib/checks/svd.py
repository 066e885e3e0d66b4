"""The question bank of chapter 7, *The singular value decomposition* (exercise set id ``"svd"``).

This module is the **answer key** of ``solutions/07-svd.ipynb``: the grader
and every notebook check judge against what :func:`questions` builds here.
Every expected value is computed from the problem's own numbers with numpy
and :mod:`lalib.svd`, never typed by hand. Singular vectors are accepted up
to sign (their length must be 1).
"""

from __future__ import annotations

import numpy as np

from lalib.checks.compare import allclose
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question
from lalib.svd import break_even_rank, low_rank_approx

__all__ = ["questions", "A_HAND", "C_RANK", "SIGMAS", "K_TRUNC", "IMAGE_SHAPE", "ATA_EIGENVALUES", "LORA_SHAPE",
           "LORA_RANK", "low_rank_cases", "FORBIDDEN"]

# svd.1-3: a 2×2 matrix whose AᵀA has integer eigenvalues (8 and 2).
A_HAND = np.array([[2.0, 2.0], [-1.0, 1.0]])
# svd.5, 6, 8: the singular values of some matrix, and the rank kept.
SIGMAS = np.array([10.0, 6.0, 3.0, 1.0, 0.5])
K_TRUNC = 2
# svd.7: an image's shape.
IMAGE_SHAPE = (300, 200)
# svd.13: the eigenvalues of AᵀA for a 3×3 A.
ATA_EIGENVALUES = np.array([49.0, 4.0, 0.0])
# svd.15: a LoRA update of a 1024×4096 weight.
LORA_SHAPE = (1024, 4096)
LORA_RANK = 8

# svd.9 asks for the truncation itself: lalib's (and scikit-learn's) ready-made ones are refused.
FORBIDDEN = ("lalib.svd", "sklearn.decomposition", "sklearn.utils.extmath")


def _make_c_rank() -> np.ndarray:
    """A 5×5 matrix with singular values 9.1, 2.3, 4e-3 and two rounding-level ones (a true rank of 3)."""
    rng = np.random.default_rng(7)
    Q1, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    Q2, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    return Q1 @ np.diag([9.1, 2.3, 4e-3, 0.0, 0.0]) @ Q2.T


# svd.4: its rank in floating point (the zeros come back as ~1e-16).
C_RANK = _make_c_rank()


def _singular_vector(expected: np.ndarray, name: str, which: str) -> "callable":
    """A condition: a unit vector equal to ``expected`` up to sign."""
    def condition(x: np.ndarray) -> str | None:
        norm = float(np.linalg.norm(x))
        if norm == 0:
            return f"{name} is the zero vector: a singular vector has length 1"
        if abs(norm - 1) > 1e-6:
            return f"{name} has length {norm:.4g}: singular vectors are unit vectors, divide by the length"
        if min(np.linalg.norm(x - expected), np.linalg.norm(x + expected)) <= 1e-6:
            return None
        return f"{name} is not {which}, even up to sign"
    return condition


def _singular_values(expected: np.ndarray) -> "callable":
    def condition(s: np.ndarray) -> str | None:
        if (s < 0).any():
            return "singular values are lengths, never negative: the sign belongs in a singular vector"
        if np.allclose(s, expected, rtol=1e-6):
            return None
        if np.allclose(np.sort(s)[::-1], expected, rtol=1e-6):
            return "these are the singular values, but list them largest first, as σ₁ ≥ σ₂"
        if np.allclose(np.sort(s)[::-1], expected ** 2, rtol=1e-6):
            return "those are the eigenvalues of AᵀA, the squares of the singular values: take square roots"
        return "these are not the singular values of A, which are the square roots of the eigenvalues of AᵀA"
    return condition


def _gapped_singular_values(rng: np.random.Generator, r: int) -> np.ndarray:
    """r decreasing singular values with clear gaps, so every truncation is unique."""
    return np.sort(rng.uniform(1, 10, r))[::-1] * (1 + 0.5 * np.arange(r, 0, -1))


def _with_singular_values(rng: np.random.Generator, m: int, n: int, s: np.ndarray) -> np.ndarray:
    Q1, _ = np.linalg.qr(rng.standard_normal((m, m)))
    Q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    S = np.zeros((m, n))
    S[np.arange(len(s)), np.arange(len(s))] = s
    return Q1 @ S @ Q2.T


def low_rank_cases(seed: int) -> list[Case]:
    """Fresh matrices and ranks for ``low_rank(A, k)``.

    Tall, wide and square; ``k = 1``; ``k = min(m, n)`` (the answer is ``A``);
    a rank-deficient matrix with ``k`` above its rank (the answer is ``A``);
    an integer matrix; entries near 1e100. Every truncation is unique (the
    kept and dropped singular values differ).

    Examples
    --------
    >>> [c.description for c in low_rank_cases(0)][:2]
    ['a tall 7×4 matrix, k = 2', 'a wide 3×6 matrix, k = 1']
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, k: int, description: str) -> None:
        m, n = A.shape
        cases.append(Case((np.ascontiguousarray(A, dtype=float), k), f"{description.format(m=m, n=n)}, k = {k}"))

    add(_with_singular_values(rng, 7, 4, _gapped_singular_values(rng, 4)), 2, "a tall {m}×{n} matrix")
    add(_with_singular_values(rng, 3, 6, _gapped_singular_values(rng, 3)), 1, "a wide {m}×{n} matrix")
    add(_with_singular_values(rng, 5, 5, _gapped_singular_values(rng, 5)), 3, "a square {m}×{n} matrix")
    add(_with_singular_values(rng, 4, 3, _gapped_singular_values(rng, 3)), 3, "a {m}×{n} matrix with k = min(m, n)")
    s = np.r_[_gapped_singular_values(rng, 2), 0.0, 0.0]
    add(_with_singular_values(rng, 6, 4, s), 3, "a {m}×{n} matrix of rank 2")
    add(np.array([[3.0, 1, 0, 2], [1, 4, 1, 0], [0, 1, 5, 1]]), 2, "an integer {m}×{n} matrix")
    add(_with_singular_values(rng, 4, 4, _gapped_singular_values(rng, 4)) * 1e100, 2,
        "a {m}×{n} matrix with entries near 1e100")
    return cases


def _reference(A: np.ndarray, k: int) -> np.ndarray:
    return low_rank_approx(A, k)


def _terms(A: np.ndarray, lo: int, hi: int, weights: bool = True) -> np.ndarray:
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    w = s[lo:hi] if weights else np.ones(max(0, min(hi, len(s)) - lo))
    return (U[:, lo:hi] * w) @ Vt[lo:hi]


_LOW_RANK_BUGS = (
    (lambda A, k: _terms(A, 0, k + 1), "It looks as if you keep k + 1 terms: A_k keeps σ₁ to σ_k, "
                                       "which in 0-based slicing is [:k]"),
    (lambda A, k: _terms(A, 0, k - 1), "It looks as if you keep k − 1 terms: slice [:k] keeps k of them"),
    (lambda A, k: _terms(A, 0, k, weights=False), "It looks as if you left out the singular values: "
                                                  "A_k = U_k Σ_k V_kᵀ, with σᵢ weighting each term"),
    (lambda A, k: _terms(A, min(A.shape) - k, min(A.shape)),
     "It looks as if you kept the k smallest singular values: NumPy returns them largest first, "
     "so keep the first k"),
)


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (``variant`` is accepted for the common interface; every variant is the book's).

    Parameters
    ----------
    variant : int, optional

    Returns
    -------
    tuple of Question

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['svd.1', 'svd.2', 'svd.3']
    >>> len(questions())
    15
    """
    U, s, Vt = np.linalg.svd(A_HAND)
    v1, u1 = Vt[0], U[:, 0]
    s_c = np.linalg.svd(C_RANK, compute_uv=False)
    rank_c = int(np.linalg.matrix_rank(C_RANK))
    assert rank_c == 3
    tail = SIGMAS[K_TRUNC:]
    fro = float(np.sqrt(np.sum(tail ** 2)))
    m, n = IMAGE_SHAPE
    k_break = break_even_rank(m, n)
    assert k_break * (m + n + 1) < m * n <= (k_break + 1) * (m + n + 1)
    energy = float(np.sum(SIGMAS[:K_TRUNC] ** 2) / np.sum(SIGMAS ** 2))
    lm, ln = LORA_SHAPE
    return (
        Array("svd.1", variable="sigma_A", shape=(2,), conditions=(_singular_values(s),)),
        Array("svd.2", variable="v1", shape=(2,),
              conditions=(_singular_vector(v1, "v1", "the first right singular vector (the eigenvector of AᵀA "
                                                     "for its largest eigenvalue)"),)),
        Array("svd.3", variable="u1", shape=(2,),
              conditions=(_singular_vector(u1, "u1", "the first left singular vector, A v₁ / σ₁"),)),
        Number("svd.4", variable="rank_C", expected=rank_c, name="the numerical rank of C", integer=True,
               mistakes={5: "5 counts singular values of about 1e-16 as non-zero: those are rounding of exact zeros",
                         2: f"{s_c[2]:.0e} is small, but far above NumPy's rounding tolerance "
                            f"max(m, n)·ε·σ₁ ≈ {5 * np.finfo(float).eps * s_c[0]:.0e}: it counts"}),
        Number("svd.5", variable="err_fro", expected=fro, name="the Frobenius error ‖A − A_k‖_F", rtol=1e-6,
               mistakes={float(SIGMAS[K_TRUNC]): "that is the spectral-norm error σₖ₊₁; the Frobenius error "
                                                 "collects every discarded σᵢ",
                         fro ** 2: "that is the squared error: take the square root",
                         float(tail.sum()): "add the squares of the discarded singular values, then take the root",
                         float(SIGMAS[K_TRUNC - 1]): "σ_k is kept in A_k; the error starts at σₖ₊₁"}),
        Number("svd.6", variable="err_spec", expected=float(SIGMAS[K_TRUNC]), name="the spectral error ‖A − A_k‖₂",
               rtol=1e-6,
               mistakes={float(SIGMAS[K_TRUNC - 1]): "σ_k is kept in A_k; the error is the largest discarded one",
                         fro: "that is the Frobenius error; the spectral norm is the largest discarded σ alone"}),
        Number("svd.7", variable="k_break", expected=k_break, name="the break-even rank", integer=True,
               mistakes={k_break + 1: f"at k = {k_break + 1} the factors take {(k_break + 1) * (m + n + 1):,} "
                                      f"numbers, not fewer than the {m * n:,} pixels",
                         min(m, n): "every k below min(m, n) is a smaller rank, but not a smaller storage: "
                                    "solve k(m + n + 1) < mn"}),
        Number("svd.8", variable="energy_2", expected=energy, name="the fraction of the energy kept", rtol=1e-6,
               mistakes={100 * energy: "give a fraction between 0 and 1, not a percentage",
                         float(SIGMAS[:K_TRUNC].sum() / SIGMAS.sum()): "energy adds the squares σᵢ², not the σᵢ",
                         1 - energy: "that is the energy discarded, not kept"}),
        Function("svd.9", points=3, variable="low_rank", function_name="low_rank", make_cases=low_rank_cases,
                 reference=_reference, output="array", compare=allclose(1e-8), forbidden=FORBIDDEN,
                 diagnoses=_LOW_RANK_BUGS),
        Choice("svd.10", variable="eckart_young",
               options=["A_k is the closest matrix of rank exactly k to A, in the Frobenius norm only",
                        "no matrix of rank at most k is closer to A than A_k, in the spectral and the Frobenius "
                        "norm; the spectral error is σₖ₊₁",
                        "A_k is closest because it keeps the k largest entries of A",
                        "the error of A_k is σ_k, the last singular value kept"],
               answer="B",
               hints={"A": "over rank exactly k there may be no closest matrix at all (when rank A < k), and the "
                           "theorem holds in both norms",
                      "C": "A_k keeps the k largest singular values, not entries; it usually changes every entry",
                      "D": "σ_k is kept; the error starts at the first discarded value"}),
        Choice("svd.11", variable="jpeg_claim",
               options=["keeping the largest singular values gives a smaller file with the same image",
                        "truncated SVD is lossy: for k below the rank the image changes, and the factors only "
                        "take less space when k(m + n + 1) < mn",
                        "any k < min(m, n) saves space and loses nothing visible",
                        "at k = min(m, n) the factors are smaller than the image and exact"],
               answer="B",
               hints={"A": "the rank-k image differs from the original by √(σₖ₊₁² + ...) unless those are all zero",
                      "C": "the break-even is k < mn/(m + n + 1), about half of min(m, n) for a square image",
                      "D": "at full rank the factors take k(m + n + 1) numbers, about twice mn for a square image"}),
        Choice("svd.12", variable="reflection",
               options=["U and V can both be chosen to be rotations",
                        "exactly one of U and V has determinant −1, and which one depends on the signs chosen",
                        "Σ must have a negative entry",
                        "A has no singular value decomposition"],
               answer="B",
               hints={"A": "det A = det U · det Σ · det V with det Σ > 0, so det U · det V = −1",
                      "C": "singular values are never negative: the flip must come from U or V",
                      "D": "every real matrix has an SVD"}),
        Number("svd.13", variable="sigma_max", expected=float(np.sqrt(ATA_EIGENVALUES.max())),
               name="the largest singular value of A", rtol=1e-6,
               mistakes={float(ATA_EIGENVALUES.max()): "that is σ₁², the eigenvalue of AᵀA: take the square root",
                         -float(np.sqrt(ATA_EIGENVALUES.max())): "singular values are lengths, never negative"}),
        FreeText("svd.14", points=2, variable="why_lora"),
        Number("svd.15", variable="lora_params", expected=LORA_RANK * (lm + ln), name="the number of trained "
               "parameters", integer=True,
               mistakes={lm * ln: "that is the full weight matrix; LoRA trains only B (m × r) and A (r × n)",
                         LORA_RANK * (lm + ln + 1): "LoRA stores no singular values: B and A only, r(m + n)",
                         LORA_RANK * lm * ln: "B A has r(m + n) entries in its factors, not r·m·n"}),
    )
