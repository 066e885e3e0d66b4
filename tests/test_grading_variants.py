"""Per-student variants: own numbers in each notebook, checks that judge them, a grader that recomputes them.

``lalib assign --roster`` writes each student's notebook; ``lalib grade --roster`` judges each submission
against the submitter's own variant, recomputed from the roster and the secret, so a friend's notebook or
the published solutions score only where their answers happen to be right for the submitter's numbers.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lalib import checks
from lalib.assign import assign_roster, render
from lalib.checks import check, question
from lalib.checks import rank as rank_bank
from lalib.cli import main as cli_main
from lalib.grading import Limits, grade
from lalib.grading.sandbox import bwrap_available
from lalib.grading.variants import (ClassVariants, RosterError, Roster, load_roster, student_notebook,
                                    variant_seed)

ROOT = Path(__file__).resolve().parents[1]
SOLUTION, EXERCISE = ROOT / "solutions" / "03-rank.ipynb", ROOT / "exercises" / "03-rank.ipynb"
SECRET = 424242
PARAMETRIC = rank_bank.VARIANT_QUESTIONS


@pytest.fixture(autouse=True)
def no_variant_left():
    """use_variant is kernel-wide state: never let one test's variant leak into another."""
    yield
    checks._VARIANTS.clear()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.json"
    path.write_text(json.dumps({"lalib_grading_secret": 1, "seed": SECRET}))
    return path


def write_roster(path: Path, ids, header="id") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([header, "name"])
        w.writerows([[i, f"Student {i}"] for i in ids])
    return path


def answers_for(p: rank_bank.Parameters) -> dict[str, str]:
    """A student's right answers to the parametric questions for the numbers ``p``, as answer cells."""
    a, b, c = p.row
    m, n = p.shape
    r = p.rank
    e = (0, 0, 0, 1) if any(p.w[:3]) else (1, 0, 0, 0)
    return {
        "rank.1": f"rank_D = {sum(p.diagonal)}",
        "rank.2": f"nullity_D = {len(p.diagonal) - sum(p.diagonal)}",
        "rank.4": f"column_basis = [[{a}, {a * p.multiple}]]",
        "rank.5": f"x = np.array([{b}, {-a}, 0])",
        "rank.6": f"null_basis = [[{b}, {-a}, 0], [{c}, 0, {-a}]]",
        "rank.9": f"dims = np.array([{r}, {r}, {n - r}, {m - r}])",
        "rank.10": f"w = np.array({list(p.w)}); e = np.array({list(e)})\nM = np.column_stack([w, e, w + e])",
    }


def with_answers(nb, answers: dict[str, str]):
    for cell in nb.cells:
        meta = cell.metadata.get("lalib", {})
        if meta.get("role") == "answer" and meta.get("question") in answers:
            given = [ln for ln in cell.source.splitlines() if ln.startswith(("D = ", "B = "))]
            cell.source = "\n".join(given + [answers[meta["question"]]])
    return nb


def run_cells(nb) -> dict:
    """Run a notebook's setup and answer cells here, the way a kernel would (no kernel needed)."""
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("lalib", {}).get("role") in ("setup", "answer"):
            exec(compile(cell.source, "<cell>", "exec"), namespace)  # noqa: S102 - our own test notebook
    return namespace


def test_the_book_variant_is_the_books_notebook_text():
    """variant_text(None) is exactly what the notebook says: the table can find every number it replaces."""
    nb = nbformat.read(SOLUTION, as_version=4)
    cells = {c.get("id"): c.source for c in nb.cells}
    for cell_id, pieces in rank_bank.variant_text(None).items():
        for text in pieces.values():
            assert cells[cell_id].count(text) == 1, (cell_id, text)
    book = rank_bank.parameters(None)
    assert np.array_equal(book.D, rank_bank.DIAGONAL) and np.array_equal(book.B, rank_bank.B)


