"""The transformation explorer: Python side, and its JavaScript in headless Chromium with the network off.

The page's readouts are compared with the Python side (``derive``) after drags,
key presses, touch drags, typed entries, presets and random edit sequences.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lalib import transforms
from lalib.widgets.transformation_explorer import SHOWS, TransformationExplorer, derive

TOL = transforms.TOL_REL


# --- Python side ---------------------------------------------------------------------------------

def test_products_are_in_the_right_order():
    A, B = transforms.rotation(0.7), transforms.shear(1.5)
    w = TransformationExplorer(A, B, show="AB")
    assert np.allclose(w.shown, A @ B)          # first B, then A
    w.show = "BA"
    assert np.allclose(w.shown, B @ A)
    assert not np.allclose(A @ B, B @ A)
    assert math.isclose(w.det, w.det_a * w.det_b)


def test_readouts_follow_every_edit():
    w = TransformationExplorer()
    assert (w.det, w.rank, w.orientation, w.collapse) == (1.0, 2, "kept", "none")
    w.a = transforms.reflection(0.3)
    assert w.orientation == "flipped" and math.isclose(w.det, -1.0)
    w.a = transforms.projection(0.3)
    assert (w.rank, w.collapse, w.det, w.orientation) == (1, "line", 0.0, "lost")
    w.a = np.zeros((2, 2))
    assert (w.rank, w.collapse, w.sv) == (0, "point", [0.0, 0.0])
    w.b, w.show = [[2, 0], [0, 3]], "B"
    assert (w.det, w.sv) == (6.0, [3.0, 2.0])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"matrix": np.eye(3)}, ValueError, r"matrix must be a 2×2 matrix .* shape \(3, 3\)"),
    ({"second": [[1, 2]]}, ValueError, r"second must be a 2×2 matrix"),
    ({"matrix": [[1, np.nan], [0, 1]]}, ValueError, "NaN"),
    ({"matrix": [[1e60, 0], [0, 1]]}, ValueError, "larger than 1e\\+50"),
    ({"matrix": [[1j, 0], [0, 1]]}, TypeError, "real"),
    ({"show": "C"}, ValueError, "show must be one of A, B, AB, BA"),
])
def test_bad_input_is_refused_with_a_named_error(kwargs, error, match):
    with pytest.raises(error, match=match):
        TransformationExplorer(**kwargs)


def test_a_bad_edit_leaves_the_widget_as_it_was():
    w = TransformationExplorer([[2, 0], [0, 1]])
    with pytest.raises(ValueError):
        w.a = [[1, 2, 3]]
    assert w.a == [[2.0, 0.0], [0.0, 1.0]] and w.det == 2.0


def test_derive_agrees_with_numpy_on_random_states():
    rng = np.random.default_rng(7)
    for _ in range(300):
        state = TransformationExplorer.random_state(rng)
        d = derive(state)
        A, B = np.array(state["a"]), np.array(state["b"])
        M = {"A": A, "B": B, "AB": A @ B, "BA": B @ A}[state["show"]]
        assert np.allclose(d["shown"], M, rtol=1e-12, atol=0)
        s = np.linalg.svd(M, compute_uv=False)
        assert np.allclose(d["sv"], s, rtol=1e-9, atol=1e-9 * s[0])
        if d["rank"] == 2:
            assert math.isclose(d["det"], np.linalg.det(M), rel_tol=1e-9, abs_tol=1e-12 * s[0] ** 2)
        assert d["rank"] == (0 if s[0] == 0 else int(np.sum(s > TOL * s[0])))


def test_payload_is_small():
    w = TransformationExplorer(transforms.rotation(0.5), transforms.shear(1.0), show="AB")
    assert len(json.dumps(w.static_state())) < 2_000
    assert len(w.static_html().encode()) < 200_000


# --- in the browser ----------------------------------------------------------------------------

def page_with(tmp_path, page, *widgets):
    path = tmp_path / "tx.html"
    path.write_text("<!doctype html><meta charset='utf-8'><body>" + "\n".join(w.static_html() for w in widgets))
    page.goto(path.as_uri())
    return page


def field(page, name, nth=0):
    return page.locator(f'[data-field="{name}"]').nth(nth).inner_text()


def fmt(page, x):
    return page.evaluate("(x) => lalib.runtime.fmt(x)", x)


def entries(page, name):
    return [[float(page.locator(f'input[aria-label="{name}[{i + 1}, {j + 1}]"]').input_value()) for j in range(2)]
            for i in range(2)]


def assert_readouts_match_python(page):
    """The page's readouts say what the Python side computes for the entries it shows."""
    a, b = entries(page, "A"), entries(page, "B")
    show = page.locator(".lx-tx-show input:checked").get_attribute("value")
    d = derive({"a": a, "b": b, "show": show, "tol_rel": TOL})
    assert field(page, "tx-det") == fmt(page, d["det"]), (a, b, show)
    meaning = field(page, "tx-meaning")
    assert {"kept": "orientation kept", "flipped": "orientation flipped",
            "lost": "no inverse"}[d["orientation"]] in meaning, (meaning, d)
    circle = field(page, "tx-circle")
    if d["rank"] == 2:
        assert circle == f"an ellipse with semi-axes {fmt(page, d['sv'][0])} and {fmt(page, d['sv'][1])}"
    else:
        assert ("segment" in circle) == (d["rank"] == 1) and ("point 0" in circle) == (d["rank"] == 0)
    assert page.locator(".lx-tx-square").get_attribute("data-orientation") == d["orientation"]
    if show in ("AB", "BA"):
        assert field(page, "tx-product").endswith(f"= {fmt(page, d['det'])}")


