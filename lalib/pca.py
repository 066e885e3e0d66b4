"""Principal component analysis as an encoder and a decoder.

PCA looks for the ``k``-dimensional affine subspace that the data lie closest
to. With the data centered (``X_c = X - mean``, one sample per row) and the
SVD ``X_c = U Σ Vᵀ``:

* the *principal directions* are the rows of ``Vᵀ`` (``components_``),
  the eigenvectors of the covariance matrix ``C = X_cᵀ X_c / (n - 1)``;
* the variance along direction ``i`` is ``σᵢ² / (n - 1)``, the ``i``-th
  eigenvalue of ``C``. (Slides often write ``C = V Σ² Vᵀ`` and
  "variance = σᵢ²": the factor ``1 / (n - 1)`` is missing there.)

With ``D`` the ``p × k`` matrix whose columns are the first ``k``
directions, the *encoder* is ``f(x) = Dᵀ (x - mean)`` and the *decoder*
``g(c) = D c + mean``; ``g(f(x))`` is the point of the subspace closest to
``x``. Without subtracting the mean this would find the best subspace
through the origin instead, which is a different (and usually worse) answer.

The class mirrors :class:`sklearn.decomposition.PCA`: same attribute names,
the same ``1 / (n - 1)`` convention, the same sign rule for the components,
and the same choice of algorithm, so the two agree to rounding error.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator

from lalib.exceptions import NotFittedError
from lalib.svd import randomized_svd, svd_flip
from lalib.validation import as_matrix, is_integer

__all__ = ["PCA"]

_SOLVERS = ("auto", "full", "covariance_eigh", "randomized")


class PCA(BaseEstimator):
    """Principal component analysis (the same interface as scikit-learn's).

    Parameters
    ----------
    n_components : int, float or None
        * int ``k``: keep ``k`` components, ``1 <= k <= min(n_samples, n_features)``;
        * float in (0, 1): keep the fewest components whose explained variance
          ratios add up to more than this fraction;
        * None: keep ``min(n_samples, n_features)``.
    svd_solver : {"auto", "full", "covariance_eigh", "randomized"}
        ``"full"``: exact SVD of the centered data. ``"covariance_eigh"``:
        eigendecomposition of the ``p × p`` covariance matrix (fast when
        there are many more samples than features, less accurate for tiny
        variances since it squares the condition number). ``"randomized"``:
        :func:`lalib.svd.randomized_svd`, for large data and few components.
        ``"auto"`` picks like scikit-learn: ``covariance_eigh`` when
        ``n_features <= 1000`` and ``n_samples >= 10 n_features``; else
        ``full`` when both sizes are at most 500 or ``n_components`` is a
        fraction; else ``randomized`` when ``n_components < 0.8 min(n, p)``;
        else ``full``.
    n_oversamples, iterated_power :
        Passed to :func:`~lalib.svd.randomized_svd` (as ``n_oversamples``
        and ``n_iter``).
    random_state : int, numpy.random.Generator or None
        Seed for the randomized solver.

    Attributes
    ----------
    components_ : numpy.ndarray, shape (n_components_, n_features)
        Principal directions (orthonormal rows), by decreasing variance. The
        sign of each is fixed so that its largest-magnitude entry is positive.
    explained_variance_ : numpy.ndarray, shape (n_components_,)
        Variance of the data along each direction: ``σᵢ² / (n_samples - 1)``.
    explained_variance_ratio_ : numpy.ndarray, shape (n_components_,)
        The same as a fraction of the total variance.
    singular_values_ : numpy.ndarray, shape (n_components_,)
        The ``σᵢ`` of the centered data.
    mean_ : numpy.ndarray, shape (n_features,)
        Per-feature mean of the training data.
    n_components_ : int
        Number of components kept.
    n_samples_, n_features_in_ : int
        Shape of the training data.
    noise_variance_ : float
        Mean variance of the ``p - n_components_`` discarded directions
        (probabilistic PCA's noise level; 0 if none were discarded).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 3)) * [5, 2, 0.1]      # variance mostly along x
    >>> pca = PCA(n_components=2).fit(X)
    >>> np.abs(pca.components_).round(1).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    >>> pca.explained_variance_ratio_.round(3).tolist()
    [0.865, 0.134]
    >>> codes = pca.transform(X)                             # the encoder f
    >>> codes.shape, pca.inverse_transform(codes).shape      # the decoder g
    ((200, 2), (200, 3))
    """

    def __init__(
        self,
        n_components: int | float | None = None,
        *,
        svd_solver: str = "auto",
        n_oversamples: int = 10,
        iterated_power: int | str = "auto",
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.n_components = n_components
        self.svd_solver = svd_solver
        self.n_oversamples = n_oversamples
        self.iterated_power = iterated_power
        self.random_state = random_state

    def __repr__(self) -> str:
        return f"PCA(n_components={self.n_components!r}, svd_solver={self.svd_solver!r})"

    # ------------------------------------------------------------------ fit
    def _resolve_n_components(self, n_samples: int, n_features: int) -> int | float:
        nc = self.n_components
        kmax = min(n_samples, n_features)
        if nc is None:
            return kmax
        if isinstance(nc, bool) or not isinstance(nc, Real):
            raise TypeError(f"n_components must be an int, a float in (0, 1) or None, got {nc!r}")
        if is_integer(nc):
            if not 1 <= nc <= kmax:
                raise ValueError(
                    f"n_components must be between 1 and min(n_samples, n_features) = {kmax} "
                    f"for X of shape ({n_samples}, {n_features}), got n_components={nc}"
                )
            return int(nc)
        if not 0 < nc < 1:
            raise ValueError(f"a float n_components must be in the open interval (0, 1), got n_components={nc!r}")
        return float(nc)

    def _choose_solver(self, n_samples: int, n_features: int, nc: int | float) -> str:
        if self.svd_solver not in _SOLVERS:
            raise ValueError(f"svd_solver must be one of {_SOLVERS}, got svd_solver={self.svd_solver!r}")
        if self.svd_solver != "auto":
            if self.svd_solver == "randomized" and isinstance(nc, float):
                raise ValueError(
                    f"svd_solver='randomized' needs an integer n_components, got n_components={nc!r}; "
                    "a fraction of the variance needs all the singular values (use 'full')"
                )
            return self.svd_solver
        # scikit-learn's rule, so that the two agree on which algorithm runs.
        if n_features <= 1_000 and n_samples >= 10 * n_features:
            return "covariance_eigh"
        if max(n_samples, n_features) <= 500 or isinstance(nc, float):
            return "full"
        if 1 <= nc < 0.8 * min(n_samples, n_features):
            return "randomized"
        return "full"

    def fit(self, X: ArrayLike, y=None) -> "PCA":
        """Learn the mean and the principal directions of ``X``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            One sample per row; at least 2 samples.
        y : ignored
            Accepted for scikit-learn compatibility.

        Returns
        -------
        PCA
            ``self``, fitted.

        Examples
        --------
        >>> PCA(1).fit([[0, 0], [1, 1], [2, 2]]).components_.round(4).tolist()
        [[0.7071, 0.7071]]
        """
        self._fit(X)
        return self

    def fit_transform(self, X: ArrayLike, y=None) -> np.ndarray:
        """Fit, then encode ``X``: the same as ``fit(X).transform(X)``.

        Examples
        --------
        >>> PCA(1).fit_transform([[0, 0], [1, 1], [2, 2]]).round(4).ravel().tolist()
        [-1.4142, 0.0, 1.4142]
        """
        Xc = self._fit(X)
        return Xc @ self.components_.T

    def _fit(self, X: ArrayLike) -> np.ndarray:
        """Fit and return the centered data (reused by fit_transform)."""
        X = as_matrix(X, "X")
        if np.iscomplexobj(X):
            raise TypeError("X must be real for PCA, got a complex array")
        n, p = X.shape
        if n < 2:
            raise ValueError(f"X must have at least 2 samples (rows) to estimate a variance, got shape {X.shape}")
        nc = self._resolve_n_components(n, p)
        solver = self._choose_solver(n, p, nc)

        mean = X.mean(axis=0)
        Xc = X - mean
        if solver == "full":
            U, S, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
            U, Vt = svd_flip(U, Vt, u_based=False)
            variance = S**2 / (n - 1)
            total = float(variance.sum())
        elif solver == "covariance_eigh":
            # C = Xcᵀ Xc / (n - 1) is p × p; its eigenvectors are the directions.
            C = Xc.T @ Xc
            C /= n - 1
            w, V = np.linalg.eigh(C)
            w, V = np.clip(w[::-1], 0.0, None), V[:, ::-1]  # decreasing; rounding can make w < 0
            _, Vt = svd_flip(V, V.T, u_based=False)
            variance, S = w, np.sqrt(w * (n - 1))
            total = float(variance.sum())
        else:  # randomized: only the top components, so the total comes from the data
            U, S, Vt = randomized_svd(
                Xc, int(nc), n_oversamples=self.n_oversamples, n_iter=self.iterated_power,
                random_state=self.random_state,
            )
            _, Vt = svd_flip(U, Vt, u_based=False)
            variance = S**2 / (n - 1)
            total = float(np.sum(Xc**2) / (n - 1))

        ratio = variance / total if total > 0 else np.zeros_like(variance)
        if isinstance(nc, float):
            # Fewest components whose cumulated ratio exceeds the requested fraction.
            nc = int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
            nc = min(nc, len(ratio))
        # Probabilistic-PCA noise level (Tipping & Bishop's maximum-likelihood
        # sigma^2): the mean of the p - nc discarded covariance eigenvalues,
        # including the zero ones when n <= p, whatever the solver. (For n < p
        # scikit-learn's 'full' and 'randomized' solvers divide by min(n, p) - nc
        # instead, so its value there depends on the solver.)
        discarded = max(total - float(variance[:nc].sum()), 0.0)
        self.noise_variance_ = discarded / (p - nc) if nc < p else 0.0
        self.n_components_ = int(nc)
        self.components_ = np.ascontiguousarray(Vt[:nc])
        self.explained_variance_ = variance[:nc].copy()
        self.explained_variance_ratio_ = ratio[:nc].copy()
        self.singular_values_ = np.asarray(S[:nc], dtype=float).copy()
        self.mean_ = mean
        self.n_samples_, self.n_features_in_ = n, p
        self.svd_solver_ = solver
        return Xc

    # ------------------------------------------------------------- encoding
    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError("This PCA instance is not fitted yet: call fit(X) first")

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Encode: ``f(x) = Dᵀ (x - mean)`` for each row ``x`` of ``X``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)

        Returns
        -------
        numpy.ndarray, shape (n_samples, n_components_)
            The coordinates ("codes") of each sample along the components.

        Examples
        --------
        >>> pca = PCA(1).fit([[0, 0], [2, 2]])
        >>> pca.transform([[3, 3]]).round(4).tolist()
        [[2.8284]]
        """
        self._check_fitted()
        X = as_matrix(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features (shape {X.shape}), but PCA was fitted with {self.n_features_in_}"
            )
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, codes: ArrayLike) -> np.ndarray:
        """Decode: ``g(c) = D c + mean`` for each row ``c`` of ``codes``.

        ``inverse_transform(transform(X))`` is the orthogonal projection of
        ``X`` onto the fitted affine subspace; it equals ``X`` only when no
        variance was discarded.

        Parameters
        ----------
        codes : array_like, shape (n_samples, n_components_)

        Returns
        -------
        numpy.ndarray, shape (n_samples, n_features)

        Examples
        --------
        >>> pca = PCA(1).fit([[0, 0], [2, 2]])
        >>> pca.inverse_transform([[0.0]]).tolist()      # code 0 decodes to the mean
        [[1.0, 1.0]]
        """
        self._check_fitted()
        C = as_matrix(codes, "codes")
        if C.shape[1] != self.n_components_:
            raise ValueError(
                f"codes has {C.shape[1]} columns (shape {C.shape}), but PCA has {self.n_components_} components"
            )
        return C @ self.components_ + self.mean_
