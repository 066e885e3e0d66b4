"""Collect submissions from a folder or an LMS zip, and name each one's student.

Canvas names a downloaded submission ``doe_jane_12345_6789_03-rank.ipynb``
(name, user id, submission id, the file's own name; ``_LATE`` after the name
when late). The student is read from the file name with a regular expression
whose named group ``student`` (plus ``id`` when present) names the row; a name
it does not match keeps its stem. Names are made unique (``doe_jane_12345-2``
for a second file) and safe as file names; content is never trusted.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Submission", "DEFAULT_ID_PATTERN", "student_of", "collect"]

#: Canvas: ``doe_jane_12345_6789_03-rank.ipynb`` and ``doe_jane_LATE_12345_6789_03-rank.ipynb``.
DEFAULT_ID_PATTERN = r"^(?P<student>.+?)(?:_late)?_(?P<id>\d+)_\d+_"
MAX_BYTES = 20 << 20  # a larger "notebook" is reported, not read


@dataclass(frozen=True)
class Submission:
    """One submitted file.

    Attributes
    ----------
    student : str
        Unique, file-name-safe key of the row (``doe_jane_12345``).
    name : str
        The file's name as submitted (for people to read).
    data : bytes
        Its content (empty when it was too large to read; see ``problem``).
    sha256 : str
        Hex digest of the content: the key results are stored under.
    problem : str
        Why the file could not be read, or empty.
    """

    student: str
    name: str
    data: bytes
    sha256: str
    problem: str = ""


def _safe(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w.\-]+", "_", text).strip("._") or "student"
    return text[:120]


def student_of(file_name: str, pattern: str = DEFAULT_ID_PATTERN) -> str:
    """The student key a file name gives, before making it unique.

    Examples
    --------
    >>> student_of("doe_jane_12345_6789_03-rank.ipynb")
    'doe_jane_12345'
    >>> student_of("doe_jane_LATE_12345_6789_03-rank.ipynb")
    'doe_jane_12345'
    >>> student_of("alice.ipynb")
    'alice'
    >>> student_of("s1234-rank.ipynb", r"^(?P<student>s\\d+)")
    's1234'
    """
    stem = file_name[:-6] if file_name.lower().endswith(".ipynb") else file_name
    match = re.search(pattern, file_name, flags=re.IGNORECASE)
    if match and match.groupdict().get("student"):
        groups = match.groupdict()
        key = groups["student"] + (f"_{groups['id']}" if groups.get("id") else "")
        return _safe(key)
    return _safe(stem)


def _decoded(name: str | bytes) -> str:
    """A file name as readable text, whatever its encoding on disk."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _from_folder(folder: Path) -> Iterable[tuple[str, bytes, str]]:
    for root, dirs, files in os.walk(os.fsencode(folder)):
        dirs[:] = sorted(d for d in dirs if not d.startswith(b".") and d != b"__MACOSX")
        for f in sorted(files):
            if f.startswith(b".") or not f.lower().endswith(b".ipynb"):
                continue
            path = os.path.join(root, f)
            size = os.path.getsize(path)
            if size > MAX_BYTES:
                yield _decoded(f), b"", f"the file is {size >> 20} MB, larger than a notebook can be"
            else:
                with open(path, "rb") as fh:
                    yield _decoded(f), fh.read(), ""


def _from_zip(path: Path) -> Iterable[tuple[str, bytes, str]]:
    with zipfile.ZipFile(path) as z:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            name = info.filename
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or "__MACOSX" in name or base.startswith(".") or not base.lower().endswith(".ipynb"):
                continue
            if info.file_size > MAX_BYTES:
                yield base, b"", f"the file is {info.file_size >> 20} MB, larger than a notebook can be"
                continue
            with z.open(info) as fh:
                data = fh.read(MAX_BYTES + 1)  # never trust the declared size
            if len(data) > MAX_BYTES:
                yield base, b"", "the file is larger than a notebook can be"
            else:
                yield base, data, ""


def collect(source: str | Path, id_pattern: str = DEFAULT_ID_PATTERN) -> list[Submission]:
    """Every ``.ipynb`` in a folder (recursively) or an LMS zip, with unique student keys.

    Parameters
    ----------
    source : path
        A folder of notebooks, or a ``.zip`` file.
    id_pattern : str
        Regular expression with a named group ``student`` (and optionally ``id``).

    Returns
    -------
    list of Submission
        Sorted by file name.

    Raises
    ------
    FileNotFoundError
        If ``source`` does not exist.
    ValueError
        If it is neither a folder nor a zip file, or the pattern is invalid.
    """
    source = Path(source)
    try:
        re.compile(id_pattern)
    except re.error as exc:
        raise ValueError(f"--id-pattern {id_pattern!r} is not a valid regular expression: {exc}") from None
    if not source.exists():
        raise FileNotFoundError(f"submissions {str(source)!r} do not exist")
    if source.is_dir():
        files = list(_from_folder(source))
    elif zipfile.is_zipfile(source):
        files = list(_from_zip(source))
    else:
        raise ValueError(f"submissions {str(source)!r} must be a folder of notebooks or a .zip file")
    taken: dict[str, int] = {}
    out = []
    for name, data, problem in sorted(files, key=lambda f: f[0]):
        key = student_of(name, id_pattern)
        taken[key] = taken.get(key, 0) + 1
        if taken[key] > 1:
            key = f"{key}-{taken[key]}"
        out.append(Submission(key, name, data, hashlib.sha256(data).hexdigest(), problem))
    return out
