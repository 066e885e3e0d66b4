"""Test matrices shared by the numerics tests: random, rank-deficient, ill-conditioned.

One factory for ``test_linalg``, ``test_linalg_numerics``, ``test_svd`` and
``test_pca``. A Hypothesis-drawn seed and shape drive numpy's generator, so
Hypothesis explores (and shrinks) kinds, shapes and seeds while numpy draws the
entries. Each test file keeps its own difficulty (rank, conditioning) by
passing it explicitly.

>>> A = make_matrix("ill_conditioned", 5, 3, seed=0, sv_range=(1.0, 1e-10))
>>> bool(np.isclose(np.linalg.cond(A), 1e10, rtol=1e-3))
True
>>> int(np.linalg.matrix_rank(make_matrix("rank_deficient", 6, 5, seed=1, rank=2)))
2
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

__all__ = ["KINDS", "kinds", "seeds", "make_matrix", "low_rank", "with_singular_values"]

KINDS = ("random", "rank_deficient", "ill_conditioned")
kinds = st.sampled_from(KINDS)
seeds = st.integers(0, 2**32 - 1)


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def with_singular_values(m: int, n: int, s: np.ndarray, seed: int | np.random.Generator) -> np.ndarray:
    """``U diag(s) Vᵀ`` with random orthonormal ``U`` (m × k) and ``V`` (n × k), ``k = len(s)``."""
    rng = _rng(seed)
    k = len(s)
    U, _ = np.linalg.qr(rng.standard_normal((m, k)))
    V, _ = np.linalg.qr(rng.standard_normal((n, k)))
    return (U * s) @ V.T


def low_rank(m: int, n: int, r: int, seed: int | np.random.Generator) -> np.ndarray:
    """A Gaussian ``m × r`` times a Gaussian ``r × n``: rank ``r`` with probability 1."""
    rng = _rng(seed)
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


def make_matrix(kind: str, m: int, n: int, seed: int | np.random.Generator, *, rank: int | None = None,
                sv_range: tuple[float, float] = (1.0, 1e-10)) -> np.ndarray:
    """An ``m × n`` test matrix of the given kind.

    Parameters
    ----------
    kind : {"random", "rank_deficient", "ill_conditioned"}
        Gaussian entries; a Gaussian product of rank ``rank``; or singular
        values spaced logarithmically over ``sv_range`` (condition number
        ``sv_range[0] / sv_range[1]``).
    seed : int or numpy.random.Generator
        A Generator is drawn from as it is (the caller may have drawn from it first).
    rank : int, optional
        For "rank_deficient"; default ``max(1, min(m, n) // 3)``.
    sv_range : (float, float)
        For "ill_conditioned": the largest and the smallest singular value.
    """
    rng = _rng(seed)
    if kind == "random":
        return rng.standard_normal((m, n))
    if kind == "rank_deficient":
        return low_rank(m, n, max(1, min(m, n) // 3) if rank is None else rank, rng)
    if kind == "ill_conditioned":
        hi, lo = sv_range
        return with_singular_values(m, n, np.logspace(np.log10(hi), np.log10(lo), min(m, n)), rng)
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
