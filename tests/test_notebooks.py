"""The exercise notebooks as students and CI meet them, for every exercise set.

Each ``solutions/NN-topic.ipynb`` is tested with its ``exercises/NN-topic.ipynb``:
a new exercise set is tested by adding its files. The question ids come from
the notebook's check cells and must be exactly its bank's questions, in order.

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
import pytest
from nbclient import NotebookClient

from lalib.checks import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
CHECK_CALL = re.compile(r'check\("([a-z][a-z0-9_]*)\.\d+", [A-Za-z_]\w*\)')

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])]


def run_nbval(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", str(path)],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def check_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("lalib", {}).get("role") == "check"]


def check_outputs(nb) -> dict[str, str]:
    """Question id -> the text/plain output of its check cell."""
    out = {}
    for cell in check_cells(nb):
        texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs]
        out[cell.metadata["lalib"]["question"]] = "".join(texts)
    return out


def bank_ids(nb) -> list[str]:
    """The ids of the bank this notebook's check cells draw on, in the bank's order."""
    prefixes = {CHECK_CALL.match(c.source).group(1) for c in check_cells(nb) if CHECK_CALL.match(c.source)}
    assert len(prefixes) == 1, f"one exercise set per notebook, got check ids with prefixes {sorted(prefixes)}"
    prefix = prefixes.pop()
    return [q for q in QUESTIONS if q.startswith(prefix + ".")]


def test_every_solution_has_its_exercise(solution):
    assert (ROOT / "exercises" / solution.name).exists()


def test_solution_structure_one_check_cell_per_question(solution):
    nb = nbformat.read(solution, as_version=4)
    setup = next(c for c in nb.cells if c.metadata.get("lalib", {}).get("role") == "setup")
    assert setup.source.splitlines()[0] == "import numpy as np"
    assert "from lalib import check" in setup.source
    seen = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("lalib", {})
        assert meta.get("schema") == 1, f"cell {i} has no lalib schema"
        if meta.get("role") == "check":
            qid = meta["question"]
            assert cell.metadata["tags"] == ["check"]
            assert CHECK_CALL.fullmatch(cell.source), cell.source
            assert cell.source.startswith(f'check("{qid}", ')
            assert nb.cells[i - 1].metadata["lalib"] == {"schema": 1, "question": qid, "role": "answer"}
            assert nb.cells[i - 2].metadata["lalib"] == {"schema": 1, "question": qid, "role": "prompt"}
            assert "### BEGIN SOLUTION" in nb.cells[i - 1].source
            seen.append(qid)
    assert seen and seen == bank_ids(nb)


def test_committed_solution_outputs_say_passed(solution):
    nb = nbformat.read(solution, as_version=4)
    outputs = check_outputs(nb)
    assert list(outputs) == bank_ids(nb)
    for qid, text in outputs.items():
        if QUESTIONS[qid].kind == "free-text":
            assert re.fullmatch(rf"📝 {qid}: recorded for your instructor \(\d+ words\)", text), text
        else:
            assert text == f"✅ {qid} passed"


def test_exercise_runs_top_to_bottom_and_every_check_is_not_answered_yet(solution, tmp_path):
    nb = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any error
    outputs = check_outputs(nb)
    ids = bank_ids(nbformat.read(solution, as_version=4))
    assert list(outputs) == ids
    assert outputs == {qid: f"… {qid}: not answered yet" for qid in ids}


def test_nbval_passes_on_the_solutions(solution):
    done = run_nbval(solution, ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", done.stdout) and "failed" not in done.stdout


def test_nbval_fails_on_a_wrong_answer_and_names_the_check(solution, tmp_path):
    nb = nbformat.read(solution, as_version=4)
    # The set's first number question, its answer made wrong (one more than it should be).
    qid = next(q for q in bank_ids(nb) if QUESTIONS[q].kind == "number")
    check_cell = next(c for c in check_cells(nb) if c.metadata["lalib"]["question"] == qid)
    variable = re.search(r", ([A-Za-z_]\w*)\)$", check_cell.source).group(1)
    answer = next(c for c in nb.cells if c.metadata["lalib"] == {"schema": 1, "question": qid, "role": "answer"})
    answer.source += f"\n{variable} = {variable} + 1"
    copy = tmp_path / solution.name
    nbformat.write(nb, copy)
    done = run_nbval(copy, tmp_path)
    assert done.returncode != 0
    assert f"❌ {qid}" in done.stdout
    assert "1 failed" in done.stdout  # only that check cell
