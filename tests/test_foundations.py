"""The foundations question bank: its answers recomputed with NumPy and PyTorch, its feedback, and matmul's guards."""

from __future__ import annotations

import linecache
import math
import operator
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from check_samples.foundations import SAMPLES as FOUNDATIONS_SAMPLES  # shared with the contract test
from check_samples.foundations import loop_matmul
from lalib.checks import check, question
from lalib.checks.foundations import (A_HAND, B_HAND, F_MATRIX, U_PLAYGROUND, X_NORMS, matmul_cases, matmul_loops,
                                      questions, screen_operators)

ROOT = Path(__file__).resolve().parents[1]


def judge(qid, answer):
    q = question(qid)
    return q.judge(q.encode(answer, np.random.default_rng(0)))


# --- the answers, recomputed independently -------------------------------------------------------------------------

def test_shape_answers_are_what_numpy_and_torch_produce():
    X, W = np.zeros((32, 784)), np.zeros((128, 784))
    assert judge("foundations.1", (X @ W.T).shape).passed
    assert judge("foundations.1", torch.nn.Linear(784, 128)(torch.zeros(32, 784)).shape).passed
    assert judge("foundations.2", (np.zeros((5, 1)) + np.zeros(3)).shape).passed
    assert "W @ X.T" in judge("foundations.1", (W @ X.T).shape).message
    assert judge("foundations.2", [5.5, 3]).message.startswith("a shape is a tuple of whole numbers")


def test_the_silent_bug_answer_is_what_happens():
    y = torch.arange(100.0)
    pred = (y + 1).unsqueeze(1)  # every prediction off by exactly 1: the true MSE is 1
    assert (pred - y).shape == (100, 100)
    assert ((pred.squeeze(1) - y) ** 2).mean().item() == 1.0
    assert ((pred - y) ** 2).mean().item() > 1000  # the broadcast compares every prediction with every target
    assert judge("foundations.3", "C").passed and "broadcast" in judge("foundations.3", "A").message


def test_hand_product_transpose_rule_norms_frobenius():
    assert judge("foundations.4", torch.tensor(A_HAND) @ torch.tensor(B_HAND)).passed
    assert not judge("foundations.4", (A_HAND @ B_HAND).T).passed
    assert "shape (3, 3)" in judge("foundations.4", B_HAND @ A_HAND).message
    A, B = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    assert np.array_equal((A @ B).T, B.T @ A.T) and judge("foundations.5", "B").passed
    norms = [np.linalg.norm(X_NORMS, 1), np.linalg.norm(X_NORMS), np.linalg.norm(X_NORMS, np.inf)]
    assert judge("foundations.6", norms).passed
    assert judge("foundations.6", [11, 49, 6]).message.endswith("the squared 2-norm; take the square root")
    assert "absolute values" in judge("foundations.6", X_NORMS.sum() * np.array([1, 0, 0]) + [0, 7, 6]).message
    assert judge("foundations.7", torch.linalg.matrix_norm(torch.tensor(F_MATRIX)).item()).passed
    assert "square root" in judge("foundations.7", 25).message


def test_parameters_bytes_and_angle_match_torch():
    layer = torch.nn.Linear(784, 128)
    assert judge("foundations.8", sum(p.numel() for p in layer.parameters())).passed
    assert "bias" in judge("foundations.8", 784 * 128).message
    batch = torch.zeros(32, 3, 224, 224, dtype=torch.float32)
    assert judge("foundations.13", batch.numel() * batch.element_size()).passed
    assert "float64" in judge("foundations.13", batch.double().numel() * 8).message
    u, v = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([3.0, 1.0], dtype=torch.float64)
    theta = math.degrees(math.acos(torch.nn.functional.cosine_similarity(u, v, dim=0).item()))
    assert judge("foundations.9", theta).passed
    assert "radians" in judge("foundations.9", math.radians(theta)).message


def test_playground_question_accepts_every_right_vector_and_names_the_first_problem():
    for v in ([-1, 2], [1, -2], np.array([[-1], [2]])):
        assert judge("foundations.12", v).passed
    assert "not perpendicular" in judge("foundations.12", [1, 2]).message
    assert "zero vector" in judge("foundations.12", [0, 0]).message
    w = np.array([-1.0, 2]) * 3 / np.linalg.norm([-1, 2])  # perpendicular with 2-norm 3
    assert "2-norm" in judge("foundations.12", w).message
    assert U_PLAYGROUND @ np.array([-1, 2]) == 0


def test_every_question_has_a_unique_variable_and_there_are_at_least_ten_of_several_kinds():
    qs = questions()
    assert len(qs) >= 10 and len({q.variable for q in qs}) == len(qs)
    assert {q.kind for q in qs} >= {"number", "choice", "array", "function", "free-text"}


# --- matmul with loops -----------------------------------------------------------------------------------------------

def test_cases_include_row_times_column_and_column_times_row_and_fresh_draws():
    for seed in range(20):
        cases = matmul_cases(seed)
        shapes = [(c.args[0].shape, c.args[1].shape) for c in cases]
        assert any(a[0] == 1 and b[1] == 1 and a[1] > 1 for a, b in shapes)  # 1×n times n×1
        assert any(a[1] == 1 and b[0] == 1 and a[0] > 1 for a, b in shapes)  # n×1 times 1×n
        for c in cases:
            assert np.allclose(matmul_loops(*c.args), c.args[0] @ c.args[1])
    assert not np.array_equal(matmul_cases(0)[0].args[0], matmul_cases(1)[0].args[0])


