"""Input validation shared by every numerical module: one rule per kind of argument.

* :func:`as_matrix` and :func:`as_vector`: finite float (or complex) arrays
  of the right dimension, with errors naming the argument and its shape;
* :func:`is_integer` and :func:`check_int`: what counts as an integer
  argument (any integral type but ``bool``), and one within bounds;
* :func:`check_random_state`: the one random generator rule: ``None``, an
  ``int`` seed or a :class:`numpy.random.Generator`.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["as_matrix", "as_vector", "as_finite_array", "is_integer", "check_int", "check_random_state"]


def as_finite_array(A: ArrayLike, name: str, ndim: int, what: str | None = None) -> np.ndarray:
    """``A`` as a finite float64 (or complex128) array with ``ndim`` dimensions.

    Parameters
    ----------
    A : array_like
        Anything numpy can turn into a numeric array (``bool`` becomes float).
    name : str
        The argument's name, used in error messages.
    ndim : int
        The number of dimensions required.
    what : str, optional
        How to describe a valid argument when nested lists are ragged.

    Returns
    -------
    numpy.ndarray
        A copy-free view of ``A`` where possible.

    Raises
    ------
    TypeError
        If ``A`` is not numeric.
    ValueError
        If ``A`` is ragged, has the wrong dimension, is empty, or holds NaN or infinity.

    Examples
    --------
    >>> as_finite_array([[1, 2]], "X", ndim=2).dtype
    dtype('float64')
    >>> as_finite_array([[1, 2]], "X", ndim=3)
    Traceback (most recent call last):
    ...
    ValueError: X must be a 3-D array, got a 2-D array of shape (1, 2)
    """
    kind = {1: "1-D vector", 2: "2-D matrix"}.get(ndim, f"{ndim}-D array")
    try:
        arr = np.asarray(A)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a {what or kind}: {exc}") from None
    if arr.dtype == bool:
        arr = arr.astype(float)
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be numeric, got an array of dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {kind}, got a {arr.ndim}-D array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    arr = arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def as_matrix(A: ArrayLike, name: str = "A") -> np.ndarray:
    """Return ``A`` as a finite 2-D float array, or raise a clear error.

    Parameters
    ----------
    A : array_like
        Anything numpy can turn into a 2-D numeric array.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    numpy.ndarray
        A float64 (or complex128) copy-free view of ``A`` where possible.

    Raises
    ------
    TypeError
        If ``A`` is not numeric.
    ValueError
        If ``A`` is not 2-D, is empty, or holds NaN or infinity.

    Examples
    --------
    >>> as_matrix([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> as_matrix([1, 2, 3])
    Traceback (most recent call last):
    ...
    ValueError: A must be a 2-D matrix, got a 1-D array of shape (3,)
    """
    return as_finite_array(A, name, ndim=2, what="2-D matrix with rows of equal length")


def as_vector(v: ArrayLike, name: str = "v") -> np.ndarray:
    """Return ``v`` as a finite 1-D float array, or raise a clear error naming ``name``.

    Examples
    --------
    >>> as_vector([1, 2]).tolist()
    [1.0, 2.0]
    >>> as_vector([[1, 2]], "b")
    Traceback (most recent call last):
    ...
    ValueError: b must be a 1-D vector, got a 2-D array of shape (1, 2)
    """
    return as_finite_array(v, name, ndim=1)


def is_integer(value: object) -> bool:
    """Whether ``value`` is an integer argument: any integral type (numpy's too), but not ``bool``.

    Examples
    --------
    >>> is_integer(3), is_integer(np.int8(3)), is_integer(True), is_integer(3.0)
    (True, True, False, False)
    """
    return isinstance(value, Integral) and not isinstance(value, bool)


def check_int(value: object, name: str, low: int | None = None, high: int | None = None,
              bounds: str | None = None) -> int:
    """``value`` as a Python ``int`` in ``[low, high]``, or a clear error naming ``name``.

    Parameters
    ----------
    value : object
        The argument; any integral type except ``bool``.
    name : str
        Its name, used in error messages.
    low, high : int, optional
        Inclusive bounds; ``None`` leaves that side open.
    bounds : str, optional
        How to say the allowed range in the error, when the bare numbers would
        not explain it (e.g. ``"between 1 and min(m, n) = 3"``).

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an integer (or is a bool).
    ValueError
        If it is out of bounds.

    Examples
    --------
    >>> check_int(np.int64(3), "k", 1, 5)
    3
    >>> check_int(7, "k", 1, 5)
    Traceback (most recent call last):
    ...
    ValueError: k must be between 1 and 5, got k=7
    >>> check_int(2.0, "k")
    Traceback (most recent call last):
    ...
    TypeError: k must be an integer, got 2.0 of type float
    """
    if not is_integer(value):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        if bounds is None:
            if high is None:
                bounds = f"at least {low}"
            elif low is None:
                bounds = f"at most {high}"
            else:
                bounds = f"between {low} and {high}"
        raise ValueError(f"{name} must be {bounds}, got {name}={value}")
    return value


def check_random_state(random_state: object) -> np.random.Generator:
    """The one rule for random generators: ``None``, an ``int`` seed or a Generator.

    A Generator is used as it is (so a caller can thread one generator through
    several calls); an int seeds a new one; ``None`` draws fresh entropy.

    Parameters
    ----------
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        For anything else (a float, a bool, a legacy ``RandomState``).

    Examples
    --------
    >>> float(check_random_state(0).random()) == float(np.random.default_rng(0).random())
    True
    >>> g = np.random.default_rng(1)
    >>> check_random_state(g) is g
    True
    >>> check_random_state(0.5)
    Traceback (most recent call last):
    ...
    TypeError: random_state must be None, an int or a numpy Generator, got float
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or is_integer(random_state):
        return np.random.default_rng(random_state)
    raise TypeError(f"random_state must be None, an int or a numpy Generator, got {type(random_state).__name__}")
