"""The exceptions and warnings lalib defines, in one place.

* :class:`NotFittedError`: a method that needs a fitted estimator was called
  before ``fit``. It subclasses scikit-learn's (so ``ValueError`` and
  ``AttributeError``) and ``RuntimeError`` (what lalib's recommenders raised
  before), so existing ``except`` clauses keep working.
* :class:`ConvergenceWarning`: an iterative method stopped before meeting its
  tolerance. It subclasses scikit-learn's, so code written for scikit-learn
  silences both with one ``warnings.filterwarnings`` call.
* :class:`DataFileError`: a data file is corrupt, truncated or malformed.

The two scikit-learn subclasses are created on first use: importing
scikit-learn takes seconds, which ``import lalib`` (every notebook, every
graded submission) and the modules that merely *might* raise them should not
pay.

Examples
--------
>>> import sklearn.exceptions
>>> from lalib.exceptions import ConvergenceWarning, NotFittedError
>>> issubclass(NotFittedError, sklearn.exceptions.NotFittedError), issubclass(NotFittedError, RuntimeError)
(True, True)
>>> issubclass(ConvergenceWarning, sklearn.exceptions.ConvergenceWarning)
True
>>> from lalib.pca import PCA
>>> PCA().transform([[1.0, 2.0]])
Traceback (most recent call last):
...
lalib.exceptions.NotFittedError: This PCA instance is not fitted yet: call fit(X) first
"""

from __future__ import annotations

import functools

__all__ = ["NotFittedError", "ConvergenceWarning", "DataFileError"]


class DataFileError(ValueError):
    """A data file is corrupt, truncated or not in the expected format.

    Examples
    --------
    >>> issubclass(DataFileError, ValueError)
    True
    """


@functools.cache
def _sklearn_based() -> dict[str, type]:
    """Define the subclasses of scikit-learn's classes (once, on first use)."""
    import sklearn.exceptions

    class NotFittedError(sklearn.exceptions.NotFittedError, RuntimeError):
        """A method that needs a fitted estimator was called before ``fit``."""

    class ConvergenceWarning(sklearn.exceptions.ConvergenceWarning):
        """An iterative method stopped before meeting its tolerance."""

    classes = {"NotFittedError": NotFittedError, "ConvergenceWarning": ConvergenceWarning}
    for name, cls in classes.items():
        cls.__module__, cls.__qualname__ = __name__, name  # pickles and prints as lalib.exceptions.<name>
    return classes


def __getattr__(name: str) -> type:
    if name in ("NotFittedError", "ConvergenceWarning"):
        cls = _sklearn_based()[name]
        globals()[name] = cls  # later lookups are plain attribute reads
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
