"""Grading a class too large for one machine: shards, and merging them into one gradebook.

``lalib grade SUBMISSIONS --shard K/N --out OUT_K`` grades the submissions
whose student key hashes to shard K of N (:func:`shard_of`): a stable hash of
the key, not the order of the files, so a shard holds the same students
whatever else is in the folder, and every machine computes the same split
without talking to the others. Every shard still *lists* the whole class (it
reads names and content hashes only), so student keys, resubmissions and the
list of superseded files are decided exactly as one run would.

``lalib grade --merge OUT_1 ... OUT_N --out OUT`` checks that the shards are
all N of one split of the same submissions graded with the same grading
secret, then writes the reports from their results in the order a single run
uses: ``grades.csv`` is byte for byte the one a single run writes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

__all__ = ["parse_shard", "shard_of", "select", "listing_digest", "shard_note", "merge_runs", "merge", "ShardError"]


class ShardError(ValueError):
    """Shards that cannot be merged, or a malformed ``--shard``; the message says which and why."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> ``(K, N)``, shards numbered 1 to N.

    Examples
    --------
    >>> parse_shard("2/4")
    (2, 4)
    >>> parse_shard("0/4")
    Traceback (most recent call last):
    ...
    lalib.grading.shards.ShardError: --shard 0/4: K must be between 1 and N (shards are numbered 1 to 4); \
