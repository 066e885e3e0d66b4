"""One contract for every BookWidget subclass, so a new widget is tested by existing.

Its module parses and exports ``render``; its static ``derive`` exists exactly
when the class says so and agrees with the Python side (``derive_state``) on
random inputs; its files keep to the ``lalib`` namespace; its static HTML
ships each shared file once per page after :mod:`lalib.widgets.sphinx`.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
from importlib import resources

import numpy as np
import pytest

import lalib.widgets
from lalib.widgets import RankExplorer
from lalib.widgets.base import BookWidget, asset_html, read_js, widget_classes
from lalib.widgets.sphinx import current_asset, ship_assets_once

# Every module in lalib/widgets/, so a new widget is under contract as soon as its file exists.
for module in pkgutil.iter_modules(lalib.widgets.__path__):
    importlib.import_module(f"lalib.widgets.{module.name}")
CLASSES = widget_classes()
DERIVING = [c for c in CLASSES if c._static_derive]


def examples(count: int = 2) -> list:
    """Instances of every class that gives an example (one that does not fails its own test below)."""
    out = []
    for cls in CLASSES:
        try:
            out += [cls.example() for _ in range(count)]
        except NotImplementedError:
            pass
    return out


def test_every_widget_class_is_covered():
    assert {c.__name__ for c in CLASSES} >= {"RankExplorer", "MultipleChoice", "NumericAnswer"}
    assert DERIVING, "no widget with a static derive: the agreement test below would test nothing"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_widget_class_has_an_example(cls):
    assert isinstance(cls.example(), cls)
    if cls._static_derive:  # and says what derive must compute, on what inputs
        for method in ("derive_state", "random_state"):
            assert getattr(cls, method).__func__ is not getattr(BookWidget, method).__func__, (cls, method)


def import_module(page, esm: str) -> dict:
    """Import a widget's ES module in the page (as JupyterLab would) and describe its exports."""
    return page.evaluate("""async (source) => {
        const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
        try {
            const mod = await import(url);
            return { render: typeof mod.default.render, derive: typeof mod.derive };
        } catch (err) {
            return { error: String(err) };
        }
    }""", esm)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_module_parses_and_derive_exists_exactly_when_declared(offline_page, tmp_path, cls):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>")
    offline_page.goto(page.as_uri())
    exports = import_module(offline_page, cls._esm)
    assert "error" not in exports, exports
    assert exports["render"] == "function"
    assert exports["derive"] == ("function" if cls._static_derive else "undefined")
    assert offline_page.errors == []


def test_a_module_that_does_not_parse_is_caught(offline_page, tmp_path):
    # The check above can fail: a syntax error in a widget file is reported.
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    assert "error" in import_module(offline_page, RankExplorer._esm.replace("function derive(", "function derive(("))


def same(js, py, path="state") -> list[str]:
    """Where two JSON values differ (numbers up to rounding), as readable paths."""
    if isinstance(py, bool) or isinstance(py, str) or py is None:
        return [] if js == py else [f"{path}: {js!r} != {py!r}"]
    if isinstance(py, (int, float)):
        if not isinstance(js, (int, float)) or isinstance(js, bool):
            return [f"{path}: {js!r} is not a number"]
        if isinstance(py, int) and js != py:
            return [f"{path}: {js!r} != {py!r}"]
        return [] if math.isclose(js, py, rel_tol=1e-8, abs_tol=1e-9) else [f"{path}: {js!r} != {py!r}"]
    if isinstance(py, list):
        if not isinstance(js, list) or len(js) != len(py):
            return [f"{path}: {js!r} != {py!r}"]
        return [d for i, (a, b) in enumerate(zip(js, py)) for d in same(a, b, f"{path}[{i}]")]
    if isinstance(py, dict):
        if not isinstance(js, dict) or set(js) != set(py):
            return [f"{path}: keys {sorted(js) if isinstance(js, dict) else js!r} != {sorted(py)}"]
        return [d for k in py for d in same(js[k], py[k], f"{path}.{k}")]
    raise TypeError(f"{path}: cannot compare {type(py).__name__}")


