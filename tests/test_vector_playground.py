"""The vector playground: its Python side against NumPy, its page against Python, in headless Chromium."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lalib.norms import p_norm
from lalib.widgets.vector_playground import NORMS, VectorPlayground, describe_pair

ORD = {"1": 1, "2": 2, "inf": np.inf}


# --- the Python side -----------------------------------------------------------------------------------------------

def test_describe_pair_agrees_with_numpy_on_random_pairs():
    rng = np.random.default_rng(1)
    for _ in range(500):
        state = VectorPlayground.random_state(rng)
        u, v = np.array(state["u"]), np.array(state["v"])
        d = describe_pair(u, v, state["scale"], state["norm"])
        o = ORD[state["norm"]]
        assert d["sum"] == (u + v).tolist() and d["scaled"] == (state["scale"] * u).tolist()
        size = np.linalg.norm(u) * np.linalg.norm(v)  # |u·v| and |u × v| are at most this
        assert math.isclose(d["dot"], u @ v, rel_tol=1e-12, abs_tol=1e-12 * size)
        assert math.isclose(d["cross"], u[0] * v[1] - u[1] * v[0], rel_tol=1e-12, abs_tol=1e-12 * size)
        for key, w in (("norm_u", u), ("norm_v", v), ("norm_sum", u + v), ("norm_scaled", state["scale"] * u)):
            assert math.isclose(d[key], np.linalg.norm(w, o), rel_tol=1e-12), key
        if not (np.any(u) and np.any(v)):
            assert d["angle"] is None
        else:
            # atan2 of |u × v| and u·v (on unit vectors): accurate at 0 and 180 degrees, where arccos is not.
            a, b = u / np.linalg.norm(u), v / np.linalg.norm(v)
            assert abs(d["angle"] - np.degrees(np.arctan2(abs(a[0] * b[1] - a[1] * b[0]), a @ b))) < 1e-9


def test_special_states_are_exact():
    assert describe_pair([2, 1], [-1, 2], 1, "2")["angle"] == 90.0
    assert describe_pair([2, 1], [-1, 2], 1, "2")["dot"] == 0.0
    assert describe_pair([1, 1], [2, 2], 1, "2")["angle"] == 0.0
    assert describe_pair([1, 1], [-3, -3], 1, "2")["angle"] == 180.0
    assert describe_pair([1e150, 0], [0, 1e150], 1, "2")["dot"] == 0.0


@pytest.mark.parametrize("bad, error", [
    (dict(u=[1, 2, 3]), "u must have 2 entries"),
    (dict(v=[[1, 2]]), "v must be a 1-D vector"),
    (dict(u=[np.nan, 1]), "u"),
    (dict(norm="3"), "norm must be one of 1, 2, inf"),
    (dict(scale=float("inf")), "scale must be a finite number"),
])
def test_bad_input_is_named(bad, error):
    kwargs = dict(u=[1, 2], v=[3, 4], scale=1.0, norm="2") | bad
    with pytest.raises(ValueError, match=error):
        VectorPlayground(**kwargs)


def test_kernel_side_updates_on_every_input():
    w = VectorPlayground(u=[3, 4], v=[1, 0], scale=2, norm="2")
    assert (w.norm_u, w.dot, w.scaled) == (5.0, 3.0, [6.0, 8.0])
    w.norm = "1"
    assert w.norm_u == 7.0
    w.u = [0, 0]
    assert w.angle is None and w.norm_scaled == 0.0
    w.scale = -1
    w.u = [1, -1]
    assert w.scaled == [-1.0, 1.0]


def test_payload_is_small():
    html = VectorPlayground().static_html()
    assert len(html.encode()) < 200_000
    assert len(json.dumps(VectorPlayground().static_state())) < 2_000


# --- in the browser ----------------------------------------------------------------------------------------------

def widget_page(tmp_path, *widgets) -> str:
    page = tmp_path / "widgets.html"
    page.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
                    "<body>" + "\n".join(w.static_html() for w in widgets))
    return page.as_uri()


def field(page, name, nth=0):
    return page.locator(f'.lx-vecplay [data-field="{name}"]').nth(nth).inner_text()


def fmt(x: float) -> str:
    """The page's number format (runtime.js fmt) for the values these tests meet."""
    r = round(x * 1000) / 1000
    text = (str(int(r)) if r == int(r) else repr(r)).replace("-", "\u2212")
    return text if r == x else "≈" + text


