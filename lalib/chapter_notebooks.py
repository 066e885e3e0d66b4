"""Notebook forms of the chapters, for Colab, Binder and JupyterHub.

A chapter's single source is ``chapters/NN-topic.md`` (a MyST Markdown
notebook), which those services cannot open. ``notebooks/NN-topic.ipynb`` is
its notebook form, generated from it and committed, because Colab and Binder
open files from the repository, not from the built site. The book's launch
buttons point there (:mod:`lalib.book`).

Each notebook form starts with one setup cell that installs the book's helper
package where it is missing (Colab, a hub), so the chapter's code runs as it is.
Regenerate after editing a chapter (``make book`` does it)::

    python -m lalib.chapter_notebooks          # write notebooks/
    python -m lalib.chapter_notebooks --check  # fail when one is stale (run by the tests)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import nbformat

DISTRIBUTION = "lalib-book"  # the PyPI name; the import name stays ``lalib``
KEEP_METADATA = ("tags",)
SETUP = f'''\
# Setup: where the book's helper package is missing (Colab, a JupyterHub), install it.
# Binder and a local `make lab` have it already, and then this cell does nothing.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("lalib") is None or importlib.util.find_spec("myst_nb") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{DISTRIBUTION}[chapters]"], check=True)'''


def chapter_notebook(source: str | Path) -> nbformat.NotebookNode:
    """The notebook form of one chapter.

    Parameters
    ----------
    source : str or Path
        A chapter's MyST Markdown notebook, ``chapters/NN-topic.md``.

    Returns
    -------
    nbformat.NotebookNode
        Its cells in order (without outputs), after a note saying where it comes
        from and the setup cell; cell ids are derived from the cells' position,
        so regenerating an unchanged chapter gives the identical file.

    Examples
    --------
    >>> import tempfile
    >>> md = Path(tempfile.mkdtemp()) / "01-demo.md"
    >>> _ = md.write_text("---\\nkernelspec:\\n  name: python3\\n  display_name: Python 3\\n---\\n"
    ...                   "# Demo\\n\\n```{code-cell} ipython3\\n1 + 1\\n```\\n")
    >>> nb = chapter_notebook(md)
    >>> [c.cell_type for c in nb.cells], nb.cells[-1].source
    (['markdown', 'code', 'markdown', 'code'], '1 + 1')
    """
    from myst_nb.core.read import read_myst_markdown_notebook

    source = Path(source)
    if source.suffix != ".md" or not source.is_file():
        raise ValueError(f"source must be a chapter's .md file, got {str(source)!r}")
    read = read_myst_markdown_notebook(source.read_text(encoding="utf-8"), path=source)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "lalib": {"generated_from": f"chapters/{source.name}"},
    }
    note = (f"*This notebook is generated from `chapters/{source.name}`, the chapter's source; "
            "edit that file, not this one. Run the setup cell first.*")
    cells = [nbformat.v4.new_markdown_cell(note), nbformat.v4.new_code_cell(SETUP)] + list(read.cells)
    for i, cell in enumerate(cells):
        kept = {k: cell.metadata[k] for k in KEEP_METADATA if k in cell.get("metadata", {})}
        cell.metadata = kept
        digest = hashlib.sha1(f"{source.stem}:{i}:{cell.cell_type}".encode()).hexdigest()[:8]
        cell["id"] = f"{source.stem}-{i}-{digest}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def sync_notebooks(root: str | Path, check: bool = False) -> list[Path]:
    """Write ``notebooks/NN-topic.ipynb`` for every ``chapters/NN-topic.md``.

    Parameters
    ----------
    root : str or Path
        The book's folder (holding ``chapters/``).
    check : bool
        If True, write nothing and only report.

    Returns
    -------
    list of Path
        The notebooks that were stale, missing or orphaned (no chapter), and
        (unless ``check``) have been rewritten or removed.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()); (root / "chapters").mkdir()
    >>> _ = (root / "chapters" / "01-demo.md").write_text("# Demo\\n")
    >>> [p.name for p in sync_notebooks(root, check=True)]
    ['01-demo.ipynb']
    >>> [p.name for p in sync_notebooks(root)], sync_notebooks(root, check=True)
    (['01-demo.ipynb'], [])
    """
    root = Path(root)
    chapters = root / "chapters"
    if not chapters.is_dir():
        raise ValueError(f"root must hold a chapters/ folder, got {str(root)!r}")
    out = root / "notebooks"
    changed, wanted = [], set()
    for md in sorted(chapters.glob("*.md")):
        target = out / (md.stem + ".ipynb")
        wanted.add(target)
        text = nbformat.writes(chapter_notebook(md)) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if not check:
                out.mkdir(exist_ok=True)
                target.write_text(text, encoding="utf-8")
    for orphan in sorted(set(out.glob("*.ipynb")) - wanted):
        changed.append(orphan)
        if not check:
            orphan.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the notebook forms, or check them (exit 1 when stale)."""
    parser = argparse.ArgumentParser(prog="python -m lalib.chapter_notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the book's folder (default: the current one)")
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    changed = sync_notebooks(args.root, check=args.check)
    for path in changed:
        print(("stale: " if args.check else "wrote: ") + str(path))
    if args.check and changed:
        print("run `python -m lalib.chapter_notebooks` (or `make book`) and commit notebooks/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
