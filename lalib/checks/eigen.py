"""The question bank of chapter 6, *Eigenvalues and eigenvectors* (exercise set id ``"eigen"``).

This module is the **answer key** of ``solutions/06-eigen.ipynb``: the grader
and every notebook check judge against what :func:`questions` builds here.
Every expected value is computed from the problem's own matrices with numpy
and :mod:`lalib.linalg`, never typed by hand. Eigenvectors are accepted up to
sign and scale, eigenvalues and eigenpairs in any order.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.compare import up_to_column_signs
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question
from lalib.linalg.spectral import max_stable_learning_rate, power_iterates, stationary_distribution

__all__ = ["questions", "A_HAND", "M_SEED", "V_CLAIM", "LECTURE", "MARKOV", "HESSIAN", "RATIO", "EXPLORER",
           "power_cases", "reference_power_iteration", "FORBIDDEN", "K_POWER"]

# eigen.1-2: a 2×2 matrix whose characteristic polynomial factors over the integers.
A_HAND = np.array([[4.0, 1], [2, 3]])
# eigen.3: the seed notebook's 3×3 matrix and a claimed eigenvector.
M_SEED = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
V_CLAIM = np.array([1.0, -2, 1])
# eigen.5-6: Lecture 2's diagonalization example, corrected.
LECTURE = np.array([[5.0, 3], [3, 5]]) / 4
K_POWER = 10
# eigen.8: a three-state Markov chain (rows: from; columns: to).
MARKOV = np.array([[0.8, 0.15, 0.05], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6]])
# eigen.9: the Hessian of a quadratic loss.
HESSIAN = np.array([[6.0, 2], [2, 3]])
# eigen.13: power iteration's convergence ratio.
RATIO = np.array([[5.0, 2], [2, 2]])
# eigen.14: the explorer's matrix, with a negative eigenvalue.
EXPLORER = np.array([[1.0, 2], [2, 1]])

# eigen.7 is "iterate yourself": anything that reads eigenvectors off a factorization is refused.
FORBIDDEN = ("numpy.linalg.eig", "numpy.linalg.eigh", "numpy.linalg.eigvals", "numpy.linalg.eigvalsh",
             "numpy.linalg.svd", "scipy.linalg", "scipy.sparse.linalg", "torch.linalg", "lalib.linalg")


def _eigenvector_of(A: np.ndarray, lam: float, name: str, what: str, wanted: str) -> "callable":
    """A condition: the answer is a non-zero v with A v = lam v (scale-invariant)."""
    def condition(v: np.ndarray) -> str | None:
        if not np.any(v):
            return f"{what} is the zero vector: A 0 = 0 for every matrix, so an eigenvector must be non-zero"
        Av = A @ v
        scale = np.linalg.norm(A, 2) * np.linalg.norm(v)
        if np.linalg.norm(Av - lam * v) <= 1e-8 * scale:
            return None
        # Is it an eigenvector at all, for another eigenvalue?
        mu = float(v @ Av / (v @ v))
        if np.linalg.norm(Av - mu * v) <= 1e-8 * scale:
            return f"{what} is an eigenvector of {name}, but for the eigenvalue {mu:.4g}: {wanted}"
        return f"{name} @ {what} is not a multiple of {what}, so it is not an eigenvector"
    return condition


def _as_set(expected: np.ndarray, what: str) -> "callable":
    """A condition: the entries are the expected eigenvalues in any order."""
    target = np.sort(np.asarray(expected, dtype=float))

    def condition(values: np.ndarray) -> str | None:
        got = np.sort(values)
        wrong = np.abs(got - target) > 1e-6 * max(1.0, float(np.abs(target).max()))
        if not wrong.any():
            return None
        if abs(got.sum() - target.sum()) > 1e-6 * max(1.0, abs(target.sum())):
            return f"the {what} must add up to the trace of A (a + d), and yours do not"
        return f"the {what} add up to the trace, but their product is not det(A) = ad − bc"
    return condition


def _diagonalization(PD: np.ndarray) -> str | None:
    P, D = PD
    if np.abs(D - np.diag(np.diag(D))).max() > 1e-12 * max(1.0, np.abs(D).max()):
        return "D (PD[1]) is not diagonal"
    if np.linalg.matrix_rank(P) < 2 or np.linalg.cond(P) > 1e8:
        return "P (PD[0]) is singular: its columns are dependent, so P⁻¹ does not exist"
    for j in range(2):
        v, lam = P[:, j], D[j, j]
        if np.linalg.norm(LECTURE @ v - lam * v) > 1e-8 * np.linalg.norm(v) * max(1.0, abs(lam)):
            return (f"column {j + 1} of P is not an eigenvector of A for D[{j}, {j}]: the eigenvalues in D must "
                    "sit in the same order as their eigenvectors in P")
    return None


def _probability_vector(pi: np.ndarray) -> str | None:
    if pi.sum() < 0 and (pi <= 1e-12).all():
        return ("all your entries are negative: an eigenvector's sign is free, so flip it (and scale it so "
                "the entries sum to 1)")
    if (pi < -1e-12).any():
        return "a probability vector has no negative entries"
    if abs(pi.sum() - 1) > 1e-6:
        return f"your entries sum to {pi.sum():.6g}: scale the eigenvector so that they sum to 1"
    if np.abs(pi @ MARKOV - pi).max() > 1e-6:
        return "pi @ P is not pi: find the left eigenvector of P for the eigenvalue 1 (an eigenvector of P.T)"
    return None


def reference_power_iteration(A: np.ndarray, num_iters: int) -> np.ndarray:
    """The reference of eigen.7: ``num_iters`` normalized steps from the all-ones vector.

    Examples
    --------
    >>> np.round(reference_power_iteration(np.array([[2.0, 1], [1, 2]]), 40), 6).tolist()
    [0.707107, 0.707107]
    """
    return power_iterates(A, np.ones(len(A)), num_iters)[0][-1]


def _with_spectrum(rng: np.random.Generator, eigenvalues: np.ndarray, symmetric: bool) -> np.ndarray:
    n = len(eigenvalues)
    if symmetric:
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        return Q @ np.diag(eigenvalues) @ Q.T
    V = rng.standard_normal((n, n)) + 2 * np.eye(n)  # well conditioned
    return V @ np.diag(eigenvalues) @ np.linalg.inv(V)


def power_cases(seed: int) -> list[Case]:
    """Fresh matrices with a dominant eigenvalue for ``power_iteration(A, num_iters)``.

    Symmetric and non-symmetric, a negative dominant eigenvalue (the sign flips
    every step), a slow ratio |λ₂/λ₁| = 0.9, entries near 1e150 and 1e-150 (an
    iteration that does not normalize every step overflows or underflows), an
    integer matrix, and a single step (``num_iters = 1``).

    Examples
    --------
    >>> [c.description for c in power_cases(0)][:2]
    ['a symmetric 3×3 matrix, 60 steps', 'a non-symmetric 4×4 matrix, 80 steps']
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def add(A: np.ndarray, steps: int, description: str) -> None:
        n = len(A)
        cases.append(Case((np.ascontiguousarray(A, dtype=float), steps), f"{description.format(n=n)}, {steps} steps"))

    def spectrum(n: int, top: float, ratio: float) -> np.ndarray:
        rest = top * ratio * rng.uniform(-1, 1, n - 1)
        rest[0] = top * ratio * rng.choice([-1.0, 1.0])
        return np.r_[top, rest]

    add(_with_spectrum(rng, spectrum(3, rng.uniform(2, 5), 0.5), True), 60, "a symmetric {n}×{n} matrix")
    add(_with_spectrum(rng, spectrum(4, rng.uniform(2, 5), 0.5), False), 80, "a non-symmetric {n}×{n} matrix")
    add(_with_spectrum(rng, spectrum(3, -rng.uniform(2, 5), 0.4), False),
        50, "a {n}×{n} matrix whose dominant eigenvalue is negative")
    add(_with_spectrum(rng, spectrum(5, 1.0, 0.9), True), 400, "a symmetric {n}×{n} matrix with |λ₂/λ₁| = 0.9")
    add(_with_spectrum(rng, spectrum(3, 3.0, 0.5), False) * 1e150, 100, "a {n}×{n} matrix with entries near 1e150")
    add(_with_spectrum(rng, spectrum(3, 3.0, 0.5), True) * 1e-150, 100, "a {n}×{n} matrix with entries near 1e-150")
    add(np.array([[2.0, 1, 0], [1, 3, 1], [0, 1, 4]]), 70, "an integer {n}×{n} matrix")
    add(_with_spectrum(rng, spectrum(4, 2.0, 0.5), False), 1, "a {n}×{n} matrix")
    return cases


