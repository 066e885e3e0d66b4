"""Face space: compose a face from eigenfaces, or rebuild a held-out image from k of them.

Two modes, one picture. *Compose*: sliders (and a drag pad for the first two)
set the weights of the top eigenfaces, in standard deviations of each
coefficient over the training faces, and the page draws
``mean + Σ wᵢ σᵢ eᵢ``. *Reconstruct*: pick a held-out face or non-face and a
rank ``k``; the page draws its projection onto the mean face plus the first
``k`` eigenfaces, the residual, and the distance from face space against the
detector's threshold for that ``k``.

The eigenfaces, the mean face and the gallery travel to the page quantized
to 16-bit integers (base64), so the page composes images itself from about
100 KB of state. :func:`describe` is the Python truth, computed from the same
dequantized arrays; ``face_space.js``'s ``derive`` repeats it in the page and
``tests/test_widgets_face_space.py`` checks that the two agree.
"""

from __future__ import annotations

import base64
import math

import numpy as np
import traitlets as t

from lalib.widgets.base import BookWidget

__all__ = ["FaceSpace", "describe", "pack", "unpack", "face_space_data", "N_SLIDERS", "WEIGHT_RANGE"]

N_SLIDERS = 6        # eigenfaces with a weight slider in compose mode
WEIGHT_RANGE = 3.0   # slider range, in standard deviations of the coefficient
MODES = ("compose", "reconstruct")


def pack(values: np.ndarray) -> dict:
    """An array as 16-bit integers in base64 with one scale: ``values ≈ ints * scale``.

    Examples
    --------
    >>> p = pack(np.array([[0.5, -1.0], [0.25, 0.0]]))
    >>> p["shape"], round(p["scale"] * 32767, 12)
    ([2, 2], 1.0)
    >>> unpack(p).tolist()
    [[0.500015259254738, -1.0], [0.250007629627369, 0.0]]
    """
    values = np.asarray(values, dtype=float)
    top = float(np.abs(values).max(initial=0.0))
    scale = top / 32767 if top > 0 else 1.0
    ints = np.round(values / scale).astype("<i2")
    return {"data": base64.b64encode(ints.tobytes()).decode("ascii"), "scale": scale, "shape": list(values.shape)}


def unpack(packed: dict) -> np.ndarray:
    """The float array :func:`pack` encoded (what the page decodes too).

    Examples
    --------
    >>> unpack(pack(np.zeros((2, 3)))).shape
    (2, 3)
    """
    ints = np.frombuffer(base64.b64decode(packed["data"]), dtype="<i2")
    return (ints.astype(float) * packed["scale"]).reshape(packed["shape"])


def describe(state: dict) -> dict:
    """What the widget shows for a state: the image, its codes, and in reconstruct mode its distance.

    Parameters
    ----------
    state : dict
        ``mode``, ``weights`` (one per slider, in standard deviations),
        ``image_index``, ``k``, and the embedded data ``mean``, ``eigenfaces``,
        ``gallery`` (packed arrays), ``sigmas`` and ``thresholds`` (one per
        ``k`` from 0).

    Returns
    -------
    dict
        ``pixels`` (the image drawn, flattened), ``original`` (the chosen
        gallery image, or ``[]`` when composing), ``residual`` (original minus
        pixels, or ``[]``), ``codes`` (coefficients along the eigenfaces used),
        ``distance`` (‖original − pixels‖; 0 when composing: a composed image
        lies in face space), ``threshold`` and ``is_face``.

    Examples
    --------
    >>> state = FaceSpace.random_state(np.random.default_rng(0))
    >>> sorted(describe(state))
    ['codes', 'distance', 'is_face', 'original', 'pixels', 'residual', 'threshold']
    """
    mean = unpack(state["mean"]).ravel()
    E = unpack(state["eigenfaces"])
    E = E.reshape(len(E), -1)
    sigmas = [float(s) for s in state["sigmas"]]
    if state["mode"] == "compose":
        weights = [float(w) for w in state["weights"]]
        codes = [w * s for w, s in zip(weights, sigmas)]
        pixels = mean.copy()
        for c, e in zip(codes, E):      # the page adds them one eigenface at a time, in this order
            pixels = pixels + c * e
        return {"pixels": pixels.tolist(), "original": [], "residual": [], "codes": codes, "distance": 0.0,
                "threshold": float(state["thresholds"][0]), "is_face": True}
    k = int(state["k"])
    G = unpack(state["gallery"])
    x = G.reshape(len(G), -1)[int(state["image_index"])]
    centred = x - mean
    codes = [float(np.dot(e, centred)) for e in E[:k]]
    pixels = mean.copy()
    for c, e in zip(codes, E[:k]):
        pixels = pixels + c * e
    residual = x - pixels
    distance = math.sqrt(float(np.dot(residual, residual)))
    threshold = float(state["thresholds"][k])
    return {"pixels": pixels.tolist(), "original": x.tolist(), "residual": residual.tolist(), "codes": codes,
            "distance": distance, "threshold": threshold, "is_face": bool(distance <= threshold)}


