"""Every data set the book uses, in one place, all offline.

Images come from scikit-image's bundled samples and the digits from
scikit-learn's, so nothing is downloaded at run time. Images are returned as
float arrays with values in [0, 1].

The rating data sets live in their own modules (:mod:`lalib.recsys` for the
synthetic Netflix-like matrix, :mod:`lalib.movielens` for MovieLens files a
reader has on disk); the functions here are thin doors to them, imported only
when called.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "camera",
    "astronaut",
    "lfw_faces",
    "digits",
    "synthetic_ratings",
    "movielens_100k",
    "movielens_latest_small",
]


def _to_unit_float(img: np.ndarray) -> np.ndarray:
    """uint8 image -> float64 in [0, 1] (exactly ``img / 255``)."""
    return np.asarray(img, dtype=np.float64) / 255.0


def camera() -> np.ndarray:
    """The 512 × 512 grayscale "cameraman" photograph.

    Returns
    -------
    numpy.ndarray, shape (512, 512), float64 in [0, 1]

    Examples
    --------
    >>> img = camera()
    >>> img.shape, img.dtype, float(img.min()) >= 0, float(img.max()) <= 1
    ((512, 512), dtype('float64'), True, True)
    """
    from skimage import data

    return _to_unit_float(data.camera())


def astronaut(as_gray: bool = False) -> np.ndarray:
    """The 512 × 512 color portrait of astronaut Eileen Collins.

    Parameters
    ----------
    as_gray : bool
        Return luminance (``0.2125 R + 0.7154 G + 0.0721 B``, scikit-image's
        ``rgb2gray``) instead of the three color channels.

    Returns
    -------
    numpy.ndarray, shape (512, 512, 3) or (512, 512), float64 in [0, 1]

    Examples
    --------
    >>> astronaut().shape, astronaut(as_gray=True).shape
    ((512, 512, 3), (512, 512))
    """
    from skimage import data

    rgb = _to_unit_float(data.astronaut())
    if as_gray:
        from skimage.color import rgb2gray

        return np.clip(rgb2gray(rgb), 0.0, 1.0)
    return rgb


def lfw_faces() -> tuple[np.ndarray, np.ndarray]:
    """100 face and 100 non-face 25 × 25 grayscale images.

    scikit-image's ``lfw_subset()``: crops from the *Labeled Faces in the
    Wild* photographs. Its first 100 images are faces, the last 100 are
    patches of the same photographs without a face (backgrounds, edges,
    occasionally a sliver of a face).

    Returns
    -------
    faces : numpy.ndarray, shape (100, 25, 25), float64 in [0, 1]
    non_faces : numpy.ndarray, shape (100, 25, 25), float64 in [0, 1]

    Examples
    --------
    >>> faces, non_faces = lfw_faces()
    >>> faces.shape, non_faces.shape
    ((100, 25, 25), (100, 25, 25))
    """
    from skimage import data

    images = np.asarray(data.lfw_subset(), dtype=np.float64)
    return images[:100].copy(), images[100:].copy()


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits of scikit-learn, 8 × 8 pixels each.

    Returns
    -------
    X : numpy.ndarray, shape (1797, 64), float64
        One image per row, pixel intensities 0 to 16; ``X[i].reshape(8, 8)``
        is the image.
    y : numpy.ndarray, shape (1797,), int
        The digit, 0 to 9.

    Examples
    --------
    >>> X, y = digits()
    >>> X.shape, y.shape, int(X.max()), sorted(set(y.tolist())) == list(range(10))
    ((1797, 64), (1797,), 16, True)
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target)


def synthetic_ratings(**kwargs):
    """A synthetic, Netflix-like user × movie rating matrix.

    Forwards every keyword to :func:`lalib.recsys.make_netflix_like`; see
    there for the parameters and the return value.

    Examples
    --------
    >>> callable(synthetic_ratings)
    True
    """
    from lalib.recsys import make_netflix_like

    return make_netflix_like(**kwargs)


def movielens_100k(path=None, **kwargs):
    """The MovieLens 100K ratings, read from a local copy.

    Forwards to :func:`lalib.movielens.load_ml_100k`; see there for where the
    files are looked for when ``path`` is None.

    Examples
    --------
    >>> callable(movielens_100k)
    True
    """
    from lalib.movielens import load_ml_100k

    return load_ml_100k(path, **kwargs)


def movielens_latest_small(path=None, **kwargs):
    """The MovieLens "latest-small" ratings, read from a local copy.

    Forwards to :func:`lalib.movielens.load_ml_latest_small`.

    Examples
    --------
    >>> callable(movielens_latest_small)
    True
    """
    from lalib.movielens import load_ml_latest_small

    return load_ml_latest_small(path, **kwargs)
