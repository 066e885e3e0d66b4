"""The eigen explorer: Python's describe against numpy, the page's derive against Python on
hundreds of random states, and the widget in headless Chromium with the network off (drag,
keys, entries, presets, power steps, random edit sequences), its readouts checked against Python.

(Named test_widgets_e*, so that it is collected after test_widgets_contract.py: that file's
`example()` table does not know this widget yet.)"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from lalib.widgets.eigen_explorer import MAX_STEPS, PRESETS, EigenExplorer, describe

SIZE = 320


def same(js, py, path="state") -> list[str]:
    """Where two JSON values differ (numbers up to rounding), as readable paths."""
    if isinstance(py, (bool, str)) or py is None:
        return [] if js == py else [f"{path}: {js!r} != {py!r}"]
    if isinstance(py, (int, float)):
        if not isinstance(js, (int, float)) or isinstance(js, bool):
            return [f"{path}: {js!r} is not a number"]
        if isinstance(py, int) and not isinstance(py, bool) and js != py:
            return [f"{path}: {js!r} != {py!r}"]
        return [] if math.isclose(js, py, rel_tol=1e-8, abs_tol=1e-9) else [f"{path}: {js!r} != {py!r}"]
    if isinstance(py, list):
        if not isinstance(js, list) or len(js) != len(py):
            return [f"{path}: {js!r} != {py!r}"]
        return [d for i, (a, b) in enumerate(zip(js, py)) for d in same(a, b, f"{path}[{i}]")]
    if isinstance(py, dict):
        if not isinstance(js, dict) or set(js) != set(py):
            return [f"{path}: keys differ"]
        return [d for k in py for d in same(js[k], py[k], f"{path}.{k}")]
    raise TypeError(path)


# --- Python side ------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(300))
def test_describe_agrees_with_numpy(seed):
    state = EigenExplorer.random_state(np.random.default_rng(seed))
    A = np.array(state["matrix"])
    d = describe(A, state["angle"], state["steps"])
    scale = max(np.abs(A).max(), 1e-300)
    ref = np.linalg.eigvals(A / scale) * scale
    got = np.array([complex(*v) for v in d["values"]])
    tol = 1e-6 * scale   # a defective matrix's eigenvalues are only sqrt(eps)-accurate in LAPACK
    assert all(np.min(np.abs(ref - g)) <= tol for g in got), (A, got, ref)
    assert d["kind"] == "complex" if np.abs(ref.imag).max() > 1e-6 * scale else d["kind"] != "complex"
    for v, pair in zip(d["vectors"], d["values"]):
        v = np.array(v)
        assert np.linalg.norm(v) == pytest.approx(1)
        assert np.linalg.norm(A / scale @ v - pair[0] / scale * v) <= 1e-9
    assert len(d["vectors"]) == {"distinct": 2, "defective": 1, "repeated": 0, "complex": 0}[d["kind"]]
    x = np.array(d["x"])
    assert np.allclose(d["ax"], A @ x, rtol=1e-12, atol=1e-14 * scale)
    it = np.array(d["iterates"])
    assert len(it) <= state["steps"] + 1 and np.allclose(np.linalg.norm(it, axis=1), 1)
    if len(it) > 1:  # each iterate is A times the one before, normalized
        nxt = (A / scale) @ it[:-1].T
        assert np.allclose(nxt / np.linalg.norm(nxt, axis=0), it[1:].T)
    assert np.allclose(d["estimates"], [p @ A @ p for p in it], rtol=1e-9, atol=1e-12 * scale)


def test_special_matrices():
    assert describe(PRESETS["shear"])["kind"] == "defective"
    assert describe(PRESETS["rotation"])["kind"] == "complex"
    assert describe(3 * np.eye(2))["kind"] == "repeated" and describe(3 * np.eye(2))["on_line"] == 0
    d = describe(PRESETS["lecture"], math.pi / 4)
    assert d["values"] == [[2.0, 0.0], [0.5, 0.0]] and d["on_line"] == 0 and d["ratio"] == 0.25
    assert describe(np.zeros((2, 2)), 1.0, 5)["iterates"] == [[math.cos(1.0), math.sin(1.0)]]  # A x = 0: stops
    assert describe(PRESETS["rotation"])["ratio"] == 1.0
    huge = describe(np.array(PRESETS["symmetric"]) * 1e300, math.pi / 4, 3)
    assert huge["values"][0][0] == pytest.approx(3e300) and np.isfinite(huge["iterates"]).all()


def test_widget_validates_and_updates():
    w = EigenExplorer([[2, 1], [1, 2]], angle=0.0)
    assert w.on_line == -1
    w.angle = math.pi / 4
    assert w.on_line == 0
    w.steps = 5
    assert len(w.iterates) == 6
    with pytest.raises(ValueError, match="2×2"):
        EigenExplorer(np.eye(3))
    with pytest.raises(Exception, match="steps"):
        w.steps = MAX_STEPS + 1
    with pytest.raises(TypeError):
        EigenExplorer([[1j, 0], [0, 1]])


def test_payload_is_small():
    w = EigenExplorer([[2, 1], [1, 2]])
    w.steps = MAX_STEPS
    assert len(json.dumps(w.static_state())) < 20_000
    assert len(w.static_html().encode()) < 200_000


# --- the page's derive --------------------------------------------------------------------
def test_static_derive_agrees_with_python_on_random_inputs(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(6)
    states = [EigenExplorer.random_state(rng) for _ in range(500)]
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [EigenExplorer._esm, states])
    bad = [(s, d) for s, js in zip(states, results) if (d := same(js, EigenExplorer.derive_state(s)))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"
    assert offline_page.errors == []


# --- the widget in the page ---------------------------------------------------------------
SNAPSHOT = """(root) => {
    const M = [];
    for (const input of root.querySelectorAll('.lx-matrix input')) (M[+input.dataset.row] ||= [])[+input.dataset.col] = input.value;
    const field = (n) => root.querySelector(`[data-field="${n}"]`).textContent;
    const tip = root.querySelector('.lx-tip');
    const error = root.querySelector('.lx-error');
    return { matrix: M, x: field('x'), ax: field('ax'), eigen: field('eigen'), parallel: field('parallel'),
             power: field('power'), kind: root.querySelector('svg').dataset.kind,
             eigenlines: root.querySelectorAll('[data-eigenline]').length, iterates: root.querySelectorAll('.lx-iterate').length,
             angle: +tip.getAttribute('aria-valuenow'), error: error && error.textContent };
}"""


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


def page_with(offline_page, tmp_path, widget, width=1100):
    offline_page.set_viewport_size({"width": width, "height": 900})
    page = tmp_path / "eigen.html"
    page.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                    + widget.static_html())
    offline_page.goto(page.as_uri())
    return offline_page.locator(".lx-eigen")


def check_readouts(widget) -> dict:
    snap = widget.evaluate(SNAPSHOT)
    assert snap["error"] is None, snap["error"]
    M = np.array([[float(v) for v in row] for row in snap["matrix"]])
    x = np.array(numbers(snap["x"]))
    py = describe(M, math.atan2(x[1], x[0]))
    assert snap["kind"] == py["kind"], (M, snap)
    assert snap["eigenlines"] == len(py["vectors"])
    assert np.allclose(numbers(snap["ax"]), M @ x, atol=2e-3 * max(1, np.abs(M).max())), (M, snap)
    if py["kind"] == "distinct":
        got = numbers(snap["eigen"])
        assert np.allclose([got[0], got[3]], [v[0] for v in py["values"]], atol=1e-3), snap
    snap["M"] = M
    return snap


def tip_center(widget):
    box = widget.locator(".lx-handle").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag_to_angle(page, widget, angle, radius=1.0):
    """Drag x's tip to the point at `angle` (radians) and plot distance `radius` (in plot units of the circle)."""
    plot = widget.locator(".lx-plot").bounding_box()
    cx, cy = plot["x"] + plot["width"] / 2, plot["y"] + plot["height"] / 2
    r = plot["width"] * 0.3 * radius
    x0, y0 = tip_center(widget)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(cx + r * math.cos(angle), cy - r * math.sin(angle), steps=8)
    page.mouse.up()


