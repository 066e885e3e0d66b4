"""The singular value decomposition at work: low-rank approximation,
compression and the Eckart–Young theorem, plus a fast randomized SVD.

Every matrix factors as ``A = U Σ Vᵀ`` (orthonormal ``U``, ``V``; singular
values ``σ₁ ≥ σ₂ ≥ ... ≥ 0`` on the diagonal of ``Σ``). Keeping the first
``k`` terms of ``A = Σᵢ σᵢ uᵢ vᵢᵀ`` gives the rank-``k`` matrix ``A_k``; the
Eckart–Young theorem says no rank-``k`` matrix is closer to ``A``, and the
error is exactly what was thrown away:

    ‖A - A_k‖_F = sqrt(σ_{k+1}² + ... + σ_r²),     ‖A - A_k‖₂ = σ_{k+1}.

Storing ``U_k``, ``σ₁..σ_k`` and ``V_k`` takes ``k(m + n + 1)`` numbers
instead of ``m n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lalib.linalg.signs import svd_flip  # the one sign convention, shared with the eigenvectors
from lalib.validation import as_matrix, check_int, check_random_state, is_integer

__all__ = [
    "svd_flip",
    "truncated_svd",
    "randomized_svd",
    "low_rank_approx",
    "Compression",
    "compression_stats",
    "compression_table",
    "EckartYoungCheck",
    "eckart_young_check",
    "break_even_rank",
    "QuantizedFactors",
    "quantize_factors",
]


def _check_k(k, shape: tuple[int, int], name: str = "k") -> int:
    """``k`` as an int with ``1 <= k <= min(m, n)``, or an error naming it and the shape."""
    kmax = min(shape)
    return check_int(k, name, 1, kmax, bounds=f"between 1 and min(m, n) = {kmax} for a matrix of shape {shape}")


def truncated_svd(A: ArrayLike, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The top ``k`` singular triplets from the exact (LAPACK) SVD.

    Parameters
    ----------
    A : array_like, shape (m, n)
    k : int
        ``1 <= k <= min(m, n)``.

    Returns
    -------
    U : numpy.ndarray, shape (m, k)
    s : numpy.ndarray, shape (k,)
        Decreasing.
    Vt : numpy.ndarray, shape (k, n)
        Signs fixed by :func:`svd_flip`.

    Examples
    --------
    >>> U, s, Vt = truncated_svd(np.diag([3., 2., 1.]), 2)
    >>> s.tolist(), U.shape, Vt.shape
    ([3.0, 2.0], (3, 2), (2, 3))
    """
    M = as_matrix(A)
    k = _check_k(k, M.shape)
    U, s, Vt = scipy.linalg.svd(M, full_matrices=False, check_finite=False)
    U, Vt = svd_flip(U[:, :k], Vt[:k])
    return U, s[:k], Vt


def _as_sparse_matrix(A: sp.spmatrix | sp.sparray, name: str = "A") -> sp.csr_array:
    """A scipy.sparse ``A`` as a finite float64 CSR array, with :func:`as_matrix`'s errors."""
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got a {A.ndim}-D array of shape {A.shape}")
    if min(A.shape) == 0:
        raise ValueError(f"{name} must not be empty, got shape {A.shape}")
    if A.dtype == bool:
        A = A.astype(float)
    if not np.issubdtype(A.dtype, np.number):
        raise TypeError(f"{name} must be numeric, got an array of dtype {A.dtype}")
    M = sp.csr_array(A, dtype=np.complex128 if np.iscomplexobj(A.data) else np.float64)
    if not np.all(np.isfinite(M.data)):
        raise ValueError(f"{name} contains NaN or infinity")
    return M