def tip_centre(page, col):
    box = page.locator(f'.lx-handle[data-col="{col}"]').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def units(page):
    """Screen pixels per plot unit (the plot's reach is read from the drawn unit circle)."""
    return page.evaluate("""() => {
        const svg = document.querySelector('.lx-tx .lx-plot');
        const r = svg.getBoundingClientRect();
        return r.width / 320;
    }""")


def test_dragging_a_column_onto_the_other_flattens_the_plane(offline_page, tmp_path):
    page = page_with(tmp_path, offline_page, TransformationExplorer([[1, 0], [0, 1]]))
    assert field(page, "tx-det") == "1" and "orientation kept" in field(page, "tx-meaning")
    # Reach 2: one plot unit is (160 - 10) / 2 SVG units. Drag the tip of Ae2 from (0, 1) to (1, 0.02):
    # within the snapping distance of Ae1's line, so it lands on (1, 0) exactly.
    px = units(page) * 150 / 2
    x0, y0 = tip_centre(page, 1)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + px * 1, y0 + px * 0.98, steps=10)
    page.mouse.up()
    assert entries(page, "A") == [[1, 1], [0, 0]]
    assert field(page, "tx-det") == "0"
    assert "flattened onto a line" in field(page, "tx-meaning") and "segment" in field(page, "tx-circle")
    assert page.locator(".lx-tx-square").get_attribute("data-orientation") == "lost"
    assert_readouts_match_python(page)
    assert page.errors == [] and all(u.startswith("file://") for u in page.requests)


def test_keyboard_alone_moves_a_tip_and_flips_orientation(offline_page, tmp_path):
    page = page_with(tmp_path, offline_page, TransformationExplorer([[1, 0], [0, 1]]))
    page.locator('.lx-tip[data-col="0"]').focus()
    for _ in range(8):  # Ae1 from (1, 0) to (-1, 0): a mirror image
        page.keyboard.press("ArrowLeft")
    assert entries(page, "A") == [[-1, 0], [0, 1]]
    assert page.evaluate("document.activeElement.dataset.focusKey") == "tip-0"  # focus survives the redraws
    assert field(page, "tx-det") == "−1" and "orientation flipped" in field(page, "tx-meaning")
    assert_readouts_match_python(page)
    # Every control is reachable with Tab.
    focusable = page.locator(".lx-tx [tabindex='0'], .lx-tx input, .lx-tx button")
    assert focusable.count() == 2 + 4 + 1 + 7 + 8  # tips, radios, slider, presets, entries


def test_touch_drag_moves_a_tip(offline_page, tmp_path):
    page = page_with(tmp_path, offline_page, TransformationExplorer([[1, 0], [0, 1]]))
    x0, y0 = tip_centre(page, 0)
    px = units(page) * 150 / 2
    cdp = page.context.new_cdp_session(page)
    point = lambda x, y: [{"x": x, "y": y, "id": 1}]  # noqa: E731
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point(x0, y0)})
    for k in range(1, 9):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": point(x0 + px * k / 8, y0 - px * k / 8)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert entries(page, "A") == [[2, 0], [1, 1]]
    assert field(page, "tx-det") == "2"
    assert_readouts_match_python(page)


