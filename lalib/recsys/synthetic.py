"""Synthetic ratings shaped like Netflix's, generated in chunks: :func:`make_netflix_like`.

At the real size (480,189 users, 17,770 items, 100 million ratings) the
obvious generator -- draw candidate pairs, drop repeats with ``np.unique``,
repeat until enough -- needs int64 copies of every pair several times over.
Here the same random process runs one block of users at a time:

1. Candidates arrive as a Poisson process in "time". Each block of
   ``_BLOCK`` users gets its share (in proportion to the users' weights) from
   its own random stream, so the output does not depend on how many blocks
   are generated together (``chunk_size``).
2. A candidate is kept with probability ``sigmoid(selection * liking)``; a
   kept pair remembers the time it was first drawn.
3. The ``m`` pairs drawn first overall are the ratings: the cut-off time is
   found from a histogram of the times, without sorting them all.

Drawing candidates one by one until ``m`` distinct pairs are kept (the
sequential recipe) and this one give the same distribution of data sets: a
Poisson process visits the same i.i.d. sequence of candidates in the same
order. The result holds ``int32`` ids and ``float32`` stars (12 bytes a
rating: 1.2 GB for 100 million).
"""

from __future__ import annotations

import math

import numpy as np

from lalib.recsys.data import Ratings
from lalib.validation import check_random_state

__all__ = ["make_netflix_like"]

_BLOCK = 256               # users per random stream
_CHUNK_CANDIDATES = 1 << 21  # candidates drawn at once by default (about 100 MB of temporaries)
_PILOT = 1 << 16            # candidates drawn to estimate how many are kept
_MAX_ROUNDS = 200


def _stream(root: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(root, spawn_key=key)))


