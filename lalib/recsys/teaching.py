"""Small, readable pieces of collaborative filtering for chapter 10 and its widget and exercises.

The fitting code of :mod:`lalib.recsys` is built for speed (batched sparse
kernels); these functions say the same things at the size of a page:

- :func:`ridge_rows`: one ALS half-step without biases, written as the ridge
  regressions it is (the reference of the exercise that asks for it);
- :func:`taste_als`: biased ALS on a small dense grid, the computation the
  taste editor widget repeats in the browser;
- :func:`fold_in_user`: a new user's vector from a few ratings (cold start);
- :func:`precision_at_k`: how many of the top-k recommended items a user
  actually liked (ranking quality, not rating accuracy).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lalib.recsys import als_step

__all__ = ["ridge_rows", "taste_init", "taste_als", "taste_loss", "fold_in_user", "precision_at_k"]


def _matrix(x: ArrayLike, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {a.shape}")
    return a


def ridge_rows(R: ArrayLike, Q: ArrayLike, reg: float) -> np.ndarray:
    """Every row's factors given the columns': ``p_u = (Q_u^T Q_u + reg I)^{-1} Q_u^T r_u``.

    Row ``u`` of ``R`` holds one user's ratings, NaN where unknown; ``Q_u`` is
    ``Q`` restricted to the items that user rated. Unknown entries are left out
    of the fit, not treated as zeros. A row with no ratings gets zeros (the
    ridge solution with nothing to fit).

    Parameters
    ----------
    R : array_like, shape (n_rows, n_cols)
        Ratings, NaN for unknown.
    Q : array_like, shape (n_cols, k)
        The fixed factors of the columns.
    reg : float
        Ridge penalty, ``reg >= 0`` (with 0, a row needs at least k ratings
        whose factors are independent).

    Returns
    -------
    numpy.ndarray, shape (n_rows, k)

    Examples
    --------
    >>> R = np.array([[5.0, np.nan], [1.0, 3.0]])
    >>> ridge_rows(R, np.array([[1.0], [0.5]]), reg=0.0).round(3).tolist()
    [[5.0], [2.0]]
    """
    R, Q = _matrix(R, "R"), _matrix(Q, "Q")
    if Q.shape[0] != R.shape[1]:
        raise ValueError(f"Q must have one row per column of R ({R.shape[1]}), got shape {Q.shape}")
    if not reg >= 0:
        raise ValueError(f"reg must be non-negative, got {reg}")
    k = Q.shape[1]
    P = np.zeros((R.shape[0], k))
    for u, row in enumerate(R):
        known = ~np.isnan(row)
        Qu = Q[known]
        # The normal equations of a ridge regression (chapter 5's least squares plus reg I).
        P[u] = np.linalg.solve(Qu.T @ Qu + reg * np.eye(k), Qu.T @ row[known])
    return P


def _grid(ratings: ArrayLike) -> np.ndarray:
    G = _matrix(ratings, "ratings")
    if G.size == 0:
        raise ValueError("ratings must not be empty")
    if not np.all(np.isfinite(G)) or np.any(G < 0):
        raise ValueError("ratings must hold 0 (unknown) or a positive rating in every cell")
    return G


def taste_init(n_items: int, k: int) -> np.ndarray:
    """The fixed starting item factors of :func:`taste_als` (the widget starts from the same).

    Examples
    --------
    >>> taste_init(2, 2).round(3).tolist()
    [[0.054, -0.099], [-0.09, 0.093]]
    """
    i, f = np.meshgrid(np.arange(n_items), np.arange(k), indexing="ij")
    return 0.1 * np.cos(1.0 + 1.7 * i + 2.3 * f + 0.9 * i * f)


def taste_loss(G: np.ndarray, mu: float, P, Q, bu, bi, reg: float) -> float:
    """The regularized squared error J on the known cells (``G > 0``) of a small grid."""
    known = G > 0
    pred = mu + bu[:, None] + bi[None, :] + P @ Q.T
    return float(np.sum(((G - pred) * known) ** 2) + reg * (np.sum(P**2) + np.sum(Q**2) + bu @ bu + bi @ bi))


def taste_als(ratings: ArrayLike, k: int = 2, reg: float = 1.0, sweeps: int = 10) -> dict:
    """Biased ALS on a small users x items grid where 0 means "not rated".

    Starts from the fixed item factors :func:`taste_init` with zero biases,
    then each sweep solves every user's ridge regression for ``(p_u, b_u)``
    and then every item's for ``(q_i, b_i)`` (with :func:`lalib.recsys.als_step`,
    the same penalty ``reg`` on factors and biases).

    Returns
    -------
    dict
        ``mu`` (mean known rating, 3 when none is known), ``P``, ``Q``,
        ``bu``, ``bi``, ``completed`` (``mu + b_u + b_i + p_u . q_i`` for every
        cell) and ``loss`` (J after each sweep; ALS never increases it).

    Examples
    --------
    >>> out = taste_als([[5, 4, 0], [4, 0, 1], [1, 1, 5]], k=1, reg=0.5, sweeps=5)
    >>> all(a >= b - 1e-12 for a, b in zip(out["loss"], out["loss"][1:]))
    True
    """
    G = _grid(ratings)
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    if not reg > 0:
        raise ValueError(f"reg must be positive, got {reg}")
    n_users, n_items = G.shape
    known = G > 0
    mu = float(G[known].mean()) if known.any() else 3.0
    R = sp.csr_array(G)  # unstored = unknown
    Q, bi = taste_init(n_items, int(k)), np.zeros(n_items)
    P, bu = np.zeros((n_users, int(k))), np.zeros(n_users)
    loss = []
    for _ in range(int(sweeps)):
        P, bu = als_step(R, Q, bi, mu, reg, reg)
        Q, bi = als_step(R.T.tocsr(), P, bu, mu, reg, reg)
        loss.append(taste_loss(G, mu, P, Q, bu, bi, reg))
    completed = mu + bu[:, None] + bi[None, :] + P @ Q.T
    return {"mu": mu, "P": P, "Q": Q, "bu": bu, "bi": bi, "completed": completed, "loss": loss}


def fold_in_user(model, items: Sequence[Hashable], ratings: ArrayLike, reg: float | None = None) -> tuple[np.ndarray, float]:
    """A new user's factors and bias from a few ratings, with a fitted model's items held fixed.

    This is one ALS half-step for one row: a ridge regression of the user's
    ratings (minus ``mu + b_i``) on the rated items' factors. With no ratings
    it returns zeros, so the user is predicted ``mu + b_i``: the popular items.

    Parameters
    ----------
    model : MatrixFactorization
        Fitted.
    items : sequence
        Raw item ids the new user rated (each seen in training).
    ratings : array_like
        Their ratings.
    reg : float, optional
        Ridge penalty; by default the model's own when it is a number, else 5.

    Returns
    -------
    (numpy.ndarray, float)
        The user's factor vector and bias.

    Examples
    --------
    >>> from lalib.recsys import MatrixFactorization
    >>> m = MatrixFactorization(n_components=1, reg=0.1, random_state=0)
    >>> m = m.fit([0, 0, 1, 1], ["x", "y", "x", "y"], [5, 1, 4, 2])
    >>> p, b = fold_in_user(m, [], [])
    >>> p.tolist(), b
    ([0.0], 0.0)
    """
    r = np.asarray(ratings, dtype=float).ravel()
    if len(r) != len(items):
        raise ValueError(f"items and ratings must have the same length, got {len(items)} and {len(r)}")
    if reg is None:
        reg = model.reg if not isinstance(model.reg, str) else 5.0
    k = model.item_factors_.shape[1]
    if len(r) == 0:
        return np.zeros(k), 0.0
    cols = model.items_.to_index(list(items), missing=-1)
    if np.any(cols < 0):
        raise ValueError(f"item {list(items)[int(np.argmax(cols < 0))]!r} was not seen in training")
    R = sp.csr_array((r, (np.zeros(len(r), int), cols)), shape=(1, len(model.items_)))
    P, b = als_step(R, model.item_factors_, model.item_bias_, model.global_mean_, reg, reg)
    return P[0], float(b[0])


def precision_at_k(scores: ArrayLike, seen: sp.sparray | np.ndarray, relevant: sp.sparray | np.ndarray,
                   k: int = 10) -> float:
    """Mean over users of the fraction of their top-``k`` items that are relevant.

    For every user with at least one relevant item, rank the items the user
    has not ``seen`` (in training) by ``scores``, take the first ``k`` and
    count how many are ``relevant`` (held-out items the user liked).

    Parameters
    ----------
    scores : array_like, shape (n_users, n_items)
    seen, relevant : bool array or sparse matrix, shape (n_users, n_items)
    k : int

    Examples
    --------
    >>> scores = np.array([[0.9, 0.8, 0.1], [0.2, 0.3, 0.5]])
    >>> seen = np.array([[1, 0, 0], [0, 0, 0]], bool)
    >>> relevant = np.array([[0, 1, 0], [1, 0, 0]], bool)
    >>> precision_at_k(scores, seen, relevant, k=1)
    0.5
    """
    S = _matrix(scores, "scores").copy()
    seen = (seen.toarray() if sp.issparse(seen) else np.asarray(seen)).astype(bool)
    rel = (relevant.toarray() if sp.issparse(relevant) else np.asarray(relevant)).astype(bool)
    if seen.shape != S.shape or rel.shape != S.shape:
        raise ValueError(f"scores, seen and relevant must have the same shape, got {S.shape}, {seen.shape}, {rel.shape}")
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    users = np.flatnonzero(rel.any(axis=1))
    if len(users) == 0:
        raise ValueError("no user has a relevant item")
    S[seen] = -np.inf
    top = np.argsort(-S[users], axis=1, kind="stable")[:, : int(k)]
    hits = np.take_along_axis(rel[users], top, axis=1).sum(axis=1)
    return float(np.mean(hits / int(k)))
