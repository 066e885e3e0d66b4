"""Read a submitted notebook defensively and turn it into a job for the sandbox.

The grader trusts nothing in the file. It is parsed as plain JSON (never
executed, never unpickled); anything that is not an nbformat-4 notebook is an
:class:`InvalidNotebook` with a reason a student can act on. The questions
and the variable each check reads come from the *exercise* notebook in
``exercises/``, never from the submission: a check cell whose source was
edited is graded as the original, and a question whose check cell was
deleted or relabelled scores zero, saying why; a check cell that merely lost
its metadata (retyped, or stripped by another editor) is found by its check
call and graded, with a note.

An exercise set is known by the stable id in its metadata
(``metadata["lalib"]["assignment"]``, e.g. ``"rank"``), so renumbering a file
never breaks grading; a notebook without one is known by its file stem, and
the stem (``"03-rank"``) is always accepted as an alias.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import lalib
from lalib.checks import question

__all__ = ["InvalidNotebook", "Assignment", "default_exercises", "load_assignment", "available_assignments",
           "assignment_aliases", "read_notebook", "detect_assignment", "make_job", "CHECKS_CHANGED"]

CHECKS_CHANGED = "check cells changed"
MAX_CELL_CHARS = 1_000_000
MAX_CELLS = 5_000
MAX_CODE_CHARS = 4_000_000  # all code cells together: what a job holds in memory until it runs


class InvalidNotebook(ValueError):
    """The file is not a notebook the grader can run; the message says why."""


@dataclass(frozen=True)
class Assignment:
    """An exercise set: its id and, in order, each question with the variable its check reads.

    Examples
    --------
    >>> a = load_assignment(available_assignments()[0])
    >>> a.questions[0][0] == a.ids[0] and a.max_points > 0
    True
    """

    id: str
    questions: tuple[tuple[str, str], ...]
    check_sources: dict = field(default_factory=dict, compare=False)
    file: str = ""

    @property
    def digest(self) -> str:
        """Hash of the questions and their check cells: what a graded run depends on."""
        text = json.dumps([self.questions, sorted(self.check_sources.items())])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def ids(self) -> list[str]:
        return [q for q, _ in self.questions]

    @property
    def max_points(self) -> float:
        return float(sum(question(q).points for q in self.ids))


def default_exercises() -> Path:
    """The repository's ``exercises/`` folder (next to the ``lalib`` package)."""
    return Path(lalib.__file__).resolve().parents[1] / "exercises"


