"""Samples for the ``recsys`` bank (lalib.checks.recsys, solutions/10-recommenders.ipynb).

Right answers as the solutions notebook computes them; wrong ones are the
slips the bank's feedback names, values of the wrong type, and wrong functions
(missing entries as zeros, no penalty, a penalty per rating, a call to lalib's
own ALS).
"""

from __future__ import annotations

import numpy as np

from lalib.checks.recsys import RIDGE_Q, RIDGE_R, RIDGE_REG, ROW_SPACE_BASIS


def ridge_half_step(R, Q, reg):  # the solutions notebook's answer
    k = Q.shape[1]
    P = np.zeros((R.shape[0], k))
    for u in range(R.shape[0]):
        known = ~np.isnan(R[u])
        Qu = Q[known]
        P[u] = np.linalg.solve(Qu.T @ Qu + reg * np.eye(k), Qu.T @ R[u, known])
    return P


def _batched(R, Q, reg):  # also right: all users' systems stacked
    M = ~np.isnan(R)
    A = np.einsum("um,mi,mj->uij", M.astype(float), Q, Q) + reg * np.eye(Q.shape[1])
    b = np.nan_to_num(R) @ Q
    return np.linalg.solve(A, b[..., None])[..., 0]


def _nan_as_zero(R, Q, reg):
    return np.linalg.solve(Q.T @ Q + reg * np.eye(Q.shape[1]), Q.T @ np.nan_to_num(R).T).T


def _no_penalty(R, Q, reg):
    return np.array([np.linalg.lstsq(Q[~np.isnan(r)], r[~np.isnan(r)], rcond=None)[0] for r in R])


def _transposed(R, Q, reg):
    return ridge_half_step(R, Q, reg).T


def _uses_als_step(R, Q, reg):
    import scipy.sparse as sp

    from lalib.recsys import als_step

    filled = np.nan_to_num(R)
    P, _ = als_step(sp.csr_array(filled), Q, np.zeros(Q.shape[0]), 0.0, reg, 1e12)
    return P


P_USER = np.linalg.solve(RIDGE_Q.T @ RIDGE_Q + RIDGE_REG * np.eye(2), RIDGE_Q.T @ RIDGE_R)
FACTOR_MEANING = ("A film's factor vector places it in a taste space learned from who rated it how: films liked by "
                  "the same people get vectors pointing the same way. The coordinates have no fixed meaning, since "
                  "any rotation of all vectors fits equally well; only angles and dot products with users mean "
                  "something.")

# qid -> (right answers, wrong answers)
SAMPLES = {
    "recsys.1": ([100_480_507 / (480_189 * 17_770), 0.011776], [1.1776, 0.5, "1%", None]),
    "recsys.2": ([25 / 12, 2.0833333333], [2.5, 1.5, 3, "2.08"]),
    "recsys.3": ([np.sqrt(np.mean((np.array([4, 3, 5, 2, 4.0]) - [3.6, 3.4, 4.1, 2.9, 4.0]) ** 2))],
                 [0.388, 0.56, 0, "0.62"]),
    "recsys.4": ([ridge_half_step, _batched],
                 [_nan_as_zero, _no_penalty, _transposed, _uses_als_step, lambda R, Q, reg: np.zeros((1, 1)),
                  "ridge_half_step"]),
    "recsys.5": (["C", "c"], ["A", "B", "D", 3]),
    "recsys.6": ([FACTOR_MEANING], ["   ", 6]),
    "recsys.7": (["B", "(b)"], ["A", "C", "D", None]),
    "recsys.8": ([P_USER, P_USER.tolist(), [17 / 8, 5 / 8]], [[10 / 3, 1 / 3], [1, 1], [2.125], "p"]),
    "recsys.9": (["B"], ["A", "C", "D", 9]),
    "recsys.10": ([0.5, 1 / 2], [7 / 12, 1, "0.5", [0.5]]),
    "recsys.11": ([12, 12.0], [3.2, 4.0, 6, "12"]),
    "recsys.12": ([2, 2.0], [1, 3, 0, "2"]),
    "recsys.13": ([ROW_SPACE_BASIS, ROW_SPACE_BASIS @ np.array([[1.0, 2], [0, 1]]), ROW_SPACE_BASIS.T.tolist()],
                  [ROW_SPACE_BASIS[:, :1], np.eye(3)[:, :2], np.ones((3, 2)), "R"]),
}
