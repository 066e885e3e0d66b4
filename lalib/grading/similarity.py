"""``lalib grade --similarity``: answers that are too alike, question by question, as MOSS finds them.

Each submission's code is cut into one *answer region* per question (the
code cells from the question's prompt to the next question's, check cells
left out, cells a student inserted included: :func:`answer_regions`).
Regions are compared with ``copydetect`` (MIT; offline), which does what MOSS
does: the code is tokenised and every name becomes ``V``/``F`` (so renaming
variables changes nothing) and comments vanish; k-grams of the tokens are
hashed and *winnowed* to fingerprints; two regions are alike by the share of
each one's fingerprints they have in common.

* The exercise template is **boilerplate**: the code every student was given
  (``D = np.diag(...)``, a ``def`` line and docstring) never counts.
* A fingerprint held by very many submissions is **common** (MOSS's ``-m``):
  it is ignored between students, so a whole class writing the idiomatic
  line is not a ring of copies.
* Short answers make no fingerprint at all (a k-gram is
  :data:`NOISE` filtered characters long): two students who both wrote
  ``rank_B = 1`` are not flagged; a copied function, renamed, is.
* Every student is also compared with the **model solutions**
  (``solutions/``), whole notebook and question by question: handing in the
  solutions notebook is flagged as such.

Outputs: ``similarity.csv`` (one row per pair above the threshold, per
question and ``overall``) and a section of ``summary.html`` with the
matching code side by side (:func:`with_similarity`, from the results kept in
``.grading/similarity.json``). A flag is a reason to look, never a verdict.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import logging
from collections import defaultdict
from itertools import combinations
from pathlib import Path

__all__ = ["answer_regions", "compare_class", "write_similarity", "clear", "with_similarity", "save_regions",
           "load_regions", "model_regions", "run", "last_threshold", "section", "share", "THRESHOLD", "SOLUTION"]

NOISE = 25            # k: a k-gram of fewer filtered characters is noise (copydetect's default)
GUARANTEE = 30        # a match this long is always found (window = GUARANTEE - NOISE + 1)
THRESHOLD = 0.7       # share of an answer's fingerprints found in the other's
MIN_OVERLAP = 40      # matched filtered characters below which a pair is not shown
MAX_REGION = 20_000   # characters of one answer region compared
MAX_SHOWN = 40        # pairs shown side by side in summary.html
SOLUTION = "model solution"
_SKIP_ROLES = {"check", "setup", "widget"}


def answer_regions(nb: dict, ids: list[str]) -> dict[str, str]:
    """Question id -> the code a notebook holds for it (its answer cell and any cell inserted after).

    ``nb`` is a notebook as :func:`lalib.grading.notebook.read_notebook` returns it.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "source": "import numpy as np", "metadata": {"lalib": {"role": "setup"}}},
    ...     {"cell_type": "markdown", "source": "Q1", "metadata": {"lalib": {"role": "prompt", "question": "q.1"}}},
    ...     {"cell_type": "code", "source": "a = 1", "metadata": {"lalib": {"role": "answer", "question": "q.1"}}},
    ...     {"cell_type": "code", "source": "b = a + 1", "metadata": {"lalib": {}}},
    ...     {"cell_type": "code", "source": "check('q.1', a)", "metadata": {"lalib": {"role": "check",
    ...                                                                                "question": "q.1"}}}]}
    >>> answer_regions(nb, ["q.1", "q.2"])
    {'q.1': 'a = 1\\n\\nb = a + 1', 'q.2': ''}
    """
    parts: dict[str, list[str]] = {q: [] for q in ids}
    current = None
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("lalib", {}) or {}
        qid = meta.get("question")
        if qid in parts:
            current = qid
        if cell.get("cell_type") != "code" or current is None or meta.get("role") in _SKIP_ROLES:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        parts[current].append(source)
    return {q: "\n\n".join(p)[:MAX_REGION] for q, p in parts.items()}


def _strip_markers(code: str) -> str:
    return "\n".join(line for line in code.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def model_regions(exercise_file: Path, ids: list[str]) -> dict[str, str] | None:
    """The model solutions' answer regions, from ``solutions/`` beside ``exercises/``; None when absent."""
    path = Path(exercise_file).parent.parent / "solutions" / Path(exercise_file).name
    if not path.is_file():
        return None
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        cell["metadata"] = {"lalib": cell.get("metadata", {}).get("lalib", {})}
    return {q: _strip_markers(code) for q, code in answer_regions(nb, ids).items()}


