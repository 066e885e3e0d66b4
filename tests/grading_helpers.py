"""Build submissions for the grading tests from the real exercise set, programmatically."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "03-rank.ipynb"
EXERCISE = ROOT / "exercises" / "03-rank.ipynb"
FULL, MAX = 13.0, 15.0  # the honest solutions: everything but the free text (2 points, recorded)

_CACHE: dict = {}


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


ANSWER_NAMES = {"rank.1": "rank_D", "rank.2": "nullity_D", "rank.3": "rank_B", "rank.4": "column_basis",
                "rank.5": "x", "rank.6": "null_basis", "rank.7": "independent", "rank.8": "large_null_space",
                "rank.9": "dims", "rank.10": "M", "rank.11": "rank_by_elimination", "rank.12": "low_rank"}


def write(nb, folder: Path, name: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(folder, name) if isinstance(name, str) else Path(os.fsdecode(os.fsencode(folder) + b"/" + name))
    text = nbformat.writes(nb)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
