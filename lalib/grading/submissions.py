"""Collect submissions from a folder or an LMS zip, and name each one's student.

The student is read from the names the LMS gives (the content is never trusted):

* Canvas: ``doejane_12345_6789_03-rank.ipynb`` (name, user id, submission id,
  the file's own name), ``doejane_LATE_12345_6789_...`` when late, and
  ``anon_<id>_6789_...`` (or ``anonymous_<id>_...``) under anonymous grading;
* Moodle: ``Jane Doe_123456_assignsubmission_file_03-rank.ipynb`` (a flat
  download) or the folder ``Jane Doe_123456_assignsubmission_file_/`` holding
  the file (a download "in folders");
* anything else: the regular expression ``id_pattern`` (named group
  ``student``, and ``id`` when present), else the file's stem.

When one identified student handed in several notebooks, the latest counts
(the highest Canvas submission id, else the newest file) and the others are
listed as superseded. Row keys are unique by construction: a key that is
taken gets a ``-2``, ``-3``... that no other row has, and every row keeps the
name of the file it came from. Reading is defensive: folder input follows no
symbolic link out of the folder and skips FIFOs, devices and sockets; zip
members are streamed with a size cap and read again only when graded, so a
class's zip is never held in memory at once.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Submission", "DEFAULT_ID_PATTERN", "student_of", "identify", "collect"]

#: Canvas: ``doe_jane_12345_6789_03-rank.ipynb`` and ``doe_jane_LATE_12345_6789_03-rank.ipynb``.
DEFAULT_ID_PATTERN = r"^(?P<student>.+?)(?:_late)?_(?P<id>\d+)_(?P<submission>\d+)_"
_CANVAS_ANON = re.compile(r"^(?P<student>anon(?:ymous)?_[A-Za-z0-9]+)(?:_late)?_(?P<submission>\d+)_", re.I)
_MOODLE = re.compile(r"^(?P<student>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_?", re.I)
MAX_BYTES = 20 << 20  # a larger "notebook" is reported, not read
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Submission:
    """One submitted file.

    Attributes
    ----------
    student : str
        Unique, file-name-safe key of the row (``doe_jane_12345``).
    name : str
        The file's path as submitted, relative to the folder or zip (for people to read).
    data : bytes
        Its content (empty when it was too large to read, see ``problem``; read lazily from a zip).
    sha256 : str
        Hex digest of the content: the key results are stored under.
    problem : str
        Why the file could not be read, or empty.
    superseded_by : str
        For an older submission of a student who handed in again: the file that counts instead.
    """

    student: str
    name: str
    data: bytes
    sha256: str
    problem: str = ""
    superseded_by: str = ""
    loader: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)

    def read(self) -> bytes:
        """The content (read now from its zip when it was not kept in memory)."""
        if self.data or self.loader is None:
            return self.data
        data = self.loader()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise OSError("the file changed while it was being graded")
        return data


def _safe(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w.\-]+", "_", text).strip("._-") or "student"
    return text[:120]


def identify(path: str, pattern: str = DEFAULT_ID_PATTERN) -> tuple[str, bool, int]:
    """Who a submitted file is from: ``(key, identified, submission number)``.

    ``identified`` is true when the LMS's naming (or ``pattern``) named the
    student; the submission number orders one student's submissions (-1
    when the name carries none).

    Examples
    --------
    >>> identify("doe_jane_LATE_12345_6790_03-rank.ipynb")
    ('doe_jane_12345', True, 6790)
    >>> identify("anon_Xk3Pq_6789_03-rank.ipynb")
    ('anon_Xk3Pq', True, 6789)
    >>> identify("Jane Doe_123456_assignsubmission_file_/03-rank.ipynb")
    ('Jane_Doe_123456', True, -1)
    >>> identify("Jane Doe_123456_assignsubmission_file_03-rank.ipynb")
    ('Jane_Doe_123456', True, -1)
    >>> identify("some/folder/alice.ipynb")
    ('alice', False, -1)
    """
    parts = [p for p in re.split(r"[/\\]", path) if p]
    base = parts[-1] if parts else path
    for part in parts:  # Moodle "in folders": the participant is in a folder's name
        m = _MOODLE.match(part)
        if m:
            return _safe(f"{m['student']}_{m['id']}"), True, -1
    for regex in ([re.compile(pattern, re.I)] if pattern != DEFAULT_ID_PATTERN else []) + [
            _CANVAS_ANON, re.compile(DEFAULT_ID_PATTERN, re.I)]:
        m = regex.search(base)
        if m and m.groupdict().get("student"):
            groups = m.groupdict()
            key = groups["student"] + (f"_{groups['id']}" if groups.get("id") else "")
            number = int(groups["submission"]) if (groups.get("submission") or "").isdigit() else -1
            return _safe(key), True, number
    stem = base[:-6] if base.lower().endswith(".ipynb") else base
    return _safe(stem), False, -1


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
    return identify(file_name, pattern)[0]


def _decoded(name: str | bytes) -> str:
    """A file name as readable text, whatever its encoding on disk."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read_capped(read: Callable[[int], bytes]) -> tuple[bytes | None, str]:
    chunks, total = [], 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks), ""
        total += len(chunk)
        if total > MAX_BYTES:
            return None, f"the file is larger than {MAX_BYTES >> 20} MB, larger than a notebook can be"
        chunks.append(chunk)