def face_space_data(n_eigenfaces: int = 40, n_gallery: int = 8, *, test_size: float = 0.3,
                    random_state: int = 0, cv: int = 5) -> dict:
    """The data the widget embeds, from the LFW split the detector uses.

    Eigenfaces of the normalized training faces; for every ``k`` from 0 to
    ``n_eigenfaces`` the detector's threshold (out-of-fold face distances and
    training non-faces, :func:`lalib.faces.best_threshold`, as
    :class:`~lalib.faces.FaceDetector` chooses it); a gallery of the first
    ``n_gallery`` held-out faces and as many held-out non-faces.

    Examples
    --------
    >>> d = face_space_data(n_eigenfaces=3, n_gallery=2)
    >>> unpack(d["eigenfaces"]).shape, len(d["thresholds"]), d["labels"]
    ((3, 25, 25), 4, ['face', 'face', 'non-face', 'non-face'])
    """
    # Imported here: lalib.faces needs scikit-learn, a second to import that every
    # `import lalib.widgets` (each book build, each notebook) would otherwise pay.
    from lalib.faces import detector_thresholds, normalize_images, split_faces
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    train_f, train_n, test_f, test_n = split_faces(test_size=test_size, random_state=random_state)
    # Small SVDs: one BLAS thread is fastest, and on a busy machine many threads are far slower.
    with threadpool_limits(1, user_api="blas"):
        ef, thresholds = detector_thresholds(train_f, train_n, range(n_eigenfaces + 1), cv=cv)
    gallery = normalize_images(np.concatenate([test_f[:n_gallery], test_n[:n_gallery]]))
    sigmas = np.sqrt(ef.pca_.explained_variance_[:N_SLIDERS])
    codes = ef.project(gallery, 2) / sigmas[:2]
    # Display: 0.5 grey is 0; the gain puts 99% of gallery pixels inside the grey range.
    gain = 0.5 / float(np.quantile(np.abs(gallery), 0.99))
    return {"mean": pack(ef.mean_face_), "eigenfaces": pack(ef.eigenfaces_), "gallery": pack(gallery),
            "sigmas": [float(s) for s in sigmas], "thresholds": [float(v) for v in thresholds],
            "labels": ["face"] * n_gallery + ["non-face"] * n_gallery,
            "gallery_codes": np.round(codes, 4).tolist(), "gain": gain}


