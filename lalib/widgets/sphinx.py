"""Sphinx hook: each widget asset ships once per page.

Every widget's static HTML (:meth:`lalib.widgets.base.BookWidget.static_html`)
carries the shared runtime, its own code and the CSS, so that it works alone
(a notebook output, a page without this hook). On a book page with several
widgets that repeats the same files: this hook keeps the first copy of each
asset, matched by its ``data-lalib-asset`` name and content hash, and drops
the rest. The first copy comes before every widget that needs it, and the
scripts are classic (run in document order), so every widget still mounts.

Enable it in ``_config.yml``::

    sphinx:
      extra_extensions: [lalib.book, lalib.widgets.sphinx]
"""

from __future__ import annotations

import re

__all__ = ["ship_assets_once", "setup"]

_ASSET = re.compile(r'<(script|style) data-lalib-asset="([^"]+)">.*?</\1>\n?', re.S)


def ship_assets_once(body: str) -> str:
    """The page body with only the first copy of each widget asset.

    Examples
    --------
    >>> page = ('<style data-lalib-asset="a.css@1">x</style>\\n<div id="w1"></div>'
    ...         '<style data-lalib-asset="a.css@1">x</style>\\n<div id="w2"></div>')
    >>> ship_assets_once(page)
    '<style data-lalib-asset="a.css@1">x</style>\\n<div id="w1"></div><div id="w2"></div>'
    """
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        if match.group(2) in seen:
            return ""
        seen.add(match.group(2))
        return match.group(0)

    return _ASSET.sub(first_only, body)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "body" in context and "data-lalib-asset" in context["body"]:
        context["body"] = ship_assets_once(context["body"])


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
