"""Tests for the numerical half of lalib.linalg: projection, Gram–Schmidt,
power iteration, diagonalization, matrix powers and the matrix exponential.

Every routine is compared with numpy/scipy on random, rank-deficient, tall,
wide and ill-conditioned matrices generated from hypothesis-drawn seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

import matrices
from matrices import kinds, seeds

from lalib import linalg
from lalib.linalg import (
    ConvergenceWarning,
    diagonalize,
    expm,
    gram_schmidt,
    matrix_exp,
    matrix_power,
    orthogonality_error,
    power_iteration,
    project_onto_subspace,
    project_onto_vector,
)

EPS = np.finfo(float).eps
SETTINGS = settings(max_examples=40, deadline=None)


def make_matrix(kind: str, m: int, n: int, seed: int) -> np.ndarray:
    """The shared factory at this file's difficulty: rank min(m, n) - 1 or - 2, condition number 1e10."""
    rank = max(1, min(m, n) - 1 - seed % 2)
    return matrices.make_matrix(kind, m, n, seed, rank=rank, sv_range=(1.0, 1e-10))


dims = st.integers(1, 9)


def random_orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def align_columns(V: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Flip the signs of V's columns to best match ref's (vectors are defined up to sign)."""
    signs = np.sign(np.sum(V * ref, axis=0))
    signs[signs == 0] = 1
    return V * signs


# --------------------------------------------------------------------------
# Projection onto a vector
# --------------------------------------------------------------------------
@SETTINGS
@given(n=dims, seed=seeds, t=st.floats(-3, 3))
def test_project_onto_vector_decomposes_b(n, seed, t):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    p, r = project_onto_vector(b, a)
    np.testing.assert_allclose(p, (a @ b) / (a @ a) * a, atol=1e-12)
    np.testing.assert_allclose(p + r, b, atol=1e-12)
    assert abs(r @ a) <= 1e-10 * np.linalg.norm(a) * np.linalg.norm(b)
    # p is the multiple of a closest to b.
    assert np.linalg.norm(r) <= np.linalg.norm(b - t * a) + 1e-12


def test_project_onto_vector_parallel_and_orthogonal():
    p, r = project_onto_vector([2, 4], [1, 2])
    assert np.allclose(p, [2, 4]) and np.allclose(r, 0)
    p, r = project_onto_vector([0, 3], [5, 0])
    assert np.allclose(p, 0) and np.allclose(r, [0, 3])


@pytest.mark.parametrize(
    "b, a, match",
    [
        ([1, 2], [0, 0], "a must be a nonzero"),
        ([1, 2, 3], [1, 2], r"b of shape \(3,\) and a of shape \(2,\)"),
        ([1, np.nan], [1, 2], "b contains NaN"),
        ([[1, 2]], [1, 2], r"b must be a 1-D vector.*shape \(1, 2\)"),
        ([1, 2], [[1], [2]], r"a must be a 1-D vector.*shape \(2, 1\)"),
    ],
)
def test_project_onto_vector_errors(b, a, match):
    with pytest.raises(ValueError, match=match):
        project_onto_vector(b, a)


def test_project_onto_vector_type_error():
    with pytest.raises(TypeError, match="a must be numeric"):
        project_onto_vector([1, 2], ["x", "y"])


# --------------------------------------------------------------------------
# Projection onto a subspace
# --------------------------------------------------------------------------
@SETTINGS
@given(kind=kinds, m=dims, n=dims, seed=seeds, cols=st.integers(1, 3))
def test_project_onto_subspace_matches_least_squares(kind, m, n, seed, cols):
    A = make_matrix(kind, m, n, seed)
    b = np.random.default_rng(seed + 1).standard_normal((m, cols))
    p, r = project_onto_subspace(b, A)
    # lstsq minimizes ||Ax - b||, so A x is the projection (even for dependent columns).
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    scale = np.linalg.norm(b)
    if kind != "ill_conditioned":  # lstsq's rcond cut-off differs from ours there
        np.testing.assert_allclose(p, A @ x, atol=1e-9 * scale)
    np.testing.assert_allclose(p + r, b, atol=1e-12 * scale)
    # The residual is orthogonal to every column, and projecting twice changes nothing.
    Q = linalg.column_space(A)
    assert np.linalg.norm(Q.T @ r) <= 1e-10 * scale
    p2, r2 = project_onto_subspace(p, A)
    np.testing.assert_allclose(p2, p, atol=1e-10 * scale)
    # A single vector keeps its 1-D shape.
    p1, r1 = project_onto_subspace(b[:, 0], A)
    assert p1.shape == (m,)
    np.testing.assert_allclose(p1, p[:, 0], atol=1e-12 * scale)


def test_project_onto_subspace_plane_example():
    p, r = project_onto_subspace([1, 2, 3], [[1, 0], [1, 1], [1, 2]])
    # Least-squares line fit through (0,1), (1,2), (2,3) is exact.
    assert np.allclose(p, [1, 2, 3]) and np.allclose(r, 0)
    p, r = project_onto_subspace([6, 0, 0], [[1, 0], [1, 1], [1, 2]])
    assert np.allclose(p, [5, 2, -1]) and np.allclose(r, [1, -2, 1])


@pytest.mark.parametrize(
    "b, A, match",
    [
        ([1, 2, 3], [[1, 0], [0, 1]], r"b has 3 rows \(shape \(3,\)\).*length 2"),
        ([1, 2], [1, 2], r"A must be a 2-D matrix.*shape \(2,\)"),
        ([1, 2], [[np.inf, 0], [0, 1]], "A contains NaN or infinity"),
        ([np.nan, 2], [[1, 0], [0, 1]], "b contains NaN"),
        (np.ones((2, 2, 2)), [[1, 0], [0, 1]], r"b must be a vector or a 2-D matrix.*\(2, 2, 2\)"),
    ],
)
def test_project_onto_subspace_errors(b, A, match):
    with pytest.raises(ValueError, match=match):
        project_onto_subspace(b, A)


# --------------------------------------------------------------------------
# Gram–Schmidt
# --------------------------------------------------------------------------
@SETTINGS
@given(m=st.integers(1, 10), extra=st.integers(0, 5), seed=seeds, method=st.sampled_from(["modified", "classical"]))
def test_gram_schmidt_matches_numpy_qr(m, extra, seed, method):
    n = max(1, m - extra)  # square or tall
    A = make_matrix("random", m, n, seed)
    Q, R = gram_schmidt(A, method=method)
    assert Q.shape == (m, n) and R.shape == (n, n)
    np.testing.assert_allclose(Q @ R, A, atol=1e-10 * np.linalg.norm(A))
    assert np.allclose(np.tril(R, -1), 0) and np.all(np.diag(R) > 0)
    # numpy's Householder QR gives the same factors up to the sign of each column.
    Qn, Rn = np.linalg.qr(A)
    signs = np.sign(np.diag(Rn))
    cond = np.linalg.cond(A)
    np.testing.assert_allclose(Q, Qn * signs, atol=1e-8 * cond)
    np.testing.assert_allclose(R, Rn * signs[:, None], atol=1e-8 * cond * np.linalg.norm(A))


def ill_conditioned_square(n: int, cond: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    U, V = random_orthogonal(n, rng), random_orthogonal(n, rng)
    return (U * np.logspace(0, -np.log10(cond), n)) @ V.T


@pytest.mark.parametrize("cond", [1e4, 1e7, 1e10])
def test_loss_of_orthogonality_classical_vs_modified_vs_householder(cond):
    """The measured version of the table in gram_schmidt's docstring."""
    n = 20
    A = ill_conditioned_square(n, cond)
    assert np.linalg.cond(A) == pytest.approx(cond, rel=0.01)
    loss = {
        "classical": orthogonality_error(gram_schmidt(A, "classical")[0]),
        "modified": orthogonality_error(gram_schmidt(A, "modified")[0]),
        "householder": orthogonality_error(np.linalg.qr(A)[0]),
    }
    # Householder: orthogonal to working precision whatever the conditioning.
    assert loss["householder"] < 100 * n * EPS
    # MGS: bounded by a modest multiple of cond * eps (Björck), but clearly worse than Householder.
    assert loss["modified"] < 10 * n * cond * EPS
    assert loss["modified"] > 10 * loss["householder"]
    # CGS: much worse again, like cond^2 * eps until orthogonality is lost completely.
    assert loss["classical"] > 100 * loss["modified"]
    assert loss["classical"] > min(0.01 * cond**2 * EPS, 0.1)


def test_gram_schmidt_ill_conditioned_still_factors():
    A = ill_conditioned_square(12, 1e10, seed=3)
    Q, R = gram_schmidt(A)
    # Orthogonality degrades, but A = QR still holds to working precision (backward stability).
    np.testing.assert_allclose(Q @ R, A, atol=1e-14 * 12)


def test_gram_schmidt_example_by_hand():
    Q, R = gram_schmidt([[1, 1], [1, 0], [0, 1]])
    s2, s6 = np.sqrt(2), np.sqrt(6)
    np.testing.assert_allclose(Q, [[1 / s2, 1 / s6], [1 / s2, -1 / s6], [0, 2 / s6]])
    np.testing.assert_allclose(R, [[s2, 1 / s2], [0, np.sqrt(1.5)]])


@pytest.mark.parametrize(
    "A, kwargs, match",
    [
        ([[1, 2, 3], [4, 5, 6]], {}, r"A must have at least as many rows as columns, got shape \(2, 3\)"),
        ([[1, 2], [2, 4], [3, 6]], {}, "columns of A are linearly dependent: column 1"),
        ([[1, 0], [0, 0]], {}, "column 1"),
        ([[1, 0], [0, 1]], {"method": "householder"}, "method must be 'modified' or 'classical'"),
        ([[1, np.nan], [0, 1]], {}, "A contains NaN"),
    ],
)
def test_gram_schmidt_errors(A, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gram_schmidt(A, **kwargs)


def test_orthogonality_error_known_values():
    assert orthogonality_error(np.eye(4)[:, :2]) == 0.0
    # Two unit vectors at 60 degrees: I - QᵀQ has eigenvalues ±cos 60°.
    Q = np.array([[1, 0.5], [0, np.sqrt(3) / 2]])
    assert orthogonality_error(Q) == pytest.approx(0.5)


# --------------------------------------------------------------------------
# Power iteration with deflation
# --------------------------------------------------------------------------
def symmetric_with_gap(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A symmetric matrix whose k+1 largest |eigenvalues| are separated by a ratio <= 0.8."""
    rng = np.random.default_rng(seed)
    top = 10.0 * 0.8 ** np.arange(k + 1) * rng.uniform(0.85, 1.0, k + 1).cumprod()
    rest = rng.uniform(-1, 1, n - k - 1) * top[-1] * 0.8 if n > k + 1 else np.empty(0)
    lam = np.concatenate([top[: n] * rng.choice([-1, 1], size=min(n, k + 1)), rest])[:n]
    Q = random_orthogonal(n, rng)
    A = (Q * lam) @ Q.T
    return (A + A.T) / 2, lam


@SETTINGS
@given(n=st.integers(1, 12), k=st.integers(1, 4), seed=seeds)
def test_power_iteration_matches_eigh(n, k, seed):
    k = min(k, n)
    A, lam = symmetric_with_gap(n, k, seed)
    w, V = power_iteration(A, k=k, random_state=seed)
    w_ref, V_ref = np.linalg.eigh(A)
    order = np.argsort(-np.abs(w_ref), kind="stable")[:k]
    np.testing.assert_allclose(w, w_ref[order], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(align_columns(V, V_ref[:, order]), V_ref[:, order], atol=1e-6)
    np.testing.assert_allclose(V.T @ V, np.eye(k), atol=1e-8)
    np.testing.assert_allclose(A @ V, V * w, atol=1e-8 * np.abs(lam).max())
    # Sign convention: the largest-magnitude entry of each eigenvector is positive.
    assert np.all(V[np.argmax(np.abs(V), axis=0), np.arange(k)] > 0)


@SETTINGS
@given(n=st.integers(3, 10), seed=seeds)
def test_power_iteration_rank_deficient_finds_zero_eigenvalues(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    A = 4.0 * np.outer(x, x) / (x @ x)  # rank one, eigenvalues 4, 0, 0, ...
    w, V = power_iteration(A, k=3, random_state=seed)
    np.testing.assert_allclose(w, [4, 0, 0], atol=1e-9)
    np.testing.assert_allclose(np.abs(V[:, 0]), np.abs(x) / np.linalg.norm(x), atol=1e-8)
    np.testing.assert_allclose(V.T @ V, np.eye(3), atol=1e-8)
    np.testing.assert_allclose(A @ V[:, 1:], 0, atol=1e-9)


def test_power_iteration_is_reproducible_with_seed():
    A, _ = symmetric_with_gap(8, 3, 7)
    w1, V1 = power_iteration(A, k=3, random_state=42)
    w2, V2 = power_iteration(A, k=3, random_state=np.random.default_rng(42))
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(V1, V2)


def test_power_iteration_warns_when_top_eigenvalues_tie():
    # λ = 1 and λ = -1 have the same size: no gap, no convergence, and it says so.
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        power_iteration(np.diag([1.0, -1.0, 0.5]), k=1, max_iter=200, random_state=0)


@pytest.mark.parametrize(
    "A, kwargs, err, match",
    [
        ([[1, 2], [3, 4]], {}, ValueError, "A must be symmetric"),
        ([[1, 2, 3], [2, 1, 0]], {}, ValueError, r"A must be square, got shape \(2, 3\)"),
        (np.eye(3), {"k": 4}, ValueError, "k must be between 1 and 3, got k=4"),
        (np.eye(3), {"k": 0}, ValueError, "k must be between 1 and 3, got k=0"),
        (np.eye(3), {"k": 1.5}, TypeError, "k must be an integer"),
        (np.eye(3), {"tol": -1.0}, ValueError, "tol must be a positive number"),
        (np.eye(3), {"max_iter": 0}, ValueError, "max_iter must be at least 1"),
        ([[np.nan, 0], [0, 1]], {}, ValueError, "A contains NaN"),
        (np.eye(2) * 1j, {}, TypeError, "A must be real"),
    ],
)
def test_power_iteration_errors(A, kwargs, err, match):
    with pytest.raises(err, match=match):
        power_iteration(A, **kwargs)


# --------------------------------------------------------------------------
# Diagonalization
# --------------------------------------------------------------------------
def test_diagonalize_lecture_example_corrected():
    """The seed's example, corrected: A = [[5/4, 3/4], [3/4, 5/4]] = P diag(2, 1/2) P⁻¹."""
    A = np.array([[5, 3], [3, 5]]) / 4
    P, D = diagonalize(A)
    np.testing.assert_allclose(np.diag(D), [2, 0.5])
    # The columns span the lecture's directions (1, 1) and (-1, 1).
    np.testing.assert_allclose(np.abs(P), np.full((2, 2), 1 / np.sqrt(2)))
    np.testing.assert_allclose(P @ D @ P.T, A, atol=1e-15)
    # The seed's matrix [[3/4, 3/4], [3/4, 5/4]] has different eigenvalues (≈ 1.79 and 0.21).
    _, D_seed = diagonalize([[0.75, 0.75], [0.75, 1.25]])
    np.testing.assert_allclose(np.diag(D_seed), [1 + np.sqrt(0.625), 1 - np.sqrt(0.625)])


@SETTINGS
@given(kind=kinds, n=dims, seed=seeds)
def test_diagonalize_symmetric_is_orthogonal(kind, n, seed):
    B = make_matrix(kind, n, n, seed)
    A = (B + B.T) / 2
    P, D = diagonalize(A)
    np.testing.assert_allclose(P.T @ P, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(P @ D @ P.T, A, atol=1e-12 * max(1, np.linalg.norm(A)))
    np.testing.assert_allclose(np.diag(D), np.sort(np.linalg.eigvalsh(A))[::-1], atol=1e-12 * max(1, np.linalg.norm(A)))
    assert np.count_nonzero(D - np.diag(np.diag(D))) == 0


@SETTINGS
@given(n=dims, seed=seeds)
def test_diagonalize_general_matrix(n, seed):
    A = make_matrix("random", n, n, seed)
    P, D = diagonalize(A)
    w = np.diag(D)
    # Same eigenvalues as numpy (as a multiset), ordered by decreasing real part.
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(np.linalg.eigvals(A)), atol=1e-9)
    assert np.all(np.diff(w.real) <= 1e-12)
    cond = np.linalg.cond(P)
    np.testing.assert_allclose(P @ D @ np.linalg.inv(P), A, atol=1e-13 * cond * max(1, np.linalg.norm(A)))
    np.testing.assert_allclose(np.linalg.norm(P, axis=0), 1)
    # The result is real exactly when the eigenvalues are.
    assert np.iscomplexobj(P) == bool(np.any(np.abs(np.linalg.eigvals(A).imag) > 1e-12))


def test_diagonalize_rotation_has_complex_eigenvalues():
    P, D = diagonalize([[0, -1], [1, 0]])
    np.testing.assert_allclose(np.diag(D), [1j, -1j])
    np.testing.assert_allclose(P @ D @ np.linalg.inv(P), [[0, -1], [1, 0]], atol=1e-15)


DEFECTIVE = {
    "shear": [[1, 1], [0, 1]],
    "nilpotent": [[0, 1], [0, 0]],
    "jordan3": [[2, 1, 0], [0, 2, 1], [0, 0, 2]],
    "jordan2_plus_1": [[3, 1, 0], [0, 3, 0], [0, 0, 5]],
    # S J S⁻¹ with integer S of determinant 1, so the entries are exact.
    "similar_shear": (np.array([[2, 1], [1, 1]]) @ np.array([[1, 1], [0, 1]]) @ np.array([[1, -1], [-1, 2]])).tolist(),
    "similar_jordan4": (
        np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
        @ (np.eye(4) * 3 + np.eye(4, k=1))
        @ np.linalg.inv(np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]])).round()
    ).tolist(),
}


