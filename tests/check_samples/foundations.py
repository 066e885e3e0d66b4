"""Samples for the ``foundations`` bank (lalib.checks.foundations, solutions/01-foundations.ipynb).

The one table of them: tests/test_foundations.py imports it too.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.foundations import A_HAND, B_HAND


def loop_matmul(A, B):
    m, n = A.shape
    p = B.shape[1]
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            for k in range(n):
                C[i, j] += A[i, k] * B[k, j]
    return C


def _loop_matmul_swapped_loops(A, B):
    return loop_matmul(A, B).T.T  # the same product, a different object


# qid -> (right answers, wrong answers)
SAMPLES = {
    "foundations.1": ([(32, 128), [32, 128], np.array([32, 128])], [(128, 32), (32, 784), "32, 128", (32, 128, 1)]),
    "foundations.2": ([(5, 3)], [(3, 5), (5, 1), (5.5, 3)]),
    "foundations.3": (["C", "c", "(C)"], ["A", "B", "E", 3]),
    "foundations.4": ([A_HAND @ B_HAND, (A_HAND @ B_HAND).tolist()], [B_HAND @ A_HAND, (A_HAND @ B_HAND).T]),
    "foundations.5": (["B"], ["A", "D"]),
    "foundations.6": ([[11, 7, 6]], [[11, 49, 6], [5, 7, 6], [11, 7]]),
    "foundations.7": ([5, 5.0], [25, 9, "5"]),
    "foundations.8": ([100480], [100352, 100480.5, True]),
    "foundations.9": ([45, 45.0000001], [0.7853981, 5, 90]),
    "foundations.10": ([loop_matmul, _loop_matmul_swapped_loops],
                       [lambda A, B: np.zeros((A.shape[0], B.shape[1])), lambda A, B: B, "matmul", 3]),
    "foundations.11": (["A stack of linear maps is one linear map."], ["  ", 7]),
    "foundations.12": ([[-1, 2], np.array([1.0, -2])], [[1, 2], [0, 0], [-1, 2, 0]]),
    "foundations.13": ([19267584], [4816896, 38535168]),
}
