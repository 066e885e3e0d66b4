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
regression per user, solved for a block of users at once), stochastic
gradient descent (Funk-SVD) and PyTorch autograd. The default, ``reg="auto"``,
keeps ALS's batched ridge regressions but learns how much to shrink, and
toward what, from the data (variational Bayes); on MovieLens 100K that is the
difference between RMSE 0.91 and 0.89 (see ``benchmarks/recsys.md``).

Everything is built to run at Netflix's size on one ordinary machine: 100
million ratings are generated in chunks and fitted with compact arrays and
blocked solves (``benchmarks/netflix.md`` has the times and memory).

The package, one submodule per idea (every public name is importable from
``lalib.recsys``):

=============================== ===============================================
submodule                       what it holds
=============================== ===============================================
:mod:`.ids`                     ``IdMap``: raw ids to rows and columns
:mod:`.data`                    ``Ratings``, ``ratings_matrix`` and the splits
                                (``random_split``, ``per_user_split``, ``kfold``)
:mod:`.synthetic`               ``make_netflix_like``, generated in chunks
:mod:`.compact`                 the compact CSR arrays the models fit on, built
                                by a counting sort and read in row blocks
:mod:`.metrics`                 ``rmse``, ``mae`` and the top-n ranking rule
:mod:`.baselines`               ``GlobalMean``, ``BiasBaseline``
:mod:`.als`                     ``als_step`` and the blocked ridge and
                                variational-Bayes kernels behind ALS
:mod:`.sgd`                     Funk-SVD epochs for ``method="sgd"``
:mod:`.torch_model`             Adam through PyTorch for ``method="torch"``
:mod:`.factorization`           ``MatrixFactorization`` (ALS, SGD, torch),
                                with ``recommend`` and ``similar_items``
:mod:`.teaching`                page-sized versions for chapter 10: one
                                half-step as ridge regressions, ALS on a small
                                grid, folding in a new user, precision at k
=============================== ===============================================
"""

from __future__ import annotations

from lalib.recsys import als, baselines, compact, data, factorization, ids, metrics, sgd, synthetic, torch_model
from lalib.recsys.als import *  # noqa: F401,F403
from lalib.recsys.baselines import *  # noqa: F401,F403
from lalib.recsys.data import *  # noqa: F401,F403
from lalib.recsys.factorization import *  # noqa: F401,F403
from lalib.recsys.ids import *  # noqa: F401,F403
from lalib.recsys.metrics import *  # noqa: F401,F403
from lalib.recsys.synthetic import *  # noqa: F401,F403

__all__ = [*ids.__all__, *data.__all__, *synthetic.__all__, *metrics.__all__, *baselines.__all__,
           *factorization.__all__, *als.__all__]

from lalib.recsys import teaching  # noqa: E402  (chapter 10's pieces; it imports als_step from above)
