"""Per-student variants: each student's numbers come from a seed only the instructor can compute.

PrairieLearn's model. A question bank that has variants draws the numbers of
its parametric questions from a *variant seed* (``questions(variant)``, e.g.
:mod:`lalib.checks.rank`), and lists in ``VARIANT_TEXT``/``variant_text`` where
those numbers stand in the exercise notebook. The seed of one student is

    HMAC-SHA256(instructor secret, "lalib-variant" | exercise set id | student id)

so a student cannot compute a classmate's seed, and the same roster and
secret always give the same seeds (shards, re-grades, ``lalib assign`` and
``lalib grade`` agree).

* ``lalib assign --roster roster.csv`` writes one notebook per student whose
  first cell calls ``use_variant(set, seed)``, so its checks judge that
  student's own numbers (:func:`student_notebook`);
* ``lalib grade --roster roster.csv`` recomputes each student's seed from the
  roster and the secret (:func:`Roster.variant_of`), never reading the
  notebook's copy: a student who hands in a friend's notebook, or the
  published solutions, is scored against their *own* numbers.

The roster is a CSV file with a column naming each student the way their
submissions are named: ``id`` (Canvas's gradebook export calls it ``ID``, the
user id in ``doejane_12345_6789_03-rank.ipynb``), ``student_id``, or
Moodle's ``Identifier`` (``Participant 123456``).
"""

from __future__ import annotations

import copy
import csv
import hashlib
import hmac
import importlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["variant_seed", "Roster", "load_roster", "has_variants", "variant_questions", "student_notebook",
           "ClassVariants", "RosterError"]

ID_COLUMNS = ("id", "student_id", "student id", "identifier", "user id", "sis user id")
MAX_ID = 200


class RosterError(ValueError):
    """The roster cannot be read; the message names the file and what is wrong."""


def variant_seed(secret: int, assignment: str, student: str) -> int:
    """The variant seed of one student for one exercise set (a 63-bit integer).

    Examples
    --------
    >>> variant_seed(1, "rank", "12345") == variant_seed(1, "rank", "12345")
    True
    >>> len({variant_seed(1, "rank", "12345"), variant_seed(2, "rank", "12345"), variant_seed(1, "rank", "12346"),
    ...      variant_seed(1, "eigen", "12345")})
    4
    """
    if isinstance(secret, bool) or not isinstance(secret, int):
        raise TypeError(f"secret must be the integer of the grading secret, got {type(secret).__name__}")
    key = hashlib.sha256(f"lalib-variant-key:{secret}".encode()).digest()
    message = f"lalib-variant\0{assignment}\0{student}".encode()
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big") >> 1


def _bank_module(assignment: str):
    from lalib.checks import BANKS
    return importlib.import_module(BANKS[assignment]) if assignment in BANKS else None


def has_variants(assignment: str) -> bool:
    """Whether an exercise set's bank draws some numbers from a variant seed.

    Examples
    --------
    >>> has_variants("rank"), has_variants("eigen")
    (True, False)
    """
    module = _bank_module(assignment)
    return bool(module is not None and getattr(module, "VARIANT_QUESTIONS", ()))


def variant_questions(assignment: str) -> tuple[str, ...]:
    """The ids of the questions whose numbers depend on the variant (empty for a set without variants)."""
    module = _bank_module(assignment)
    return tuple(getattr(module, "VARIANT_QUESTIONS", ())) if module is not None else ()


def _clean_id(value: str, column: str) -> str:
    value = value.strip()
    if column == "identifier":  # Moodle: "Participant 123456"
        value = re.sub(r"^\D+", "", value)
    return value


# Words of the notes and reasons below that the summary's "needs a look" list finds again.
FOREIGN_NOTEBOOK = "this notebook was made for another student"
OFF_ROSTER = "is not on the roster"


@dataclass(frozen=True)
class Roster:
    """The students of a class, by the id their submissions are named with."""

    ids: tuple[str, ...]
    path: str = ""

    def match(self, key: str) -> str | None:
        """The roster id a submission's student key belongs to, or None.

        A key matches an id when it is that id, or ends with ``_<id>``: the LMS
        puts the user id last (Canvas ``doejane_12345``, Moodle ``Jane_Doe_123456``).
        The longest matching id wins.

        Examples
        --------
        >>> r = Roster(("12345", "45", "alice"))
        >>> r.match("doe_jane_12345"), r.match("alice"), r.match("bob")
        ('12345', 'alice', None)
        """
        best = None
        for sid in self.ids:
            if (key == sid or key.endswith("_" + sid)) and (best is None or len(sid) > len(best)):
                best = sid
        return best

    def variant_of(self, key: str, assignment: str, secret: int) -> int | None:
        """The variant seed of the student a submission key names; None when they are not on the roster."""
        sid = self.match(key)
        return None if sid is None else variant_seed(secret, assignment, sid)


