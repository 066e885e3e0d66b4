"""The alternating-least-squares kernels: every user's (or item's) small ridge regression, solved in batches.

:func:`als_step` is the public half-step. Behind it, :func:`_ridge_rows`
(fixed penalty) and :func:`_vb_rows` (variational Bayes) read the ratings
one row block at a time (:meth:`lalib.recsys.compact.RatingRows.chunks`):
each block's Gram matrices come out of one sparse product with the other
side's per-column moments and go into one batched solve, so memory holds one
block of ``d x d`` matrices (``_GRAM_BUDGET`` floats), never one per user.
Variational Bayes also needs each row's posterior covariance on the *other*
half-step; instead of keeping 480,189 of them, each block's covariances are
folded straight into the other side's per-column sums (``fold=True``).
:func:`_vb_prior`, :func:`_vb_prior_implicit` and :func:`_kl_to_prior` are
the M-step and the bound; :func:`_shifted_cg` solves shifted systems by
conjugate gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from lalib.recsys.compact import RatingRows

__all__ = ["als_step"]

# Floats per block of stacked Gram matrices: bounds memory on Netflix-sized data (32 MB).
_GRAM_BUDGET = 1 << 22


def _rows_per_chunk(d: int) -> int:
    return max(1, _GRAM_BUDGET // (d * d))


def _stack(upper: np.ndarray, d: int) -> np.ndarray:
    """Symmetric (n, d, d) matrices from their upper triangles, as ``np.triu_indices(d)`` orders them."""
    row, col = np.triu_indices(d)
    where = np.empty((d, d), np.intp)  # position of entry (i, j) in the upper triangle
    where[row, col] = where[col, row] = np.arange(len(row))
    return np.take(upper, where.ravel(), axis=1).reshape(len(upper), d, d)  # one gather, not two scatters


def _solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(A, b[..., None])[..., 0]
    except np.linalg.LinAlgError:  # reg = 0 with too few ratings: take the minimum-norm solution
        return (np.linalg.pinv(A, hermitian=True) @ b[..., None])[..., 0]


def _ridge_rows(rows: RatingRows, F: np.ndarray, other_bias: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    """Every row's ridge regression ``min_x sum_c (R[r, c] - other_bias[c] - F[c] . x)^2 + sum_j penalty_j x_j^2``.

    The sum runs over the columns ``c`` row ``r`` rated, so a block's Gram
    matrices are one sparse product ``C @ moments`` (``moments`` holds each
    column's ``F[c] F[c]^T``, upper triangle only) and one batched solve.
    """
    d = F.shape[1]
    row, col = np.triu_indices(d)
    moments = F[:, row] * F[:, col]
    bF = other_bias[:, None] * F
    P = np.diag(penalty)
    X = np.zeros((rows.n_rows, d))
    for start, stop, R, C in rows.chunks(_rows_per_chunk(d)):
        X[start:stop] = _solve(_stack(C @ moments, d) + P, R @ F - C @ bF)
    return X


def _moments(X: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Each row's ``[upper(E[f f^T]), E[b f], E[b^2]]`` when ``x = [p, b] ~ N(X, S)`` and ``f = [p, 1]``.

    What the other side's ridge systems need from this side: their expected
    Gram matrix, the expected bias times features, the expected squared bias.
    """
    n, d = X.shape
    k = d - 1
    row, col = np.triu_indices(d)
    f = np.hstack([X[:, :k], np.ones((n, 1))])
    inner = col < k  # the constant 1 in f has no variance
    flat = S.reshape(n, d * d)
    out = np.empty((n, len(row) + d + 1))
    eff = out[:, :len(row)]
    np.multiply(np.take(f, row, axis=1), np.take(f, col, axis=1), out=eff)
    eff[:, inner] += np.take(flat, row[inner] * d + col[inner], axis=1)
    b = X[:, k]
    ebf = out[:, len(row):len(row) + d]
    np.multiply(b[:, None], f, out=ebf)
    ebf[:, :k] += np.take(flat, np.arange(k) * d + k, axis=1)
    out[:, -1] = b * b + flat[:, k * d + k]
    return out


@dataclass
class _HalfStep:
    X: np.ndarray          # posterior means, one row per row
    S_sum: np.ndarray      # sum of the posterior covariances (d, d)
    logdet_S: float        # sum of their log-determinants
    sse: float             # expected squared error of all ratings under both posteriors
    moments: np.ndarray    # folded per-column sums (fold=True) or this side's own moments table


def _vb_rows(rows: RatingRows, other: np.ndarray, tau: float, prior_mean: np.ndarray, prior_prec: np.ndarray,
             r_sq: float, *, other_moments: np.ndarray | None = None, row_sums: np.ndarray | None = None,
             fold: bool = False, logdet: bool = True) -> _HalfStep:
    """Variational-Bayes half-step: the Gaussian posterior ``N(x_r, S_r)`` of every row's ``x = [p, b]``.

    The other side's vectors ``[q, b]`` are uncertain (means ``other``), so
    each row's ridge system uses the *expected* Gram matrix ``sum E[f f^T]``
    with ``f = [q, 1]``: the plain Gram matrix plus the other side's
    covariances. It comes either from the other side's moments table
    (``other_moments``, see :func:`_moments`: one sparse product per block) or
    already summed per row (``row_sums``, folded by the previous half-step).
    The prior ``N(prior_mean, prior_prec^-1)`` replaces the fixed ridge;
    ``prior_mean`` may be one mean per row.

    With ``fold``, each block's posterior moments are added into per-column
    sums for the next half-step (the covariances ``S_r`` are dropped after
    their block); without, this side's moments table is returned.
    """
    if (other_moments is None) == (row_sums is None):
        raise ValueError("give exactly one of other_moments and row_sums")
    d = other.shape[1]
    k, nu = d - 1, d * (d + 1) // 2
    row, col = np.triu_indices(d)
    f = np.hstack([other[:, :k], np.ones((len(other), 1))])
    b = other[:, k]
    per_row_mean = prior_mean.ndim == 2
    prior_term = None if per_row_mean else prior_mean @ prior_prec
    X = np.zeros((rows.n_rows, d))
    S_sum, logdet_S, cross = np.zeros((d, d)), 0.0 if logdet else float("nan"), 0.0
    out = np.zeros((rows.n_cols, nu + d + 1)) if fold else np.zeros((rows.n_rows, nu + d + 1))
    for start, stop, R, C in rows.chunks(_rows_per_chunk(d)):
        sums = C @ other_moments if row_sums is None else row_sums[start:stop]
        gram = _stack(sums[:, :nu], d)
        sum_bf, sum_b2 = sums[:, nu:nu + d], sums[:, -1]
        rf = R @ f
        rhs = tau * (rf - sum_bf) + (prior_mean[start:stop] @ prior_prec if per_row_mean else prior_term)
        A = tau * gram + prior_prec
        S = np.linalg.inv(A)
        x = X[start:stop] = (S @ rhs[:, :, None])[..., 0]
        S_sum += S.sum(axis=0)
        if logdet:
            logdet_S -= float(np.linalg.slogdet(A)[1].sum())
        # Expected squared error, minus sum r^2: E[(r - b - x.f)^2] summed term by term.
        quad = np.einsum("ni,nij,nj->", x, gram, x) + np.einsum("nij,nji->", S, gram)
        cross += (-2 * (float((R @ b).sum()) + float(np.sum(x * rf))) + float(sum_b2.sum())
                  + 2 * float(np.sum(x * sum_bf)) + float(quad))
        mom = _moments(x, S)
        if fold:
            out += C.T @ mom
        else:
            out[start:stop] = mom
    return _HalfStep(X, S_sum, logdet_S, r_sq + cross, out)


def _vb_prior(X: np.ndarray, S_sum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Gaussian prior that best explains the rows' posteriors (the M-step)."""
    m = X.mean(axis=0)
    D = X - m
    cov = D.T @ D / len(X) + S_sum / len(X)
    return m, np.linalg.inv(cov)


class _RowNormalized:
    """The 0/1 pattern with each row scaled to unit length, ``F = diag(n_r^-1/2) C``, as an operator.

    ``F @ Z`` and ``F.T @ Y`` run block by block over the stored pattern, so
    the scaled matrix (as large as the ratings) is never built.
    """

    def __init__(self, rows: RatingRows):
        self.rows = rows
        self.scale = 1.0 / np.sqrt(np.maximum(rows.counts(), 1))
        self.shape = (rows.n_rows, rows.n_cols)

    def __matmul__(self, Z: np.ndarray) -> np.ndarray:
        out = np.empty((self.rows.n_rows, Z.shape[1]))
        for start, stop, _, C in self.rows.chunks(self.rows.n_rows):
            out[start:stop] = (C @ Z) * self.scale[start:stop, None]
        return out

    @property
    def T(self) -> _Transposed:
        return _Transposed(self)

    def gram_diagonal(self) -> np.ndarray:
        """The diagonal of ``F.T @ F``: each column's sum of its rows' squared scales."""
        return self.T @ self.scale

    def gram(self, Z: np.ndarray) -> np.ndarray:
        """``F.T @ (F @ Z)`` in one pass over the blocks (each read twice while in cache)."""
        out = np.zeros((self.rows.n_cols, Z.shape[1]))
        sq = self.scale * self.scale
        for start, stop, _, C in self.rows.chunks(self.rows.n_rows):
            out += C.T @ ((C @ Z) * sq[start:stop, None])
        return out


class _Transposed:
    def __init__(self, F: _RowNormalized):
        self.F = F

    def __matmul__(self, Y: np.ndarray) -> np.ndarray:
        Y2 = Y[:, None] if Y.ndim == 1 else Y
        out = np.zeros((self.F.rows.n_cols, Y2.shape[1]))
        for start, stop, _, C in self.F.rows.chunks(self.F.rows.n_rows):
            out += C.T @ (Y2[start:stop] * self.F.scale[start:stop, None])
        return out[:, 0] if Y.ndim == 1 else out


def _vb_prior_implicit(X: np.ndarray, S_sum: np.ndarray, F, W: np.ndarray, prec: np.ndarray,
                       reg: float, rtol: float = 1e-3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The M-step when each row's prior mean is ``m + W^T f_r``.

    ``f_r`` (row r of ``F``, a sparse matrix or :class:`_RowNormalized`) says
    which columns row r rated, so what a user chose to rate shifts where
    their taste is expected to lie (the implicit feedback of Koren's SVD++).
    ``W`` is a ridge regression (penalty ``reg |W|^2``) of the posterior
    means on ``F``, weighted by the prior precision: in its eigenbasis the
    columns decouple into shifted systems, solved by conjugate gradients from
    the previous ``W`` to relative residual ``rtol`` (any CG step from there
    lowers the objective, so EM stays monotone; successive sweeps refine
    ``W``). The CG is preconditioned by the systems' diagonals: on Netflix-
    shaped data it reaches ``rtol`` in about 5 products with ``G`` where plain
    CG was still 30 times above it after 50. Then ``m`` and the precision
    are exact; ``S_sum`` is the sum of the rows' posterior covariances.
    Returns ``(m, W, precision, row_means)``.
    """
    n = len(X)
    f_mean = (F.T @ np.ones(n)) / n
    ell, V = np.linalg.eigh(prec)
    T = (X - X.mean(axis=0)) @ V  # the intercept m is free: work with centered targets and features

    FtF = F.gram if hasattr(F, "gram") else (lambda Z: F.T @ (F @ Z))
    FtF_diag = F.gram_diagonal() if hasattr(F, "gram_diagonal") else np.asarray(F.multiply(F).sum(axis=0)).ravel()

    def gram(Z):  # (F - mean)^T (F - mean) Z without forming the dense centered matrix
        return FtF(Z) - n * np.outer(f_mean, f_mean @ Z)

    B = F.T @ T - n * np.outer(f_mean, T.mean(axis=0))
    # Direction j solves (ell_j G + reg I) w_j = ell_j b_j: no overflow when ell_j is tiny.
    diag = np.maximum(FtF_diag - n * f_mean**2, 0.0)  # the centered G's diagonal: a variance, never negative
    W = _shifted_cg(gram, B * ell, ell, np.full(len(ell), float(reg)), W @ V, rtol=rtol, diag=diag) @ V.T
    row_means = F @ W
    m = (X - row_means).mean(axis=0)
    row_means += m
    D = X - row_means
    return m, W, np.linalg.inv(D.T @ D / n + S_sum / n), row_means


def _shifted_cg(gram, B: np.ndarray, scales: np.ndarray, shifts: np.ndarray, Z: np.ndarray,
                n_iter: int = 50, rtol: float = 1e-8, diag: np.ndarray | None = None) -> np.ndarray:
    """Solve ``(scales[j] G + shifts[j] I) z_j = B[:, j]`` for every column j by conjugate gradients from ``Z``.

    ``gram(Z)`` applies the symmetric positive semi-definite G to every column.
    With ``diag``, G's diagonal, the iteration is preconditioned by the
    systems' diagonals (Jacobi): the same solution in fewer products with G.
    """
    Z = Z.copy()
    M = np.ones((len(B), 1)) if diag is None else diag[:, None] * scales + shifts
    R = B - gram(Z) * scales - Z * shifts
    Y = R / M
    P = Y.copy()
    rs, rz = np.sum(R * R, axis=0), np.sum(R * Y, axis=0)
    stop = rtol**2 * np.maximum(np.sum(B * B, axis=0), 1e-300)
    for _ in range(n_iter):
        if np.all(rs <= stop):
            break
        AP = gram(P) * scales + P * shifts
        curv = np.sum(P * AP, axis=0)
        alpha = np.where(curv > 0, rz / np.where(curv > 0, curv, 1.0), 0.0)
        Z += P * alpha
        R -= AP * alpha
        Y = R / M
        rz_new = np.sum(R * Y, axis=0)
        P = Y + P * np.where(rz > 0, rz_new / np.where(rz > 0, rz, 1.0), 0.0)
        rs, rz = np.sum(R * R, axis=0), rz_new
    return Z


def _kl_to_prior(X: np.ndarray, S_sum: np.ndarray, logdet_S: float, m: np.ndarray, prec: np.ndarray) -> float:
    """sum_r KL(N(X_r, S_r) || N(m_r, prec^-1)) from the sum and log-determinants of the S_r; ``m`` is one mean or one per row."""
    D = X - m
    logdet_prec = np.linalg.slogdet(prec)[1]
    return 0.5 * float(np.einsum("ij,ji->", prec, S_sum) + np.einsum("ni,ij,nj->", D, prec, D)
                       - X.size - logdet_S - len(X) * logdet_prec)


def als_step(R: sp.csr_array | sp.spmatrix, fixed_factors: np.ndarray, fixed_bias: np.ndarray,
             global_mean: float, reg: float, reg_bias: float) -> tuple[np.ndarray, np.ndarray]:
    """One half-step of ALS: every row's factors and bias, given the columns'.

    For each row ``u`` of the ratings matrix this solves the ridge regression

        min  sum_i (r_ui - mu - b_i - b_u - p_u . q_i)^2 + reg |p_u|^2 + reg_bias b_u^2

    over ``(p_u, b_u)``, with the item factors ``q_i`` and biases ``b_i`` held
    fixed. Pass the transposed matrix (and the user side) for the other half.

    Parameters
    ----------
    R : sparse matrix, shape (n_rows, n_cols)
        Observed ratings; unstored entries are unknown, not zero.
    fixed_factors : numpy.ndarray, shape (n_cols, rank)
    fixed_bias : numpy.ndarray, shape (n_cols,)
    global_mean : float
    reg, reg_bias : float
        Ridge penalties on the factors and on the bias.

    Returns
    -------
    factors : numpy.ndarray, shape (n_rows, rank)
    bias : numpy.ndarray, shape (n_rows,)
        A row with no ratings gets zeros; where a system is singular
        (zero penalty, too few ratings) the minimum-norm solution.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> R = sp.csr_array(np.array([[5.0, 0.0], [1.0, 3.0]]))
    >>> P, b = als_step(R, np.array([[1.0], [0.5]]), np.zeros(2), 3.0, reg=0.0, reg_bias=1e9)
    >>> P.round(3).ravel().tolist()
    [2.0, -1.6]
    """
    R = sp.csr_array(R)
    F = np.asarray(fixed_factors, float)
    if F.ndim != 2 or F.shape[0] != R.shape[1]:
        raise ValueError(f"fixed_factors must have shape ({R.shape[1]}, rank), got {F.shape}")
    b = np.asarray(fixed_bias, float)
    if b.shape != (R.shape[1],):
        raise ValueError(f"fixed_bias must have shape ({R.shape[1]},), got {b.shape}")
    rows = RatingRows.from_scipy(R, offset=global_mean)
    k = F.shape[1]
    X = _ridge_rows(rows, np.hstack([F, np.ones((len(F), 1))]), b, np.r_[np.full(k, reg), reg_bias])
    return X[:, :k], X[:, k]
