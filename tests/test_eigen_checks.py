"""The eigen question bank: right answers pass in every form the prompts allow, wrong ones fail
with feedback that names what is wrong and never gives the answer."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import lalib.checks.eigen as bank_module
from lalib.checks import bank
from lalib.checks.eigen import LECTURE, MARKOV, power_cases, reference_power_iteration

Q = bank("eigen")


def verdict(qid, answer, rng=None):
    q = Q[qid]
    return q.judge(q.encode(answer, rng=rng))


def test_doctests():
    assert doctest.testmod(bank_module).failed == 0


def test_fourteen_questions_of_every_kind():
    assert len(Q) == 14
    assert {q.kind for q in Q.values()} >= {"number", "choice", "array", "function", "free-text"}


@pytest.mark.parametrize("answer", [[5, 2], [2, 5], np.array([2.0, 5.0]), [[5], [2]]])
def test_eigenvalues_in_any_order(answer):
    assert verdict("eigen.1", answer).passed


def test_eigenvalue_feedback_names_trace_or_determinant():
    assert "trace" in verdict("eigen.1", [4, 2]).message          # sum 6, not 7
    assert "det" in verdict("eigen.1", [3, 4]).message            # sum 7, product 12, not 10


@pytest.mark.parametrize("scale", [1, -3, 1e-9, 1e9])
def test_eigenvector_up_to_sign_and_scale(scale):
    assert verdict("eigen.2", scale * np.array([1.0, 1.0])).passed
    assert verdict("eigen.14", scale * np.array([1.0, -1.0])).passed


def test_eigenvector_feedback():
    assert "larger eigenvalue" in verdict("eigen.2", [1, -2]).message and "5" not in verdict("eigen.2", [1, -2]).message
    assert "not a multiple" in verdict("eigen.2", [1, 0]).message
    assert "zero vector" in verdict("eigen.2", [0, 0]).message
    assert "flips" in verdict("eigen.14", [1, 1]).message


def test_claimed_eigenpair_needs_exact_zero():
    assert verdict("eigen.3", 0).passed
    assert "float32" in verdict("eigen.3", 2.9486e-07).message
    assert not verdict("eigen.3", 1e-7).passed


def test_diagonalization_in_any_consistent_order_and_scaling():
    P, D = np.array([[1.0, -1], [1, 1]]), np.diag([2.0, 0.5])
    assert verdict("eigen.5", np.stack([P, D])).passed
    assert verdict("eigen.5", np.stack([P[:, ::-1] * [3, -0.5], np.diag([0.5, 2.0])])).passed
    w, V = np.linalg.eigh(LECTURE)
    assert verdict("eigen.5", np.stack([V, np.diag(w)])).passed
    # the lecture's slip: a singular P
    assert "singular" in verdict("eigen.5", np.stack([np.array([[1.0, -1], [1, -1]]), D])).message
    # eigenvalues and eigenvectors out of step
    assert "same order" in verdict("eigen.5", np.stack([P[:, ::-1], D])).message
    assert "not diagonal" in verdict("eigen.5", np.stack([P, np.ones((2, 2))])).message
    assert "shape" in verdict("eigen.5", P).message


def test_power_of_the_lecture_matrix():
    assert verdict("eigen.6", np.linalg.matrix_power(LECTURE, 10)).passed
    assert not verdict("eigen.6", np.linalg.matrix_power(LECTURE, 9)).passed


def power_iteration(A, num_iters):
    x = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(num_iters):
        y = A @ x
        x = y / np.linalg.norm(y)
    return x


def test_power_iteration_passes_on_fresh_random_matrices():
    for seed in range(5):
        assert verdict("eigen.7", power_iteration, rng=np.random.default_rng(seed)).passed


def test_power_iteration_cases_have_a_dominant_eigenvalue_and_converge():
    for case in power_cases(3):
        A, steps = case.args
        w = np.sort(np.abs(np.linalg.eigvals(A)))[::-1]
        assert w[1] / w[0] <= 0.9 + 1e-9
        if steps > 1:   # the reference has turned onto the dominant eigenvector, up to sign
            v = np.linalg.eig(A)[1][:, np.argmax(np.abs(np.linalg.eigvals(A)))].real
            x = reference_power_iteration(A, steps)
            assert abs(abs(x @ v) / np.linalg.norm(v) - 1) < 1e-6, case.description


def test_power_iteration_diagnoses_and_forbidden_calls():
    def unnormalized(A, num_iters):
        x = np.ones(A.shape[0])
        for _ in range(num_iters):
            x = A @ x
        return x

    def extra(A, num_iters):
        return power_iteration(A, num_iters + 1)

    def cheat(A, num_iters):
        w, V = np.linalg.eig(A)
        return V[:, np.argmax(np.abs(w))].real

    assert not verdict("eigen.7", unnormalized).passed
    assert "one step too many" in verdict("eigen.7", extra).message
    assert "forbids" in verdict("eigen.7", cheat).message


def test_markov_and_learning_rate_and_ratio():
    w, V = np.linalg.eig(MARKOV.T)
    pi = np.real(V[:, np.argmin(np.abs(w - 1))])
    assert verdict("eigen.8", pi / pi.sum()).passed
    assert "sum" in verdict("eigen.8", np.abs(pi) / np.linalg.norm(pi)).message
    assert "sign is free" in verdict("eigen.8", -np.abs(pi) / np.linalg.norm(pi)).message
    assert "pi @ P" in verdict("eigen.8", np.ones(3) / 3).message
    assert verdict("eigen.9", 2 / 7).passed and "1/λ_max" in verdict("eigen.9", 1 / 7).message
    assert verdict("eigen.13", 1 / 6).passed and "upside down" in verdict("eigen.13", 6).message


def test_choices_and_free_text():
    assert verdict("eigen.4", "B").passed and not verdict("eigen.4", "C").passed
    assert verdict("eigen.10", "C").passed and "identity" in verdict("eigen.10", "B").message
    assert verdict("eigen.12", "B").passed and "complex" in verdict("eigen.12", "C").message
    assert verdict("eigen.11", "Because C equals its transpose.").status == "recorded"
    assert verdict("eigen.11", ...).status == "unanswered"
