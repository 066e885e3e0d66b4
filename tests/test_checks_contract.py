"""One contract over every registered question: the grader's verdict is the notebook's verdict.

For each question of every bank, right and wrong answers go through the two
paths a real answer takes:

* the notebook: ``check(qid, answer)``;
* the grader: ``encode`` in the "sandbox" with a seeded generator, the
  runner's JSON encoder, the grader's line parser and decoder, the question's
  ``validate`` (through ``grading.scoring.validate``, with the seed) and
  ``judge`` with ``reveal_expected=False``.

Both must give the same verdict. The answers come from one module per bank,
``tests/check_samples/<prefix>.py`` for every prefix in ``lalib.checks.BANKS``,
defining ``SAMPLES = {qid: ([right answers], [wrong answers])}`` for every
question of that bank: a new exercise set is covered by adding that one file,
and a bank without it (or a question without samples) fails here by name. A new
question kind, or a subclass, is covered as soon as a bank uses it.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from lalib import checks
from lalib.checks import check, question
from lalib.checks.compare import up_to_column_signs
from lalib.checks.questions import Array, Case, Function
from lalib.checks.rank import eliminate
from lalib.grading import scoring
from lalib.grading.runner import _plain

SAMPLES_DIR = Path(__file__).resolve().parent / "check_samples"


def _samples_file(prefix: str) -> str:
    return f"tests/check_samples/{prefix}.py"


def load_samples(prefix: str) -> dict:
    """``check_samples.<prefix>.SAMPLES``: qid -> (right answers, wrong answers) for one bank.

    Raises LookupError, naming the file to add or fix, when there is none.
    """
    if not (SAMPLES_DIR / f"{prefix}.py").is_file():
        raise LookupError(f"the bank {prefix!r} ({checks.BANKS[prefix]}) has no samples: add "
                          f"{_samples_file(prefix)} defining SAMPLES = {{qid: ([right answers], [wrong answers])}} "
                          "for every question of the bank (see tests/check_samples/__init__.py)")
    module = importlib.import_module(f"check_samples.{prefix}")
    samples = getattr(module, "SAMPLES", None)
    if not isinstance(samples, dict):
        raise LookupError(f"{_samples_file(prefix)} must define SAMPLES, a dict qid -> (right answers, wrong answers)")
    return samples


def _collect() -> tuple[dict, dict]:
    """Every bank's samples by qid, and why a bank's samples could not be read (reported by a test, not here)."""
    samples, problems = {}, {}
    for prefix in checks.BANKS:
        try:
            samples.update(load_samples(prefix))
        except Exception as exc:  # a missing or broken samples module fails its bank's test, not the collection
            problems[prefix] = f"{type(exc).__name__}: {exc}"
    return samples, problems


# qid -> (right answers, wrong answers), for every registered bank (tests/check_samples/<prefix>.py).
SAMPLES, SAMPLE_PROBLEMS = _collect()


def grader_verdict(qid: str, answer, seed: int):
    """The verdict the grader reaches, through exactly the code it uses."""
    data = question(qid).encode(answer, np.random.default_rng(seed))  # in the sandbox
    line = json.dumps({"type": "answer", "question": qid, "data": _plain(data)}, allow_nan=False)
    answers, _errors, _end = scoring.parse_lines([line], [qid])
    decoded = scoring.decode(answers[qid])
    verdict = scoring.validate(qid, decoded, seed)
    return verdict if verdict is not None else checks.judge_data(qid, decoded, reveal_expected=False)


def notebook_verdict(qid: str, answer, seed: int):
    """``check``'s verdict; a function question judged on the grader's inputs, with hidden outputs."""
    q = question(qid)
    if q.kind == "function":
        assert check(qid, answer).status == q.judge(q.encode(answer, np.random.default_rng(seed))).status
        return q.judge(q.encode(answer, np.random.default_rng(seed)), reveal_expected=False)
    return check(qid, answer).verdict


@pytest.mark.parametrize("prefix", list(checks.BANKS))
def test_every_registered_question_has_right_and_wrong_samples(prefix):
    assert prefix not in SAMPLE_PROBLEMS, SAMPLE_PROBLEMS.get(prefix)
    samples = load_samples(prefix)
    questions = set(checks.bank(prefix))
    missing = sorted(questions - set(samples), key=_by_number)
    extra = sorted(set(samples) - questions, key=_by_number)
    assert not missing, f"{_samples_file(prefix)} has no samples for {', '.join(missing)}"
    assert not extra, f"{_samples_file(prefix)} has samples for {', '.join(extra)}, which the bank does not define"
    for qid, entry in samples.items():
        assert isinstance(entry, tuple) and len(entry) == 2, f"{_samples_file(prefix)}: SAMPLES[{qid!r}] must be " \
                                                             "(right answers, wrong answers)"
        right, wrong = entry
        assert right and wrong, f"{_samples_file(prefix)}: {qid} needs at least one right and one wrong answer"


def test_every_samples_module_belongs_to_a_registered_bank():
    stale = sorted(p.name for p in SAMPLES_DIR.glob("*.py") if p.stem != "__init__" and p.stem not in checks.BANKS)
    assert not stale, f"tests/check_samples has {', '.join(stale)}, for no bank in lalib.checks.BANKS"


def _by_number(qid: str):
    prefix, _, number = qid.partition(".")
    return (prefix, int(number)) if number.isdigit() else (prefix, 0, number)


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_grader_and_notebook_agree_on_right_answers(qid):
    for i, answer in enumerate(SAMPLES[qid][0]):
        verdict = grader_verdict(qid, answer, seed=100 + i)
        assert verdict == notebook_verdict(qid, answer, seed=100 + i)
        assert verdict.status in ("passed", "recorded"), (answer, verdict)


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_grader_and_notebook_agree_on_wrong_answers(qid):
    for i, answer in enumerate(SAMPLES[qid][1]):
        verdict = grader_verdict(qid, answer, seed=200 + i)
        assert verdict == notebook_verdict(qid, answer, seed=200 + i)
        assert verdict.status in ("failed", "unanswered"), (answer, verdict)


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_unanswered_is_unanswered_on_both_sides(qid):
    assert grader_verdict(qid, ..., 1) == notebook_verdict(qid, ..., 1)
    assert grader_verdict(qid, ..., 1).status == "unanswered"


def test_a_forged_seed_scores_zero_in_the_grader_only():
    data = question("rank.11").encode(eliminate, np.random.default_rng(5))
    assert scoring.validate("rank.11", data, 5) is None
    assert "tampered" in scoring.validate("rank.11", data, 6).message


# --- a bank with new kinds, registered for the test: it must grade identically too -----

class Column(Array):
    """An Array subclass with its own kind name: the grader must not need to know it."""

    kind = "column"


def _normalized_columns(A):
    return A / np.linalg.norm(A, axis=0)


def _demo_cases(seed):
    rng = np.random.default_rng(seed)
    return [Case((rng.standard_normal((3, 2)),), "a 3×2 random matrix"),
            Case((rng.standard_normal((4, 4)),), "a 4×4 random matrix")]


def _demo_questions(variant=None):
    return (
        Column("demo.1", variable="v", shape=(2,), expected=[1, 2]),
        Function("demo.2", variable="unit", function_name="unit", make_cases=_demo_cases,
                 reference=_normalized_columns, output="array", compare=up_to_column_signs()),
    )


@pytest.fixture
def demo_bank(monkeypatch):
    module = types.ModuleType("lalib_demo_bank")
    module.questions = _demo_questions
    monkeypatch.setitem(sys.modules, "lalib_demo_bank", module)
    monkeypatch.setattr(checks, "BANKS", {**checks.BANKS, "demo": "lalib_demo_bank"})
    checks.bank.cache_clear()
    yield
    checks.bank.cache_clear()


@pytest.mark.parametrize("qid, answer, passed", [
    ("demo.1", [1, 2], True),
    ("demo.1", [[1], [2]], True),
    ("demo.1", [1, 3], False),
    ("demo.2", _normalized_columns, True),
    ("demo.2", lambda A: -_normalized_columns(A), True),          # signs are free
    ("demo.2", lambda A: A, False),
    ("demo.2", lambda A: _normalized_columns(A)[:, :1], False),   # wrong shape
])
def test_new_kinds_and_array_outputs_grade_identically(demo_bank, qid, answer, passed):
    verdict = grader_verdict(qid, answer, seed=3)
    assert verdict == notebook_verdict(qid, answer, seed=3)
    assert verdict.passed is passed, verdict
