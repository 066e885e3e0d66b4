"""The results store in ``DIR/.grading``: what makes a run resumable.

One JSON file per graded submission, named by the submission's content hash
and the grading configuration, written atomically the moment it is scored.
A killed grader loses nothing it finished; a re-run skips every unchanged,
already graded submission. The master seed is kept here too, so that a
resumed run tests functions on the same inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "Store"]


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(p, "hello"); p.read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Store:
    """Graded results and grading state kept under ``out/.grading``."""

    def __init__(self, out: Path):
        self.root = Path(out) / ".grading"
        (self.root / "results").mkdir(parents=True, exist_ok=True)

    def seed(self, requested: int | None) -> int:
        """The master seed: the one requested, else the one this folder already used, else a fresh one."""
        path = self.root / "seed.json"
        if requested is None and path.exists():
            return int(json.loads(path.read_text())["seed"])
        seed = secrets.randbits(62) if requested is None else int(requested)
        atomic_write(path, json.dumps({"seed": seed}))
        return seed

    @staticmethod
    def key(sha256: str, config: dict) -> str:
        """Results are reused only for the same bytes graded the same way."""
        digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]
        return f"{sha256}-{digest}"

    def get(self, key: str) -> dict | None:
        path = self.root / "results" / f"{key}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, result: dict) -> None:
        atomic_write(self.root / "results" / f"{key}.json", json.dumps(result))

    def manual_scores(self) -> dict:
        """Instructor scores for free-text answers: ``{student: {question: points}}``."""
        path = self.root / "manual_scores.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def save_manual_scores(self, scores: dict) -> None:
        atomic_write(self.root / "manual_scores.json", json.dumps(scores, indent=1, sort_keys=True))

    def last_run(self) -> dict | None:
        """The roster of the last run (what merging instructor scores reads), if any."""
        path = self.root / "last_run.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def save_last_run(self, roster: dict) -> None:
        atomic_write(self.root / "last_run.json", json.dumps(roster))
