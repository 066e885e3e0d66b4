"""``lalib assign``: write the student notebooks ``exercises/`` from ``solutions/``.

The student version of a notebook is the source put through a short, ordered
list of named transformations (:data:`PIPELINE`), nbgrader-style:

1. *replace solutions with stubs*: each region between ``### BEGIN SOLUTION``
   and ``### END SOLUTION`` (markers included) becomes a stub, derived by two rules:

   - a region **inside a function body** (indented markers) becomes
     ``raise NotImplementedError("your code here")`` at the same indentation,
     so the ``def`` line and docstring above it stay;
   - a region **at top level** becomes one line ``name = ...  # your answer here``
     for each name it assigns at top level, in order; a top-level ``def`` in
     the region keeps its signature and docstring and gets the same
     ``raise`` body. Any other statement in the region is dropped.

   ``check`` reports ``...`` and ``NotImplementedError`` as "not answered yet".
2. *drop instructor notes*: cells whose ``lalib`` role is ``"instructor"``
   (where the answer key lives, how to re-check it) are not for students;
3. *clear outputs* and 4. *strip execution counts*;
5. *normalise metadata*: cells keep only their ``lalib`` and ``tags`` metadata,
   the notebook only its kernel, language and a ``lalib`` note naming its
   source and its exercise-set id (``assignment``, which the grader reads);
6. *lock check cells*: not editable, not deletable (``metadata.editable`` and
   ``metadata.deletable``, which JupyterLab honours), since the grader runs
   the original check of every question whatever the notebook holds;
7. *verify the check cells*: each reads its question's answer variable, the
   one the grader reads;
8. *verify no solution is left*: no marker may survive anywhere.

With ``--roster roster.csv`` it writes, instead, one notebook per student for
each set whose bank has variants (``DEST/<student id>/NN-topic.ipynb``): the
same exercise with that student's own numbers, drawn from a seed derived from
the set, the student id and the instructor's grading secret
(:mod:`lalib.grading.variants`). Without a roster nothing changes.

Output is deterministic (sorted keys, one-space indent, newline at the end),
so ``lalib assign --check`` can compare bytes. ``--check`` also runs each
solutions notebook and fails when one of its answers does not pass the
answer key, the question bank in ``lalib/checks/<set>.py``
(:func:`key_problems`): the key is the bank, not the notebook.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import nbformat

__all__ = [
    "BEGIN", "END", "SCHEMA", "PIPELINE", "stub_for", "replace_solutions", "clear_outputs",
    "strip_execution_counts", "normalise_metadata", "drop_instructor_notes", "lock_check_cells",
    "verify_check_cells", "verify_no_solutions", "make_exercise", "render", "expected_files", "out_of_sync",
    "key_problems", "assign", "assign_roster", "add_arguments", "main",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
SCHEMA = 1  # version of the ``lalib`` cell and notebook metadata
VALUE_STUB = "{name} = ...  # your answer here"
BODY_STUB = 'raise NotImplementedError("your code here")'


class SolutionRegionError(ValueError):
    """A solution region that is unbalanced or has no stub rule."""


def stub_for(region: str, indent: str = "") -> list[str]:
    """The stub lines that replace one solution region (markers excluded).

    Parameters
    ----------
    region : str
        The code between the markers.
    indent : str
        The markers' indentation: non-empty means the region is a function body.

    Returns
    -------
    list of str

    Raises
    ------
    SolutionRegionError
        If a top-level region neither assigns a name nor defines a function.

    Examples
    --------
    >>> stub_for("rank_B = 1  # one independent row")
    ['rank_B = ...  # your answer here']
    >>> stub_for("    return 42", indent="    ")
    ['    raise NotImplementedError("your code here")']
    >>> stub_for("def f(A):\\n    'Twice A.'\\n    return 2 * A")
    ['def f(A):', "    'Twice A.'", '    raise NotImplementedError("your code here")']
    """
    if indent:
        return [indent + BODY_STUB]
    try:
        tree = ast.parse(region)
    except SyntaxError as exc:
        raise SolutionRegionError(f"the solution region is not valid Python: {exc}") from None
    lines = region.splitlines()
    out: list[str] = []
    seen: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0]
            is_doc = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                and isinstance(first.value.value, str)
            keep_to = first.end_lineno if is_doc else first.lineno - 1  # the signature (and docstring)
            out.extend(lines[node.lineno - 1 - len(node.decorator_list):keep_to])
            body_indent = lines[first.lineno - 1][: first.col_offset]
            out.append(body_indent + BODY_STUB)
            continue
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in seen:
                seen.add(target.id)
                out.append(VALUE_STUB.format(name=target.id))
    if not out:
        raise SolutionRegionError("a top-level solution region must assign a name or define a function, "
                                  f"got: {region.strip()[:80]!r}")
    return out


def _replace_regions(source: str) -> str:
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == END:
            raise SolutionRegionError(f"{END!r} without a matching {BEGIN!r}")
        if line.strip() != BEGIN:
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        try:
            j = next(k for k in range(i + 1, len(lines)) if lines[k].strip() in (BEGIN, END))
        except StopIteration:
            raise SolutionRegionError(f"{BEGIN!r} without a matching {END!r}") from None
        if lines[j].strip() == BEGIN:
            raise SolutionRegionError(f"nested {BEGIN!r}")
        region = "\n".join(ln[len(indent):] if ln.startswith(indent) else ln for ln in lines[i + 1:j])
        out.extend(stub_for(region, indent))
        i = j + 1
    return "\n".join(out)


# Each step takes a notebook and changes it in place; the pipeline reads like its description.
def replace_solutions(nb: nbformat.NotebookNode) -> None:
    """Replace each solution region of each code cell with its stub (see :func:`stub_for`)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (BEGIN in cell.source or END in cell.source):
            try:
                cell.source = _replace_regions(cell.source)
            except SolutionRegionError as exc:
                raise SolutionRegionError(f"cell {index}: {exc}") from None


