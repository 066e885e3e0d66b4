"""The question bank of chapter 9, *Eigenfaces* (exercise set id ``"faces"``).

This module is the **answer key** of ``solutions/09-eigenfaces.ipynb``. Every
expected value is computed here from the data (the LFW split that
:func:`lalib.faces.split_faces` makes with the seed below) and from
:mod:`lalib.faces`, never typed by hand. Eigenface coordinates are accepted
up to the sign of each eigenface (an eigenvector's sign is arbitrary); the
threshold and rate questions use small lists of distances given in the
prompt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache

import numpy as np

from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, Verdict, _read_number
from lalib.faces import Eigenfaces, best_threshold, normalize_images, split_faces

__all__ = ["questions", "SPLIT", "FACE_INDEX", "K_PROJ", "FACE_D", "OTHER_D", "TEST_FACE_D", "TEST_OTHER_D",
           "THRESHOLD", "WIDGET_IMAGE", "reference_normalize", "reference_distance", "normalize_cases",
           "distance_cases", "data", "FORBIDDEN"]

# The split every question uses: 70 training and 30 held-out images of each kind.
SPLIT = {"test_size": 0.3, "random_state": 0}
# faces.3-4: held-out face number 3 (0-based) of that split, and the eigenfaces kept.
FACE_INDEX, K_PROJ = 3, 5
# faces.6: training distances from face space (one best cut among the midpoints).
FACE_D = (0.58, 0.66, 0.71, 0.74, 0.93)
OTHER_D = (0.79, 0.88, 0.97, 1.04, 1.12)
# faces.7: held-out distances and the threshold chosen on training data.
TEST_FACE_D = (0.61, 0.69, 0.77, 0.82, 0.95, 1.01)
TEST_OTHER_D = (0.74, 0.9, 1.06, 1.1, 1.18, 1.3)
THRESHOLD = 0.85
# faces.13: the widget's gallery image (held-out non-face 4) whose first accepting k is asked.
WIDGET_IMAGE = 11
# Function questions: write it yourself.
FORBIDDEN = ("lalib.faces", "lalib.pca", "lalib.linalg", "sklearn.decomposition", "sklearn.preprocessing")


@dataclasses.dataclass(frozen=True)
class _DataNumber(Number):
    """A number question whose key is computed from the data when an answer is judged.

    Building the bank then needs no data (nor scikit-image, which holds it):
    ``compute()`` returns ``(expected, mistakes)`` on first judgement.
    """

    compute: Callable[[], tuple[float, dict]] | None = None

    def _judge(self, value, reveal_expected=True):
        expected, mistakes = self.compute()
        return Number._judge(dataclasses.replace(self, expected=expected, mistakes=mistakes), value, reveal_expected)


@dataclasses.dataclass(frozen=True)
class _CutNumber(Number):
    """A threshold question: an answer that is not one of the cuts tried is told so.

    ``cuts`` are the midpoints between consecutive distances; a value that is
    none of them (and none of the named ``mistakes``) gets that said instead of
    a bare "not the best cut".
    """

    cuts: tuple[float, ...] = ()

    def _judge(self, value, reveal_expected=True):
        verdict = Number._judge(self, value, reveal_expected)
        number, problem = _read_number(value)
        if verdict.passed or problem or any(self._close(number, c) for c in self.cuts) \
                or any(self._close(number, float(w)) for w in self.mistakes):
            return verdict
        return Verdict(False, f"{number:.10g} is not halfway between two consecutive distances: sort all the "
                              "distances and try only the midpoints between neighbours")


@cache
def data() -> dict:
    """The split, its normalized images and the eigenfaces the questions are about (computed once).

    Examples
    --------
    >>> d = data()
    >>> d["F_train"].shape, d["eigenfaces"].shape      # the 70th eigenface has variance 0
    ((70, 25, 25), (70, 25, 25))
    """
    train_f, train_n, test_f, test_n = split_faces(**SPLIT)
    F_train = normalize_images(train_f)
    ef = Eigenfaces().fit(F_train)
    return {"train_f": train_f, "test_f": test_f, "F_train": F_train, "F_test": normalize_images(test_f),
            "mean": ef.mean_face_, "eigenfaces": ef.eigenfaces_, "ef": ef}


# ------------------------------------------------------------------------------ faces.1
def _mean_face(answer: np.ndarray) -> str | None:
    d = data()
    tol = 1e-8
    if np.abs(answer - d["mean"]).max() <= tol:
        return None
    if np.abs(answer - d["train_f"].mean(axis=0)).max() <= tol:
        return ("that is the mean of the raw training images: normalize each image first (subtract its own mean, "
                "divide by its length), then average")
    if np.abs(answer - normalize_images(np.concatenate([d["train_f"], d["test_f"]])).mean(axis=0)).max() <= tol:
        return "that average includes the held-out faces: use the training faces only"
    if abs(float(answer.mean())) > 1e-6:
        return ("its pixels do not average to 0, so the images were not normalized: every normalized image has "
                "mean 0, and so does their average")
    return "that is not the average of the normalized training faces"


# ------------------------------------------------------------------------------ faces.2
def reference_normalize(images: np.ndarray) -> np.ndarray:
    """The reference of faces.2 (``lalib.faces.normalize_images``).

    Examples
    --------
    >>> reference_normalize(np.array([[[0.0, 2.0]]])).tolist()
    [[[-0.7071067811865475, 0.7071067811865475]]]
    """
    return normalize_images(images)


def normalize_cases(seed: int) -> list[Case]:
    """Fresh image stacks for ``normalize(images)``: faces from the data, random, blank and extreme images.

    Examples
    --------
    >>> [c.description for c in normalize_cases(0)][:2]
    ['3 face images of 25 × 25 pixels', '4 random images of 3 × 5 pixels']
    """
    rng = np.random.default_rng(seed)
    faces = data()["train_f"]
    pick = rng.choice(len(faces), 3, replace=False)
    blank = rng.uniform(0, 1, (3, 4, 4))
    blank[1] = rng.uniform(0, 1)        # a constant image: no contrast at all
    return [
        Case((faces[pick].copy(),), "3 face images of 25 × 25 pixels"),
        Case((rng.uniform(0, 1, (4, 3, 5)),), "4 random images of 3 × 5 pixels"),
        Case((blank,), "3 images of 4 × 4 pixels, the middle one constant (all pixels equal)"),
        Case((rng.normal(0, 1, (2, 6, 2)) * 1e100,), "2 images with pixel values near 1e100"),
        # Small contrast: a norm padded with an epsilon (norm + 1e-8) shows here.
        Case((rng.normal(5, 1e-4, (2, 3, 3)),), "2 images with little contrast (pixels within about 1e-4 of 5)"),
        Case((rng.uniform(-1, 1, (1, 2, 7)),), "1 image of 2 × 7 pixels with negative values"),
    ]


def _no_centring(images):
    X = np.asarray(images, dtype=float)
    n = np.sqrt(np.sum(X**2, axis=(1, 2), keepdims=True))
    return np.divide(X, n, out=np.zeros_like(X), where=n > 0)


def _centred_only(images):
    X = np.asarray(images, dtype=float)
    return X - X.mean(axis=(1, 2), keepdims=True)


def _one_norm_for_all(images):
    Z = _centred_only(images)
    n = np.sqrt(np.sum(Z**2))
    return Z / n if n > 0 else Z


_NORMALIZE_BUGS = (
    (_no_centring, "It looks as if you scale each image to length 1 without subtracting its mean first"),
    (_centred_only, "It looks as if you subtract each image's mean but do not divide by its length"),
    (_one_norm_for_all, "It looks as if you divide by the length of the whole stack: each image needs its own length"),
)


def _normalize_compare(got, expected) -> str | None:
    """faces.2: when the result is wrong, name the first image and the property it lacks.

    Phrases complete "your function's result is …"; nothing here shows the expected pixels.
    """
    problem = _close(1e-7)(got, expected)
    if problem != "not right":
        return problem                      # right, or a wrong shape, or NaN
    g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    for i in range(len(e)):
        if not np.any(e[i]):                # a constant image: all zeros expected
            if np.any(g[i] != 0):
                return (f"not right: images[{i}] is constant (all its pixels are equal), so it should come back as "
                        "all zeros")
            continue
        mean, length = float(g[i].mean()), float(np.sqrt(np.sum(g[i] ** 2)))
        if not abs(mean) <= 1e-9:
            return f"not right: images[{i}] comes back with mean pixel {mean:.3g}, not 0 (subtract each image's own mean)"
        if not abs(length - 1) <= 1e-7:
            return (f"not right: images[{i}] comes back with length {length:.8g}, not 1 (divide each centred image "
                    "by its own length, exactly)")
    return "not right"


def _close(rtol: float):
    def compare(got, expected) -> str | None:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
        if g.shape != e.shape:
            return f"shape {g.shape}, expected {e.shape}"
        if np.isnan(g).any():
            return "it contains NaN (a division by zero?)"
        scale = max(1.0, float(np.abs(e).max(initial=0.0)))
        return None if np.all(np.abs(g - e) <= rtol * scale) else "not right"
    return compare


# ------------------------------------------------------------------------------ faces.3-4
@cache
def _code_and_distance() -> tuple[np.ndarray, float]:
    d = data()
    x = d["F_test"][FACE_INDEX]
    return d["ef"].project(x, K_PROJ), float(d["ef"].distance_from_face_space(x, K_PROJ))


def _distance_key() -> tuple[float, dict]:
    """faces.4's key and the slips it names, from the data."""
    d = data()
    code, dist = _code_and_distance()
    ef, raw = d["ef"], d["test_f"][FACE_INDEX]
    raw_dist = float(np.linalg.norm(raw - ef.reconstruct(raw, K_PROJ)))
    return dist, {dist**2: "that is the squared distance: take the square root",
                  float(ef.distance_from_face_space(d["F_test"][FACE_INDEX], 0)):
                      "that is the distance from the mean face (k = 0); use the first five eigenfaces",
                  raw_dist: "that uses the raw image: normalize it first",
                  float(np.linalg.norm(code)): "that is the length of the code, the part face space explains; "
                                               "the distance is the length of the residual"}