def randomized_svd(
    A: ArrayLike,
    k: int,
    n_oversamples: int = 10,
    n_iter: int | str = "auto",
    power_iteration_normalizer: str = "auto",
    random_state: int | np.random.Generator | None = None,
    power_iteration_dtype: str = "float32",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Approximate top-``k`` SVD by random projection (Halko, Martinsson & Tropp 2011).

    1. *Sketch the range*: ``Y = A Ω`` for a Gaussian ``Ω`` with
       ``ℓ = k + n_oversamples`` columns. ``Y``'s columns are random
       combinations of ``A``'s columns, so they mostly lie along the top
       singular directions.
    2. *Power iterations* ``Y ← A (Aᵀ Y)`` sharpen this: each pass multiplies
       the weight of direction ``i`` by ``σᵢ²``, so small singular values
       (noise) fade. Between passes ``Y`` is re-normalized by a cheap LU (or
       QR) factorization, as scikit-learn does, or rounding would wash out
       everything but the top direction.
    3. *Project*: with ``Q`` an orthonormal basis of ``Y``, the small matrix
       ``B = Qᵀ A`` (ℓ × n) has an exact SVD ``B = Û Σ Vᵀ``, and
       ``A ≈ Q Qᵀ A = (Q Û) Σ Vᵀ``.

    Cost: ``O(m n ℓ (2 n_iter + 2))`` flops instead of ``O(m n min(m, n))``.

    *Mixed precision* (the one departure from scikit-learn's version): the
    power iterations only have to point ``Y`` roughly at the dominant
    subspace, so by default they run in single precision, which moves half
    the bytes and does twice the flops per instruction. The last pass
    ``Y = A Q`` and the projection ``B = Qᵀ A`` are in double precision, and
    that final pass also removes the single-precision rounding (about 1e-7)
    from the subspace, so the result is as accurate as an all-double run
    (``tests/test_svd.py`` checks this against ``power_iteration_dtype="float64"``
    and scikit-learn).

    Parameters
    ----------
    A : array_like or scipy.sparse matrix, shape (m, n)
        A sparse matrix is only multiplied, never densified (a ratings
        matrix with 1% of its entries known stays cheap).
    k : int
        Number of singular triplets, ``1 <= k <= min(m, n)``.
    n_oversamples : int
        Extra random directions; the sketch has ``k + n_oversamples`` columns
        (capped at ``min(m, n)``).
    n_iter : int or "auto"
        Power iterations. ``"auto"``: 7 if ``k < 0.1 min(m, n)``, else 4
        (scikit-learn's rule).
    power_iteration_normalizer : {"auto", "LU", "QR", "none"}
        How to re-normalize between passes (LU is cheaper; QR is more
        accurate). ``"auto"``: LU; but with ``power_iteration_dtype="float64"``
        and at most two iterations, none (scikit-learn's rule: two unnormalized
        passes cannot lose much in double precision, but can in single).
    random_state : int, numpy.random.Generator or None
        Seed for the Gaussian test matrix.
    power_iteration_dtype : {"float32", "float64"}
        Precision of the power iterations (see *Mixed precision* above).

    Returns
    -------
    U : numpy.ndarray, shape (m, k)
    s : numpy.ndarray, shape (k,)
    Vt : numpy.ndarray, shape (k, n)
        Signs fixed by :func:`svd_flip` (largest entry of each ``uᵢ`` positive).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((300, 20)) @ rng.standard_normal((20, 200))   # rank 20
    >>> U, s, Vt = randomized_svd(A, 5, random_state=0)
    >>> bool(np.allclose(s, np.linalg.svd(A, compute_uv=False)[:5]))
    True
    >>> U.shape, Vt.shape
    ((300, 5), (5, 200))
    """
    sparse = sp.issparse(A)
    M = _as_sparse_matrix(A) if sparse else as_matrix(A)
    if np.iscomplexobj(M):
        raise TypeError("A must be real for randomized_svd, got a complex matrix")
    m, n = M.shape
    k = _check_k(k, M.shape)
    if not is_integer(n_oversamples) or n_oversamples < 0:
        raise ValueError(f"n_oversamples must be a non-negative integer, got {n_oversamples!r}")
    if isinstance(n_iter, str):
        if n_iter != "auto":
            raise ValueError(f"n_iter must be a non-negative integer or 'auto', got {n_iter!r}")
        n_iter = 7 if k < 0.1 * min(m, n) else 4
    elif not is_integer(n_iter) or n_iter < 0:
        raise ValueError(f"n_iter must be a non-negative integer or 'auto', got {n_iter!r}")
    if power_iteration_dtype not in ("float32", "float64"):
        raise ValueError(
            f"power_iteration_dtype must be 'float32' or 'float64', got {power_iteration_dtype!r}"
        )
    if power_iteration_normalizer == "auto":
        power_iteration_normalizer = "none" if n_iter <= 2 and power_iteration_dtype == "float64" else "LU"
    if power_iteration_normalizer not in ("LU", "QR", "none"):
        raise ValueError(
            f"power_iteration_normalizer must be 'auto', 'LU', 'QR' or 'none', got {power_iteration_normalizer!r}"
        )
    rng = check_random_state(random_state)

    # Work with the orientation that has more rows than columns: the sketch
    # then lives in the larger space and B = QᵀA is short and wide.
    transpose = m < n
    if transpose:
        M = M.T
    ell = min(k + int(n_oversamples), min(m, n))

    def normalize(Y: np.ndarray) -> np.ndarray:
        # overwrite_a: Y is a fresh product we no longer need, so skip a copy.
        if power_iteration_normalizer == "LU":
            return scipy.linalg.lu(Y, permute_l=True, overwrite_a=True, check_finite=False)[0]
        if power_iteration_normalizer == "QR":
            return scipy.linalg.qr(Y, mode="economic", overwrite_a=True, check_finite=False)[0]
        return Y

    Q = rng.standard_normal((M.shape[1], ell))
    W = M
    if power_iteration_dtype == "float32" and n_iter > 0:
        # Scale into [-1, 1] first so that no entry overflows or underflows in
        # single precision; scaling A does not change its singular vectors.
        top = float(abs(M).max())
        scale = 1.0 / top if top > 0 else 1.0
        if sparse:
            W = (M * scale).astype(np.float32)
        else:
            W = np.multiply(M, scale, out=np.empty(M.shape, np.float32), casting="unsafe")
        Q = Q.astype(np.float32)
    for _ in range(int(n_iter)):
        Q = normalize(W @ Q)
        Q = normalize(W.T @ Q)
    # The last pass in double precision: it also cleans up single-precision rounding.
    Q = scipy.linalg.qr(M @ Q.astype(np.float64, copy=False), mode="economic", overwrite_a=True, check_finite=False)[0]

    B = (M.T @ Q).T if sparse else Q.T @ M  # ℓ × n: small enough for an exact SVD
    Uhat, s, Vt = scipy.linalg.svd(B, full_matrices=False, overwrite_a=True, check_finite=False)
    U = Q @ Uhat[:, :k]
    s, Vt = s[:k], Vt[:k]
    if transpose:
        U, Vt = Vt.T, U.T
    U, Vt = svd_flip(U, Vt)
    return U, s, Vt


def low_rank_approx(A: ArrayLike, k: int) -> np.ndarray:
    """The best rank-``k`` approximation ``A_k = U_k Σ_k V_kᵀ`` (truncated SVD).

    By the Eckart–Young theorem no matrix of rank at most ``k`` is closer to
    ``A`` in the Frobenius or the spectral norm; see :func:`eckart_young_check`.

    Parameters
    ----------
    A : array_like, shape (m, n)
    k : int
        ``1 <= k <= min(m, n)``. ``k >= rank(A)`` returns ``A`` itself
        (up to rounding).

    Returns
    -------
    numpy.ndarray, shape (m, n)

    Examples
    --------
    >>> A = np.array([[3., 0], [0, 1]])
    >>> low_rank_approx(A, 1).tolist()
    [[3.0, 0.0], [0.0, 0.0]]
    """
    U, s, Vt = truncated_svd(A, k)
    return (U * s) @ Vt


@dataclass(frozen=True)
class Compression:
    """What storing a rank-``k`` SVD of an ``m × n`` matrix costs and loses.

    Attributes
    ----------
    shape : tuple of int
        ``(m, n)``.
    k : int
        The rank kept.
    original_storage : int
        ``m n`` numbers.
    compressed_storage : int
        ``k (m + n + 1)`` numbers: ``U_k``, ``V_k`` and the ``k`` singular values.
    compression_ratio : float
        ``original_storage / compressed_storage``; above 1 means it saves
        space, which needs ``k < m n / (m + n + 1)``.
    relative_error : float
        ``‖A - A_k‖_F / ‖A‖_F``.
    energy : float
        ``(σ₁² + ... + σ_k²) / (σ₁² + ... + σ_r²)``, the fraction of
        ``‖A‖_F²`` kept. ``relative_error² + energy = 1``.
    """

    shape: tuple[int, int]
    k: int
    original_storage: int
    compressed_storage: int
    compression_ratio: float
    relative_error: float
    energy: float

    @property
    def saves_space(self) -> bool:
        """Whether the rank-``k`` factors take fewer numbers than the matrix."""
        return self.compressed_storage < self.original_storage


def compression_table(A: ArrayLike, ks: Iterable[int]) -> list[Compression]:
    """:func:`compression_stats` for several ranks from a single SVD.

    Parameters
    ----------
    A : array_like, shape (m, n)
    ks : iterable of int
        Ranks, each ``1 <= k <= min(m, n)``.

    Returns
    -------
    list of Compression

    Examples
    --------
    >>> rows = compression_table(np.eye(4), [1, 2])
    >>> [round(r.energy, 2) for r in rows]
    [0.25, 0.5]
    """
    M = as_matrix(A)
    ks = list(ks)
    checked = [_check_k(k, M.shape) for k in ks]
    s = scipy.linalg.svd(M, compute_uv=False, check_finite=False)
    m, n = M.shape
    power = s**2
    total = float(power.sum())
    # tail[k] = σ_{k+1}² + ... (summed from the small end, which is more accurate).
    tail = np.concatenate([np.cumsum(power[::-1])[::-1], [0.0]])
    rows = []
    for k in checked:
        kept = float(power[:k].sum())
        rows.append(
            Compression(
                shape=(m, n),
                k=k,
                original_storage=m * n,
                compressed_storage=k * (m + n + 1),
                compression_ratio=m * n / (k * (m + n + 1)),
                relative_error=float(np.sqrt(tail[k] / total)) if total > 0 else 0.0,
                energy=kept / total if total > 0 else 1.0,
            )
        )
    return rows


def compression_stats(A: ArrayLike, k: int) -> Compression:
    """Storage, error and energy of the rank-``k`` SVD of ``A``.

    Parameters
    ----------
    A : array_like, shape (m, n)
    k : int
        ``1 <= k <= min(m, n)``.

    Returns
    -------
    Compression

    Examples
    --------
    >>> c = compression_stats(np.ones((100, 50)), 1)     # a rank-1 matrix
    >>> c.original_storage, c.compressed_storage, round(c.compression_ratio, 1)
    (5000, 151, 33.1)
    >>> round(c.relative_error, 12), round(c.energy, 12)
    (0.0, 1.0)
    """
    return compression_table(A, [k])[0]


@dataclass(frozen=True)
class EckartYoungCheck:
    """The Eckart–Young theorem, checked on one matrix.

    Attributes
    ----------
    k : int
    frobenius_error : float
        ``‖A - A_k‖_F``, measured.
    frobenius_predicted : float
        ``sqrt(σ_{k+1}² + ... + σ_r²)``.
    spectral_error : float
        ``‖A - A_k‖₂``, measured.
    spectral_predicted : float
        ``σ_{k+1}`` (0 when ``k = min(m, n)``).
    n_trials : int
        How many other rank-``k`` matrices were tried.
    best_other_frobenius : float
        The smallest ``‖A - B‖_F`` among them.
    best_other_spectral : float
        The smallest ``‖A - B‖₂`` among them.
    """

    k: int
    frobenius_error: float
    frobenius_predicted: float
    spectral_error: float
    spectral_predicted: float
    n_trials: int
    best_other_frobenius: float
    best_other_spectral: float

    @property
    def holds(self) -> bool:
        """Errors equal their predictions and no other matrix did better."""
        scale = max(self.frobenius_predicted, self.spectral_predicted, 1e-300)
        tol = 1e-8 * scale + 1e-12
        return (
            abs(self.frobenius_error - self.frobenius_predicted) <= tol
            and abs(self.spectral_error - self.spectral_predicted) <= tol
            and self.best_other_frobenius >= self.frobenius_error - tol
            and self.best_other_spectral >= self.spectral_error - tol
        )


def eckart_young_check(
    A: ArrayLike, k: int, n_trials: int = 100, random_state: int | np.random.Generator | None = 0
) -> EckartYoungCheck:
    """Measure the Eckart–Young theorem on ``A``: no rank-``k`` matrix beats ``A_k``.

    Two kinds of challengers ``B`` are tried, half each:

    * the best matrix with a *random* ``k``-dimensional column space,
      ``B = Q Qᵀ A`` for a random orthonormal ``Q`` (m × k);
    * small random perturbations of the winner,
      ``B = (U_k + εG) Σ_k (V_k + εH)ᵀ`` with ``ε`` from 1e-4 to 1e-1,
      which come as close to ``A_k`` as one likes.

    Parameters
    ----------
    A : array_like, shape (m, n)
    k : int
        ``1 <= k <= min(m, n)``.
    n_trials : int
        Number of challengers (at least 2). Each costs one SVD of an
        ``m × n`` matrix (for the spectral norm), so keep ``A`` small.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    EckartYoungCheck
        Its ``holds`` property is the verdict.

    Examples
    --------
    >>> A = np.random.default_rng(0).standard_normal((30, 20))
    >>> check = eckart_young_check(A, 5, n_trials=20)
    >>> check.holds
    True
    >>> bool(np.isclose(check.spectral_error, np.linalg.svd(A, compute_uv=False)[5]))
    True
    """
    M = as_matrix(A)
    if np.iscomplexobj(M):
        raise TypeError("A must be real for eckart_young_check, got a complex matrix")
    k = _check_k(k, M.shape)
    if not is_integer(n_trials) or n_trials < 2:
        raise ValueError(f"n_trials must be an integer >= 2, got {n_trials!r}")
    rng = check_random_state(random_state)
    m, n = M.shape
    U, s, Vt = scipy.linalg.svd(M, full_matrices=False, check_finite=False)
    Uk, sk, Vtk = U[:, :k], s[:k], Vt[:k]
    Ak = (Uk * sk) @ Vtk

    def errors(B: np.ndarray) -> tuple[float, float]:
        D = M - B
        return float(np.linalg.norm(D)), float(np.linalg.norm(D, 2))

    fro, spec = errors(Ak)
    best_f = best_2 = np.inf
    half = n_trials // 2
    for _ in range(half):
        Q, _ = np.linalg.qr(rng.standard_normal((m, k)))
        f2 = errors(Q @ (Q.T @ M))
        best_f, best_2 = min(best_f, f2[0]), min(best_2, f2[1])
    for eps in np.logspace(-4, -1, n_trials - half):
        B = ((Uk + eps * rng.standard_normal((m, k))) * sk) @ (Vtk + eps * rng.standard_normal((k, n)))
        f2 = errors(B)
        best_f, best_2 = min(best_f, f2[0]), min(best_2, f2[1])
    return EckartYoungCheck(
        k=k,
        frobenius_error=fro,
        frobenius_predicted=float(np.sqrt(np.sum(s[k:][::-1] ** 2))),
        spectral_error=spec,
        spectral_predicted=float(s[k]) if k < len(s) else 0.0,
        n_trials=int(n_trials),
        best_other_frobenius=best_f,
        best_other_spectral=best_2,
    )


def break_even_rank(m: int, n: int) -> int:
    """The largest rank ``k`` whose factors take fewer numbers than the ``m × n`` matrix.

    Storing ``U_k``, ``σ₁..σ_k`` and ``V_k`` takes ``k(m + n + 1)`` numbers, so
    truncation saves space exactly when ``k < m n / (m + n + 1)``: for a
    square matrix that is a little under *half* its size, not all of it.
    Returns 0 when no rank saves space (a matrix with a dimension of 1).

    Parameters
    ----------
    m, n : int
        The matrix's shape, both at least 1.

    Returns
    -------
    int

    Examples
    --------
    >>> break_even_rank(256, 256), 128 * (256 + 256 + 1) > 256 * 256
    (127, True)
    >>> break_even_rank(1, 100)
    0
    """
    m = check_int(m, "m", 1)
    n = check_int(n, "n", 1)
    # Largest integer k with k (m + n + 1) < m n, in exact integer arithmetic.
    return (m * n - 1) // (m + n + 1)


@dataclass(frozen=True)
class QuantizedFactors:
    """Rank-``k`` SVD factors stored as 8-bit integers, one scale per singular vector.

    ``u_i ≈ u_scale[i] * U_q[:, i]`` and ``v_i ≈ v_scale[i] * Vt_q[i]``, with
    integers in ``[-127, 127]``; the singular values stay floats.

    Attributes
    ----------
    U_q : numpy.ndarray of int8, shape (m, k)
    u_scale : numpy.ndarray of float64, shape (k,)
    s : numpy.ndarray of float64, shape (k,)
    Vt_q : numpy.ndarray of int8, shape (k, n)
    v_scale : numpy.ndarray of float64, shape (k,)
    """

    U_q: np.ndarray
    u_scale: np.ndarray
    s: np.ndarray
    Vt_q: np.ndarray
    v_scale: np.ndarray

    def reconstruct(self, k: int | None = None) -> np.ndarray:
        """The rank-``k`` matrix the quantized factors give (default: all of them).

        Examples
        --------
        >>> q = quantize_factors(*truncated_svd(np.diag([3.0, 2.0, 1.0]), 2))
        >>> np.round(q.reconstruct(), 6).tolist()
        [[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
        """
        r = len(self.s)
        k = r if k is None else check_int(k, "k", 0, r, bounds=f"between 0 and the stored rank {r}")
        U = self.U_q[:, :k] * self.u_scale[:k]
        Vt = self.Vt_q[:k] * self.v_scale[:k, None]
        return (U * self.s[:k]) @ Vt

    @property
    def nbytes(self) -> int:
        """Bytes of the integer factors (the per-vector scales and σ's not counted)."""
        return int(self.U_q.nbytes + self.Vt_q.nbytes)


def quantize_factors(U: ArrayLike, s: ArrayLike, Vt: ArrayLike) -> QuantizedFactors:
    """Round the singular vectors of a (truncated) SVD to 8-bit integers.

    Each vector is scaled so that its largest entry maps to ±127 and then
    rounded, so every entry is off by at most half a step,
    ``max|u_i| / 254``. This is how the book's image widget ships its factors:
    one byte per number instead of eight.

    Parameters
    ----------
    U : array_like, shape (m, k)
    s : array_like, shape (k,)
    Vt : array_like, shape (k, n)

    Returns
    -------
    QuantizedFactors

    Examples
    --------
    >>> q = quantize_factors(np.array([[0.6], [0.8]]), [5.0], np.array([[1.0, 0.0]]))
    >>> q.U_q.ravel().tolist(), q.Vt_q.ravel().tolist(), q.s.tolist()
    ([95, 127], [127, 0], [5.0])
    """
    U = as_matrix(U, "U")
    Vt = as_matrix(Vt, "Vt")
    s = np.asarray(s, dtype=np.float64)
    if s.ndim != 1 or U.shape[1] != len(s) or Vt.shape[0] != len(s):
        raise ValueError(f"U (m, k), s (k,) and Vt (k, n) must agree in k, got shapes {U.shape}, {s.shape}, {Vt.shape}")

    def one_byte(M: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
        top = np.abs(M).max(axis=axis)
        scale = np.where(top > 0, top / 127.0, 1.0)
        q = np.rint(M / (scale[None, :] if axis == 0 else scale[:, None]))
        return np.clip(q, -127, 127).astype(np.int8), scale

    U_q, u_scale = one_byte(U, 0)
    Vt_q, v_scale = one_byte(Vt, 1)
    return QuantizedFactors(U_q, u_scale, s.copy(), Vt_q, v_scale)