class FaceSpace(BookWidget):
    """Compose faces from eigenfaces with sliders; rebuild held-out images from k eigenfaces.

    Parameters
    ----------
    mode : {"compose", "reconstruct"}
    n_eigenfaces : int
        Eigenfaces embedded (the largest rank in reconstruct mode).
    n_gallery : int
        Held-out faces (and as many non-faces) to choose from.
    image_index, k : int
        The starting image and rank in reconstruct mode.

    Examples
    --------
    >>> w = FaceSpace(mode="reconstruct", n_eigenfaces=5, n_gallery=2, image_index=0, k=2)
    >>> len(w.pixels), len(w.codes), w.distance > 0
    (625, 2, True)
    >>> w.mode = "compose"; w.weights = [1.0, 0, 0, 0, 0]    # one slider per eigenface, at most 6
    >>> w.distance, len(w.codes)
    (0.0, 5)
    """

    _js_files = ("face_space.js",)
    _static_derive = True

    mode = t.Unicode("compose").tag(sync=True)
    weights = t.List(t.Float()).tag(sync=True)
    image_index = t.Int(0).tag(sync=True)
    k = t.Int(2).tag(sync=True)
    # embedded data
    height = t.Int(25).tag(sync=True)
    width = t.Int(25).tag(sync=True)
    mean = t.Dict().tag(sync=True)
    eigenfaces = t.Dict().tag(sync=True)
    gallery = t.Dict().tag(sync=True)
    sigmas = t.List(t.Float()).tag(sync=True)
    thresholds = t.List(t.Float()).tag(sync=True)
    labels = t.List(t.Unicode()).tag(sync=True)
    gallery_codes = t.List(t.List(t.Float())).tag(sync=True)
    gain = t.Float(1.0).tag(sync=True)
    # derived
    pixels = t.List(t.Float()).tag(sync=True)
    original = t.List(t.Float()).tag(sync=True)
    residual = t.List(t.Float()).tag(sync=True)
    codes = t.List(t.Float()).tag(sync=True)
    distance = t.Float(0.0).tag(sync=True)
    threshold = t.Float(0.0).tag(sync=True)
    is_face = t.Bool(True).tag(sync=True)

    def __init__(self, mode: str = "compose", *, n_eigenfaces: int = 40, n_gallery: int = 8,
                 image_index: int = 0, k: int = 2, weights=None, **kwargs):
        # 70 training faces span at most 69 directions around their mean.
        if not isinstance(n_eigenfaces, int) or not 1 <= n_eigenfaces <= 69:
            raise ValueError(f"n_eigenfaces must be an integer between 1 and 69, got {n_eigenfaces!r}")
        if not isinstance(n_gallery, int) or not 1 <= n_gallery <= 30:
            raise ValueError(f"n_gallery must be an integer between 1 and 30, got {n_gallery!r}")
        data = face_space_data(n_eigenfaces, n_gallery)
        n_sliders = min(N_SLIDERS, n_eigenfaces)
        data["sigmas"] = data["sigmas"][:n_sliders]
        super().__init__(**data, **kwargs)
        self.weights = [0.0] * n_sliders if weights is None else list(weights)
        self.image_index, self.k = image_index, k
        self.mode = mode
        self._update()

    @classmethod
    def example(cls) -> "FaceSpace":
        return cls(n_eigenfaces=8, n_gallery=2)

    @property
    def n_eigenfaces(self) -> int:
        return int(self.eigenfaces["shape"][0])

    @t.validate("mode")
    def _validate_mode(self, proposal):
        if proposal["value"] not in MODES:
            raise ValueError(f"mode must be 'compose' or 'reconstruct', got {proposal['value']!r}")
        return proposal["value"]

    @t.validate("weights")
    def _validate_weights(self, proposal):
        w = [float(v) for v in proposal["value"]]
        if len(w) != len(self.sigmas):
            raise ValueError(f"weights must hold {len(self.sigmas)} numbers (one per slider), got {len(w)}")
        if not all(math.isfinite(v) and abs(v) <= WEIGHT_RANGE for v in w):
            raise ValueError(f"weights must be finite and between −{WEIGHT_RANGE:g} and {WEIGHT_RANGE:g} "
                             f"(standard deviations), got {w}")
        return w

    @t.validate("image_index")
    def _validate_index(self, proposal):
        i, n = int(proposal["value"]), len(self.labels)
        if not 0 <= i < n:
            raise ValueError(f"image_index must be between 0 and {n - 1}, got {i}")
        return i

    @t.validate("k")
    def _validate_k(self, proposal):
        k, n = int(proposal["value"]), self.n_eigenfaces
        if not 0 <= k <= n:
            raise ValueError(f"k must be between 0 and {n} (the eigenfaces embedded), got {k}")
        return k

    @t.observe("mode", "weights", "image_index", "k")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes (see :func:`describe`)."""
        return describe(state)

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random small face space: a few random orthonormal 'eigenfaces' of a tiny image, hard cases included.

        Examples
        --------
        >>> s = FaceSpace.random_state(np.random.default_rng(1))
        >>> s["mode"] in MODES and len(s["thresholds"]) == s["eigenfaces"]["shape"][0] + 1
        True
        """
        h, w = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        K = int(rng.integers(1, min(h * w, 8) + 1))
        Q, _ = np.linalg.qr(rng.standard_normal((h * w, K)))
        E = Q.T.reshape(K, h, w)
        mean = rng.normal(0, 0.1, (h, w))
        n = int(rng.integers(1, 5))
        gallery = rng.normal(0, 0.1, (n, h, w))
        if rng.random() < 0.2:
            gallery[0] = 0.0                       # a blank image
        if rng.random() < 0.2:
            gallery[-1] = mean + 0.5 * E[0]       # an image exactly in face space
        sigmas = rng.uniform(0.01, 0.5, min(N_SLIDERS, K))
        weights = rng.uniform(-WEIGHT_RANGE, WEIGHT_RANGE, len(sigmas))
        weights[rng.random(len(sigmas)) < 0.3] = 0.0
        return {"mode": str(rng.choice(MODES)), "weights": weights.tolist(),
                "image_index": int(rng.integers(0, n)), "k": int(rng.integers(0, K + 1)),
                "height": h, "width": w, "mean": pack(mean), "eigenfaces": pack(E), "gallery": pack(gallery),
                "sigmas": sigmas.tolist(), "thresholds": rng.uniform(0, 0.3, K + 1).tolist(),
                "labels": ["face"] * n, "gallery_codes": [[0.0, 0.0]] * n, "gain": 1.0}

    def _update(self):
        derived = self.derive_state({name: getattr(self, name) for name in (
            "mode", "weights", "image_index", "k", "mean", "eigenfaces", "gallery", "sigmas", "thresholds")})
        with self.hold_sync():
            for name, value in derived.items():
                setattr(self, name, value)