def test_a_loop_answer_passes_on_many_seeds():
    q = question("foundations.10")
    for seed in range(10):
        assert q.judge(q.encode(loop_matmul, np.random.default_rng(seed))).passed


def _defined(source: str):
    """A function defined from source that inspect.getsource can read, as IPython registers a notebook cell."""
    namespace = {"np": np, "torch": torch, "operator": operator}
    filename = f"<foundations-cell-{abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace["matmul"]


@pytest.mark.parametrize("body, reason", [
    ("return A @ B", "the @ operator"),
    ("C = A.copy()\n    C @= B\n    return C", "the @ operator"),
    ("return A.dot(B)", "the method .dot()"),
    ("return A.__matmul__(B)", "the method .__matmul__()"),
    ("return np.matmul(A, B)", "numpy.matmul"),
    ("return np.dot(A, B)", "numpy.dot"),
    ("return np.einsum('ik,kj->ij', A, B)", "numpy.einsum"),
    ("return operator.matmul(A, B)", "matmul()"),
    ("return torch.matmul(torch.tensor(A), torch.tensor(B)).numpy()", "torch.matmul"),
    ("return torch.mm(torch.tensor(A), torch.tensor(B)).numpy()", "torch.mm"),
])
def test_products_are_refused_with_the_reason_in_one_line(body, reason):
    verdict = judge("foundations.10", _defined(f"def matmul(A, B):\n    {body}\n"))
    assert not verdict.passed and reason in verdict.message and "\n" not in verdict.message


def test_a_forbidden_call_hidden_in_a_helper_is_caught_while_it_runs():
    def helper(A, B):
        return np.dot(A, B)

    def matmul(A, B):
        return helper(A, B)  # the source of matmul names no product; the call is caught as it happens

    verdict = judge("foundations.10", matmul)
    assert not verdict.passed and "numpy.dot" in verdict.message


def test_transposed_result_is_diagnosed():
    def matmul(A, B):
        m, n = A.shape
        p = B.shape[1]
        C = np.zeros((p, m))
        for i in range(m):
            for j in range(p):
                C[j, i] = sum(A[i, k] * B[k, j] for k in range(n))
        return C
    message = judge("foundations.10", matmul).message
    assert message.startswith("on random rectangular matrices") and "shape" in message


def test_rows_of_b_instead_of_columns_is_diagnosed():
    def matmul(A, B):
        m, n = A.shape
        C = np.zeros((m, B.shape[0] if B.shape[0] == B.shape[1] else B.shape[1]))
        for i in range(m):
            for j in range(C.shape[1]):
                C[i, j] = sum(A[i, k] * B[j % B.shape[0], k % B.shape[1]] for k in range(n))
        return C
    assert not judge("foundations.10", matmul).passed


def test_screening_a_whole_notebook_blames_only_the_function():
    q = question("foundations.10")
    notebook = "C = A @ B\nx = np.dot(u, v)\n\ndef matmul(A, B):\n    return [[0]]\n"
    assert q.screen_source(notebook) is None
    assert "@" in q.screen_source(notebook + "\ndef matmul(A, B):\n    return A @ B\n")
    assert screen_operators("def f(:", "matmul") is None  # does not parse: left to the run-time guard


def test_check_in_a_script_says_passed_and_not_answered():
    assert str(check("foundations.3", "C")) == "✅ foundations.3 passed"
    assert str(check("foundations.10", ...)) == "… foundations.10: not answered yet"


# --- grading ---------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_grader_gives_no_point_to_a_matmul_with_the_at_operator(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "01-foundations.ipynb", as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("lalib", {}) == {"schema": 1, "question": "foundations.10",
                                                                           "role": "answer"})
    answer.source = "def matmul(A, B):\n    return A @ B\n"
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(nb, subs / "carol.ipynb")
    done = subprocess.run([sys.executable, "-m", "lalib", "grade", str(subs), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    header, row = rows[0].split(","), rows[1].split(",")
    record = dict(zip(header, row))
    assert record["foundations.10"] == "0" and record["foundations.4"] == "1"


# --- the grader and the notebook agree (the contract of tests/test_checks_contract.py, for this bank) -----------------

def _grader_verdict(qid: str, answer, seed: int):
    import json

    from lalib import checks
    from lalib.grading import scoring
    from lalib.grading.runner import _plain

    data = question(qid).encode(answer, np.random.default_rng(seed))
    line = json.dumps({"type": "answer", "question": qid, "data": _plain(data)}, allow_nan=False)
    answers, _errors, _end = scoring.parse_lines([line], [qid])
    decoded = scoring.decode(answers[qid])
    verdict = scoring.validate(qid, decoded, seed)
    return verdict if verdict is not None else checks.judge_data(qid, decoded, reveal_expected=False)


def test_samples_cover_every_question():
    assert set(FOUNDATIONS_SAMPLES) == {q.id for q in questions()}


@pytest.mark.parametrize("qid", sorted(FOUNDATIONS_SAMPLES))
def test_grader_and_notebook_agree(qid):
    right, wrong = FOUNDATIONS_SAMPLES[qid]
    for i, answer in enumerate(right + wrong):
        seed = 100 + i
        graded = _grader_verdict(qid, answer, seed)
        q = question(qid)
        local = q.judge(q.encode(answer, np.random.default_rng(seed)), reveal_expected=False)
        assert (graded.passed, graded.status) == (local.passed, local.status), (answer, graded, local)
        if q.kind == "free-text":
            assert graded.status == ("recorded" if i < len(right) else "unanswered"), (answer, graded)
        else:
            assert graded.passed == (i < len(right)), (answer, graded)