def _unnormalized(A: np.ndarray, num_iters: int) -> np.ndarray:
    x = np.ones(len(A))
    for _ in range(num_iters):
        x = A @ x
    return x


def _one_extra(A: np.ndarray, num_iters: int) -> np.ndarray:
    return reference_power_iteration(A, num_iters + 1)


def _one_short(A: np.ndarray, num_iters: int) -> np.ndarray:
    return reference_power_iteration(A, num_iters - 1)


_POWER_BUGS = (
    (_unnormalized, "It looks as if you never normalize x: divide by its norm after every step, or its "
                    "length grows or shrinks like |λ₁|^k until it overflows or underflows"),
    (_one_extra, "It looks as if your loop runs one step too many: num_iters multiplications by A"),
    (_one_short, "It looks as if your loop runs one step too few: num_iters multiplications by A"),
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
    ['eigen.1', 'eigen.2', 'eigen.3']
    >>> len(questions())
    14
    """
    lam_hand = np.linalg.eigvals(A_HAND).real
    lam_claim = float(V_CLAIM @ M_SEED @ V_CLAIM / (V_CLAIM @ V_CLAIM))
    assert np.allclose(M_SEED @ V_CLAIM, lam_claim * V_CLAIM)
    w_ratio = np.sort(np.abs(np.linalg.eigvalsh(RATIO)))
    lam_explorer = float(np.linalg.eigvalsh(EXPLORER).min())
    return (
        Array("eigen.1", variable="eigenvalues_A", shape=(2,), conditions=(_as_set(lam_hand, "eigenvalues"),)),
        Array("eigen.2", variable="v_top", shape=(2,),
              conditions=(_eigenvector_of(A_HAND, float(lam_hand.max()), "A", "v_top",
                                          "the question asks for the larger eigenvalue's direction"),)),
        Number("eigen.3", variable="lam_claim", expected=lam_claim, name="the eigenvalue of v", rtol=1e-12,
               mistakes={2.9486e-07: "2.9486e-07 is float32 rounding, not the eigenvalue: compute M @ v exactly"}),
        Choice("eigen.4", variable="meaning_of_5",
               options=["A turns v by 5 degrees",
                        "A sends v to a vector along the same line, pointing the same way and 5 times as long",
                        "every vector is stretched 5 times by A",
                        "v has length 5"],
               answer="B",
               hints={"A": "an eigenvector is not turned at all: A v lies on the line through v",
                      "C": "the factor 5 holds along v's line; other directions are stretched by other amounts",
                      "D": "any multiple of v is an eigenvector too, whatever its length"}),
        Array("eigen.5", variable="PD", shape=(2, 2, 2), conditions=(_diagonalization,)),
        Array("eigen.6", variable="A_power", shape=(2, 2), expected=np.linalg.matrix_power(LECTURE, K_POWER),
              rtol=1e-9),
        Function("eigen.7", points=3, variable="power_iteration", function_name="power_iteration",
                 make_cases=power_cases, reference=reference_power_iteration, output="array",
                 compare=up_to_column_signs(1e-8), forbidden=FORBIDDEN, diagnoses=_POWER_BUGS),
        Array("eigen.8", variable="pi", shape=(3,), conditions=(_probability_vector,)),
        Number("eigen.9", variable="lr_max", expected=max_stable_learning_rate(HESSIAN),
               name="the largest stable learning rate", rtol=1e-6,
               mistakes={1 / np.linalg.eigvalsh(HESSIAN).max():
                         "that is 1/λ_max: gradient descent still converges up to twice that step",
                         2 / np.linalg.eigvalsh(HESSIAN).min():
                         "that step uses the smallest eigenvalue: the steepest direction, λ_max, diverges first"}),
        Choice("eigen.10", variable="symmetric_fact",
               options=["every eigenvalue of a real matrix is real",
                        "any two eigenvectors of a symmetric matrix are orthogonal",
                        "a real symmetric matrix has real eigenvalues and an orthonormal basis of eigenvectors",
                        "a matrix whose eigenvalues are all positive has xᵀAx > 0 for every x ≠ 0"],
               answer="C",
               hints={"A": "a rotation by 90° is real and has eigenvalues ±i",
                      "B": "for the identity every non-zero vector is an eigenvector, orthogonal or not; only "
                           "eigenvectors of different eigenvalues must be orthogonal",
                      "D": "true for symmetric matrices; [[1, −10], [0, 1]] has eigenvalues 1, 1 but (1, 1) "
                           "gives xᵀAx = −8"}),
        FreeText("eigen.11", points=2, variable="why_symmetric"),
        Choice("eigen.12", variable="not_diagonalizable",
               options=["[[2, 0], [0, 3]]", "[[1, 1], [0, 1]]", "[[0, −1], [1, 0]]", "[[1, 0], [0, 0]]"],
               answer="B",
               hints={"A": "it is already diagonal",
                      "C": "a rotation has no real eigenvector, but over the complex numbers it has two "
                           "independent ones (for ±i), so it is diagonalizable with complex P and D",
                      "D": "a projection has eigenvalues 1 and 0 with independent eigenvectors e₁, e₂"}),
        Number("eigen.13", variable="ratio", expected=float(w_ratio[0] / w_ratio[1]),
               name="the convergence ratio |λ₂/λ₁|", rtol=1e-6,
               mistakes={float(w_ratio[1] / w_ratio[0]): "that is |λ₁/λ₂|, upside down: the ratio is below 1"}),
        Array("eigen.14", variable="x_flip", shape=(2,),
              conditions=(_eigenvector_of(EXPLORER, lam_explorer, "A", "x_flip",
                                          "A keeps that direction pointing the same way; find the one it flips"),)),
    )
