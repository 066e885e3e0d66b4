"""The projection explorer: its Python side against NumPy, its page against Python, in headless Chromium."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lalib.widgets.projection_explorer import MAX_POINTS, ProjectionExplorer, fit_line, project_line, project_plane


# --- the Python side -----------------------------------------------------------------------------------------------

def test_line_projection_agrees_with_numpy():
    rng = np.random.default_rng(1)
    for _ in range(500):
        state = ProjectionExplorer.random_state(rng)
        a, b = np.array(state["a"]), np.array(state["b"])
        d = project_line(a, b)
        if not np.any(a):
            assert d["line_kind"] == "zero" and d["p"] == [0.0, 0.0] and d["r"] == b.tolist()
            continue
        ah = a / np.abs(a).max()
        p, r = np.array(d["p"]), np.array(d["r"])
        assert np.allclose(p + r, b, rtol=1e-12, atol=0)
        if not np.any(b):
            assert d["cos"] is None and p.tolist() == [0.0, 0.0]
            continue
        bh = b / np.abs(b).max()
        # p = (a·b / a·a) a, computed on the unit-size directions (numpy's own a @ b would over- or underflow)
        expected_p = (ah @ bh) / (ah @ ah) * ah * np.abs(b).max()
        assert np.allclose(p, expected_p, rtol=1e-12, atol=1e-12 * np.abs(b).max())
        # the residual is orthogonal to a, relative to the sizes involved
        assert abs((r / np.abs(b).max()) @ ah) <= 1e-12 * np.linalg.norm(ah)
        cos = ah @ bh / (np.linalg.norm(ah) * np.linalg.norm(bh))
        assert math.isclose(d["cos"], cos, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(math.cos(math.radians(d["angle"])), cos, abs_tol=1e-9)


def test_plane_projection_agrees_with_lstsq():
    rng = np.random.default_rng(2)
    for _ in range(500):
        u1, u2, c = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3)
        d = project_plane(u1, u2, c)
        A = np.column_stack([u1, u2])
        p = A @ np.linalg.lstsq(A, c, rcond=None)[0]
        assert d["span_kind"] == "plane" and np.allclose(d["p3"], p, atol=1e-12)
        assert math.isclose(d["dist"], np.linalg.norm(c - p), rel_tol=1e-9, abs_tol=1e-12)
    d = project_plane([1, 2, 3], [-2, -4, -6], [1, 0, 0])
    assert d["span_kind"] == "line" and np.allclose(d["p3"], np.array([1, 2, 3]) / 14)
    assert project_plane([0, 0, 0], [0, 0, 0], [1, 2, 3])["span_kind"] == "point"


def test_fit_agrees_with_numpy_polyfit_and_lstsq():
    rng = np.random.default_rng(3)
    for _ in range(300):
        k = int(rng.integers(2, MAX_POINTS + 1))
        pts = rng.uniform(-4, 4, size=(k, 2))
        d = fit_line(pts)
        w1, w0 = np.polyfit(pts[:, 0], pts[:, 1], 1)
        assert np.allclose(d["w"], [w0, w1], atol=1e-9)
        X = np.column_stack([np.ones(k), pts[:, 0]])
        fitted = X @ np.linalg.lstsq(X, pts[:, 1], rcond=None)[0]
        assert np.allclose(d["fitted"], fitted, atol=1e-9)
        assert math.isclose(d["sse"], float(np.sum((pts[:, 1] - fitted) ** 2)), rel_tol=1e-9, abs_tol=1e-12)
        assert abs(np.sum(d["residuals"])) < 1e-9 and abs(np.dot(d["residuals"], pts[:, 0])) < 1e-8
    d = fit_line([[1, 0], [1, 2], [1, 7]])
    assert d["w"] is None and d["fit_kind"] == "vertical" and d["fitted"] == [3.0, 3.0, 3.0]


def test_special_states_are_exact():
    assert project_line([2, 1], [-1, 2])["angle"] == 90.0
    assert project_line([2, 1], [-1, 2])["p"] == [0.0, 0.0]
    assert project_line([1, 1], [3, 3])["r"] == [0.0, 0.0]
    assert np.allclose(project_line([1e150, 0], [3e150, 4e150])["p"], [3e150, 0.0], rtol=1e-15, atol=0)
    assert project_line([1e-160, 0], [0, 2e-160])["angle"] == 90.0


@pytest.mark.parametrize("bad, error", [
    (dict(a=[1, 2, 3]), "a must have 2 entries"),
    (dict(c=[1, 2]), "c must have 3 entries"),
    (dict(b=[np.nan, 1]), "b"),
    (dict(mode="cube"), "mode must be one of"),
    (dict(points=np.zeros((13, 2))), "points must have shape"),
    (dict(points=[[1, np.inf]]), "points must be finite"),
])
def test_bad_input_is_named(bad, error):
    with pytest.raises(ValueError, match=error):
        ProjectionExplorer(**bad)


def test_kernel_side_updates_on_every_input():
    w = ProjectionExplorer(a=[1, 0], b=[3, 4])
    assert (w.p, w.r, w.cos) == ([3.0, 0.0], [0.0, 4.0], 0.6)
    w.a = [0, 0]
    assert w.line_kind == "zero" and w.cos is None and w.r == [3.0, 4.0]
    w.u2 = [2, 0, 0]
    assert w.span_kind == "line"
    w.points = [[0, 1], [1, 1]]
    assert w.w == [1.0, 0.0] and w.sse == 0.0
    w.mode = "fit"
    with pytest.raises(Exception):
        w.mode = "cube"


def test_payload_is_small():
    html = ProjectionExplorer().static_html()
    assert len(html.encode()) < 200_000
    assert len(json.dumps(ProjectionExplorer().static_state())) < 3_000


# --- in the browser ----------------------------------------------------------------------------------------------

def widget_page(tmp_path, *widgets) -> str:
    page = tmp_path / "widgets.html"
    page.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
                    "<body>" + "\n".join(w.static_html() for w in widgets))
    return page.as_uri()


def field(page, name):
    return page.locator(f'.lx-proj [data-field="{name}"]').first.inner_text()


def js_fmt(page, xs):
    return page.evaluate("(xs) => xs.map((x) => x === null ? null : lalib.runtime.fmt(x))", xs)


def vec_text(page, v):
    return "(" + ", ".join(js_fmt(page, list(v))) + ")"


def test_static_derive_agrees_with_python_on_random_states(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path))
    rng = np.random.default_rng(20261128)
    states = [ProjectionExplorer.random_state(rng) for _ in range(600)]
    got = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((s) => mod.derive(s));
    }""", [ProjectionExplorer._esm, states])
    bad = []
    for state, js in zip(states, got):
        for key, value in ProjectionExplorer.derive_state(state).items():
            if value is None or isinstance(value, str):
                ok = js[key] == value
            elif isinstance(value, list):
                ok = len(js[key]) == len(value) and all(math.isclose(a, b, rel_tol=1e-12, abs_tol=0)
                                                        for a, b in zip(js[key], value))
            else:
                ok = math.isclose(js[key], value, rel_tol=1e-12, abs_tol=1e-12 if key == "angle" else 0)
            if not ok:
                bad.append((state, key, js[key], value))
    assert bad == [], f"{len(bad)} disagreements, first: {bad[:2]}"


