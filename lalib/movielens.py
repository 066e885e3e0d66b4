"""MovieLens loaders: ratings (and titles) from files the user has, or downloads they ask for.

Nothing of MovieLens ships with lalib: the ml-100k licence forbids
redistribution. The loaders read a file, folder or zip the user points at; look
in a cache folder (``$LALIB_DATA``, else ``~/.cache/lalib``); and download the
official zip only when asked with ``download=True``, checking its SHA-256
before reading it. Malformed files fail with the file name and line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lalib.exceptions import DataFileError
from lalib.recsys import Ratings

__all__ = ["DataFileError", "data_home", "sha256sum", "load_ml_100k", "load_ml_latest_small"]


@dataclass(frozen=True)
class _Dataset:
    name: str
    url: str
    # SHA-256 of the official zip. GroupLens publishes only MD5s (ml-100k: 0e33842e24a9c977be4e0107933c0723);
    # these SHA-256s are the ones recorded by several independent projects (TensorFlow Datasets for
    # ml-latest-small). They could not be re-computed here (no network): if GroupLens ever re-issues
    # a zip, the download fails loudly and the constant must be updated after checking the new file.
    sha256: str
    page: str
    licence: str
    ratings_file: str
    titles_file: str
    titles_encoding: str


ML_100K = _Dataset(
    name="ml-100k",
    url="https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    sha256="50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
    page="https://grouplens.org/datasets/movielens/100k/",
    licence=("GroupLens's licence allows research use, asks you to cite Harper & Konstan (2015), "
             "and forbids redistributing ml-100k without permission: keep it out of repositories "
             "and submissions."),
    ratings_file="u.data",
    titles_file="u.item",
    titles_encoding="latin-1",  # u.item predates UTF-8 at GroupLens
)

ML_LATEST_SMALL = _Dataset(
    name="ml-latest-small",
    url="https://files.grouplens.org/datasets/movielens/ml-latest-small.zip",
    sha256="696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436",
    page="https://grouplens.org/datasets/movielens/latest/",
    licence=("GroupLens's licence allows research use, asks you to cite Harper & Konstan (2015), and "
             "allows redistribution only under the same licence conditions."),
    ratings_file="ratings.csv",
    titles_file="movies.csv",
    titles_encoding="utf-8",
)


def data_home(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where downloads are cached: ``cache_dir``, else ``$LALIB_DATA``, else ``~/.cache/lalib``.

    Examples
    --------
    >>> data_home("/tmp/somewhere").as_posix()
    '/tmp/somewhere'
    """
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("LALIB_DATA")
    return Path(env) if env else Path.home() / ".cache" / "lalib"


