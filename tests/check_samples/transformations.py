"""Samples for the ``transformations`` bank (lalib.checks.transformations, solutions/02-transformations.ipynb).

Right answers from RIGHT in tests/test_transformations_checks.py and the solutions
notebook; wrong ones from that file's table of mistakes, plus type errors.
"""

from __future__ import annotations

import math

import numpy as np

from lalib import transforms
from lalib.checks import transformations as T


def det_by_elimination(A):  # a student's honest answer, as in the solutions notebook
    U = np.array(A, dtype=float)
    n, det = len(U), 1.0
    for k in range(n):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if U[p, k] == 0:
            return 0.0
        if p != k:
            U[[k, p]] = U[[p, k]]
            det = -det
        det *= U[k, k]
        U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
    return float(det)


def _no_sign_flip(A):
    return T._eliminate(A, swap_sign=False)


def _abs_det(A):
    return abs(T.det_by_elimination(A))


def _diagonal_product(A):
    return float(np.prod(np.diag(A)))


def _numpy_det(A):
    return float(np.linalg.det(A))


def _changes_its_input(A):
    A *= 2
    return T.det_by_elimination(A) / 2 ** len(A)


def _rounded(A):
    return int(round(T.det_by_elimination(A)))


def _no_pivoting(A):
    U = np.array(A, dtype=float)
    d = 1.0
    for k in range(len(U)):
        d *= U[k, k]
        U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
    return float(d)


TINY_DET = ("Not necessarily: the determinant is a product of 512 factors, tiny whenever they are a little "
            "below 1; the smallest singular value relative to the largest says how close it is to singular.")

# qid -> (right answers, wrong answers)
SAMPLES = {
    "transformations.1": ([np.array([[2, -1], [1, 3]]), [[2.0, -1.0], [1.0, 3.0]]],
                          [[[2, 1], [-1, 3]], [[2, -1], [1, 4]], [2, -1, 1, 3], "A"]),
    "transformations.2": ([transforms.rotation(math.pi / 3),
                           np.array([[np.cos(np.radians(60)), -np.sin(np.radians(60))],
                                     [np.sin(np.radians(60)), np.cos(np.radians(60))]])],
                          [transforms.rotation(-math.pi / 3), transforms.rotation(60.0), np.eye(3), np.eye(2)]),
    "transformations.3": ([np.array([[0, -1], [-1, 0]]), T.F @ T.R],
                          [np.array([[0, 1], [1, 0]]), np.array([[1, -1], [1, -1]]), [[0, -1, -1, 0]]]),
    "transformations.4": ([10, 10.0, np.int64(10)], [14, -10, 2, "10", True]),
    "transformations.5": (["A", "a", "(A)"], ["B", "C", "D", 1]),
    "transformations.6": ([-6.0, -6, 2 * -3], [-1, 6, "-6", [-6]]),
    "transformations.7": ([4.5, 3 * 1.5], [-4.5, 3, 0.5, float("nan"), "4.5"]),
    "transformations.8": ([np.array([-3.0, -6.0]), [[1, 2]], [[2, 4]]], [[[-2, 1]], [[0, 0]], [[1, 2], [2, 4]], "x"]),
    "transformations.9": ([[[4, -2]], [[-2, 1]]], [[[1, 2]], [[-2, 1], [2, -1]], [[0, 0]], "(-2, 1)"]),
    "transformations.10": ([[[0.5, -1], [-0.5, 2]], np.linalg.inv(np.array([[4.0, 2], [1, 1]]))],
                           [[[1, -2], [-1, 4]], [[0.25, 0.5], [1, 1]], [[4, 1], [2, 1]], [[1, 0], [0]]]),
    "transformations.11": ([det_by_elimination, T.det_by_elimination],
                           [_no_sign_flip, _abs_det, _diagonal_product, _numpy_det, _changes_its_input, _rounded,
                            _no_pivoting, lambda A: "det", "det_by_elimination"]),
    "transformations.12": ([TINY_DET], ["   ", 0.0]),
    "transformations.13": ([np.array([7.5, -2]), [0, -2], np.array([[0], [-2]])], [[0, 2], [1, 1], [0, -2, 0], "b"]),
}
