"""A small Sphinx extension for the book: tidy each page's scripts.

- Jupyter Book 1 registers some extensions' inline scripts twice (sphinx-thebe's
  ``const THEBE_JS_URL``, togglebutton's selector) and its stack adds MathJax a
  second time without ``defer``: the page then throws "already declared"
  errors and starts MathJax twice. We keep the first copy of each script.
- myst-nb embeds the executed notebook's ipywidgets state for the CDN-based
  ipywidgets embedding, which the book does not use (lalib widgets render as
  self-contained HTML): a third of the rank chapter's bytes, dropped.

Enabled in ``_config.yml`` under ``sphinx.extra_extensions``.
"""

from __future__ import annotations

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _script_key(script) -> str:
    filename = getattr(script, "filename", script)
    if filename:
        return str(filename).split("?")[0]
    return "inline:" + script.attributes.get("body", "")


def tidy_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated page scripts (keeping the first) and the unused widget state."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key in seen or getattr(script, "attributes", {}).get("type") == WIDGET_STATE:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    # Late priority: run after every extension has added its scripts.
    app.connect("html-page-context", tidy_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
