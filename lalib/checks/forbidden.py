"""Forbidden functions: an "implement it yourself" question rejects answers that call them.

Two independent guards, so that neither alone has to be perfect:

* :func:`screen_source` reads code text (an answer's source, or a submitted
  cell) and resolves names through the imports it sees and the usual aliases
  (``np``, ``la``, ``sp``): ``np.linalg.matrix_rank``, ``from numpy.linalg
  import matrix_rank as mr`` and ``getattr(np.linalg, "matrix_rank")`` are all
  ``numpy.linalg.matrix_rank``.
* :func:`blocked` replaces the forbidden callables (in their modules and in
  the namespaces given) with ones that raise :class:`ForbiddenCall` while the
  student's function runs, and restores them in ``finally``; a call is
  recorded even when the student's code swallows the error.

A forbidden name may be a function (``"numpy.linalg.svd"``) or a module
(``"lalib.linalg"``: every function in it).
"""

from __future__ import annotations

import ast
import sys
import textwrap
import types
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager

__all__ = ["ForbiddenCall", "screen_source", "used_names", "forbidden_objects", "blocked"]

# What students usually call these modules.
DEFAULT_ALIASES = {"np": "numpy", "numpy": "numpy", "la": "numpy.linalg", "sp": "scipy", "scipy": "scipy",
                   "torch": "torch", "lalib": "lalib", "sympy": "sympy"}


class ForbiddenCall(RuntimeError):
    """Raised in place of a forbidden function while a student's function runs."""


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _matches(name: str, forbidden: Sequence[str]) -> str | None:
    for f in forbidden:
        if name == f or name.startswith(f + "."):
            return f
    return None


def _definition(tree: ast.Module, name: str) -> ast.AST | None:
    """The last top-level ``def name`` or ``name = ...`` in the code: the one that runs."""
    last = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            last = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                last = node
    return last