class _Fingerprint:
    """What :func:`copydetect.compare_files` reads of a document, with k-gram hashes that are the same in
    every process (copydetect's own use Python's ``hash``, salted per process: two runs would then flag
    different pairs, and shards could disagree)."""

    def __init__(self, code: str, boilerplate=None):
        import numpy as np
        from copydetect.utils import filter_code, get_token_coverage, winnow

        self.raw_code, self.k = code, NOISE
        self.filtered_code, self.offsets = filter_code(code, "answer.py", "python")
        text = self.filtered_code
        grams = [hashlib.blake2b(text[i:i + NOISE].encode(), digest_size=8).digest()
                 for i in range(len(text) - NOISE + 1)]
        hashes = np.array([int.from_bytes(g, "big", signed=True) for g in grams], dtype=np.int64)
        hashes, idx = winnow(hashes, GUARANTEE - NOISE + 1, remove_duplicates=False)
        if boilerplate is not None and len(boilerplate):
            keep = ~np.isin(hashes, np.asarray(list(boilerplate), dtype=np.int64))
            hashes, idx = hashes[keep], idx[keep]
        self.hash_idx: dict[int, list[int]] = {}
        for h, i in zip(hashes.tolist(), idx.tolist()):
            self.hash_idx.setdefault(h, []).append(i)
        self.hashes = set(self.hash_idx)
        self.token_coverage = get_token_coverage(self.hash_idx, NOISE, len(text))


def _fingerprint(code: str, boilerplate) -> _Fingerprint:
    return _Fingerprint(code, boilerplate)


def _highlight(code: str, slices) -> str:
    """The code, HTML-escaped, with the matched slices in ``<mark>``."""
    def word(i: int) -> bool:
        return 0 <= i < len(code) and (code[i].isalnum() or code[i] == "_")

    out, at = [], 0
    for start, end in sorted(zip((int(s) for s in slices[0]), (int(e) for e in slices[1]))):
        # copydetect maps token slices back to characters approximately: never cut a word in two
        while word(start - 1) and word(start):
            start -= 1
        while word(end - 1) and word(end):
            end += 1
        start, end = max(start, at), max(end, at)
        out.append(html.escape(code[at:start]) + "<mark>" + html.escape(code[start:end]) + "</mark>")
        at = end
    out.append(html.escape(code[at:]))
    return "".join(out)


def _compare(name_a, fp_a, name_b, fp_b, question) -> dict | None:
    from copydetect import compare_files
    overlap, (sim_a, sim_b), slices = compare_files(fp_a, fp_b)
    if overlap < MIN_OVERLAP:
        return None
    return {"question": question, "a": name_a, "b": name_b, "similarity_a": round(float(sim_a), 3),
            "similarity_b": round(float(sim_b), 3), "matched": int(overlap),
            "code_a": _highlight(fp_a.raw_code, slices[0]), "code_b": _highlight(fp_b.raw_code, slices[1])}


def _pairs(fps: dict, common_limit: int) -> set[tuple[str, str]]:
    """Candidate pairs: students sharing a fingerprint that few others have (an inverted index)."""
    holders = defaultdict(list)
    for student, fp in fps.items():
        for h in fp.hashes:
            holders[h].append(student)
    pairs = set()
    for students in holders.values():
        if 1 < len(students) <= common_limit:
            pairs.update(combinations(sorted(students), 2))
    return pairs