def _stable_id(path: Path) -> str:
    """The set's stable id from its metadata, else its file stem (older notebooks)."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("lalib", {})
    except (OSError, ValueError, AttributeError):
        return path.stem
    value = meta.get("assignment") if isinstance(meta, dict) else None
    return value if isinstance(value, str) and value.strip() else path.stem


def resolve(name: str, aliases: dict[str, str]) -> str | None:
    """The stable id a name means: a known alias, or ``NN-<id>`` (a set's old, numbered spelling).

    Examples
    --------
    >>> resolve("03-rank", {"07-rank": "rank", "rank": "rank"})
    'rank'
    >>> resolve("03-svd", {"rank": "rank"}) is None
    True
    """
    if name in aliases:
        return aliases[name]
    match = re.fullmatch(r"\d+-(.+)", name)
    return aliases.get(match.group(1)) if match and aliases.get(match.group(1)) == match.group(1) else None


def assignment_aliases(exercises: Path | None = None) -> dict[str, str]:
    """Every name an exercise set answers to (stable id and file stem) -> its stable id.

    Examples
    --------
    >>> aliases = assignment_aliases()
    >>> all(aliases[stable] == stable for stable in aliases.values())
    True
    """
    folder = Path(exercises) if exercises else default_exercises()
    out: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.ipynb")):
            stable = _stable_id(path)
            out.setdefault(path.stem, stable)
            out[stable] = stable
    return out


def available_assignments(exercises: Path | None = None) -> list[str]:
    """Stable ids of the exercise sets that can be graded.

    Examples
    --------
    >>> len(available_assignments()) >= 1
    True
    """
    return sorted(set(assignment_aliases(exercises).values()))


def _file_of(stable: str, folder: Path) -> Path | None:
    for path in sorted(folder.glob("*.ipynb")):
        if _stable_id(path) == stable:
            return path
    return None


def _check_call(source: str) -> tuple[str, str]:
    call = ast.parse(source.strip(), mode="eval").body
    if not (isinstance(call, ast.Call) and len(call.args) == 2 and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[1], ast.Name)):
        raise ValueError(f"not a check call: {source!r}")
    return call.args[0].value, call.args[1].id


def load_assignment(assignment: str, exercises: Path | None = None) -> Assignment:
    """The questions of an exercise set, read from its check cells.

    Parameters
    ----------
    assignment : str
        The set's stable id (``"rank"``) or its file stem (``"03-rank"``).
    exercises : path, optional
        Folder of exercise notebooks; default the repository's ``exercises/``.

    Raises
    ------
    ValueError
        If there is no such exercise set (the message lists those there are).
    """
    folder = Path(exercises) if exercises else default_exercises()
    stable = resolve(assignment, assignment_aliases(folder)) if isinstance(assignment, str) else None
    path = _file_of(stable, folder) if stable else None
    if path is None:
        raise ValueError(f"no exercise set {assignment!r} in {folder}; there are: "
                         f"{', '.join(available_assignments(folder)) or 'none'}")
    nb = json.loads(path.read_text(encoding="utf-8"))
    questions, sources = [], {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("lalib", {})
        if meta.get("role") == "check":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            qid, variable = _check_call(source)
            try:
                question(qid)
            except LookupError:
                qid = None
            if qid is None or qid != meta.get("question"):
                raise ValueError(f"{path}: a check cell's call {source!r} disagrees with its metadata")
            questions.append((qid, variable))
            sources[qid] = source.strip()
    return Assignment(stable, tuple(questions), sources, path.name)


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
    except json.JSONDecodeError as exc:
        raise InvalidNotebook(f"the file is not valid notebook JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InvalidNotebook("the file is not a notebook: its JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise InvalidNotebook(f"the file is not a notebook the grader can read ({str(exc)[:120]})") from None
    if not isinstance(nb, dict) or "nbformat" not in nb:
        raise InvalidNotebook("the file is JSON but not a Jupyter notebook")
    if nb.get("nbformat") != 4:
        raise InvalidNotebook(f"this is an nbformat {nb.get('nbformat')} notebook; open it in Jupyter and save it "
                              "(nbformat 4), then submit again")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise InvalidNotebook("the notebook has no list of cells")
    if len(cells) > MAX_CELLS:
        raise InvalidNotebook(f"the notebook has {len(cells):,} cells, more than {MAX_CELLS:,}")
    code_chars = 0
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise InvalidNotebook(f"cell {i} is malformed")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str) or len(source) > MAX_CELL_CHARS:
            raise InvalidNotebook(f"cell {i} has a malformed or oversized source")
        cell["source"] = source
        cell["metadata"] = {"lalib": _lalib_meta(cell.get("metadata"))}
        if cell["cell_type"] == "code":
            code_chars += len(source)
            if code_chars > MAX_CODE_CHARS:
                raise InvalidNotebook(f"the notebook's code is larger than {MAX_CODE_CHARS:,} characters")
    meta = nb.get("metadata")
    lalib_meta = meta.get("lalib") if isinstance(meta, dict) else None
    nb["metadata"] = {"lalib": {k: v for k, v in lalib_meta.items() if isinstance(k, str) and isinstance(v, str)}
                      if isinstance(lalib_meta, dict) else {}}
    return nb


def _lalib_meta(meta) -> dict:
    """A cell's ``lalib`` metadata reduced to what the grader reads, each a short string, or ``{}``."""
    lalib_meta = meta.get("lalib") if isinstance(meta, dict) else None
    if not isinstance(lalib_meta, dict):
        return {}
    return {k: lalib_meta[k] for k in ("role", "question")
            if isinstance(lalib_meta.get(k), str) and len(lalib_meta[k]) <= 100}


def detect_assignment(nb: dict, file_name: str, known) -> str:
    """Which exercise set a notebook answers: from its ``lalib`` metadata, else its file name.

    Parameters
    ----------
    nb : dict
        A notebook from :func:`read_notebook`.
    file_name : str
    known : mapping or list of str
        Name -> stable id (:func:`assignment_aliases`), or a list of ids.

    Examples
    --------
    >>> detect_assignment({"metadata": {"lalib": {"assignment": "rank"}}}, "x.ipynb", {"03-rank": "rank", "rank": "rank"})
    'rank'
    >>> detect_assignment({"metadata": {}}, "doe_1_2_03-rank.ipynb", {"03-rank": "rank", "rank": "rank"})
    'rank'
    """
    aliases = dict(known) if isinstance(known, dict) else {k: k for k in known}
    meta = nb.get("metadata", {}).get("lalib", {})
    if isinstance(meta, dict):
        for value in (meta.get("assignment"), meta.get("source"), meta.get("chapter")):
            if isinstance(value, str):
                for name in (value, Path(value).stem):
                    if resolve(name, aliases):
                        return resolve(name, aliases)
    for name in sorted(aliases, key=len, reverse=True):  # "03-rank-extra" before "03-rank"
        if name in file_name:
            return aliases[name]
    for match in re.finditer(r"\d+-[\w-]+?(?=\.ipynb$|$)", file_name):  # an old, numbered spelling
        if resolve(match.group(0), aliases):
            return resolve(match.group(0), aliases)
    raise InvalidNotebook("cannot tell which exercise set this notebook answers (no lalib metadata, no set's "
                          "name in the file name): grade it with --assignment")


def _as_check_call(source: str) -> tuple[str, str] | None:
    try:
        return _check_call(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


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
    code_cells = [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    marked = {c["metadata"]["lalib"].get("question") for _, c in code_cells
              if c["metadata"]["lalib"].get("role") == "check"}
    cells, seen, notes = [], {}, []
    for index, cell in code_cells:
        meta = cell["metadata"]["lalib"]
        qid = meta.get("question")
        if (meta.get("role") != "check" or qid not in variables) and len(cell["source"]) < 500:
            call = _as_check_call(cell["source"])
            if call is not None and call[0] in variables and call[0] not in marked and call[1] == variables[call[0]]:
                qid = call[0]
                notes.append(f"the check cell of {qid} had lost its metadata (retyped, or stripped by another "
                             "editor); it was found by its check call and graded")
                meta = {"role": "check", "question": qid}
        if meta.get("role") == "check":
            if qid not in variables:
                notes.append(f"cell {index} is marked as the check of {qid!r}, which this set does not have; "
                             "it was not run")
                continue
            seen[qid] = seen.get(qid, 0) + 1
            if cell["source"].strip() != assignment.check_sources[qid] and _as_check_call(cell["source"]) != \
                    (qid, variables[qid]):
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
