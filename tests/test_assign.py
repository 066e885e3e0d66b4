"""``lalib assign``: exercises generated from solutions, deterministic, checked for drift."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lalib import assign, cli
from lalib.checks import QUESTIONS, Result

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of solutions/ and exercises/ in a scratch folder, which becomes the working directory."""
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copytree(EXERCISES, tmp_path / "exercises")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ipynb"))}


def test_check_passes_on_the_repository(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert cli.main(["assign", "--check"]) == 0
    out = capsys.readouterr().out
    assert "in sync" in out and "every solution passes the answer key" in out


def test_check_fails_when_a_solution_does_not_pass_the_answer_key(tree, capsys):
    """Fixing an answer in the notebook alone changes nothing: --check says the key disagrees."""
    path = tree / "solutions" / "03-rank.ipynb"
    nb = nbformat.read(path, as_version=4)
    answer = next(c for c in nb.cells if c.get("id") == "rank-3-answer")
    answer.source = answer.source.replace("rank_B = 1", "rank_B = 2")
    nbformat.write(nb, path)
    assert cli.main(["assign"]) == 0  # the stub is the same, so the exercises are in sync ...
    assert cli.main(["assign", "--check", "--no-key"]) == 0
    assert cli.main(["assign", "--check"]) == 1  # ... but the solution no longer passes the key
    out = capsys.readouterr().out
    assert "the solution of rank.3 does not pass the answer key in lalib/checks/rank.py" in out
    assert "❌ rank.3: B has 2 rows" in out
    assert "rank.1 " not in out and "rank.4 " not in out  # only the failing question is named


def test_the_solutions_say_where_the_answer_key_lives_and_the_exercises_do_not():
    solution = nbformat.read(SOLUTIONS / "03-rank.ipynb", as_version=4)
    notes = [c for c in solution.cells if c.metadata.get("lalib", {}).get("role") == "instructor"]
    assert notes and "lalib/checks/rank.py" in notes[0].source and "lalib assign --check" in notes[0].source
    exercise = nbformat.read(EXERCISES / "03-rank.ipynb", as_version=4)
    assert not any("answer key" in c.source for c in exercise.cells)


def test_the_exercise_set_id_is_copied_from_the_solutions():
    solution = nbformat.read(SOLUTIONS / "03-rank.ipynb", as_version=4)
    exercise = nbformat.read(EXERCISES / "03-rank.ipynb", as_version=4)
    assert solution.metadata["lalib"]["assignment"] == exercise.metadata["lalib"]["assignment"] == "rank"


def test_check_cells_are_locked_and_nothing_else_is():
    nb = nbformat.read(EXERCISES / "03-rank.ipynb", as_version=4)
    checks = [c for c in nb.cells if c.metadata.get("lalib", {}).get("role") == "check"]
    assert len(checks) == len([q for q in QUESTIONS if q.startswith("rank.")])
    for cell in nb.cells:
        locked = cell in checks
        assert cell.metadata.get("editable", True) is not locked and cell.metadata.get("deletable", True) is not locked
    nbformat.validate(nb)  # the keys are nbformat's own


@pytest.mark.parametrize("source, error", [
    ('check("rank.3", rank_D)', "rank.3 is graded from the variable rank_B, but its check reads rank_D"),
    ('check("rank.3", 1)', "a check cell must be"),
    ('check("rank.99", rank_B)', "no question 'rank.99'"),
])
def test_a_check_cell_must_read_the_variable_the_grader_reads(source, error):
    qid = source.split('"')[1]
    cell = nbformat.v4.new_code_cell(source, id="c", metadata={"lalib": {"schema": 1, "question": qid,
                                                                         "role": "check"}})
    with pytest.raises(assign.SolutionRegionError, match=error):
        assign.make_exercise(nbformat.v4.new_notebook(cells=[cell]))


def test_generated_exercises_are_byte_identical_to_the_committed_ones(tree):
    (tree / "exercises" / "03-rank.ipynb").unlink()
    assert cli.main(["assign"]) == 0
    assert snapshot(tree / "exercises") == snapshot(EXERCISES)


def test_assign_is_idempotent(tree):
    assert cli.main(["assign", "--dest", "out"]) == 0
    first = snapshot(tree / "out")
    assert cli.main(["assign", "--dest", "out"]) == 0
    assert snapshot(tree / "out") == first
    # and a notebook made from a generated notebook's source text is the same again
    nb = nbformat.read(tree / "solutions" / "03-rank.ipynb", as_version=4)
    assert assign.render(assign.make_exercise(nb, "solutions/03-rank.ipynb")) == \
        (tree / "out" / "03-rank.ipynb").read_text(encoding="utf-8")


def test_output_format_is_canonical(tree):
    text = (EXERCISES / "03-rank.ipynb").read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n" == text


def test_changed_solution_makes_check_fail_and_name_the_file(tree, capsys):
    path = tree / "solutions" / "03-rank.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nOne more sentence."
    nbformat.write(nb, path)
    before = snapshot(tree / "exercises")
    assert cli.main(["assign", "--check", "--no-key"]) == 1
    out = capsys.readouterr().out
    assert "exercises/03-rank.ipynb: stale" in out
    assert snapshot(tree / "exercises") == before  # --check writes nothing
    assert cli.main(["assign"]) == 0 and cli.main(["assign", "--check", "--no-key"]) == 0


def test_check_names_missing_and_extra_notebooks(tree, capsys):
    (tree / "exercises" / "03-rank.ipynb").rename(tree / "exercises" / "99-orphan.ipynb")
    assert cli.main(["assign", "--check", "--no-key"]) == 1
    out = capsys.readouterr().out
    assert "exercises/03-rank.ipynb: missing" in out
    assert "exercises/99-orphan.ipynb: extra" in out
    assert not (tree / "exercises" / "03-rank.ipynb").exists()


def test_assign_reports_a_missing_source_folder(tree, capsys):
    assert cli.main(["assign", "--source", "nowhere"]) == 2
    assert "'nowhere' does not exist" in capsys.readouterr().out


def test_exercise_holds_no_solution():
    nb = nbformat.read(EXERCISES / "03-rank.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    for leak in ("BEGIN SOLUTION", "END SOLUTION", "rank_D = 4", "np.outer", "[-2, 1, 0]", '"B"', "1,000 numbers"):
        assert leak not in text
    for cell in nb.cells:
        assert set(cell.metadata) <= {"lalib", "tags", "editable", "deletable"}
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert nb.metadata["lalib"]["source"] == "solutions/03-rank.ipynb"


def test_stubs_keep_the_given_code_and_the_function_signature():
    cells = {c.id: c.source for c in nbformat.read(EXERCISES / "03-rank.ipynb", as_version=4).cells}
    assert cells["rank-1-answer"] == "D = np.diag([1, 1, 1, 1, 0, 0])\nrank_D = ...  # your answer here"
    assert cells["rank-11-answer"] == (
        "def rank_by_elimination(A, tol=None):\n"
        '    """Rank of A: the number of pivots Gaussian elimination with partial pivoting finds."""\n'
        '    raise NotImplementedError("your code here")')


def test_stubs_make_every_check_say_not_answered_yet():
    """Run the exercise's code in-process: every check cell gives "not answered yet"."""
    nb = nbformat.read(EXERCISES / "03-rank.ipynb", as_version=4)
    namespace: dict = {}
    results = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "check" in cell.metadata.get("tags", []):
            results.append(eval(cell.source, namespace))
        else:
            exec(cell.source, namespace)
    assert len(results) == len([q for q in QUESTIONS if q.startswith("rank.")])
    assert all(isinstance(r, Result) and r.status == "unanswered" for r in results)
    assert {str(r).split(":", 1)[1] for r in results} == {" not answered yet"}


@pytest.mark.parametrize("source, expected", [
    ("x = 1\n### BEGIN SOLUTION\ny = x + 1\nz = [y] * 2\n### END SOLUTION\nprint(z)",
     "x = 1\ny = ...  # your answer here\nz = ...  # your answer here\nprint(z)"),
    ("def f(a):\n    '''Doc.'''\n    ### BEGIN SOLUTION\n    b = a\n    return b\n    ### END SOLUTION",
     "def f(a):\n    '''Doc.'''\n    raise NotImplementedError(\"your code here\")"),
    ("### BEGIN SOLUTION\n@staticmethod\ndef g(\n    a,\n):\n    return a\n### END SOLUTION",
     "@staticmethod\ndef g(\n    a,\n):\n    raise NotImplementedError(\"your code here\")"),
    ("### BEGIN SOLUTION\nanswer: int = 3\n### END SOLUTION", "answer = ...  # your answer here"),
])
def test_stub_rules(source, expected):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, id="c")])
    assert assign.make_exercise(nb).cells[0].source == expected


@pytest.mark.parametrize("source, error", [
    ("### BEGIN SOLUTION\nx = 1", "without a matching"),
    ("x = 1\n### END SOLUTION", "without a matching"),
    ("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION", "must assign a name or define a function"),
    ("### BEGIN SOLUTION\nx = (\n### END SOLUTION", "not valid Python"),
])
def test_bad_solution_regions_are_refused(source, error):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, id="c")])
    with pytest.raises(assign.SolutionRegionError, match=error):
        assign.make_exercise(nb)


def test_markers_in_markdown_are_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nsecret", id="m")])
    with pytest.raises(assign.SolutionRegionError, match="cell 0 still holds a solution marker"):
        assign.make_exercise(nb)


def test_make_exercise_leaves_its_input_alone():
    nb = nbformat.read(SOLUTIONS / "03-rank.ipynb", as_version=4)
    before = assign.render(nb)
    assign.make_exercise(nb)
    assert assign.render(nb) == before


def test_command_line_entry_points(tmp_path):
    for command in ([sys.executable, "-m", "lalib", "assign", "--check", "--no-key"],
                    [str(Path(sys.executable).parent / "lalib"), "assign", "--check", "--no-key"]):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    assert cli.main([]) == 2