def compare_class(regions: dict[str, dict[str, str]], template: dict[str, str], ids: list[str],
                  model: dict[str, str] | None = None, threshold: float = THRESHOLD) -> list[dict]:
    """Every pair of students (and student and model solution) above ``threshold``, per question and overall.

    Parameters
    ----------
    regions : dict
        Student -> question id -> answer region (:func:`answer_regions`).
    template : dict
        Question id -> the exercise's own region: boilerplate.
    ids : list of str
        The questions, in order.
    model : dict, optional
        Question id -> the model solution's region.
    threshold : float
        A pair is kept when the larger of its two shares reaches it.

    Returns
    -------
    list of dict
        ``question`` (an id or ``"overall"``), ``a``, ``b``, ``similarity_a``, ``similarity_b``,
        ``matched`` (filtered characters in common), ``code_a`` and ``code_b`` (escaped HTML, matches marked);
        sorted by question, then most alike first.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"the similarity threshold must be in (0, 1], got {threshold}")
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # copydetect's chatter
    found = []
    students = sorted(regions)
    common_limit = max(10, len(students) // 10)  # like MOSS -m: a passage in many submissions is common
    for question in [*ids, "overall"]:
        if question == "overall":
            texts = {s: "\n\n".join(regions[s].get(q, "") for q in ids) for s in students}
            given = "\n\n".join(template.get(q, "") for q in ids)
            solution = "\n\n".join(model.get(q, "") for q in ids) if model else None
        else:
            texts = {s: regions[s].get(question, "") for s in students}
            given = template.get(question, "")
            solution = model.get(question) if model else None
        boilerplate = list(_fingerprint(given, None).hashes) if given.strip() else None
        made: dict[str, object] = {}  # identical answers (common for short questions) are tokenised once
        fps = {}
        for s, t in texts.items():
            if t.strip():
                if t not in made:
                    made[t] = _fingerprint(t, boilerplate)
                fps[s] = made[t]
        rows = []
        for a, b in sorted(_pairs(fps, common_limit)):
            row = _compare(a, fps[a], b, fps[b], question)
            if row and max(row["similarity_a"], row["similarity_b"]) >= threshold:
                rows.append(row)
        if solution and solution.strip():
            ref = _fingerprint(solution, boilerplate)
            for s, fp in fps.items():
                row = _compare(s, fp, SOLUTION, ref, question)
                if row and row["similarity_a"] >= threshold:  # the student's answer is mostly the solution's
                    rows.append(row)
        rows.sort(key=lambda r: (-max(r["similarity_a"], r["similarity_b"]), r["a"], r["b"]))
        found += rows
    return found


_RESULTS = "similarity.json"
_REGIONS = "answers.json"


def save_regions(out: Path, regions: dict, templates: dict, models: dict) -> None:
    """Keep the answer regions of this run (shards are compared together when merged)."""
    from lalib.grading.store import atomic_write
    atomic_write(Path(out) / ".grading" / _REGIONS,
                 json.dumps({"regions": regions, "templates": templates, "models": models}, sort_keys=True))


def load_regions(folder: Path) -> dict | None:
    try:
        return json.loads((Path(folder) / ".grading" / _REGIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def clear(out: Path) -> None:
    """Forget an earlier run's similarity results (this run was not asked for them)."""
    for name in (_RESULTS, _REGIONS):
        try:
            (Path(out) / ".grading" / name).unlink()
        except FileNotFoundError:
            pass
    try:
        (Path(out) / "similarity.csv").unlink()
    except FileNotFoundError:
        pass


def write_similarity(out: Path, data: dict, threshold: float = THRESHOLD) -> list[str]:
    """Compare every exercise set's submissions; write ``similarity.csv`` and the results for the summary.

    ``data`` is what :func:`save_regions` keeps: ``regions`` (student -> [set id, {question: code}]),
    ``templates`` and ``models`` (set id -> {question: code}, with the question order). Returns what the
    instructor should know.
    """
    from lalib.grading.report import csv_safe
    from lalib.grading.store import atomic_write
    out = Path(out)
    by_set: dict[str, dict] = defaultdict(dict)
    for student, (aid, regions) in data["regions"].items():
        by_set[aid][student] = regions
    rows = []
    said = []
    for aid in sorted(by_set):
        template = data["templates"].get(aid, {"ids": [], "regions": {}})
        model = data["models"].get(aid)
        if model is None:
            said.append(f"similarity: no model solution of {aid} was found beside the exercises, so no "
                        "submission was compared with it")
        rows += compare_class(by_set[aid], template["regions"], template["ids"], model, threshold)
    buf = io.StringIO()
    import csv
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["question", "student_a", "student_b", "similarity_a", "similarity_b", "matched_characters"])
    for r in rows:
        writer.writerow([csv_safe(c) for c in (r["question"], r["a"], r["b"], f"{r['similarity_a']:.2f}",
                                               f"{r['similarity_b']:.2f}", r["matched"])])
    atomic_write(out / "similarity.csv", "\ufeff" + buf.getvalue())  # the BOM: Excel reads it as UTF-8
    atomic_write(out / ".grading" / _RESULTS, json.dumps({"threshold": threshold, "pairs": rows}))
    flagged = {(r["a"], r["b"]) for r in rows}
    said.append(f"similarity: {len(flagged)} pair(s) above {threshold:.0%} (of which "
                f"{sum(b == SOLUTION for _, b in flagged)} with the model solution); see {out / 'similarity.csv'}")
    return said


