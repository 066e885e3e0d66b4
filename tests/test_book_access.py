"""How readers, students and instructors get in, without building the book:
the chapters' notebook forms (Colab, Binder, a hub), the launch buttons'
targets, the Binder environment, the lean install, and `make lab`'s working copy.

Chapters and exercise sets are found on disk: a new one is tested by adding its files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from lalib import book, chapter_notebooks

tomllib = pytest.importorskip("tomllib")  # Python 3.11+, the version the project is pinned for

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
HEAVY = ("torch", "jupyter-book", "scikit-image", "myst-nb", "sphinx")


# --- Notebook forms of the chapters -------------------------------------------------

def test_notebook_forms_are_up_to_date():
    stale = chapter_notebooks.sync_notebooks(ROOT, check=True)
    assert stale == [], "regenerate with `python -m lalib.chapter_notebooks` (make book does) and commit notebooks/"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_notebook_form_holds_the_chapters_code_after_a_setup_cell(chapter):
    from myst_nb.core.read import read_myst_markdown_notebook

    form = nbformat.read(ROOT / "notebooks" / f"{chapter.stem}.ipynb", as_version=4)
    nbformat.validate(form)
    source = read_myst_markdown_notebook(chapter.read_text(), path=chapter)
    code = lambda nb: [c.source for c in nb.cells if c.cell_type == "code"]  # noqa: E731
    assert code(form)[1:] == code(source)  # every code cell, in order, unchanged
    setup = code(form)[0]
    assert f'"{chapter_notebooks.DISTRIBUTION}[chapters]"' in setup  # installs the right package where missing
    assert all(not c.get("outputs") for c in form.cells if c.cell_type == "code")
    assert form.metadata["kernelspec"]["name"] == "python3"


def test_a_stale_or_orphaned_notebook_form_is_reported_and_fixed(tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copy(CHAPTERS[0], tmp_path / "chapters" / CHAPTERS[0].name)
    assert [p.name for p in chapter_notebooks.sync_notebooks(tmp_path)] == [f"{CHAPTERS[0].stem}.ipynb"]
    assert chapter_notebooks.sync_notebooks(tmp_path, check=True) == []  # regenerating is reproducible
    chapter = tmp_path / "chapters" / CHAPTERS[0].name
    chapter.write_text(chapter.read_text() + "\n```{code-cell} ipython3\n1 + 1\n```\n")
    orphan = tmp_path / "notebooks" / "99-gone.ipynb"
    orphan.write_text("{}")
    stale = chapter_notebooks.sync_notebooks(tmp_path, check=True)
    assert sorted(p.name for p in stale) == sorted([f"{CHAPTERS[0].stem}.ipynb", "99-gone.ipynb"])
    assert chapter_notebooks.main(["--root", str(tmp_path), "--check"]) == 1
    assert chapter_notebooks.main(["--root", str(tmp_path)]) == 0
    assert chapter_notebooks.sync_notebooks(tmp_path, check=True) == [] and not orphan.exists()


def test_notebook_form_refuses_what_is_not_a_chapter(tmp_path):
    with pytest.raises(ValueError, match="source must be a chapter's .md file"):
        chapter_notebooks.chapter_notebook(tmp_path / "missing.md")
    with pytest.raises(ValueError, match="root must hold a chapters/ folder"):
        chapter_notebooks.sync_notebooks(tmp_path)


# --- Launch buttons, as the theme makes them and lalib.book rewrites them -------------

def theme_launch_buttons(tmp_path, launch: dict, with_notebook: bool) -> list[dict]:
    """Run sphinx-book-theme's own launch-button code, then lalib.book's rewrite, on a chapter page."""
    from sphinx_book_theme.header_buttons.launch import add_launch_buttons

    pagename = f"chapters/{CHAPTERS[0].stem}"
    src = tmp_path / "src"
    (src / "chapters").mkdir(parents=True)
    shutil.copy(CHAPTERS[0], src / "chapters")
    if with_notebook:
        (src / "notebooks").mkdir()
        shutil.copy(ROOT / "notebooks" / f"{CHAPTERS[0].stem}.ipynb", src / "notebooks")
    executed = tmp_path / "_build" / "jupyter_execute" / f"{pagename}.ipynb"  # the theme copies it for download
    executed.parent.mkdir(parents=True)
    executed.write_text("{}")
    app = SimpleNamespace(
        srcdir=str(src), outdir=str(tmp_path / "_build" / "html"),
        config={"html_theme_options": {"launch_buttons": launch, "repository_branch": "main"}},
        env=SimpleNamespace(doc2path=lambda name: str(src / f"{name}.md"),
                            metadata={pagename: {"kernelspec": {"name": "python3"}}}))
    context = {"pagename": pagename, "sourcename": f"{pagename}.md", "header_buttons": [],
               "github_url": "https://github.com", "github_user": "org", "github_repo": "book"}
    add_launch_buttons(app, pagename, "page.html", context, None)
    book.launch_notebook_forms(app, pagename, "page.html", context, None)
    return [b for g in context["header_buttons"] if g.get("label") == "launch-buttons" for b in g["buttons"]]


def test_every_launch_button_opens_the_notebook_form_including_a_configured_hub(tmp_path):
    buttons = theme_launch_buttons(tmp_path, {"notebook_interface": "jupyterlab",
                                              "binderhub_url": "https://binder.example",
                                              "colab_url": "https://colab.example",
                                              "jupyterhub_url": "https://hub.example"}, with_notebook=True)
    assert {b["text"] for b in buttons} == {"Binder", "Colab", "JupyterHub"}
    for b in buttons:
        assert f"notebooks/{CHAPTERS[0].stem}.ipynb" in b["url"], b
        assert ".md" not in b["url"], b


def test_no_jupyterhub_button_unless_a_hub_is_configured(tmp_path):
    buttons = theme_launch_buttons(tmp_path, {"binderhub_url": "https://binder.example",
                                              "colab_url": "https://colab.example"}, with_notebook=True)
    assert {b["text"] for b in buttons} == {"Binder", "Colab"}


def test_a_chapter_without_a_notebook_form_gets_no_launch_button(tmp_path):
    # Better no button than one that sends a service a file it cannot open.
    assert theme_launch_buttons(tmp_path, {"colab_url": "https://colab.example"}, with_notebook=False) == []


# --- Binder and the lean install -----------------------------------------------------

def test_binder_installs_lalib_with_what_the_notebooks_need_and_not_the_book_build():
    lines = [ln.strip() for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert "-c ../constraints.txt" in lines and (ROOT / "constraints.txt").exists()
    local = [ln for ln in lines if ln.startswith("-e .[")]
    assert len(local) == 1
    extras = set(local[0][len("-e .["):-1].split(","))
    assert extras == {"exercises", "chapters"} and extras <= set(PYPROJECT["project"]["optional-dependencies"])
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"  # the version constraints.txt is pinned for


def test_the_distribution_name_is_not_the_taken_one_and_notebooks_install_it():
    assert PYPROJECT["project"]["name"] == chapter_notebooks.DISTRIBUTION != "lalib"


def test_base_install_is_lean():
    names = " ".join(PYPROJECT["project"]["dependencies"]).lower()
    assert not [h for h in HEAVY if h in names]
    assert "jupyterlab" in " ".join(PYPROJECT["project"]["optional-dependencies"]["exercises"])


BLOCKED = ["torch", "jupyter_book", "myst_nb", "sphinx"]  # what the lean install leaves out
BLOCK_HEAVY = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError("not in the lean install: " + name)
sys.meta_path.insert(0, Block())
"""
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def test_exercise_checks_and_widgets_work_without_the_heavy_packages():
    # Import lalib, every question bank and the widgets with the book's heavy
    # packages made unimportable: the lean install is enough.
    blocked = BLOCKED
    code = BLOCK_HEAVY + f"""
from lalib import check
from lalib.checks import QUESTIONS
import lalib.widgets
ids = list(QUESTIONS)
assert ids, "no questions"
print(len(ids), [m for m in {blocked!r} if m in sys.modules])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("[]")


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_exercise_set_runs_on_the_lean_install(exercise, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(exercise, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_HEAVY))
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any error


# --- make lab: a working copy for students -----------------------------------------

@pytest.fixture
def lab(tmp_path):
    """`make lab` in a copy of the repository's Makefile and exercises, with a stub JupyterLab."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    stub = tmp_path / "stub"
    stub.mkdir()
    for tool in ("jupyter", "python"):
        (stub / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> "$(dirname "$0")/calls"\n')
        (stub / tool).chmod(0o755)
    (tmp_path / "stamp").touch()  # newer than pyproject.toml and constraints.txt: nothing to install

    def run() -> subprocess.CompletedProcess:
        done = subprocess.run(["make", "lab", f"BIN={stub}", f"STAMP={tmp_path / 'stamp'}"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, env={**os.environ, "MAKEFLAGS": ""})
        assert done.returncode == 0, done.stdout + done.stderr
        return done
    return tmp_path, run


def test_make_lab_opens_a_working_copy_not_the_tracked_exercises(lab):
    root, run = lab
    done = run()
    exercises = sorted(p.name for p in (root / "exercises").glob("*.ipynb"))
    assert exercises and sorted(p.name for p in (root / "work").glob("*.ipynb")) == exercises
    # JupyterLab is told to save widget state first, so reopened notebooks show their widgets.
    assert (root / "stub" / "calls").read_text().splitlines() == ["python -m lalib.widgets.lab", "jupyter lab work/"]
    assert "Hand in" in done.stdout


def test_make_lab_never_overwrites_a_students_work(lab):
    root, run = lab
    run()
    mine = root / "work" / sorted(p.name for p in (root / "work").glob("*.ipynb"))[0]
    mine.write_text("my answers")
    (root / "work" / "other.txt").write_text("x")
    run()
    assert mine.read_text() == "my answers"


def test_students_work_folder_is_not_tracked():
    done = subprocess.run(["git", "check-ignore", "-q", "work/03-rank.ipynb"], cwd=ROOT)
    if done.returncode == 128:
        pytest.skip("not a git checkout")
    assert done.returncode == 0, "work/ must be in .gitignore"
