"""The instructor's guide's commands, run as written, in a temporary copy of the course, on a sample class.

``instructors/guide.md`` marks every command it shows as run with a
``{code-block} console`` block of class ``instructor-run``: lines starting
with ``$ `` are commands (a trailing ``\\`` continues one), the other lines are
what the instructor sees. The test copies the course's exercise material to
a temporary folder, puts there what the instructor would have at that point
(the Canvas gradebook export and the zip of the class's submissions, built by
:func:`make_class`), runs the blocks in order with ``bash`` and checks that
each command succeeds and that every line the guide shows is in what the
command printed (``...`` in a shown line stands for any text, a line of only
``...`` for lines left out).

Slow: it assigns, grades a class twice and exports. ``make_class`` is also how
the guide's outputs were produced::

    .venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); import test_instructor_guide as t; t.make_class(...)"
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "instructors" / "guide.md"
GRADEBOOK = ROOT / "tests" / "fixtures" / "lms" / "canvas_gradebook_export.csv"
BLOCK = re.compile(r"^```\{code-block\} console\n((?::[a-z-]+:[^\n]*\n)*)\n?(.*?)^```", re.M | re.S)


def blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """The guide's run blocks: for each, its (command, shown output lines) in order."""
    out = []
    for m in BLOCK.finditer(text):
        if "instructor-run" not in m.group(1):
            continue
        steps: list[tuple[str, list[str]]] = []
        pending = ""
        for line in m.group(2).splitlines():
            if pending or line.startswith("$ "):
                part = line[2:] if not pending else line.lstrip()
                if part.endswith("\\"):
                    pending += part[:-1].rstrip() + " "
                    continue
                steps.append((pending + part, []))
                pending = ""
            elif steps:
                steps[-1][1].append(line)
        out.append(steps)
    return out


def shown_in(shown: list[str], printed: str) -> list[str]:
    """The shown lines not found in what was printed (``...`` is a wildcard)."""
    missing = []
    lines = [ln.rstrip() for ln in printed.replace("\ufeff", "").splitlines()]  # a CSV's byte-order mark
    for want in shown:
        want = want.rstrip()
        if not want.strip() or want.strip() == "...":
            continue
        pattern = re.compile("^" + ".*".join(re.escape(p) for p in want.split("...")) + "$")
        if not any(pattern.match(ln) for ln in lines):
            missing.append(want)
    return missing


# --- the sample class -------------------------------------------------------------------------

def _answer_cells(nb):
    return {c.metadata["lalib"]["question"]: c for c in nb.cells
            if c.metadata.get("lalib", {}).get("role") == "answer" and c.metadata["lalib"].get("question")}


def _own_answers(seed: int | None) -> dict[str, str]:
    """Right answers to the parametric questions of 03-rank for one variant seed (None: the book's)."""
    from lalib.checks import rank as bank
    p = bank.parameters(seed)
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


def _filled(exercise, solution, answers: dict[str, str]):
    """The student's own exercise notebook with answers: ``answers`` where given, else the solution's."""
    nb = json.loads(json.dumps(exercise))
    nb = nbformat.from_dict(nb)
    sol = _answer_cells(solution)
    for qid, cell in _answer_cells(nb).items():
        given = [ln for ln in cell.source.splitlines() if ln.startswith(("D = ", "B = "))]
        body = answers.get(qid)
        if body is None:
            body = "\n".join(ln for ln in sol[qid].source.splitlines()
                             if not ln.startswith("###") and not ln.startswith(("D = ", "B = ")))
        cell.source = "\n".join(given + [body])
    return nb


JANE_FUNCTION = '''def rank_by_elimination(A, tol=None):
    M = np.array(A, dtype=float)
    rows, cols = M.shape
    eps = (1e-10 if tol is None else tol) * np.abs(M).max() if M.size else 0.0
    rank = 0
    for j in range(cols):
        if rank == rows:
            break
        best = rank + int(np.argmax(np.abs(M[rank:, j])))
        if abs(M[best, j]) <= eps:
            continue
        M[[rank, best]] = M[[best, rank]]
        for i in range(rank + 1, rows):
            M[i] -= (M[i, j] / M[rank, j]) * M[rank]
        rank += 1
    return rank'''

RICK_FUNCTION = '''def rank_by_elimination(A, tol=None):
    U = np.array(A, dtype=float)
    if U.size == 0:
        return 0
    limit = np.abs(U).max() * (tol if tol is not None else 1e-10)
    pivots = col = 0
    while pivots < U.shape[0] and col < U.shape[1]:
        below = np.abs(U[pivots:, col])
        if below.max() > limit:
            k = pivots + below.argmax()
            U[[pivots, k]] = U[[k, pivots]]
            U[pivots + 1:] = U[pivots + 1:] - np.outer(U[pivots + 1:, col], U[pivots]) / U[pivots, col]
            pivots += 1
        col += 1
    return pivots'''