# One entry per file: (name, data or None, problem, loader or None, mtime).
Entry = tuple[str, bytes, str, "Callable[[], bytes] | None", float]


def _from_folder(folder: Path) -> Iterable[Entry]:
    root = os.path.realpath(os.fsencode(folder))
    for here, dirs, files in os.walk(root):  # os.walk does not descend into symlinked folders
        dirs[:] = sorted(d for d in dirs if not d.startswith(b".") and d != b"__MACOSX")
        for f in sorted(files):
            if f.startswith(b".") or not f.lower().endswith(b".ipynb"):
                continue
            path = os.path.join(here, f)
            name = _decoded(os.path.relpath(path, root))
            real = os.path.realpath(path)
            if not real.startswith(root + b"/"):
                yield name, b"", "the file is a link to outside the submissions folder; it was not read", None, 0.0
                continue
            try:
                # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says what it is.
                fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            except OSError as exc:
                yield name, b"", f"the file could not be opened ({exc.strerror})", None, 0.0
                continue
            with os.fdopen(fd, "rb") as fh:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    yield name, b"", "this is not a regular file (a pipe, device or socket); it was not read", None, 0.0
                    continue
                if st.st_size > MAX_BYTES:
                    yield name, b"", f"the file is {st.st_size >> 20} MB, larger than a notebook can be", None, 0.0
                    continue
                data, problem = _read_capped(fh.read)
            yield name, data or b"", problem, None, st.st_mtime


def _from_zip(path: Path) -> Iterable[Entry]:
    with zipfile.ZipFile(path) as z:
        infos = sorted(z.infolist(), key=lambda i: i.filename)
    for info in infos:
        name = info.filename
        base = name.rsplit("/", 1)[-1]
        if info.is_dir() or "__MACOSX" in name or base.startswith(".") or not base.lower().endswith(".ipynb"):
            continue
        if info.file_size > MAX_BYTES:
            yield name, b"", f"the file is {info.file_size >> 20} MB, larger than a notebook can be", None, 0.0
            continue

        def load(member=info) -> bytes:  # never trust the declared size: read with a cap
            with zipfile.ZipFile(path) as z2, z2.open(member) as fh:
                data, problem = _read_capped(fh.read)
            if data is None:
                raise OSError(problem)
            return data
        try:
            with zipfile.ZipFile(path) as z2, z2.open(info) as fh:
                digest, total, problem = hashlib.sha256(), 0, ""
                while chunk := fh.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_BYTES:
                        problem = f"the file is larger than {MAX_BYTES >> 20} MB, larger than a notebook can be"
                        break
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            yield name, b"", f"the zip member could not be read ({type(exc).__name__})", None, 0.0
            continue
        if problem:
            yield name, b"", problem, None, 0.0
        else:
            import time
            try:
                mtime = time.mktime(info.date_time + (0, 0, -1))
            except (OverflowError, ValueError):
                mtime = 0.0
            yield name, digest.hexdigest(), "", load, mtime


def collect(source: str | Path, id_pattern: str = DEFAULT_ID_PATTERN) -> list[Submission]:
    """Every ``.ipynb`` in a folder (recursively) or an LMS zip, with unique student keys.

    Parameters
    ----------
    source : path
        A folder of notebooks, or a ``.zip`` file.
    id_pattern : str
        Regular expression with a named group ``student`` (and optionally ``id``) for file names that
        are neither Canvas's nor Moodle's.

    Returns
    -------
    list of Submission
        Sorted by file name; a student's older submissions have ``superseded_by`` set.

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
        entries = list(_from_folder(source))
    elif zipfile.is_zipfile(source):
        entries = list(_from_zip(source))
    else:
        raise ValueError(f"submissions {str(source)!r} must be a folder of notebooks or a .zip file")
    entries.sort(key=lambda e: e[0])
    found = [(e, *identify(e[0], id_pattern)) for e in entries]

    # One identified student, several files: the latest counts.
    latest: dict[str, tuple] = {}
    for e, key, identified, number in found:
        if identified and (key not in latest or (number, e[4], e[0]) > latest[key][0]):
            latest[key] = ((number, e[4], e[0]), e[0])
    natural = {key for _, key, _, _ in found}
    superseded = {e[0]: latest[key][1] for e, key, identified, _ in found
                  if identified and latest[key][1] != e[0]}
    taken: set[str] = set()
    keys: dict[str, str] = {}
    # Keys go first to the submissions that count, so a student's row keeps the plain key.
    for e, key, _, _ in sorted(found, key=lambda f: f[0][0] in superseded):
        unique, n = key, 1
        while unique in taken or (unique != key and unique in natural):
            n += 1
            unique = f"{key}-{n}"
        taken.add(unique)
        keys[e[0]] = unique
    out = []
    for name, data, problem, loader, _ in (f[0] for f in found):
        if loader is not None:  # a zip member: ``data`` holds its digest; the bytes are read when graded
            out.append(Submission(keys[name], name, b"", data, problem, superseded.get(name, ""), loader))
        else:
            out.append(Submission(keys[name], name, data, hashlib.sha256(data).hexdigest(), problem,
                                  superseded.get(name, "")))
    return out
