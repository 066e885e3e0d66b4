"""The exceptions and warnings lalib defines, in one place.

:class:`NotFittedError` and :class:`ConvergenceWarning` subclass
scikit-learn's, so code written for scikit-learn estimators (``except
NotFittedError``, ``warnings.filterwarnings("ignore",
category=ConvergenceWarning)``) treats lalib's the same way.
:class:`DataFileError` reports a corrupt or malformed data file.
"""

from __future__ import annotations

import sklearn.exceptions

__all__ = ["NotFittedError", "ConvergenceWarning", "DataFileError"]


class NotFittedError(sklearn.exceptions.NotFittedError, RuntimeError):
    """A method that needs a fitted estimator was called before ``fit``.

    A ``ValueError`` and an ``AttributeError`` like scikit-learn's, and also a
    ``RuntimeError`` (what lalib's recommenders raised before), so existing
    ``except`` clauses keep working.

    Examples
    --------
    >>> from lalib.pca import PCA
    >>> PCA().transform([[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    lalib.exceptions.NotFittedError: This PCA instance is not fitted yet: call fit(X) first
    """


class ConvergenceWarning(sklearn.exceptions.ConvergenceWarning):
    """An iterative method stopped before meeting its tolerance.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("did not converge", ConvergenceWarning)
    >>> issubclass(caught[0].category, sklearn.exceptions.ConvergenceWarning)
    True
    """


class DataFileError(ValueError):
    """A data file is corrupt, truncated or not in the expected format.

    Examples
    --------
    >>> issubclass(DataFileError, ValueError)
    True
    """