def section(out: Path) -> str:
    """The summary's similarity section (empty when this folder's last run did not compare)."""
    try:
        data = json.loads((Path(out) / ".grading" / _RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    e = html.escape
    pairs = data.get("pairs", [])
    students = len({(r["a"], r["b"]) for r in pairs})
    parts = ["<h2 id='similarity'>Similar answers</h2>",
             f"<p>{len(pairs)} answer(s), from {students} pair(s) of submissions (a question's answers, or "
             f"<i>overall</i> the whole notebook's), share at least {data.get('threshold', THRESHOLD):.0%} "
             "of one side's "
             "fingerprints (copydetect, winnowing as MOSS does; names renamed and comments do not hide a copy; the "
             "exercise's own code is left out). A flag is a reason to look, not a verdict. All pairs are in "
             "<code>similarity.csv</code>.</p>"]
    if not pairs:
        parts.append("<p>None.</p>")
    style = ("<style>.sim{display:flex;flex-wrap:wrap;gap:.5rem}.sim>div{flex:1 1 18rem;min-width:0}"
             ".sim pre{overflow-x:auto;font-size:13px;margin:.2rem 0}mark{background:#ffe08a}</style>")
    parts.append(style)
    for r in pairs[:MAX_SHOWN]:
        parts.append(f"<details><summary><b>{e(r['question'])}</b>: {e(r['a'])} ({r['similarity_a']:.0%}) and "
                     f"{e(r['b'])} ({r['similarity_b']:.0%})</summary><div class='sim'>"
                     f"<div><b>{e(r['a'])}</b><pre>{r['code_a']}</pre></div>"
                     f"<div><b>{e(r['b'])}</b><pre>{r['code_b']}</pre></div></div></details>")
    if len(pairs) > MAX_SHOWN:
        parts.append(f"<p>and {len(pairs) - MAX_SHOWN} more in similarity.csv</p>")
    return "".join(parts)


def with_similarity(page: str, out: Path) -> str:
    """The summary page with the similarity section before its end (unchanged when there is none)."""
    extra = section(out)
    return page.replace("</body>", extra + "</body>", 1) if extra else page


def run(out: Path, regions: dict, assignments: dict, threshold: float = THRESHOLD) -> list[str]:
    """The similarity step of ``lalib grade``: keep this run's answer regions, compare, write the results.

    ``regions`` is student -> [set id, {question: code}]; ``assignments`` set id -> its
    :class:`~lalib.grading.notebook.Assignment` (read from the exercises folder ``folder``).
    """
    templates, models = {}, {}
    for aid, (a, folder) in assignments.items():
        exercise = Path(folder) / a.file
        nb = json.loads(exercise.read_text(encoding="utf-8"))
        templates[aid] = {"ids": list(a.ids), "regions": answer_regions(nb, list(a.ids))}
        model = model_regions(exercise, list(a.ids))
        if model is not None:
            models[aid] = model
    data = {"regions": regions, "templates": templates, "models": models}
    save_regions(out, regions, templates, models)
    return write_similarity(out, data, threshold)


def last_threshold(folder: Path) -> float:
    """The threshold a folder's last comparison used (the default when it has none)."""
    try:
        return float(json.loads((Path(folder) / ".grading" / _RESULTS).read_text(encoding="utf-8"))["threshold"])
    except (OSError, ValueError, KeyError, TypeError):
        return THRESHOLD


def share(text: str) -> float:
    """``--similarity-threshold``: a share in (0, 1], refused at once rather than after grading.

    Examples
    --------
    >>> share("0.8")
    0.8
    """
    import argparse
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1, such as 0.7")
    return value
