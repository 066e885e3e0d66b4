"""Tests for lalib.datasets: shapes, ranges and provenance of each data set,
and the lazy wrappers around the rating-data modules."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import skimage.data
from sklearn.datasets import load_digits

from lalib import datasets


def test_camera_is_unit_float_copy_of_skimage():
    img = datasets.camera()
    assert img.shape == (512, 512) and img.dtype == np.float64
    np.testing.assert_array_equal(img * 255, skimage.data.camera().astype(float))
    assert img.min() >= 0 and img.max() <= 1 and img.max() > 0.9  # uses the full range


def test_astronaut_color_and_gray():
    rgb = datasets.astronaut()
    assert rgb.shape == (512, 512, 3) and rgb.dtype == np.float64
    np.testing.assert_array_equal(rgb * 255, skimage.data.astronaut().astype(float))
    gray = datasets.astronaut(as_gray=True)
    assert gray.shape == (512, 512) and gray.dtype == np.float64
    assert gray.min() >= 0 and gray.max() <= 1
    np.testing.assert_allclose(gray, rgb @ [0.2125, 0.7154, 0.0721], atol=1e-12)


def test_lfw_faces_split_faces_first():
    faces, non_faces = datasets.lfw_faces()
    raw = skimage.data.lfw_subset()
    assert faces.shape == non_faces.shape == (100, 25, 25)
    np.testing.assert_array_equal(faces, raw[:100])
    np.testing.assert_array_equal(non_faces, raw[100:])
    for arr in (faces, non_faces):
        assert arr.dtype == np.float64 and arr.min() >= 0 and arr.max() <= 1
    # Faces look alike (their mean is a recognizable face); the patches do not:
    # faces sit much closer to their own mean than the non-faces to theirs.
    spread = lambda a: np.mean(np.linalg.norm((a - a.mean(0)).reshape(len(a), -1), axis=1))
    assert spread(faces) < 0.75 * spread(non_faces)
    # Returned arrays are copies: editing them does not corrupt the next call.
    faces[:] = 0
    assert datasets.lfw_faces()[0].max() > 0


def test_digits_matches_sklearn():
    X, y = datasets.digits()
    ref = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,) and X.dtype == np.float64
    np.testing.assert_array_equal(X, ref.data)
    np.testing.assert_array_equal(y, ref.target)
    np.testing.assert_array_equal(X[0].reshape(8, 8), ref.images[0])


@pytest.fixture
def fake_rating_modules(monkeypatch):
    """Stand-ins for lalib.recsys and lalib.movielens that record how they were called."""
    calls = []
    recsys = types.ModuleType("lalib.recsys")
    recsys.make_netflix_like = lambda **kw: calls.append(("make_netflix_like", kw)) or "ratings"
    movielens = types.ModuleType("lalib.movielens")
    movielens.load_ml_100k = lambda path, **kw: calls.append(("load_ml_100k", path, kw)) or "ml100k"
    movielens.load_ml_latest_small = lambda path, **kw: calls.append(("load_ml_latest_small", path, kw)) or "mlsmall"
    monkeypatch.setitem(sys.modules, "lalib.recsys", recsys)
    monkeypatch.setitem(sys.modules, "lalib.movielens", movielens)
    return calls


def test_rating_wrappers_forward_arguments(fake_rating_modules):
    calls = fake_rating_modules
    assert datasets.synthetic_ratings(n_users=50, seed=3) == "ratings"
    assert datasets.movielens_100k() == "ml100k"
    assert datasets.movielens_100k("/data/ml-100k", min_ratings=5) == "ml100k"
    assert datasets.movielens_latest_small(path="/x", as_frame=True) == "mlsmall"
    assert calls == [
        ("make_netflix_like", {"n_users": 50, "seed": 3}),
        ("load_ml_100k", None, {}),
        ("load_ml_100k", "/data/ml-100k", {"min_ratings": 5}),
        ("load_ml_latest_small", "/x", {"as_frame": True}),
    ]


def test_importing_datasets_does_not_import_rating_modules():
    """The wrappers import lazily, so lalib.datasets works before/without those modules."""
    import subprocess

    code = "import sys, lalib.datasets; print('lalib.recsys' in sys.modules, 'lalib.movielens' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
