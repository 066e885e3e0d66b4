"""The question bank of chapter 10, *Recommender systems* (exercise set id ``"recsys"``).

This module is the **answer key** of ``solutions/10-recommenders.ipynb``: the
grader and every notebook check judge against what :func:`questions` builds
here. Every expected value is computed from the problem's own data with numpy
and :mod:`lalib.recsys.teaching`, never typed by hand. A basis is accepted for
the space it spans; the ALS half-step is checked on fresh random problems
against the ridge-regression solution, and may not call lalib's own ALS.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.compare import allclose
from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, Subspace
from lalib.recsys.teaching import ridge_rows

__all__ = ["questions", "NETFLIX", "BASE_RATINGS", "BASE_PAIR", "baseline_by_hand", "RMSE_TRUE", "RMSE_PRED",
           "RIDGE_Q", "RIDGE_R", "RIDGE_REG", "PRECISION_TOP", "PRECISION_LIKED", "RANK_ONE", "SIMILAR_Q",
           "ROW_SPACE_R", "ROW_SPACE_BASIS", "half_step_cases", "FORBIDDEN"]

# recsys.1: the Netflix Prize matrix (users, films, known ratings).
NETFLIX = (480_189, 17_770, 100_480_507)
# recsys.2: a tiny ratings list; predict (Ann, Jaws) with unregularized baselines.
BASE_RATINGS = [("Ann", "Alien", 5), ("Ann", "Up", 3), ("Bo", "Alien", 4), ("Bo", "Jaws", 2),
                ("Cy", "Up", 2), ("Cy", "Jaws", 1), ("Cy", "Alien", 4)]
BASE_PAIR = ("Ann", "Jaws")
# recsys.3: held-out ratings and predictions.
RMSE_TRUE = np.array([4.0, 3.0, 5.0, 2.0, 4.0])
RMSE_PRED = np.array([3.6, 3.4, 4.1, 2.9, 4.0])
# recsys.8: one user's ridge regression (no biases).
RIDGE_Q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
RIDGE_R = np.array([4.0, 1.0, 3.0])
RIDGE_REG = 1.0
# recsys.10: two users' top-3 lists and the held-out items each liked.
PRECISION_TOP = [["Alien", "Up", "Jaws"], ["Heat", "Big", "Fargo"]]
PRECISION_LIKED = [{"Up", "Brazil"}, {"Heat", "Fargo", "Tron"}]
# recsys.11: a rank-1 matrix with one missing entry (NaN).
RANK_ONE = np.array([[2.0, 4.0, 1.0], [6.0, np.nan, 3.0]])
# recsys.12: item factor vectors; which item is most similar to item 0 by cosine?
SIMILAR_Q = np.array([[1.0, 0.2], [4.0, 3.0], [0.5, 0.12], [-1.0, 0.5]])
# recsys.13: a complete rank-2 ratings matrix R = P Q^T (4 users, 3 films).
_P13 = np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
_Q13 = np.array([[2.0, 0.0], [1.0, 2.0], [0.0, 2.0]])
ROW_SPACE_R = _P13 @ _Q13.T
ROW_SPACE_BASIS = _Q13  # columns: the two "taste profiles" every row combines

# recsys.4 is "solve the ridge regressions yourself": lalib's ALS is refused.
FORBIDDEN = ("lalib.recsys",)


def baseline_by_hand(ratings, pair, use_user_residual: bool = True) -> float:
    """The prediction ``mu + b_u + b_i`` of recsys.2: unregularized means, items first.

    ``b_i`` is the mean of ``r - mu`` over item i's ratings; ``b_u`` the mean of
    ``r - mu - b_i`` over user u's ratings (of ``r - mu`` when
    ``use_user_residual`` is false: a likely slip).

    Examples
    --------
    >>> round(baseline_by_hand(BASE_RATINGS, BASE_PAIR), 4)
    2.0833
    """
    mu = float(np.mean([r for _, _, r in ratings]))
    items = {i for _, i, _ in ratings}
    b_item = {i: float(np.mean([r - mu for _, j, r in ratings if j == i])) for i in items}
    user, item = pair
    b_user = float(np.mean([r - mu - (b_item[i] if use_user_residual else 0.0) for u, i, r in ratings if u == user]))
    return mu + b_user + b_item[item]


def _precision(tops, liked) -> float:
    return float(np.mean([len(set(t) & s) / len(t) for t, s in zip(tops, liked)]))


def _recall(tops, liked) -> float:
    return float(np.mean([len(set(t) & s) / len(s) for t, s in zip(tops, liked)]))


def _cosines(Q: np.ndarray) -> np.ndarray:
    U = Q / np.linalg.norm(Q, axis=1, keepdims=True)
    return U[1:] @ U[0]


def _ridge_answer(p: np.ndarray) -> str | None:
    expected = ridge_rows(RIDGE_R[None, :], RIDGE_Q, RIDGE_REG)[0]
    if np.allclose(p, expected, rtol=1e-6, atol=1e-9):
        return None
    plain = np.linalg.lstsq(RIDGE_Q, RIDGE_R, rcond=None)[0]
    if np.allclose(p, plain, rtol=1e-6, atol=1e-9):
        return ("that is the least-squares solution without the penalty: add λ = 1 to the diagonal of QᵀQ "
                "before solving")
    residual = (RIDGE_Q.T @ RIDGE_Q + RIDGE_REG * np.eye(2)) @ p - RIDGE_Q.T @ RIDGE_R
    return f"p does not solve (QᵀQ + λI) p = Qᵀr: the two sides differ by {np.abs(residual).max():.3g}"


# ----------------------------------------------------------------------------- recsys.4
def reference_half_step(R: np.ndarray, Q: np.ndarray, reg: float) -> np.ndarray:
    """The reference of recsys.4: each row's ridge regression on the items it rated.

    Examples
    --------
    >>> reference_half_step(np.array([[2.0, np.nan]]), np.array([[1.0], [5.0]]), 1.0).tolist()
    [[1.0]]
    """
    return ridge_rows(R, Q, reg)


def half_step_cases(seed: int) -> list[Case]:
    """Fresh ratings (NaN for unknown), item factors and penalties for ``ridge_half_step(R, Q, reg)``.

    A random sparse problem, a user who rated nothing (cold start), a user
    with a single rating, one factor (k = 1), a heavy penalty, a tiny
    penalty on a full matrix, and ratings far from the 1-5 scale.

    Examples
    --------
    >>> [c.description for c in half_step_cases(0)][:2]
    ['6 users, 8 items, k = 3, about half the ratings known', 'a user who has rated nothing (row 2)']
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def ratings(n, m, density):
        R = rng.integers(1, 6, size=(n, m)).astype(float)
        R[rng.random((n, m)) > density] = np.nan
        return R

    def add(R, k, reg, description):
        Q = rng.normal(0, 1, (R.shape[1], k))
        cases.append(Case((R, Q, float(reg)), description))

    R = ratings(6, 8, 0.5)
    R[:, 0] = np.where(np.isnan(R).all(axis=1), 3.0, R[:, 0])  # every row keeps a rating here
    add(R, 3, rng.choice([0.5, 1.0, 2.0]), "6 users, 8 items, k = 3, about half the ratings known")
    R = ratings(4, 6, 0.6)
    R[1] = np.nan
    add(R, 2, 1.0, "a user who has rated nothing (row 2)")
    R = ratings(5, 7, 0.5)
    R[0] = np.nan
    R[0, rng.integers(0, 7)] = 5.0
    add(R, 3, 0.3, "a user with a single rating (row 1), k = 3")
    add(ratings(7, 5, 0.7), 1, 1.0, "one factor per item, k = 1")
    add(ratings(5, 9, 0.4), 2, 1000.0, "a heavy penalty, reg = 1000")
    add(ratings(4, 6, 1.0), 3, 1e-6, "every rating known, a tiny penalty")
    add(ratings(6, 6, 0.5) * 1000 - 2500, 2, 0.5, "ratings far from the 1-5 scale")
    return cases


