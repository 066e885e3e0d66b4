"""Samples for the ``basis`` bank (lalib.checks.span_basis, solutions/04-span-basis.ipynb).

The one table of them: tests/test_span_basis_checks.py imports it too.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.span_basis import REDUNDANT
from lalib.linalg.coordinates import pivot_columns


def greedy(A):
    kept = []
    for j in range(A.shape[1]):
        if np.linalg.matrix_rank(A[:, kept + [j]]) > len(kept):
            kept.append(j)
    return kept


# qid -> (right answers, wrong answers)
SAMPLES = {
    "basis.1": (["B", "b", "{(1, 2), (2, 3)}"], ["A", "D", 2]),
    "basis.2": ([2, 2.0, np.int64(2)], [4, 3, "2", 2.5]),
    "basis.3": ([[2, -1], np.array([[2.0], [-1.0]])], [[-1, 2], [2, -1, 0], "2, -1"]),
    "basis.4": ([[1, -2, 1], [-2, 4, -2]], [[0, 0, 0], [1, 1, 1], [1, -2]]),
    "basis.5": ([3, 3.0], [0, 2, float("nan")]),
    "basis.6": ([REDUNDANT[:, [0, 1, 3]], REDUNDANT[:, [1, 3, 4]]], [REDUNDANT, REDUNDANT[:, :2], [[1, 2]]]),
    "basis.7": ([greedy], [lambda A: list(range(np.linalg.matrix_rank(A))), lambda A: 3, pivot_columns]),
    "basis.8": ([[[1, 0], [-1, 1]]], [[[1, -1], [0, 1]], np.eye(2), [1, 0, -1, 1]]),
    "basis.9": ([3], [4, 2]),
    "basis.10": (["B"], ["A", "D"]),
    "basis.11": ([[1, 0], np.array([1.0, 0.0])], [[1, 1], [4, 2], [0, 0]]),
    "basis.12": (["The weights are not unique."], ["   ", 12]),
    "basis.13": (["C", "c"], ["A", "B", "D"]),
}