def drop_instructor_notes(nb: nbformat.NotebookNode) -> None:
    """Remove the cells meant for instructors and authors only (``lalib`` role ``"instructor"``).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "The key is lalib/checks/rank.py", id="k", metadata={"lalib": {"role": "instructor"}})])
    >>> drop_instructor_notes(nb); len(nb.cells)
    0
    """
    nb.cells = [c for c in nb.cells if c.metadata.get("lalib", {}).get("role") != "instructor"]


def clear_outputs(nb: nbformat.NotebookNode) -> None:
    """Remove every output: the student runs the checks."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []


def strip_execution_counts(nb: nbformat.NotebookNode) -> None:
    """Forget the order the author ran the cells in."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None


def normalise_metadata(nb: nbformat.NotebookNode) -> None:
    """Keep only the metadata the exercises need; drop timings, widget state, editor state."""
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("lalib", "tags")}
    meta = nb.metadata.get("lalib", {})
    note = {"schema": SCHEMA, "generated_by": "lalib assign: do not edit, edit the source instead",
            "source": meta.get("source", "")}
    if meta.get("assignment"):
        note["assignment"] = meta["assignment"]
    nb.metadata = {
        "kernelspec": nb.metadata.get("kernelspec", {"name": "python3", "display_name": "Python 3",
                                                     "language": "python"}),
        "language_info": {"name": "python"},
        "lalib": note,
    }


def _is_check(cell) -> bool:
    return cell.cell_type == "code" and cell.metadata.get("lalib", {}).get("role") == "check"


def lock_check_cells(nb: nbformat.NotebookNode) -> None:
    """Make check cells neither editable nor deletable in JupyterLab (the grader runs the originals anyway).

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell('check("rank.3", rank_B)', id="c",
    ...                                  metadata={"lalib": {"role": "check", "question": "rank.3"}})
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> lock_check_cells(nb); nb.cells[0].metadata["editable"], nb.cells[0].metadata["deletable"]
    (False, False)
    """
    for cell in nb.cells:
        if _is_check(cell):
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False


