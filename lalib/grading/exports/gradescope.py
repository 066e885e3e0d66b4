"""Gradescope: an autograder zip that grades one submission in Gradescope's container.

The format follows Gradescope's "Autograder Specifications"
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip with
``setup.sh`` (run once, as root, when the image is built on Ubuntu) and an
executable ``run_autograder`` at its root, both unpacked into
``/autograder/source``; each submission is unpacked into
``/autograder/submission``, and ``run_autograder`` must leave
``/autograder/results/results.json``::

    {"score": 12.0, "execution_time": 9, "output": "<html>", "output_format": "html",
     "stdout_visibility": "hidden", "visibility": "visible",
     "tests": [{"name": "rank.3", "number": "3", "score": 0.0, "max_score": 2.0,
                "status": "failed", "output": "<html>", "output_format": "html",
                "visibility": "visible"}, ...]}

One test per question, in the checks' own words (never a hidden input or
its expected output); a free-text answer scores 0 of 0 here with a note,
because its points are the instructor's to give in Gradescope's manual
grading. A fault anywhere (even Python failing to start) still leaves a
valid ``results.json`` that says so.

Inside Gradescope's Docker container user namespaces are often off, so
bubblewrap may not run: the zip grades with bubblewrap, and fails loudly
(in ``results.json``) when it cannot, unless it was built with
``--sandbox none`` (see :func:`lalib.grading.sandbox.isolation_report`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import lalib
from lalib.grading.report import feedback_html, fmt
from lalib.grading.sandbox import NO_SANDBOX, SANDBOX_CHOICES, Limits

__all__ = ["build", "results_json", "crash_results", "run", "VISIBILITIES"]

#: Gradescope's visibility values, for the whole result and for each test.
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
ROOT = "/autograder"
DEPENDENCIES = ("numpy", "scipy", "matplotlib", "ipywidgets", "anywidget", "nbformat", "scikit-learn", "tqdm",
                "ipython")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (apt-get update has run).
# Choose the Ubuntu 24.04 base image: the pinned packages need Python 3.11 or newer.
set -euo pipefail
SRC=/autograder/source
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
python3 - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"lalib's pinned packages need Python 3.11 or newer; this image has {sys.version.split()[0]}: "
             "choose the Ubuntu 24.04 base image in the autograder settings")
PY
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --no-cache-dir -r "$SRC/requirements.txt"
/autograder/venv/bin/pip install --no-cache-dir --no-deps "$SRC/lalib-src"
# With --sandbox none the grader (root) runs each notebook as a user id of its own, which needs a Python
# that other users can read; the secret stays root's alone.
chmod 755 /autograder "$SRC"
chmod -R a+rX /autograder/venv
chmod 600 "$SRC/grading-secret.json"
chmod 755 "$SRC/run_autograder"
"""

# Bash, so that even a Python that cannot start leaves a results.json Gradescope accepts.
RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder.
ROOT="${LALIB_AUTOGRADER_ROOT:-/autograder}"
PY="${LALIB_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
"$PY" -m lalib.grading.exports.gradescope --root "$ROOT"
status=$?
if ! grep -q '"score"' "$ROOT/results/results.json" 2>/dev/null; then
  cat > "$ROOT/results/results.json" <<'JSON'
{"score": 0, "output": "The autograder itself failed before it could grade this submission (its Python did not start). This is not a judgement of your work: your instructor has been told and will re-run it.", "output_format": "text", "stdout_visibility": "hidden", "tests": []}
JSON
  echo "lalib autograder: Python exited with status $status and wrote no results.json; wrote a placeholder" >&2
fi
exit 0
"""


def _number(qid: str, index: int) -> str:
    """Gradescope's ordering label for a test: the question's number within its set."""
    tail = qid.rsplit(".", 1)[-1]
    return tail if tail.isdigit() else str(index + 1)


def _body(page: str) -> str:
    """The inside of a feedback page's ``<body>``: Gradescope shows HTML output within its own page."""
    m = re.search(r"<body>(.*)</body>", page, re.S)
    return m.group(1) if m else page


