"""Image compression: a rank slider over a photograph, rebuilt from its SVD in the browser.

The Python side takes the SVD of a grayscale image once and ships the top
``max_rank`` singular vectors rounded to 8 bits (:func:`lalib.svd.quantize_factors`),
every singular value, and the original as a PNG. The JavaScript rebuilds the
rank-``k`` image ``σ₁u₁v₁ᵀ + ... + σ_k u_k v_kᵀ`` itself, adding or removing
one rank-1 layer per step of the slider, so moving it needs no kernel; in
JupyterLab the same code draws, and the kernel computes the readouts.

The readouts (:func:`describe`, repeated operation for operation by the
page's ``derive``) are exact, from all the singular values: the relative
error ``‖A − A_k‖_F / ‖A‖_F``, the energy ``(σ₁² + ... + σ_k²) / Σσᵢ²``, and
the storage ``k(m + n + 1)`` numbers against ``m n``.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.svd import break_even_rank, quantize_factors, truncated_svd
from lalib.validation import as_matrix, check_int
from lalib.widgets.base import BookWidget

__all__ = ["ImageCompression", "describe", "default_image", "MAX_FACTOR_BYTES"]

#: The integer factors may take at most this many bytes (before base64), to keep the page light.
MAX_FACTOR_BYTES = 100_000


def default_image() -> np.ndarray:
    """The cameraman photograph at 256 × 256 (each pixel the mean of a 2 × 2 block of the original).

    Examples
    --------
    >>> img = default_image()
    >>> img.shape, bool(0 <= img.min() and img.max() <= 1)
    ((256, 256), True)
    """
    from lalib.datasets import camera

    img = camera()
    m, n = img.shape
    return img[: m // 2 * 2, : n // 2 * 2].reshape(m // 2, 2, n // 2, 2).mean(axis=(1, 3))


def describe(sigma: ArrayLike, k: int, height: int, width: int) -> dict:
    """Error, energy and storage of the rank-``k`` truncation, from all the singular values.

    Parameters
    ----------
    sigma : array_like
        Every singular value of the image, decreasing.
    k : int
        The rank kept, ``0 <= k <= len(sigma)``.
    height, width : int
        The image's shape ``m × n``.

    Returns
    -------
    dict
        ``error`` (``‖A − A_k‖_F / ‖A‖_F``), ``energy`` (``1 − error²``),
        ``stored`` (``k(m + n + 1)``), ``original`` (``m n``), ``ratio``
        (``stored / original``), ``break_even`` (the largest k that saves space).

    Examples
    --------
    >>> d = describe([3.0, 4.0 / 3, 0.0], 1, 3, 3)
    >>> round(d["error"], 4), round(d["energy"], 4), d["stored"], d["original"], d["break_even"]
    (0.4061, 0.8351, 7, 9, 1)
    """
    s = [float(x) for x in np.asarray(sigma, dtype=float).ravel()]
    k = int(k)
    # tail[i] = σ_i² + ... + σ_r², summed from the small end (the same loop as the page's).
    tail = 0.0
    kept_tail = 0.0
    for i in range(len(s) - 1, -1, -1):
        tail += s[i] * s[i]
        if i == k:
            kept_tail = tail
    frac = kept_tail / tail if tail > 0 else 0.0
    stored = k * (height + width + 1)
    original = height * width
    return {"error": math.sqrt(frac), "energy": 1 - frac, "stored": stored, "original": original,
            "ratio": stored / original, "break_even": (original - 1) // (height + width + 1)}


def _png(image: np.ndarray) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ImageCompression(BookWidget):
    """A rank slider over a grayscale image; the rank-``k`` image is rebuilt in the page from 8-bit factors.

    Parameters
    ----------
    image : array_like, shape (m, n), optional
        Grayscale, values in [0, 1]. Default: :func:`default_image`.
    k : int
        The starting rank.
    max_rank : int
        How many singular triplets to ship (the slider's end); the factors
        take ``max_rank (m + n)`` bytes, at most :data:`MAX_FACTOR_BYTES`.

    Examples
    --------
    >>> w = ImageCompression(np.outer(np.linspace(0, 1, 40), np.ones(30)), k=1, max_rank=5)
    >>> w.stored, w.original, round(w.error, 12)
    (71, 1200, 0.0)
    """

    _js_files = ("image_compression.js",)
    _static_derive = True

    height = t.Int(0).tag(sync=True)
    width = t.Int(0).tag(sync=True)
    max_rank = t.Int(0).tag(sync=True)
    k = t.Int(1).tag(sync=True)
    sigma = t.List(t.Float()).tag(sync=True)
    u_scale = t.List(t.Float()).tag(sync=True)
    v_scale = t.List(t.Float()).tag(sync=True)
    factors = t.Unicode("").tag(sync=True)  # base64: U_q column by column (m × K), then Vt_q row by row (K × n)
    original_png = t.Unicode("").tag(sync=True)
    # derived
    error = t.Float(0.0).tag(sync=True)
    energy = t.Float(1.0).tag(sync=True)
    stored = t.Int(0).tag(sync=True)
    original = t.Int(0).tag(sync=True)
    ratio = t.Float(0.0).tag(sync=True)
    break_even = t.Int(0).tag(sync=True)

    def __init__(self, image: ArrayLike | None = None, k: int = 20, max_rank: int = 128, **kwargs):
        img = default_image() if image is None else as_matrix(image, "image")
        if np.iscomplexobj(img):
            raise TypeError("image must be real, got complex values")
        if img.min() < 0 or img.max() > 1:
            raise ValueError(f"image values must lie in [0, 1], got {img.min():.4g} to {img.max():.4g}")
        m, n = img.shape
        max_rank = check_int(max_rank, "max_rank", 1, min(m, n),
                             bounds=f"between 1 and min(m, n) = {min(m, n)} for an image of shape {img.shape}")
        if max_rank * (m + n) > MAX_FACTOR_BYTES:
            raise ValueError(f"max_rank={max_rank} for an image of shape {img.shape} needs {max_rank * (m + n):,} "
                             f"bytes of factors, over the page budget of {MAX_FACTOR_BYTES:,}: lower max_rank "
                             "or shrink the image")
        k = check_int(k, "k", 0, max_rank, bounds=f"between 0 and max_rank = {max_rank}")
        U, s, Vt = truncated_svd(img, max_rank)
        q = quantize_factors(U, s, Vt)
        packed = np.concatenate([q.U_q.T.ravel(), q.Vt_q.ravel()]).tobytes()
        sigma = np.linalg.svd(img, compute_uv=False)
        super().__init__(height=m, width=n, max_rank=max_rank, sigma=sigma.tolist(), u_scale=q.u_scale.tolist(),
                         v_scale=q.v_scale.tolist(), factors=base64.b64encode(packed).decode("ascii"),
                         original_png=_png(img), k=k, **kwargs)
        self._quantized = q
        self._update()

    @classmethod
    def example(cls) -> ImageCompression:
        """A small gradient image (the contract tests need no photograph)."""
        x = np.linspace(0, 1, 48)
        return cls(0.5 + 0.4 * np.outer(np.sin(3 * x), np.cos(2 * x)), k=3, max_rank=10)

    def reconstruction(self, k: int | None = None) -> np.ndarray:
        """The rank-``k`` image the page draws (from the 8-bit factors), before clipping to [0, 1].

        Examples
        --------
        >>> w = ImageCompression.example()
        >>> w.reconstruction().shape
        (48, 48)
        """
        return self._quantized.reconstruct(self.k if k is None else k)

    @t.validate("k")
    def _validate_k(self, proposal):
        value = proposal["value"]
        if self.max_rank and not 0 <= value <= self.max_rank:
            raise ValueError(f"k must be between 0 and max_rank = {self.max_rank}, got {value}")
        return value

    @t.observe("k")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state (see :func:`describe`).

        Examples
        --------
        >>> ImageCompression.derive_state({"sigma": [2.0, 0.0], "k": 1, "height": 2, "width": 2})["error"]
        0.0
        """
        return describe(state["sigma"], state["k"], state["height"], state["width"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """Random spectra: fast and slow decay, exact zeros, a zero image, tiny and huge scales.

        Examples
        --------
        >>> sorted(ImageCompression.random_state(np.random.default_rng(0)))
        ['height', 'k', 'sigma', 'width']
        """
        m, n = (int(x) for x in rng.integers(1, 300, size=2))
        r = min(m, n)
        kind = int(rng.integers(0, 4))
        if kind == 0:
            s = np.sort(rng.exponential(size=r))[::-1]
        elif kind == 1:
            s = 0.9 ** np.arange(r) * 10
        elif kind == 2:
            s = np.zeros(r)
        else:
            s = np.sort(rng.random(r))[::-1]
            s[r // 2:] = 0
        s = s * 10.0 ** int(rng.integers(-100, 101))
        return {"sigma": s.tolist(), "k": int(rng.integers(0, r + 1)), "height": m, "width": n}

    def _update(self):
        with self.hold_sync():
            state = {"sigma": self.sigma, "k": self.k, "height": self.height, "width": self.width}
            for name, value in self.derive_state(state).items():
                setattr(self, name, value)