@pytest.mark.parametrize("name", list(DEFECTIVE))
def test_diagonalize_defective_raises(name):
    with pytest.raises(ValueError, match=r"A is defective \(not diagonalizable\)"):
        diagonalize(DEFECTIVE[name])


def test_diagonalize_nearly_defective_but_fine_is_accepted():
    A = np.array([[1, 1], [0, 1 + 1e-3]])
    P, D = diagonalize(A)
    np.testing.assert_allclose(P @ D @ np.linalg.inv(P), A, atol=1e-12)
    with pytest.raises(ValueError, match="cond_max"):
        diagonalize(A, cond_max=100)


@pytest.mark.parametrize(
    "A, match",
    [
        ([[1, 2, 3], [4, 5, 6]], r"A must be square to be diagonalized, got shape \(2, 3\)"),
        ([1, 2], r"A must be a 2-D matrix"),
        ([[1, np.nan], [0, 1]], "A contains NaN"),
    ],
)
def test_diagonalize_errors(A, match):
    with pytest.raises(ValueError, match=match):
        diagonalize(A)


# --------------------------------------------------------------------------
# Matrix powers and the exponential
# --------------------------------------------------------------------------
@SETTINGS
@given(n=dims, seed=seeds, k=st.integers(-3, 8), symmetric=st.booleans())
def test_matrix_power_matches_numpy(n, seed, k, symmetric):
    A = make_matrix("random", n, n, seed) / np.sqrt(n)
    if symmetric:
        A = (A + A.T) / 2
    if k < 0:
        A = A + 3 * np.eye(n)  # safely invertible
    expected = np.linalg.matrix_power(A, k)
    P, _ = diagonalize(A)
    tol = 1e-12 * np.linalg.cond(P) ** 2 * max(1.0, np.abs(expected).max()) * (abs(k) + 1)
    got = matrix_power(A, k)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, atol=tol)