@pytest.mark.parametrize("cls", DERIVING, ids=lambda c: c.__name__)
def test_static_derive_agrees_with_python_on_random_inputs(offline_page, tmp_path, cls):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(20261128)  # fixed: a failure is reproducible
    states = [cls.random_state(rng) for _ in range(400)]
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [cls._esm, states])
    bad = [(state, diff) for state, js in zip(states, results) if (diff := same(js, cls.derive_state(state)))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"
    assert offline_page.errors == []


def test_huge_and_tiny_parallel_columns_are_rank_one_in_the_page(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    cases = [[[1e160, 2e160], [2e160, 4e160]], [[1e-170, 2e-170], [3e-170, 6e-170]], [[1e300, -1e300], [1, -1]]]
    ranks = offline_page.evaluate("""async ([source, cases]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return cases.map((matrix) => mod.derive({ matrix, tol_rel: 1e-10 }).rank);
    }""", [RankExplorer._esm, cases])
    assert ranks == [RankExplorer.derive_state({"matrix": M, "tol_rel": 1e-10})["rank"] for M in cases] == [1, 1, 1]


def test_files_keep_to_the_namespace_and_ship_once_per_page(offline_page, tmp_path):
    widgets = examples()
    body = ship_assets_once("\n".join(w.static_html() for w in widgets))
    # Each shared file once, however many widgets use it.
    names = {name for w in widgets for name in w._assets}
    for name in names:
        assert body.count(asset_html(name)) == 1, name
    page = tmp_path / "page.html"
    page.write_text(f"<!doctype html><meta charset='utf-8'><body>{body}")
    offline_page.goto(page.as_uri())
    assert offline_page.locator("[data-host=static]").count() == len(widgets)
    # Only one global name, lalib; the helpers live in it.
    leaked = offline_page.evaluate(r"""() => {
        const fresh = document.createElement("iframe");
        document.body.append(fresh);
        const builtin = new Set(Object.getOwnPropertyNames(fresh.contentWindow));
        return Object.getOwnPropertyNames(window).filter((k) => !builtin.has(k) && !/^\d+$/.test(k));  // not the iframe
    }""")
    assert leaked == ["lalib"]
    assert offline_page.evaluate("Object.keys(lalib).sort()") == ["linalg", "runtime", "widgets"]
    assert offline_page.errors == []


@pytest.mark.parametrize("name", sorted(p.name for p in resources.files("lalib.widgets").iterdir()
                                         if p.name.endswith((".js", ".css"))))
def test_no_file_can_end_its_own_element_early(name):
    assert "</script" not in read_js(name).lower() and "</style" not in read_js(name).lower()


def test_assets_as_shared_files_mount_every_widget_offline(offline_page, tmp_path):
    # As the Sphinx hook does on a book page: the first copy of each asset becomes a file.
    widgets = examples()
    stored = {}

    def store(filename, content):
        stored[filename] = content
        (tmp_path / filename).write_text(content)
        return filename

    body = ship_assets_once("\n".join(w.static_html() for w in widgets), store)
    assert "lalib.runtime =" not in body and len(stored) == len({a for w in widgets for a in w._assets})
    page = tmp_path / "page.html"
    page.write_text(f"<!doctype html><meta charset='utf-8'><body>{body}")
    offline_page.goto(page.as_uri())
    assert offline_page.locator("[data-host=static]").count() == len(widgets)
    assert offline_page.locator(".lx-quiz").first.evaluate("(e) => getComputedStyle(e).borderLeftStyle") == "solid"
    offline_page.locator('.lx-rank input[aria-label="A[2, 1]"]').first.fill("0")
    offline_page.locator('.lx-rank input[aria-label="A[2, 1]"]').first.press("Enter")
    assert offline_page.locator('[data-field="rank"]').first.inner_text() == "2"
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_a_cached_page_ships_the_installed_widget_code():
    # jupyter-cache keeps a chapter's outputs until its code changes: a page
    # rebuilt from them must still get today's runtime, not the cached copy.
    today = asset_html("runtime.js")
    key = re.search(r'data-lalib-asset="([^"]+)"', today).group(1)
    stale = '<script data-lalib-asset="runtime.js@0123456789ab">\nold();\n</script>\n<div id="w1"></div>'
    stored = {}
    body = ship_assets_once(stale + stale, lambda name, content: stored.setdefault(name, content) and name,
                            current_asset)
    assert "0123456789ab" not in body and body.count(key) == 1
    [(name, content)] = stored.items()
    assert "old();" not in content and "lalib.runtime =" in content and name.startswith("runtime.")
    # a file lalib does not ship keeps its cached copy
    assert current_asset("gone.js@0123456789ab") is None


def test_a_widget_that_cannot_start_says_so_in_the_page(offline_page, tmp_path):
    html = RankExplorer.example().static_html().replace('data-lalib-widget="rank_explorer"', 'data-lalib-widget="nope"')
    page = tmp_path / "broken.html"
    page.write_text(f"<!doctype html><meta charset='utf-8'><body>{html}")
    offline_page.goto(page.as_uri())
    assert "could not start" in offline_page.locator(".lalib-widget .lx-error[role=alert]").inner_text()