def test_variants_change_numbers_but_never_how_an_answer_is_encoded():
    """The grader encodes with the book's questions and judges with the student's: kinds and shapes must agree."""
    for v in range(30):
        for qid in [q.id for q in rank_bank.questions()]:
            book, mine = question(qid), question(qid, v)
            assert (book.kind, book.variable, book.points) == (mine.kind, mine.variable, mine.points)
            assert getattr(book, "shape", None) == getattr(mine, "shape", None)
            if book.kind == "subspace":
                assert book.ambient == mine.ambient
    # ... and they do change the answers: the book's answer is wrong for most students
    book = run_cells(nbformat.read(SOLUTION, as_version=4))
    for qid in PARAMETRIC:
        data = question(qid).encode(book[question(qid).variable])
        wrong = sum(not question(qid, v).judge(data).passed for v in range(30))
        assert wrong >= 15, (qid, wrong)


def test_a_variant_seed_needs_the_secret_and_differs_by_student_set_and_secret():
    seeds = {variant_seed(SECRET, "rank", s) for s in ("101", "102", "103")}
    assert len(seeds) == 3
    assert variant_seed(SECRET, "rank", "101") != variant_seed(SECRET + 1, "rank", "101")
    assert variant_seed(SECRET, "rank", "101") != variant_seed(SECRET, "eigen", "101")
    assert variant_seed(SECRET, "rank", "101") == variant_seed(SECRET, "rank", "101")


def test_the_roster_reads_canvas_and_moodle_exports_and_names_what_is_wrong(tmp_path):
    canvas = tmp_path / "canvas.csv"
    canvas.write_text('\ufeffStudent,ID,SIS User ID\n    Points Possible,,\n"Doe, Jane",12345,s1\n', encoding="utf-8")
    assert load_roster(canvas).ids == ("12345",)
    moodle = tmp_path / "moodle.csv"
    moodle.write_text("Identifier;Full name\nParticipant 123456;Jane Doe\n", encoding="utf-8")
    assert load_roster(moodle).ids == ("123456",)
    bad = write_roster(tmp_path / "bad.csv", ["1"], header="who")
    with pytest.raises(RosterError, match="needs a column naming each student"):
        load_roster(bad)
    twice = write_roster(tmp_path / "twice.csv", ["7", "7"])
    with pytest.raises(RosterError, match="line 3: the id '7' is listed twice"):
        load_roster(twice)
    with pytest.raises(RosterError, match="does not exist"):
        load_roster(tmp_path / "nope.csv")
    r = Roster(("12345", "45"))
    assert (r.match("doe_jane_12345"), r.match("Jane_Doe_45"), r.match("x_345")) == ("12345", "45", None)


def test_assign_writes_one_notebook_per_student_with_their_own_numbers(tmp_path, secret_file, capsys):
    roster = write_roster(tmp_path / "roster.csv", ["101", "102"])
    dest = tmp_path / "by-student"
    assert cli_main(["assign", "--source", str(ROOT / "solutions"), "--roster", str(roster), "--dest", str(dest),
                     "--secret", str(secret_file)]) == 0
    out = capsys.readouterr().out
    assert "03-rank.ipynb: one variant per student" in out and "06-eigen.ipynb: the same for everyone" in out
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.ipynb")) == \
        ["101/03-rank.ipynb", "102/03-rank.ipynb"]
    mine = nbformat.read(dest / "101" / "03-rank.ipynb", as_version=4)
    seed = variant_seed(SECRET, "rank", "101")
    p = rank_bank.parameters(seed)
    text = {c.get("id"): c.source for c in mine.cells}
    assert f"use_variant(\"rank\", {seed})" in text["setup"] and mine.metadata["lalib"]["student"] == "101"
    assert f"D = np.diag({list(p.diagonal)})" in text["rank-1-answer"]
    assert f"${p.shape[0]} \\times {p.shape[1]}$ and has rank {p.rank}" in text["rank-9-prompt"]
    assert "BEGIN SOLUTION" not in json.dumps(mine)  # still the exercise: no solution leaks
    # deterministic, and the ordinary exercises are untouched
    again = tmp_path / "again"
    assign_roster(ROOT / "solutions", roster, again, secret_file)
    assert (again / "101" / "03-rank.ipynb").read_bytes() == (dest / "101" / "03-rank.ipynb").read_bytes()
    assert render(nbformat.read(EXERCISE, as_version=4)) == EXERCISE.read_text(encoding="utf-8")