def _nan_as_zero(R, Q, reg):
    return np.linalg.solve(Q.T @ Q + reg * np.eye(Q.shape[1]), Q.T @ np.nan_to_num(R).T).T


def _reg_per_rating(R, Q, reg):
    out = []
    for row in R:
        known = ~np.isnan(row)
        Qu = Q[known]
        out.append(np.linalg.solve(Qu.T @ Qu + reg * max(known.sum(), 1) * np.eye(Q.shape[1]), Qu.T @ row[known]))
    return np.array(out)


def _no_penalty(R, Q, reg):
    return np.array([np.linalg.lstsq(Q[~np.isnan(r)], r[~np.isnan(r)], rcond=None)[0] for r in R])


_HALF_STEP_BUGS = (
    (_nan_as_zero, "It looks as if you treated the missing ratings as 0: fit each user on the items they rated "
                   "only (rows of Q where R is not NaN)"),
    (_reg_per_rating, "It looks as if you scaled the penalty by the number of ratings (reg · n_u): the question's "
                      "loss adds reg·|p_u|² once per user"),
    (_no_penalty, "It looks as if you left out the penalty: solve (Q_uᵀQ_u + reg·I) p_u = Q_uᵀ r_u"),
)


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (``variant`` is accepted for the common interface; every variant is the book's).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['recsys.1', 'recsys.2', 'recsys.3']
    >>> len(questions())
    13
    """
    n_users, n_films, n_known = NETFLIX
    density = n_known / (n_users * n_films)
    rmse = float(np.sqrt(np.mean((RMSE_TRUE - RMSE_PRED) ** 2)))
    cos = _cosines(SIMILAR_Q)
    most_similar = int(np.argmax(cos)) + 1
    by_dot = int(np.argmax(SIMILAR_Q[1:] @ SIMILAR_Q[0])) + 1
    assert most_similar != by_dot  # the question is built so that the dot product misleads
    ratio = RANK_ONE[1, 0] / RANK_ONE[0, 0]
    mu_base = float(np.mean([r for *_, r in BASE_RATINGS]))
    b_jaws = float(np.mean([r for _, i, r in BASE_RATINGS if i == BASE_PAIR[1]])) - mu_base
    return (
        Number("recsys.1", variable="netflix_density", expected=density, name="the fraction of known entries",
               rtol=1e-4,
               mistakes={100 * density: "that is a percentage: the question asks for the fraction (between 0 and 1)",
                         n_known / (n_users + n_films): "divide by the number of cells, users × films, not users + films"}),
        Number("recsys.2", variable="baseline_ann_jaws", expected=baseline_by_hand(BASE_RATINGS, BASE_PAIR),
               name="the baseline prediction", rtol=1e-6,
               mistakes={baseline_by_hand(BASE_RATINGS, BASE_PAIR, use_user_residual=False):
                         "b_u should average r − μ − b_i over Ann's ratings: subtract each film's bias first",
                         baseline_by_hand(BASE_RATINGS, BASE_PAIR) - b_jaws:
                         "that is μ + b_u: add Jaws's own bias b_i too"}),
        Number("recsys.3", variable="rmse_value", expected=rmse, name="the RMSE", rtol=1e-6,
               mistakes={rmse**2: "that is the mean squared error: take its square root",
                         float(np.mean(np.abs(RMSE_TRUE - RMSE_PRED))): "that is the mean absolute error: square "
                                                                       "the errors, average, then take the root"}),
        Function("recsys.4", points=3, variable="ridge_half_step", function_name="ridge_half_step",
                 make_cases=half_step_cases, reference=reference_half_step, output="array", compare=allclose(1e-7),
                 forbidden=FORBIDDEN, diagnoses=_HALF_STEP_BUGS),
        Choice("recsys.5", variable="cold_start",
               options=["random items",
                        "nothing: the model cannot score a user it has never seen",
                        "the items with the largest μ + b_i, the same list for every new user",
                        "the items most similar to those the previous user liked"],
               answer="C",
               hints={"A": "every prediction is a formula of fitted numbers: nothing in it is random",
                      "B": "it can: with no ratings, the user's ridge regression gives p_u = 0 and b_u = 0",
                      "D": "a user's vector depends on that user's own ratings only"}),
        FreeText("recsys.6", points=2, variable="factor_meaning"),
        Choice("recsys.7", variable="why_not_svd",
               options=["a ratings matrix is not square, and only square matrices have an SVD",
                        "the SVD needs every entry: the values put in the missing cells are fitted as if they "
                        "were ratings",
                        "sparse matrices have no singular values",
                        "the SVD cannot handle integer ratings"],
               answer="B",
               hints={"A": "every matrix, of any shape, has an SVD",
                      "C": "a sparse matrix is a matrix like any other once its missing entries have values",
                      "D": "integers are real numbers: their matrices have SVDs"}),
        Array("recsys.8", variable="p_user", shape=(2,), conditions=(_ridge_answer,)),
        Choice("recsys.9", variable="choose_reg",
               options=["the λ with the lowest RMSE on the training ratings",
                        "the λ with the lowest RMSE on validation ratings held out from training",
                        "the λ with the lowest RMSE on the test ratings",
                        "the λ that makes the loss J smallest"],
               answer="B",
               hints={"A": "on the training ratings less penalty always fits better: that picks the smallest λ",
                      "C": "then the test score is no longer an honest estimate: it was used to choose",
                      "D": "J contains λ itself; it is smallest for λ = 0, which is the overfitting case"}),
        Number("recsys.10", variable="precision_3", expected=_precision(PRECISION_TOP, PRECISION_LIKED),
               name="the precision at 3", rtol=1e-6,
               mistakes={_recall(PRECISION_TOP, PRECISION_LIKED): "that is the recall (hits over liked items): "
                                                                  "precision divides the hits by the list's length, 3"}),
        Number("recsys.11", variable="missing_entry", expected=float(ratio * RANK_ONE[0, 1]),
               name="the missing entry", rtol=1e-9,
               mistakes={float(np.nanmean(RANK_ONE)): "that is the mean of the known entries: use that the rows "
                                                      "are multiples of each other",
                         float(np.nanmean(RANK_ONE[1])): "that is the mean of row 2: a rank-1 matrix's rows are "
                                                         "multiples of each other"}),
        Number("recsys.12", variable="most_similar", expected=most_similar, integer=True,
               name="the most similar item",
               mistakes={by_dot: "that item has the largest dot product with item 0 because its vector is long; "
                                 "cosine similarity divides by both lengths"}),
        Subspace("recsys.13", variable="taste_profiles", basis=ROW_SPACE_BASIS, name="the row space of R"),
    )
