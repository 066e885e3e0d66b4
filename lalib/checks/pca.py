"""The question bank of chapter 8, *Principal component analysis* (exercise set id ``"pca"``).

This module is the **answer key** of ``solutions/08-pca.ipynb``: the grader
and every notebook check judge against what :func:`questions` builds here.
Every expected value is computed from the problem's own data with numpy,
never typed by hand. Principal directions are accepted up to sign (and, where
a direction is asked for, up to scale); the function ``pca(X, k)`` is checked
on fresh random data, including fewer samples than features, up to the sign
of each component (its scores flipping with it), and may not use
scikit-learn's PCA or :mod:`lalib.pca`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lalib.checks.questions import Array, Case, Choice, FreeText, Function, Number, Question, _describe, _read_array

__all__ = ["questions", "DATA", "SIGMA", "N_SIGMA", "LAMBDAS", "N_LAMBDAS", "K_LAMBDAS", "X90", "X_NEW",
           "pca_cases", "reference_pca", "pack", "unpack", "PairFunction", "FORBIDDEN"]

# pca.1-5, 12, 13: a small data set, 6 samples of 3 features, far from the origin (so centring matters).
DATA = np.array([[12.0, 31, 5],
                 [14, 35, 4],
                 [11, 30, 6],
                 [15, 37, 3],
                 [13, 32, 6],
                 [13, 33, 6]])
# pca.6: a singular value of centred data with N_SIGMA samples.
SIGMA, N_SIGMA = 12.0, 37
# pca.9: covariance eigenvalues of a centred data set of N_LAMBDAS samples, and the k kept.
LAMBDAS, N_LAMBDAS, K_LAMBDAS = np.array([9.0, 4.0, 2.0, 0.5, 0.5]), 21, 2
# pca.12: encode and decode this new sample with one component of DATA.
X_NEW = np.array([16.0, 34, 4])


def _x90() -> np.ndarray:
    """pca.8: 200 samples of 12 features with a decaying spectrum (seeded, so every student gets the same)."""
    rng = np.random.default_rng(8)
    Q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    scales = 6.0 * 0.7 ** np.arange(12)
    return rng.standard_normal((200, 12)) * scales @ Q.T + rng.uniform(-5, 5, 12)


X90 = _x90()

# pca.7 is "write PCA yourself": scikit-learn's and lalib's PCA are refused (the SVD is allowed).
FORBIDDEN = ("sklearn.decomposition", "sklearn.decomposition.PCA", "sklearn.decomposition.TruncatedSVD",
             "sklearn.decomposition.IncrementalPCA", "sklearn.decomposition.KernelPCA",
             "sklearn.decomposition.SparsePCA", "lalib.pca", "lalib.pca.PCA")


def _cov(X: np.ndarray) -> np.ndarray:
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / (len(X) - 1)


def _eig_desc(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w, V = np.linalg.eigh(C)
    return w[::-1], V[:, ::-1]


# --- conditions with feedback for the common slips ---------------------------------------------
def _covariance_condition(X: np.ndarray, name: str) -> "callable":
    n = len(X)
    right = _cov(X)
    slips = (
        (X.T @ X / (n - 1), "that is Xᵀ X / (n − 1) of the raw data: subtract each column's mean first"),
        (right * (n - 1) / n, "that divides by n; the covariance here uses n − 1 (as np.cov does)"),
        (right * (n - 1), "that is X_cᵀ X_c without the factor 1/(n − 1)"),
        (X.T @ X / n, "that is Xᵀ X / n of the raw data: centre the data and divide by n − 1"),
    )  # (np.cov(X) without rowvar=False is n × n: the shape check names it first)

    def condition(C: np.ndarray) -> str | None:
        scale = np.abs(right).max()
        if np.abs(C - right).max() <= 1e-9 * scale:
            return None
        for wrong, why in slips:
            if wrong.shape == C.shape and np.abs(C - wrong).max() <= 1e-9 * max(1.0, np.abs(wrong).max()):
                return why
        if np.abs(C - C.T).max() > 1e-9 * scale:
            return f"{name} is not symmetric, and a covariance matrix always is"
        return f"{name} is not the covariance matrix of the data"
    return condition


def _variances_condition(X: np.ndarray) -> "callable":
    """The covariance eigenvalues, largest first, with feedback for order, 1/n, σ² and no centring."""
    n = len(X)
    lam = _eig_desc(_cov(X))[0]
    slips = (
        (lam[::-1], "those are the variances in ascending order (as np.linalg.eigh returns them): list the "
                    "largest first"),
        (lam * (n - 1) / n, "those divide by n; the covariance here uses n − 1"),
        (lam * (n - 1), "those are the squared singular values σᵢ² of the centred data: divide by n − 1"),
        (np.sqrt(lam * (n - 1)), "those are the singular values σᵢ of the centred data: the variances are σᵢ² / (n − 1)"),
        (_eig_desc(X.T @ X / (n - 1))[0], "those come from Xᵀ X of the raw data: centre it first"),
    )

    def condition(v: np.ndarray) -> str | None:
        tol = 1e-6 * lam.max()
        if np.abs(v - lam).max() <= tol:
            return None
        for wrong, why in slips:
            if np.abs(v - wrong).max() <= 1e-6 * max(1.0, np.abs(wrong).max()):
                return why
        if np.abs(np.sort(v)[::-1] - lam).max() <= tol:
            return "those are the right variances in the wrong order: largest first"
        return "those are not the eigenvalues of the covariance matrix"
    return condition


def _direction_condition(X: np.ndarray, name: str) -> "callable":
    """A non-zero vector along the first principal direction (any sign, any length)."""
    V = _eig_desc(_cov(X))[1]
    v1, v_last = V[:, 0], V[:, -1]
    raw = _eig_desc(X.T @ X / (len(X) - 1))[1][:, 0]

    def along(v: np.ndarray, u: np.ndarray) -> bool:
        return abs(abs(v @ u) - np.linalg.norm(v)) <= 1e-6 * np.linalg.norm(v)

    def condition(v: np.ndarray) -> str | None:
        if not np.any(v):
            return f"{name} is the zero vector, which has no direction"
        if along(v, v1):
            return None
        if along(v, raw):
            return (f"{name} is the top eigenvector of Xᵀ X of the raw data, which points towards the mean: "
                    "centre the data first")
        if along(v, v_last):
            return f"{name} is the direction of the smallest variance: np.linalg.eigh sorts eigenvalues ascending"
        if any(along(v, V[:, j]) for j in range(1, V.shape[1])):
            return f"{name} is a principal direction, but not the one with the largest variance"
        return f"{name} is not an eigenvector of the covariance matrix"
    return condition


def _reconstruction_condition(X: np.ndarray, x: np.ndarray) -> "callable":
    mu = X.mean(axis=0)
    v1 = _eig_desc(_cov(X))[1][:, 0]
    right = mu + v1 * (v1 @ (x - mu))
    no_mean = v1 * (v1 @ x)

    def condition(r: np.ndarray) -> str | None:
        if np.abs(r - right).max() <= 1e-6 * np.abs(right).max():
            return None
        if np.abs(r - no_mean).max() <= 1e-6 * np.abs(no_mean).max():
            return "that is D Dᵀ x, the reconstruction without the mean: encode x − μ and add μ back when decoding"
        if np.abs(r - (right - mu)).max() <= 1e-6 * np.abs(right).max():
            return "you encoded x − μ correctly but forgot to add the mean back when decoding"
        if np.abs(r - x).max() <= 1e-9 * np.abs(x).max():
            return "that is x itself: one component keeps only the part of x − μ along v₁"
        d = r - mu     # along v₁ but scaled: the v₁ used was not a unit vector (question 4 accepts any length)
        if np.linalg.norm(d - v1 * (v1 @ d)) <= 1e-6 * max(np.linalg.norm(d), 1e-300) and np.linalg.norm(d) > 0:
            return ("x̂ − μ lies along v₁ but has the wrong length: encode and decode with a unit vector, "
                    "v₁ / ‖v₁‖")
        return "that is not the projection of x onto the line through the mean along v₁"
    return condition


def _whitening_condition(X: np.ndarray) -> "callable":
    C = _cov(X)

    def condition(W: np.ndarray) -> str | None:
        M = W @ C @ W.T
        if np.allclose(M, np.eye(len(M)), atol=1e-6):
            return None
        if np.allclose(W @ W.T, np.eye(len(W)), atol=1e-6):
            return "W only rotates: divide each principal direction by the square root of its variance too"
        c = np.trace(M) / len(M)
        if c > 0 and np.allclose(M, c * np.eye(len(M)), atol=1e-6 * c):
            return (f"W C Wᵀ is {c:.4g} times the identity, not the identity, so W is off by a factor "
                    f"√{c:.4g} (did the variances you divided by use 1/n instead of 1/(n − 1)?)")
        return "the whitened data W (x − μ) do not have the identity as covariance (W C Wᵀ ≠ I)"
    return condition


# --- pca(X, k): a pair (components, scores), checked up to the sign of each component -----------
def pack(components: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Two arrays as one flat float array (their shapes first), the plain data a check records.

    Examples
    --------
    >>> unpack(pack(np.eye(2), np.ones((3, 2))))[1].shape
    (3, 2)
    """
    C, S = np.asarray(components, dtype=float), np.asarray(scores, dtype=float)
    return np.concatenate([[*C.shape, *S.shape], C.ravel(), S.ravel()]).astype(np.float64)


