"""The alternating-least-squares kernel: every user's (or item's) small ridge regression in one batch.

:func:`als_step` is the public half-step; the private helpers batch the Gram
matrices (:func:`_solve_rows`), add the variational-Bayes uncertainty
(:func:`_vb_rows`, :func:`_vb_prior`, :func:`_vb_prior_implicit`) and solve
shifted systems by conjugate gradients (:func:`_shifted_cg`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["als_step"]

# Floats per chunk of stacked Gram matrices: bounds memory on Netflix-sized data.
_GRAM_BUDGET = 1 << 22


def _solve_rows(C: sp.csr_array, moments: np.ndarray, rhs: np.ndarray, penalty: np.ndarray,
                posterior: bool = False):
    """Solve every row's system ``(sum_c moments[c] + penalty) x_r = rhs[r]`` at once.

    The sum runs over the columns ``c`` where row ``r`` of the 0/1 pattern ``C``
    has an entry, so all rows' Gram matrices come out of one sparse product
    ``C @ moments`` (``moments`` holds each column's d x d matrix flattened),
    followed by one batched solve; rows go in chunks to bound memory.

    With ``posterior``, also return each row's inverse matrix (a posterior
    covariance) and ``sum_r trace((x_r x_r^T + inverse_r) gram_r)``.
    """
    n_rows, d = C.shape[0], rhs.shape[1]
    X = np.zeros((n_rows, d))
    S = np.zeros((n_rows, d, d)) if posterior else None
    quad = 0.0
    row, col = np.triu_indices(d)
    upper_moments = moments[:, row * d + col]  # the matrices are symmetric: sum their upper triangles
    step = max(1, _GRAM_BUDGET // (d * d))
    for start in range(0, n_rows, step):
        stop = min(start + step, n_rows)
        upper = C[start:stop] @ upper_moments
        gram = np.empty((stop - start, d, d))
        gram[:, row, col] = upper
        gram[:, col, row] = upper
        A = gram + penalty
        b = rhs[start:stop, :, None]
        if posterior:
            S[start:stop] = inv = np.linalg.inv(A)
            x = X[start:stop] = (inv @ b)[..., 0]
            quad += float(np.einsum("nij,nji->", x[:, :, None] * x[:, None, :] + inv, gram))
            continue
        try:
            X[start:stop] = np.linalg.solve(A, b)[..., 0]
        except np.linalg.LinAlgError:  # reg = 0 with too few ratings: take the minimum-norm solution
            X[start:stop] = (np.linalg.pinv(A, hermitian=True) @ b)[..., 0]
    return (X, S, quad) if posterior else X


def _outer(F: np.ndarray) -> np.ndarray:
    """Each row's outer product with itself, flattened: shape (n, d*d)."""
    return (F[:, :, None] * F[:, None, :]).reshape(len(F), -1)


def _ridge_rows(C: sp.csr_array, R: sp.csr_array, F: np.ndarray, other_bias: np.ndarray,
                penalty: np.ndarray) -> np.ndarray:
    """Every row's ridge regression: ``min_x sum_c (R[r, c] - other_bias[c] - F[c] . x)^2 + sum_j penalty_j x_j^2``."""
    rhs = R @ F - C @ (other_bias[:, None] * F)
    return _solve_rows(C, _outer(F), rhs, np.diag(penalty))


def _vb_rows(C: sp.csr_array, R: sp.csr_array, other: np.ndarray, other_cov: np.ndarray,
             tau: float, prior_mean: np.ndarray, prior_prec: np.ndarray, r_sq: float):
    """Variational-Bayes half-step: the Gaussian posterior of every row's ``x = [p, b]``.

    The other side's vectors ``[q, b]`` are uncertain (means ``other``,
    covariances ``other_cov``), so each row's ridge system uses the *expected*
    Gram matrix ``sum E[f f^T]`` with ``f = [q, 1]``: the plain Gram matrix
    plus the other side's covariances. The prior ``N(prior_mean, prior_prec^-1)``
    replaces the fixed ridge; ``prior_mean`` may be one mean per row. Also
    returns the expected squared error of all ratings under the new posterior.
    """
    n, d = other.shape
    k = d - 1
    f = np.hstack([other[:, :k], np.ones((n, 1))])           # E[f]
    ff = f[:, :, None] * f[:, None, :]
    ff[:, :k, :k] += other_cov[:, :k, :k]                     # E[f f^T]
    b = other[:, k]
    bf = b[:, None] * f
    bf[:, :k] += other_cov[:, :k, k]                          # E[b f]
    rf, sum_bf = R @ f, C @ bf
    rhs = tau * (rf - sum_bf) + prior_mean @ prior_prec  # prior_mean: (d,) or one per row
    X, S, quad = _solve_rows(C, tau * ff.reshape(n, -1), rhs, prior_prec, posterior=True)
    sse = (r_sq - 2 * (float((R @ b).sum()) + float(np.sum(X * rf)))
           + float((C @ (b * b + other_cov[:, k, k])).sum()) + 2 * float(np.sum(X * sum_bf)) + quad / tau)
    return X, S, sse


