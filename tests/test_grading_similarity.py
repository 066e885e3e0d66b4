"""``lalib grade --similarity``: a renamed copy is flagged, independent answers are not."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading_helpers import write
from lalib.grading import Limits, grade
from lalib.grading.notebook import load_assignment, read_notebook
from lalib.grading.sandbox import bwrap_available
from lalib.grading.shards import merge, shard_of
from lalib.grading.similarity import SOLUTION as MODEL
from lalib.grading.similarity import answer_regions, compare_class, model_regions

ROOT = Path(__file__).resolve().parents[1]
SOLUTION, EXERCISE = ROOT / "solutions" / "03-rank.ipynb", ROOT / "exercises" / "03-rank.ipynb"
RANK = load_assignment("rank", ROOT / "exercises")
IDS = list(RANK.ids)


def load(which: str):
    return nbformat.read(SOLUTION if which == "solution" else EXERCISE, as_version=4)


def file_name(student: str) -> str:
    return f"{student}_1_1_03-rank.ipynb"

# Two students' own eliminations, written independently (the solution is a third).
DORA = '''def rank_by_elimination(A, tol=None):
    """Rank of A: the number of pivots Gaussian elimination with partial pivoting finds."""
    M = np.asarray(A, dtype=np.float64).copy()
    rows, cols = M.shape
    if tol is None:
        tol = 1e-10
    thresh = tol * np.max(np.abs(M)) if M.size else 0.0
    pivots = 0
    for j in range(cols):
        if pivots >= rows:
            break
        best = pivots
        for i in range(pivots + 1, rows):
            if abs(M[i, j]) > abs(M[best, j]):
                best = i
        if abs(M[best, j]) <= thresh:
            continue
        M[[pivots, best], :] = M[[best, pivots], :]
        for i in range(pivots + 1, rows):
            factor = M[i, j] / M[pivots, j]
            M[i, :] = M[i, :] - factor * M[pivots, :]
        pivots += 1
    return pivots
'''
# Dora's, with every name changed, comments added and the spacing redone: a copy all the same.
RENAMED = '''def rank_by_elimination(A, tol=None):
    """Rank of A: the number of pivots Gaussian elimination with partial pivoting finds."""
    work = np.asarray(A, dtype=np.float64).copy()   # my own copy
    n_rows, n_cols = work.shape
    if tol is None:
        tol = 1e-10
    limit = tol * np.max(np.abs(work)) if work.size else 0.0
    count = 0
    for c in range(n_cols):
        if count >= n_rows:
            break
        top = count
        for r in range(count + 1, n_rows):
            if abs(work[r, c]) > abs(work[top, c]):
                top = r
        # no pivot here
        if abs(work[top, c]) <= limit:
            continue
        work[[count, top], :] = work[[top, count], :]
        for r in range(count + 1, n_rows):
            ratio = work[r, c] / work[count, c]
            work[r, :] = work[r, :] - ratio * work[count, :]
        count += 1
    return count
'''


def region(nb) -> dict[str, str]:
    return answer_regions(read_notebook(nbformat.writes(nb).encode()), IDS)


def with_answer(nb, qid: str, source: str):
    cell = next(c for c in nb.cells if c.metadata.get("lalib", {}).get("question") == qid
                and c.metadata["lalib"].get("role") == "answer")
    cell.source = source
    return nb


def template() -> dict[str, str]:
    return region(load("exercise"))


def flagged(rows, question=None) -> set[frozenset]:
    return {frozenset((r["a"], r["b"])) for r in rows if question is None or r["question"] == question}


def test_a_renamed_copy_is_flagged_and_independent_answers_are_not():
    students = {
        "dora": with_answer(load("exercise"), "rank.11", DORA),
        "rex": with_answer(load("exercise"), "rank.11", RENAMED),
        "sol": load("solution"),  # the model solution's elimination: a third, independent way
        "blank": load("exercise"),
        "blank2": load("exercise"),  # two untouched templates: the given code is boilerplate
    }
    # Short answers: two right, independent ones, and the same one-liner twice.
    with_answer(students["dora"], "rank.5", "x = np.array([-2, 1, 0])")
    with_answer(students["rex"], "rank.5", "x = np.array([3.0, 0, -1])")
    with_answer(students["dora"], "rank.4", "column_basis = [[1, 2]]")
    with_answer(students["rex"], "rank.4", "column_basis = B[:, :1]")
    for name in ("dora", "rex"):
        with_answer(students[name], "rank.3", "B = np.array([[1, 2, 3], [2, 4, 6]])\nrank_B = 1")
    rows = compare_class({s: region(nb) for s, nb in students.items()}, template(), IDS)
    assert flagged(rows, "rank.11") == {frozenset(("dora", "rex"))}
    copy = next(r for r in rows if r["question"] == "rank.11")
    assert copy["similarity_a"] >= 0.95 and copy["similarity_b"] >= 0.95
    assert "<mark>" in copy["code_a"] and "&lt;=" in copy["code_a"]  # escaped, matches marked
    for q in ("rank.3", "rank.4", "rank.5"):
        assert not flagged(rows, q), q
    assert frozenset(("blank", "blank2")) not in flagged(rows)
    assert all("sol" not in pair for pair in flagged(rows))  # the solution's elimination is its own


def test_an_answer_taken_from_the_model_solution_is_flagged_as_such():
    model = model_regions(EXERCISE, IDS)
    assert model is not None and "BEGIN SOLUTION" not in "".join(model.values())
    students = {"sam": load("solution"), "dora": with_answer(load("exercise"), "rank.11", DORA)}
    rows = compare_class({s: region(nb) for s, nb in students.items()}, template(), IDS, model)
    with_model = {r["question"] for r in rows if r["b"] == MODEL and r["a"] == "sam"}
    assert {"overall", "rank.11"} <= with_model
    assert not any(r["a"] == "dora" and r["b"] == MODEL for r in rows)


def test_the_threshold_is_checked():
    with pytest.raises(ValueError, match="threshold must be in"):
        compare_class({}, {}, IDS, threshold=1.5)


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_available(), reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")
def test_grade_similarity_writes_the_pairs_and_the_summary_shows_them_side_by_side(tmp_path):
    subs = tmp_path / "subs"
    solved = load("solution")
    write(with_answer(load("solution"), "rank.11", DORA), subs, file_name("dora"))
    write(with_answer(load("solution"), "rank.11", RENAMED), subs, file_name("rex"))
    write(solved, subs, file_name("sam"))  # the published solutions, handed in
    write(load("exercise"), subs, file_name("bo"))
    out = tmp_path / "out"
    grade(subs, out, seed=1, workers=2, limits=Limits(timeout=30, cell_timeout=10), progress=False, similar=True)
    raw = (out / "similarity.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    pairs = {(r["question"], r["student_a"], r["student_b"]) for r in rows}
    assert ("rank.11", "dora_1", "rex_1") in pairs
    assert ("overall", "sam_1", MODEL) in pairs and ("rank.11", "sam_1", MODEL) in pairs
    assert not any("bo_1" in (r["student_a"], r["student_b"]) for r in rows)
    assert all(float(r["similarity_a"]) >= 0.7 or float(r["similarity_b"]) >= 0.7 for r in rows)
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "Similar answers" in page and "<mark>" in page and "dora_1" in page
    # Shards compare only their own students; merged, the whole class is compared (dora and rex are apart).
    assert shard_of("dora_1", 2) != shard_of("rex_1", 2)
    limits = Limits(timeout=30, cell_timeout=10)
    for k in (1, 2):
        grade(subs, tmp_path / f"shard{k}", seed=1, workers=1, limits=limits, progress=False, similar=True,
              shard=(k, 2))
    merge([tmp_path / "shard1", tmp_path / "shard2"], tmp_path / "merged")
    assert (tmp_path / "merged" / "similarity.csv").read_bytes() == raw
    assert (tmp_path / "merged" / "grades.csv").read_bytes() == (out / "grades.csv").read_bytes()
    # a run without --similarity forgets the comparison
    grade(subs, out, seed=1, workers=2, limits=Limits(timeout=30, cell_timeout=10), progress=False)
    assert not (out / "similarity.csv").exists()
    assert "Similar answers" not in (out / "summary.html").read_text(encoding="utf-8")
    assert json.loads((out / ".grading" / "last_run.json").read_text())["results"]


def test_the_same_answers_give_the_same_pairs_in_every_process():
    """Fingerprints must not depend on Python's per-process string hashing (shards and re-runs must agree)."""
    code = ("import sys; sys.path.insert(0, 'tests'); import json, test_grading_similarity as t\n"
            "from lalib.grading.similarity import compare_class\n"
            "regions = {'a': {'rank.11': t.DORA}, 'b': {'rank.11': t.RENAMED}, 'c': {'rank.11': t.DORA[:400]}}\n"
            "rows = compare_class(regions, {}, ['rank.11'], threshold=0.01)\n"
            "print(json.dumps([(r['a'], r['b'], r['similarity_a'], r['similarity_b'], r['matched']) for r in rows]))")
    outs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outs) == 1 and json.loads(outs.pop())
