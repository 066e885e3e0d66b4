"""Canvas: the gradebook CSV that Canvas's Gradebook → Import reads.

Canvas's layout (the instructor guide "How do I import grades in the
Gradebook?", https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807,
and the CSV canvas-lms's own ``gradebook_uploads_controller`` spec uploads): the
columns ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column
per assignment headed ``Title (assignment id)``; a second row
``    Points Possible`` may follow the header. Canvas matches rows by ``ID``
(the Canvas user id); a numeric cell is a score, a blank cell is "no score"
(Canvas leaves that grade alone).

Best practice, followed here, is to fill the CSV the instructor exported
from the gradebook (Actions → Export): its rows, ids and sections are
Canvas's own. A row is matched by the Canvas user id read from the
submission's file name (Canvas names downloads ``name_12345_6789_file``),
else by ``SIS User ID`` or ``SIS Login ID`` equal to the student key (names
read with ``lalib grade --id-pattern``). Only the identity columns and the
one assignment column are written back: fewer columns, fewer surprises.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from lalib.grading.exports.names import lms_names
from lalib.grading.report import BOM, fmt, read_table

__all__ = ["IDENTITY", "fill_gradebook", "ASSIGNMENT_COLUMN"]

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section")
#: An assignment column: "Title (assignment id)".
ASSIGNMENT_COLUMN = re.compile(r"^.+\((\d+)\)\s*$")
POINTS_POSSIBLE = "Points Possible"


def _is_meta(row: dict) -> bool:
    """The ``Points Possible`` row (and the posting-policy rows newer exports add above it)."""
    return not (row.get("ID") or "").strip() and not (row.get("SIS User ID") or "").strip()


def fill_gradebook(scores: list[dict], column: str, gradebook: str | Path | None = None,
                   points_possible: float | None = None) -> tuple[str, list[str]]:
    """The Canvas import CSV as text, and the problems to tell the instructor.

    Parameters
    ----------
    scores : list of dict
        One per graded submission: ``student`` (key), ``file``, ``score`` (float, or None: no score).
    column : str
        The assignment column, ``"Title (assignment id)"`` as in the export.
    gradebook : path, optional
        The gradebook CSV exported from Canvas; without it a new CSV lists the submissions that carry a
        Canvas user id.
    points_possible : float, optional
        For the ``Points Possible`` row of a new CSV.
    """
    if not ASSIGNMENT_COLUMN.match(column):
        raise ValueError(f"--column {column!r} must be the assignment's column as Canvas names it: "
                         "'Title (assignment id)', e.g. 'Rank exercises (48213)'")
    problems: list[str] = []
    by_canvas = {}
    by_key = {}
    for s in scores:
        cid = lms_names(s["file"]).canvas_user_id
        if cid:
            by_canvas[cid] = s
        by_key[s["student"]] = s
    used: set[str] = set()

    def value(s: dict) -> str:
        used.add(s["student"])
        return "" if s["score"] is None else fmt(round(s["score"], 4))

    if gradebook is None:
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column],
                [f"    {POINTS_POSSIBLE}", "", "", "", "", fmt(points_possible) if points_possible else ""]]
        for cid, s in sorted(by_canvas.items(), key=lambda kv: kv[1]["student"]):
            rows.append([s["student"], cid, "", "", "", value(s)])
        bom = ""
    else:
        header, table, delimiter = read_table(gradebook)
        missing = [c for c in ("Student", "ID") if c not in header]
        if missing:
            raise ValueError(f"{gradebook} is not a Canvas gradebook export: it lacks the column(s) "
                             f"{', '.join(missing)} (its header: {header[:8]})")
        if column not in header:
            found = [h for h in header if ASSIGNMENT_COLUMN.match(h)]
            raise ValueError(f"{gradebook} has no column {column!r}; its assignment columns are: "
                             + ("; ".join(found) or "none"))
        keep = [h for h in header if h in IDENTITY] + [column]
        rows = [keep]
        for row in table:
            out = [row.get(h, "") for h in keep]
            if not _is_meta(row):
                s = by_canvas.get((row.get("ID") or "").strip())
                for sis in ("SIS User ID", "SIS Login ID"):
                    if s is None and (row.get(sis) or "").strip():
                        s = by_key.get(row[sis].strip())
                if s is not None:
                    out[-1] = value(s)
            rows.append(out)
        bom = BOM if Path(gradebook).read_bytes().startswith(b"\xef\xbb\xbf") else ""
    for s in scores:
        if s["student"] not in used:
            problems.append(f"{s['file']}: no row of the gradebook matches it (no Canvas user id "
                            "in its name, and no SIS id equal to " f"{s['student']!r}); not exported")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # Canvas's own exports end lines with CRLF
    return bom + buf.getvalue(), problems
