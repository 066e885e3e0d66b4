"""Core linear algebra on numpy arrays, one submodule per idea.

========================== ===================================================
submodule                  what it holds
========================== ===================================================
:mod:`.subspaces`          rank (with the one rank tolerance, ``default_tol``),
                           the four fundamental subspaces, ``rref``,
                           ``canonical_basis``, ``in_span``, ``same_span``
:mod:`.projection`         projection onto a vector or a subspace,
                           Gram–Schmidt QR, ``orthogonality_error``
:mod:`.eigen`              power iteration with deflation, ``diagonalize``
:mod:`.functions`          ``matrix_power`` and ``matrix_exp`` (``expm``)
========================== ===================================================

Every public name is importable from here (``from lalib.linalg import rank``).
Input validation lives in :mod:`lalib.validation`, the warnings and errors in
:mod:`lalib.exceptions`; ``as_matrix`` and ``ConvergenceWarning`` are
re-exported here because they always were.

Examples
--------
>>> from lalib.linalg import rank, null_space
>>> rank([[1, 2], [2, 4]]), null_space([[1, 2], [2, 4]]).shape
(1, (2, 1))
"""

from __future__ import annotations

from lalib.exceptions import ConvergenceWarning
from lalib.linalg import eigen, functions, projection, subspaces
from lalib.linalg.eigen import *  # noqa: F401,F403
from lalib.linalg.functions import *  # noqa: F401,F403
from lalib.linalg.projection import *  # noqa: F401,F403
from lalib.linalg.subspaces import *  # noqa: F401,F403

__all__ = [*subspaces.__all__, *projection.__all__, *eigen.__all__, *functions.__all__, "ConvergenceWarning"]