def sha256sum(path: str | os.PathLike) -> str:
    """The SHA-256 of a file, as hex.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x"
    >>> _ = f.write_bytes(b"abc")
    >>> sha256sum(f)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- finding the files

def _how_to_get(ds: _Dataset, cache: Path, reason: str) -> FileNotFoundError:
    return FileNotFoundError(
        f"{reason}\n"
        f"To get MovieLens {ds.name}: download {ds.name}.zip from the GroupLens page {ds.page} "
        f"and put it (or its unzipped {ds.name}/ folder) in {cache} -- or pass path= to the file, "
        f"folder or zip, or set LALIB_DATA to another folder; or let lalib fetch {ds.url} "
        f"and check its SHA-256 by passing download=True.\n"
        f"Licence: {ds.licence}"
    )


def _fetch(url: str, dest: Path) -> None:
    """Download ``url`` to ``dest`` (the one place that touches the network)."""
    with urllib.request.urlopen(url, timeout=60) as response, open(dest, "wb") as out:
        shutil.copyfileobj(response, out)


def _download(ds: _Dataset, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{ds.name}.zip"
    fd, tmp = tempfile.mkstemp(dir=cache, prefix=f".{ds.name}-", suffix=".part")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        _fetch(ds.url, tmp_path)
        actual = sha256sum(tmp_path)
        if actual != ds.sha256:
            raise DataFileError(f"{ds.url}: SHA-256 mismatch, expected {ds.sha256}, got {actual}; "
                                f"the download was discarded (a changed or corrupted file)")
        tmp_path.replace(target)  # only a verified file ever carries the final name
    finally:
        tmp_path.unlink(missing_ok=True)
    return target


def _locate(ds: _Dataset, path, cache_dir, download: bool) -> Path:
    """The file, folder or zip to read, following the rules of the module docstring."""
    cache = data_home(cache_dir)
    if path is not None:
        p = Path(path).expanduser()
        if not p.exists():
            raise _how_to_get(ds, cache, f"{p} does not exist.")
        inner_zip = p / f"{ds.name}.zip"
        if p.is_dir() and inner_zip.is_file() and _Source(p, ds).find(ds.ratings_file) is None:
            return inner_zip  # a folder holding only the downloaded zip
        return p
    for candidate in (cache / ds.name, cache / f"{ds.name}.zip"):
        if candidate.exists():
            return candidate
    if download:
        return _download(ds, cache)
    raise _how_to_get(ds, cache, f"MovieLens {ds.name} was not found in {cache}.")


class _Source:
    """Text of the data set's members, whether ``p`` is one file, a folder or a zip."""

    def __init__(self, p: Path, ds: _Dataset):
        self.p, self.ds = p, ds
        self.zip = None
        if p.is_file() and p.suffix.lower() == ".zip":
            try:
                self.zip = zipfile.ZipFile(p)
            except zipfile.BadZipFile as exc:
                raise DataFileError(f"{p}: not a valid zip file ({exc}); it may be truncated") from None

    def find(self, member: str) -> str | None:
        """A name to `open` for ``member``, or None when the source lacks it."""
        if self.zip is not None:
            hits = [n for n in self.zip.namelist() if n.rsplit("/", 1)[-1] == member]
            return min(hits, key=len) if hits else None
        if self.p.is_file():
            if self.p.name == member or member == self.ds.ratings_file:
                return str(self.p)
            sibling = self.p.with_name(member)
            return str(sibling) if sibling.is_file() else None
        for folder in (self.p, self.p / self.ds.name):
            if (folder / member).is_file():
                return str(folder / member)
        return None

    def read(self, name: str, encoding: str) -> tuple[str, str]:
        """(label for messages, text) of a found member."""
        if self.zip is not None:
            label = f"{self.p}:{name}"
            try:
                data = self.zip.read(name)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise DataFileError(f"{label}: cannot read from the zip ({exc}); it may be truncated") from None
        else:
            label = name
            data = Path(name).read_bytes()
        try:
            return label, data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise DataFileError(f"{label}, line {line}: not valid {encoding} text") from None


# ----------------------------------------------------------------------------- parsing

def _parse(label: str, rows: Iterable[tuple[int, list[str]]], n_fields: int,
           convert: list[Callable[[str], object]]) -> list[tuple]:
    """Rows of ``n_fields`` converted fields; any fault names the file and line."""
    out = []
    for line_no, fields in rows:
        if len(fields) != n_fields:
            raise DataFileError(f"{label}, line {line_no}: expected {n_fields} fields, got {len(fields)}"
                                f" ({fields!r}); the file may be truncated or corrupt")
        try:
            out.append(tuple(c(f) for c, f in zip(convert, fields)))
        except ValueError as exc:
            raise DataFileError(f"{label}, line {line_no}: {exc}") from None
    if not out:
        raise DataFileError(f"{label}: no ratings in the file")
    return out


def _rating(text: str) -> float:
    value = float(text)
    if not np.isfinite(value):
        raise ValueError(f"rating {text!r} is not a finite number")
    return value


def _ratings(rows: list[tuple], titles: dict | None) -> Ratings:
    users, items, ratings, stamps = (np.array(col) for col in zip(*rows))
    return Ratings(users.astype(np.int64), items.astype(np.int64), ratings.astype(float),
                   stamps.astype(np.int64), titles)


def _tab_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield n, line.split("\t")


def _csv_rows(label: str, text: str, header: list[str]) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        first = next(reader, None)
        if first != header:
            raise DataFileError(f"{label}, line 1: expected the header {','.join(header)}, got {first!r}")
        for fields in reader:
            if fields:
                yield reader.line_num, fields
    except csv.Error as exc:
        raise DataFileError(f"{label}, line {reader.line_num}: {exc}") from None


