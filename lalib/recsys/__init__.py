"""Recommender systems: the user-item ratings matrix and its low-rank factorization.

Ratings arrive as three parallel arrays (user id, item id, rating). They form a
very sparse matrix -- Netflix's was 480,189 users by 17,770 movies with about
1% of entries known -- and the task is to fill in the rest. The model here is

    r_ui ~ mu + b_u + b_i + p_u . q_i

a global mean, a user bias, an item bias and a rank-k product of user and item
factors. With a fixed ridge penalty, every fitting method minimizes the *same*
regularized squared error

    J = sum_(u,i) (r_ui - mu - b_u - b_i - p_u . q_i)^2
        + reg (|P|^2 + |Q|^2) + reg_bias (|b_user|^2 + |b_item|^2)

three ways: alternating least squares (each half-step is one small ridge
regression per user, solved for all users at once), stochastic gradient
descent (Funk-SVD) and PyTorch autograd. The default, ``reg="auto"``, keeps
ALS's batched ridge regressions but learns how much to shrink, and toward
what, from the data (variational Bayes); on MovieLens 100K that is the
difference between RMSE 0.91 and 0.89 (see ``benchmarks/recsys.md``).

The package, one submodule per idea (every public name is importable from
``lalib.recsys``):

=============================== ===============================================
submodule                       what it holds
=============================== ===============================================
:mod:`.data`                    ``IdMap``, ``Ratings``, ``ratings_matrix``, the
                                splits (``random_split``, ``per_user_split``,
                                ``kfold``) and ``make_netflix_like``
:mod:`.metrics`                 ``rmse``, ``mae`` and the top-n ranking rule
:mod:`.baselines`               ``GlobalMean``, ``BiasBaseline``
:mod:`.als`                     ``als_step`` and the batched ridge and
                                variational-Bayes kernels behind ALS
:mod:`.factorization`           ``MatrixFactorization`` (ALS, SGD, torch),
                                with ``recommend`` and ``similar_items``
=============================== ===============================================
"""

from __future__ import annotations

from lalib.recsys import als, baselines, data, factorization, metrics
from lalib.recsys.als import *  # noqa: F401,F403
from lalib.recsys.baselines import *  # noqa: F401,F403
from lalib.recsys.data import *  # noqa: F401,F403
from lalib.recsys.factorization import *  # noqa: F401,F403
from lalib.recsys.metrics import *  # noqa: F401,F403

__all__ = [*data.__all__, *metrics.__all__, *baselines.__all__, *factorization.__all__, *als.__all__]
