"""lalib.transforms against numpy, scipy and torch, on fixed and random (Hypothesis) inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib import transforms as T

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
angles = st.floats(-20, 20, allow_nan=False, allow_infinity=False)
matrices = st.lists(finite, min_size=4, max_size=4).map(lambda v: np.array(v).reshape(2, 2))


@settings(deadline=None)  # no timing in tests: the first call loads scipy/torch kernels
@given(angles)
def test_rotation_is_orthogonal_with_det_one_and_matches_scipy(theta):
    R = T.rotation(theta)
    assert np.allclose(R.T @ R, np.eye(2), atol=1e-12)
    assert math.isclose(T.det2(R), 1.0, rel_tol=1e-12)
    # scipy's matrix exponential of the generator θ·[[0, −1], [1, 0]] is the rotation.
    assert np.allclose(scipy.linalg.expm(theta * np.array([[0.0, -1], [1, 0]])), R, atol=1e-9)
    # Columns are the images of e1 and e2.
    assert np.allclose(R[:, 0], [math.cos(theta), math.sin(theta)])


@settings(deadline=None)
@given(angles, angles)
def test_rotations_compose_by_adding_angles(a, b):
    assert np.allclose(T.rotation(a) @ T.rotation(b), T.rotation(a + b), atol=1e-9)


@settings(deadline=None)
@given(angles)
def test_reflection_and_projection(phi):
    F, P = T.reflection(phi), T.projection(phi)
    u = np.array([math.cos(phi), math.sin(phi)])
    n = np.array([-math.sin(phi), math.cos(phi)])
    assert np.allclose(F @ u, u) and np.allclose(F @ n, -n)            # fixes the line, flips its normal
    assert math.isclose(T.det2(F), -1.0, rel_tol=1e-12)
    assert np.allclose(P @ P, P) and np.allclose(P, P.T)               # orthogonal projection
    assert np.allclose(P @ n, 0, atol=1e-12) and T.rank2(P) == 1
    assert np.allclose(F, 2 * P - np.eye(2))


@settings(deadline=None)
@given(finite)
def test_shear_moves_along_its_axis_and_keeps_area(k):
    assert np.allclose(T.shear(k) @ [0.0, 1.0], [k, 1.0])
    assert np.allclose(T.shear(k, "y") @ [1.0, 0.0], [1.0, k])
    assert T.det2(T.shear(k)) == 1.0 and T.det2(T.shear(k, "y")) == 1.0


@settings(deadline=None)
@given(matrices)
def test_det2_agrees_with_numpy_and_torch(A):
    scale = max(1.0, float(np.abs(A).max())) ** 2
    assert abs(T.det2(A) - np.linalg.det(A)) <= 1e-9 * scale
    assert abs(T.det2(A) - torch.linalg.det(torch.tensor(A)).item()) <= 1e-9 * scale


@settings(deadline=None)
@given(matrices, matrices)
def test_det_of_a_product_is_the_product_of_dets(A, B):
    scale = max(1.0, float(np.abs(A).max())) ** 2 * max(1.0, float(np.abs(B).max())) ** 2
    assert abs(T.det2(A @ B) - T.det2(A) * T.det2(B)) <= 1e-8 * scale


@given(matrices)
@settings(max_examples=300, deadline=None)
def test_closed_form_singular_values_agree_with_numpy(A):
    s = np.linalg.svd(A, compute_uv=False)
    got = T.singular_values2(A)
    assert got[0] >= got[1] >= 0
    assert np.allclose(got, s, rtol=1e-9, atol=1e-9 * max(1.0, s[0]))


@settings(deadline=None)
@given(matrices)
def test_rank2_and_describe_agree_with_numpy_rank(A):
    s = np.linalg.svd(A, compute_uv=False)
    if s[0] > 0 and 1e-12 * s[0] < s[1] < 1e-8 * s[0]:
        return  # too close to the threshold to ask two algorithms to agree
    expected = np.linalg.matrix_rank(A, tol=T.TOL_REL * s[0]) if s[0] > 0 else 0
    assert T.rank2(A) == expected
    d = T.describe_map(A)
    assert d["rank"] == expected
    assert d["collapse"] == {0: "point", 1: "line", 2: "none"}[expected]
    if expected == 2:
        assert d["orientation"] == ("kept" if np.linalg.det(A) > 0 else "flipped")
    else:
        assert d["orientation"] == "lost" and d["det"] == 0.0


@settings(deadline=None)
@given(matrices)
def test_the_image_of_a_polygon_has_det_times_its_area(A):
    # An asymmetric polygon (an "F"): its image's signed area is det(A) times its own.
    F = np.array([[0, 1, 1, 0.4, 0.4, 0.8, 0.8, 0.4, 0.4, 0], [0, 0, 0.2, 0.2, 0.5, 0.5, 0.7, 0.7, 1.2, 1.2]])
    scale = max(1.0, float(np.abs(A).max())) ** 2
    assert abs(T.polygon_area(A @ F) - T.det2(A) * T.polygon_area(F)) <= 1e-9 * scale


def test_signed_area_and_polygon_area():
    assert T.signed_area([2, 0], [1, 3]) == 6.0
    assert T.polygon_area([[0, 2, 2, 0], [0, 0, 1, 1]]) == 2.0


@pytest.mark.parametrize("call, error", [
    (lambda: T.rotation("1"), TypeError),
    (lambda: T.rotation(float("nan")), ValueError),
    (lambda: T.rotation(True), TypeError),
    (lambda: T.shear(1, axis="z"), ValueError),
    (lambda: T.det2(np.eye(3)), ValueError),
    (lambda: T.det2([[1, 2], [3, np.inf]]), ValueError),
    (lambda: T.det2([[1j, 0], [0, 1]]), TypeError),
    (lambda: T.signed_area([1, 2, 3], [1, 2, 3]), ValueError),
    (lambda: T.polygon_area([[0, 1], [0, 1]]), ValueError),
])
def test_bad_input_raises_named_errors(call, error):
    with pytest.raises(error):
        call()


def test_error_messages_name_the_argument_and_shape():
    with pytest.raises(ValueError, match=r"A must be a 2×2 matrix, got shape \(3, 3\)"):
        T.det2(np.eye(3))
    with pytest.raises(ValueError, match="axis must be 'x' or 'y'"):
        T.shear(1, axis="z")
