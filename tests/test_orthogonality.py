"""Chapter 5's numerics (lalib.linalg.projection) against numpy, scipy, scikit-learn and torch."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lalib.linalg import (cosine_similarity, gram_schmidt, least_squares, orthogonality_error, project_onto_subspace,
                          projection_matrix)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


small = st.integers(-5, 5).map(float)  # small integers: the rank is unambiguous, so any sound tolerance agrees


@st.composite
def matrix_and_vector(draw):
    m, n = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    return draw(arrays(float, (m, n), elements=small)), draw(arrays(float, m, elements=finite))


@settings(max_examples=60, deadline=None)
@given(matrix_and_vector())
def test_projection_matrix_is_symmetric_idempotent_and_matches_scipy(data):
    A, b = data
    P = projection_matrix(A)
    assert np.allclose(P, P.T, atol=1e-10) and np.allclose(P @ P, P, atol=1e-10)
    Q = scipy.linalg.orth(A) if np.any(A) else np.zeros((A.shape[0], 0))
    assert np.allclose(P, Q @ Q.T, atol=1e-8)
    assert np.allclose(P @ b, project_onto_subspace(b, A)[0], atol=1e-8 * (1 + np.abs(b).max()))


def test_projection_matrix_trace_is_rank():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 4))  # rank 2, dependent columns
    assert round(float(np.trace(projection_matrix(A))), 10) == 2


def test_cosine_similarity_matches_sklearn_and_torch():
    import torch
    from sklearn.metrics.pairwise import cosine_similarity as sk_cos

    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((7, 5)), rng.standard_normal((4, 5))
    assert np.allclose(cosine_similarity(X, Y), sk_cos(X, Y), atol=1e-12)
    assert np.allclose(cosine_similarity(X), sk_cos(X), atol=1e-12)
    t = torch.nn.functional.cosine_similarity(torch.tensor(X[:, None, :]), torch.tensor(Y[None, :, :]), dim=-1)
    assert np.allclose(cosine_similarity(X, Y), t.numpy(), atol=1e-12)
    assert cosine_similarity([3, 4], [4, -3]) == 0.0 and cosine_similarity([1, 1], [2, 2]) == 1.0
    # huge and tiny vectors: numpy's naive formula overflows / underflows, ours does not
    assert cosine_similarity([1e200, 1e200], [1e-200, 0]) == pytest.approx(np.sqrt(0.5), rel=1e-14)


@pytest.mark.parametrize("X, Y, error", [
    ([0, 0], [1, 2], "X has a zero vector"),
    ([1, 2], [[1, 2], [0, 0]], "Y has a zero vector"),
    ([1, 2], [1, 2, 3], "same length"),
    ([np.nan, 1], [1, 2], "X"),
])
def test_cosine_similarity_names_bad_input(X, Y, error):
    with pytest.raises(ValueError, match=error):
        cosine_similarity(X, Y)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_least_squares_matches_lstsq_including_rank_deficient(m, n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    if n > 1 and seed % 2:
        A[:, -1] = A[:, 0] + A[:, 1 % n]   # a dependent column
    b = rng.standard_normal(m)
    x, r = least_squares(A, b)
    ref = np.linalg.lstsq(A, b, rcond=None)[0]
    assert np.allclose(A @ x, A @ ref, atol=1e-9)       # the same projection
    assert np.allclose(x, ref, atol=1e-8)                # and the same minimum-norm solution
    assert np.allclose(A.T @ r, 0, atol=1e-9)            # residual orthogonal to C(A)


def test_least_squares_names_bad_input():
    with pytest.raises(ValueError, match="b has 2 entries, but A has 3 rows"):
        least_squares(np.ones((3, 2)), [1, 2])


def test_modified_gram_schmidt_keeps_orthogonality_where_classical_loses_it():
    H = scipy.linalg.hilbert(8)          # condition number about 1.5e10
    Qc, Rc = gram_schmidt(H, "classical")
    Qm, Rm = gram_schmidt(H, "modified")
    Qh, _ = np.linalg.qr(H)
    assert orthogonality_error(Qc) > 1e-3
    assert orthogonality_error(Qm) < 1e-4
    assert orthogonality_error(Qh) < 1e-14
    for Q, R in ((Qc, Rc), (Qm, Rm)):
        assert np.allclose(Q @ R, H, atol=1e-12)
