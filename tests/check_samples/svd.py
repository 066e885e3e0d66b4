"""Samples for the ``svd`` bank (lalib.checks.svd, solutions/07-svd.ipynb).

Right answers from the solutions notebook (and equivalent forms: the other sign
of a singular vector, a list, a column); wrong ones from the bank's feedback
cases, plus values of the wrong type and wrong functions.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.svd import C_RANK


def low_rank(A, k):  # the solutions notebook's answer
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def _low_rank_by_sum(A, k):  # the same, as a sum of rank-one terms (scipy's SVD)
    import scipy.linalg

    U, s, Vt = scipy.linalg.svd(A, full_matrices=False)
    return sum(s[i] * np.outer(U[:, i], Vt[i]) for i in range(k))


def _one_term_too_many(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k + 1] * s[:k + 1]) @ Vt[:k + 1]


def _no_sigma(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return U[:, :k] @ Vt[:k]


def _smallest(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, -k:] * s[-k:]) @ Vt[-k:]


def _uses_lalib(A, k):
    from lalib.svd import low_rank_approx

    return low_rank_approx(A, k)


def _returns_factor(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return U[:, :k] * s[:k]


S2 = np.array([np.sqrt(8), np.sqrt(2)])
V1 = np.array([1.0, 1.0]) / np.sqrt(2)
WHY_LORA = ("B A has rank at most r because its columns are combinations of B's r columns. By Eckart-Young a "
            "rank-r update loses little when the full update's energy sits in its top r singular values.")
SIGMAS = np.array([10.0, 6.0, 3.0, 1.0, 0.5])
FRO = float(np.sqrt(np.sum(SIGMAS[2:] ** 2)))

# qid -> (right answers, wrong answers)
SAMPLES = {
    "svd.1": ([S2, S2.tolist(), S2[:, None]], [S2[::-1], [8, 2], -S2, [2, 2], "sqrt(8), sqrt(2)"]),
    "svd.2": ([V1, -V1, V1.tolist()], [np.array([1.0, 1.0]), np.array([1.0, -1.0]) / np.sqrt(2), [0, 0], [1, 0, 0],
                                       "v1"]),
    "svd.3": ([np.array([1.0, 0.0]), [-1, 0]], [[0, 1], [2, 0], [1, 1], None]),
    "svd.4": ([3, np.int64(3), 3.0], [5, 2, 4, 3.5, "3"]),
    "svd.5": ([FRO, np.sqrt(10.25)], [3, FRO ** 2, 4.5, 6, "3.2"]),
    "svd.6": ([3, 3.0, np.float64(3)], [6, FRO, 0.5, [3]]),
    "svd.7": ([119, np.int64(119)], [120, 200, 100, 119.76, "119"]),
    "svd.8": ([136 / 146.25, np.float32(136 / 146.25)], [100 * 136 / 146.25, 16 / 20.5, 1 - 136 / 146.25, "0.93"]),
    "svd.9": ([low_rank, _low_rank_by_sum],
              [_one_term_too_many, _no_sigma, _smallest, _uses_lalib, _returns_factor, lambda A, k: A, "low_rank"]),
    "svd.10": (["B", "b", "(B)"], ["A", "C", "D", 2]),
    "svd.11": (["B", " b "], ["A", "C", "D", None]),
    "svd.12": (["B", "(b)"], ["A", "C", "D", True]),
    "svd.13": ([7, 7.0, np.sqrt(49)], [49, -7, 2, "7"]),
    "svd.14": ([WHY_LORA], ["   ", 14]),
    "svd.15": ([40960, np.int64(8 * 5120)], [1024 * 4096, 8 * 5121, 8 * 1024 * 4096, 40960.5, "40960"]),
}

assert C_RANK.shape == (5, 5)
