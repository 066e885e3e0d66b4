"""Score a submission in the grader's own process, from plain data only.

The lines a sandboxed notebook sent are untrusted text. They are parsed as
JSON with ``NaN``/``Infinity`` refused, arrays rebuilt from tagged lists as
float64 (nothing is ever unpickled), every record is checked against the
shape its question kind produces, the seed of a function question must be the
one the grader chose, and only then does :func:`lalib.checks.judge_data`
judge it. Anything malformed, forged or surprising scores zero for that
question, never more.

The last record of each question counts: the student's final answer.

:func:`parse_lines` keeps each answer as the plain JSON it arrived as
(cleaned and size-capped): that is what the results store keeps, so that the
answers are judged afresh, by the current question bank, on every run.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field

import numpy as np

from lalib.checks import question
from lalib.checks.questions import PASSED, RECORDED, UNANSWERED, Verdict

__all__ = ["QuestionResult", "Graded", "STATUSES", "expected_seed", "seeds_for", "parse_lines", "decode",
           "clean_text", "validate", "score"]

#: Statuses of a submission, most serious first; a submission shows the first that applies.
STATUSES = ("invalid notebook", "grader error", "timeout", "memory", "processes", "crashed",
            "check cells changed", "ok")
MAX_ELEMENTS = 1_000_000
MAX_TEXT = 100_000
MALFORMED = "the answer record is malformed"
MAX_ANSWER_CHARS = 1 << 20   # a larger answer record is kept as "too large", not stored
MAX_ERRORS = 50              # cell errors kept per submission (the rest are counted)
MAX_INT = 2**63              # a larger integer is no answer to any question here
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class QuestionResult:
    """One question's outcome: points (None while a free-text answer awaits the instructor)."""

    question: str
    points: float | None
    max_points: float
    status: str
    message: str
    answer_text: str = ""      # free text, for free_response.csv
    fingerprint: str = ""      # hash of the plain answer, to spot identical answers


@dataclass
class Graded:
    """Everything the reports need about one graded submission (stored as JSON)."""

    student: str
    name: str
    sha256: str
    assignment: str
    status: str
    detail: str = ""
    questions: dict = field(default_factory=dict)   # question id -> QuestionResult as dict
    errors: list = field(default_factory=list)      # one line per cell that raised
    notes: list = field(default_factory=list)
    output_head: str = ""
    output_bytes: int = 0

    @property
    def total(self) -> float:
        return float(sum(q["points"] or 0 for q in self.questions.values()))

    @property
    def max(self) -> float:
        return float(sum(q["max_points"] for q in self.questions.values()))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Graded:
        return cls(**data)


def seeds_for(master: int, key: str, questions: list[str]) -> dict[str, int]:
    """The generator seed for each question of one submission, from the grader's master seed.

    Examples
    --------
    >>> seeds_for(1, "abc", ["rank.11"]) == seeds_for(1, "abc", ["rank.11"])
    True
    >>> seeds_for(1, "abc", ["rank.11"]) != seeds_for(2, "abc", ["rank.11"])
    True
    """
    out = {}
    for qid in questions:
        digest = hashlib.sha256(f"{master}:{key}:{qid}".encode()).digest()
        out[qid] = int.from_bytes(digest[:8], "big") >> 1
    return out


def expected_seed(seed: int) -> int:
    """The seed a function question records when encoded with ``default_rng(seed)``."""
    return int(np.random.default_rng(seed).integers(0, 2**63 - 1))


def _no_constants(name):
    raise ValueError(f"{name} is not allowed")


def _decode(value, depth: int = 0):
    """Plain JSON values back into answer data; tagged lists become float64 arrays."""
    if depth > 8:
        raise ValueError("too deeply nested")
    if isinstance(value, bool):
        raise ValueError("a true/false value where none belongs")
    if isinstance(value, int) and abs(value) >= MAX_INT:
        raise ValueError("integer too large")
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValueError("text too long")
        return value
    if isinstance(value, list):
        if len(value) > MAX_ELEMENTS:
            raise ValueError("list too long")
        return [_decode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            spec = value["__ndarray__"]
            shape, data = spec.get("shape"), spec.get("data")
            if (not isinstance(shape, list) or len(shape) > 4
                    or not all(isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= MAX_ELEMENTS
                               for s in shape)
                    or not isinstance(data, list) or len(data) > MAX_ELEMENTS or math.prod(shape) != len(data)
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                               and not (isinstance(x, int) and abs(x) >= MAX_INT) for x in data)):
                raise ValueError("malformed array")
            return np.array(data, dtype=np.float64).reshape(shape)
        return {str(k): _decode(v, depth + 1) for k, v in value.items()}
    raise ValueError("unexpected value")


def clean_text(text, limit: int = MAX_TEXT) -> str:
    """Untrusted text made safe to store and write: lone surrogates replaced, length capped.

    Examples
    --------
    >>> clean_text("ok\\ud800!") == "ok\\ufffd!"
    True
    >>> clean_text("x" * 10, limit=4)
    'xxxx'
    >>> clean_text(["not", "text"])
    ''
    """
    if not isinstance(text, str):
        return ""
    return _SURROGATE.sub("\ufffd", text[:limit])


