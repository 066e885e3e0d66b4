"""Read a submitted notebook defensively and turn it into a job for the sandbox.

The grader trusts nothing in the file. It is parsed as plain JSON (never
executed, never unpickled); anything that is not an nbformat-4 notebook is an
:class:`InvalidNotebook` with a reason a student can act on. The questions
and the variable each check reads come from the *exercise* notebook in
``exercises/``, never from the submission: a check cell whose source was
edited is graded as the original, and a question whose check cell was
deleted or relabelled scores zero, saying why.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import lalib
from lalib.checks import QUESTIONS

__all__ = ["InvalidNotebook", "Assignment", "default_exercises", "load_assignment", "available_assignments",
           "read_notebook", "detect_assignment", "make_job", "CHECKS_CHANGED"]

CHECKS_CHANGED = "check cells changed"
MAX_CELL_CHARS = 1_000_000


class InvalidNotebook(ValueError):
    """The file is not a notebook the grader can run; the message says why."""


@dataclass(frozen=True)
class Assignment:
    """An exercise set: its id and, in order, each question with the variable its check reads.

    Examples
    --------
    >>> a = load_assignment("03-rank")
    >>> a.questions[0], a.max_points
    (('rank.1', 'rank_D'), 15.0)
    """

    id: str
    questions: tuple[tuple[str, str], ...]
    check_sources: dict = field(default_factory=dict, compare=False)

    @property
    def ids(self) -> list[str]:
        return [q for q, _ in self.questions]

    @property
    def max_points(self) -> float:
        return float(sum(QUESTIONS[q].points for q in self.ids))


def default_exercises() -> Path:
    """The repository's ``exercises/`` folder (next to the ``lalib`` package)."""
    return Path(lalib.__file__).resolve().parents[1] / "exercises"


def available_assignments(exercises: Path | None = None) -> list[str]:
    """Ids of the exercise sets that can be graded.

    Examples
    --------
    >>> "03-rank" in available_assignments()
    True
    """
    folder = Path(exercises) if exercises else default_exercises()
    return sorted(p.stem for p in folder.glob("*.ipynb")) if folder.is_dir() else []


def _check_call(source: str) -> tuple[str, str]:
    call = ast.parse(source.strip(), mode="eval").body
    if not (isinstance(call, ast.Call) and len(call.args) == 2 and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[1], ast.Name)):
        raise ValueError(f"not a check call: {source!r}")
    return call.args[0].value, call.args[1].id


def load_assignment(assignment: str, exercises: Path | None = None) -> Assignment:
    """The questions of ``exercises/<assignment>.ipynb``, read from its check cells.

    Raises
    ------
    ValueError
        If there is no such exercise set (the message lists those there are).
    """
    folder = Path(exercises) if exercises else default_exercises()
    path = folder / f"{assignment}.ipynb"
    if not path.is_file():
        raise ValueError(f"no exercise set {assignment!r} in {folder}; there are: "
                         f"{', '.join(available_assignments(folder)) or 'none'}")
    nb = json.loads(path.read_text(encoding="utf-8"))
    questions, sources = [], {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("lalib", {})
        if meta.get("role") == "check":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            qid, variable = _check_call(source)
            if qid != meta.get("question") or qid not in QUESTIONS:
                raise ValueError(f"{path}: a check cell's call {source!r} disagrees with its metadata")
            questions.append((qid, variable))
            sources[qid] = source.strip()
    return Assignment(assignment, tuple(questions), sources)


def read_notebook(data: bytes) -> dict:
    """Parse a submission's bytes as an nbformat-4 notebook, or raise :class:`InvalidNotebook`.

    Examples
    --------
    >>> read_notebook(b"")
    Traceback (most recent call last):
    ...
    lalib.grading.notebook.InvalidNotebook: the file is empty
    >>> read_notebook(b'{"nbformat": 3, "worksheets": []}')
    Traceback (most recent call last):
    ...
    lalib.grading.notebook.InvalidNotebook: this is an nbformat 3 notebook; open it in Jupyter and save it \
(nbformat 4), then submit again
    """
    if not data.strip():
        raise InvalidNotebook("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidNotebook("the file is not text (is it an image or another file renamed .ipynb?)") from None
    try:
        nb = json.loads(text, parse_constant=lambda c: None)
    except ValueError as exc:
        raise InvalidNotebook(f"the file is not valid notebook JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(nb, dict) or "nbformat" not in nb:
        raise InvalidNotebook("the file is JSON but not a Jupyter notebook")
    if nb.get("nbformat") != 4:
        raise InvalidNotebook(f"this is an nbformat {nb.get('nbformat')} notebook; open it in Jupyter and save it "
                              "(nbformat 4), then submit again")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise InvalidNotebook("the notebook has no list of cells")
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise InvalidNotebook(f"cell {i} is malformed")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str) or len(source) > MAX_CELL_CHARS:
            raise InvalidNotebook(f"cell {i} has a malformed or oversized source")
        cell["source"] = source
        if not isinstance(cell.get("metadata", {}), dict):
            cell["metadata"] = {}
    if not isinstance(nb.get("metadata", {}), dict):
        nb["metadata"] = {}
    return nb


def detect_assignment(nb: dict, file_name: str, known: list[str]) -> str:
    """Which exercise set a notebook answers: from its ``lalib`` metadata, else its file name."""
    meta = nb.get("metadata", {}).get("lalib", {})
    if isinstance(meta, dict):
        for value in (meta.get("source"), meta.get("chapter")):
            if isinstance(value, str):
                stem = Path(value).stem
                if stem in known:
                    return stem
    for assignment in known:
        if assignment in file_name:
            return assignment
    raise InvalidNotebook("cannot tell which exercise set this notebook answers (no lalib metadata, no set's "
                          "name in the file name): grade it with --assignment")


def make_job(nb: dict, assignment: Assignment, seeds: dict[str, int]) -> tuple[dict, dict[str, str], list[str]]:
    """The cells to run, with check cells replaced by the exercise's own checks.

    Returns
    -------
    job : dict
        ``{"cells": [...], "seeds": {...}}`` for :meth:`lalib.grading.sandbox.Sandbox.run`.
    missing : dict
        Question id -> why it cannot be graded (its check cell is gone).
    notes : list of str
        Other changes to the check cells, for the feedback.
    """
    variables = dict(assignment.questions)
    cells, seen, notes = [], {}, []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        meta = cell.get("metadata", {}).get("lalib", {})
        meta = meta if isinstance(meta, dict) else {}
        if meta.get("role") == "check":
            qid = meta.get("question")
            if qid not in variables:
                notes.append(f"cell {index} is marked as the check of {qid!r}, which this set does not have; "
                             "it was not run")
                continue
            seen[qid] = seen.get(qid, 0) + 1
            if cell["source"].strip() != assignment.check_sources[qid]:
                notes.append(f"the check cell of {qid} was edited; it was graded as the original, "
                             f"{assignment.check_sources[qid]}")
            cells.append({"index": index, "kind": "check", "question": qid, "variable": variables[qid]})
        else:
            cells.append({"index": index, "kind": "code", "source": cell["source"]})
    missing = {qid: f"the check cell of {qid} is missing (deleted, or its metadata was changed), so it could "
                    "not be graded" for qid in variables if qid not in seen}
    for qid, count in seen.items():
        if count > 1:
            notes.append(f"{qid} has {count} check cells; the last one run counts")
    return {"cells": cells, "seeds": {q: int(seeds[q]) for q in variables}}, missing, notes