def _projection(answer: np.ndarray) -> str | None:
    code, _ = _code_and_distance()
    d = data()
    E = d["eigenfaces"][:K_PROJ].reshape(K_PROJ, -1)
    if np.allclose(np.abs(answer), np.abs(code), rtol=0, atol=1e-8):
        return None   # each coordinate up to the sign of its eigenface
    x = d["F_test"][FACE_INDEX].ravel()
    if np.allclose(np.abs(answer), np.abs(E @ x), atol=1e-8):
        return "those are the coordinates of the image itself: subtract the mean face before projecting"
    raw = d["test_f"][FACE_INDEX].ravel()
    if np.allclose(np.abs(answer), np.abs(E @ (raw - d["mean"].ravel())), atol=1e-8) \
            or np.allclose(np.abs(answer), np.abs(E @ raw), atol=1e-8):
        return "that projects the raw image: normalize it first, as the eigenfaces' training faces were"
    if np.allclose(np.sort(np.abs(answer)), np.sort(np.abs(code)), atol=1e-8):
        return "the right numbers in the wrong order: coordinate i belongs to eigenface i (largest variance first)"
    return ("not the coordinates along the first five eigenfaces (each is accepted with either sign, since an "
            "eigenface's sign is arbitrary)")


# ------------------------------------------------------------------------------ faces.7
def _rates(tpr: float, fpr: float):
    """A condition: [true-positive rate, false-positive rate], with the likely slips named."""
    def condition(answer: np.ndarray) -> str | None:
        close = lambda a, b: abs(a - b) <= 1e-9
        got_t, got_f = float(answer[0]), float(answer[1])
        if close(got_t, tpr) and close(got_f, fpr):
            return None
        if close(got_t, fpr) and close(got_f, tpr):
            return "the two rates are swapped: the true-positive rate (faces called faces) comes first"
        if close(got_f, 1 - fpr):
            return ("the second number is the fraction of non-faces rejected; the false-positive rate is the "
                    "fraction of non-faces wrongly called faces")
        if got_t > 1 or got_f > 1:
            return "a rate is a fraction between 0 and 1, not a count"
        if not close(got_t, tpr):
            return "the true-positive rate is not right: the fraction of held-out faces at or below the threshold"
        return "the false-positive rate is not right: the fraction of held-out non-faces at or below the threshold"
    return condition