def verify_check_cells(nb: nbformat.NotebookNode) -> None:
    """Each check cell must be ``check("<id>", <name>)`` with the name its question is graded from.

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell('check("rank.3", rank_D)', id="c",
    ...                                  metadata={"lalib": {"role": "check", "question": "rank.3"}})
    >>> verify_check_cells(nbformat.v4.new_notebook(cells=[cell]))
    Traceback (most recent call last):
    ...
    lalib.assign.SolutionRegionError: cell 0: rank.3 is graded from the variable rank_B, but its check reads rank_D
    """
    from lalib.checks import UnknownQuestion, question  # the banks load only when a notebook is made

    for index, cell in enumerate(nb.cells):
        if not _is_check(cell):
            continue
        qid = cell.metadata["lalib"].get("question")
        match = re.fullmatch(r'\s*check\("([^"]+)", ([A-Za-z_]\w*)\)\s*', cell.source)
        if not match or match.group(1) != qid:
            raise SolutionRegionError(f"cell {index}: a check cell must be check(\"{qid}\", <answer variable>), "
                                      f"got {cell.source.strip()[:80]!r}")
        try:
            variable = question(qid).variable
        except UnknownQuestion as exc:
            raise SolutionRegionError(f"cell {index}: {exc}") from None
        if variable and match.group(2) != variable:
            raise SolutionRegionError(f"cell {index}: {qid} is graded from the variable {variable}, "
                                      f"but its check reads {match.group(2)}")


def verify_no_solutions(nb: nbformat.NotebookNode) -> None:
    """Fail loudly if any solution marker survived (in any cell type)."""
    for index, cell in enumerate(nb.cells):
        if BEGIN in cell.source or END in cell.source:
            raise SolutionRegionError(f"cell {index} still holds a solution marker")


PIPELINE: tuple[tuple[str, Callable[[nbformat.NotebookNode], None]], ...] = (
    ("replace solutions with stubs", replace_solutions),
    ("drop instructor notes", drop_instructor_notes),
    ("clear outputs", clear_outputs),
    ("strip execution counts", strip_execution_counts),
    ("normalise metadata", normalise_metadata),
    ("lock check cells", lock_check_cells),
    ("verify the check cells", verify_check_cells),
    ("verify no solution is left", verify_no_solutions),
)


