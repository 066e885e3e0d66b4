"""Synthetic ratings shaped like Netflix's: :func:`make_netflix_like`."""

from __future__ import annotations

import math

import numpy as np

from lalib.recsys.data import Ratings
from lalib.validation import check_random_state

__all__ = ["make_netflix_like"]


def make_netflix_like(n_users: int = 2000, n_items: int = 1000, rank: int = 5, density: float = 0.05,
                      noise: float = 0.5, activity_tail: float = 1.5, popularity_tail: float = 1.2,
                      selection: float = 1.5,
                      random_state: int | np.random.Generator | None = None) -> Ratings:
    """Synthetic ratings shaped like Netflix's: few heavy users, few blockbusters, taste of low rank.

    Each user and item has a weight drawn from a Pareto law, so activity and
    popularity are heavy-tailed. A true score ``mu + b_u + b_i + p_u . q_i``
    (rank ``rank``, popular items slightly better liked) plus Gaussian noise is
    rounded to 1..5 stars. Which pairs are observed is *missing not at random*:
    candidate pairs are drawn in proportion to user weight times item weight,
    then kept with probability ``sigmoid(selection * (score - mu))``, so
    people mostly rate what they like -- as in real data, where the mean
    observed rating is well above the middle of the scale.

    Parameters
    ----------
    n_users, n_items : int
    rank : int
        Rank of the taste matrix ``P Q^T``.
    density : float
        Fraction of the n_users x n_items entries observed (at most 0.5).
    noise : float
        Standard deviation of the noise before rounding to stars.
    activity_tail, popularity_tail : float
        Pareto shape of user activity and item popularity; smaller is heavier.
    selection : float
        How strongly liking drives rating; 0 makes the pattern independent of the scores.
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    Ratings
        Integer user ids ``0 .. n_users-1`` and item ids ``0 .. n_items-1``
        (some may have no rating), integer stars 1..5, sorted by user then item.

    Examples
    --------
    >>> data = make_netflix_like(300, 200, density=0.05, random_state=0)
    >>> len(data), sorted(set(data.ratings.tolist()))
    (3000, [1.0, 2.0, 3.0, 4.0, 5.0])
    """
    for name, value in (("n_users", n_users), ("n_items", n_items), ("rank", rank)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 < density <= 0.5:
        raise ValueError(f"density must be in (0, 0.5], got {density}")
    for name, value in (("noise", noise), ("selection", selection)):
        if value < 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
    for name, value in (("activity_tail", activity_tail), ("popularity_tail", popularity_tail)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    rng = check_random_state(random_state)
    m = max(1, int(round(density * n_users * n_items)))
    wu = rng.pareto(activity_tail, n_users) + 1.0
    wi = rng.pareto(popularity_tail, n_items) + 1.0
    mu = 3.6
    scale = math.sqrt(0.8 / math.sqrt(rank))  # p . q has standard deviation about 0.8
    P = rng.normal(0, scale, (n_users, rank))
    Q = rng.normal(0, scale, (n_items, rank))
    pop = np.log(wi)
    bu = rng.normal(0, 0.35, n_users)
    bi = rng.normal(0, 0.4, n_items) + 0.3 * (pop - pop.mean()) / (pop.std() + 1e-12)

    codes = np.empty(0, dtype=np.int64)
    for _ in range(200):
        need = m - len(codes)
        if need <= 0:
            break
        cu = rng.choice(n_users, size=3 * need + 16, p=wu / wu.sum())
        ci = rng.choice(n_items, size=3 * need + 16, p=wi / wi.sum())
        liking = bu[cu] + bi[ci] + np.einsum("nk,nk->n", P[cu], Q[ci])
        keep = rng.random(len(cu)) < 1.0 / (1.0 + np.exp(-selection * liking))
        new = cu[keep].astype(np.int64) * n_items + ci[keep]
        codes = np.concatenate([codes, new])
        _, first = np.unique(codes, return_index=True)
        codes = codes[np.sort(first)]  # drop repeats, keep draw order
    else:  # pragma: no cover - only for absurd tails
        raise ValueError("could not draw enough distinct pairs: lower density or lighten the tails")
    codes = np.sort(codes[:m])
    users, items = codes // n_items, codes % n_items
    score = mu + bu[users] + bi[items] + np.einsum("nk,nk->n", P[users], Q[items])
    stars = np.clip(np.rint(score + rng.normal(0, noise, m)), 1, 5)
    return Ratings(users, items, stars)
