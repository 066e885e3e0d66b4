"""Samples for the ``ortho`` bank (lalib.checks.orthogonality, solutions/05-orthogonality.ipynb).

Right answers from the solutions notebook and tests/test_orthogonality_bank.py;
wrong ones from that file's feedback tests, plus type errors and wrong functions.
"""

from __future__ import annotations

import numpy as np

N_PLANE = np.array([1.0, 1.0, 1.0])
P_PLANE = np.eye(3) - np.outer(N_PLANE, N_PLANE) / (N_PLANE @ N_PLANE)


def project(A, b):  # the solutions notebook's answer
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    U, s, _ = np.linalg.svd(A, full_matrices=False)
    tol = s.max(initial=0.0) * max(A.shape) * np.finfo(float).eps
    Q = U[:, s > tol]
    return Q @ (Q.T @ b)


def project_lstsq(A, b):
    return A @ np.linalg.lstsq(A, b, rcond=None)[0]


def project_inverse(A, b):  # the normal equations: fail on dependent columns
    return A @ np.linalg.inv(A.T @ A) @ A.T @ b


def _returns_b(A, b):
    return np.array(b, dtype=float)


def _returns_a_number(A, b):
    return float(np.linalg.norm(b))


def gram_schmidt(A):  # the solutions notebook's answer (modified Gram–Schmidt)
    V = np.array(A, dtype=float)
    m, n = V.shape
    Q = np.zeros((m, n))
    for j in range(n):
        Q[:, j] = V[:, j] / np.linalg.norm(V[:, j])
        V[:, j + 1:] -= np.outer(Q[:, j], Q[:, j] @ V[:, j + 1:])
    return Q


def _gram_schmidt_signs_flipped(A):
    return -gram_schmidt(A)


def classical_gram_schmidt(A):
    A = np.asarray(A, dtype=float)
    Q = np.zeros_like(A)
    for k in range(A.shape[1]):
        v = A[:, k] - Q[:, :k] @ (Q[:, :k].T @ A[:, k])
        Q[:, k] = v / np.linalg.norm(v)
    return Q


def _uses_qr(A):
    return np.linalg.qr(A)[0]


def _identity_columns(A):
    return np.eye(A.shape[0])[:, :A.shape[1]]


WHY_NOT_NORMAL = ("Forming X^T X squares the condition number, so the normal equations lose about twice as many "
                  "digits as QR, which works with X itself.")

# qid -> (right answers, wrong answers)
SAMPLES = {
    "ortho.1": (["A", "a", "(A)"], ["B", "C", "D", 0]),
    "ortho.2": ([4 / (3 * np.sqrt(5)), np.float64(4) / (3 * np.sqrt(5))], [4.0, 1, "0.596", [0.596]]),
    "ortho.3": ([[1, 2, 2], np.array([[1.0], [2.0], [2.0]])], [[3, 0, 3], [2, 4, 4], [1, 2], "a"]),
    "ortho.4": ([[0, 2, 2], np.array([0.0, 2.0, 2.0])], [[2, 0, 4], [1, 2, 1], [0, 2], "p"]),
    "ortho.5": ([2 * np.sqrt(3), float(np.linalg.norm([2.0, -2.0, 2.0]))], [12.0, np.sqrt(8), 3, "2√3"]),
    "ortho.6": ([P_PLANE, P_PLANE.tolist()],
                [[[1, 1, 0], [0, 0, 0], [0, 0, 0]], 2 * P_PLANE, np.eye(3), np.eye(2), "P"]),
    "ortho.7": ([[[2, -4, 2]], [[-1, 2, -1]], [np.cross([1, 2, 3], [1, 0, -1])]],
                [[[1, 2, 3]], [[0, 0, 0]], [[-1, 2, -1], [1, -2, 1]], "(-1, 2, -1)"]),
    "ortho.8": ([project, project_lstsq],
                [project_inverse, _returns_b, _returns_a_number, lambda A, b: np.zeros(A.shape[1]), "project"]),
    "ortho.9": ([gram_schmidt, _gram_schmidt_signs_flipped],
                [classical_gram_schmidt, _uses_qr, _identity_columns, lambda A: A, lambda A: 0, 9]),
    "ortho.10": ([[0.9, 0.9], np.array([[0.9], [0.9]])], [[0.9, 1.0], [1, 0.9], [0.9, 0.9, 0], "0.9, 0.9"]),
    "ortho.11": (["D", "d"], ["A", "B", "C", 4]),
    "ortho.12": (["C", "(C)"], ["A", "B", "D", None]),
    "ortho.13": (["B", "b"], ["A", "C", "D", 2]),
    "ortho.14": ([WHY_NOT_NORMAL], ["   ", 14]),
}