def test_matrix_power_stability_story():
    # Eigenvalues 0.9 and 0.5: A^k -> 0. Eigenvalues 1.1 and 0.5: A^k blows up along one direction.
    P = np.array([[1.0, 1], [1, -1]])
    A_stable = P @ np.diag([0.9, 0.5]) @ np.linalg.inv(P)
    A_unstable = P @ np.diag([1.1, 0.5]) @ np.linalg.inv(P)
    assert np.abs(matrix_power(A_stable, 200)).max() < 1e-8
    np.testing.assert_allclose(matrix_power(A_unstable, 50) @ [1, 1], 1.1**50 * np.array([1, 1]), rtol=1e-10)


@pytest.mark.parametrize(
    "A, k, err, match",
    [
        (np.eye(2), 2.0, TypeError, "k must be an integer"),
        (np.eye(2), True, TypeError, "k must be an integer"),
        ([[1, 0], [0, 0]], -1, ValueError, "A is singular.*k=-1"),
        ([[1, 1], [0, 1]], 3, ValueError, "A is defective"),
        (np.ones((2, 3)), 2, ValueError, r"A must be square.*\(2, 3\)"),
    ],
)
def test_matrix_power_errors(A, k, err, match):
    with pytest.raises(err, match=match):
        matrix_power(A, k)


