"""Samples for the ``faces`` bank (lalib.checks.faces, solutions/09-eigenfaces.ipynb).

Right answers as the solutions notebook computes them (with numpy, not with
lalib's own functions where a question forbids them); wrong ones are the
likely slips each question's feedback names, plus wrong types and wrong
functions.
"""

from __future__ import annotations

import numpy as np

from lalib.checks.faces import FACE_INDEX, K_PROJ, data
from lalib.faces import best_threshold

D = data()
F_TRAIN, F_TEST, RAW_TEST = D["F_train"], D["F_test"], D["test_f"]
MEAN = F_TRAIN.mean(axis=0)
_, _, VT = np.linalg.svd(F_TRAIN.reshape(len(F_TRAIN), -1) - MEAN.ravel(), full_matrices=False)
X = F_TEST[FACE_INDEX].ravel()
CODE = VT[:K_PROJ] @ (X - MEAN.ravel())
DIST = float(np.linalg.norm(X - MEAN.ravel() - CODE @ VT[:K_PROJ]))


def normalize(images):  # the solutions notebook's answer
    X = np.asarray(images, dtype=float)
    Z = X - X.mean(axis=(1, 2), keepdims=True)
    n = np.sqrt(np.sum(Z**2, axis=(1, 2), keepdims=True))
    return np.divide(Z, n, out=np.zeros_like(Z), where=n > 0)


def _normalize_no_centring(images):
    X = np.asarray(images, dtype=float)
    return X / np.sqrt(np.sum(X**2, axis=(1, 2), keepdims=True))


def _normalize_nan_for_blank(images):
    X = np.asarray(images, dtype=float)
    Z = X - X.mean(axis=(1, 2), keepdims=True)
    return Z / np.sqrt(np.sum(Z**2, axis=(1, 2), keepdims=True))   # 0/0 for a constant image


def _normalize_in_place(images):
    images -= images.mean(axis=(1, 2), keepdims=True)
    images /= np.sqrt(np.sum(images**2, axis=(1, 2), keepdims=True)) + 1e-300
    return images


def _normalize_with_lalib(images):
    from lalib.faces import normalize_images
    return normalize_images(images)


def distance_from_face_space(X, mean, E):  # the solutions notebook's answer
    Xc = np.asarray(X, dtype=float) - mean
    residual = Xc - (Xc @ E.T) @ E
    return np.sqrt(np.sum(residual**2, axis=1))


def _distance_pythagoras(X, mean, E):  # right too: ‖x − m‖² − ‖code‖², clipped at 0
    Xc = np.asarray(X, dtype=float) - mean
    return np.sqrt(np.maximum(np.sum(Xc**2, axis=1) - np.sum((Xc @ E.T) ** 2, axis=1), 0))


def _distance_squared(X, mean, E):
    return distance_from_face_space(X, mean, E) ** 2


def _distance_uncentred(X, mean, E):
    X = np.asarray(X, dtype=float)
    return np.linalg.norm(X - (X @ E.T) @ E, axis=1)


def _distance_code_length(X, mean, E):
    return np.linalg.norm((np.asarray(X, dtype=float) - mean) @ E.T, axis=1)


def _distance_with_lalib(X, mean, E):
    from lalib.faces import Eigenfaces
    return Eigenfaces  # uses a forbidden module


LIMITS = ("The first eigenfaces encode lighting, so a detector built on them is sensitive to light and pose rather "
          "than faces. LFW is mostly of public figures and under-represents many groups, so face space fits their "
          "faces worse and the detector's errors fall on them; accuracy should be reported per group.")

# qid -> (right answers, wrong answers)
SAMPLES = {
    "faces.1": ([MEAN, MEAN.tolist()],
                [D["train_f"].mean(axis=0), MEAN.ravel(), np.zeros((25, 25)), MEAN + 0.01, "mean face"]),
    "faces.2": ([normalize],
                [_normalize_no_centring, _normalize_nan_for_blank, _normalize_in_place, _normalize_with_lalib,
                 lambda images: images, "normalize"]),
    "faces.3": ([CODE, -CODE, CODE * np.array([1, -1, 1, -1, 1]), CODE.tolist()],
                [VT[:K_PROJ] @ X, CODE[::-1], CODE[:4], np.zeros(K_PROJ), VT[:K_PROJ] @ RAW_TEST[FACE_INDEX].ravel(),
                 "code"]),
    "faces.4": ([DIST, np.float64(DIST)], [DIST**2, float(np.linalg.norm(CODE)), DIST + 0.01, [DIST], "0.6"]),
    "faces.5": ([8, 8.0], [-6, 64, 15, "8"]),
    "faces.6": ([best_threshold([0.58, 0.66, 0.71, 0.74, 0.93], [0.79, 0.88, 0.97, 1.04, 1.12])[0], 0.765],
                [0.905, 0.95, 0.842, [0.765], None]),
    "faces.7": ([[4 / 6, 1 / 6], np.array([2 / 3, 1 / 6])],
                [[1 / 6, 4 / 6], [4 / 6, 5 / 6], [4, 1], [0.5, 1 / 6], [2 / 3], "4/6, 1/6"]),
    "faces.8": (["A", "a"], ["B", "C", "D", 1]),
    "faces.9": (["C", "(c)"], ["A", "B", "D", None]),
    "faces.10": ([distance_from_face_space, _distance_pythagoras],
                 [_distance_squared, _distance_uncentred, _distance_code_length, _distance_with_lalib,
                  lambda X, mean, E: np.zeros(len(X)), "distance"]),
    "faces.11": (["B"], ["A", "C", "D", 11]),
    "faces.12": ([LIMITS], ["  ", 12]),
    "faces.13": ([6, 6.0], [5, 7, 6.5, "6"]),
}