def _load(ds: _Dataset, path, cache_dir, download: bool, read_ratings, read_titles) -> Ratings:
    source = _Source(_locate(ds, path, cache_dir, download), ds)
    name = source.find(ds.ratings_file)
    if name is None:
        raise _how_to_get(ds, data_home(cache_dir), f"{source.p} holds no {ds.ratings_file}.")
    rows = read_ratings(*source.read(name, "utf-8"))
    titles_name = source.find(ds.titles_file)
    titles = None if titles_name is None else read_titles(*source.read(titles_name, ds.titles_encoding))
    return _ratings(rows, titles)


def _ml_100k_ratings(label: str, text: str) -> list[tuple]:
    return _parse(label, _tab_rows(text), 4, [int, int, _rating, int])


def _ml_100k_titles(label: str, text: str) -> dict:
    titles = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            fields = line.split("|")
            try:
                titles[int(fields[0])] = fields[1]
            except (ValueError, IndexError):
                raise DataFileError(f"{label}, line {n}: expected 'movie id|title|...', got {line[:60]!r}") from None
    return titles


def _latest_ratings(label: str, text: str) -> list[tuple]:
    rows = _csv_rows(label, text, ["userId", "movieId", "rating", "timestamp"])
    return _parse(label, rows, 4, [int, int, _rating, int])


def _latest_titles(label: str, text: str) -> dict:
    rows = _csv_rows(label, text, ["movieId", "title", "genres"])
    return {movie: title for movie, title, _ in _parse(label, rows, 3, [int, str, str])}


# ----------------------------------------------------------------------------- public loaders

def load_ml_100k(path: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None,
                 download: bool = False) -> Ratings:
    """MovieLens 100K: 100,000 ratings (1-5 stars) by 943 users of 1,682 movies.

    Parameters
    ----------
    path : path-like, optional
        ``u.data``, a folder holding it (or ``ml-100k/`` or ``ml-100k.zip``), or ``ml-100k.zip``.
        Titles come from ``u.item`` beside it, when present.
    cache_dir : path-like, optional
        Where to look when ``path`` is None, and where downloads go; see `data_home`.
    download : bool
        Fetch the official zip into ``cache_dir`` if it is not there, and check its SHA-256.
        Never done unless asked.

    Returns
    -------
    Ratings
        Integer user and movie ids, float ratings, integer timestamps and
        ``titles`` (movie id to title) when ``u.item`` is available.

    Raises
    ------
    FileNotFoundError
        When there is no data, saying where to get it and where to put it.
    DataFileError
        On a corrupt or truncated file (naming the file and line) or a checksum mismatch.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "u.data").write_text("196\\t242\\t3\\t881250949\\n186\\t302\\t3\\t891717742\\n")
    >>> data = load_ml_100k(folder)
    >>> data.users.tolist(), data.ratings.tolist(), data.titles
    ([196, 186], [3.0, 3.0], None)
    """
    return _load(ML_100K, path, cache_dir, download, _ml_100k_ratings, _ml_100k_titles)


def load_ml_latest_small(path: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None,
                         download: bool = False) -> Ratings:
    """MovieLens "latest-small": about 100,000 ratings (0.5-5 stars, half steps) by 610 users.

    Parameters
    ----------
    path : path-like, optional
        ``ratings.csv``, a folder holding it (or ``ml-latest-small/`` or its zip), or
        ``ml-latest-small.zip``. Titles come from ``movies.csv`` beside it, when present.
    cache_dir, download
        As for `load_ml_100k`.

    Returns
    -------
    Ratings

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\\n1,1,4.0,964982703\\n")
    >>> _ = (folder / "movies.csv").write_text('movieId,title,genres\\n1,"Toy Story (1995)",Animation\\n')
    >>> data = load_ml_latest_small(folder)
    >>> data.ratings.tolist(), data.titles
    ([4.0], {1: 'Toy Story (1995)'})
    """
    return _load(ML_LATEST_SMALL, path, cache_dir, download, _latest_ratings, _latest_titles)