def make_class(course: Path, zip_path: Path, secret: Path) -> None:
    """The sample class's Canvas download: five hand-ins of 03-rank from the gradebook's students.

    Jane (12345) answers everything for her own numbers; Rick (22222, late) gets two wrong;
    Sam (30001) hands in the published solutions; Ada (33333) hands in Jane's notebook with the
    function's names changed; Bao (44444) hands in his notebook unanswered.
    """
    from lalib.grading.store import load_secret
    from lalib.grading.variants import variant_seed
    master = load_secret(secret)
    solution = nbformat.read(course / "solutions" / "03-rank.ipynb", as_version=4)
    mine = lambda sid: nbformat.read(course / "exercises-by-student" / sid / "03-rank.ipynb", as_version=4)  # noqa
    own = lambda sid: _own_answers(variant_seed(master, "rank", sid))  # noqa: E731
    jane = _filled(mine("12345"), solution, {
        **own("12345"), "rank.11": JANE_FUNCTION,
        "rank.12": 'low_rank = "The 100 features vary along only 5 directions: the data is 5-dimensional."'})
    rick = _filled(mine("22222"), solution, {
        **own("22222"), "rank.3": "rank_B = 2", "rank.7": 'independent = "A"', "rank.11": RICK_FUNCTION,
        "rank.12": 'low_rank = "Rank 5: the matrix is a 100x5 times a 5x100 product, far fewer numbers."'})
    sam = json.loads(json.dumps(solution))
    ada = nbformat.from_dict(json.loads(json.dumps(jane)))
    fn = _answer_cells(ada)["rank.11"]
    for old_name, new_name in (("rank", "r"), ("rows", "m"), ("cols", "n"), ("best", "k"), ("eps", "cut")):
        fn.source = re.sub(rf"\b{old_name}\b", new_name, fn.source)
    fn.source = fn.source.replace("def r_by_elimination", "def rank_by_elimination")
    files = {"doejane_12345_6001_03-rank.ipynb": jane, "roerick_LATE_22222_6002_03-rank.ipynb": rick,
             "leesam_30001_6003_03-rank.ipynb": nbformat.from_dict(sam),
             "kimada_33333_6004_03-rank.ipynb": ada, "nguyenbao_44444_6005_03-rank.ipynb": mine("44444")}
    with zipfile.ZipFile(zip_path, "w") as z:
        for name, nb in files.items():
            z.writestr(name, nbformat.writes(nb))


def course_copy(dest: Path) -> Path:
    """What an instructor's fork holds that the guide's commands read."""
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, dest / folder)
    write_gradebook(dest / "Grades-LA4DL.csv")
    return dest


def write_gradebook(path: Path) -> None:
    """Canvas's gradebook export once the instructor has created the assignment "Rank exercises" (16 points)."""
    import csv
    import io
    rows = list(csv.reader(io.StringIO(GRADEBOOK.read_text(encoding="utf-8-sig"))))
    at = rows[0].index("Eigen exercises (48220)") + 1
    for i, row in enumerate(rows):
        row.insert(at, "Rank exercises (48215)" if i == 0 else "16.00" if row[0].strip() == "Points Possible"
                   else "")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")


# --- the test ---------------------------------------------------------------------------------

def test_the_guide_marks_its_commands():
    steps = [s for b in blocks(GUIDE.read_text(encoding="utf-8")) for s in b]
    commands = " ".join(c for c, _ in steps)
    for needed in ("lalib init", "lalib assign --roster", "lalib grade submissions.zip", "--similarity",
                   "lalib export canvas", "--merge-free-response"):
        assert needed in commands, needed
    assert blocks("```{code-block} console\n:class: instructor-run\n\n$ a \\\n  b\nout\n$ c\n```\n") == [
        [("a b", ["out"]), ("c", [])]]
    assert shown_in(["graded ... submissions (ok: ...)", "..."], "x\ngraded 5 submissions (ok: 5)\n") == []
    assert shown_in(["graded 6 submissions"], "graded 5 submissions") == ["graded 6 submissions"]


@pytest.mark.slow
def test_the_guides_commands_run_as_written(tmp_path):
    course = course_copy(tmp_path / "la4dl")
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "LC_ALL": "C.UTF-8"}
    env.pop("LALIB_GRADING_SECRET", None)
    secret = tmp_path / "config" / "lalib" / "grading-secret.json"
    for steps in blocks(GUIDE.read_text(encoding="utf-8")):
        for command, shown in steps:
            if "submissions.zip" in command and not (course / "submissions.zip").exists():
                make_class(course, course / "submissions.zip", secret)  # the class hands in
            if command.startswith("lalib grade --merge-free-response"):
                _mark_free_text(course / "grading" / "free_response.csv")  # the instructor marks by hand
            done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=course, env=env,
                                  capture_output=True, text=True, timeout=900)
            printed = done.stdout + done.stderr
            assert done.returncode == 0, f"{command}\n{printed[-3000:]}"
            assert not shown_in(shown, printed), f"{command}: shown but not printed {shown_in(shown, printed)}" \
                                                  f"\n{printed[-3000:]}"
    # What the guide says of the totals it cannot show (they depend on the random secret).
    import csv
    with open(course / "grading" / "grades.csv", encoding="utf-8-sig") as fh:
        total = {r["student"]: float(r["total"]) for r in csv.DictReader(fh)}
    assert total["doejane_12345"] == 16
    assert total["leesam_30001"] < 16 and total["kimada_33333"] < 16


def _mark_free_text(path: Path) -> None:
    """What the instructor does in a spreadsheet: a score (and a comment) for each free-text answer."""
    import csv
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        row["score"] = "2" if row.get("answer", "").strip() else "0"
        row["comment"] = "clear" if row["score"] == "2" else ""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
