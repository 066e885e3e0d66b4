"""lalib.movielens: loaders on small files in each format, made here; downloads are faked."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lalib import movielens
from lalib.movielens import DataFileError, data_home, load_ml_100k, load_ml_latest_small, sha256sum

U_DATA = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n"
U_ITEM = "242|Kolya (1996)|24-Jan-1997||http://x|0|0\n302|L.A. Confidential (1997)|01-Jan-1997||x|0\n" \
         "377|Heavyweights (1994)|01-Jan-1994||x|0\n1|Ménage (1986)|x||x|0\n"
RATINGS_CSV = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n7,1,0.5,1106635946\n"
MOVIES_CSV = 'movieId,title,genres\n1,Toy Story (1995),Animation|Children\n3,"Grumpier Old Men, The (1995)",Comedy\n'


def write_100k(folder: Path, data: str = U_DATA, item: str | None = U_ITEM) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "u.data").write_text(data)
    if item is not None:
        (folder / "u.item").write_bytes(item.encode("latin-1"))
    return folder


def zip_folder(folder: Path, target: Path, inner: str) -> Path:
    with zipfile.ZipFile(target, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"{inner}/{f.name}")
    return target


def write_latest(folder: Path, ratings: str = RATINGS_CSV, movies: str | None = MOVIES_CSV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ratings.csv").write_text(ratings, encoding="utf-8")
    if movies is not None:
        (folder / "movies.csv").write_text(movies, encoding="utf-8")
    return folder


def check_100k(data):
    assert data.users.tolist() == [196, 186, 22]
    assert data.items.tolist() == [242, 302, 377]
    assert data.ratings.tolist() == [3.0, 3.0, 1.0]
    assert data.timestamps.tolist() == [881250949, 891717742, 878887116]


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """Any download attempt fails the test, and the default cache is a fresh folder."""
    def refuse(url, dest):
        raise AssertionError(f"tried to download {url}")
    monkeypatch.setattr(movielens, "_fetch", refuse)
    monkeypatch.setenv("LALIB_DATA", str(tmp_path / "cache"))


# ----------------------------------------------------------------------------- ml-100k

def test_u_data_file_folder_and_zip(tmp_path):
    folder = write_100k(tmp_path / "ml-100k")
    for source in (folder / "u.data", folder, tmp_path, zip_folder(folder, tmp_path / "ml-100k.zip", "ml-100k")):
        data = load_ml_100k(source)
        check_100k(data)
        assert data.titles[242] == "Kolya (1996)" and data.titles[1] == "Ménage (1986)"


def test_folder_holding_only_the_zip(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    zip_folder(write_100k(tmp_path / "src"), downloads / "ml-100k.zip", "ml-100k")
    check_100k(load_ml_100k(downloads))


def test_titles_are_optional(tmp_path):
    data = load_ml_100k(write_100k(tmp_path / "x", item=None))
    check_100k(data)
    assert data.titles is None


def test_cache_folder_from_env_and_argument(tmp_path, monkeypatch):
    (tmp_path / "cache").mkdir()
    zip_folder(write_100k(tmp_path / "src"), tmp_path / "cache" / "ml-100k.zip", "ml-100k")
    check_100k(load_ml_100k())
    other = tmp_path / "other"
    write_100k(other / "ml-100k")
    check_100k(load_ml_100k(cache_dir=other))
    monkeypatch.delenv("LALIB_DATA")
    assert data_home() == Path.home() / ".cache" / "lalib"


def test_missing_data_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_ml_100k()
    message = str(info.value)
    assert "https://grouplens.org/datasets/movielens/100k/" in message
    assert str(tmp_path / "cache") in message
    assert "download=True" in message and "redistribut" in message
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_ml_100k(tmp_path / "nope.zip")


@pytest.mark.parametrize("text, line, reason", [
    (U_DATA + "5\t6\t4\n", 4, "expected 4 fields, got 3"),
    (U_DATA.replace("302\t3", "302\tthree"), 2, "could not convert"),
    (U_DATA.replace("\t1\t", "\tnan\t"), 3, "not a finite number"),
    ("", None, "no ratings"),
])
def test_corrupt_u_data_names_file_and_line(tmp_path, text, line, reason):
    folder = write_100k(tmp_path / "bad", data=text)
    where = f"u.data, line {line}" if line else "u.data"
    with pytest.raises(DataFileError, match=f"{re.escape(where)}.*{reason}"):
        load_ml_100k(folder)


def test_truncated_zip_is_reported_with_its_name(tmp_path):
    good = zip_folder(write_100k(tmp_path / "src"), tmp_path / "full.zip", "ml-100k").read_bytes()
    cut = tmp_path / "ml-100k.zip"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataFileError, match=re.escape(str(cut))):
        load_ml_100k(cut)


def test_truncated_member_inside_a_zip(tmp_path):
    zip_folder(write_100k(tmp_path / "src", data=U_DATA + "9\t9"), tmp_path / "ml-100k.zip", "ml-100k")
    with pytest.raises(DataFileError, match=r"ml-100k\.zip:ml-100k/u\.data, line 4: expected 4 fields, got 2"):
        load_ml_100k(tmp_path / "ml-100k.zip")


def test_zip_without_ratings(tmp_path):
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as z:
        z.writestr("ml-100k/README", "nothing")
    with pytest.raises(FileNotFoundError, match="holds no u.data"):
        load_ml_100k(tmp_path / "empty.zip")


# ----------------------------------------------------------------------------- ml-latest-small

def test_latest_small_csv_folder_and_zip(tmp_path):
    folder = write_latest(tmp_path / "ml-latest-small")
    for source in (folder / "ratings.csv", folder,
                   zip_folder(folder, tmp_path / "ml-latest-small.zip", "ml-latest-small")):
        data = load_ml_latest_small(source)
        assert data.users.tolist() == [1, 1, 7]
        assert data.ratings.tolist() == [4.0, 4.5, 0.5]
        assert data.titles == {1: "Toy Story (1995)", 3: "Grumpier Old Men, The (1995)"}


@pytest.mark.parametrize("ratings, movies, match", [
    ("user,movie,rating,time\n1,1,4,5\n", MOVIES_CSV, r"ratings\.csv, line 1: expected the header"),
    (RATINGS_CSV + "2,3,4.0\n", MOVIES_CSV, r"ratings\.csv, line 5: expected 4 fields, got 3"),
    (RATINGS_CSV + "2,x,4.0,1\n", MOVIES_CSV, r"ratings\.csv, line 5: invalid literal"),
    (RATINGS_CSV, "movieId,title,genres\n1,\"Unclosed", r"movies\.csv, line 2"),
])
def test_corrupt_latest_small_names_file_and_line(tmp_path, ratings, movies, match):
    with pytest.raises(DataFileError, match=match):
        load_ml_latest_small(write_latest(tmp_path / "bad", ratings, movies))


def test_bad_encoding_names_the_line(tmp_path):
    folder = write_latest(tmp_path / "enc")
    (folder / "movies.csv").write_bytes(b"movieId,title,genres\n1,Ok,x\n3,Caf\xe9,x\n")
    with pytest.raises(DataFileError, match=r"movies\.csv, line 3: not valid utf-8"):
        load_ml_latest_small(folder)


# ----------------------------------------------------------------------------- downloads

def fake_zip(tmp_path: Path) -> bytes:
    return zip_folder(write_100k(tmp_path / "fake-src"), tmp_path / "fake.zip", "ml-100k").read_bytes()


def test_download_verifies_and_caches(tmp_path, monkeypatch):
    payload = fake_zip(tmp_path)
    monkeypatch.setattr(movielens, "ML_100K",
                        dataclasses.replace(movielens.ML_100K, sha256=hashlib.sha256(payload).hexdigest()))
    calls = []

    def fetch(url, dest):
        calls.append(url)
        Path(dest).write_bytes(payload)
    monkeypatch.setattr(movielens, "_fetch", fetch)
    cache = tmp_path / "dl"
    check_100k(load_ml_100k(cache_dir=cache, download=True))
    assert calls == ["https://files.grouplens.org/datasets/movielens/ml-100k.zip"]
    assert sorted(p.name for p in cache.iterdir()) == ["ml-100k.zip"]
    check_100k(load_ml_100k(cache_dir=cache, download=True))  # served from the cache
    assert len(calls) == 1


def test_checksum_mismatch_discards_the_download(tmp_path, monkeypatch):
    payload = fake_zip(tmp_path)  # real zip, but not the published one
    monkeypatch.setattr(movielens, "_fetch", lambda url, dest: Path(dest).write_bytes(payload))
    cache = tmp_path / "dl"
    with pytest.raises(DataFileError, match=f"SHA-256 mismatch, expected {movielens.ML_100K.sha256}, "
                                            f"got {hashlib.sha256(payload).hexdigest()}"):
        load_ml_100k(cache_dir=cache, download=True)
    assert list(cache.iterdir()) == []


def test_no_download_unless_asked(tmp_path):
    with pytest.raises(FileNotFoundError):  # the autouse fixture would fail on any fetch
        load_ml_latest_small(cache_dir=tmp_path / "empty")


def test_published_checksums_are_well_formed():
    for ds in (movielens.ML_100K, movielens.ML_LATEST_SMALL):
        assert re.fullmatch(r"[0-9a-f]{64}", ds.sha256)
        assert ds.url.startswith("https://files.grouplens.org/datasets/movielens/")


def test_sha256sum_matches_hashlib(tmp_path):
    f = tmp_path / "blob"
    data = np.random.default_rng(0).bytes(3 * (1 << 20) + 17)  # several read blocks
    f.write_bytes(data)
    assert sha256sum(f) == hashlib.sha256(data).hexdigest()