def results_json(g, manual: dict | None = None, comments: dict | None = None, seconds: float = 0.0,
                 visibility: str = "visible") -> dict:
    """Gradescope's ``results.json`` for one graded submission (:class:`lalib.grading.scoring.Graded`)."""
    e = html.escape
    manual = manual or {}
    tests = []
    score = 0.0
    for i, (qid, q) in enumerate(g.questions.items()):
        test = {"name": qid, "number": _number(qid, i), "output_format": "html", "visibility": visibility}
        if q["status"] == "recorded":
            # Free text: recorded, marked by hand in Gradescope's manual grading, so worth 0 of 0 here.
            test.update(score=0.0, max_score=0.0, status="passed",
                        output=(f"<p>📝 Your free-text answer was recorded. It is worth {fmt(q['max_points'])} "
                                "points, marked by hand by your instructor: they are not part of this "
                                "automatic score.</p>"))
        else:
            points = float(q["points"] or 0.0)
            score += points
            passed = q["status"] == "passed"
            text = "passed" if passed else q["message"]
            test.update(score=points, max_score=float(q["max_points"]), status="passed" if passed else "failed",
                        output=f"<p>{'✅' if passed else '❌'} {e(text)}</p>")
        tests.append(test)
    failed = g.status == "grader error"
    output = _body(feedback_html(g, manual, comments))
    if failed:
        output = ("<p>The autograder itself failed on this submission; this is not a judgement of your work. "
                  "Your instructor will re-run it.</p>" + output)
    return {"score": 0.0 if failed else round(score, 6), "execution_time": int(round(seconds)),
            "output": output, "output_format": "html", "stdout_visibility": "hidden", "visibility": visibility,
            "tests": [] if failed else tests}


def crash_results(reason: str, seconds: float = 0.0) -> dict:
    """A valid ``results.json`` for when grading could not happen at all."""
    return {"score": 0.0, "execution_time": int(round(seconds)),
            "output": ("<p>The autograder could not grade this submission, so this score is a placeholder, "
                       "not a judgement of your work; your instructor has been told and will re-run it.</p>"
                       f"<p>Reason: {html.escape(reason)}</p>"),
            "output_format": "html", "stdout_visibility": "hidden", "tests": []}


def _pick(submission: Path, stem: str) -> tuple[Path | None, list[str]]:
    """The notebook to grade among what the student uploaded, and notes on the choice."""
    found = sorted(p for p in submission.rglob("*.ipynb")
                   if p.is_file() and ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))
    if not found:
        return None, []
    if len(found) == 1:
        return found[0], []
    named = [p for p in found if stem and stem in p.name] or found
    chosen = named[0]
    return chosen, [f"You uploaded {len(found)} notebooks; {chosen.name} was graded."]