def _check(n_users, n_items, rank, density, noise, selection, activity_tail, popularity_tail, chunk_size) -> None:
    for name, value in (("n_users", n_users), ("n_items", n_items), ("rank", rank)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if n_users * n_items >= 2**62:
        raise ValueError(f"n_users * n_items must be below 2**62, got {n_users} * {n_items}")
    if not 0 < density <= 0.5:
        raise ValueError(f"density must be in (0, 0.5], got {density}")
    for name, value in (("noise", noise), ("selection", selection)):
        if value < 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
    for name, value in (("activity_tail", activity_tail), ("popularity_tail", popularity_tail)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    if chunk_size is not None and (int(chunk_size) != chunk_size or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive integer or None, got {chunk_size!r}")


def _alias_table(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias table: draw index ``j`` uniformly, keep it with probability ``prob[j]``, else take ``alias[j]``.

    Each draw from the weights ``w`` then costs O(1), where a search in the
    cumulative weights costs O(log n) and misses the cache.
    """
    n = len(w)
    scaled = w * (n / w.sum())
    prob, alias = np.ones(n), np.arange(n)
    small = [j for j in range(n) if scaled[j] < 1.0]
    large = [j for j in range(n) if scaled[j] >= 1.0]
    while small and large:
        s_, l_ = small.pop(), large[-1]
        prob[s_], alias[s_] = scaled[s_], l_
        scaled[l_] -= 1.0 - scaled[s_]
        if scaled[l_] < 1.0:
            small.append(large.pop())
    return prob, alias


class _Process:
    """The candidate process of one data set: weights, taste, and the streams of the user blocks."""

    def __init__(self, wu, wi, P, Q, bu, bi, selection, root, n_items):
        self.wu, self.P, self.Q, self.bu, self.bi = wu, P, Q, bu, bi
        self.selection, self.root, self.n_items = selection, root, n_items
        self.prob, self.alias = _alias_table(wi)
        self.rate = wu / float(wu.sum())  # each user's share of the candidates

    def liking(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return self.bu[u] + self.bi[i] + np.einsum("nk,nk->n", self.P[u], self.Q[i])

    def items(self, rng: np.random.Generator, n: int) -> np.ndarray:
        j = rng.integers(0, self.n_items, n)
        return np.where(rng.random(n) < self.prob[j], j, self.alias[j])

    def draw(self, blocks: range, round_: int, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """Kept candidates of these blocks with times in (t0, t1]: (codes user * n_items + item, times).

        Each user's candidate count is Poisson (splitting the process by user),
        so no search over user weights is needed.
        """
        users, items, keep_u, times = [], [], [], []
        for b in blocks:
            rng = _stream(self.root, 1, b, round_)
            lo = b * _BLOCK
            counts = rng.poisson((t1 - t0) * self.rate[lo:lo + _BLOCK])
            n = int(counts.sum())
            users.append(np.repeat(np.arange(lo, lo + len(counts)), counts))
            items.append(self.items(rng, n))
            keep_u.append(rng.random(n))
            times.append(t0 + (t1 - t0) * rng.random(n))
        u, i, t = np.concatenate(users), np.concatenate(items), np.concatenate(times)
        keep = np.concatenate(keep_u) < 1.0 / (1.0 + np.exp(-self.selection * self.liking(u, i)))
        return u[keep].astype(np.int64) * self.n_items + i[keep], t[keep]


def _first_arrivals(codes: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct pair once, with its earliest time; sorted by code (user, then item)."""
    order = np.argsort(codes)
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[starts], np.minimum.reduceat(times[order], starts) if len(starts) else times[:0]


def _cutoff(chunks: list[tuple[np.ndarray, np.ndarray]], m: int, horizon: float) -> tuple[float, int]:
    """The time of the m-th earliest pair, and how many pairs at exactly that time to take.

    A histogram of all times finds the bin holding the m-th; only that bin's
    times are sorted.
    """
    n_bins = 1 << 16
    counts = np.zeros(n_bins, np.int64)
    for _, t in chunks:
        counts += np.bincount(np.minimum((t / horizon * n_bins).astype(np.int64), n_bins - 1), minlength=n_bins)
    cum = np.cumsum(counts)
    j = int(np.searchsorted(cum, m))  # the bin holding the m-th earliest
    before = int(cum[j - 1]) if j else 0
    in_bin = np.sort(np.concatenate([t[np.minimum((t / horizon * n_bins).astype(np.int64), n_bins - 1) == j]
                                     for _, t in chunks]))
    t_star = float(in_bin[m - before - 1])
    ties = int(np.sum(in_bin[:m - before] == t_star))
    return t_star, ties


def make_netflix_like(n_users: int = 2000, n_items: int = 1000, rank: int = 5, density: float = 0.05,
                      noise: float = 0.5, activity_tail: float = 1.5, popularity_tail: float = 1.2,
                      selection: float = 1.5, random_state: int | np.random.Generator | None = None,
                      chunk_size: int | None = None) -> Ratings:
    """Synthetic ratings shaped like Netflix's: few heavy users, few blockbusters, taste of low rank.

    Each user and item has a weight drawn from a Pareto law, so activity and
    popularity are heavy-tailed. A true score ``mu + b_u + b_i + p_u . q_i``
    (rank ``rank``, popular items slightly better liked) plus Gaussian noise is
    rounded to 1..5 stars. Which pairs are observed is *missing not at random*:
    candidate pairs are drawn in proportion to user weight times item weight,
    then kept with probability ``sigmoid(selection * (score - mu))``, so
    people mostly rate what they like -- as in real data, where the mean
    observed rating is well above the middle of the scale. The first
    ``density * n_users * n_items`` distinct pairs kept are the ratings.

    Generated a block of users at a time (see the module docstring), so the
    Netflix size itself, ``make_netflix_like(480_189, 17_770,
    density=1e8 / (480_189 * 17_770))``, fits in a few GB.

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
    chunk_size : int, optional
        Users generated at once (rounded up to a multiple of 256); it bounds
        memory and does not change the result. By default about two million
        candidate pairs at a time.

    Returns
    -------
    Ratings
        ``int32`` user ids ``0 .. n_users-1`` and item ids ``0 .. n_items-1``
        (some may have no rating), ``float32`` stars 1..5, sorted by user then item.

    Examples
    --------
    >>> data = make_netflix_like(300, 200, density=0.05, random_state=0)
    >>> len(data), sorted(set(data.ratings.tolist()))
    (3000, [1.0, 2.0, 3.0, 4.0, 5.0])
    """
    _check(n_users, n_items, rank, density, noise, selection, activity_tail, popularity_tail, chunk_size)
    n_users, n_items, rank = int(n_users), int(n_items), int(rank)
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
    root = int(rng.integers(2**63))  # every block's stream derives from it
    proc = _Process(wu, wi, P, Q, bu, bi, selection, root, n_items)

    n_blocks = -(-n_users // _BLOCK)
    if chunk_size is None:
        # Candidates per user grow with the density; aim at _CHUNK_CANDIDATES per chunk.
        per_user = 2.0 * m / n_users
        chunk_size = max(1, int(_CHUNK_CANDIDATES / max(per_user, 1.0)))
    per_chunk = max(1, -(-int(chunk_size) // _BLOCK))  # whole blocks
    groups = [range(b, min(b + per_chunk, n_blocks)) for b in range(0, n_blocks, per_chunk)]

    # How far to run the process: a pilot estimates the kept fraction; more rounds extend it if short.
    pilot = _stream(root, 0)
    pu = np.minimum(np.searchsorted(np.cumsum(wu), pilot.random(_PILOT) * wu.sum(), side="right"), n_users - 1)
    kept = float(np.mean(1.0 / (1.0 + np.exp(-selection * proc.liking(pu, proc.items(pilot, _PILOT))))))
    horizon, step = 0.0, 1.1 * m / max(kept, 1e-3) + 64
    state = [(np.empty(0, np.int64), np.empty(0)) for _ in groups]
    total = 0
    for round_ in range(_MAX_ROUNDS):
        before = total
        t0, horizon = horizon, horizon + step
        total = 0
        for g, blocks in enumerate(groups):
            codes, times = proc.draw(blocks, round_, t0, horizon)
            state[g] = _first_arrivals(np.concatenate([state[g][0], codes]), np.concatenate([state[g][1], times]))
            total += len(state[g][0])
        if total >= m:
            break
        gained = (total - before) / step  # pairs per unit time at the margin (repeats make it fall)
        step = 1.5 * (m - total) / max(gained, 1e-12) + 64
    else:  # pragma: no cover - only for absurd tails
        raise ValueError("could not draw enough distinct pairs: lower density or lighten the tails")

    t_star, ties = _cutoff(state, m, horizon)
    users = np.empty(m, np.int32)
    items = np.empty(m, np.int32)
    stars = np.empty(m, np.float32)
    pos = 0
    for g, blocks in enumerate(groups):
        codes, times = state[g]
        state[g] = None  # free each chunk's pairs once written
        keep = times < t_star
        at = np.flatnonzero(times == t_star)[:ties]
        ties -= len(at)
        keep[at] = True
        codes = codes[keep]  # still sorted by user, then item
        u, i = codes // n_items, codes % n_items
        score = mu + proc.liking(u, i)
        # Noise from each block's own stream, in the block's (sorted) order.
        bounds = np.searchsorted(u, np.r_[[b * _BLOCK for b in blocks], blocks.stop * _BLOCK])
        eps = np.concatenate([_stream(root, 2, b).normal(0, noise, bounds[k + 1] - bounds[k])
                              for k, b in enumerate(blocks)])
        n = len(codes)
        users[pos:pos + n], items[pos:pos + n] = u, i
        stars[pos:pos + n] = np.clip(np.rint(score + eps), 1, 5)
        pos += n
    return Ratings(users, items, stars)
