"""The grader's outputs, each written atomically: gradebook, feedback, free text, summary.

* ``grades.csv`` (UTF-8 with a byte-order mark, so that Excel reads it as
  UTF-8): ``student`` (a key unique by construction), ``file`` (the file it
  came from), ``canvas_user_id`` and ``late`` (read from Canvas's file names),
  one column of points per question, ``total``, ``pending``, ``max``,
  ``status``; a free-text question's cell says ``pending`` until the
  instructor's score is merged in (:func:`merge_free_response`), its points
  are counted in ``pending``, never in ``total``, and a row the grader itself
  failed on has no points at all.
* ``feedback/<student>.html``: per question, passed or what was wrong, in the
  checks' own words (never a reference answer, never a hidden input's
  expected output); every piece of student content HTML-escaped.
* ``free_response.csv``: the free-text answers, with empty ``comment`` and
  ``score`` columns; the merge reads what spreadsheets save (a byte-order
  mark, UTF-8 or Windows-1252, commas or semicolons, decimal commas) and each
  comment reaches the student's feedback page.
  A copy the instructor has edited since the grader wrote it is never
  overwritten: the new one is written beside it as ``free_response.new.csv``.

Every CSV cell that a spreadsheet would run as a formula (it begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a
leading ``'``; :func:`merge_free_response` reads such cells back unchanged.
* ``summary.html``: pass rates, the score distribution (inline SVG), and the
  submissions that need a look. Self-contained: no script, no CDN.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
from collections import defaultdict
from pathlib import Path

from lalib.grading.exports.names import lms_names
from lalib.grading.scoring import Graded
from lalib.grading.variants import FOREIGN_NOTEBOOK, OFF_ROSTER
from lalib.grading.store import Store, atomic_write

__all__ = ["write_reports", "grades_rows", "merge_free_response", "fmt", "csv_safe", "csv_unsafe", "read_table",
           "effective_points", "pending_points", "load_comments",
           "PENDING"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ERRORS_SHOWN = 20
BOM = "\ufeff"          # Excel opens a CSV as UTF-8 only when it starts with this
PENDING = "pending"      # a free-text answer the instructor has not marked yet
NOT_ANSWERED = "unanswered"

_STYLE = """<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;
vertical-align:top}th{background:#f6f8fa}.passed{color:#1a7f37}.failed{color:#cf222e}.unanswered{color:#6e7781}
.recorded{color:#0969da}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem}.bar{background:#54aeff;height:.8rem}
.wide{overflow-x:auto;max-width:100%}svg{max-width:100%;height:auto}.comment{color:#1f2328;font-style:italic}
td.msg{min-width:14rem}td.rate{width:8rem;min-width:4rem}
</style>"""
_ICON = {"passed": "✅", "failed": "❌", "unanswered": "…", "recorded": "📝"}


def fmt(points: float | None) -> str:
    """Points as the gradebook shows them.

    Examples
    --------
    >>> fmt(3.0), fmt(1.5), fmt(None)
    ('3', '1.5', '')
    """
    if points is None:
        return ""
    return f"{points:g}"


def csv_safe(cell) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula.

    Examples
    --------
    >>> csv_safe("=SUM(A1)"), csv_safe("-2"), csv_safe("plain"), csv_safe("1.5")
    ("'=SUM(A1)", '-2', 'plain', '1.5')
    >>> csv_safe("-1+2")
    "'-1+2"
    """
    text = str(cell)
    if text.startswith(FORMULA_START) or text.startswith("'") and text[1:2] in FORMULA_START + ("'",):
        try:
            float(text)
            return text  # a plain number such as -2 is data, not a formula
        except ValueError:
            return "'" + text
    return text


def csv_unsafe(cell: str) -> str:
    """Undo :func:`csv_safe` when reading a CSV the grader wrote.

    Examples
    --------
    >>> csv_unsafe(csv_safe("=1+1")), csv_unsafe("it's")
    ('=1+1', "it's")
    """
    if cell.startswith("'") and cell[1:2] in FORMULA_START + ("'",):
        return cell[1:]
    return cell


def effective_points(g: Graded, manual: dict) -> dict:
    """Question id -> points, with the instructor's free-text scores applied."""
    out = {}
    for qid, q in g.questions.items():
        points = q["points"]
        if q["status"] == "recorded" and qid in manual.get(g.student, {}):
            points = manual[g.student][qid]
        out[qid] = points
    return out


def pending_points(g: Graded, manual: dict) -> float:
    """Points of free-text answers still waiting for the instructor (never part of a total)."""
    return float(sum(q["max_points"] for qid, q in g.questions.items()
                     if q["status"] == "recorded" and qid not in manual.get(g.student, {})))


def grades_rows(graded: list[Graded], question_ids: list[str], manual: dict) -> list[list[str]]:
    """The gradebook as rows of text, header first."""
    rows = [["student", "file", "canvas_user_id", "late", *question_ids, "total", PENDING, "max", "status"]]
    for g in graded:
        points = effective_points(g, manual)
        failed = g.status == "grader error"
        total = "" if failed else fmt(sum(p or 0 for p in points.values()))
        pending = "" if failed else fmt(pending_points(g, manual))

        def cell(qid: str) -> str:
            if qid not in points:
                return ""
            if points[qid] is None and g.questions[qid]["status"] == "recorded" and not failed:
                return PENDING
            return fmt(points[qid])
        names = lms_names(g.name)
        rows.append([g.student, g.name, names.canvas_user_id, "LATE" if names.late else "",
                     *(cell(q) for q in question_ids), total, pending, fmt(g.max), g.status])
    return rows


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    buf.write(BOM)
    csv.writer(buf, lineterminator="\n").writerows([[csv_safe(c) for c in row] for row in rows])
    return buf.getvalue()


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">{_STYLE}</head><body>{body}'
            "</body></html>\n")


def feedback_html(g: Graded, manual: dict, comments: dict | None = None) -> str:
    """One student's feedback page (``comments``: the instructor's, ``{student: {question: text}}``)."""
    e = html.escape
    said = (comments or {}).get(g.student, {})
    points = effective_points(g, manual)
    total = sum(p or 0 for p in points.values())
    shown_total = "not graded (grader error)" if g.status == "grader error" else fmt(total)
    parts = [f"<h1>Feedback: {e(g.assignment)}</h1><p>Student: <b>{e(g.student)}</b> (file {e(g.name)})<br>"
             f"Score: <b>{shown_total} / {fmt(g.max)}</b> · status: <b>{e(g.status)}</b></p>"]
    if g.detail:
        parts.append(f"<p>{e(g.detail)}</p>")
    if g.questions:
        parts.append("<table><tr><th>question</th><th>points</th><th>result</th></tr>")
        for qid, q in g.questions.items():
            shown = fmt(points[qid]) if points[qid] is not None else "to be marked"
            text = "passed" if q["status"] == "passed" else q["message"]
            note = f'<br><span class="comment">Your instructor: {e(said[qid])}</span>' if said.get(qid) else ""
            parts.append(f'<tr><td>{e(qid)}</td><td>{shown} / {fmt(q["max_points"])}</td>'
                         f'<td class="{e(q["status"])}">{_ICON.get(q["status"], "❌")} {e(text)}{note}</td></tr>')
        parts.append("</table>")
        if g.status != "grader error" and pending_points(g, manual):
            parts.append(f"<p>{fmt(pending_points(g, manual))} more points are for free-text answers your "
                         "instructor has not marked yet; they are not in the score above.</p>")
    if g.notes:
        parts.append("<h2>About your notebook</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in g.notes) + "</ul>")
    if g.errors:
        more = len(g.errors) - MAX_ERRORS_SHOWN
        parts.append("<h2>Cells that raised an error</h2><ul>"
                     + "".join(f"<li>cell {e(str(x['cell']))}: <code>{e(x['error'])}</code></li>"
                               for x in g.errors[:MAX_ERRORS_SHOWN])
                     + (f"<li>and {more} more</li>" if more > 0 else "") + "</ul>")
    if g.output_bytes:
        parts.append(f"<h2>Printed output</h2><p>{g.output_bytes} characters; the start:</p>"
                     f"<pre>{e(g.output_head[:2000])}</pre>")
    return _page(f"Feedback {g.student}", "".join(parts))


def _histogram_svg(totals: list[float], maximum: float) -> str:
    bins = max(1, int(maximum) + 1) if maximum <= 40 else 20
    counts = [0] * bins
    for t in totals:
        counts[min(bins - 1, int(t / maximum * (bins - 1) + 1e-9) if maximum else 0)] += 1
    w, h, pad = 640, 220, 30
    top = max(counts) or 1
    bw = (w - 2 * pad) / bins
    bars = []
    for i, c in enumerate(counts):
        bh = (h - 2 * pad) * c / top
        x, y = pad + i * bw, h - pad - bh
        label = f"{maximum * i / (bins - 1):.3g}" if bins > 1 else "0"
        bars.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="#54aeff">'
                    f"<title>{label} points: {c}</title></rect>"
                    f'<text x="{x + bw / 2:.1f}" y="{h - pad + 14}" font-size="11" text-anchor="middle">{label}</text>')
        if c:
            bars.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle">{c}</text>')
    # A viewBox and no fixed width: the chart scales down to a phone's width instead of overflowing it.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
            f'style="max-width:{w}px" role="img" aria-label="score distribution"><line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" '
            f'stroke="#57606a"/>{"".join(bars)}<text x="{w / 2}" y="{h - 2}" font-size="12" '
            'text-anchor="middle">total points</text></svg>')


def summary_html(graded: list[Graded], question_ids: list[str], manual: dict,
                 superseded: list[str] | None = None) -> str:
    """The class summary page."""
    e = html.escape
    runnable = [g for g in graded if g.status != "invalid notebook"]
    parts = [f"<h1>Grading summary</h1><p>{len(graded)} submissions; statuses: "
             + ", ".join(f"{e(s)} {n}" for s, n in sorted(_count(g.status for g in graded).items())) + "</p>"]
    parts.append("<h2>Pass rate per question</h2><div class='wide'><table><tr><th>question</th><th>passed</th><th></th>"
                 "<th>not answered</th><th>most common feedback when answered wrong</th></tr>")
    for qid in question_ids:
        rows = [(g, g.questions[qid]) for g in runnable if qid in g.questions]
        results = [r for _, r in rows]
        unanswered = sum(r["status"] == NOT_ANSWERED for r in results)
        if _is_free_text(qid) or any(r["status"] == "recorded" for r in results):
            # Free text: nothing is "passed" until the instructor marks it; unmarked answers are pending.
            marked = sum(r["status"] == "recorded" and qid in manual.get(g.student, {}) for g, r in rows)
            pending = sum(r["status"] == "recorded" for r in results) - marked
            done, shown = marked, f"{marked} marked, {pending} {PENDING}"
            common = (f"{pending} free-text answers to mark (free_response.csv)", 0) if pending else ("", 0)
        else:
            done = sum(r["status"] == "passed" for r in results)
            shown = f"{done}/{len(results)}"
            # Only wrong answers: "not answered yet" would otherwise outnumber, and hide, every misconception.
            wrong = _count(r["message"] for r in results if r["status"] == "failed")
            common = max(wrong.items(), key=lambda kv: kv[1]) if wrong else ("", 0)
        rate = done / len(results) if results else 0.0
        parts.append(f"<tr><td>{e(qid)}</td><td>{e(shown)}</td><td class='rate'>"
                     f"<div class='bar' style='width:{100 * rate:.0f}%'></div></td><td>{unanswered}</td>"
                     f"<td class='msg'>{e(common[0])}{f' ({common[1]}×)' if common[1] else ''}</td></tr>")
    parts.append("</table></div>")
    waiting = sum(pending_points(g, manual) > 0 for g in graded if g.status != "grader error")
    if waiting:
        parts.append(f"<p>{waiting} submissions have free-text answers still {PENDING}: their totals below do "
                     "not include those points yet.</p>")
    totals = [sum(p or 0 for p in effective_points(g, manual).values()) for g in graded]
    maximum = max((g.max for g in runnable), default=0.0)
    parts.append("<h2>Score distribution</h2>" + _histogram_svg(totals, maximum or 1.0))
    parts.append("<h2>Needs a look</h2><ul>" + "".join(f"<li>{e(x)}</li>" for x in needs_a_look(graded))
                 + "".join(f"<li>not graded: {e(x)}</li>" for x in superseded or []) + "</ul>")
    return _page("Grading summary", "".join(parts))


def _is_free_text(qid: str) -> bool:
    from lalib.checks import question
    try:
        return question(qid).kind == "free-text"
    except Exception:  # noqa: BLE001 - a question since removed from the bank
        return False


def _count(items) -> dict:
    out: dict = defaultdict(int)
    for i in items:
        out[i] += 1
    return dict(out)


def needs_a_look(graded: list[Graded]) -> list[str]:
    """One line per submission (or group) an instructor should look at."""
    lines = []
    for g in graded:
        if g.status != "ok":
            lines.append(f"{g.student}: {g.status}" + (f" ({g.detail})" if g.detail else ""))
        elif g.errors:
            lines.append(f"{g.student}: {len(g.errors)} cell(s) raised an error, first: {g.errors[0]['error']}")
        # Per-student variants (lalib.grading.variants): someone else's notebook, or no roster entry.
        if any(n.startswith(FOREIGN_NOTEBOOK) for n in g.notes):
            lines.append(f"{g.student}: handed in a notebook made for another student")
        if any(OFF_ROSTER in str(q.get("message", "")) for q in g.questions.values()):
            lines.append(f"{g.student}: not on the roster, so the questions with personal numbers were not graded")
    by_hash = defaultdict(list)
    for g in graded:
        if g.status != "invalid notebook":
            by_hash[g.sha256].append(g.student)
    for students in by_hash.values():
        if len(students) > 1:
            lines.append("identical notebooks: " + ", ".join(students))
    # Only answers with a value have a fingerprint (a function's outputs depend on the
    # student's own hidden inputs): say so, rather than "every question".
    by_answers = defaultdict(list)
    for g in graded:
        prints = tuple(sorted((k, q["fingerprint"]) for k, q in g.questions.items() if q.get("fingerprint")))
        if len(prints) >= 3:
            by_answers[prints].append(g)
    for prints, group in by_answers.items():
        if len(group) > 1 and len({g.sha256 for g in group}) > 1:
            lines.append(f"identical values in all {len(prints)} answers that are values (functions and free "
                         "text are compared by --similarity): " + ", ".join(g.student for g in group))
    texts = defaultdict(list)
    for g in graded:
        for qid, q in g.questions.items():
            if q.get("answer_text") and len(q["answer_text"].split()) >= 8:
                texts[(qid, " ".join(q["answer_text"].lower().split()))].append(g)
    for (qid, _), group in texts.items():
        if len({g.sha256 for g in group}) > 1:
            lines.append(f"identical free-text answers to {qid}: " + ", ".join(g.student for g in group))
    return lines


def write_reports(out: Path, graded: list[Graded], question_ids: list[str], store: Store,
                  replace_free_response: bool = False, superseded: list[str] | None = None) -> list[str]:
    """Write every output file into ``out`` (atomically, one file at a time).

    Returns
    -------
    list of str
        What the instructor should know (e.g. that an edited ``free_response.csv`` was kept).
    """
    manual = store.manual_scores()
    comments = load_comments(store)
    out = Path(out)
    said = []
    atomic_write(out / "grades.csv", _csv(grades_rows(graded, question_ids, manual)))
    for g in graded:
        atomic_write(out / "feedback" / f"{g.student}.html", feedback_html(g, manual, comments))
    # ``comment`` before ``score``: a filled-in score stays the last cell of its line.
    free = [["student", "file", "question", "max_points", "answer", "comment", "score"]]
    for g in graded:
        for qid, q in g.questions.items():
            if q["status"] == "recorded":
                free.append([g.student, g.name, qid, fmt(q["max_points"]), q["answer_text"],
                             comments.get(g.student, {}).get(qid, ""), fmt(manual.get(g.student, {}).get(qid))])
    said += _write_free_response(out, _csv(free), store, replace_free_response)
    if superseded is None:  # a merge: keep the last run's list
        superseded = (store.last_run() or {}).get("superseded", [])
    from lalib.grading.similarity import with_similarity  # the section --similarity wrote, if any
    atomic_write(out / "summary.html", with_similarity(summary_html(graded, question_ids, manual, superseded), out))
    return said


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _write_free_response(out: Path, text: str, store: Store, replace: bool = False) -> list[str]:
    """Write ``free_response.csv`` unless the instructor edited the copy there since the grader wrote it."""
    path, mark = out / "free_response.csv", store.root / "free_response.json"
    try:
        written = json.loads(mark.read_text(encoding="utf-8")).get("sha256")
    except (OSError, ValueError, AttributeError):
        written = None
    try:
        current = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        current = None
    if not replace and current is not None and _digest(current) != written and current != text:
        atomic_write(out / "free_response.new.csv", text)
        return [f"{path} was edited since the grader wrote it, so it was kept; the free-text answers of this run "
                f"are in {out / 'free_response.new.csv'}. Merge your scores with "
                f"`lalib grade --merge-free-response {path} --out {out}`."]
    atomic_write(path, text)
    atomic_write(mark, json.dumps({"sha256": _digest(text)}))
    return []


def load_comments(store: Store) -> dict:
    """The instructor's comments on free-text answers: ``{student: {question: text}}``."""
    path = store.root / "free_response_comments.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_table(path: Path) -> tuple[list[str], list[dict], str]:
    """Read a CSV as a spreadsheet saved it: ``(header, rows, delimiter)``.

    Accepts a UTF-8 byte-order mark (Excel's "CSV UTF-8"), plain UTF-8,
    Windows-1252 (Excel's plain "CSV" on Windows) or UTF-16 (its "Unicode
    Text"), and commas, semicolons (Excel where the decimal separator is a
    comma) or tabs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_bytes("student;score\\r\\nRenée;1,5\\r\\n".encode("cp1252"))
    >>> read_table(p)
    (['student', 'score'], [{'student': 'Renée', 'score': '1,5'}], ';')
    """
    raw = Path(path).read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text": UTF-16, tab-separated
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    rows = [dict(zip(header, (csv_unsafe(c) for c in r))) for r in reader if any(c.strip() for c in r)]
    return header, rows, delimiter


def _number(text: str, delimiter: str) -> float:
    """A score as typed: ``1.5``, or ``1,5`` from a semicolon CSV (a decimal comma)."""
    text = text.strip()
    if delimiter != "," and "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def merge_free_response(path: Path, out: Path) -> list[str]:
    """Read instructor scores (and comments) from a filled-in ``free_response.csv`` and rewrite the reports.

    Returns
    -------
    list of str
        Problems found (rows skipped), empty when every filled score was taken.

    Raises
    ------
    ValueError
        If the file lacks the ``student``, ``question`` or ``score`` columns.
    """
    from lalib.grading import load_results
    store = Store(out)
    graded, question_ids = load_results(out)
    known = {g.student: g for g in graded}
    manual = store.manual_scores()
    comments = load_comments(store)
    problems = []
    header, rows, delimiter = read_table(path)
    if not {"student", "question", "score"} <= set(header):
        raise ValueError(f"{path} needs the columns student, question and score; it has {header}")
    for n, row in enumerate(rows, start=2):
        text = (row.get("score") or "").strip()
        comment = (row.get("comment") or "").strip()
        if not text and not comment:
            continue
        g = known.get(row["student"])
        q = g.questions.get(row["question"]) if g else None
        if q is None or q["status"] != "recorded":
            problems.append(f"line {n}: no free-text answer of {row['question']!r} by {row['student']!r}")
            continue
        if comment:
            comments.setdefault(g.student, {})[row["question"]] = comment[:2000]
        if not text:
            continue
        try:
            points = _number(text, delimiter)
        except ValueError:
            problems.append(f"line {n}: score {text!r} is not a number")
            continue
        if not 0 <= points <= q["max_points"]:
            problems.append(f"line {n}: score {points:g} is outside 0..{q['max_points']:g}")
            continue
        manual.setdefault(g.student, {})[row["question"]] = points
    atomic_write(store.root / "free_response_comments.json", json.dumps(comments, indent=1, sort_keys=True))
    store.save_manual_scores(manual)
    # The file just merged may be replaced: its scores are in the store now.
    merged_in_place = Path(path).resolve() == (Path(out) / "free_response.csv").resolve()
    for line in write_reports(out, graded, question_ids, store, replace_free_response=merged_in_place):
        print(f"lalib grade: {line}")
    return problems
