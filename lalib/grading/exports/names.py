"""What an LMS's own file names say about a submission: Canvas user id, LATE, Moodle participant id.

The LMSs name downloaded submissions so that their own importers can match
them back; the exports match rows the same way:

* Canvas "Download submissions": ``doejane_12345_6789_03-rank.ipynb`` (name,
  Canvas user id, attachment id, the student's file name), with ``_LATE``
  after the name for a late submission; under anonymous grading
  ``anon_<id>_...``, which carries no user id.
* Moodle "Download all submissions": ``Jane Doe_123456_assignsubmission_file_...``
  (flat, or as a folder name), where 123456 is the participant id the grading
  worksheet shows as ``Participant 123456`` and Moodle's feedback-file import
  reads back (``mod/assign/feedback/file/importziplib.php`` splits a path on
  ``_`` into name, participant id, plugin type, plugin name, file name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LmsNames", "lms_names"]

_CANVAS = re.compile(r"^(?P<name>.+?)(?P<late>_late)?_(?P<user>\d+)_(?P<attachment>\d+)_", re.I)
_CANVAS_ANON = re.compile(r"^anon(?:ymous)?_[A-Za-z0-9]+(?P<late>_late)?_\d+_", re.I)
_MOODLE = re.compile(r"^(?P<name>[^/\\]+?)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_?", re.I)


@dataclass(frozen=True)
class LmsNames:
    """What a submission's file name says: empty strings where it says nothing."""

    canvas_user_id: str = ""
    late: bool = False
    moodle_participant: str = ""
    moodle_name: str = ""


def lms_names(path: str) -> LmsNames:
    """Read the LMS's identifiers from a submitted file's path.

    Examples
    --------
    >>> lms_names("doejane_LATE_12345_6789_03-rank.ipynb")
    LmsNames(canvas_user_id='12345', late=True, moodle_participant='', moodle_name='')
    >>> lms_names("Jane Doe_123456_assignsubmission_file_/03-rank.ipynb").moodle_participant
    '123456'
    >>> lms_names("anon_Xk3Pq_LATE_6789_03-rank.ipynb")
    LmsNames(canvas_user_id='', late=True, moodle_participant='', moodle_name='')
    >>> lms_names("alice.ipynb")
    LmsNames(canvas_user_id='', late=False, moodle_participant='', moodle_name='')
    """
    parts = [p for p in re.split(r"[/\\]", path) if p]
    for part in parts:
        m = _MOODLE.match(part)
        if m:
            return LmsNames(moodle_participant=m["participant"], moodle_name=m["name"])
    base = parts[-1] if parts else path
    m = _CANVAS_ANON.match(base)
    if m:
        return LmsNames(late=bool(m["late"]))
    m = _CANVAS.match(base)
    if m:
        return LmsNames(canvas_user_id=m["user"], late=bool(m["late"]))
    return LmsNames()
