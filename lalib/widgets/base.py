"""The one front-end, two hosts pattern shared by every lalib widget.

A widget is an :class:`anywidget.AnyWidget` whose JavaScript (``runtime.js``
plus the widget's own files) exports ``render({model, el})``. In JupyterLab
that code runs against the kernel-backed widget model. Its MIME bundle also
carries a ``text/html`` version: a ``<div>``, the synced state as JSON, and the
*same* JavaScript mounted on an in-page model (``StaticModel``) that answers
``save_changes()`` with the widget's JavaScript ``derive(state)`` instead of a
kernel. The book shows that HTML (``_config.yml`` drops the widget-view MIME
type for HTML builds), so it works with no kernel and no network.
"""

from __future__ import annotations

import html
import itertools
import json
from functools import cache
from importlib import resources

import anywidget

__all__ = ["BookWidget", "read_js"]

_ids = itertools.count(1)  # a counter, not random ids: the same build gives the same page


@cache
def read_js(name: str) -> str:
    """Source of a file shipped in ``lalib/widgets`` (JavaScript or CSS)."""
    return resources.files("lalib.widgets").joinpath(name).read_text(encoding="utf-8")


class BookWidget(anywidget.AnyWidget):
    """Base class: subclasses set ``_js_files`` and declare synced traits.

    ``_js_files`` lists the JavaScript files, in order, that make up the
    widget; the last one defines ``render`` and, for widgets whose derived
    state the kernel computes live, ``derive``.
    """

    _js_files: tuple[str, ...] = ()
    _static_derive: bool = False  # does the JS define derive(state)?

    def __init_subclass__(cls, **kwargs):
        # Only classes that name their files; traitlets' add_traits also subclasses.
        if "_js_files" not in cls.__dict__:
            return super().__init_subclass__(**kwargs)
        source = "\n".join(read_js(f) for f in ("runtime.js", *cls._js_files))
        cls._esm = source + "\nexport default { render };\n"
        cls._css = read_js("widgets.css")
        cls._static_source = source
        super().__init_subclass__(**kwargs)

    def static_state(self) -> dict:
        """The synced state the page needs, as plain JSON data."""
        inherited = set(anywidget.AnyWidget.class_trait_names())
        return {
            name: getattr(self, name)
            for name in sorted(self.trait_names(sync=True))
            if not name.startswith("_") and name not in inherited
        }

    def static_html(self) -> str:
        """Self-contained HTML+JS rendering of the widget for the static book."""
        uid = f"lalib-{type(self).__name__.lower()}-{next(_ids)}"
        # "</" inside a <script> would end it early.
        state = json.dumps(self.static_state(), separators=(",", ":")).replace("</", "<\\/")
        derive = "derive" if self._static_derive else "null"
        return (
            f"<style>{self._css}</style>\n"
            f'<div class="lalib-widget" id="{uid}" data-widget="{html.escape(type(self).__name__)}"></div>\n'
            f'<script type="application/json" id="{uid}-state">{state}</script>\n'
            f'<script type="module">\n{self._static_source}\nmountStatic("{uid}", render, {derive});\n</script>'
        )

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = self.static_html()
        return data, metadata