# ------------------------------------------------------------------------------ faces.10
def reference_distance(X: np.ndarray, mean: np.ndarray, E: np.ndarray) -> np.ndarray:
    """The reference of faces.10: ``‖x − m − Eᵀ E (x − m)‖`` for each row x of X.

    Examples
    --------
    >>> reference_distance(np.array([[3.0, 4.0]]), np.zeros(2), np.array([[1.0, 0.0]])).tolist()
    [4.0]
    """
    Xc = np.asarray(X, dtype=float) - np.asarray(mean, dtype=float)
    E = np.asarray(E, dtype=float).reshape(-1, Xc.shape[1])
    return np.linalg.norm(Xc - (Xc @ E.T) @ E, axis=1)


def distance_cases(seed: int) -> list[Case]:
    """Fresh problems for ``distance_from_face_space(X, mean, E)``, hard cases included.

    Orthonormal rows ``E`` of random sizes; no eigenface at all (``k = 0``:
    the distance from the mean); every direction (``k = p``: all distances 0);
    points exactly in face space; one point; huge and tiny scales; and the
    book's own eigenfaces with held-out faces.

    Examples
    --------
    >>> [c.description for c in distance_cases(0)][:2]
    ['4 points in R^12 and 3 orthonormal directions', '3 points in R^7 and no direction at all (k = 0)']
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def basis(p: int, k: int) -> np.ndarray:
        Q, _ = np.linalg.qr(rng.standard_normal((p, max(k, 1))))
        return np.ascontiguousarray(Q[:, :k].T)

    def add(X, mean, E, description):
        cases.append(Case((np.asarray(X, float), np.asarray(mean, float), np.asarray(E, float).reshape(-1, X.shape[1])),
                          description))

    add(rng.normal(size=(4, 12)), rng.normal(size=12), basis(12, 3), "4 points in R^12 and 3 orthonormal directions")
    add(rng.normal(size=(3, 7)), rng.normal(size=7), np.zeros((0, 7)), "3 points in R^7 and no direction at all (k = 0)")
    add(rng.normal(size=(2, 5)), rng.normal(size=5), basis(5, 5), "2 points in R^5 and 5 orthonormal directions (all of R^5)")
    E, m = basis(9, 4), rng.normal(size=9)
    add(m + rng.normal(size=(3, 4)) @ E, m, E, "3 points lying exactly in the face space (distance 0)")
    add(rng.normal(size=(1, 6)), rng.normal(size=6), basis(6, 2), "a single point in R^6")
    add(rng.normal(size=(3, 8)) * 1e100, np.zeros(8), basis(8, 3), "3 points with coordinates near 1e100")
    add(rng.normal(size=(50, 30)), rng.normal(size=30), basis(30, 10), "50 points in R^30 and 10 orthonormal directions")
    d = data()
    pick = rng.choice(30, 4, replace=False)
    k = int(rng.integers(1, 20))
    add(d["F_test"][pick].reshape(4, -1), d["mean"].ravel(), d["eigenfaces"][:k].reshape(k, -1),
        f"4 held-out faces and the book's first {k} eigenfaces")
    return cases


def _squared(X, mean, E):
    return reference_distance(X, mean, E) ** 2


def _uncentred(X, mean, E):
    X = np.asarray(X, dtype=float)
    E = np.asarray(E, dtype=float).reshape(-1, X.shape[1])
    return np.linalg.norm(X - (X @ E.T) @ E, axis=1)


def _code_length(X, mean, E):
    Xc = np.asarray(X, dtype=float) - mean
    return np.linalg.norm(Xc @ np.asarray(E, dtype=float).reshape(-1, Xc.shape[1]).T, axis=1)


_DISTANCE_BUGS = (
    (_squared, "It looks as if you return the squared distances: take the square root"),
    (_uncentred, "It looks as if you project x itself: face space passes through the mean, so project x − mean"),
    (_code_length, "It looks as if you return the length of the code, the part face space explains; the distance "
                   "is the part it does not: the residual"),
)


def _distance_compare(got, expected) -> str | None:
    g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return f"shape {g.shape}, expected {e.shape} (one distance per row of X)"
    if np.isnan(g).any():
        return "it contains NaN (the square root of a slightly negative number, from rounding?)"
    if np.isinf(g).any():
        return "it contains infinity (squares of numbers near 1e100 are near 1e200: fine; were they overflowing?)"
    # Relative to the problem's size, at least 1e-6: a point in face space comes out near 1e-8 × its
    # length when computed by Pythagoras, which is right up to rounding.
    tol = 1e-6 * max(1.0, float(np.abs(e).max(initial=0.0)))
    return None if np.all(np.abs(g - e) <= tol) else "not right"


# ------------------------------------------------------------------------------ faces.13
@cache
def _widget_first_k() -> int:
    from lalib.widgets.face_space import describe, face_space_data

    state = {"mode": "reconstruct", "weights": [0.0] * 6, "image_index": WIDGET_IMAGE, "k": 0,
             **{key: value for key, value in face_space_data(40, 8, **SPLIT).items()
                if key in ("mean", "eigenfaces", "gallery", "sigmas", "thresholds")}}
    for k in range(41):
        if describe({**state, "k": k})["is_face"]:
            return k
    raise RuntimeError("the widget never accepts that image; pick another WIDGET_IMAGE")


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (``variant`` is accepted for the common interface; every variant is the book's).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['faces.1', 'faces.2', 'faces.3']
    >>> len(questions())
    13
    """
    t_best, _ = best_threshold(FACE_D, OTHER_D)
    tpr = float(np.mean(np.array(TEST_FACE_D) <= THRESHOLD))
    fpr = float(np.mean(np.array(TEST_OTHER_D) <= THRESHOLD))
    d = np.unique(FACE_D + OTHER_D)
    cuts = tuple(float(c) for c in (d[:-1] + d[1:]) / 2)     # the midpoints faces.6 asks to try
    return (
        Array("faces.1", variable="mean_face", shape=(25, 25), conditions=(_mean_face,)),
        Function("faces.2", points=2, variable="normalize", function_name="normalize", make_cases=normalize_cases,
                 reference=reference_normalize, output="array", compare=_normalize_compare, forbidden=FORBIDDEN,
                 diagnoses=_NORMALIZE_BUGS),
        Array("faces.3", variable="code", shape=(K_PROJ,), conditions=(_projection,)),
        _DataNumber("faces.4", variable="distance", name="the distance from face space", rtol=1e-6,
                    compute=_distance_key),
        Number("faces.5", variable="d_pyth", expected=float(np.sqrt(15.0**2 - 9.0**2 - 8.0**2 - 4.0**2)),
               name="the distance from face space", rtol=1e-9,
               mistakes={15.0 - 9.0 - 8.0 - 4.0: "lengths do not subtract; their squares do (Pythagoras)",
                         15.0**2 - 9.0**2 - 8.0**2 - 4.0**2: "that is d²: take the square root"}),
        _CutNumber("faces.6", variable="threshold", expected=t_best, name="the best cut", rtol=1e-9, cuts=cuts,
                   mistakes={float((np.mean(FACE_D) + np.mean(OTHER_D)) / 2):
                             "that is the midpoint of the two averages: try each cut between consecutive distances "
                             "and count the faces accepted and the non-faces rejected",
                             float(np.median(FACE_D + OTHER_D)):
                             "that is the median of all ten distances: count the errors each cut makes instead"}),
        Array("faces.7", variable="rates", shape=(2,), conditions=(_rates(tpr, fpr),)),
        Choice("faces.8", variable="why_out_of_fold",
               options=["training faces are closer to a face space fitted to them than new faces are, so their "
                        "distances would set the threshold too low and reject new faces",
                        "cross-validation makes the eigenfaces orthonormal",
                        "it makes the training faces farther from face space than the non-faces",
                        "it is only needed when there are more pixels than faces"],
               answer="A",
               hints={"B": "the eigenfaces are orthonormal in every fit; folds change which faces they are fitted to",
                      "C": "it makes the training faces' distances honest, like a new face's; it does not move them "
                           "past the non-faces",
                      "D": "in-sample distances are optimistic whatever the shape of the data"}),
        Choice("faces.9", variable="why_worse",
               options=["more eigenfaces reconstruct the training faces worse",
                        "later eigenfaces are noise, so they make every distance random",
                        "the eigenfaces explain the smooth non-face patches better than new faces, so the two "
                        "groups' distances meet",
                        "with more eigenfaces every distance grows, and the threshold falls behind"],
               answer="C",
               hints={"A": "reconstruction of training faces improves with every eigenface added",
                      "B": "the distances are not random: both groups' shrink steadily; the non-faces' shrink faster",
                      "D": "distances from a larger (nested) face space can only shrink"}),
        Function("faces.10", points=3, variable="distance_from_face_space", function_name="distance_from_face_space",
                 make_cases=distance_cases, reference=reference_distance, output="array", compare=_distance_compare,
                 forbidden=FORBIDDEN, diagnoses=_DISTANCE_BUGS),
        Choice("faces.11", variable="recognition",
               options=["nearest neighbour in face space with 5 eigenfaces names people correctly most of the time",
                        "it cannot be measured: the images have no names, so nothing says which crops show the "
                        "same person",
                        "it is the same as detection: a face close to face space is recognised",
                        "it needs more eigenfaces than there are training faces"],
               answer="B",
               hints={"A": "to score a name you need the right name: this data set has none",
                      "C": "detection says 'a face'; recognition says whose face, which distance from face space "
                           "cannot tell",
                      "D": "a face space never has more directions than training faces minus one, and recognition "
                           "does not ask for more"}),
        FreeText("faces.12", points=2, variable="limits"),
        _DataNumber("faces.13", variable="first_k", name="the smallest such k", integer=True,
                    compute=lambda: (_widget_first_k(), {})),
    )
