"""lalib.faces' helpers for chapter 9: the balanced-accuracy threshold, the seeded split, and
the thresholds for many sizes of face space at once (equal to FaceDetector's, one k at a time)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.datasets import lfw_faces
from lalib.faces import FaceDetector, best_threshold, detector_accuracy, detector_thresholds, split_faces

FACES, NON_FACES = lfw_faces()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), m=st.integers(1, 12), ties=st.booleans())
def test_best_threshold_maximizes_balanced_accuracy_over_every_cut(seed, n, m, ties):
    rng = np.random.default_rng(seed)
    f, o = rng.uniform(0, 2, n), rng.uniform(0.5, 3, m)
    if ties:  # equal distances on both sides
        f, o = np.round(f, 1), np.round(o, 1)
    t, acc = best_threshold(f, o)
    balanced = lambda c: (np.mean(f <= c) + np.mean(o > c)) / 2
    cuts = np.concatenate([f, o, [-np.inf, np.inf]])
    assert acc == pytest.approx(max(balanced(c) for c in cuts))
    assert balanced(t) == pytest.approx(acc)


def test_best_threshold_examples_and_errors():
    assert best_threshold([1.0, 2.0], [3.0, 4.0]) == (2.5, 1.0)   # separable: the midpoint of the gap
    t, acc = best_threshold([5.0], [1.0])                           # inverted: no cut beats guessing
    assert acc == 0.5
    with pytest.raises(ValueError, match="face_distances must not be empty"):
        best_threshold([], [1.0])
    with pytest.raises(ValueError, match="other_distances contains NaN"):
        best_threshold([1.0], [np.nan])
    with pytest.raises(ValueError, match="face_distances must be a 1-D vector"):
        best_threshold([[1.0]], [1.0])


def test_split_faces_is_seeded_balanced_and_disjoint():
    tf, tn, sf, sn = split_faces(test_size=0.3, random_state=3)
    assert (len(tf), len(tn), len(sf), len(sn)) == (70, 70, 30, 30)
    again = split_faces(test_size=0.3, random_state=3)
    assert all(np.array_equal(a, b) for a, b in zip((tf, tn, sf, sn), again))
    key = lambda X: {x.tobytes() for x in X}
    assert key(tf) | key(sf) == key(FACES) and not key(tf) & key(sf)
    assert key(tn) | key(sn) == key(NON_FACES) and not key(tn) & key(sn)
    with pytest.raises(ValueError, match="test_size must be in"):
        split_faces(test_size=1.0)


def test_detector_accuracy_uses_the_split():
    tf, tn, sf, sn = split_faces(test_size=0.3, random_state=2)
    det = FaceDetector(3).fit(tf, tn)
    r = detector_accuracy(3, random_state=2)
    assert r.threshold == det.threshold_
    assert r.true_positive_rate == np.mean(det.predict(sf)) and r.true_negative_rate == np.mean(~det.predict(sn))


@pytest.mark.parametrize("normalize", [True, False])
def test_detector_thresholds_equal_face_detector_one_k_at_a_time(normalize):
    tf, tn, _, _ = split_faces(test_size=0.3, random_state=1)
    ks = [1, 2, 4, 9, 25]
    ef, thresholds = detector_thresholds(tf, tn, ks, normalize=normalize, cv=4)
    assert ef.n_components_ == 25
    for k, t in zip(ks, thresholds):
        assert t == pytest.approx(FaceDetector(k, normalize=normalize, cv=4).fit(tf, tn).threshold_, rel=1e-12)


def test_detector_thresholds_k_zero_is_the_distance_from_the_mean_face():
    tf, tn, _, _ = split_faces(test_size=0.3, random_state=0)
    ef, (t0,) = detector_thresholds(tf, tn, [0])
    assert ef.n_components_ == 1 and np.isfinite(t0)
    with pytest.raises(ValueError, match="ks must be between 0 and 56"):
        detector_thresholds(tf, tn, [57])
    with pytest.raises(ValueError, match="ks must hold at least one"):
        detector_thresholds(tf, tn, [])
    with pytest.raises(ValueError, match="non_faces must have the same image shape"):
        detector_thresholds(tf, tn[:, :5], [1])


def test_split_faces_says_how_to_get_the_images_without_scikit_image(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_skimage(name, *args, **kwargs):
        if name.split(".")[0] == "skimage":
            raise ModuleNotFoundError("No module named 'skimage'", name="skimage")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_skimage)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-image"):
        split_faces()
