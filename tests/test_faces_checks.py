"""The chapter 9 question bank (lalib.checks.faces): its keys are what lalib.faces and the widget
compute, the projection is accepted for every sign pattern of the eigenfaces and nothing else,
the threshold question has one best answer, and the function questions meet their hard cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lalib.checks import question
from lalib.checks.faces import (FACE_D, FACE_INDEX, K_PROJ, OTHER_D, TEST_FACE_D, TEST_OTHER_D, THRESHOLD,
                                WIDGET_IMAGE, data, distance_cases, normalize_cases, reference_distance,
                                reference_normalize)
from lalib.faces import Eigenfaces, normalize_images, split_faces


def verdict(qid, answer):
    q = question(qid)
    return q.judge(q.encode(answer, np.random.default_rng(0)))


def test_keys_come_from_the_data():
    train_f, _, test_f, _ = split_faces(test_size=0.3, random_state=0)
    F = normalize_images(train_f)
    assert verdict("faces.1", F.mean(axis=0)).passed
    ef = Eigenfaces(K_PROJ).fit(F)
    x = normalize_images(test_f)[FACE_INDEX]
    assert verdict("faces.4", ef.distance_from_face_space(x, K_PROJ)).passed
    assert verdict("faces.3", ef.project(x, K_PROJ)).passed


def test_projection_is_accepted_up_to_each_eigenfaces_sign_only():
    d = data()
    x = d["F_test"][FACE_INDEX].ravel()
    E = d["eigenfaces"][:K_PROJ].reshape(K_PROJ, -1)
    code = E @ (x - d["mean"].ravel())
    for signs in itertools.product((1, -1), repeat=K_PROJ):
        assert verdict("faces.3", code * np.array(signs)).passed, signs
    assert not verdict("faces.3", code[[1, 0, 2, 3, 4]]).passed
    assert not verdict("faces.3", code * 1.01).passed
    other = d["F_test"][FACE_INDEX + 1].ravel()
    assert not verdict("faces.3", E @ (other - d["mean"].ravel())).passed


def test_threshold_question_has_a_unique_best_cut():
    f, o = np.array(FACE_D), np.array(OTHER_D)
    s = np.sort(np.concatenate([f, o]))
    cuts = (s[:-1] + s[1:]) / 2
    balanced = np.array([(np.mean(f <= t) + np.mean(o > t)) / 2 for t in cuts])
    best = np.flatnonzero(balanced == balanced.max())
    assert len(best) == 1
    assert verdict("faces.6", cuts[best[0]]).passed
    assert all(not verdict("faces.6", t).passed for i, t in enumerate(cuts) if i != best[0])


def test_rates_question():
    tpr = np.mean(np.array(TEST_FACE_D) <= THRESHOLD)
    fpr = np.mean(np.array(TEST_OTHER_D) <= THRESHOLD)
    assert 0 < fpr < tpr < 1   # neither rate is trivial
    assert verdict("faces.7", [tpr, fpr]).passed and not verdict("faces.7", [fpr, tpr]).passed


def test_widget_question_matches_the_widget():
    from lalib.widgets.face_space import FaceSpace

    w = FaceSpace(mode="reconstruct", image_index=WIDGET_IMAGE, k=0)
    assert w.labels[WIDGET_IMAGE] == "non-face"
    accepted = []
    for k in range(w.n_eigenfaces + 1):
        w.k = k
        accepted.append(w.is_face)
    first = accepted.index(True)
    assert verdict("faces.13", first).passed and not verdict("faces.13", first - 1).passed
    assert first >= 3     # rejected with a few eigenfaces: the question is about the slide towards many


@pytest.mark.parametrize("seed", range(5))
def test_normalize_cases_and_reference(seed):
    cases = normalize_cases(seed)
    assert [c.description for c in cases] == [c.description for c in normalize_cases(seed)]
    for c in cases:
        (images,) = c.args
        out = reference_normalize(images)
        assert out.shape == images.shape
        means = out.mean(axis=(1, 2))
        norms = np.sqrt(np.sum(out**2, axis=(1, 2)))
        assert np.allclose(means, 0, atol=1e-9)   # mean 0 (up to rounding), length 1 or a blank image
        assert np.all(np.isclose(norms, 1) | np.isclose(norms, 0))
    assert any(np.all(reference_normalize(c.args[0])[1] == 0) for c in cases if "constant" in c.description)


@pytest.mark.parametrize("seed", range(5))
def test_distance_cases_and_reference(seed):
    cases = distance_cases(seed)
    ks = set()
    for c in cases:
        X, mean, E = c.args
        ks.add((E.shape[0], E.shape[1]))
        assert np.allclose(E @ E.T, np.eye(len(E)), atol=1e-10)      # orthonormal rows, as the prompt says
        d = reference_distance(X, mean, E)
        # Pythagoras agrees, and the distance is the least distance to the affine subspace.
        Xc = X - mean
        code = Xc @ E.T
        assert np.allclose(d**2, np.sum(Xc**2, axis=1) - np.sum(code**2, axis=1),
                           rtol=1e-8, atol=1e-8 * np.max(np.sum(Xc**2, axis=1)))
        if len(E):
            rng = np.random.default_rng(seed)
            other = mean + (code + rng.normal(size=code.shape)) @ E   # another point of face space
            assert np.all(np.linalg.norm(X - other, axis=1) >= d * (1 - 1e-12))
    assert any(k == 0 for k, _ in ks) and any(k == p for k, p in ks)  # no direction, and every direction
    in_space = [c for c in cases if "exactly in the face space" in c.description][0]
    assert np.allclose(reference_distance(*in_space.args), 0, atol=1e-12)


def test_the_book_case_uses_lalib_faces():
    d = data()
    case = [c for c in distance_cases(1) if "book's" in c.description][0]
    X, mean, E = case.args
    k = len(E)
    expected = d["ef"].distance_from_face_space(X.reshape(-1, 25, 25), k)
    assert np.allclose(reference_distance(X, mean, E), expected, atol=1e-10)


def test_threshold_feedback_tells_a_non_midpoint_from_a_wrong_midpoint():
    s = np.sort(np.concatenate([FACE_D, OTHER_D]))
    cuts = (s[:-1] + s[1:]) / 2
    off = (cuts[4] + s[5]) / 2                      # between a midpoint and a distance: no cut tried
    assert "not halfway" in verdict("faces.6", off).message
    wrong_cut = cuts[-1]
    assert not verdict("faces.6", wrong_cut).passed and "not halfway" not in verdict("faces.6", wrong_cut).message


def _numpy_normalize(X):   # right, with NumPy alone (the question forbids lalib.faces)
    Z = X - X.mean(axis=(1, 2), keepdims=True)
    n = np.sqrt((Z**2).sum(axis=(1, 2), keepdims=True))
    return np.divide(Z, n, out=np.zeros_like(Z), where=n > 0)


@pytest.mark.parametrize("wrong, says", [
    (lambda X: X / np.linalg.norm(X), "mean pixel"),                                   # one norm, no centring
    (lambda X: (X - X.mean(axis=(1, 2), keepdims=True))
     / (np.sqrt(((X - X.mean(axis=(1, 2), keepdims=True)) ** 2).sum(axis=(1, 2), keepdims=True)) + 1e-8), "length"),
    (lambda X: np.where(np.ptp(X, axis=(1, 2), keepdims=True) > 0, _numpy_normalize(X), 1.0), "constant"),
])
def test_normalize_feedback_names_the_property_that_fails(wrong, says):
    v = verdict("faces.2", wrong)
    assert not v.passed and says in v.message, v.message