def used_names(code: str, within: str | None = None) -> set[str]:
    """Every fully qualified name that ``code`` refers to, through its imports and common aliases.

    With ``within``, only the names used by the code's last top-level
    definition of that function count (the imports anywhere in the code still
    tell what its aliases mean), so a whole notebook can be screened for one
    question without blaming what other cells use; without such a definition,
    all of the code counts.

    Examples
    --------
    >>> sorted(used_names("from numpy.linalg import svd as s\\nr = s(A)[1]"))
    ['numpy.linalg.svd']
    >>> "numpy.linalg.matrix_rank" in used_names("r = getattr(np.linalg, 'matrix_rank')(A)")
    True
    >>> code = "import numpy.linalg as nla\\nr = nla.matrix_rank(B)\\ndef f(A):\\n    return nla.norm(A)"
    >>> sorted(used_names(code, within="f"))
    ['numpy.linalg', 'numpy.linalg.norm']
    """
    tree = ast.parse(textwrap.dedent(code))
    aliases = dict(DEFAULT_ALIASES)
    found: set[str] = set()
    scope = _definition(tree, within) if within else None
    scope = tree if scope is None else scope
    in_scope = {id(n) for n in ast.walk(scope)}  # one walk: a whole notebook is thousands of nodes
    for node in ast.walk(tree):
        inside = id(node) in in_scope
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    aliases[a.name.split(".")[0]] = a.name.split(".")[0]
                if inside:
                    found.add(a.name)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                if inside:
                    found.add(f"{node.module}.{a.name}")
    for node in ast.walk(scope):
        parts = _dotted(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
        if parts and parts[0] in aliases:
            found.add(".".join([aliases[parts[0]], *parts[1:]]))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            base = _dotted(node.args[0])
            if base and base[0] in aliases:
                found.add(".".join([aliases[base[0]], *base[1:], node.args[1].value]))
    return found


def screen_source(code: str, forbidden: Sequence[str], what: str = "your code",
                  within: str | None = None) -> str | None:
    """The one-line reason ``code`` uses a forbidden name, or None.

    ``within`` names the function whose definition alone is screened (see
    :func:`used_names`). Code that does not parse is not judged here (the
    run-time guard still applies).

    Examples
    --------
    >>> screen_source("lambda A, tol=None: np.linalg.matrix_rank(A)", ["numpy.linalg.matrix_rank"])
    'your code uses numpy.linalg.matrix_rank, which this question forbids: do the computation yourself'
    >>> screen_source("import numpy.linalg as nla\\nnla.svd(A)", ["numpy.linalg.svd"]) is None
    False
    >>> screen_source("np.abs(A).max()", ["numpy.linalg.svd"]) is None
    True
    """
    if not forbidden:
        return None
    try:
        names = used_names(code, within)
    except (SyntaxError, ValueError):
        return None
    for name in sorted(names):
        hit = _matches(name, forbidden)
        if hit:
            return f"{what} uses {name}, which this question forbids: do the computation yourself"
    return None


def _resolve(name: str) -> tuple[object, str, object] | None:
    """(owner, attribute, object) for an imported ``a.b.c``, or None when it is not loaded."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None:
            continue
        owner, obj = None, module
        for attr in parts[cut:]:
            owner, obj = obj, getattr(obj, attr, None)
            if obj is None:
                return None
        return (owner, parts[-1], obj) if owner is not None else (None, "", obj)
    return None


def _targets(forbidden: Iterable[str]) -> list[tuple[object, str, object, str]]:
    """(owner, attribute, original, qualified name) for each forbidden callable now loaded."""
    out = []
    for name in forbidden:
        found = _resolve(name)
        if found is None:
            continue
        owner, attr, obj = found
        if isinstance(obj, types.ModuleType):
            for key, value in list(vars(obj).items()):
                if callable(value) and not key.startswith("_") and not isinstance(value, type):
                    out.append((obj, key, value, f"{name}.{key}"))
        elif callable(obj) and owner is not None:
            out.append((owner, attr, obj, name))
    return out


def forbidden_objects(forbidden: Iterable[str]) -> dict[int, str]:
    """id of each forbidden callable now loaded -> its name (to spot one passed as the answer).

    Examples
    --------
    >>> import numpy as np
    >>> forbidden_objects(["numpy.linalg.svd"])[id(np.linalg.svd)]
    'numpy.linalg.svd'
    """
    return {id(obj): name for _owner, _attr, obj, name in _targets(forbidden)}


@contextmanager
def blocked(forbidden: Sequence[str], namespaces: Sequence[MutableMapping] = ()) -> Iterator[list[str]]:
    """While the block runs, calling a forbidden function raises :class:`ForbiddenCall`.

    Yields the list of forbidden names called so far (filled in as calls happen).

    Examples
    --------
    >>> import numpy as np
    >>> with blocked(["numpy.linalg.matrix_rank"]) as calls:
    ...     try:
    ...         np.linalg.matrix_rank(np.eye(2))
    ...     except ForbiddenCall:
    ...         pass
    >>> calls, int(np.linalg.matrix_rank(np.eye(2)))
    (['numpy.linalg.matrix_rank'], 2)
    """
    calls: list[str] = []
    saved: list[tuple[object, str, object]] = []
    targets = _targets(forbidden)

    def stand_in(name: str):
        def forbidden_function(*args, **kwargs):
            calls.append(name)
            raise ForbiddenCall(f"{name} is forbidden in this question")
        return forbidden_function

    try:
        replacements: dict[int, object] = {}
        for owner, attr, original, name in targets:
            replacement = replacements.setdefault(id(original), stand_in(name))
            try:
                setattr(owner, attr, replacement)
            except (AttributeError, TypeError):
                continue
            saved.append((owner, attr, original))
        for ns in namespaces:  # names the student bound with ``from ... import``, in one pass
            for key, value in list(ns.items()):
                if id(value) in replacements and callable(value):
                    saved.append((ns, key, value))
                    ns[key] = replacements[id(value)]
        yield calls
    finally:
        for owner, attr, original in reversed(saved):
            if isinstance(owner, MutableMapping):
                owner[attr] = original
            else:
                setattr(owner, attr, original)