def load_roster(path: str | Path) -> Roster:
    """Read a roster CSV (UTF-8, with or without a byte-order mark; commas or semicolons).

    Raises
    ------
    RosterError
        If the file is missing, has no id column, or lists an id twice.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"roster {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp1252")  # what Excel saves on Windows
        except UnicodeDecodeError:
            raise RosterError(f"roster {path} is not text (save it as CSV UTF-8)") from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        raise RosterError(f"roster {path} is empty")
    header = [h.strip().lower() for h in rows[0]]
    column = next((c for c in ID_COLUMNS if c in header), None)
    if column is None:
        raise RosterError(f"roster {path} needs a column naming each student as their submissions do "
                          f"({', '.join(ID_COLUMNS)}); its columns are {', '.join(rows[0])}")
    at = header.index(column)
    ids, seen = [], set()
    for n, row in enumerate(rows[1:], start=2):
        if at >= len(row) or row[0].strip().lower() == "points possible":  # Canvas's second header line
            continue
        sid = _clean_id(row[at], column)
        if not sid:
            continue
        if len(sid) > MAX_ID or not re.fullmatch(r"[\w.@+-]+", sid):
            raise RosterError(f"roster {path}, line {n}: {sid[:40]!r} is not an id (letters, digits, . _ @ + -)")
        if sid in seen:
            raise RosterError(f"roster {path}, line {n}: the id {sid!r} is listed twice")
        seen.add(sid)
        ids.append(sid)
    if not ids:
        raise RosterError(f"roster {path} lists no student")
    return Roster(tuple(ids), str(path))


def _replace_pieces(nb, book: dict, mine: dict, where: str) -> None:
    cells = {c.get("id"): c for c in nb.cells}
    for cell_id, pieces in book.items():
        cell = cells.get(cell_id)
        if cell is None:
            raise ValueError(f"{where}: the bank's variant table names the cell {cell_id!r}, which the notebook "
                             "does not have (update VARIANT_TEXT in the bank)")
        for name, text in pieces.items():
            if cell.source.count(text) != 1:
                raise ValueError(f"{where}: cell {cell_id!r} should hold the book's {name} exactly once as "
                                 f"{text!r}; the notebook and the bank's variant table disagree")
            cell.source = cell.source.replace(text, mine[cell_id][name])


def student_notebook(exercise, assignment: str, student: str, secret: int, where: str = ""):
    """One student's copy of an exercise notebook: their own numbers, and checks that judge them.

    Parameters
    ----------
    exercise : NotebookNode
        The exercise notebook (as ``lalib assign`` writes it).
    assignment : str
        Its exercise set id (``"rank"``).
    student : str
        The student's roster id.
    secret : int
        The grading secret.
    where : str
        The notebook's name, for error messages.

    Returns
    -------
    NotebookNode
        A copy; the input is not changed. Its ``lalib`` metadata records the
        student id (the grader compares it with the submitter, never trusts it).
    """
    module = _bank_module(assignment)
    if module is None or not hasattr(module, "variant_text"):
        raise ValueError(f"the exercise set {assignment!r} has no variants")
    seed = variant_seed(secret, assignment, student)
    nb = copy.deepcopy(exercise)
    _replace_pieces(nb, module.variant_text(None), module.variant_text(seed), where or assignment)
    setup = next((c for c in nb.cells if c.cell_type == "code"
                  and c.metadata.get("lalib", {}).get("role") == "setup"), None)
    if setup is None or "from lalib import check" not in setup.source:
        raise ValueError(f"{where or assignment}: no setup cell importing check, so the student's checks "
                         "could not be given their numbers")
    setup.source = (setup.source.rstrip("\n") + "\nfrom lalib.checks import use_variant\n\n"
                    f'use_variant("{assignment}", {seed})  # your own numbers: this notebook is yours alone')
    nb.metadata["lalib"]["student"] = student
    return nb


class ClassVariants:
    """What ``lalib grade --roster`` needs: each submission's own variant, recomputed, never read from it.

    Parameters
    ----------
    roster : path
        The roster ``lalib assign --roster`` was given.
    secret : path, optional
        The grading secret the variants were drawn with (it must exist: a new one would give
        every student other numbers than their notebook's).
    """

    def __init__(self, roster: str | Path, secret: str | Path | None = None):
        from lalib.grading.store import default_secret_path, load_secret
        self.roster = load_roster(roster)
        path = Path(secret) if secret else default_secret_path()
        self.secret = load_secret(path)  # a SecretError naming the file when it is missing
        self.unlisted: list[str] = []
        self.foreign: list[str] = []

    def plan(self, student: str, assignment: str, ids: list[str], nb: dict, notes: list[str]) -> dict:
        """``{"variant": seed or None, "off_roster": {question: reason}}`` for one submission.

        A student not on the roster has no known variant: their parametric questions score zero with the
        reason (add them to the roster and grade again), never the book's numbers. A notebook made for
        another student is graded against the submitter's own numbers, with a note.
        """
        parametric = [q for q in variant_questions(assignment) if q in ids]
        if not parametric:
            return {"variant": None, "off_roster": {}}
        sid = self.roster.match(student)
        if sid is None:
            self.unlisted.append(student)
            reason = (f"not graded: {student} {OFF_ROSTER} ({Path(self.roster.path).name}), so their own "
                      "numbers are unknown; add them and grade again")
            return {"variant": None, "off_roster": {q: reason for q in parametric}}
        meta = nb.get("metadata", {}).get("lalib", {})
        made_for = meta.get("student") if isinstance(meta, dict) else None
        if isinstance(made_for, str) and made_for and made_for != sid:
            self.foreign.append(f"{student} handed in the notebook made for {made_for[:60]}")
            notes.append(f"{FOREIGN_NOTEBOOK} ({made_for[:60]}); it was graded against "
                         "your own numbers")
        return {"variant": variant_seed(self.secret, assignment, sid), "off_roster": {}}

    def report(self) -> list[str]:
        """What the instructor should know after grading."""
        lines = []
        if self.unlisted:
            lines.append(f"{len(self.unlisted)} submission(s) are not on the roster, so their parametric "
                         f"questions were not graded: {', '.join(self.unlisted[:20])}"
                         + (" ..." if len(self.unlisted) > 20 else ""))
        lines += self.foreign
        return lines