def test_the_notebooks_checks_judge_the_students_own_numbers(secret_file):
    """In the student's notebook, ✅ for their own answers and ❌ for the book's (or a friend's)."""
    seed = variant_seed(SECRET, "rank", "101")
    p = rank_bank.parameters(seed)
    nb = student_notebook(nbformat.read(SOLUTION, as_version=4), "rank", "101", SECRET)
    own = run_cells(with_answers(nb, answers_for(p)))
    variables = {q.id: q.variable for q in rank_bank.questions()}
    assert all(check(q, own[variables[q]]).passed for q in PARAMETRIC)
    book = run_cells(student_notebook(nbformat.read(SOLUTION, as_version=4), "rank", "101", SECRET))
    wrong = [q for q in PARAMETRIC if not check(q, book[variables[q]]).passed]
    assert len(wrong) >= 4, wrong
    checks.use_variant("rank", None)  # the book's notebook: the book's answers pass again
    assert all(check(q, book[variables[q]]).passed for q in PARAMETRIC)


def test_grading_with_a_roster_needs_the_secret_the_variants_were_drawn_with(tmp_path):
    roster = write_roster(tmp_path / "roster.csv", ["1"])
    with pytest.raises(ValueError, match="no grading secret at"):
        ClassVariants(roster, tmp_path / "missing.json")


needs_bwrap = pytest.mark.skipif(not bwrap_available(),
                                 reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")


@pytest.mark.slow
@needs_bwrap
def test_the_grader_scores_every_submission_against_its_submitters_own_variant(tmp_path, secret_file):
    ids = ["101", "102", "103"]
    roster = write_roster(tmp_path / "roster.csv", ids)
    seeds = {s: variant_seed(SECRET, "rank", s) for s in ids}
    solution = nbformat.read(SOLUTION, as_version=4)
    own = with_answers(student_notebook(solution, "rank", "101", SECRET),
                       answers_for(rank_bank.parameters(seeds["101"])))
    subs = tmp_path / "subs"
    subs.mkdir()
    handed_in = {
        "ann_101": own,                               # her own numbers, right
        "ben_102": own,                               # Ann's notebook, numbers and answers
        "cat_103": solution,                          # the published solutions
        "dev_999": own,                               # not on the roster
    }
    for key, nb in handed_in.items():
        nbformat.write(nb, subs / f"{key}_1_03-rank.ipynb")
    graded = {g.student: g for g in grade(subs, tmp_path / "out", workers=2, secret=secret_file, roster=roster,
                                          limits=Limits(timeout=60, cell_timeout=20), progress=False)}
    assert set(graded) == set(handed_in)

    def expected(nb, sid) -> dict[str, str]:
        """What each parametric answer in ``nb`` deserves against student ``sid``'s own numbers."""
        namespace = run_cells(nb)
        checks._VARIANTS.clear()  # the notebook's own use_variant is not what counts
        return {q: question(q, seeds[sid]).judge(question(q).encode(namespace[question(q).variable])).status
                for q in PARAMETRIC}

    statuses = {k: {q: g.questions[q]["status"] for q in PARAMETRIC} for k, g in graded.items()}
    assert statuses["ann_101"] == {q: "passed" for q in PARAMETRIC}
    for key, sid in (("ben_102", "102"), ("cat_103", "103")):
        assert statuses[key] == expected(handed_in[key], sid), key
        assert sum(s == "failed" for s in statuses[key].values()) >= 4, (key, statuses[key])
    assert "made for another student (101)" in " ".join(graded["ben_102"].notes)
    assert graded["cat_103"].questions["rank.11"]["status"] == "passed"  # the same for everyone: still right
    dev = graded["dev_999"].questions
    assert all(dev[q]["points"] == 0 and "not on the roster" in dev[q]["message"] for q in PARAMETRIC)
    assert dev["rank.7"]["status"] == "passed"
    # Without a roster nothing changes: the published solutions get the book's full marks.
    plain = {g.student: g for g in grade(subs, tmp_path / "plain", workers=2, secret=secret_file,
                                         limits=Limits(timeout=60, cell_timeout=20), progress=False)}
    assert all(plain["cat_103"].questions[q]["status"] == "passed" for q in PARAMETRIC)
    shutil.rmtree(tmp_path / "plain")