def tip_centre(page, key):
    box = page.locator(f'.lx-proj .lx-tip[data-handle="{key}"] .lx-handle').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def pixels_per_unit(page, reach):
    plot = page.locator(".lx-proj .lx-plot").bounding_box()
    return plot["width"] / 320 * (320 / 2 - 12) / reach


def test_dragging_b_perpendicular_gives_zero_projection(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer(a=[2, 1], b=[1, 3])))
    assert field(offline_page, "dot") == "5" and field(offline_page, "r") == vec_text(offline_page, [-1, 2])
    readout = offline_page.locator(".lx-proj .lx-readout").inner_text()
    assert "cos θ ≈0.707" in readout and "= ≈" not in readout   # a rounded value is never "= ≈"
    k = pixels_per_unit(offline_page, 4)  # reach: max |entry| 3, plus a half, rounded up
    x, y = tip_centre(offline_page, "b")
    offline_page.mouse.move(x, y)
    offline_page.mouse.down()
    offline_page.mouse.move(x - 2 * k, y, steps=6)  # b -> (-1, 3): not yet
    offline_page.mouse.move(x - 2 * k, y + 1 * k, steps=6)  # b -> (-1, 2), perpendicular to a
    offline_page.mouse.up()
    expected = ProjectionExplorer.derive_state({**ProjectionExplorer().static_state(), "a": [2, 1], "b": [-1, 2]})
    assert expected["dot"] == 0
    assert field(offline_page, "dot") == "0" and field(offline_page, "angle") == "90°"
    assert field(offline_page, "p").endswith(vec_text(offline_page, expected["p"]))
    assert offline_page.errors == []


