"""Baselines every factorization must beat: the global mean and user and item biases."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from lalib import exceptions  # its scikit-learn based classes load when first raised
from lalib.recsys.data import _check_triples
from lalib.recsys.ids import IdMap, _as_ids

__all__ = ["GlobalMean", "BiasBaseline"]


class GlobalMean:
    """Predict the mean training rating for everyone: the baseline to beat.

    Attributes
    ----------
    global_mean_ : float
    users_, items_ : IdMap
        The users and items seen in training.
    rating_scale_ : tuple of float
        (lowest, highest) rating; predictions are clipped to it.

    Examples
    --------
    >>> GlobalMean().fit(["a", "b"], [1, 2], [3, 4]).predict(["zed"], [9])
    array([3.5])
    """

    def __init__(self, rating_scale: tuple[float, float] | None = None):
        self.rating_scale = rating_scale

    # scikit-learn's estimator protocol, so that sklearn.base.clone and grid
    # searches take every model here, without importing scikit-learn (seconds).
    @classmethod
    def _param_names(cls) -> list[str]:
        params = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in params if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's arguments by name, as scikit-learn's ``get_params``.

        Examples
        --------
        >>> BiasBaseline(reg=2.0).get_params()
        {'n_epochs': 10, 'rating_scale': None, 'reg': 2.0}
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> GlobalMean:
        """Set constructor arguments by name, as scikit-learn's ``set_params``; returns ``self``.

        Examples
        --------
        >>> GlobalMean().set_params(rating_scale=(1, 5)).rating_scale
        (1, 5)
        """
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"{name!r} is not a parameter of {type(self).__name__}; its parameters are {valid}")
            setattr(self, name, value)
        return self

    def _prepare(self, users: Any, items: Any, ratings: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u, i, r = _check_triples(users, items, ratings)
        self.users_, self.items_ = IdMap(u), IdMap(i)
        self.global_mean_ = float(r.mean(dtype=np.float64))  # float32 ratings: still a float64 sum
        lo, hi = self.rating_scale if self.rating_scale is not None else (r.min(), r.max())
        if not lo <= hi:
            raise ValueError(f"rating_scale must be (low, high) with low <= high, got {self.rating_scale}")
        self.rating_scale_ = (float(lo), float(hi))
        return self.users_.codes(u), self.items_.codes(i), r  # int32 codes: half the memory of intp

    def fit(self, users: Any, items: Any, ratings: Any) -> GlobalMean:
        """Learn the mean rating. Returns ``self``."""
        self._prepare(users, items, ratings)
        return self

    def _score(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        """Unclipped scores; ``-1`` marks a user or item not seen in training."""
        return np.full(len(u), self.global_mean_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "global_mean_"):
            raise exceptions.NotFittedError(f"this {type(self).__name__} is not fitted yet: call fit first")

    def _encode(self, users: Any, items: Any) -> tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        u, i = _as_ids(users, "users"), _as_ids(items, "items")
        if len(u) != len(i):
            raise ValueError(f"users and items must have the same length, got {len(u)} and {len(i)}")
        return self.users_.to_index(u, missing=-1), self.items_.to_index(i, missing=-1)

    def predict(self, users: Any, items: Any) -> np.ndarray:
        """Predicted ratings for (user, item) pairs, clipped to the rating scale.

        Users or items not seen in training fall back to the baseline: the
        global mean plus whatever biases are known.
        """
        u, i = self._encode(users, items)
        return np.clip(self._score(u, i), *self.rating_scale_)


def _with_zero(a: np.ndarray) -> np.ndarray:
    """Append a zero row, so that index -1 (unseen) reads zeros."""
    return np.concatenate([a, np.zeros((1,) + a.shape[1:])])


class BiasBaseline(GlobalMean):
    """Global mean plus regularized user and item biases: ``mu + b_u + b_i``.

    Fitted by alternating closed-form updates: with the user biases fixed,
    each item bias is a shrunk mean residual ``sum(r - mu - b_u) / (reg + n_i)``,
    and vice versa.

    Parameters
    ----------
    reg : float
        Shrinkage of every bias toward zero (a count of pseudo-ratings).
    n_epochs : int
        Rounds of alternating updates.
    rating_scale : (float, float), optional
        Clip predictions to this range; by default the training range.

    Attributes
    ----------
    user_bias_, item_bias_ : numpy.ndarray
    global_mean_ : float

    Examples
    --------
    >>> model = BiasBaseline(reg=0.0).fit(["a", "a", "b"], ["x", "y", "x"], [5, 3, 4])
    >>> model.predict(["a", "b"], ["x", "y"]).round(2)
    array([5., 3.])
    """

    def __init__(self, reg: float = 5.0, n_epochs: int = 10, rating_scale: tuple[float, float] | None = None):
        super().__init__(rating_scale)
        self.reg, self.n_epochs = reg, n_epochs

    def fit(self, users: Any, items: Any, ratings: Any) -> BiasBaseline:
        """Learn the biases. Returns ``self``."""
        u, i, r = self._prepare(users, items, ratings)
        if self.reg < 0:
            raise ValueError(f"reg must be non-negative, got {self.reg}")
        nu, ni = len(self.users_), len(self.items_)
        cu, ci = np.bincount(u, minlength=nu), np.bincount(i, minlength=ni)
        res = np.subtract(r, self.global_mean_, dtype=np.float64)
        bu, bi = np.zeros(nu), np.zeros(ni)
        for _ in range(self.n_epochs):
            bi = np.bincount(i, res - bu[u], ni) / (self.reg + ci)
            bu = np.bincount(u, res - bi[i], nu) / (self.reg + cu)
        self.user_bias_, self.item_bias_ = bu, bi
        return self

    def _score(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return self.global_mean_ + _with_zero(self.user_bias_)[u] + _with_zero(self.item_bias_)[i]
