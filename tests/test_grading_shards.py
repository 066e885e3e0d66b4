"""Shards: a stable split of the class by student, and a merge identical to one run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from grading_helpers import ANSWER_NAMES, file_name, load, of_kind, set_answers, with_cell, write
from lalib.checks import question
from lalib.cli import main as cli_main
from lalib.grading import Limits, grade
from lalib.grading.sandbox import bwrap_available
from lalib.grading.shards import ShardError, merge_runs, parse_shard, select, shard_of
from lalib.grading.store import Store
from lalib.grading.submissions import Submission

LIMITS = Limits(timeout=30, cell_timeout=10)


def sub(student: str) -> Submission:
    return Submission(student, f"{student}.ipynb", b"{}", "0" * 64)


def test_shard_arguments_are_checked():
    assert parse_shard("3/4") == (3, 4) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad, said in (("4", "give K/N"), ("5/4", "between 1 and N"), ("0/4", "0-based index is K-1"),
                      ("1/0", "N must be at least 1"), ("a/b", "give K/N")):
        with pytest.raises(ShardError, match=said):
            parse_shard(bad)


def test_a_student_stays_in_their_shard_whatever_else_is_handed_in():
    keys = [f"student_{i}" for i in range(1000)]
    sizes = Counter(shard_of(k, 4) for k in keys)
    assert set(sizes) == {1, 2, 3, 4} and all(200 <= n <= 300 for n in sizes.values()), sizes
    alone = {k: shard_of(k, 4) for k in keys[:10]}
    subs = [sub(k) for k in reversed(keys)]  # another order, more students: the same shard for each
    for k in range(1, 5):
        chosen = {s.student for s in select(subs, (k, 4))}
        assert {s for s, shard in alone.items() if shard == k} <= chosen
    parts = [select(subs, (k, 4)) for k in range(1, 5)]
    assert sorted(s.student for part in parts for s in part) == sorted(keys)  # each exactly once
    assert select(subs, None) == subs


def fake_shard(folder: Path, k: int, n: int, listing: str = "abc", secret: str = "s1") -> Path:
    store = Store(folder)
    store.save_last_run({"question_ids": [], "results": [], "superseded": [],
                         "shard": {"k": k, "n": n, "listing": listing, "graded": 0}})
    (store.root / "secret-id.json").write_text(json.dumps({"id": secret}))
    return folder


def test_merging_refuses_shards_that_do_not_make_one_class(tmp_path):
    a, b = fake_shard(tmp_path / "a", 1, 2), fake_shard(tmp_path / "b", 2, 2)
    assert merge_runs([a, b], tmp_path / "out")[0] == []
    cases = [
        ([a], "shard 2/2 missing from --merge"),
        ([a, fake_shard(tmp_path / "c", 1, 2)], "are both shard 1/2"),
        ([a, fake_shard(tmp_path / "d", 2, 3)], "is a shard of 3"),
        ([a, fake_shard(tmp_path / "e", 2, 2, listing="other")], "graded different submissions"),
        ([a, fake_shard(tmp_path / "f", 2, 2, secret="s2")], "different grading secrets"),
        ([a, tmp_path / "nothing"], "holds no grading run"),
    ]
    for folders, said in cases:
        with pytest.raises(ShardError, match=said):
            merge_runs(folders, tmp_path / "out")
    plain = Store(tmp_path / "plain")
    plain.save_last_run({"question_ids": [], "results": [], "superseded": []})
    with pytest.raises(ShardError, match="was not graded with --shard"):
        merge_runs([a, tmp_path / "plain"], tmp_path / "out")


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".grading" not in p.parts}


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_available(), reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")
def test_four_shards_merged_are_one_run_byte_for_byte(tmp_path, capsys):
    subs = tmp_path / "subs"
    number = of_kind("number")[0]
    wrong = set_answers(load("solution"), {number: (ANSWER_NAMES[number], repr(question(number).expected + 3))})
    notebooks = [load("solution"), load("exercise"), wrong, with_cell(load("solution"), "1 / 0", where="end")]
    for i in range(10):
        write(notebooks[i % len(notebooks)], subs, file_name(f"s{i}"))
    write(load("exercise"), subs, f"s3_1_0_{file_name('x')}")      # an older submission of s3, superseded
    (subs / "broken_1_1_x.ipynb").write_text("{not json")          # an unreadable notebook
    single = tmp_path / "single"
    grade(subs, single, seed=5, workers=2, limits=LIMITS, progress=False)
    shard_outs = []
    for k in range(1, 5):
        out = tmp_path / f"shard{k}"
        assert cli_main(["grade", str(subs), "--out", str(out), "--seed", "5", "--workers", "1", "--no-progress",
                         "--shard", f"{k}/4"]) == 0
        shard_outs.append(out)
    sizes = [len(json.loads((o / ".grading" / "last_run.json").read_text())["results"]) for o in shard_outs]
    assert sum(sizes) == 11 and max(sizes) < 11  # every row graded once, split across the shards
    merged = tmp_path / "merged"
    assert cli_main(["grade", "--merge", *map(str, reversed(shard_outs)), "--out", str(merged)]) == 0
    assert "merged 4 shards: 11 submissions" in capsys.readouterr().out
    assert (merged / "grades.csv").read_bytes() == (single / "grades.csv").read_bytes()
    assert outputs(merged) == outputs(single)  # feedback pages, summary and free text too


def test_the_command_line_names_a_bad_shard_roster_or_merge(tmp_path, capsys):
    write(load("exercise"), tmp_path / "subs", file_name("a"))
    for argv, said in (
            (["--shard", "5/4"], "K must be between 1 and N"),
            (["--roster", str(tmp_path / "nope.csv")], "does not exist"),
    ):
        assert cli_main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "1",
                         "--no-progress", *argv]) == 2
        assert said in capsys.readouterr().err
    assert cli_main(["grade", "--merge", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 2
    assert "holds no grading run" in capsys.readouterr().err
