"""lalib.validation: the one home of the integer, array and random-generator rules."""

from __future__ import annotations

import numpy as np
import pytest

from lalib import linalg, svd
from lalib.validation import as_finite_array, as_matrix, as_vector, check_int, check_random_state


@pytest.mark.parametrize("value, low, high, expected", [(3, 1, 5, 3), (np.int64(0), 0, None, 0), (-7, None, -7, -7)])
def test_check_int_accepts_integers_in_bounds_and_returns_python_ints(value, low, high, expected):
    out = check_int(value, "k", low, high)
    assert out == expected and type(out) is int


@pytest.mark.parametrize("value, low, high, err, message", [
    (True, 0, None, TypeError, "k must be an integer, got True of type bool"),
    (2.0, 0, None, TypeError, "k must be an integer, got 2.0 of type float"),
    ("3", 0, None, TypeError, "k must be an integer, got '3' of type str"),
    (0, 1, 5, ValueError, "k must be between 1 and 5, got k=0"),
    (0, 1, None, ValueError, "k must be at least 1, got k=0"),
    (9, None, 5, ValueError, "k must be at most 5, got k=9"),
])
def test_check_int_names_the_argument_and_the_bounds(value, low, high, err, message):
    with pytest.raises(err, match=f"^{message}$"):
        check_int(value, "k", low, high)


def test_check_int_custom_bounds_text():
    with pytest.raises(ValueError, match=r"^k must be between 1 and min\(m, n\) = 2, got k=3$"):
        check_int(3, "k", 1, 2, bounds="between 1 and min(m, n) = 2")


def test_check_random_state_is_the_one_rule():
    g = np.random.default_rng(5)
    assert check_random_state(g) is g  # threaded through, not re-seeded
    assert check_random_state(3).random() == np.random.default_rng(3).random()
    assert isinstance(check_random_state(None), np.random.Generator)
    for bad in (0.5, True, np.random.RandomState(0), "0"):
        with pytest.raises(TypeError, match="random_state must be None, an int or a numpy Generator"):
            check_random_state(bad)


@pytest.mark.parametrize("call", [
    lambda rs: linalg.power_iteration(np.eye(2), random_state=rs),
    lambda rs: svd.randomized_svd(np.eye(3), 1, random_state=rs),
    lambda rs: svd.eckart_young_check(np.eye(3), 1, n_trials=2, random_state=rs),
])
def test_every_numerical_module_uses_the_same_random_state_rule(call):
    # Before the shared rule, power_iteration passed it on to numpy, whose error did not name random_state.
    with pytest.raises(TypeError, match="random_state must be None, an int or a numpy Generator, got float"):
        call(0.5)


def test_array_validation_names_argument_shape_and_problem():
    assert as_matrix([[True, False]]).dtype == np.float64
    assert as_matrix([[1j, 2]]).dtype == np.complex128
    assert as_vector(np.arange(3)).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match=r"B must be a 2-D matrix with rows of equal length"):
        as_matrix([[1, 2], [3]], "B")
    with pytest.raises(ValueError, match=r"^v must be a 1-D vector, got a 0-D array of shape \(\)$"):
        as_vector(3.0)
    with pytest.raises(ValueError, match=r"^X must not be empty, got shape \(0, 3\)$"):
        as_matrix(np.zeros((0, 3)), "X")
    with pytest.raises(ValueError, match="^X contains NaN or infinity$"):
        as_finite_array(np.full((1, 1, 1), np.inf), "X", ndim=3)
    with pytest.raises(TypeError, match="^X must be numeric, got an array of dtype <U1$"):
        as_matrix([["a"]], "X")


def test_is_integer_accepts_numpy_integers_and_refuses_bool():
    from lalib.validation import is_integer

    assert [is_integer(v) for v in (3, np.int8(3), np.uint64(3), True, np.bool_(True), 3.0, "3", None)] == [
        True, True, True, False, False, False, False, False]


@pytest.mark.parametrize("call, err", [
    (lambda: svd.randomized_svd(np.eye(3), 1, n_oversamples=True), ValueError),
    (lambda: svd.eckart_young_check(np.eye(3), 1, n_trials=True), ValueError),
    (lambda: linalg.power_iteration(np.eye(2), k=True), TypeError),
    (lambda: linalg.matrix_power(np.eye(2), True), TypeError),
])
def test_integer_parameters_refuse_bool(call, err):
    with pytest.raises(err, match="must be"):
        call()


def test_matrix_factorization_refuses_a_bool_number_of_components():
    from lalib.recsys import MatrixFactorization

    # True used to pass as 1 factor (isinstance(True, int)); the shared rule refuses it.
    with pytest.raises(ValueError, match="n_components must be a positive integer, got True"):
        MatrixFactorization(n_components=True).fit([1, 2], [1, 2], [3, 4])