def _vb_prior(X: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Gaussian prior that best explains the rows' posteriors (the M-step)."""
    m = X.mean(axis=0)
    D = X - m
    cov = D.T @ D / len(X) + S.mean(axis=0)
    return m, np.linalg.inv(cov)


def _vb_prior_implicit(X: np.ndarray, S: np.ndarray, F: sp.csr_array, W: np.ndarray, prec: np.ndarray,
                       reg: float, rtol: float = 1e-3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The M-step when each row's prior mean is ``m + W^T f_r``.

    ``f_r`` (row r of ``F``) says which columns row r rated, so what a user
    chose to rate shifts where their taste is expected to lie (the implicit
    feedback of Koren's SVD++). ``W`` is a ridge regression (penalty
    ``reg |W|^2``) of the posterior means on ``F``, weighted by the prior
    precision: in its eigenbasis the columns decouple into shifted systems,
    solved by conjugate gradients from the previous ``W`` to relative
    residual ``rtol`` (any CG step from there lowers the objective, so EM
    stays monotone; successive sweeps refine ``W``). Then ``m`` and the precision
    are exact. Returns ``(m, W, precision, row_means)``.
    """
    n = len(X)
    f_mean = np.asarray(F.mean(axis=0)).ravel()
    ell, V = np.linalg.eigh(prec)
    T = (X - X.mean(axis=0)) @ V  # the intercept m is free: work with centered targets and features

    def gram(Z):  # (F - mean)^T (F - mean) Z without forming the dense centered matrix
        return F.T @ (F @ Z) - n * np.outer(f_mean, f_mean @ Z)

    B = F.T @ T - n * np.outer(f_mean, T.mean(axis=0))
    # Direction j solves (ell_j G + reg I) w_j = ell_j b_j: no overflow when ell_j is tiny.
    W = _shifted_cg(gram, B * ell, ell, np.full(len(ell), float(reg)), W @ V, rtol=rtol) @ V.T
    row_means = F @ W
    m = (X - row_means).mean(axis=0)
    row_means += m
    D = X - row_means
    return m, W, np.linalg.inv(D.T @ D / n + S.mean(axis=0)), row_means


def _shifted_cg(gram, B: np.ndarray, scales: np.ndarray, shifts: np.ndarray, Z: np.ndarray,
                n_iter: int = 50, rtol: float = 1e-8) -> np.ndarray:
    """Solve ``(scales[j] G + shifts[j] I) z_j = B[:, j]`` for every column j by conjugate gradients from ``Z``.

    ``gram(Z)`` applies the symmetric positive semi-definite G to every column.
    """
    Z = Z.copy()
    R = B - gram(Z) * scales - Z * shifts
    P = R.copy()
    rs = np.sum(R * R, axis=0)
    stop = rtol**2 * np.maximum(np.sum(B * B, axis=0), 1e-300)
    for _ in range(n_iter):
        if np.all(rs <= stop):
            break
        AP = gram(P) * scales + P * shifts
        curv = np.sum(P * AP, axis=0)
        alpha = np.where(curv > 0, rs / np.where(curv > 0, curv, 1.0), 0.0)
        Z += P * alpha
        R -= AP * alpha
        rs_new = np.sum(R * R, axis=0)
        P = R + P * np.where(rs > 0, rs_new / np.where(rs > 0, rs, 1.0), 0.0)
        rs = rs_new
    return Z


def _kl_to_prior(X: np.ndarray, S: np.ndarray, m: np.ndarray, prec: np.ndarray) -> float:
    """sum_r KL(N(X_r, S_r) || N(m_r, prec^-1)); ``m`` is one mean or one per row."""
    D = X - m
    logdet_S = np.linalg.slogdet(S)[1].sum()
    logdet_prec = np.linalg.slogdet(prec)[1]
    return 0.5 * float(np.einsum("ij,nji->", prec, S) + np.einsum("ni,ij,nj->", D, prec, D)
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
    C = R.copy()
    C.data = np.ones_like(C.data)
    R0 = R.copy()
    R0.data = R0.data - global_mean
    k = F.shape[1]
    X = _ridge_rows(C, R0, np.hstack([F, np.ones((len(F), 1))]), b, np.r_[np.full(k, reg), reg_bias])
    return X[:, :k], X[:, k]