def test_presets_slider_and_products(offline_page, tmp_path):
    page = page_with(tmp_path, offline_page, TransformationExplorer(second=[[1, 1], [0, 1]]))
    page.locator('[data-preset="reflection"]').click()
    assert "orientation flipped" in field(page, "tx-meaning")
    page.locator('[data-preset="projection"]').click()
    assert "flattened onto a line" in field(page, "tx-meaning")
    page.locator('[data-preset="singular"]').click()
    assert field(page, "tx-det") == "0"
    # The slider sets a rotation by θ: det 1, semi-axes 1 and 1.
    page.locator(".lx-tx-angle").fill("90")
    a = entries(page, "A")
    assert np.allclose(a, transforms.rotation(np.pi / 2), atol=1e-15)
    assert field(page, "tx-det") == "1" and field(page, "tx-circle") == "an ellipse with semi-axes 1 and 1"
    # AB and BA differ; each det is the product of the dets.
    page.get_by_label("AB: first B, then A").check()
    assert_readouts_match_python(page)
    ab = page.locator(".lx-tx-square").get_attribute("points")
    page.get_by_label("BA: first A, then B").check()
    assert_readouts_match_python(page)
    assert page.locator(".lx-tx-square").get_attribute("points") != ab
    assert page.locator(".lx-tip").count() == 0  # a product is not dragged; its factors are
    # Presets then edit B when B is shown.
    page.get_by_label("B", exact=True).check()
    page.locator('[data-preset="scaling"]').click()
    assert entries(page, "B") == [[2, 0], [0, 0.5]] and np.allclose(entries(page, "A"), a)
    assert page.errors == []


def test_typed_entries_and_refusals(offline_page, tmp_path):
    page = page_with(tmp_path, offline_page, TransformationExplorer())
    box = page.locator('input[aria-label="A[1, 2]"]')
    box.fill("1/2")
    box.press("Enter")
    assert entries(page, "A") == [[1, 0.5], [0, 1]]
    for bad in ("abc", "1e60"):
        box = page.locator('input[aria-label="A[2, 1]"]')
        box.fill(bad)
        box.press("Enter")
        assert box.get_attribute("aria-invalid") == "true"
        assert page.locator(".lx-entry-error").inner_text().startswith("A[2, 1]:")
        assert page.locator('input[aria-label="A[1, 2]"]').input_value() == "0.5"  # the rest is untouched
        assert field(page, "tx-det") == "1"  # and the readout still describes the matrix held
    box.fill("−2")
    box.press("Enter")
    assert box.get_attribute("aria-invalid") is None and page.locator(".lx-entry-error").inner_text() == ""
    assert entries(page, "A") == [[1, 0.5], [-2, 1]]
    assert_readouts_match_python(page)


def test_random_edit_sequences_keep_the_readouts_right(offline_page, tmp_path):
    page = page_with(tmp_path, offline_page, TransformationExplorer())
    rng = np.random.default_rng(3)
    values = ["0", "1", "-1", "2", "0.5", "-3/4", "1e-40", "-2e40", "1e-300", "7"]
    for step in range(60):
        kind = rng.integers(0, 4)
        if kind == 0:
            name = "AB"[rng.integers(0, 2)]
            i, j = rng.integers(1, 3, size=2)
            box = page.locator(f'input[aria-label="{name}[{i}, {j}]"]')
            box.fill(values[rng.integers(0, len(values))])
            box.press("Enter")
        elif kind == 1:
            page.locator(f'.lx-tx-show input[value="{SHOWS[rng.integers(0, 4)]}"]').check()
        elif kind == 2:
            page.locator("[data-preset]").nth(int(rng.integers(0, 7))).click()
        elif page.locator(".lx-tip").count():
            page.locator(f'.lx-tip[data-col="{rng.integers(0, 2)}"]').focus()
            page.keyboard.press(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"][rng.integers(0, 4)])
        assert_readouts_match_python(page)
    assert page.errors == [] and page.locator(".lx-error").count() == 0


def test_page_derive_agrees_with_python_on_hundreds_of_random_states(offline_page, tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<!doctype html><body>")
    offline_page.goto(path.as_uri())
    rng = np.random.default_rng(20261128)
    states = [TransformationExplorer.random_state(rng) for _ in range(500)]
    got = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [TransformationExplorer._esm, states])
    bad = []
    for state, js in zip(states, got):
        py = derive(state)
        assert set(js) == set(py)
        for key in py:
            a, b = np.asarray(js[key], dtype=object), np.asarray(py[key], dtype=object)
            if a.dtype == object and isinstance(py[key], str):
                ok = js[key] == py[key]
            else:
                ok = np.allclose(np.asarray(js[key], float), np.asarray(py[key], float), rtol=1e-12, atol=0)
            if not ok:
                bad.append((state, key, js[key], py[key]))
    assert bad == [], f"{len(bad)} disagreements, first: {bad[:1]}"
    # The hard cases were drawn: singular, zero, flipped, and huge and tiny scales.
    kinds = {(derive(s)["collapse"], derive(s)["orientation"]) for s in states}
    assert {("point", "lost"), ("line", "lost"), ("none", "kept"), ("none", "flipped")} <= kinds
    assert any(abs(x) > 1e30 for s in states for row in s["a"] for x in row)
    assert any(0 < abs(x) < 1e-30 for s in states for row in s["a"] for x in row)