def test_dragging_onto_an_eigenline_snaps_and_says_so(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, EigenExplorer([[2, 1], [1, 2]], angle=0.3))
    snap = check_readouts(widget)
    assert "not an eigenvector" in snap["parallel"]
    # 2 degrees off the eigenline at 45 degrees: it snaps onto it.
    drag_to_angle(offline_page, widget, math.radians(47))
    snap = check_readouts(widget)
    assert snap["angle"] == 45 and numbers(snap["parallel"]) == [3], snap
    assert np.allclose(numbers(snap["x"]), [0.707, 0.707])
    # the other way along the other eigenline: lambda = 1
    drag_to_angle(offline_page, widget, math.radians(-43))
    snap = check_readouts(widget)
    assert snap["angle"] == 315 and numbers(snap["parallel"]) == [1], snap
    # far from both: no snap, the turn angle is given
    drag_to_angle(offline_page, widget, math.radians(100))
    snap = check_readouts(widget)
    assert snap["angle"] == 100 and "not an eigenvector" in snap["parallel"]
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_keyboard_turns_x_and_snaps_onto_an_eigenline(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, EigenExplorer([[2, 1], [1, 2]], angle=math.radians(40)))
    widget.locator(".lx-tip").focus()
    offline_page.keyboard.press("ArrowUp")
    assert check_readouts(widget)["angle"] == 41
    for _ in range(3):
        offline_page.keyboard.press("ArrowUp")
    assert check_readouts(widget)["angle"] == 44    # keys move one degree at a time
    offline_page.keyboard.press("ArrowUp")
    snap = check_readouts(widget)
    assert snap["angle"] == 45 and numbers(snap["parallel"]) == [3]   # exactly onto the eigenline
    offline_page.keyboard.press("ArrowUp")   # and the next press moves on
    assert check_readouts(widget)["angle"] == 46
    offline_page.keyboard.press("Shift+ArrowDown")   # a big step stops on the eigenline it crosses
    snap = check_readouts(widget)
    assert snap["angle"] == 45 and numbers(snap["parallel"]) == [3]
    offline_page.keyboard.press("Shift+ArrowDown")
    assert check_readouts(widget)["angle"] == 30
    assert offline_page.evaluate("document.activeElement.classList.contains('lx-tip')")


