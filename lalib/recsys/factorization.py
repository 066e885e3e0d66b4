"""Biased matrix factorization fitted by ALS (fixed or variational-Bayes penalties), SGD or PyTorch.

:class:`MatrixFactorization` models ``r_ui ~ mu + b_u + b_i + p_u . q_i``. This
module holds the estimator and the ALS loops; the kernels are in
:mod:`lalib.recsys.als`, the other methods in :mod:`lalib.recsys.sgd` and
:mod:`lalib.recsys.torch_model`. ALS starts from the truncated SVD of the
centered ratings (:func:`lalib.svd.randomized_svd` on the sparse matrix) and
reads the ratings from :class:`lalib.recsys.compact.RatingRows`, so a fit of
100 million ratings stays within a few GB (``benchmarks/netflix.md``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable
from typing import Any

import numpy as np
import scipy.sparse as sp

from lalib.recsys.als import (
    _kl_to_prior,
    _moments,
    _ridge_rows,
    _RowNormalized,
    _vb_prior,
    _vb_prior_implicit,
    _vb_rows,
)
from lalib.recsys.baselines import BiasBaseline, GlobalMean, _with_zero
from lalib.recsys.compact import RatingRows
from lalib.recsys.metrics import _top
from lalib.recsys.sgd import sgd_epochs
from lalib.recsys.torch_model import torch_epochs
from lalib.svd import randomized_svd
from lalib.validation import check_random_state, is_integer

__all__ = ["MatrixFactorization"]


_DEFAULT_EPOCHS = {"als": 5, "sgd": 30, "torch": 30}
_DEFAULT_LR = {"sgd": 0.01, "torch": 0.02}
_DEFAULT_BATCH = {"sgd": 1024, "torch": 8192}
_FIXED_REG = 12.0  # what "auto" means for SGD and torch: good on MovieLens-sized data
_IMPLICIT_REG = 30.0  # ridge on the implicit-feedback weights W, tuned on MovieLens 100K
_LOSS_BLOCK = 1 << 20  # ratings per block when summing the loss: P[u] of a block is 80 MB at rank 10


class MatrixFactorization(BiasBaseline):
    """Biased matrix factorization ``r_ui ~ mu + b_u + b_i + p_u . q_i``.

    Parameters
    ----------
    n_components : int
        Number of latent factors k (scikit-learn's name for it).
    reg : float or "auto"
        Ridge penalty on the factors, ``reg * (|P|^2 + |Q|^2)`` in the loss J.
        ``"auto"`` (the default) lets ALS learn its penalties from the data:
        *variational Bayesian* ALS. Each user's ridge regression then shrinks
        ``[p_u, b_u]`` toward a learned Gaussian prior (a mean and a full
        precision matrix, shared by all users) instead of toward zero by a
        fixed amount; the Gram matrices include the items' uncertainty; and
        the noise level is learned too (likewise for items). The priors are
        learned from the rows themselves, so on a toy matrix with a handful of
        users or items pass a number instead. SGD and torch, which need a
        number, use 12 for "auto".
    reg_bias : float
        Ridge penalty on the biases (unused by ALS with ``reg="auto"``).
    method : {"als", "sgd", "torch"}
        ``"als"``: alternating least squares, each half-step solving all
        users' (or items') small ridge systems in one batch -- exact
        coordinate minimization, so the loss never increases. It starts from
        the truncated SVD of the centered ratings (unknowns as zeros), so a
        few sweeps suffice.
        ``"sgd"``: Funk-SVD, stochastic gradient descent on shuffled mini-batches.
        ``"torch"``: the same loss minimized by Adam through PyTorch autograd.
    n_epochs : int, optional
        ALS sweeps or passes over the data; a per-method default when None
        (5 ALS sweeps: with ``reg="auto"``, more sweeps gained nothing on
        MovieLens 100K, and running to convergence overfits a little).
    lr : float, optional
        Learning rate for "sgd" and "torch".
    batch_size : int, optional
        Ratings per mini-batch for "sgd" and "torch"; a per-method default when None.
    init_std : float
        Standard deviation of the random initial factors (SGD, torch).
    rating_scale : (float, float), optional
        Clip predictions to this range; by default the training range.
    random_state : int or numpy.random.Generator, optional
        Seeds the initial factors (the random subspace of the SVD start, for
        ALS) and the shuffling.
    implicit : bool
        For ALS with ``reg="auto"``: let which items a user rated move the
        prior mean of their vector, ``m + W^T f_u`` with ``f_u`` the user's
        rated items scaled to unit length (the implicit feedback of SVD++:
        choosing to rate a movie says something about taste). ``W`` is fitted
        as a ridge regression in the same EM loop.
    track_loss : bool
        Record the loss after every epoch, not only the last (one extra pass
        over the ratings per epoch).
    verbose : bool
        Show a progress bar over epochs.

    Notes
    -----
    ALS holds the ratings twice in compact form (grouped by user and by
    item: 8 bytes a rating each with float32 ratings) and solves the users'
    ridge systems a block at a time, so memory grows with the number of
    ratings, not with users times rank squared; pass ``int32`` ids and
    ``float32`` ratings (what :func:`make_netflix_like` returns) to keep the
    input small too. ``benchmarks/netflix.md`` has the time and peak memory
    of a Netflix-sized fit (100 million ratings). SGD and torch keep float64
    and int64 copies of every rating and are meant for smaller data.

    Attributes
    ----------
    user_factors_, item_factors_ : numpy.ndarray, shape (n_users, n_components), (n_items, n_components)
    user_bias_, item_bias_ : numpy.ndarray
    global_mean_ : float
    users_, items_ : IdMap
        Row of each raw user id in ``user_factors_`` (and items likewise).
    loss_history_ : list of float
        The loss after each epoch (``track_loss``), or after the last one: J for
        a numeric ``reg``; for ALS with ``reg="auto"``, the negative evidence
        lower bound. ALS never increases either.
    noise_std_ : float or None
        The learned noise level (ALS with ``reg="auto"``), else None.

    Examples
    --------
    >>> from lalib.recsys import BiasBaseline, make_netflix_like, random_split, rmse
    >>> data = make_netflix_like(200, 100, rank=3, density=0.2, random_state=0)
    >>> train, test = random_split(len(data), random_state=0)
    >>> model = MatrixFactorization(n_components=3, random_state=0)
    >>> model = model.fit(data.users[train], data.items[train], data.ratings[train])
    >>> baseline = BiasBaseline().fit(data.users[train], data.items[train], data.ratings[train])
    >>> t = data[test]
    >>> rmse(t.ratings, model.predict(t.users, t.items)) < rmse(t.ratings, baseline.predict(t.users, t.items))
    True
    """

    def __init__(self, n_components: int = 10, reg: float | str = "auto", reg_bias: float = 5.0, method: str = "als",
                 n_epochs: int | None = None, lr: float | None = None, batch_size: int | None = None,
                 init_std: float = 0.1, rating_scale: tuple[float, float] | None = None,
                 random_state: int | np.random.Generator | None = None, implicit: bool = True,
                 track_loss: bool = False, verbose: bool = False):
        GlobalMean.__init__(self, rating_scale)
        self.n_components, self.reg, self.reg_bias, self.method = n_components, reg, reg_bias, method
        self.n_epochs, self.lr, self.batch_size = n_epochs, lr, batch_size
        self.init_std, self.random_state, self.implicit = init_std, random_state, implicit
        self.track_loss, self.verbose = track_loss, verbose

    # -- fitting

    def _check_params(self) -> None:
        if self.method not in _DEFAULT_EPOCHS:
            raise ValueError(f"method must be one of {sorted(_DEFAULT_EPOCHS)}, got {self.method!r}")
        if not is_integer(self.n_components) or self.n_components < 1:
            raise ValueError(f"n_components must be a positive integer, got {self.n_components!r}")
        if not (isinstance(self.reg, str) and self.reg == "auto"):
            if isinstance(self.reg, str) or not self.reg >= 0:
                raise ValueError(f"reg must be 'auto' or a non-negative number, got {self.reg!r}")
        for name in ("reg_bias", "init_std"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative, got {getattr(self, name)}")
        if self.n_epochs is not None and self.n_epochs < 1:
            raise ValueError(f"n_epochs must be at least 1, got {self.n_epochs}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")

    def fit(self, users: Any, items: Any, ratings: Any) -> MatrixFactorization:
        """Learn factors and biases from observed ratings. Returns ``self``.

        Parameters
        ----------
        users, items : sequence of hashable
            Raw ids, one per rating.
        ratings : array_like
            The observed ratings.
        """
        self._check_params()
        u, i, r = self._prepare(users, items, ratings)
        nu, ni, k = len(self.users_), len(self.items_), int(self.n_components)
        rng = check_random_state(self.random_state)
        P = rng.normal(0.0, self.init_std, (nu, k))
        Q = rng.normal(0.0, self.init_std, (ni, k))
        bu, bi = np.zeros(nu), np.zeros(ni)
        rows = RatingRows.from_codes(u, i, r, nu, ni, offset=self.global_mean_)
        self._rated_indptr, self._rated_items = rows.indptr, rows.indices  # what recommend skips
        epochs = self.n_epochs or _DEFAULT_EPOCHS[self.method]
        self._reg = _FIXED_REG if self.reg == "auto" else float(self.reg)
        if self.method == "als":
            del u, i  # ALS reads only the grouped copy: at 100M ratings this frees 800 MB
            fitter = (self._fit_vb if self.reg == "auto" else self._fit_als)(rows, P, Q, bu, bi, epochs, rng)
        else:
            res = np.subtract(r, self.global_mean_, dtype=np.float64)
            gd = sgd_epochs if self.method == "sgd" else torch_epochs
            fitter = gd(u, i, res, P, Q, bu, bi, self._epochs(epochs), rng,
                        self.lr if self.lr is not None else _DEFAULT_LR[self.method], self._reg, self.reg_bias,
                        self.batch_size or _DEFAULT_BATCH[self.method])
        self.noise_std_ = None
        self.loss_history_: list[float] = []
        loss = None  # fitters yield None (the loss is J) or a function computing their own loss
        with _one_blas_thread():
            for P, Q, bu, bi, loss in fitter:
                if self.track_loss:
                    self.loss_history_.append(loss() if loss else self._loss(rows, P, Q, bu, bi))
            if not self.track_loss:
                self.loss_history_.append(loss() if loss else self._loss(rows, P, Q, bu, bi))
        self.user_factors_, self.item_factors_, self.user_bias_, self.item_bias_ = P, Q, bu, bi
        return self

    def _loss(self, rows: RatingRows, P, Q, bu, bi) -> float:
        """J, summed over blocks of ratings (never one full-length temporary per factor)."""
        sse = 0.0
        for start, stop, R, _ in rows.chunks(rows.n_rows, _LOSS_BLOCK):
            uu = np.repeat(np.arange(start, stop), np.diff(R.indptr))
            err = R.data - bu[uu] - bi[R.indices] - np.einsum("nk,nk->n", P[uu], Q[R.indices])
            sse += float(err @ err)
        return float(sse + self._reg * (np.sum(P * P) + np.sum(Q * Q)) + self.reg_bias * (bu @ bu + bi @ bi))

    def _epochs(self, n: int):
        if not self.verbose:
            return range(n)
        from tqdm.auto import trange
        return trange(n, desc=f"fitting ({self.method})")

    def _fit_als(self, rows: RatingRows, P, Q, bu, bi, epochs, rng):
        k = P.shape[1]
        Q = _svd_start(rows, k, Q, rng)
        cols = rows.transpose()  # after the SVD start: the two never need memory at once
        penalty = np.r_[np.full(k, self._reg), float(self.reg_bias)]
        ones_u, ones_i = np.ones((len(P), 1)), np.ones((len(Q), 1))
        for _ in self._epochs(epochs):
            X = _ridge_rows(rows, np.hstack([Q, ones_i]), bi, penalty)
            P, bu = X[:, :k], X[:, k]
            Y = _ridge_rows(cols, np.hstack([P, ones_u]), bu, penalty)
            Q, bi = Y[:, :k], Y[:, k]
            yield P, Q, bu, bi, None

    def _fit_vb(self, rows: RatingRows, P, Q, bu, bi, epochs, rng):
        """Variational-Bayes ALS. Item moments are a table (few items); user covariances are folded
        into per-item sums block by block (see :func:`lalib.recsys.als._vb_rows`), never stored."""
        ni, k = len(Q), P.shape[1]
        n, d = rows.nnz, k + 1
        r_sq = sum(float(R.data @ R.data) for _, _, R, _ in rows.chunks(rows.n_rows))  # sum of squared residuals
        scale = float(np.sqrt(r_sq / n)) or 1.0  # the ratings' standard deviation
        Q = _svd_start(rows, k, Q, rng)
        cols = rows.transpose()
        # A weak start, in the rating's units: noise of 0.9 std, a prior about as tight as a tuned fixed ridge.
        tau = 1.0 / (0.8 * scale**2)
        prior_u = prior_i = (np.zeros(d), np.eye(d) * 10.0 / scale)
        Y = np.hstack([Q, bi[:, None]])
        item_moments = _moments(Y, np.broadcast_to(np.eye(d) * self.init_std**2, (ni, d, d)))
        if self.implicit:
            F = _RowNormalized(rows)  # each user's rated items, scaled to unit length
            W = np.zeros((ni, d))
        for epoch in self._epochs(epochs):
            bound = self.track_loss or epoch == epochs - 1  # log-determinants only where the bound is read
            users = _vb_rows(rows, Y, tau, *prior_u, r_sq, other_moments=item_moments, fold=True, logdet=bound)
            X = users.X
            if self.implicit:
                _, W, prec, means = _vb_prior_implicit(X, users.S_sum, F, W, prior_u[1], _IMPLICIT_REG)
                prior_u = (means, prec)
            else:
                prior_u = _vb_prior(X, users.S_sum)
            items = _vb_rows(cols, X, tau, *prior_i, r_sq, row_sums=users.moments, logdet=bound)
            Y, item_moments = items.X, items.moments
            prior_i = _vb_prior(Y, items.S_sum)
            sse = items.sse
            tau = n / max(sse, 1e-12 * n * scale**2)  # exactly fitted data: keep tau finite
            self.noise_std_ = float(tau**-0.5)

            def neg_elbo(tau=tau, sse=sse, X=X, su=(users.S_sum, users.logdet_S), Y=Y,
                         si=(items.S_sum, items.logdet_S), pu=prior_u, pi=prior_i):
                loss = (0.5 * tau * sse - 0.5 * n * np.log(tau / (2 * np.pi))
                        + _kl_to_prior(X, *su, *pu) + _kl_to_prior(Y, *si, *pi))
                return loss + (0.5 * _IMPLICIT_REG * float(np.sum(W * W)) if self.implicit else 0.0)

            yield X[:, :k], Y[:, :k], X[:, k], Y[:, k], neg_elbo  # evaluated only when recorded

    # -- using the model

    def _score(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        dot = np.einsum("nk,nk->n", _with_zero(self.user_factors_)[u], _with_zero(self.item_factors_)[i])
        return super()._score(u, i) + dot

    def recommend(self, user: Hashable, n: int = 10, return_scores: bool = False):
        """The ``n`` items with the highest predicted rating that ``user`` has not rated yet.

        A user not seen in training gets the items with the highest bias.

        Returns
        -------
        items : numpy.ndarray
            Raw item ids, best first.
        scores : numpy.ndarray
            Their unclipped predicted ratings (only if ``return_scores``).

        Examples
        --------
        >>> model = MatrixFactorization(n_components=1, reg=0.1, random_state=0)
        >>> model = model.fit(["a", "a", "b", "b"], ["x", "y", "x", "z"], [5, 1, 5, 4])
        >>> model.recommend("a", n=1).tolist()
        ['z']
        """
        self._check_fitted()
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        u = self.users_.to_index([user], missing=-1)[0]
        scores = self.item_bias_ + self.global_mean_
        if u >= 0:
            scores = scores + self.user_bias_[u] + self.item_factors_ @ self.user_factors_[u]
            scores[self._rated_items[self._rated_indptr[u]:self._rated_indptr[u + 1]]] = -np.inf
        top = _top(scores, n)
        items = self.items_.to_id(top)
        return (items, scores[top]) if return_scores else items

    def similar_items(self, item: Hashable, n: int = 10, return_scores: bool = False):
        """The ``n`` items whose latent factors have the highest cosine similarity to ``item``'s.

        Returns
        -------
        items : numpy.ndarray
            Raw item ids, most similar first, ``item`` itself excluded.
        scores : numpy.ndarray
            Their cosine similarities (only if ``return_scores``).

        Examples
        --------
        >>> model = MatrixFactorization(n_components=2, random_state=0).fit([1, 1, 2], ["x", "y", "z"], [5, 4, 1])
        >>> model.item_factors_ = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
        >>> model.similar_items("x", n=2).tolist()
        ['y', 'z']
        """
        self._check_fitted()
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        k = self.items_.to_index([item], missing=-1)[0]
        if k < 0:
            raise ValueError(f"item {item!r} was not seen in training")
        Q = self.item_factors_
        norms = np.linalg.norm(Q, axis=1)
        safe = np.where(norms > 0, norms, 1.0)  # a zero vector is similar to nothing
        sims = (Q @ Q[k]) / (safe * safe[k])
        sims[k] = -np.inf
        top = _top(sims, n)
        items = self.items_.to_id(top)
        return (items, sims[top]) if return_scores else items


def _one_blas_thread():
    """Single-threaded BLAS while fitting.

    The work is many small matrices (batched 11 x 11 solves, thin QR), where
    BLAS threads only wait on each other: on a busy machine a thin QR took
    170 ms with two threads and 0.4 ms with one.
    """
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _svd_start(rows: RatingRows, k: int, fallback: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Item factors ``V sqrt(S)`` from the top-k singular triplets of the centered ratings.

    Large matrices use :func:`lalib.svd.randomized_svd` on the sparse matrix
    itself (four power iterations; its values in the ratings' own dtype, so
    float32 ratings cost 4 bytes a rating here): a starting point need not
    be exact. Columns beyond the matrix's rank keep their values from
    ``fallback`` (random).
    """
    R = rows.to_scipy()
    if min(R.shape) <= max(2 * k, 64):
        _, s, vt = np.linalg.svd(R.toarray().astype(np.float64, copy=False), full_matrices=False)
    else:
        _, s, vt = randomized_svd(R, k, n_iter=4, random_state=rng)
    Q = fallback.copy()
    j = min(k, len(s))
    Q[:, :j] = vt[:j].T * np.sqrt(s[:j])
    return Q
