"""Score a submission in the grader's own process, from plain data only.

The lines a sandboxed notebook sent are untrusted text. They are parsed as
JSON with ``NaN``/``Infinity`` refused, arrays rebuilt from tagged lists as
float64 (nothing is ever unpickled), every record is checked against the
shape its question kind produces, the seed of a function question must be the
one the grader chose, and only then does :func:`lalib.checks.judge_data`
judge it. Anything malformed, forged or surprising scores zero for that
question, never more.

The last record of each question counts: the student's final answer.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from lalib.checks import QUESTIONS, judge_data
from lalib.checks.questions import PASSED, RECORDED, UNANSWERED, Verdict

__all__ = ["QuestionResult", "Graded", "STATUSES", "expected_seed", "seeds_for", "parse_lines", "validate",
           "score"]

#: Statuses of a submission, most serious first; a submission shows the first that applies.
STATUSES = ("invalid notebook", "grader error", "timeout", "memory", "processes", "crashed",
            "check cells changed", "ok")
MAX_ELEMENTS = 1_000_000
MAX_TEXT = 100_000
MALFORMED = "the answer record is malformed"


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
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in data)):
                raise ValueError("malformed array")
            return np.array(data, dtype=np.float64).reshape(shape)
        return {str(k): _decode(v, depth + 1) for k, v in value.items()}
    raise ValueError("unexpected value")


def parse_lines(lines: list[str], question_ids: list[str]) -> tuple[dict, list, dict]:
    """Untrusted lines -> (last answer data per question, cell errors, end-of-run info)."""
    answers, errors, end = {}, [], {}
    for line in lines:
        try:
            message = json.loads(line, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            continue
        if not isinstance(message, dict):
            continue
        kind = message.get("type")
        if kind == "answer" and message.get("question") in question_ids:
            try:
                answers[message["question"]] = _decode(message.get("data"))
            except (ValueError, TypeError, RecursionError):
                answers[message["question"]] = None  # malformed: judged as such
        elif kind == "error" and isinstance(message.get("error"), str):
            limit = message.get("limit") if message.get("limit") in ("timeout", "memory", "processes") else ""
            index = message.get("index") if isinstance(message.get("index"), int) else -1
            errors.append({"cell": index, "error": message["error"][:300], "limit": limit})
        elif kind == "done":
            end["output_bytes"] = message.get("output_bytes") if isinstance(message.get("output_bytes"), int) else 0
            end["output"] = message.get("output")[:4096] if isinstance(message.get("output"), str) else ""
        elif kind == "internal":
            end["internal"] = str(message.get("error"))[:300]
    return answers, errors, end


def validate(qid: str, data, seed: int | None = None) -> Verdict | None:
    """None when ``data`` has exactly the shape ``qid``'s kind encodes, else the zero verdict (the kind decides)."""
    return QUESTIONS[qid].validate(data, seed)


def _fingerprint(data) -> str:
    if not isinstance(data, dict) or data.get("status") != "answered":
        return ""
    value = data["value"]
    if isinstance(value, dict):  # function outputs depend on the submission's own seed
        return ""
    if isinstance(value, np.ndarray):
        value = [list(value.shape), np.round(value, 9).ravel().tolist()]
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def score(qid: str, data, seed: int | None, missing_reason: str = "", not_reached: str = "") -> QuestionResult:
    """Judge one question's (validated) data; any surprise is a zero with a reason."""
    q = QUESTIONS[qid]
    if missing_reason:
        return QuestionResult(qid, 0.0, q.points, "failed", missing_reason)
    if data is None and not_reached:
        return QuestionResult(qid, 0.0, q.points, UNANSWERED, not_reached)
    verdict = validate(qid, data, seed)
    if verdict is None:
        try:
            verdict = judge_data(qid, data, reveal_expected=False)
        except Exception as exc:  # noqa: BLE001 - hostile data can only cost the student this question
            verdict = Verdict(False, f"the answer could not be judged ({type(exc).__name__})")
    points = q.points if verdict.status == PASSED else None if verdict.status == RECORDED else 0.0
    text = data["value"] if q.kind == "free-text" and verdict.status == RECORDED else ""
    return QuestionResult(qid, points, q.points, verdict.status, verdict.message, text, _fingerprint(data))