def test_keyboard_and_typed_entries_and_zero_a(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer(a=[2, 0], b=[1, 1])))
    offline_page.locator('.lx-proj .lx-tip[data-handle="b"]').focus()
    offline_page.keyboard.press("ArrowUp")  # b = (1, 1.5)
    assert field(offline_page, "r") == vec_text(offline_page, [0, 1.5])
    box = offline_page.locator('.lx-proj input[aria-label="a[1]"]')
    box.fill("0")
    box.press("Enter")
    assert field(offline_page, "cos") == "undefined" and "no line" in field(offline_page, "relation")
    box = offline_page.locator('.lx-proj input[aria-label="a[2]"]')
    box.fill("two")
    box.press("Enter")
    assert "not a number" in offline_page.locator(".lx-proj .lx-entry-error").inner_text()
    assert offline_page.errors == []


def test_touch_drag_moves_a(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer(a=[2, 1], b=[1, 3])))
    k = pixels_per_unit(offline_page, 4)
    x, y = tip_centre(offline_page, "a")
    offline_page.evaluate("""([x, y, dx]) => {
        const tip = document.querySelector('.lx-proj .lx-tip[data-handle="a"]');
        const ev = (type, cx) => new PointerEvent(type, { pointerType: "touch", clientX: cx, clientY: y, bubbles: true, isPrimary: true });
        tip.dispatchEvent(ev("pointerdown", x));
        window.dispatchEvent(ev("pointermove", x + dx));
        window.dispatchEvent(ev("pointerup", x + dx));
    }""", [x, y, 1 * k])
    offline_page.wait_for_timeout(50)
    assert offline_page.locator('.lx-proj input[aria-label="a[1]"]').input_value() == "3"
    expected = project_line([3, 1], [1, 3])
    assert field(offline_page, "dot") == js_fmt(offline_page, [expected["dot"]])[0]


def test_plane_mode_turns_and_moves_c(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer(mode="plane", u1=[1, 0, 0], u2=[0, 1, 0], c=[1, 1, 2])))
    assert field(offline_page, "dist") == "2" and field(offline_page, "p3") == vec_text(offline_page, [1, 1, 0])
    before = offline_page.locator('.lx-proj [data-span="plane"]').get_attribute("points")
    offline_page.locator('.lx-proj input[aria-label="turn the 3-D view (degrees)"]').fill("40")
    assert offline_page.locator('.lx-proj [data-span="plane"]').get_attribute("points") != before
    offline_page.locator('.lx-proj .lx-tip[data-handle="c"]').focus()
    offline_page.keyboard.press("PageUp")  # c3: 2 -> 2.5
    assert field(offline_page, "dist") == "2.5"
    box = offline_page.locator('.lx-proj input[aria-label="u2[1]"]')
    box.fill("2")
    box.press("Enter")
    box = offline_page.locator('.lx-proj input[aria-label="u2[2]"]')
    box.fill("0")
    box.press("Enter")  # u2 = (2, 0, 0) parallel to u1
    assert "parallel" in field(offline_page, "span")
    expected = project_plane([1, 0, 0], [2, 0, 0], [1, 1, 2.5])
    assert field(offline_page, "dist") == js_fmt(offline_page, [expected["dist"]])[0]
    assert offline_page.errors == []


