"""The results store in ``DIR/.grading``: what makes a run resumable.

One JSON file per sandboxed *run* of a submission, written atomically the
moment it is known, holding what the run produced: the student's answers as
plain data, the cell errors, the outcome. Its name is a hash of everything
that can change what the run produces (the notebook's bytes, lalib's version,
the source of the question bank and of the sandbox's runner, the exercise
set, the limits, the seed). Verdicts are *not* stored: every run judges the
stored answers afresh with the current question bank, so fixing a question
and regrading into the same folder gives the new verdicts. A failure of the
grader itself is never stored. Records are renamed into place whole but not
forced to disk one by one: a power cut can cost re-running the last ones,
never a wrong grade.

A killed grader loses nothing it finished; a re-run skips every unchanged,
already run submission.

The master seed of the hidden test inputs is an instructor secret kept in a
file outside the output folder (:func:`load_secret`, ``lalib init``), so
that shards graded at the same time on several machines agree.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

import lalib

__all__ = ["atomic_write", "Store", "bank_hash", "default_secret_path", "create_secret", "load_secret",
           "SecretError"]

SECRET_ENV = "LALIB_GRADING_SECRET"


class SecretError(ValueError):
    """The grading secret is missing or unreadable; the message says what to do."""


def default_secret_path() -> Path:
    """Where the instructor's grading secret lives unless ``--secret`` or ``$LALIB_GRADING_SECRET`` says.

    Examples
    --------
    >>> default_secret_path().name
    'grading-secret.json'
    """
    if os.environ.get(SECRET_ENV):
        return Path(os.environ[SECRET_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "lalib" / "grading-secret.json"


def create_secret(path: str | Path) -> int:
    """Create a new grading secret at ``path`` (mode 0600); never overwrites one.

    Returns
    -------
    int
        The master seed.

    Raises
    ------
    FileExistsError
        If ``path`` already exists (delete it yourself to start over: every
        function question of an earlier run would then be tested afresh).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "secret.json"
    >>> create_secret(p) == load_secret(p)
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = secrets.randbits(62)
    # O_EXCL: two shards creating the secret at once cannot both win.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"lalib_grading_secret": 1, "seed": seed}) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return seed


def load_secret(path: str | Path) -> int:
    """The master seed kept in a grading-secret file.

    Raises
    ------
    SecretError
        If the file is missing or is not a grading secret.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        seed = data["seed"]
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError
        return seed
    except FileNotFoundError:
        raise SecretError(f"no grading secret at {path}: create one with `lalib init --secret {path}`") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise SecretError(f"{path} is not a grading secret (expected a file written by `lalib init`)") from None


def obtain_secret(path: str | Path | None, announce=None) -> tuple[int, Path]:
    """The master seed from ``path`` (default :func:`default_secret_path`), created there on first use.

    ``announce(text)`` is called with a loud message when a new secret is created.
    """
    path = Path(path) if path else default_secret_path()
    try:
        return load_secret(path), path
    except SecretError:
        if path.exists():
            raise
    try:
        seed = create_secret(path)
    except FileExistsError:  # another shard created it a moment ago
        return load_secret(path), path
    (announce or (lambda text: print(text, file=sys.stderr)))(
        f"lalib grade: created a NEW grading secret at {path}\n"
        "  It seeds the hidden test inputs. Keep it: regrading with another secret tests every function\n"
        "  question afresh. Shards of one class graded on several machines must all use this same file\n"
        f"  (copy it, then pass --secret FILE or set ${SECRET_ENV}).")
    return seed, path


def bank_hash(prefixes=None) -> str:
    """Hash of the source of what decides a run's records: the question bank and the sandbox's runner.

    Parameters
    ----------
    prefixes : iterable of str, optional
        The banks an exercise set uses (``{"rank"}``): other banks' modules are left out, so editing
        one chapter's questions does not run every other chapter's notebooks again.

    Examples
    --------
    >>> len(bank_hash()), bank_hash({"rank"}) == bank_hash({"rank"})
    (16, True)
    """
    root = Path(lalib.__file__).resolve().parent
    files = sorted((root / "checks").rglob("*.py")) + [root / "grading" / "runner.py"]
    if prefixes is not None:
        try:
            from lalib.checks import BANKS
        except ImportError:  # pragma: no cover - an older bank layout: hash everything
            BANKS = {}
        others = {root / "checks" / (module.rsplit(".", 1)[-1] + ".py")
                  for prefix, module in BANKS.items() if prefix not in set(prefixes)}
        files = [f for f in files if f not in others]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def atomic_write(path: Path, text: str, sync: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of one.

    ``sync=False`` skips forcing the data to disk before the rename (a
    synchronous disk write, about 10 ms here): a killed process still leaves
    the old file or the new one, but after a power cut the file may be empty.
    Use it only for files whose loss costs nothing but time (the store's run
    records, which are then simply run again).

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
        # errors="replace": a lone surrogate that slipped through costs one character, not the file
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="") as fh:
            fh.write(text)
            if sync:
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

    def check_secret(self, seed: int) -> str | None:
        """Remember which secret this folder is graded with; a warning when it changed."""
        path = self.root / "secret-id.json"
        ident = hashlib.sha256(f"lalib-secret:{seed}".encode()).hexdigest()[:16]
        try:
            before = json.loads(path.read_text(encoding="utf-8")).get("id")
        except (OSError, ValueError, AttributeError):
            before = None
        atomic_write(path, json.dumps({"id": ident}))
        if before and before != ident:
            return ("this folder was graded with another grading secret: every submission is run again with "
                    "new hidden inputs")
        return None

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
        # Not forced to disk: a record is a cache of a run. After a power cut a record is whole or
        # unreadable, and an unreadable one is run again (``get`` returns None); a disk write per
        # notebook would cost the grader more than many notebooks' own run.
        atomic_write(self.root / "results" / f"{key}.json", json.dumps(result), sync=False)

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