def unpack(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Undo :func:`pack`; None when the record is not two 2-D arrays."""
    flat = np.asarray(flat, dtype=float)
    if flat.ndim != 1 or len(flat) < 4 or not np.all(flat[:4] == np.round(flat[:4])) or np.any(flat[:4] < 0):
        return None
    a, b, c, d = (int(x) for x in flat[:4])
    if len(flat) != 4 + a * b + c * d:
        return None
    return flat[4:4 + a * b].reshape(a, b), flat[4 + a * b:].reshape(c, d)


def reference_pca(X: np.ndarray, k: int) -> np.ndarray:
    """The reference of pca.7, packed: the top ``k`` directions (rows) and the scores of ``X``.

    Examples
    --------
    >>> comps, scores = unpack(reference_pca(np.array([[0.0, 0], [1, 1], [2, 2]]), 1))
    >>> np.abs(comps).round(4).tolist(), np.abs(scores).round(4).ravel().tolist()
    ([[0.7071, 0.7071]], [1.4142, 0.0, 1.4142])
    """
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    return pack(Vt[:k], Xc @ Vt[:k].T)


def _pair_up_to_signs(rtol: float = 1e-6):
    def compare(got, expected) -> str | None:
        g, e = unpack(got), unpack(expected)
        if g is None:
            return "not a pair of 2-D arrays"
        (gc, gs), (ec, es) = g, e
        if gc.shape != ec.shape:
            hint = " (components go in rows, one per component)" if gc.shape == ec.shape[::-1] else ""
            return f"wrong: the components have shape {gc.shape}, expected {ec.shape}{hint}"
        if gs.shape != es.shape:
            hint = " (one row per sample, one column per component)" if gs.shape == es.shape[::-1] else ""
            return f"wrong: the scores have shape {gs.shape}, expected {es.shape}{hint}"
        s_scale = max(1.0, float(np.abs(es).max()))
        for j in range(len(ec)):
            sign = 1.0 if gc[j] @ ec[j] >= 0 else -1.0
            if np.abs(gc[j] - sign * ec[j]).max() > rtol:
                return f"wrong in component {j + 1}, even up to its sign"
            if np.abs(gs[:, j] - sign * es[:, j]).max() > rtol * s_scale:
                flipped = np.abs(gs[:, j] + sign * es[:, j]).max() <= rtol * s_scale
                return (f"wrong in the scores of component {j + 1}: they have the opposite sign to the component "
                        "(compute them from the components you return)" if flipped else
                        f"wrong in the scores of component {j + 1}")
        return None
    return compare


@dataclass(frozen=True)
class PairFunction(Function):
    """A function returning the pair ``(components, scores)``, recorded as one packed float array."""

    def _read_output(self, out):
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            n = f" of {len(out)} items" if isinstance(out, (tuple, list)) else ""
            return None, f"your function returned a {_describe(out)}{n}; return a pair: components, scores"
        parts = []
        for what, x in zip(("the components", "the scores"), out):
            arr, problem = _read_array(x, what)
            if problem:
                return None, problem
            if arr.ndim != 2:
                return None, f"{what} have shape {arr.shape}; return a 2-D array"
            parts.append(arr)
        return pack(*parts), None


def pca_cases(seed: int) -> list[Case]:
    """Fresh data for ``pca(X, k)``: more samples than features and fewer (n < p), k = 1 and k = p,
    a mean far from the origin, a single pair of samples, integer data.

    Examples
    --------
    >>> [c.description for c in pca_cases(0)][:2]
    ['a 40×5 data set, k = 2', 'a 6×10 data set (fewer samples than features), k = 3']
    """
    rng = np.random.default_rng(seed)
    cases: list[Case] = []

    def data(n: int, p: int, offset: float = 0.0) -> np.ndarray:
        Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
        scales = 3.0 * 0.6 ** np.arange(p)       # well-separated variances: the directions are well defined
        return rng.standard_normal((n, p)) * scales @ Q.T + offset + rng.uniform(-2, 2, p)

    def add(X: np.ndarray, k: int, what: str) -> None:
        n, p = X.shape
        cases.append(Case((np.ascontiguousarray(X, dtype=float), k), f"a {n}×{p} data set{what}, k = {k}"))

    add(data(40, 5), 2, "")
    add(data(6, 10), 3, " (fewer samples than features)")
    add(data(25, 4), 1, "")
    add(data(30, 3), 3, " (every component)")
    add(data(50, 6, offset=1000.0), 2, " with a mean near 1000")
    add(data(3, 8), 2, " (3 samples in 8 dimensions)")
    add(rng.integers(0, 10, size=(20, 4)).astype(float), 2, " of integers")
    return cases


def _uncentred(X: np.ndarray, k: int) -> np.ndarray:
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return pack(Vt[:k], X @ Vt[:k].T)


def _raw_scores(X: np.ndarray, k: int) -> np.ndarray:
    comps, _ = unpack(reference_pca(X, k))
    return pack(comps, X @ comps.T)


def _smallest(X: np.ndarray, k: int) -> np.ndarray:
    Xc = X - X.mean(axis=0)
    _, V = np.linalg.eigh(Xc.T @ Xc)
    comps = V[:, :k].T
    return pack(comps, Xc @ comps.T)


_PCA_BUGS = (
    (_uncentred, "It looks as if you never subtract the mean: centre X (X - X.mean(axis=0)) before the SVD"),
    (_raw_scores, "It looks as if your scores use X itself: project the centred data, (X - mean) @ components.T"),
    (_smallest, "It looks as if you kept the directions of the smallest variance: np.linalg.eigh sorts "
                "eigenvalues in ascending order"),
)


def questions(variant: int | None = None) -> tuple[Question, ...]:
    """The chapter's questions (``variant`` is accepted for the common interface; every variant is the book's).

    Examples
    --------
    >>> [q.id for q in questions()][:3]
    ['pca.1', 'pca.2', 'pca.3']
    >>> len(questions())
    15
    """
    n = len(DATA)
    C = _cov(DATA)
    lam = _eig_desc(C)[0]
    ratio1 = float(lam[0] / lam.sum())
    lam_raw = _eig_desc(DATA.T @ DATA / (n - 1))[0]
    lam90 = _eig_desc(_cov(X90))[0]
    cum = np.cumsum(lam90) / lam90.sum()
    k90 = int(np.searchsorted(cum, 0.9) + 1)
    err = float((N_LAMBDAS - 1) * LAMBDAS[K_LAMBDAS:].sum())
    return (
        Array("pca.1", variable="mean_vec", shape=(3,), expected=DATA.mean(axis=0), rtol=1e-9,
              labels=("the mean of feature 1", "the mean of feature 2", "the mean of feature 3")),
        Array("pca.2", variable="C", shape=(3, 3), conditions=(_covariance_condition(DATA, "C"),)),
        Array("pca.3", variable="variances", shape=(3,), conditions=(_variances_condition(DATA),)),
        Array("pca.4", variable="v1", shape=(3,), conditions=(_direction_condition(DATA, "v1"),)),
        Number("pca.5", variable="ratio1", expected=ratio1, name="the explained variance ratio of PC1", rtol=1e-6,
               mistakes={float(lam_raw[0] / lam_raw.sum()): "that ratio comes from the uncentred data: "
                                                            "subtract the mean first",
                         float(lam[-1] / lam.sum()): "that is the ratio of the smallest variance, not the largest",
                         float(lam[0]): "that is the variance λ₁ itself; divide by the total variance"}),
        Number("pca.6", variable="variance_from_sigma", expected=SIGMA**2 / (N_SIGMA - 1),
               name="the variance along that direction", rtol=1e-9,
               mistakes={SIGMA**2: "σ² is (n − 1) times the variance: divide by n − 1",
                         SIGMA**2 / N_SIGMA: "the book's covariance divides by n − 1, not n",
                         SIGMA / (N_SIGMA - 1): "square the singular value first: λ = σ² / (n − 1)"}),
        PairFunction("pca.7", points=3, variable="pca", function_name="pca", make_cases=pca_cases,
                     reference=reference_pca, output="array", compare=_pair_up_to_signs(1e-6),
                     forbidden=FORBIDDEN, diagnoses=_PCA_BUGS),
        Number("pca.8", variable="k90", expected=k90, name="the number of components for 90% of the variance",
               integer=True,
               mistakes={float(k90 - 1): "with that many the running sum is still below 90%: count the "
                                         "component that crosses it (np.searchsorted gives an index from 0)",
                         float(k90 + 1): "one fewer already reaches 90%"}),
        Number("pca.9", variable="recon_error", expected=err, name="the total squared reconstruction error",
               rtol=1e-9,
               mistakes={float(LAMBDAS[K_LAMBDAS:].sum()): "that is the sum of the discarded eigenvalues; the "
                                                            "summed squared error is n − 1 times it",
                         float((N_LAMBDAS - 1) * LAMBDAS[:K_LAMBDAS].sum()): "those are the kept eigenvalues; "
                                                                              "the error comes from the discarded ones",
                         float(N_LAMBDAS * LAMBDAS[K_LAMBDAS:].sum()): "multiply by n − 1, not n: the eigenvalues "
                                                                       "are variances with 1/(n − 1)"}),
        Choice("pca.10", variable="skip_centring",
               options=["nothing: the principal directions do not depend on the mean",
                        "the first direction tends to point from the origin towards the mean of the data, not along "
                        "its spread",
                        "the variances come out divided by n",
                        "the covariance matrix is no longer symmetric"],
               answer="B",
               hints={"A": "XᵀX of raw data mixes the spread with the squared distance of the mean from the origin",
                      "C": "centring does not change any factor; the normalisation is a separate choice",
                      "D": "XᵀX is symmetric whether or not X is centred, which is why nothing warns you"}),
        Choice("pca.11", variable="standardise",
               options=["pixel intensities of greyscale images, all on the scale 0 to 255",
                        "a patient's height in centimetres, weight in kilograms and cholesterol in mmol/L",
                        "the x, y, z coordinates of points in space, all in metres",
                        "word embeddings whose coordinates are all of the same kind"],
               answer="B",
               hints={"A": "the pixels share one unit, and their size matters: a bright pixel should weigh more",
                      "C": "one unit for all three: standardising would distort the geometry",
                      "D": "the coordinates are comparable already; standardising would reweight them"}),
        Array("pca.12", variable="x_rec", shape=(3,), conditions=(_reconstruction_condition(DATA, X_NEW),)),
        Array("pca.13", variable="W", shape=(3, 3), conditions=(_whitening_condition(DATA),)),
        Choice("pca.14", variable="autoencoder",
               options=["exactly the first k principal directions, as orthonormal columns in order",
                        "the same k-dimensional subspace as the top k principal directions, in some basis of it",
                        "a subspace unrelated to PCA, since it is trained by gradient descent",
                        "the directions of the smallest variance, because it minimises an error"],
               answer="B",
               hints={"A": "any invertible mix of the code units gives the same reconstructions, so the loss cannot "
                           "prefer the principal directions themselves",
                      "C": "its optimum is PCA's: the best rank-k linear reconstruction",
                      "D": "keeping the largest variances leaves the smallest error"}),
        FreeText("pca.15", points=2, variable="when_pca_misleads"),
    )
