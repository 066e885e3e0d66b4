"""Sphinx hook: each widget asset ships once per page, as a shared static file.

Every widget's static HTML (:meth:`lalib.widgets.base.BookWidget.static_html`)
carries the shared runtime, its own code and the CSS, so that it works alone
(a notebook output, a page without this hook). On a book page with several
widgets that repeats the same files. This hook keeps the first copy of each
asset, matched by its ``data-lalib-asset`` name and content hash, and drops
the rest; the copy it keeps becomes a file in ``_static/lalib/`` named by its
hash, which the page loads (so every chapter shares one cached copy). The
first copy comes before every widget that needs it, and the scripts are
classic (run in document order), so every widget still mounts.

Enable it in ``_config.yml``::

    sphinx:
      extra_extensions: [lalib.book, lalib.widgets.sphinx]
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

__all__ = ["ship_assets_once", "setup"]

_ASSET = re.compile(r'<(script|style) data-lalib-asset="([^"]+)">\n?(.*?)\n?</\1>\n?', re.S)


def ship_assets_once(body: str, store: Callable[[str, str], str] | None = None,
                     fresh: Callable[[str], tuple[str, str] | None] | None = None) -> str:
    """The page body with only the first copy of each widget asset.

    Parameters
    ----------
    body : str
        HTML holding widgets' static renderings.
    store : callable, optional
        ``store(filename, content) -> url`` saves an asset as a file and says
        where the page finds it; the first copy then becomes a reference to
        that file. Without it the first copy stays inline.
    fresh : callable, optional
        ``fresh(key) -> (key, content)`` or None: the version of an asset to ship
        instead of the copy in ``body`` (see :func:`current_asset`).

    Examples
    --------
    >>> page = ('<style data-lalib-asset="a.css@1">x</style>\\n<div id="w1"></div>'
    ...         '<style data-lalib-asset="a.css@1">x</style>\\n<div id="w2"></div>')
    >>> ship_assets_once(page)
    '<style data-lalib-asset="a.css@1">x</style>\\n<div id="w1"></div><div id="w2"></div>'
    >>> ship_assets_once(page, store=lambda name, content: "_static/lalib/" + name)
    '<link rel="stylesheet" href="_static/lalib/a.1.css" data-lalib-asset="a.css@1">\\n<div id="w1"></div><div id="w2"></div>'
    """
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        tag, key, content = match.groups()
        original = key
        if fresh is not None:
            key, content = fresh(key) or (key, content)
        if key in seen:
            return ""
        seen.add(key)
        if store is None:
            return match.group(0) if key == original else f'<{tag} data-lalib-asset="{key}">\n{content}\n</{tag}>\n'
        name, _, digest = key.partition("@")
        stem, _, ext = name.rpartition(".")
        url = html.escape(store(f"{stem}.{digest}.{ext}", content))
        if tag == "style":
            return f'<link rel="stylesheet" href="{url}" data-lalib-asset="{key}">\n'
        return f'<script src="{url}" data-lalib-asset="{key}"></script>\n'

    return _ASSET.sub(first_only, body)


def current_asset(key: str) -> tuple[str, str] | None:
    """The installed lalib's version of an asset, ``(key, content)``, or None.

    A chapter's widget outputs come from jupyter-cache, which re-executes a
    chapter only when its code cells change: without this, an edit to a
    widget's JavaScript or CSS would not reach a rebuilt book. None for a
    file lalib no longer ships (the cached copy stays).

    Examples
    --------
    >>> key, content = current_asset("runtime.js@000000000000")
    >>> key.startswith("runtime.js@") and key != "runtime.js@000000000000"
    True
    """
    from lalib.widgets.base import asset_html  # imported when a page has widgets, not with Sphinx

    name = key.partition("@")[0]
    try:
        fresh = asset_html(name)
    except FileNotFoundError:
        return None
    match = _ASSET.match(fresh + "\n")
    return match.group(2), match.group(3)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "data-lalib-asset" not in context.get("body", ""):
        return

    def store(filename: str, content: str) -> str:
        # Named by content hash: a file of this name always holds this content.
        path = Path(app.outdir) / "_static" / "lalib" / filename
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        return context["pathto"](f"_static/lalib/{filename}", 1)

    context["body"] = ship_assets_once(context["body"], store, current_asset)


def _assets_digest() -> str:
    # A config value that changes with the widget files: Sphinx then writes
    # every page again (it rewrites pages only for changed sources or config).
    files = sorted((f for f in resources.files("lalib.widgets").iterdir() if f.name.endswith((".js", ".css"))),
                   key=lambda f: f.name)
    return hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files)).hexdigest()[:16]


def setup(app):
    app.add_config_value("lalib_widget_assets", _assets_digest(), "html")
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
