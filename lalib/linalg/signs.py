"""The one sign convention for singular vectors and eigenvectors: :func:`svd_flip`.

A singular pair ``(uᵢ, vᵢ)`` or an eigenvector is defined only up to sign
(a unit phase when complex); fixing it makes results reproducible and
comparable across libraries. The rule is scikit-learn's.
"""

from __future__ import annotations

import numpy as np

__all__ = ["svd_flip"]


def svd_flip(U: np.ndarray, Vt: np.ndarray, u_based: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Fix the sign of each singular pair so that results are reproducible.

    ``(uᵢ, vᵢ)`` and ``(-uᵢ, -vᵢ)`` give the same ``σᵢ uᵢ vᵢᵀ``, so an SVD is
    only defined up to these signs and different libraries pick differently.
    This picks, like scikit-learn, the sign that makes the largest-magnitude
    entry of ``uᵢ`` (or of ``vᵢ`` when ``u_based=False``) positive; for
    complex vectors, the unit phase that makes it real and positive. It is
    lalib's one sign convention: the SVDs of :mod:`lalib.svd`, the eigenvectors
    of :mod:`lalib.linalg.eigen` and the principal components of :mod:`lalib.pca`
    all use it (importable from :mod:`lalib.svd` too).

    Parameters
    ----------
    U : numpy.ndarray, shape (m, k)
    Vt : numpy.ndarray, shape (k, n)
    u_based : bool
        Decide by the columns of ``U`` (True) or the rows of ``Vt`` (False).

    Returns
    -------
    U, Vt : numpy.ndarray
        New arrays with flipped pairs; ``U @ diag(s) @ Vt`` is unchanged.

    Examples
    --------
    >>> U, Vt = svd_flip(np.array([[-1., 0], [0, 1]]), np.array([[1., 0], [0, 1]]))
    >>> U.tolist(), Vt.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]])
    """
    if u_based:
        pivots = U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])]
    else:
        pivots = Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)]
    if np.iscomplexobj(pivots):
        size = np.abs(pivots)
        phase = np.where(size == 0, 1.0, pivots / np.where(size == 0, 1.0, size))
    else:
        phase = np.where(pivots < 0, -1.0, 1.0)
    # Dividing the deciding vector by its pivot's phase makes the pivot |pivot|;
    # multiplying its partner by the same phase leaves U diag(s) Vt unchanged.
    if u_based:
        return U / phase, Vt * phase[:, None]
    return U * phase, Vt / phase[:, None]
