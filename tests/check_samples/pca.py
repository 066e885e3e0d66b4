"""Samples for the ``pca`` bank (lalib.checks.pca, solutions/08-pca.ipynb).

Right answers as the solutions notebook computes them (and equivalent forms: other signs,
lengths, libraries); wrong ones are the slips the bank diagnoses (no centring, 1/n, σ² for a
variance, ascending order, forgotten mean), type errors, and functions that are wrong or forbidden.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.pca import DATA, K_LAMBDAS, LAMBDAS, N_LAMBDAS, N_SIGMA, SIGMA, X90, X_NEW

N = len(DATA)
MU = DATA.mean(axis=0)
XC = DATA - MU
C = XC.T @ XC / (N - 1)
LAM, V = np.linalg.eigh(C)
LAM, V = LAM[::-1], V[:, ::-1]
V1 = V[:, 0]
LAM90 = np.linalg.eigvalsh(np.cov(X90, rowvar=False))[::-1]
K90 = int(np.searchsorted(np.cumsum(LAM90) / LAM90.sum(), 0.9) + 1)
X_REC = MU + V1 * (V1 @ (X_NEW - MU))
W_PCA = np.diag(1 / np.sqrt(LAM)) @ V.T


def pca(X, k):  # the solutions notebook's answer
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], Xc @ Vt[:k].T


def _pca_eigh(X, k):  # through the covariance, signs as eigh gives them
    Xc = X - X.mean(axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc / (len(X) - 1))
    comps = V[:, ::-1][:, :k].T
    return comps, Xc @ comps.T


def _pca_flipped(X, k):  # every other component flipped, with its scores
    comps, scores = pca(X, k)
    signs = (-1.0) ** np.arange(k)
    return comps * signs[:, None], scores * signs


def _pca_lists(X, k):
    comps, scores = pca(X, k)
    return [comps.tolist(), scores.tolist()]


def _uncentred(X, k):
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:k], X @ Vt[:k].T


def _raw_scores(X, k):
    comps, _ = pca(X, k)
    return comps, X @ comps.T


def _columns(X, k):
    comps, scores = pca(X, k)
    return comps.T, scores


def _scores_unflipped(X, k):
    comps, scores = pca(X, k)
    return -comps, scores


def _only_components(X, k):
    return pca(X, k)[0]


def _sklearn(X, k):
    from sklearn.decomposition import PCA

    p = PCA(k).fit(X)
    return p.components_, p.transform(X)


def _lalib(X, k):
    from lalib.pca import PCA

    p = PCA(k).fit(X)
    return p.components_, p.transform(X)


def _mutates(X, k):
    X -= X.mean(axis=0)
    return pca(X, k)


WHY = ("Features in large units dominate the variance, so standardise features measured in different units. "
       "Outliers can turn the axes; look at the data first. Curved structure is invisible to a linear method.")

# qid -> (right answers, wrong answers)
SAMPLES = {
    "pca.1": ([MU, MU.tolist(), MU[:, None]], [DATA.mean(axis=1), np.zeros(3), MU[:2], "mean"]),
    "pca.2": ([C, np.cov(DATA, rowvar=False), C.tolist()],
              [DATA.T @ DATA / (N - 1), C * (N - 1) / N, C * (N - 1), np.cov(DATA), C + 0.1, np.eye(3), "C"]),
    "pca.3": ([LAM, LAM.tolist(), np.linalg.svd(XC, compute_uv=False) ** 2 / (N - 1)],
              [LAM[::-1], LAM * (N - 1), np.sqrt(LAM * (N - 1)), LAM * (N - 1) / N, LAM[[1, 0, 2]], LAM[:2], "λ"]),
    "pca.4": ([V1, -V1, 5 * V1, np.linalg.svd(XC)[2][0]],
              [V[:, 1], V[:, 2], np.linalg.eigh(DATA.T @ DATA)[1][:, -1], np.zeros(3), np.ones(3), V1[:2]]),
    "pca.5": ([LAM[0] / LAM.sum(), float(LAM[0] / np.trace(C))], [LAM[0], LAM[2] / LAM.sum(), 1.0, "0.95", [0.95]]),
    "pca.6": ([SIGMA**2 / (N_SIGMA - 1), 4.0], [SIGMA**2, SIGMA**2 / N_SIGMA, SIGMA / (N_SIGMA - 1), "4", None]),
    "pca.7": ([pca, _pca_eigh, _pca_flipped, _pca_lists],
              [_uncentred, _raw_scores, _columns, _scores_unflipped, _only_components, _sklearn, _lalib, _mutates,
               "pca"]),
    "pca.8": ([K90, np.int64(K90), float(K90)], [K90 - 1, K90 + 1, 12, 0.9, "4"]),
    "pca.9": ([(N_LAMBDAS - 1) * LAMBDAS[K_LAMBDAS:].sum(), 60],
              [LAMBDAS[K_LAMBDAS:].sum(), N_LAMBDAS * LAMBDAS[K_LAMBDAS:].sum(),
               (N_LAMBDAS - 1) * LAMBDAS[:K_LAMBDAS].sum(), "60"]),
    "pca.10": (["B", "b", "(B)"], ["A", "C", "D", 2]),
    "pca.11": (["B", "(b)"], ["A", "C", "D", None]),
    "pca.12": ([X_REC, X_REC.tolist()], [V1 * (V1 @ X_NEW), X_REC - MU, X_NEW, MU, X_REC[:2], "x"]),
    "pca.13": ([W_PCA, -W_PCA, V @ W_PCA, np.linalg.inv(np.linalg.cholesky(C))],
               [V.T, np.eye(3), np.diag(1 / LAM) @ V.T, W_PCA[:2], "W"]),
    "pca.14": (["B", "b"], ["A", "C", "D", 14]),
    "pca.15": ([WHY], ["   ", 15]),
}
