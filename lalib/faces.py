"""Eigenfaces: PCA on face images, and a face detector built on it.

Flatten each ``h × w`` face to a vector in ``R^(h w)`` and run PCA: the mean
is the *mean face*, the principal directions reshaped to ``h × w`` are the
*eigenfaces*, and every face is approximately the mean face plus a few
eigenfaces (Sirovich & Kirby 1987; Turk & Pentland 1991).

The part of an image that the first ``k`` eigenfaces cannot explain, the
length of ``x - g(f(x))``, is its *distance from face space*. A face should
be close to face space and anything else far from it, which gives a
detector: call an image a face when that distance is below a threshold.

What the numbers say on the 25 × 25 LFW crops (``tests/test_faces.py``):
reconstruction keeps improving as ``k`` grows, but *detection* does not. The
first eigenfaces mostly encode lighting (bright left/dark right, top/bottom),
and smooth background patches are made of exactly such gradients, so with
many eigenfaces non-faces come close to face space too. The detector here
works best with very few eigenfaces and with each image's brightness and
contrast normalized first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator

from lalib.exceptions import NotFittedError
from lalib.pca import PCA
from lalib.validation import as_finite_array, check_int, check_random_state, is_integer

__all__ = [
    "Eigenfaces",
    "normalize_images",
    "FaceDetector",
    "DetectionReport",
    "detector_accuracy",
    "best_threshold",
    "split_faces",
    "detector_thresholds",
]


def _as_image_stack(images: ArrayLike, name: str = "images") -> np.ndarray:
    """``images`` as a finite float array of shape (n_images, h, w), or a clear error."""
    arr = np.asarray(images)
    if arr.dtype != bool and (not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr)):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 3:
        raise ValueError(
            f"{name} must be a stack of 2-D images of shape (n_images, height, width), got shape {arr.shape}"
        )
    return as_finite_array(arr, name, ndim=3)


def normalize_images(images: ArrayLike) -> np.ndarray:
    """Remove each image's brightness and contrast: zero mean, unit norm.

    Two photos of the same face under brighter light differ by a constant
    and a scale factor; after this they are the same vector. A constant image
    (no contrast) becomes all zeros.

    Parameters
    ----------
    images : array_like, shape (n_images, h, w)

    Returns
    -------
    numpy.ndarray, shape (n_images, h, w)

    Examples
    --------
    >>> Z = normalize_images([[[0., 1.], [2., 3.]], [[10., 12.], [14., 16.]]])
    >>> bool(np.allclose(Z[0], Z[1])), round(float(np.linalg.norm(Z[0])), 6)
    (True, 1.0)
    """
    X = _as_image_stack(images)
    Z = X - X.mean(axis=(1, 2), keepdims=True)
    norms = np.sqrt(np.sum(Z**2, axis=(1, 2), keepdims=True))
    return np.divide(Z, norms, out=np.zeros_like(Z), where=norms > 0)


class Eigenfaces(BaseEstimator):
    """PCA on face images, with image-shaped results.

    Parameters
    ----------
    n_components : int or None
        Number of eigenfaces to compute; None keeps all
        (``min(n_faces, h w)``).

    Attributes
    ----------
    mean_face_ : numpy.ndarray, shape (h, w)
    eigenfaces_ : numpy.ndarray, shape (n_components_, h, w)
        Orthonormal (as vectors), by decreasing variance.
    explained_variance_ratio_ : numpy.ndarray, shape (n_components_,)
    n_components_ : int
    image_shape_ : tuple of int
        ``(h, w)``.
    pca_ : lalib.pca.PCA
        The fitted PCA on the flattened images.

    Examples
    --------
    >>> from lalib.datasets import lfw_faces
    >>> faces, _ = lfw_faces()
    >>> ef = Eigenfaces(n_components=20).fit(faces)
    >>> ef.mean_face_.shape, ef.eigenfaces_.shape
    ((25, 25), (20, 25, 25))
    >>> ef.reconstruct(faces[:3], k=20).shape
    (3, 25, 25)
    """

    def __init__(self, n_components: int | None = None) -> None:
        self.n_components = n_components

    def fit(self, images: ArrayLike) -> "Eigenfaces":
        """Learn the mean face and the eigenfaces from a stack of face images.

        Parameters
        ----------
        images : array_like, shape (n_images, h, w)
            At least two images.

        Returns
        -------
        Eigenfaces
            ``self``, fitted.
        """
        X = _as_image_stack(images)
        n, h, w = X.shape
        if n < 2:
            raise ValueError(f"images must hold at least 2 images to fit eigenfaces, got shape {X.shape}")
        self.pca_ = PCA(self.n_components, svd_solver="full").fit(X.reshape(n, h * w))
        self.image_shape_ = (h, w)
        self.n_components_ = self.pca_.n_components_
        self.mean_face_ = self.pca_.mean_.reshape(h, w)
        self.eigenfaces_ = self.pca_.components_.reshape(-1, h, w)
        self.explained_variance_ratio_ = self.pca_.explained_variance_ratio_
        return self

    # ------------------------------------------------------------- helpers
    def _flat(self, images: ArrayLike) -> tuple[np.ndarray, bool]:
        """Flatten a stack (or a single image) after checking its shape against the fit."""
        if not hasattr(self, "pca_"):
            raise NotFittedError("This Eigenfaces instance is not fitted yet: call fit(images) first")
        arr = np.asarray(images)
        single = arr.ndim == 2
        X = _as_image_stack(arr[None] if single else arr)
        if X.shape[1:] != self.image_shape_:
            raise ValueError(
                f"images must be {self.image_shape_[0]} × {self.image_shape_[1]} like the training faces, "
                f"got shape {np.shape(images)}"
            )
        return X.reshape(len(X), -1), single

    def _k(self, k) -> int:
        if k is None:
            return self.n_components_
        n = self.n_components_
        return check_int(k, "k", 0, n, bounds=f"between 0 and n_components_ = {n}")

    # ---------------------------------------------------------- public API
    def project(self, images: ArrayLike, k: int | None = None) -> np.ndarray:
        """Coordinates of each image along the first ``k`` eigenfaces: ``Dₖᵀ (x - mean)``.

        Parameters
        ----------
        images : array_like, shape (n_images, h, w) or (h, w)
        k : int, optional
            ``0 <= k <= n_components_``; default all.

        Returns
        -------
        numpy.ndarray, shape (n_images, k) or (k,)

        Examples
        --------
        >>> from lalib.datasets import lfw_faces
        >>> faces, _ = lfw_faces()
        >>> Eigenfaces(10).fit(faces).project(faces[0], k=3).shape
        (3,)
        """
        X, single = self._flat(images)
        k = self._k(k)
        codes = (X - self.pca_.mean_) @ self.pca_.components_[:k].T
        return codes[0] if single else codes

    def reconstruct(self, images: ArrayLike, k: int | None = None) -> np.ndarray:
        """Each image rebuilt from the mean face and the first ``k`` eigenfaces.

        ``k = 0`` gives the mean face for every image; larger ``k`` gives a
        closer (never worse) reconstruction.

        Parameters
        ----------
        images : array_like, shape (n_images, h, w) or (h, w)
        k : int, optional
            ``0 <= k <= n_components_``; default all.

        Returns
        -------
        numpy.ndarray, same shape as ``images``

        Examples
        --------
        >>> from lalib.datasets import lfw_faces
        >>> faces, _ = lfw_faces()
        >>> ef = Eigenfaces().fit(faces)
        >>> bool(np.allclose(ef.reconstruct(faces), faces))     # all eigenfaces: exact on training faces
        True
        """
        X, single = self._flat(images)
        k = self._k(k)
        D = self.pca_.components_[:k]
        R = ((X - self.pca_.mean_) @ D.T) @ D + self.pca_.mean_
        R = R.reshape(-1, *self.image_shape_)
        return R[0] if single else R

    def distance_from_face_space(self, images: ArrayLike, k: int | None = None) -> np.ndarray:
        """``‖x - reconstruct(x, k)‖``: how much of each image the eigenfaces cannot explain.

        Parameters
        ----------
        images : array_like, shape (n_images, h, w) or (h, w)
        k : int, optional
            ``0 <= k <= n_components_``; default all. ``k = 0`` is the
            distance from the mean face.

        Returns
        -------
        numpy.ndarray, shape (n_images,), or a float for a single image

        Examples
        --------
        >>> from lalib.datasets import lfw_faces
        >>> faces, non_faces = lfw_faces()
        >>> ef = Eigenfaces(5).fit(normalize_images(faces[:70]))
        >>> d_faces = ef.distance_from_face_space(normalize_images(faces[70:]))
        >>> d_other = ef.distance_from_face_space(normalize_images(non_faces))
        >>> bool(np.median(d_faces) < np.median(d_other))
        True
        """
        X, single = self._flat(images)
        k = self._k(k)
        # Pythagoras: ‖x - mean‖² = ‖code‖² + ‖residual‖², with orthonormal eigenfaces.
        Xc = X - self.pca_.mean_
        codes = Xc @ self.pca_.components_[:k].T
        d2 = np.sum(Xc**2, axis=1) - np.sum(codes**2, axis=1)
        d = np.sqrt(np.maximum(d2, 0.0))
        return float(d[0]) if single else d


class FaceDetector(BaseEstimator):
    """Call an image a face when its distance from face space is small.

    Fitting learns eigenfaces from face images and then picks the threshold
    on training data. The distances of the *training faces* to a face space
    fitted on those very faces are too optimistic (with many eigenfaces they
    are near zero), so they are measured out of fold: with ``cv`` folds, each
    face's distance comes from eigenfaces fitted on the other folds. With
    non-face training images the threshold maximizes the balanced training
    accuracy (mean of the face and non-face hit rates); with faces only it is
    the ``face_quantile`` of the face distances.

    Parameters
    ----------
    n_components : int
        Eigenfaces spanning face space.
    normalize : bool
        Remove each image's brightness and contrast first (:func:`normalize_images`).
    cv : int
        Folds for the out-of-fold face distances (at least 2).
    face_quantile : float
        Used when ``fit`` gets no non-faces: the fraction of training faces
        accepted.

    Attributes
    ----------
    eigenfaces_ : Eigenfaces
    threshold_ : float
    train_accuracy_ : float or None
        Balanced accuracy on the training data (None without non-faces).

    Examples
    --------
    >>> from lalib.datasets import lfw_faces
    >>> faces, non_faces = lfw_faces()
    >>> det = FaceDetector(n_components=2).fit(faces[:70], non_faces[:70])
    >>> is_face = det.predict(np.concatenate([faces[70:], non_faces[70:]]))
    >>> is_face.shape, is_face.dtype
    ((60,), dtype('bool'))
    """

    def __init__(self, n_components: int = 2, *, normalize: bool = True, cv: int = 5, face_quantile: float = 0.95):
        self.n_components = n_components
        self.normalize = normalize
        self.cv = cv
        self.face_quantile = face_quantile

    def _prepare(self, images: ArrayLike, name: str) -> np.ndarray:
        X = _as_image_stack(images, name)
        return normalize_images(X) if self.normalize else X

    def fit(self, faces: ArrayLike, non_faces: ArrayLike | None = None) -> "FaceDetector":
        """Fit eigenfaces on ``faces`` and choose the threshold.

        Parameters
        ----------
        faces : array_like, shape (n_faces, h, w)
        non_faces : array_like, shape (n_non_faces, h, w), optional

        Returns
        -------
        FaceDetector
            ``self``, fitted.
        """
        F = self._prepare(faces, "faces")
        n = len(F)
        cv, k = self.cv, self.n_components
        if not is_integer(cv) or not 2 <= cv <= n:
            raise ValueError(f"cv must be an integer between 2 and the number of faces ({n}), got cv={cv!r}")
        kmax = min(n - int(np.ceil(n / cv)), F[0].size)
        k = check_int(k, "n_components", 1, kmax,
                      bounds=f"between 1 and {kmax} (faces in the smallest cross-validation training fold)")
        if not 0 < self.face_quantile < 1:
            raise ValueError(f"face_quantile must be in (0, 1), got face_quantile={self.face_quantile!r}")

        # Out-of-fold distances of the training faces.
        face_d = np.empty(n)
        for fold in np.array_split(np.arange(n), cv):
            rest = np.setdiff1d(np.arange(n), fold)
            face_d[fold] = Eigenfaces(k).fit(F[rest]).distance_from_face_space(F[fold])
        self.eigenfaces_ = Eigenfaces(k).fit(F)

        if non_faces is None:
            self.threshold_ = float(np.quantile(face_d, self.face_quantile))
            self.train_accuracy_ = None
            return self
        N = self._prepare(non_faces, "non_faces")
        if N.shape[1:] != F.shape[1:]:
            raise ValueError(f"non_faces must have the same image shape as faces {F.shape[1:]}, got {N.shape}")
        other_d = self.eigenfaces_.distance_from_face_space(N)
        self.threshold_, self.train_accuracy_ = best_threshold(face_d, other_d)
        return self

    def decision_function(self, images: ArrayLike) -> np.ndarray:
        """Distance from face space minus the threshold (negative means face).

        Examples
        --------
        >>> from lalib.datasets import lfw_faces
        >>> faces, non_faces = lfw_faces()
        >>> det = FaceDetector().fit(faces[:70], non_faces[:70])
        >>> det.decision_function(faces[70:72]).shape
        (2,)
        """
        if not hasattr(self, "threshold_"):
            raise NotFittedError("This FaceDetector is not fitted yet: call fit(faces, non_faces) first")
        return self.eigenfaces_.distance_from_face_space(self._prepare(images, "images")) - self.threshold_

    def predict(self, images: ArrayLike) -> np.ndarray:
        """True where the image is judged a face.

        Examples
        --------
        >>> from lalib.datasets import lfw_faces
        >>> faces, non_faces = lfw_faces()
        >>> det = FaceDetector().fit(faces[:70], non_faces[:70])
        >>> det.predict(faces[70:75]).dtype
        dtype('bool')
        """
        return self.decision_function(images) <= 0


@dataclass(frozen=True)
class DetectionReport:
    """How well the face detector did on a held-out split.

    Attributes
    ----------
    n_components : int
    normalize : bool
    threshold : float
    train_accuracy : float
        Balanced accuracy on the training split (out-of-fold for faces).
    test_accuracy : float
        Fraction of held-out images classified correctly.
    true_positive_rate : float
        Held-out faces called faces.
    true_negative_rate : float
        Held-out non-faces called non-faces.
    n_train, n_test : int
        Images in each split (half faces, half non-faces).
    random_state : int
    """

    n_components: int
    normalize: bool
    threshold: float
    train_accuracy: float
    test_accuracy: float
    true_positive_rate: float
    true_negative_rate: float
    n_train: int
    n_test: int
    random_state: int

    def summary(self) -> str:
        """One line a chapter can print."""
        return (
            f"face detector with {self.n_components} eigenfaces: {self.test_accuracy:.1%} correct on "
            f"{self.n_test} held-out images ({self.true_positive_rate:.0%} of faces found, "
            f"{self.true_negative_rate:.0%} of non-faces rejected; training {self.train_accuracy:.1%})"
        )


def detector_accuracy(
    n_components: int = 2, *, normalize: bool = True, test_size: float = 0.3, random_state: int = 0
) -> DetectionReport:
    """Train the face detector on part of the LFW crops and test it on the rest.

    The 100 faces and the 100 non-faces are each shuffled (seeded) and split
    the same way, so both splits are balanced.

    Parameters
    ----------
    n_components : int
        Eigenfaces spanning face space.
    normalize : bool
        See :class:`FaceDetector`.
    test_size : float
        Fraction held out, in (0, 1).
    random_state : int
        Seed of the split.

    Returns
    -------
    DetectionReport

    Examples
    --------
    >>> report = detector_accuracy(n_components=2, random_state=0)
    >>> report.n_train, report.n_test
    (140, 60)
    >>> report.test_accuracy > 0.8
    True
    """
    train_f, train_n, test_f, test_n = split_faces(test_size=test_size, random_state=random_state)
    n_test = len(test_f)
    det = FaceDetector(n_components, normalize=normalize).fit(train_f, train_n)
    tpr = float(np.mean(det.predict(test_f)))
    tnr = float(np.mean(~det.predict(test_n)))
    return DetectionReport(
        n_components=int(n_components),
        normalize=bool(normalize),
        threshold=det.threshold_,
        train_accuracy=float(det.train_accuracy_),
        test_accuracy=(tpr + tnr) / 2,
        true_positive_rate=tpr,
        true_negative_rate=tnr,
        n_train=len(train_f) + len(train_n),
        n_test=2 * n_test,
        random_state=int(random_state),
    )


def best_threshold(face_distances: ArrayLike, other_distances: ArrayLike) -> tuple[float, float]:
    """The cut on distance from face space that best separates faces from non-faces.

    An image is called a face when its distance is at most the threshold. Every
    midpoint between two consecutive distances (and one cut below and one above
    them all) is tried; the threshold kept maximizes the *balanced accuracy*,
    the mean of the fraction of faces accepted and the fraction of non-faces
    rejected, so a class with more examples does not dominate. Among equally
    good cuts the middle one is taken (the largest margin).

    Parameters
    ----------
    face_distances : array_like, shape (n_faces,)
        Distances of images known to be faces (at least one).
    other_distances : array_like, shape (n_others,)
        Distances of images known not to be faces (at least one).

    Returns
    -------
    threshold : float
    balanced_accuracy : float

    Examples
    --------
    >>> best_threshold([0.2, 0.3, 0.5], [0.4, 0.8, 0.9])
    (0.65, 0.8333333333333333)
    >>> best_threshold([1.0], [2.0])
    (1.5, 1.0)
    """
    face_d = as_finite_array(face_distances, "face_distances", ndim=1)
    other_d = as_finite_array(other_distances, "other_distances", ndim=1)
    d = np.unique(np.concatenate([face_d, other_d]))
    candidates = np.concatenate([[d[0] - 1.0], (d[:-1] + d[1:]) / 2, [d[-1] + 1.0]])
    tpr = (face_d[None, :] <= candidates[:, None]).mean(axis=1)
    tnr = (other_d[None, :] > candidates[:, None]).mean(axis=1)
    balanced = (tpr + tnr) / 2
    best = np.flatnonzero(balanced == balanced.max())
    return float(candidates[best[len(best) // 2]]), float(balanced.max())


def split_faces(*, test_size: float = 0.3, random_state: int = 0
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The LFW crops split into training and held-out images, both balanced.

    The 100 faces and the 100 non-faces are each shuffled (seeded) and the
    first ``round(test_size * 100)`` of each are held out. This is the split
    :func:`detector_accuracy` uses, so a chapter can look inside it.

    Parameters
    ----------
    test_size : float
        Fraction held out, in (0, 1).
    random_state : int
        Seed of the shuffle.

    Returns
    -------
    train_faces, train_non_faces, test_faces, test_non_faces : numpy.ndarray
        Each of shape (n, 25, 25), pixel values in [0, 1].

    Examples
    --------
    >>> tf, tn, sf, sn = split_faces(test_size=0.3, random_state=0)
    >>> tf.shape, tn.shape, sf.shape, sn.shape
    ((70, 25, 25), (70, 25, 25), (30, 25, 25), (30, 25, 25))
    """
    from lalib.datasets import lfw_faces

    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be in (0, 1), got test_size={test_size!r}")
    try:
        faces, non_faces = lfw_faces()
    except ImportError as err:   # the images ship inside scikit-image
        if err.name != "skimage" and "skimage" not in str(err):
            raise
        raise ModuleNotFoundError("the LFW faces are bundled with scikit-image, which is not installed: "
                                  "run `pip install scikit-image` (or install lalib-book[chapters])") from err
    rng = check_random_state(random_state)
    n_test = int(round(test_size * len(faces)))
    if not 1 <= n_test < len(faces) - 1:
        raise ValueError(f"test_size={test_size} leaves too few images in one split")
    pf, pn = rng.permutation(len(faces)), rng.permutation(len(non_faces))
    return faces[pf[n_test:]], non_faces[pn[n_test:]], faces[pf[:n_test]], non_faces[pn[:n_test]]