def test_fit_mode_drag_point_and_vertical_case(offline_page, tmp_path):
    pts = [[-1, 0], [0, 1], [1, 1]]
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer(mode="fit", points=pts)))
    d = fit_line(pts)
    assert field(offline_page, "sse") == js_fmt(offline_page, [d["sse"]])[0]
    offline_page.locator('.lx-proj .lx-tip[data-handle="pt-2"]').focus()
    offline_page.keyboard.press("ArrowUp")  # (1, 1.25)
    d = fit_line([[-1, 0], [0, 1], [1, 1.25]])
    assert field(offline_page, "sse") == js_fmt(offline_page, [d["sse"]])[0]
    for i in (0, 2):
        box = offline_page.locator(f'.lx-proj input[aria-label="point {i + 1} x"]')
        box.fill("0")
        box.press("Enter")
    assert field(offline_page, "w") == "not unique"
    offline_page.locator('.lx-proj button[data-action="add"]').click()
    assert offline_page.locator(".lx-proj [data-residual]").count() == 4
    assert field(offline_page, "w") != "not unique"
    assert offline_page.errors == []


def test_random_edit_walk_keeps_readouts_right(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer()))
    rng = np.random.default_rng(7)
    for step in range(45):
        mode = str(rng.choice(["line", "plane", "fit"]))
        offline_page.locator(f'.lx-proj input[type=radio][value="{mode}"]').check()
        if mode == "fit":
            n = offline_page.locator(".lx-proj [data-residual]").count()
            box = offline_page.locator(f'.lx-proj input[aria-label="point {rng.integers(1, n + 1)} {rng.choice(["x", "y"])}"]')
        else:
            names = ["a", "b"] if mode == "line" else ["u1", "u2", "c"]
            size = 2 if mode == "line" else 3
            box = offline_page.locator(f'.lx-proj input[aria-label="{rng.choice(names)}[{rng.integers(1, size + 1)}]"]')
        box.fill(str(rng.choice(["0", "-2.5", "3", "1e120", "-1e-130", "1/3", "7"])))
        box.press("Enter")
        state = offline_page.evaluate("""() => {
            const val = (sel) => [...document.querySelectorAll(sel)].map((i) => Number(i.value));
            return { mode: document.querySelector('.lx-proj input[type=radio]:checked').value,
                     entries: val('.lx-proj .lx-matrix input') };
        }""")
        html_state = offline_page.evaluate("() => document.querySelector('.lx-proj').dataset.mode")
        assert html_state == mode
        if mode == "line":
            a, b = state["entries"][:2], state["entries"][2:4]
            d = project_line(a, b)
            assert field(offline_page, "r") == vec_text(offline_page, d["r"]), (step, a, b)
        elif mode == "plane":
            e = state["entries"]
            d = project_plane(e[:3], e[3:6], e[6:9])
            assert field(offline_page, "dist") == js_fmt(offline_page, [d["dist"]])[0], (step, e)
        else:
            e = state["entries"]
            d = fit_line(np.reshape(e, (-1, 2)))
            assert field(offline_page, "sse") == js_fmt(offline_page, [d["sse"]])[0], (step, e)
    assert offline_page.errors == [] and offline_page.locator(".lx-proj .lx-error").count() == 0


def test_fits_a_phone_column(offline_page, tmp_path):
    offline_page.set_viewport_size({"width": 390, "height": 800})
    offline_page.goto(widget_page(tmp_path, ProjectionExplorer()))
    assert offline_page.evaluate("document.documentElement.scrollWidth") <= 390
    box = offline_page.locator('.lx-proj .lx-tip[data-handle="a"] .lx-hit').bounding_box()
    assert box["width"] >= 44
