"""Core linear algebra on numpy arrays, one submodule per idea.

========================== ===================================================
submodule                  what it holds
========================== ===================================================
:mod:`.subspaces`          rank (with the one rank tolerance, ``default_tol``),
                           the four fundamental subspaces, ``rref``,
                           ``canonical_basis``, ``in_span``, ``same_span``
:mod:`.projection`         projection onto a vector or a subspace,
                           ``projection_matrix``, ``cosine_similarity``,
                           minimum-norm ``least_squares``, Gram–Schmidt QR,
                           ``orthogonality_error``
:mod:`.eigen`              power iteration with deflation, ``diagonalize``
:mod:`.spectral`           the 2×2 characteristic polynomial, spectral
                           radius, stepwise power iterates, Markov stationary
                           distribution, largest stable learning rate
:mod:`.coordinates`        coordinates in a basis (``basis_coordinates``),
                           ``change_of_basis``, ``pivot_columns``,
                           ``is_independent``
:mod:`.functions`          ``matrix_power`` and ``matrix_exp`` (``expm``)
:mod:`.signs`              ``svd_flip``, the one sign convention for singular
                           vectors and eigenvectors
========================== ===================================================

Every public name is importable from here (``from lalib.linalg import rank``).
Input validation lives in :mod:`lalib.validation`, the warnings and errors in
:mod:`lalib.exceptions`; ``as_matrix`` and ``ConvergenceWarning`` are
re-exported here because they always were (``ConvergenceWarning`` on first
use: it subclasses scikit-learn's, and importing scikit-learn takes seconds
that ``import lalib`` should not cost). Only numpy is imported.

Examples
--------
>>> from lalib.linalg import rank, null_space
>>> rank([[1, 2], [2, 4]]), null_space([[1, 2], [2, 4]]).shape
(1, (2, 1))
"""

from __future__ import annotations

from lalib.linalg import coordinates, eigen, functions, projection, signs, spectral, subspaces
from lalib.linalg.coordinates import *  # noqa: F401,F403
from lalib.linalg.eigen import *  # noqa: F401,F403
from lalib.linalg.functions import *  # noqa: F401,F403
from lalib.linalg.projection import *  # noqa: F401,F403
from lalib.linalg.signs import *  # noqa: F401,F403
from lalib.linalg.spectral import *  # noqa: F401,F403
from lalib.linalg.subspaces import *  # noqa: F401,F403

__all__ = [*subspaces.__all__, *projection.__all__, *eigen.__all__, *spectral.__all__,
           *coordinates.__all__, *functions.__all__, *signs.__all__, "ConvergenceWarning"]


def __getattr__(name: str):
    """``ConvergenceWarning`` on first use (it imports scikit-learn)."""
    if name == "ConvergenceWarning":
        from lalib import exceptions

        return exceptions.ConvergenceWarning
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
