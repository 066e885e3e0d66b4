"""Tests for lalib.faces: eigenfaces against scikit-learn's PCA, the
reconstruction and distance-from-face-space identities, and the detector."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.decomposition
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from lalib.datasets import lfw_faces
from lalib.faces import DetectionReport, Eigenfaces, FaceDetector, detector_accuracy, normalize_images

FACES, NON_FACES = lfw_faces()
SETTINGS = settings(max_examples=25, deadline=None)


@pytest.fixture(scope="module")
def fitted():
    return Eigenfaces(n_components=50).fit(FACES[:80])


# --------------------------------------------------------------------------
# Eigenfaces
# --------------------------------------------------------------------------
def test_eigenfaces_match_sklearn_pca(fitted):
    ref = sklearn.decomposition.PCA(50, svd_solver="full").fit(FACES[:80].reshape(80, -1))
    np.testing.assert_allclose(fitted.mean_face_, ref.mean_.reshape(25, 25), atol=1e-12)
    E = fitted.eigenfaces_.reshape(50, -1)
    signs = np.sign(np.sum(E * ref.components_, axis=1))
    np.testing.assert_allclose(E * signs[:, None], ref.components_, atol=1e-8)
    np.testing.assert_allclose(fitted.explained_variance_ratio_, ref.explained_variance_ratio_, atol=1e-12)
    np.testing.assert_allclose(E @ E.T, np.eye(50), atol=1e-10)
    assert fitted.image_shape_ == (25, 25) and fitted.n_components_ == 50


def test_all_eigenfaces_reconstruct_training_faces_exactly():
    ef = Eigenfaces().fit(FACES[:30])
    assert ef.n_components_ == 30  # min(30 faces, 625 pixels)
    np.testing.assert_allclose(ef.reconstruct(FACES[:30]), FACES[:30], atol=1e-10)
    np.testing.assert_allclose(ef.distance_from_face_space(FACES[:30]), 0, atol=1e-6)


def test_reconstruction_improves_with_k_on_held_out_faces(fitted):
    held_out = FACES[80:]
    errors = [np.linalg.norm(fitted.reconstruct(held_out, k) - held_out) for k in range(0, 51, 5)]
    assert np.all(np.diff(errors) < 0)  # nested subspaces: strictly closer on these faces
    np.testing.assert_allclose(fitted.reconstruct(held_out, 0), np.broadcast_to(fitted.mean_face_, held_out.shape))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(0, 50), n=st.integers(1, 6))
def test_distance_is_norm_of_reconstruction_residual(fitted, seed, k, n):
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 1, (n, 25, 25))  # any images, not only faces
    d = fitted.distance_from_face_space(images, k)
    resid = images - fitted.reconstruct(images, k)
    np.testing.assert_allclose(d, np.linalg.norm(resid.reshape(n, -1), axis=1), rtol=1e-7, atol=1e-7)
    # The residual is orthogonal to every eigenface used (so d is the distance to the subspace).
    codes = fitted.project(resid + fitted.mean_face_, k)
    np.testing.assert_allclose(codes, 0, atol=1e-9)
    # Pythagoras: ‖x − mean‖² = ‖code‖² + d².
    c = fitted.project(images, k)
    total = np.sum((images - fitted.mean_face_).reshape(n, -1) ** 2, axis=1)
    np.testing.assert_allclose(np.sum(c**2, axis=1) + d**2, total, rtol=1e-10)


def test_single_image_and_projection_shapes(fitted):
    assert fitted.project(FACES[0]).shape == (50,)
    assert fitted.project(FACES[:4], k=7).shape == (4, 7)
    assert fitted.reconstruct(FACES[0], k=3).shape == (25, 25)
    d = fitted.distance_from_face_space(FACES[0], k=3)
    assert isinstance(d, float)
    assert d == pytest.approx(fitted.distance_from_face_space(FACES[:1], k=3)[0])


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda ef: ef.project(np.ones((2, 24, 25))), ValueError, r"images must be 25 × 25.*\(2, 24, 25\)"),
        (lambda ef: ef.reconstruct(np.ones((2, 625))), ValueError, r"must be 25 × 25"),
        (lambda ef: ef.reconstruct(FACES[:2], k=51), ValueError, "k must be between 0 and n_components_ = 50, got k=51"),
        (lambda ef: ef.reconstruct(FACES[:2], k=-1), ValueError, "k must be between 0"),
        (lambda ef: ef.project(FACES[:2], k=2.5), TypeError, "k must be an integer"),
        (lambda ef: ef.distance_from_face_space(np.full((1, 25, 25), np.nan)), ValueError, "images contains NaN"),
        (lambda ef: ef.project(np.ones(625)), ValueError, r"stack of 2-D images.*got shape \(625,\)"),
    ],
)
def test_eigenfaces_errors(fitted, call, err, match):
    with pytest.raises(err, match=match):
        call(fitted)


def test_eigenfaces_fit_errors():
    with pytest.raises(ValueError, match=r"images must be a stack of 2-D images.*shape \(100, 625\)"):
        Eigenfaces().fit(FACES.reshape(100, -1))
    with pytest.raises(ValueError, match="at least 2 images"):
        Eigenfaces().fit(FACES[:1])
    with pytest.raises(ValueError, match="n_components must be between 1 and min"):
        Eigenfaces(n_components=11).fit(FACES[:10])
    with pytest.raises(NotFittedError):
        Eigenfaces().project(FACES[:1])


# --------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), a=st.floats(0.01, 100), b=st.floats(-10, 10))
def test_normalize_images_removes_brightness_and_contrast(seed, a, b):
    images = np.random.default_rng(seed).uniform(0, 1, (3, 5, 4))
    Z = normalize_images(images)
    np.testing.assert_allclose(Z.mean(axis=(1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(Z.reshape(3, -1), axis=1), 1)
    np.testing.assert_allclose(normalize_images(a * images + b), Z, atol=1e-9)


def test_normalize_constant_image_is_zero():
    Z = normalize_images(np.stack([np.full((4, 4), 0.3), np.eye(4)]))
    np.testing.assert_array_equal(Z[0], 0)
    assert np.linalg.norm(Z[1]) == pytest.approx(1)


# --------------------------------------------------------------------------
# The detector
# --------------------------------------------------------------------------
def test_detector_threshold_from_training_data():
    det = FaceDetector(n_components=2).fit(FACES[:70], NON_FACES[:70])
    # predict is exactly "distance from face space <= threshold".
    d = det.eigenfaces_.distance_from_face_space(normalize_images(NON_FACES[:70]))
    np.testing.assert_array_equal(det.predict(NON_FACES[:70]), d <= det.threshold_)
    np.testing.assert_allclose(det.decision_function(NON_FACES[:70]), d - det.threshold_)
    # Training faces are scored out of fold (eigenfaces fitted on the other folds) ...
    F = normalize_images(FACES[:70])
    oof = np.empty(70)
    for fold in np.array_split(np.arange(70), 5):
        rest = np.setdiff1d(np.arange(70), fold)
        oof[fold] = Eigenfaces(2).fit(F[rest]).distance_from_face_space(F[fold])
    in_sample = det.eigenfaces_.distance_from_face_space(F)
    assert np.mean(in_sample) < np.mean(oof)  # ... because in-sample distances are optimistic
    # ... and the threshold maximizes the balanced training accuracy over every possible cut.
    balanced = lambda t: (np.mean(oof <= t) + np.mean(d > t)) / 2
    cuts = np.concatenate([oof, d, [np.inf, -np.inf]])
    assert balanced(det.threshold_) == pytest.approx(max(balanced(t) for t in cuts))
    assert det.train_accuracy_ == pytest.approx(balanced(det.threshold_))
    assert 0.8 < det.train_accuracy_ <= 1.0


def test_detector_without_non_faces_uses_face_quantile():
    det = FaceDetector(n_components=3, face_quantile=0.9).fit(FACES[:60])
    assert det.train_accuracy_ is None
    # Out-of-fold training distances: 90% of them are at or below the threshold.
    n, F = 60, normalize_images(FACES[:60])
    oof = np.empty(n)
    for fold in np.array_split(np.arange(n), 5):
        rest = np.setdiff1d(np.arange(n), fold)
        oof[fold] = Eigenfaces(3).fit(F[rest]).distance_from_face_space(F[fold])
    assert det.threshold_ == pytest.approx(np.quantile(oof, 0.9))


def test_detector_accuracy_report_is_seeded_and_consistent():
    r = detector_accuracy(n_components=2, random_state=0)
    assert isinstance(r, DetectionReport)
    assert r == detector_accuracy(n_components=2, random_state=0)  # reproducible
    assert (r.n_train, r.n_test) == (140, 60)
    assert r.test_accuracy == pytest.approx((r.true_positive_rate + r.true_negative_rate) / 2)
    assert r.test_accuracy > 0.8  # far better than the 0.5 of guessing
    assert "held-out" in r.summary() and f"{r.test_accuracy:.1%}" in r.summary()
    other = detector_accuracy(n_components=2, random_state=1)
    assert other.threshold != r.threshold  # a different split


def test_more_eigenfaces_reconstruct_better_but_detect_worse():
    """The finding the chapter reports: lighting eigenfaces also explain smooth non-face patches."""
    few = detector_accuracy(n_components=2, random_state=0)
    many = detector_accuracy(n_components=30, random_state=0)
    assert few.test_accuracy > many.test_accuracy + 0.15
    # Normalizing brightness/contrast is what makes the 2-eigenface detector work.
    raw = detector_accuracy(n_components=2, normalize=False, random_state=0)
    assert few.test_accuracy > raw.test_accuracy


@pytest.mark.parametrize(
    "kwargs, fit_args, err, match",
    [
        ({"n_components": 0}, (FACES[:20],), ValueError, "n_components must be between 1 and 16"),
        ({"n_components": 17}, (FACES[:20],), ValueError, r"n_components must be between 1 and 16.*got n_components=17"),
        ({"n_components": 2.0}, (FACES[:20],), TypeError, "n_components must be an integer"),
        ({"cv": 1}, (FACES[:20],), ValueError, "cv must be an integer between 2 and the number of faces"),
        ({"face_quantile": 1.0}, (FACES[:20],), ValueError, "face_quantile must be in"),
        ({}, (FACES[:20], NON_FACES[:5, :10]), ValueError, "non_faces must have the same image shape"),
        ({}, (FACES[:20].reshape(20, -1),), ValueError, r"faces must be a stack of 2-D images"),
    ],
)
def test_detector_errors(kwargs, fit_args, err, match):
    with pytest.raises(err, match=match):
        FaceDetector(**kwargs).fit(*fit_args)


def test_detector_accuracy_errors_and_unfitted():
    with pytest.raises(ValueError, match="test_size must be in"):
        detector_accuracy(test_size=1.5)
    with pytest.raises(NotFittedError):
        FaceDetector().predict(FACES[:2])
