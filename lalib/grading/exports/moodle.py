"""Moodle: the offline grading worksheet filled in, and the feedback files as one zip.

**Worksheet.** Moodle's assignment "Download grading worksheet" has one row
per participant; its importer (moodle/moodle ``mod/assign/feedback/offline/importgradeslib.php``
and ``locallib.php``, ``process_import_grades``) finds its
columns by their *translated* headers (``Identifier``, ``Grade``,
``Last modified (grade)`` and the feedback plugin's ``Feedback comments`` in
English), reads the participant id from the end of ``Identifier``
(``Participant 123456``), and skips a row whose ``Last modified (grade)`` is
older than the grade Moodle holds (someone graded it since the download).
So the headers are kept exactly as downloaded, in whatever language; only the
cells of matched rows change: ``Grade`` (scaled to the worksheet's
``Maximum Grade`` when that differs from the exercise set's points),
``Feedback comments`` (a short summary, HTML as Moodle's editor stores it),
and ``Last modified (grade)`` only where it is empty or ``-`` (never graded:
then the time of the export, so the import is not skipped). A row is matched
by the participant id in the submission's name
(``Jane Doe_123456_assignsubmission_file_...``).

**Feedback files.** Moodle's "Upload multiple feedback files in a zip"
(``mod/assign/feedback/file/importziplib.php``) splits each path on ``_``
into *name, participant id, plugin type, plugin name, file name*: the files
are named ``Jane Doe_123456_assignfeedback_file_feedback.html`` (underscores
in the name replaced, since they would shift the fields).
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
import zipfile
from pathlib import Path

from lalib.grading.exports.names import lms_names
from lalib.grading.report import BOM, fmt, read_table

__all__ = ["fill_worksheet", "feedback_zip", "ENGLISH"]

#: The worksheet's headers in an English Moodle (``--*-column`` options name them in another language).
ENGLISH = {"identifier": "Identifier", "grade": "Grade", "modified": "Last modified (grade)",
           "feedback": "Feedback comments", "maximum": "Maximum Grade"}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def moodle_time(t: float | None = None, utc: bool = False) -> str:
    """A time as Moodle's worksheet writes it (``strftimedatetime``), which PHP's ``strtotime`` reads.

    Local time by default: the worksheet carries no zone, and Moodle reads it in its own (the
    instructor's machine is usually in the same one).

    Examples
    --------
    >>> moodle_time(0.0, utc=True)
    'Thursday, 1 January 1970, 12:00 AM'
    """
    t = time.time() if t is None else t
    s = time.gmtime(t) if utc else time.localtime(t)
    hour = s.tm_hour % 12 or 12
    return (f"{_DAYS[s.tm_wday]}, {s.tm_mday} {_MONTHS[s.tm_mon - 1]} {s.tm_year}, "
            f"{hour}:{s.tm_min:02d} {'AM' if s.tm_hour < 12 else 'PM'}")


def _participant(identifier: str) -> str:
    m = re.search(r"(\d+)\s*$", identifier or "")
    return m.group(1) if m else ""


def _number(text: str) -> float | None:
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


def comment_html(s: dict) -> str:
    """The ``Feedback comments`` cell: the score and one line per question, in the checks' words."""
    e = html.escape
    lines = [f"<p>Automatic grading: {fmt(s['score'])} / {fmt(s['max'])} points"
             + (f"; {fmt(s['pending'])} more for free text still to be marked" if s.get("pending") else "")
             + ".</p>"]
    items = []
    for qid, q in s["questions"].items():
        text = "passed" if q["status"] == "passed" else q["message"]
        items.append(f"<li>{e(qid)}: {e(text)}</li>")
    return lines[0] + ("<ul>" + "".join(items) + "</ul>" if items else "")


def fill_worksheet(scores: list[dict], worksheet: str | Path, columns: dict | None = None,
                   now: float | None = None) -> tuple[str, list[str]]:
    """The worksheet, filled in, as text (same headers, delimiter and byte-order mark), and problems.

    ``scores``: one dict per graded submission with ``student``, ``file``, ``score`` (None: no score),
    ``max``, ``pending``, ``questions``. ``columns``: header names overriding :data:`ENGLISH`.
    """
    names = {**ENGLISH, **{k: v for k, v in (columns or {}).items() if v}}
    header, table, delimiter = read_table(worksheet)
    where = {}
    for key in ("identifier", "grade", "modified", "feedback"):
        if names[key] not in header:
            raise ValueError(f"the worksheet {worksheet} has no column {names[key]!r} (its columns: {header}); "
                             f"if your Moodle is not in English, pass --{key}-column with the header it uses")
        where[key] = names[key]
    maximum = names["maximum"] if names["maximum"] in header else None
    by_participant = {}
    for s in scores:
        pid = lms_names(s["file"]).moodle_participant
        if pid:
            by_participant[pid] = s
    problems, used = [], set()
    stamp = moodle_time(now)
    out_rows = []
    for row in table:
        s = by_participant.get(_participant(row.get(where["identifier"], "")))
        if s is not None and s["score"] is not None:
            used.add(s["student"])
            points = s["score"]
            top = _number(row.get(maximum, "")) if maximum else None
            if top and s["max"] and abs(top - s["max"]) > 1e-9:
                points = points / s["max"] * top  # the worksheet's scale: Moodle refuses a grade above it
            text = f"{points:.2f}"
            if maximum and "," in row.get(maximum, "") and "." not in row.get(maximum, ""):
                text = text.replace(".", ",")  # the worksheet's own decimal comma (Moodle unformats it)
            row[where["grade"]] = text
            row[where["feedback"]] = comment_html(s)
            if row.get(where["modified"], "").strip() in ("", "-"):
                row[where["modified"]] = stamp
        elif s is not None:
            used.add(s["student"])
            problems.append(f"{s['file']}: the grader failed on it, so its grade is left as it was")
        out_rows.append([row.get(h, "") for h in header])
    for s in scores:
        if s["student"] not in used:
            problems.append(f"{s['file']}: no worksheet row has its participant id "
                            f"({lms_names(s['file']).moodle_participant or 'none in the file name'}); not exported")
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows([header, *out_rows])
    bom = BOM if Path(worksheet).read_bytes().startswith(b"\xef\xbb\xbf") else ""
    return bom + buf.getvalue(), problems


def feedback_zip(dest: str | Path, pages: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Write Moodle's feedback-files zip from ``(submission file, feedback page HTML)`` pairs.

    Returns the member names and the problems (submissions without a participant id).
    """
    members, problems = [], []
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for file, page in pages:
            names = lms_names(file)
            if not names.moodle_participant:
                problems.append(f"{file}: no Moodle participant id in its name; no feedback file for it")
                continue
            person = re.sub(r"[_/\\]+", " ", names.moodle_name).strip() or "participant"
            name = f"{person}_{names.moodle_participant}_assignfeedback_file_feedback.html"
            z.writestr(name, page)
            members.append(name)
    return members, problems
