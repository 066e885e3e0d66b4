"""The svd question bank: right answers pass in every form the prompts allow, wrong ones fail
with feedback that names what is wrong (the slip it looks like) and never gives the answer."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import lalib.checks.svd as bank_module
from lalib.checks import bank
from lalib.checks.svd import A_HAND, C_RANK, SIGMAS, low_rank_cases
from lalib.svd import low_rank_approx

Q = bank("svd")


def verdict(qid, answer, rng=None):
    q = Q[qid]
    return q.judge(q.encode(answer, rng=rng))


def low_rank(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def test_doctests():
    assert doctest.testmod(bank_module).failed == 0


def test_at_least_twelve_questions_of_every_kind():
    assert len(Q) >= 12
    assert {q.kind for q in Q.values()} >= {"number", "choice", "array", "function", "free-text"}


def test_the_hand_matrix_is_what_the_prompt_says():
    # A^T A = [[5, 3], [3, 5]] with eigenvalues 8 and 2: the hand computation the prompt asks for.
    assert np.allclose(A_HAND.T @ A_HAND, [[5, 3], [3, 5]])
    assert np.allclose(np.linalg.svd(A_HAND, compute_uv=False), np.sqrt([8, 2]))


def test_singular_values_feedback():
    assert verdict("svd.1", np.sqrt([8, 2])).passed
    assert "largest first" in verdict("svd.1", np.sqrt([2, 8])).message
    assert "square roots" in verdict("svd.1", [8, 2]).message
    assert "never negative" in verdict("svd.1", -np.sqrt([8, 2])).message
    message = verdict("svd.1", [3, 1]).message
    assert "2.8" not in message and "1.41" not in message      # the answer is never shown


@pytest.mark.parametrize("sign", [1, -1])
def test_singular_vectors_up_to_sign_but_unit(sign):
    v1 = np.array([1.0, 1.0]) / np.sqrt(2)
    assert verdict("svd.2", sign * v1).passed
    assert verdict("svd.3", sign * np.array([1.0, 0.0])).passed
    assert "length" in verdict("svd.2", sign * 3 * v1).message
    assert "even up to sign" in verdict("svd.2", np.array([1.0, -1.0]) / np.sqrt(2)).message
    assert "zero vector" in verdict("svd.3", [0, 0]).message


def test_numerical_rank_ignores_rounding_but_not_small_values():
    s = np.linalg.svd(C_RANK, compute_uv=False)
    assert s[2] > 1e-3 and s[3] < 1e-13        # as the prompt says: three real ones, two rounded zeros
    assert verdict("svd.4", 3).passed
    assert "rounding" in verdict("svd.4", 5).message
    assert "tolerance" in verdict("svd.4", 2).message


def test_truncation_errors_and_energy():
    fro = np.sqrt(np.sum(SIGMAS[2:] ** 2))
    assert verdict("svd.5", fro).passed and verdict("svd.6", SIGMAS[2]).passed
    assert "spectral" in verdict("svd.5", SIGMAS[2]).message
    assert "square root" in verdict("svd.5", fro ** 2).message
    assert "Frobenius" in verdict("svd.6", fro).message
    assert "kept" in verdict("svd.6", SIGMAS[1]).message
    energy = np.sum(SIGMAS[:2] ** 2) / np.sum(SIGMAS ** 2)
    assert verdict("svd.8", energy).passed
    assert "fraction" in verdict("svd.8", 100 * energy).message
    assert "squares" in verdict("svd.8", SIGMAS[:2].sum() / SIGMAS.sum()).message


def test_break_even_is_the_largest_saving_rank():
    assert verdict("svd.7", 119).passed
    assert "60,120" in verdict("svd.7", 120).message
    assert "min(m, n)" in verdict("svd.7", 200).message


def test_low_rank_passes_on_fresh_inputs_and_cases_are_unique():
    for seed in range(4):
        assert verdict("svd.9", low_rank, rng=np.random.default_rng(seed)).passed
    for case in low_rank_cases(11):
        A, k = case.args
        s = np.linalg.svd(A, compute_uv=False)
        # every truncation is unique: the last kept and first dropped singular values differ
        assert k == min(A.shape) or s[k - 1] > s[k] * (1 + 1e-6), case.description
        assert np.allclose(low_rank(A, k), low_rank_approx(A, k), rtol=1e-8, atol=1e-10 * s[0])
    descriptions = " ".join(c.description for c in low_rank_cases(0))
    for hard in ("tall", "wide", "k = min(m, n)", "rank 2", "integer", "1e100"):
        assert hard in descriptions


def test_low_rank_diagnoses_and_forbidden_calls():
    def extra(A, k):
        return low_rank(A, k + 1)

    def no_sigma(A, k):
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        return U[:, :k] @ Vt[:k]

    def smallest(A, k):
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        return (U[:, -k:] * s[-k:]) @ Vt[-k:]

    def cheat(A, k):
        return low_rank_approx(A, k)

    def mutates(A, k):
        A[0, 0] = 0.0
        return low_rank(A, k)

    assert "k + 1 terms" in verdict("svd.9", extra).message
    assert "singular values" in verdict("svd.9", no_sigma).message
    assert "smallest" in verdict("svd.9", smallest).message
    assert "forbids" in verdict("svd.9", cheat).message
    assert not verdict("svd.9", mutates).passed
    assert not verdict("svd.9", lambda A, k: A).passed


def test_choices_counts_and_free_text():
    for qid in ("svd.10", "svd.11", "svd.12"):
        assert verdict(qid, "B").passed and not verdict(qid, "A").passed
    assert "rank exactly k" in verdict("svd.10", "A").message
    assert "break-even" in verdict("svd.11", "C").message
    assert "det U · det V = −1" in verdict("svd.12", "A").message
    assert verdict("svd.13", 7).passed and "square root" in verdict("svd.13", 49).message
    assert verdict("svd.15", 8 * (1024 + 4096)).passed
    assert "no singular values" in verdict("svd.15", 8 * (1024 + 4096 + 1)).message
    assert verdict("svd.14", "B A has rank at most r.").status == "recorded"
    assert verdict("svd.14", ...).status == "unanswered"
