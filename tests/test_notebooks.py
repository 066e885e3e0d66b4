"""The exercise notebooks as students and CI meet them.

The notebooks are tested here, through subprocesses and nbclient, and only here:
the repository's plain ``pytest`` run collects ``tests`` and ``lalib`` (its
``testpaths``) without ``--nbval``, so no notebook is collected twice.

nbval runs in strict mode (``--nbval``, not ``--nbval-lax``): every cell with
committed output is compared. That works because the solutions' only outputs
are the check lines, which are deterministic (a function question draws fresh
random matrices, but a sound solution passes on every draw).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lalib.checks import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "03-rank.ipynb"
EXERCISE = ROOT / "exercises" / "03-rank.ipynb"
RANK_IDS = [q for q in QUESTIONS if q.startswith("rank.")]


def run_nbval(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", str(path)],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def check_outputs(nb) -> dict[str, str]:
    """Question id -> the text/plain output of its check cell."""
    out = {}
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs]
            out[cell.metadata["lalib"]["question"]] = "".join(texts)
    return out


def test_solution_structure_one_check_cell_per_question():
    nb = nbformat.read(SOLUTION, as_version=4)
    assert nb.cells[1].source.splitlines()[0] == "import numpy as np"
    assert "from lalib import check" in nb.cells[1].source
    seen = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("lalib", {})
        assert meta.get("schema") == 1, f"cell {i} has no lalib schema"
        if meta.get("role") == "check":
            qid = meta["question"]
            assert cell.metadata["tags"] == ["check"]
            assert re.fullmatch(r'check\("[a-z]+\.\d+", [A-Za-z_]\w*\)', cell.source), cell.source
            assert cell.source.startswith(f'check("{qid}", ')
            assert nb.cells[i - 1].metadata["lalib"] == {"schema": 1, "question": qid, "role": "answer"}
            assert nb.cells[i - 2].metadata["lalib"] == {"schema": 1, "question": qid, "role": "prompt"}
            assert "### BEGIN SOLUTION" in nb.cells[i - 1].source
            seen.append(qid)
    assert seen == RANK_IDS


def test_committed_solution_outputs_say_passed():
    outputs = check_outputs(nbformat.read(SOLUTION, as_version=4))
    assert list(outputs) == RANK_IDS
    for qid, text in outputs.items():
        if QUESTIONS[qid].kind == "free-text":
            assert re.fullmatch(rf"📝 {qid}: recorded for your instructor \(\d+ words\)", text), text
        else:
            assert text == f"✅ {qid} passed"


def test_exercise_runs_top_to_bottom_and_every_check_is_not_answered_yet(tmp_path):
    nb = nbformat.read(EXERCISE, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any error
    outputs = check_outputs(nb)
    assert list(outputs) == RANK_IDS
    assert outputs == {qid: f"… {qid}: not answered yet" for qid in RANK_IDS}


def test_nbval_passes_on_the_solutions():
    done = run_nbval(SOLUTION, ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", done.stdout) and "failed" not in done.stdout


def test_nbval_fails_on_a_wrong_answer_and_names_the_check(tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    answer = next(c for c in nb.cells if c.metadata["lalib"] == {"schema": 1, "question": "rank.3", "role": "answer"})
    assert "rank_B = 1" in answer.source
    answer.source = answer.source.replace("rank_B = 1", "rank_B = 2")
    copy = tmp_path / "03-rank.ipynb"
    nbformat.write(nb, copy)
    done = run_nbval(copy, tmp_path)
    assert done.returncode != 0
    assert "rank.3" in done.stdout
    assert "❌ rank.3: B has 2 rows" in done.stdout
    assert "1 failed" in done.stdout  # only that check cell