def _clean(value, depth: int = 0):
    """Every string inside a plain JSON value cleaned (see :func:`clean_text`)."""
    if depth > 10:
        raise ValueError("too deeply nested")
    if isinstance(value, str):
        return clean_text(value, MAX_ANSWER_CHARS)
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k), 200): _clean(v, depth + 1) for k, v in value.items()}
    return value


def _too_large(n: int) -> dict:
    return {"status": "invalid", "message": f"the answer is too large to record ({n:,} characters)"}


def parse_lines(lines: list[str], question_ids: list[str]) -> tuple[dict, list, dict]:
    """Untrusted lines -> (last plain answer per question, cell errors, end-of-run info).

    The answers stay plain JSON values (see :func:`decode`), every string in
    them is cleaned, and each is at most ``MAX_ANSWER_CHARS`` long: all three
    parts can be stored and written as they are. ``end["internal"]`` is set
    only by a runner failure reported *before* any student code ran (a line
    that comes later may be forged by the student).

    Examples
    --------
    >>> parse_lines(['{"type": "answer", "question": "q.1", "data": {"status": "unanswered"}}', "junk"], ["q.1"])
    ({'q.1': {'status': 'unanswered'}}, [], {})
    """
    answers, errors, end = {}, [], {}
    started = False
    n_errors = 0
    for line in lines:
        if not isinstance(line, str):
            continue
        try:
            message = json.loads(line, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            continue
        if not isinstance(message, dict):
            continue
        kind = message.get("type")
        qid = message.get("question")
        if kind == "cell":
            started = True
        elif kind == "answer" and isinstance(qid, str) and qid in question_ids:
            if len(line) > MAX_ANSWER_CHARS:
                answers[qid] = _too_large(len(line))
                continue
            try:
                answers[qid] = _clean(message.get("data"))
            except (ValueError, TypeError, RecursionError):
                answers[qid] = {"status": "invalid", "message": MALFORMED}
        elif kind == "error" and isinstance(message.get("error"), str):
            n_errors += 1
            if len(errors) < MAX_ERRORS:
                limit = message.get("limit") if message.get("limit") in ("timeout", "memory", "processes") else ""
                index = message.get("index")
                index = index if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < 10**6 else -1
                errors.append({"cell": index, "error": clean_text(message["error"], 300), "limit": limit})
        elif kind == "done":
            n = message.get("output_bytes")
            end["output_bytes"] = n if isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**62 else 0
            end["output"] = clean_text(message.get("output"), 4096)
        elif kind == "internal" and not started:
            end["internal"] = clean_text(str(message.get("error")), 300)
    if n_errors > len(errors):
        end["more_errors"] = n_errors - len(errors)
    return answers, errors, end


def decode(data):
    """A stored plain answer record as the data a question judges, or a malformed-record marker.

    Examples
    --------
    >>> decode({"status": "answered", "value": {"__ndarray__": {"shape": [2], "data": [1, 2]}}})["value"]
    array([1., 2.])
    >>> decode({"status": "answered", "value": 10**30})["status"]
    'invalid'
    """
    try:
        return _decode(data)
    except (ValueError, TypeError, RecursionError, OverflowError, MemoryError):
        return {"status": "invalid", "message": MALFORMED}


def validate(qid: str, data, seed: int | None = None, variant: int | None = None) -> Verdict | None:
    """None when ``data`` has exactly the shape ``qid``'s kind encodes, else the zero verdict (the kind decides)."""
    return question(qid, variant).validate(data, seed)


def _fingerprint(data) -> str:
    if not isinstance(data, dict) or data.get("status") != "answered":
        return ""
    value = data["value"]
    if isinstance(value, dict):  # function outputs depend on the submission's own seed
        return ""
    if isinstance(value, np.ndarray):
        value = [list(value.shape), np.round(value, 9).ravel().tolist()]
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def score(qid: str, data, seed: int | None, missing_reason: str = "", not_reached: str = "",
          variant: int | None = None) -> QuestionResult:
    """Judge one question's data (see :func:`decode`); any surprise is a zero with a reason.

    ``variant`` is the student's own variant seed (the grader's, never the notebook's): the answer is
    judged against that variant's numbers.

    Examples
    --------
    >>> score("rank.1", {"status": "answered", "value": 4.0}, None).status
    'passed'
    >>> score("rank.1", {"status": "answered", "value": [[[]]]}, None).message
    'the answer record is malformed'
    """
    q = question(qid, variant)
    if missing_reason:
        return QuestionResult(qid, 0.0, q.points, "failed", missing_reason)
    if data is None and not_reached:
        return QuestionResult(qid, 0.0, q.points, UNANSWERED, not_reached)
    try:
        verdict = q.validate(data, seed)
        if verdict is None:
            verdict = q.judge(data, reveal_expected=False)
        points = q.points if verdict.status == PASSED else None if verdict.status == RECORDED else 0.0
        text = data["value"] if q.kind == "free-text" and verdict.status == RECORDED else ""
        return QuestionResult(qid, points, q.points, verdict.status, clean_text(verdict.message, 2000),
                              clean_text(text), _fingerprint(data))
    except Exception as exc:  # noqa: BLE001 - hostile data can only cost the student this question
        return QuestionResult(qid, 0.0, q.points, "failed", f"the answer could not be judged ({type(exc).__name__})")