def test_static_derive_agrees_with_python_on_random_states(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path))
    rng = np.random.default_rng(20261128)
    states = [VectorPlayground.random_state(rng) for _ in range(600)]
    got = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((s) => mod.derive(s));
    }""", [VectorPlayground._esm, states])
    bad = []
    for state, js in zip(states, got):
        py = VectorPlayground.derive_state(state)
        for key, value in py.items():
            if value is None or js[key] is None:
                ok = value is None and js[key] is None
            elif isinstance(value, list):
                ok = all(math.isclose(a, b, rel_tol=1e-9, abs_tol=0) for a, b in zip(js[key], value))
            else:
                ok = math.isclose(js[key], value, rel_tol=1e-9, abs_tol=1e-9 if key == "angle" else 0)
            if not ok:
                bad.append((state, key, js[key], value))
    assert bad == [], f"{len(bad)} disagreements, first: {bad[:2]}"
    assert offline_page.errors == []


def tip_centre(page, name):
    box = page.locator(f'.lx-vecplay .lx-tip[data-vector="{name}"] .lx-handle').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def units_per_pixel(page, reach):
    plot = page.locator(".lx-vecplay .lx-plot").bounding_box()
    return plot["width"] / 320 * (320 / 2 - 12) / reach  # pixels per unit


def test_dragging_v_perpendicular_reads_out_ninety_degrees(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[2, 1], v=[1, 2], scale=1.5, norm="2")))
    assert field(offline_page, "dot") == "4"
    unit = units_per_pixel(offline_page, 4)  # reach: ceil(max |entries| of u, v, u+v, a·u = 3) + 0.5 -> 4
    x0, y0 = tip_centre(offline_page, "v")
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    offline_page.mouse.move(x0 - 2 * unit, y0, steps=8)  # v: (1, 2) -> (-1, 2)
    offline_page.mouse.up()
    assert offline_page.locator('.lx-vecplay input[aria-label="v₁"]').input_value() == "-1"
    expected = describe_pair([2, 1], [-1, 2], 1.5, "2")
    assert field(offline_page, "dot") == "0" and field(offline_page, "angle") == "90°"
    assert field(offline_page, "sum") == "(1, 3)"
    assert field(offline_page, "norm-sum") == fmt(expected["norm_sum"])
    assert "perpendicular" in field(offline_page, "relation")
    assert offline_page.locator(".lx-vecplay .lx-right-angle").count() == 1
    assert offline_page.errors == []


def test_touch_drag_moves_u(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[2, 1], v=[1, 2], scale=1, norm="1")))
    unit = units_per_pixel(offline_page, 4)
    x0, y0 = tip_centre(offline_page, "u")
    offline_page.evaluate("""([x0, y0, dx, dy]) => {
        const tip = document.querySelector('.lx-vecplay .lx-tip[data-vector="u"]');
        const ev = (type, x, y) => new PointerEvent(type, { clientX: x, clientY: y, pointerType: "touch",
                                                         bubbles: true, cancelable: true, isPrimary: true });
        tip.dispatchEvent(ev("pointerdown", x0, y0));
        for (let i = 1; i <= 6; i++) window.dispatchEvent(ev("pointermove", x0 + dx * i / 6, y0 + dy * i / 6));
        window.dispatchEvent(ev("pointerup", x0 + dx, y0 + dy));
    }""", [x0, y0, unit * 1, -unit * 2])  # u: (2, 1) -> (3, 3)
    assert field(offline_page, "norm-u") == "6"  # |3| + |3| in the 1-norm
    assert field(offline_page, "scaled").endswith("= (3, 3)")
    assert offline_page.errors == []


def test_keyboard_alone_moves_a_tip_sets_a_and_picks_a_norm(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[3, 4], v=[1, 0], scale=1, norm="2")))
    assert field(offline_page, "norm-u") == "5"
    offline_page.locator('.lx-vecplay .lx-tip[data-vector="u"]').focus()
    offline_page.keyboard.press("ArrowDown")  # u = (3, 3.5)
    offline_page.keyboard.press("ArrowDown")  # u = (3, 3)
    assert offline_page.evaluate("document.activeElement.dataset.vector") == "u"  # focus survives the redraw
    assert field(offline_page, "norm-u") == fmt(p_norm([3, 3]))
    offline_page.locator('.lx-vecplay input[type=radio][value="inf"]').focus()
    offline_page.keyboard.press("Space")
    assert field(offline_page, "norm-u") == "3"
    offline_page.locator('.lx-vecplay input[type=range]').focus()
    for _ in range(5):
        offline_page.keyboard.press("ArrowLeft")  # 1 -> 0.5
    assert field(offline_page, "scale") == "0.5" and field(offline_page, "scaled").endswith("(1.5, 1.5)")
    assert offline_page.errors == []


def test_typed_entries_bad_text_and_zero_vector(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[1, 1], v=[1, 0])))
    box = offline_page.locator('.lx-vecplay input[aria-label="u₁"]')
    box.fill("2 apples")
    box.press("Enter")
    assert "u₁" in offline_page.locator(".lx-vecplay .lx-entry-error").inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    for label in ("u₁", "u₂"):
        offline_page.locator(f'.lx-vecplay input[aria-label="{label}"]').fill("0")
        offline_page.locator(f'.lx-vecplay input[aria-label="{label}"]').press("Enter")
    assert field(offline_page, "angle") == "undefined" and "no direction" in field(offline_page, "relation")
    offline_page.locator('.lx-vecplay input[aria-label="u₁"]').fill("1/2")
    offline_page.locator('.lx-vecplay input[aria-label="u₁"]').press("Enter")
    assert field(offline_page, "dot") == "0.5" and field(offline_page, "angle") == "0°"
    assert offline_page.errors == []


def test_random_edit_walk_keeps_readouts_right(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[2, 1], v=[1, 2])))
    rng = np.random.default_rng(7)
    for step in range(60):
        kind = rng.integers(0, 4)
        if kind == 0:  # type an entry, sometimes huge or tiny or zero
            label = str(rng.choice(["u₁", "u₂", "v₁", "v₂"]))
            value = str(rng.choice(["0", "-2.5", "3", "1e120", "-1e-130", "1/3", "7"]))
            box = offline_page.locator(f'.lx-vecplay input[aria-label="{label}"]')
            box.fill(value)
            box.press("Enter")
        elif kind == 1:
            offline_page.locator(f'.lx-vecplay .lx-tip[data-vector="{rng.choice(["u", "v"])}"]').focus()
            offline_page.keyboard.press(str(rng.choice(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"])))
        elif kind == 2:
            offline_page.locator(f'.lx-vecplay input[type=radio][value="{rng.choice(NORMS)}"]').check()
        else:
            offline_page.locator(".lx-vecplay input[type=range]").fill(str(np.round(rng.uniform(-3, 3), 1)))
        state = offline_page.evaluate("""() => {
            const inputs = [...document.querySelectorAll('.lx-vecplay .lx-matrix input')].map((i) => Number(i.value));
            return { u: inputs.slice(0, 2), v: inputs.slice(2, 4),
                     scale: Number(document.querySelector('.lx-vecplay input[type=range]').value),
                     norm: document.querySelector('.lx-vecplay input[type=radio]:checked').value };
        }""")
        expected = VectorPlayground.derive_state(state)
        # Python's values, written with the page's own number format.
        dot, norm_sum, theta = offline_page.evaluate("(xs) => xs.map((x) => x === null ? null : lalib.runtime.fmt(x))",
                                                     [expected["dot"], expected["norm_sum"], expected["angle"]])
        assert field(offline_page, "dot") == dot, (step, state)
        assert field(offline_page, "norm-sum") == norm_sum, (step, state)
        assert field(offline_page, "angle") == ("undefined" if theta is None else theta + "°"), (step, state)
    assert offline_page.errors == [] and offline_page.locator(".lx-vecplay .lx-error").count() == 0


def test_fits_a_phone_column(offline_page, tmp_path):
    offline_page.set_viewport_size({"width": 390, "height": 800})
    offline_page.goto(widget_page(tmp_path, VectorPlayground()))
    width = offline_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    box = offline_page.locator('.lx-vecplay .lx-tip[data-vector="u"] .lx-hit').bounding_box()
    assert box["width"] >= 44  # a finger-sized target


def test_triangle_equality_is_reported_up_to_rounding(offline_page, tmp_path):
    # For v = 1.5 u the 2-norms add up to ||u + v|| only to rounding; the readout still says "equality".
    assert p_norm([0.5, 2]) + p_norm([0.75, 3]) != p_norm([1.25, 5])
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[0.5, 2], v=[0.75, 3], norm="2"),
                                  VectorPlayground(u=[1, 0], v=[0, 1], norm="1"),
                                  VectorPlayground(u=[1, 0], v=[0, 1], norm="2")))
    assert field(offline_page, "triangle", 0).endswith("(equality)")
    assert field(offline_page, "triangle", 1).endswith("(equality)")  # not parallel, yet equal in the 1-norm
    assert not field(offline_page, "triangle", 2).endswith("(equality)")
    assert "point the same way" in field(offline_page, "relation", 0)
    assert offline_page.errors == []


def test_dragging_near_the_perpendicular_snaps_onto_it_off_the_grid(offline_page, tmp_path):
    # u = (2, 1): its perpendicular line is t (-1, 2). Aim at (-0.8, 1.55), 0.05 off the line near t = 3/4.
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[2, 1], v=[1, 1], scale=1, norm="2")))
    unit = units_per_pixel(offline_page, 4)  # reach: max |entries| of u, v, u+v (3) and a·u, + 0.5 -> 4
    x0, y0 = tip_centre(offline_page, "v")
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    offline_page.mouse.move(x0 + (-0.8 - 1) * unit, y0 - (1.55 - 1) * unit, steps=10)
    offline_page.mouse.up()
    v = [float(offline_page.locator(f'.lx-vecplay input[aria-label="{label}"]').input_value()) for label in ("v₁", "v₂")]
    assert v == [-0.75, 1.5]  # off the 0.5 grid, exactly on the line
    assert field(offline_page, "dot") == "0" and "perpendicular" in field(offline_page, "relation")
    # Far from any special line, the grid rules: (-0.75, 1.5) -> (2.5, 0.5).
    unit = units_per_pixel(offline_page, 3)  # the largest entry is now 2.5 (of u + v): reach 3
    x0, y0 = tip_centre(offline_page, "v")
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    offline_page.mouse.move(x0 + (2.6 + 0.75) * unit, y0 - (0.4 - 1.5) * unit, steps=10)
    offline_page.mouse.up()
    v = [float(offline_page.locator(f'.lx-vecplay input[aria-label="{label}"]').input_value()) for label in ("v₁", "v₂")]
    assert v == [2.5, 0.5]
    assert offline_page.errors == []


def test_readouts_never_say_equals_approximately(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, VectorPlayground(u=[2, 1], v=[1, 2], scale=1.5, norm="2")))
    text = offline_page.locator(".lx-vecplay .lx-readout").inner_text()
    assert "≈" in text and "= ≈" not in text
    assert "‖u‖₂ ≈2.236" in text.replace("\n", " ")
    assert offline_page.errors == []