def run(root: str | Path = ROOT) -> dict:
    """Grade ``ROOT/submission`` with the configuration in ``ROOT/source``; write ``ROOT/results/results.json``.

    Never raises: any failure becomes a ``results.json`` that says the autograder failed.
    """
    root = Path(root)
    source, results = root / "source", root / "results" / "results.json"
    start = time.monotonic()
    try:
        data = _grade_one(source, root / "submission", start)
    except BaseException as exc:  # noqa: BLE001 - whatever happens, Gradescope gets a valid file
        # The whole story goes to the instructor's log (Gradescope's stdout); students see its first line.
        print(f"lalib autograder: grading failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        first = (str(exc).splitlines() or [""])[0]
        data = crash_results(f"{type(exc).__name__}: {first}"[:500], time.monotonic() - start)
    results.parent.mkdir(parents=True, exist_ok=True)
    tmp = results.with_name(".results.json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    os.replace(tmp, results)
    return data


def _grade_one(source: Path, submission: Path, start: float) -> dict:
    from lalib.grading import grade
    from lalib.grading.report import load_comments
    from lalib.grading.store import Store
    config = json.loads((source / "lalib-autograder.json").read_text(encoding="utf-8"))
    chosen, notes = _pick(submission, config.get("stem", ""))
    if chosen is None:
        return crash_results("no .ipynb file was found in your submission: upload your notebook "
                             f"({config.get('stem', 'the exercise')}.ipynb)", time.monotonic() - start)
    with tempfile.TemporaryDirectory(prefix="lalib-gradescope-") as tmp:
        subs, out = Path(tmp) / "submission", Path(tmp) / "out"
        subs.mkdir()
        shutil.copyfile(chosen, subs / chosen.name)
        graded = grade(subs, out, assignment=config["assignment"], workers=1, progress=False,
                       limits=Limits(**config["limits"]), exercises=source / "exercises",
                       secret=source / "grading-secret.json",
                       sandboxed=False if config["sandbox"] == NO_SANDBOX else None)
        store = Store(out)
        g = graded[0]
        g.notes = list(g.notes) + notes
        data = results_json(g, store.manual_scores(), load_comments(store), time.monotonic() - start,
                            config.get("visibility", "visible"))
    print(f"lalib autograder: {chosen.name}: status {g.status}, score {data['score']:g}")
    return data


# --- building the zip ------------------------------------------------------------------------------------
def _pins(repo: Path | None) -> list[str]:
    """``name==version`` for lalib's runtime dependencies: the versions it is tested with."""
    pinned = {}
    if repo is not None and (repo / "constraints.txt").is_file():
        for line in (repo / "constraints.txt").read_text(encoding="utf-8").splitlines():
            m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
            if m:
                pinned[m[1].lower().replace("_", "-")] = m[2]
    lines = []
    for name in DEPENDENCIES:
        version = pinned.get(name)
        if version is None:
            try:
                from importlib.metadata import version as installed
                version = installed(name)
            except Exception:  # noqa: BLE001
                version = None
        lines.append(f"{name}=={version}" if version else name)
    return lines


def _add_tree(z: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith((".pyc", ".pyo")):
            z.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


def _write(z: zipfile.ZipFile, name: str, text: str, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, text)


def build(dest: str | Path, assignment: str, secret: str | Path | None = None, exercises: str | Path | None = None,
          sandbox: str = "bwrap", limits: Limits | None = None, visibility: str = "visible") -> list[str]:
    """Write the autograder zip for one exercise set to ``dest``; returns its member names.

    Raises
    ------
    ValueError
        On an unknown set, sandbox choice or visibility.
    FileNotFoundError
        If the grading secret is missing (create it with ``lalib init``).
    """
    from lalib.grading.notebook import load_assignment
    from lalib.grading.store import default_secret_path, obtain_secret
    if sandbox not in SANDBOX_CHOICES:
        raise ValueError(f"--sandbox must be one of {', '.join(SANDBOX_CHOICES)}, got {sandbox!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"--visibility must be one of {', '.join(VISIBILITIES)}, got {visibility!r}")
    a = load_assignment(assignment, exercises)  # raises, naming the sets there are
    package = Path(lalib.__file__).resolve().parent
    repo = package.parent if (package.parent / "pyproject.toml").is_file() else None
    if repo is None:
        raise FileNotFoundError("the autograder bundles lalib's source: run `lalib export gradescope` from a "
                                "checkout of the book (pyproject.toml next to lalib/)")
    folder = Path(exercises) if exercises else repo / "exercises"
    secret_path = Path(secret) if secret else Path(os.environ.get("LALIB_GRADING_SECRET") or default_secret_path())
    if not secret_path.is_file():
        raise FileNotFoundError(f"no grading secret at {secret_path}: create it with `lalib init` (the autograder "
                                "carries it, so that Gradescope tests functions on your class's hidden inputs)")
    obtain_secret(secret_path)  # validates it
    stems = sorted(p.stem for p in folder.glob("*.ipynb")
                   if load_assignment(p.stem, folder).id == a.id)
    config = {"assignment": a.id, "stem": stems[0] if stems else a.id, "sandbox": sandbox,
              "limits": {"timeout": (limits or Limits()).timeout, "cell_timeout": (limits or Limits()).cell_timeout,
                         "memory_mb": (limits or Limits()).memory_mb},
              "visibility": visibility, "lalib": lalib.__version__}
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        _write(z, "setup.sh", SETUP_SH, 0o755)
        _write(z, "run_autograder", RUN_AUTOGRADER, 0o755)
        _write(z, "requirements.txt", "\n".join(_pins(repo)) + "\n")
        _write(z, "lalib-autograder.json", json.dumps(config, indent=1) + "\n")
        _write(z, "grading-secret.json", secret_path.read_text(encoding="utf-8"), 0o600)
        for p in sorted(folder.glob("*.ipynb")):
            z.write(p, f"exercises/{p.name}")
        _add_tree(z, package, "lalib-src/lalib")
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (repo / name).is_file():
                z.write(repo / name, f"lalib-src/{name}")
        return z.namelist()


def main(argv: list[str] | None = None) -> int:
    """``python -m lalib.grading.exports.gradescope [--root DIR]``: what ``run_autograder`` calls."""
    argv = list(sys.argv[1:] if argv is None else argv)
    root = argv[argv.index("--root") + 1] if "--root" in argv else ROOT
    run(root)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