def test_matrix_power_zero_is_identity():
    np.testing.assert_array_equal(matrix_power([[2, 1], [1, 2]], 0), np.eye(2))


@SETTINGS
@given(n=dims, seed=seeds, symmetric=st.booleans())
def test_matrix_exp_matches_scipy(n, seed, symmetric):
    A = make_matrix("random", n, n, seed) / np.sqrt(n)
    if symmetric:
        A = (A + A.T) / 2
    expected = scipy.linalg.expm(A)
    P, _ = diagonalize(A)
    tol = 1e-13 * np.linalg.cond(P) ** 2 * np.abs(expected).max()
    got = matrix_exp(A)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, atol=tol)
    # e^A e^-A = I
    np.testing.assert_allclose(got @ matrix_exp(-A), np.eye(n), atol=tol * 10)


def test_matrix_exp_rotation_and_alias():
    theta = 0.7
    G = np.array([[0, -theta], [theta, 0]])
    np.testing.assert_allclose(
        expm(G), [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]], atol=1e-15
    )
    assert expm is matrix_exp


def test_matrix_exp_errors():
    with pytest.raises(ValueError, match="A is defective"):
        matrix_exp([[0, 1], [0, 0]])
    with pytest.raises(ValueError, match=r"A must be square.*\(3, 2\)"):
        matrix_exp(np.ones((3, 2)))
    with pytest.raises(ValueError, match="matrix_exp overflowed"):
        matrix_exp([[1000.0, 0], [0, 1]])


def test_all_exports_exist():
    for name in [
        "project_onto_vector", "project_onto_subspace", "gram_schmidt", "orthogonality_error",
        "power_iteration", "diagonalize", "matrix_power", "matrix_exp", "expm", "ConvergenceWarning",
    ]:
        assert name in linalg.__all__ and hasattr(linalg, name)
    # The earlier half of the module is still exported.
    assert "rank" in linalg.__all__ and "null_space" in linalg.__all__
