"""Samples for the ``eigen`` bank (lalib.checks.eigen, solutions/06-eigen.ipynb).

Right answers from the solutions notebook and tests/test_eigen_checks.py; wrong
ones from that file's feedback tests, plus type errors and wrong functions.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.eigen import LECTURE, MARKOV


def power_iteration(A, num_iters):  # the solutions notebook's answer
    x = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(num_iters):
        y = A @ x
        x = y / np.linalg.norm(y)
    return x


def _power_iteration_sign_flipped(A, num_iters):
    return -power_iteration(A, num_iters)  # eigenvectors are free up to sign


def _unnormalized(A, num_iters):
    x = np.ones(A.shape[0])
    for _ in range(num_iters):
        x = A @ x
    return x


def _one_step_too_many(A, num_iters):
    return power_iteration(A, num_iters + 1)


def _uses_eig(A, num_iters):
    w, V = np.linalg.eig(A)
    return V[:, np.argmax(np.abs(w))].real


def _returns_a_number(A, num_iters):
    return float(np.linalg.norm(A))


def _stationary():
    w, V = np.linalg.eig(MARKOV.T)
    pi = np.real(V[:, np.argmin(np.abs(w - 1))])
    return pi / pi.sum()


PI = _stationary()
P_EIG, D_EIG = np.array([[1.0, -1], [1, 1]]), np.diag([2.0, 0.5])

WHY_SYMMETRIC = ("C is symmetric because (X^T X)^T = X^T X, so its eigenvalues are real and it has an "
                 "orthonormal basis of eigenvectors: the principal directions are perpendicular axes.")

# qid -> (right answers, wrong answers)
SAMPLES = {
    "eigen.1": ([[5, 2], [2, 5], np.array([2.0, 5.0]), [[5], [2]]], [[4, 2], [3, 4], [5, 2, 0], "5, 2"]),
    "eigen.2": ([np.array([1, 1]), [-3, -3], 1e-9 * np.ones(2)], [[1, -2], [1, 0], [0, 0], [1, 1, 1], "v"]),
    "eigen.3": ([0, 0.0], [2.9486e-07, 1e-7, 1, "0", None]),
    "eigen.4": (["B", "b", "(B)"], ["A", "C", "D", 5]),
    "eigen.5": ([np.stack([P_EIG, D_EIG]), np.stack([P_EIG[:, ::-1] * [3, -0.5], np.diag([0.5, 2.0])]),
                 np.stack([np.linalg.eigh(LECTURE)[1], np.diag(np.linalg.eigh(LECTURE)[0])])],
                [np.stack([np.array([[1.0, -1], [1, -1]]), D_EIG]), np.stack([P_EIG[:, ::-1], D_EIG]),
                 np.stack([P_EIG, np.ones((2, 2))]), P_EIG, "PD"]),
    "eigen.6": ([np.linalg.matrix_power(LECTURE, 10), P_EIG @ np.diag([2.0 ** 10, 0.5 ** 10]) @ np.linalg.inv(P_EIG)],
                [np.linalg.matrix_power(LECTURE, 9), LECTURE * 10, np.eye(3), "A ** 10"]),
    "eigen.7": ([power_iteration, _power_iteration_sign_flipped],
                [_unnormalized, _one_step_too_many, _uses_eig, _returns_a_number, lambda A, num_iters: A[:, 0],
                 "power_iteration"]),
    "eigen.8": ([PI, PI.tolist()], [np.abs(PI) / np.linalg.norm(PI), -PI, np.ones(3) / 3, [0.5, 0.5], "pi"]),
    "eigen.9": ([2 / 7, 2 / np.linalg.eigvalsh(np.array([[6.0, 2], [2, 3]])).max()], [1 / 7, 1, "2/7", [2 / 7]]),
    "eigen.10": (["C", "c"], ["A", "B", "D", 3]),
    "eigen.11": ([WHY_SYMMETRIC], ["  ", 11]),
    "eigen.12": (["B", "(b)"], ["A", "C", "D", None]),
    "eigen.13": ([1 / 6, np.float64(1) / 6], [6, 0.5, "1/6", float("inf")]),
    "eigen.14": ([np.array([1, -1]), [-2.5, 2.5], np.array([[1.0], [-1.0]])], [[1, 1], [1, 0], [0, 0], [1, -1, 0],
                                                                              "(1, -1)"]),
}
