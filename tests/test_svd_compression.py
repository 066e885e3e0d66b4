"""lalib.svd's break-even rank and 8-bit factors: against brute force and the exact truncation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.svd import break_even_rank, quantize_factors, truncated_svd


@given(st.integers(1, 3000), st.integers(1, 3000))
@settings(max_examples=200, deadline=None)
def test_break_even_is_the_largest_rank_that_saves_space(m, n):
    k = break_even_rank(m, n)
    assert k * (m + n + 1) < m * n or k == 0
    assert (k + 1) * (m + n + 1) >= m * n
    assert k < min(m, n) or k == 0          # never all the way to full rank


def test_break_even_examples_and_errors():
    assert break_even_rank(256, 256) == 127 and break_even_rank(480, 640) == 274
    assert break_even_rank(1, 5) == 0 and break_even_rank(2, 2) == 0   # 1 * 5 = 5 > 4
    with pytest.raises(TypeError, match="m must be an integer"):
        break_even_rank(2.0, 3)
    with pytest.raises(ValueError, match="n must be at least 1"):
        break_even_rank(3, 0)


@pytest.mark.parametrize("shape, k", [((40, 30), 5), ((30, 60), 30), ((7, 7), 1)])
def test_quantized_factors_are_close_and_bounded(shape, k):
    rng = np.random.default_rng(sum(shape) + k)
    A = rng.standard_normal(shape)
    U, s, Vt = truncated_svd(A, k)
    q = quantize_factors(U, s, Vt)
    assert q.U_q.dtype == np.int8 and q.Vt_q.dtype == np.int8
    assert np.abs(q.U_q).max() == 127 and np.abs(q.Vt_q).max() == 127   # each vector uses the full range
    assert q.nbytes == k * (shape[0] + shape[1])
    # every entry within half a step of the exact one
    assert np.all(np.abs(q.U_q * q.u_scale - U) <= q.u_scale / 2 + 1e-15)
    assert np.all(np.abs(q.Vt_q * q.v_scale[:, None] - Vt) <= q.v_scale[:, None] / 2 + 1e-15)
    exact = (U * s) @ Vt
    assert np.linalg.norm(q.reconstruct() - exact) <= 0.02 * np.linalg.norm(exact)
    assert np.array_equal(q.reconstruct(0), np.zeros(shape))


def test_quantize_zero_vectors_and_errors():
    q = quantize_factors(np.zeros((3, 1)), [0.0], np.zeros((1, 2)))
    assert np.array_equal(q.reconstruct(), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="agree in k"):
        quantize_factors(np.zeros((3, 2)), [1.0], np.zeros((1, 2)))
    q = quantize_factors(*truncated_svd(np.eye(3), 2))
    with pytest.raises(ValueError, match="stored rank 2"):
        q.reconstruct(3)
