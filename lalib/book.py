"""A small Sphinx extension for the book: one copy of each page script.

Jupyter Book 1 registers some extensions' inline scripts twice (sphinx-thebe's
``const THEBE_JS_URL``, togglebutton's selector) and its stack adds MathJax a
second time without ``defer``: the page then throws "already declared" errors
and starts MathJax twice. Keeping the first copy of each script fixes both.
Enabled in ``_config.yml`` under ``sphinx.extra_extensions``.
"""

from __future__ import annotations


def _script_key(script) -> str:
    filename = getattr(script, "filename", script)
    if filename:
        return str(filename).split("?")[0]
    return "inline:" + script.attributes.get("body", "")


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated page scripts, keeping the first of each (file or inline body)."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    # Late priority: run after every extension has added its scripts.
    app.connect("html-page-context", dedupe_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
