"""Build submissions for the grading tests from the real exercise sets, programmatically.

Nothing here names a chapter: the sets are ``solutions/*.ipynb`` paired with
``exercises/*.ipynb``, the questions and the variable each check reads come
from the exercise's check cells, and the points from the question bank. A new
chapter's files are picked up by themselves.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import nbformat

from lalib.checks import question
from lalib.grading.notebook import load_assignment

ROOT = Path(__file__).resolve().parents[1]
#: One (solution, exercise) pair per exercise set, in file order.
SETS = [(s, ROOT / "exercises" / s.name) for s in sorted((ROOT / "solutions").glob("*.ipynb"))
        if (ROOT / "exercises" / s.name).is_file()]
SOLUTION, EXERCISE = SETS[0]            # the set the adversarial corpus is built from
STEM = SOLUTION.stem                    # its file stem, e.g. "03-rank" (submission file names end in it)
ASSIGNMENT = load_assignment(STEM, ROOT / "exercises")
#: Question id -> the variable its check reads.
ANSWER_NAMES = dict(ASSIGNMENT.questions)
MAX = ASSIGNMENT.max_points
#: The honest solution's score: everything but the free text (recorded, marked by the instructor).
FULL = MAX - sum(question(q).points for q in ASSIGNMENT.ids if question(q).kind == "free-text")

_CACHE: dict = {}


def full_and_max(stem: str) -> tuple[float, float]:
    """The honest solution's score and the maximum of one exercise set, from its check cells and the bank."""
    a = load_assignment(stem, ROOT / "exercises")
    free = sum(question(q).points for q in a.ids if question(q).kind == "free-text")
    return a.max_points - free, a.max_points


def of_kind(kind: str) -> list[str]:
    """The ids of this set's questions of one kind ("number", "choice", "function", ...)."""
    return [q for q in ASSIGNMENT.ids if question(q).kind == kind]


def points(qid: str) -> float:
    return float(question(qid).points)


def load(which: str) -> nbformat.NotebookNode:
    """A fresh copy of the solution ("solution") or exercise ("exercise") notebook."""
    path = SOLUTION if which == "solution" else EXERCISE
    if path not in _CACHE:
        _CACHE[path] = nbformat.read(path, as_version=4)
    return copy.deepcopy(_CACHE[path])


def code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"lalib": {"schema": 1, "role": "answer"}})


def with_cell(nb, source: str, where: str = "start") -> nbformat.NotebookNode:
    """Insert a code cell after the setup cell ("start") or at the end ("end")."""
    cell = code(source)
    if where == "start":
        nb.cells.insert(2, cell)
    else:
        nb.cells.append(cell)
    return nb


def cell_of(nb, qid: str, role: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("lalib", {}).get("question") == qid
                and c.metadata["lalib"].get("role") == role)


def set_answers(nb, values: dict) -> nbformat.NotebookNode:
    """Replace the answer cell of each question by one assignment ``name = <expr>``."""
    for qid, (name, expr) in values.items():
        cell_of(nb, qid, "answer").source = f"{name} = {expr}"
    return nb


def file_name(student: str) -> str:
    """A Canvas-style file name for this set: ``<student>_1_1_<stem>.ipynb``."""
    return f"{student}_1_1_{STEM}.ipynb"


def write(nb, folder: Path, name: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(folder, name) if isinstance(name, str) else Path(os.fsdecode(os.fsencode(folder) + b"/" + name))
    text = nbformat.writes(nb)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