a scheduler's 0-based index is K-1
    """
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match:
        raise ShardError(f"--shard {text!r}: give K/N, such as 1/4 (the first of four shards)")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1:
        raise ShardError(f"--shard {text}: N must be at least 1")
    if not 1 <= k <= n:
        raise ShardError(f"--shard {text}: K must be between 1 and N (shards are numbered 1 to {n}); "
                         "a scheduler's 0-based index is K-1")
    return k, n


def shard_of(student: str, n: int) -> int:
    """The shard (1 to ``n``) a student key belongs to: a stable hash, the same on every machine and run.

    Examples
    --------
    >>> shard_of("doe_jane_12345", 4) == shard_of("doe_jane_12345", 4)
    True
    >>> {shard_of(f"s{i}", 1) for i in range(10)}
    {1}
    """
    digest = hashlib.sha256(f"lalib-shard:{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def select(subs: list, shard: tuple[int, int] | None) -> list:
    """The submissions of one shard (all of them without a shard), in their order."""
    if shard is None:
        return list(subs)
    k, n = shard
    return [s for s in subs if shard_of(s.student, n) == k]


def listing_digest(everything: list) -> str:
    """A hash of the whole class as collected (names and contents): shards to merge must agree on it."""
    digest = hashlib.sha256()
    for s in everything:
        digest.update(f"{s.name}\0{s.sha256}\0{s.student}\0{s.superseded_by}\n".encode("utf-8", "replace"))
    return digest.hexdigest()[:16]


def shard_note(shard: tuple[int, int] | None, everything: list, graded: int) -> dict:
    """What a run records about its shard, for :func:`merge_runs` to check."""
    k, n = shard or (1, 1)
    return {"k": k, "n": n, "listing": listing_digest(everything), "graded": graded}


def _secret_id(folder: Path) -> str | None:
    try:
        return json.loads((folder / ".grading" / "secret-id.json").read_text(encoding="utf-8")).get("id")
    except (OSError, ValueError, AttributeError):
        return None


def merge_runs(folders: list[str | Path], out: str | Path) -> tuple[list, list[str], list[str], dict]:
    """Read and check the last runs of shard folders; what a single run would report.

    Returns
    -------
    graded : list of Graded
        Every shard's submissions, in file-name order (a single run's order).
    question_ids : list of str
    superseded : list of str
    manual : dict
        The instructor's free-text scores merged in any shard folder.

    Raises
    ------
    ShardError
        A folder holds no run or was not graded as a shard, the shards are of
        different splits, classes or secrets, one is missing or given twice.
    """
    from lalib.grading.scoring import Graded
    from lalib.grading.store import Store

    if not folders:
        raise ShardError("--merge needs the output folders of the shards")
    runs, seen = [], {}
    for folder in map(Path, folders):
        data = Store(folder).last_run() if (folder / ".grading").is_dir() else None
        if data is None:
            raise ShardError(f"{folder} holds no grading run (grade the shard first: lalib grade ... --shard K/N "
                             f"--out {folder})")
        note = data.get("shard")
        if not isinstance(note, dict):
            raise ShardError(f"{folder} was not graded with --shard K/N, so it cannot be merged")
        key = (note["k"], note["n"])
        if key in seen:
            raise ShardError(f"{folder} and {seen[key]} are both shard {note['k']}/{note['n']}")
        seen[key] = folder
        runs.append((folder, data, note))
    first_folder, first, note0 = runs[0]
    for folder, data, note in runs[1:]:
        if note["n"] != note0["n"]:
            raise ShardError(f"{folder} is a shard of {note['n']}, {first_folder} of {note0['n']}: merge one split")
        if note["listing"] != note0["listing"]:
            raise ShardError(f"{folder} and {first_folder} graded different submissions (the folder or zip "
                             "changed between shards): grade every shard from the same copy")
        if _secret_id(folder) != _secret_id(first_folder):
            raise ShardError(f"{folder} and {first_folder} were graded with different grading secrets, so their "
                             "hidden test inputs differ: grade every shard with the same --secret FILE")
    missing = sorted(set(range(1, note0["n"] + 1)) - {k for k, _ in seen})
    if missing:
        n = note0["n"]
        raise ShardError(f"shard{'s' if len(missing) > 1 else ''} {', '.join(f'{k}/{n}' for k in missing)} "
                         "missing from --merge")
    graded = [Graded.from_json(g) for _, data, _ in runs for g in data["results"]]
    graded.sort(key=lambda g: g.name)  # a single run lists submissions in file-name order
    names = [g.name for g in graded]
    if len(set(names)) != len(names):
        raise ShardError("two shards graded the same file: were they split with the same N?")
    question_ids: list[str] = []
    for g in graded:
        question_ids += [q for q in g.questions if q not in question_ids]
    manual: dict = {}
    for folder, _, _ in runs:
        for student, scores in Store(folder).manual_scores().items():
            manual.setdefault(student, {}).update(scores)
    out = Path(out)
    store = Store(out)
    # The merged folder resumes like a single run's: it keeps the secret's id and every run record.
    secret_file = first_folder / ".grading" / "secret-id.json"
    if secret_file.exists():
        shutil.copyfile(secret_file, store.root / "secret-id.json")
    for folder, _, _ in runs:
        if Path(folder).resolve() == out.resolve():
            continue
        for record in (folder / ".grading" / "results").glob("*.json"):
            target = store.root / "results" / record.name
            if not target.exists():
                shutil.copyfile(record, target)
    return graded, question_ids, list(first.get("superseded", [])), manual


def merge(folders: list[str | Path], out: str | Path) -> tuple[list, list[str]]:
    """``lalib grade --merge``: one gradebook, feedback and summary from every shard's results.

    When every shard was graded with ``--similarity``, the whole class is compared here (a shard alone
    sees only its own students).

    Returns
    -------
    graded : list of Graded
    said : list of str
        What the instructor should know.
    """
    from lalib.grading import similarity
    from lalib.grading.report import write_reports
    from lalib.grading.store import Store

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    graded, question_ids, superseded, manual = merge_runs(folders, out)
    store = Store(out)
    kept = store.manual_scores()
    for student, scores in manual.items():
        kept.setdefault(student, {}).update(scores)
    store.save_manual_scores(kept)
    said = []
    parts = [similarity.load_regions(Path(f)) for f in folders]
    if all(parts):
        data = {"regions": {}, "templates": {}, "models": {}}
        for part in parts:
            for key in data:
                data[key].update(part[key])
        threshold = similarity.last_threshold(Path(folders[0]))
        similarity.save_regions(out, data["regions"], data["templates"], data["models"])
        said += similarity.write_similarity(out, data, threshold)
    else:
        similarity.clear(out)
    said += write_reports(out, graded, question_ids, store, superseded=superseded)
    store.save_last_run({"question_ids": question_ids, "results": [g.to_json() for g in graded],
                         "superseded": superseded})
    return graded, said