def detector_thresholds(faces: ArrayLike, non_faces: ArrayLike, ks, *, normalize: bool = True,
                        cv: int = 5) -> tuple[Eigenfaces, np.ndarray]:
    """The thresholds :class:`FaceDetector` would choose for many sizes of face space at once.

    For each ``k`` in ``ks`` this gives exactly ``FaceDetector(k, normalize=normalize,
    cv=cv).fit(faces, non_faces).threshold_`` (and ``k = 0``, the distance from
    the mean face, too), but fits each cross-validation fold once with the
    largest ``k``: the first ``k`` eigenfaces of a fit are the fit with ``k``.

    Parameters
    ----------
    faces, non_faces : array_like, shape (n, h, w)
        Training images.
    ks : sequence of int
        Sizes of face space, each from 0 to the faces in the smallest
        training fold minus one.
    normalize : bool
        Remove each image's brightness and contrast first.
    cv : int
        Folds for the out-of-fold face distances.

    Returns
    -------
    eigenfaces : Eigenfaces
        Fitted on all of ``faces`` (normalized if asked) with ``max(ks)`` (at least 1) components.
    thresholds : numpy.ndarray, shape (len(ks),)

    Examples
    --------
    >>> from lalib.datasets import lfw_faces
    >>> faces, non_faces = lfw_faces()
    >>> ef, t = detector_thresholds(faces[:70], non_faces[:70], [0, 2])
    >>> bool(t[1] == FaceDetector(2).fit(faces[:70], non_faces[:70]).threshold_)
    True
    """
    prep = normalize_images if normalize else (lambda X: X)
    F = prep(_as_image_stack(faces, "faces"))
    N = prep(_as_image_stack(non_faces, "non_faces"))
    if N.shape[1:] != F.shape[1:]:
        raise ValueError(f"non_faces must have the same image shape as faces {F.shape[1:]}, got {N.shape}")
    n = len(F)
    if not is_integer(cv) or not 2 <= cv <= n:
        raise ValueError(f"cv must be an integer between 2 and the number of faces ({n}), got cv={cv!r}")
    kmax = min(n - int(np.ceil(n / cv)), F[0].size)
    ks = [check_int(k, "ks", 0, kmax, bounds=f"between 0 and {kmax} (faces in the smallest training fold)")
          for k in np.atleast_1d(np.asarray(ks, dtype=object))]
    if not ks:
        raise ValueError("ks must hold at least one size of face space, got none")
    top = max(max(ks), 1)
    folds = [(fold, Eigenfaces(top).fit(F[np.setdiff1d(np.arange(n), fold)]))
             for fold in np.array_split(np.arange(n), cv)]
    ef = Eigenfaces(top).fit(F)
    thresholds = np.empty(len(ks))
    for i, k in enumerate(ks):
        face_d = np.empty(n)
        for fold, fit in folds:
            face_d[fold] = fit.distance_from_face_space(F[fold], k)
        thresholds[i] = best_threshold(face_d, ef.distance_from_face_space(N, k))[0]
    return ef, thresholds