def make_exercise(nb: nbformat.NotebookNode, source: str = "") -> nbformat.NotebookNode:
    """The student version of a solutions notebook (the input is not changed).

    Parameters
    ----------
    nb : NotebookNode
        The solutions notebook.
    source : str
        Its path, recorded in the exercise's metadata.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "x = 2\\n### BEGIN SOLUTION\\nanswer = x + 1\\n### END SOLUTION", id="a")])
    >>> print(make_exercise(nb).cells[0].source)
    x = 2
    answer = ...  # your answer here
    """
    out = copy.deepcopy(nb)
    out.metadata.setdefault("lalib", {})["source"] = source
    for _name, step in PIPELINE:
        step(out)
    return out


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook as deterministic JSON text: sorted keys, one-space indent, newline at the end."""
    nbformat.validate(nb)
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def expected_files(source_dir: Path, dest_dir: Path) -> dict[Path, str]:
    """Every exercise notebook that should exist, with its exact text."""
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    if not source_dir.is_dir():
        raise FileNotFoundError(f"source folder {str(source_dir)!r} does not exist")
    files = {}
    for path in sorted(source_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        files[dest_dir / path.name] = render(make_exercise(nb, source=f"{source_dir.name}/{path.name}"))
    return files


def out_of_sync(source_dir: Path, dest_dir: Path) -> list[str]:
    """One line per exercise notebook that is missing, stale or has no source; empty when in sync."""
    expected = expected_files(source_dir, dest_dir)
    problems = []
    for path, text in expected.items():
        if not path.exists():
            problems.append(f"{path}: missing (run `lalib assign`)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: stale, differs from what {Path(source_dir) / path.name} gives "
                            "(run `lalib assign`; never edit exercises by hand)")
    for path in sorted(Path(dest_dir).glob("*.ipynb")) if Path(dest_dir).is_dir() else []:
        if path not in expected:
            problems.append(f"{path}: extra, no {Path(source_dir) / path.name} to generate it from")
    return problems


_PASSED = re.compile(r"✅ (\S+) passed")
_RECORDED = re.compile(r"📝 (\S+): recorded for your instructor")


def _bank_file(qid: str) -> str:
    from lalib.checks import BANKS
    module = BANKS.get(qid.split(".", 1)[0], "")
    return module.replace(".", "/") + ".py" if module else "the question banks"


def key_problems(source_dir: Path | str, timeout: int = 120) -> list[str]:
    """Run each solutions notebook; one line per answer that does not pass the answer key.

    The key is the question bank (``lalib/checks/<set>.py``), not the
    notebook: an answer changed in the notebook but not in the bank (or the
    other way round) shows up here, naming the question and what its check said.
    """
    from nbclient import NotebookClient  # only --check needs a kernel

    problems = []
    for path in sorted(Path(source_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as scratch:
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                    record_timing=False, resources={"metadata": {"path": scratch}})
            client.execute()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            if errors:
                problems.append(f"{path}: cell {index} raised {errors[0].get('ename')}: "
                                f"{str(errors[0].get('evalue'))[:200]}")
                continue
            if not _is_check(cell):
                continue
            qid = cell.metadata["lalib"].get("question", "?")
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs
                           if o.get("output_type") in ("execute_result", "display_data")).strip("'\" \n")
            said = _PASSED.fullmatch(text) or _RECORDED.match(text)
            if not said or said.group(1) != qid:
                problems.append(f"{path}: the solution of {qid} does not pass the answer key in "
                                f"{_bank_file(qid)}: {text or 'its check showed nothing'}")
    return problems


def assign(source_dir: Path | str = "solutions", dest_dir: Path | str = "exercises",
           check: bool = False, key: bool = True) -> list[str]:
    """Write (or, with ``check``, only compare) the exercise notebooks.

    Parameters
    ----------
    source_dir, dest_dir : path
        The solutions and the exercises folders.
    check : bool
        Write nothing; report every exercise notebook out of sync and, with
        ``key``, every solution that does not pass the answer key.
    key : bool
        With ``check``, run the solutions notebooks against the answer key (needs a kernel).

    Returns
    -------
    list of str
        The problems found: with ``check``, every out-of-sync file and failing
        solution; without, only extra files that have no source (they are left alone).
    """
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    if check:
        problems = out_of_sync(source_dir, dest_dir)
        return problems + (key_problems(source_dir) if key else [])
    expected = expected_files(source_dir, dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    for path, text in expected.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
    return [p for p in out_of_sync(source_dir, dest_dir) if ": extra" in p]


def assign_roster(source_dir: Path | str, roster: Path | str, dest_dir: Path | str,
                  secret: Path | str | None = None) -> list[str]:
    """Write one exercise notebook per student for each set with variants; one line per thing done.

    Parameters
    ----------
    source_dir : path
        The solutions folder.
    roster : path
        The class roster (see :func:`lalib.grading.variants.load_roster`).
    dest_dir : path
        Where ``<student id>/NN-topic.ipynb`` are written.
    secret : path, optional
        The grading secret file (default as for ``lalib grade``); ``lalib grade --roster`` must use the same.

    Raises
    ------
    ValueError
        If the roster cannot be read, or no set has variants.
    """
    from lalib.grading.store import obtain_secret
    from lalib.grading.variants import has_variants, load_roster

    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    students = load_roster(roster)
    master, secret_path = obtain_secret(
        secret, lambda text: print(text.replace("lalib grade:", "lalib assign:", 1), file=sys.stderr))
    said, written = [], 0
    if not source_dir.is_dir():
        raise FileNotFoundError(f"source folder {str(source_dir)!r} does not exist")
    for path in sorted(source_dir.glob("*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        aid = solution.metadata.get("lalib", {}).get("assignment", path.stem)
        if not has_variants(aid):  # (such a set is not even built here: its problems are not this command's)
            said.append(f"{path.name}: the same for everyone (its bank has no variants): "
                        f"hand out exercises/{path.name}")
            continue
        exercise = make_exercise(solution, source=f"{source_dir.name}/{path.name}")
        for sid in students.ids:
            out = dest_dir / sid / path.name
            mine = render(_variant_of(exercise, aid, sid, master, path.name))
            out.parent.mkdir(parents=True, exist_ok=True)
            if not out.exists() or out.read_text(encoding="utf-8") != mine:
                out.write_text(mine, encoding="utf-8", newline="\n")
            written += 1
        said.append(f"{path.name}: one variant per student in {dest_dir}/<id>/{path.name} "
                    f"({len(students.ids)} students)")
    if not written:
        raise ValueError(f"no exercise set in {source_dir} has variants, so a roster changes nothing")
    said.append(f"variants drawn with the grading secret {secret_path}: grade with `lalib grade --roster {roster}` "
                "and the same secret")
    return said


def _variant_of(exercise, aid: str, sid: str, master: int, name: str):
    from lalib.grading.variants import student_notebook
    return student_notebook(exercise, aid, sid, master, where=name)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``lalib assign`` options."""
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming each exercise notebook that is out of sync and each "
                             "solution that does not pass the answer key (lalib/checks/<set>.py)")
    parser.add_argument("--no-key", action="store_true",
                        help="with --check, skip running the solutions against the answer key")
    parser.add_argument("--source", default="solutions", help="folder of solution notebooks (default: solutions)")
    parser.add_argument("--dest", default=None,
                        help="folder of exercise notebooks (default: exercises; with --roster: exercises-by-student)")
    parser.add_argument("--roster", metavar="CSV",
                        help="write one notebook per student (DEST/<id>/NN-topic.ipynb) for each set with variants, "
                             "its numbers drawn from the student id and the grading secret; the CSV has an id "
                             "column naming students as their submissions do")
    parser.add_argument("--secret", metavar="FILE",
                        help="with --roster: the grading secret (default: $LALIB_GRADING_SECRET, else "
                             "~/.config/lalib/grading-secret.json); grade with the same one")


def main(args: argparse.Namespace) -> int:
    """Run ``lalib assign``; the exit status is 0 when everything is (now) in sync."""
    if getattr(args, "roster", None):
        if args.check:
            print("lalib assign: --check compares exercises/ only; give it without --roster")
            return 2
        from lalib.grading.store import SecretError
        try:
            lines = assign_roster(args.source, args.roster, args.dest or "exercises-by-student", args.secret)
        except (FileNotFoundError, ValueError, SecretError, nbformat.ValidationError) as exc:
            print(f"lalib assign: {exc}")
            return 2
        for line in lines:
            print(line)
        return 0
    args.dest = args.dest or "exercises"
    try:
        problems = assign(args.source, args.dest, check=args.check, key=not getattr(args, "no_key", False))
    except (FileNotFoundError, SolutionRegionError, nbformat.ValidationError) as exc:
        print(f"lalib assign: {exc}")
        return 2
    for line in problems:
        print(line)
    if args.check and not problems:
        print(f"{args.dest}/ is in sync with {args.source}/"
              + ("" if getattr(args, "no_key", False) else ", and every solution passes the answer key"))
    return 1 if problems else 0
