"""Samples for the ``rank`` bank (lalib.checks.rank, solutions/03-rank.ipynb)."""

from __future__ import annotations

import numpy as np

from lalib.checks.rank import eliminate


def _no_pivoting(A, tol=None):
    return eliminate(A, tol, pivoting="none")


class AlwaysEqual:
    """An object equal to everything: a number check must not be fooled by ``==``."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


# qid -> (right answers, wrong answers)
SAMPLES = {
    "rank.1": ([4, 4.0, np.int64(4)], [5, 6, "4", [4], AlwaysEqual(), None]),
    "rank.2": ([2], [4, 2.5, float("nan")]),
    "rank.3": ([1], [2, 3, True]),
    "rank.4": ([[[1, 2]], [2, 4], np.array([[3], [6]])], [[[1, 3]], [[1, 2], [2, 4]], [[1, 2, 3]], "xyz"]),
    "rank.5": ([[-2, 1, 0], np.array([3.0, 0, -1])], [[0, 0, 0], [1e-10, 0, 0], [1, 1], [[1, 2], [3]]]),
    "rank.6": ([[[-2, 1, 0], [-3, 0, 1]]], [[[-2, 1, 0]], [[1, 1, 1], [-2, 1, 0]], [[0, 0, 0], [-2, 1, 0]]]),
    "rank.7": (["B", "b", "(1, 2), (2, 3)"], ["A", "E", 2]),
    "rank.8": (["B"], ["D", "C"]),
    "rank.9": ([[4, 4, 6, 3]], [[4, 4, 3, 6], [4, 4, 6]]),
    "rank.10": ([np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 0, 0]])], [np.eye(4, 3), np.zeros((3, 4))]),
    "rank.11": ([eliminate], [_no_pivoting, lambda A, tol=None: 0, lambda A, tol=None: float(eliminate(A, tol)),
                              lambda A, tol=None: np.linalg.matrix_rank(A), 3]),
    "rank.12": (["Only five directions matter."], ["   ", 5]),
    "rank.13": ([[1, 1, 3], np.array([2.0, -1, 0])], [[0, 0, 1], [0, 0, 0], [2, 0, 2]]),
}
