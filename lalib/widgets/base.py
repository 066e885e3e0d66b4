"""The one front-end, two hosts pattern shared by every lalib widget.

A widget is an :class:`anywidget.AnyWidget` whose JavaScript (``runtime.js``
plus the widget's own files) exports ``render({model, el})``. In JupyterLab
that code runs against the kernel-backed widget model. Its MIME bundle also
carries a ``text/html`` version: a ``<div>``, the synced state as JSON, and the
*same* JavaScript mounted on an in-page model (``StaticModel``) that answers
``save_changes()`` with the widget's JavaScript ``derive(state)`` instead of a
kernel. The book shows that HTML (``_config.yml`` drops the widget-view MIME
type for HTML builds), so it works with no kernel and no network.

Each JavaScript file is the body of a function given the namespace ``lalib``:
it takes helpers from it (``const { h } = lalib.runtime``) and publishes on it
(``lalib.linalg``; a widget as ``lalib.widgets[<its file's stem>]``), so two
files can never clash over a name. In the static HTML each file, and the CSS,
is a separate element marked ``data-lalib-asset``; :mod:`lalib.widgets.sphinx`
keeps only the first copy of each on a page, so a page with nine widgets ships
the runtime once.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import sys
from functools import cache
from importlib import resources
from pathlib import PurePosixPath

import anywidget
import numpy as np

__all__ = ["BookWidget", "read_js", "asset_html", "widget_classes"]

_ids = itertools.count(1)  # a counter, not random ids: the same build gives the same page


@cache
def read_js(name: str) -> str:
    """Source of a file shipped in ``lalib/widgets`` (JavaScript or CSS).

    Examples
    --------
    >>> "lalib.runtime =" in read_js("runtime.js")
    True
    """
    return resources.files("lalib.widgets").joinpath(name).read_text(encoding="utf-8")


def _wrapped(name: str, namespace: str) -> str:
    # A function scope per file: its top-level names stay its own.
    return f"(function (lalib) {{ // {name}\n{read_js(name)}\n}})({namespace});"


@cache
def asset_html(name: str) -> str:
    """One shared file as a page element, marked so a page can keep one copy.

    The marker names the file and a hash of its content, so two different
    versions of a file are never mistaken for one.

    Examples
    --------
    >>> asset_html("runtime.js").startswith('<script data-lalib-asset="runtime.js@')
    True
    """
    if name.endswith(".css"):
        body, tag = read_js(name), "style"
    else:
        body, tag = _wrapped(name, "globalThis.lalib = globalThis.lalib || {}"), "script"
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    return f'<{tag} data-lalib-asset="{name}@{digest}">\n{body}\n</{tag}>'


def widget_classes() -> list[type[BookWidget]]:
    """Every concrete widget class: those that can be shown (not private bases).

    Examples
    --------
    >>> import lalib.widgets
    >>> {"MultipleChoice", "NumericAnswer", "RankExplorer"} <= {c.__name__ for c in widget_classes()}
    True
    """
    found, todo = [], list(BookWidget.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        # The class its module names (traitlets' add_traits makes nameless copies), not a private base.
        named = getattr(sys.modules.get(cls.__module__), cls.__name__, None) is cls
        if cls._js_files and named and not cls.__name__.startswith("_"):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


class BookWidget(anywidget.AnyWidget):
    """Base class: subclasses set ``_js_files`` and declare synced traits.

    ``_js_files`` lists the JavaScript files, in order, that make up the
    widget (``runtime.js`` comes first by itself); the last one publishes
    ``lalib.widgets[<its stem>] = { render, derive }``. ``derive(state)``, the
    page's stand-in for the kernel, exists exactly when ``_static_derive`` is
    true; such a class also implements :meth:`derive_state` (the Python truth
    ``derive`` must agree with) and :meth:`random_state` (inputs to compare
    them on). Every class implements :meth:`example`. ``tests/test_widgets_contract.py``
    runs the same checks over every class found in ``lalib/widgets/``.
    """

    _js_files: tuple[str, ...] = ()
    _static_derive: bool = False  # does the JS publish derive(state)?

    def __init_subclass__(cls, **kwargs):
        # Only classes that name their files; traitlets' add_traits also subclasses.
        if "_js_files" not in cls.__dict__:
            return super().__init_subclass__(**kwargs)
        files = ("runtime.js", *cls._js_files)
        cls._js_name = PurePosixPath(cls._js_files[-1]).stem
        cls._assets = ("widgets.css", *files)
        cls._esm = (
            "const lalib = {};\n"
            + "\n".join(_wrapped(f, "lalib") for f in files)
            + f"\nconst widget = lalib.widgets[{json.dumps(cls._js_name)}];"
            + "\nexport const derive = widget.derive;"
            + "\nexport default { render: widget.render };\n"
        )
        cls._css = read_js("widgets.css")
        super().__init_subclass__(**kwargs)

    @classmethod
    def example(cls) -> BookWidget:
        """A small instance, for the contract tests every widget class must pass.

        By default the instance its constructor makes with no arguments; a
        class whose constructor needs some defines its own.
        """
        try:
            return cls()
        except TypeError as err:
            raise NotImplementedError(
                f"{cls.__name__}() needs arguments ({err}): define {cls.__name__}.example() "
                "for tests/test_widgets_contract.py") from err

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """The derived traits for a state, as the kernel computes them.

        Only for classes with ``_static_derive``: the page's JavaScript
        ``derive(state)`` must return the same.
        """
        raise NotImplementedError(f"{cls.__name__} derives nothing (its _static_derive is False)")

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random input state for ``derive``, hard cases included (for the contract test)."""
        raise NotImplementedError(f"{cls.__name__} derives nothing (its _static_derive is False)")

    def static_state(self) -> dict:
        """The synced state the page needs, as plain JSON data."""
        inherited = set(anywidget.AnyWidget.class_trait_names())
        return {
            name: getattr(self, name)
            for name in sorted(self.trait_names(sync=True))
            if not name.startswith("_") and name not in inherited
        }

    def static_html(self) -> str:
        """Self-contained HTML+JS rendering of the widget for the static book.

        The shared files come first, each as one marked element (a page keeps
        the first copy of each); then the widget's element, its state as JSON,
        and one line that mounts it.
        """
        uid = f"lalib-{type(self).__name__.lower()}-{next(_ids)}"
        # "</" inside a <script> would end it early.
        state = json.dumps(self.static_state(), separators=(",", ":")).replace("</", "<\\/")
        assets = "\n".join(asset_html(name) for name in self._assets)
        return (
            f"{assets}\n"
            f'<div class="lalib-widget" id="{uid}" data-widget="{html.escape(type(self).__name__)}"'
            f' data-lalib-widget="{self._js_name}"></div>\n'
            f'<script type="application/json" id="{uid}-state">{state}</script>\n'
            f'<script>lalib.runtime.mountStatic("{uid}");</script>'
        )

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = self.static_html()
        return data, metadata
