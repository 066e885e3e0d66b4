"""The chapter-5 question bank (lalib.checks.orthogonality): keys recomputed independently, right answers
pass, typical wrong answers fail with feedback that names what is wrong and never the answer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lalib.checks import bank, check
from lalib.checks import orthogonality as o

Q = bank("ortho")


def judge(qid, answer, seed=0):
    q = Q[qid]
    data = q.encode(answer, np.random.default_rng(seed)) if q.kind == "function" else q.encode(answer)
    return q.judge(data)


def test_bank_has_every_kind_and_ten_or_more_questions():
    kinds = {q.kind for q in Q.values()}
    assert len(Q) >= 10 and {"number", "choice", "array", "subspace", "function", "free-text"} <= kinds


def test_keys_recomputed_with_torch():
    u, v = torch.tensor(o.COS_U), torch.tensor(o.COS_V)
    assert Q["ortho.2"].expected == pytest.approx(torch.nn.functional.cosine_similarity(u, v, dim=0).item(), rel=1e-12)
    A, b = torch.tensor(o.PLANE_A), torch.tensor(o.PLANE_B)
    p = A @ torch.linalg.lstsq(A, b[:, None]).solution[:, 0]
    assert Q["ortho.5"].expected == pytest.approx(torch.linalg.norm(b - p).item(), rel=1e-12)
    X = np.column_stack([np.ones(len(o.DATA)), o.DATA[:, 0]])
    assert np.allclose(Q["ortho.10"].expected, np.polyfit(o.DATA[:, 0], o.DATA[:, 1], 1)[::-1])
    assert np.allclose(np.linalg.lstsq(X, o.DATA[:, 1], rcond=None)[0], Q["ortho.10"].expected)


def test_array_answers_judged_by_their_defining_properties():
    assert judge("ortho.3", [1, 2, 2]).passed and judge("ortho.3", np.array([[1], [2], [2]])).passed
    assert judge("ortho.3", [3, 0, 3]).message == "your p is not on the line through a: it is not a multiple of a"
    assert "not orthogonal to a" in judge("ortho.3", [2, 4, 4]).message
    assert judge("ortho.4", [0, 2, 2]).passed
    assert "not in the column space" in judge("ortho.4", [2, 0, 4]).message
    assert "not orthogonal to a" in judge("ortho.4", [1, 2, 1]).message
    assert judge("ortho.6", np.eye(3) - np.ones((3, 3)) / 3).passed
    assert "not symmetric" in judge("ortho.6", [[1, 1, 0], [0, 0, 0], [0, 0, 0]]).message
    assert "P @ P" in judge("ortho.6", 2 * (np.eye(3) - np.ones((3, 3)) / 3)).message
    assert "dimension 3" in judge("ortho.6", np.eye(3)).message or "normal" in judge("ortho.6", np.eye(3)).message
    assert judge("ortho.7", [[2, -4, 2]]).passed and judge("ortho.7", [[-1, 2, -1]]).passed
    assert not judge("ortho.7", [[1, 2, 3]]).passed


def test_numbers_name_common_mistakes_without_the_answer():
    msg = judge("ortho.2", 4.0).message
    assert "dot product" in msg and "0.59" not in msg
    assert judge("ortho.5", 12.0).message == "that is the squared distance: take the square root"
    assert judge("ortho.5", 2 * np.sqrt(3)).passed


def project_svd(A, b):
    U, s, _ = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    Qb = U[:, s > s.max(initial=0.0) * max(np.shape(A)) * np.finfo(float).eps]
    return Qb @ (Qb.T @ b)


def project_inverse(A, b):
    return A @ np.linalg.inv(A.T @ A) @ A.T @ b


def mgs(A):
    V = np.array(A, dtype=float)
    Qm = np.zeros_like(V)
    for j in range(V.shape[1]):
        Qm[:, j] = V[:, j] / np.linalg.norm(V[:, j])
        V[:, j + 1:] -= np.outer(Qm[:, j], Qm[:, j] @ V[:, j + 1:])
    return Qm


def cgs(A):
    A = np.asarray(A, dtype=float)
    Qc = np.zeros_like(A)
    for k in range(A.shape[1]):
        v = A[:, k] - Qc[:, :k] @ (Qc[:, :k].T @ A[:, k])
        Qc[:, k] = v / np.linalg.norm(v)
    return Qc


def uses_qr(A):
    return np.linalg.qr(A)[0]


@pytest.mark.parametrize("seed", range(5))
def test_function_questions_on_fresh_inputs(seed):
    assert judge("ortho.8", project_svd, seed).passed
    assert not judge("ortho.8", project_inverse, seed).passed
    assert judge("ortho.9", mgs, seed).passed
    verdict = judge("ortho.9", cgs, seed)
    assert not verdict.passed and "classical Gram–Schmidt" in verdict.message and "ill-conditioned" in verdict.message


def test_gram_schmidt_refuses_qr_and_names_wrong_span():
    assert "numpy.linalg.qr" in judge("ortho.9", uses_qr).message
    verdict = judge("ortho.9", lambda A: np.eye(A.shape[0])[:, :A.shape[1]])
    assert "do not span the same space" in verdict.message


def test_cases_cover_the_hard_inputs():
    project = [c.description for c in o.project_cases(0)]
    assert any("zero matrix" in d for d in project) and any("parallel" in d for d in project)
    assert any("ill-conditioned" in d for d in project) and any("wide" in d for d in project)
    gs = [c.description for c in o.gs_cases(0)]
    assert any("1e8" in d for d in gs) and any("1e-9" in d for d in gs)


def test_choices_and_free_text():
    assert judge("ortho.1", "A").passed and not judge("ortho.1", "C").passed
    assert judge("ortho.11", "D").passed and "[[0, 1], [0, 0]]" in judge("ortho.11", "A").message
    assert judge("ortho.12", "C").passed and "oblique" in judge("ortho.12", "B").message
    assert judge("ortho.13", "B").passed and "‖q‖ ‖k‖" in judge("ortho.13", "A").message
    assert judge("ortho.14", "Because QR works with X itself.").status == "recorded"
    assert str(check("ortho.1", ...)).endswith("not answered yet")