def test_presets_entries_and_power_steps(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, EigenExplorer([[2, 1], [1, 2]], angle=0.0))
    widget.locator('[data-preset="rotation"]').click()
    snap = check_readouts(widget)
    assert snap["kind"] == "complex" and "no real eigenvector" in snap["eigen"] and snap["eigenlines"] == 0
    widget.locator('[data-preset="shear"]').click()
    snap = check_readouts(widget)
    assert snap["kind"] == "defective" and snap["eigenlines"] == 1 and "not diagonalizable" in snap["eigen"]
    widget.locator('[data-preset="lecture"]').click()
    widget.locator('[data-action="step"]').click()
    widget.locator('[data-action="run"]').click()
    snap = check_readouts(widget)
    assert snap["iterates"] == 11
    py = describe(PRESETS["lecture"], 0.0, 11)
    assert np.allclose(numbers(snap["power"])[1:3], py["iterates"][-1], atol=1e-3)
    assert numbers(snap["power"])[-1] == 0.25          # |lambda2 / lambda1| = 0.5 / 2
    entry = widget.locator('input[aria-label="A[1, 2]"]')
    entry.fill("1/2x")
    entry.press("Enter")
    assert "not a number" in widget.locator(".lx-entry-error").inner_text()
    entry.fill("-3/4")
    entry.press("Enter")
    snap = check_readouts(widget)
    assert snap["matrix"][0][1] == "-0.75" and snap["iterates"] == 0   # an edit restarts the iteration
    assert offline_page.errors == []


def test_random_edit_sequences_keep_the_readouts_right(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, EigenExplorer([[2, 1], [1, 2]]))
    rng = np.random.default_rng(7)
    values = ["0", "1", "-1", "2.5", "1e150", "-1e-150", "3/4", "0", "0"]
    for _ in range(40):
        action = rng.integers(0, 5)
        if action == 0:
            i, j = rng.integers(0, 2, size=2)
            e = widget.locator(f'input[aria-label="A[{i + 1}, {j + 1}]"]')
            e.fill(str(rng.choice(values)))
            e.press("Enter")
        elif action == 1:
            widget.locator(f'[data-preset="{rng.choice(list(PRESETS))}"]').click()
        elif action == 2:
            widget.locator('[data-action="run"]').click()
        elif action == 3:
            widget.locator(".lx-tip").focus()
            offline_page.keyboard.press(str(rng.choice(["ArrowUp", "ArrowDown", "Shift+ArrowLeft"])))
        else:
            drag_to_angle(offline_page, widget, float(rng.uniform(-math.pi, math.pi)))
        check_readouts(widget)
    assert offline_page.errors == []


def test_phone_width_and_touch(browser, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    context.set_offline(True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    f = tmp_path / "phone.html"
    f.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                 + EigenExplorer([[2, 1], [1, 2]], angle=0.3).static_html())
    page.goto(f.as_uri())
    widget = page.locator(".lx-eigen")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert widget.locator(".lx-tip").evaluate("(e) => getComputedStyle(e).touchAction") == "none"
    hit = widget.locator(".lx-hit").bounding_box()
    assert hit["width"] >= 44
    # a touch drag, with the pointer events a finger sends
    x0, y0 = tip_center(widget)
    plot = widget.locator(".lx-plot").bounding_box()
    cx, cy = plot["x"] + plot["width"] / 2, plot["y"] + plot["height"] / 2
    r = plot["width"] * 0.3
    tip = widget.locator(".lx-tip")
    tip.dispatch_event("pointerdown", {"clientX": x0, "clientY": y0, "pointerType": "touch", "isPrimary": True})
    page.evaluate("([x, y]) => window.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, pointerType: 'touch'}))",
                  [cx + r * math.cos(math.radians(46)), cy - r * math.sin(math.radians(46))])
    page.evaluate("() => window.dispatchEvent(new PointerEvent('pointerup', {pointerType: 'touch'}))")
    snap = check_readouts(widget)
    assert snap["angle"] == 45 and numbers(snap["parallel"]) == [3]
    assert page.errors == []
    context.close()
