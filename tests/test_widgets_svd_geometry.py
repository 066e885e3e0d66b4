"""The SVD geometry widget: Python's describe against numpy, the page's derive against Python
(bit for bit) on hundreds of random states, and the widget in headless Chromium with the network
off: the stage slider, entries, presets, dragging and keyboard-moving the columns (with the snap to
a singular matrix), the 3-D view, random edit sequences and a phone-width page."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lalib.widgets.svd_geometry import PRESETS, STAGES, SvdGeometry, describe


# --- Python side ------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(300))
def test_describe_agrees_with_numpy(seed):
    state = SvdGeometry.random_state(np.random.default_rng(seed))
    A = np.array(state["matrix"])
    n = len(A)
    d = describe(A, 3)
    scale = max(np.abs(A).max(), 1e-300)
    s = np.linalg.svd(A, compute_uv=False)
    assert np.allclose(d["sigma"], s, rtol=1e-10, atol=1e-13 * scale)
    U, V = np.array(d["u"]).T, np.array(d["v"]).T
    assert np.allclose(U.T @ U, np.eye(n), atol=1e-12) and np.allclose(V.T @ V, np.eye(n), atol=1e-12)
    assert np.allclose(U @ np.diag(d["sigma"]) @ V.T, A, atol=1e-12 * scale)
    assert np.allclose(A @ V, U * d["sigma"], atol=1e-12 * scale)           # A v_i = sigma_i u_i
    assert d["det_v"] == 1.0 and np.linalg.det(V) > 0                      # V is always a rotation
    assert d["det_u"] == np.sign(np.linalg.det(U))
    if abs(np.linalg.det(A / scale)) > 1e-9:                               # invertible: U reflects iff det A < 0
        assert d["det_u"] == np.sign(np.linalg.det(A / scale))
    assert d["rank"] == np.linalg.matrix_rank(A, tol=1e-10 * s[0]) if s[0] > 0 else d["rank"] == 0
    assert np.allclose(d["stage_matrix"], A, atol=1e-12 * scale)
    assert np.allclose(describe(A, 1)["stage_matrix"], V.T)
    assert np.allclose(describe(A, 2)["stage_matrix"], np.diag(d["sigma"]) @ V.T)
    assert np.array_equal(describe(A, 0)["stage_matrix"], np.eye(n))


def test_special_matrices():
    d = describe(PRESETS["reflection"])
    assert d["det_u"] == -1 and d["det_sign"] == -1
    assert describe(PRESETS["rank 1"])["det_sign"] == 0 and describe(np.eye(3) * 1e124)["det_sign"] == 1
    d = describe(PRESETS["rotation"])
    assert d["sigma"] == [1.0, 1.0] and d["rank"] == 2
    d = describe(PRESETS["rank 1"])
    assert d["rank"] == 1 and d["sigma"][1] == 0
    d = describe(PRESETS["3×3 flat"])
    assert d["rank"] == 2
    assert describe(np.zeros((2, 2)))["rank"] == 0
    huge = describe(np.array(PRESETS["stretch"]) * 1e300)
    assert huge["sigma"][0] == pytest.approx(np.sqrt(45) * 1e300)
    tiny = describe(np.array(PRESETS["stretch"]) * 1e-300)
    assert tiny["sigma"][1] == pytest.approx(np.sqrt(5) * 1e-300) and tiny["rank"] == 2


@pytest.mark.parametrize("seed", range(200))
def test_singular_matrices_choose_rotations(seed):
    # det A = 0 (rank < n): the sign of a u for σ = 0 is free, and chapter 7 says "rotation, scaling,
    # rotation" exactly when det A >= 0, so that sign is chosen to make U a rotation too.
    state = SvdGeometry.random_state(np.random.default_rng(1000 + seed))
    A = np.array(state["matrix"])
    n = len(A)
    A[:, -1] = A[:, 0] * (seed % 5 - 2)                                    # singular, zero column included
    d = describe(A)
    assert d["rank"] < n and d["det_u"] == 1.0 and d["det_v"] == 1.0
    U = np.array(d["u"]).T
    assert np.linalg.det(U) > 0 and np.allclose(U.T @ U, np.eye(n), atol=1e-12)


def test_presets_det_zero_are_rotations():
    for name in ("rank 1", "3×3 flat"):
        d = describe(PRESETS[name])
        assert d["det_u"] == d["det_v"] == 1.0, name
    assert describe(np.zeros((2, 2)))["det_u"] == 1.0
    assert describe(PRESETS["reflection"])["det_u"] == -1.0                # det A < 0 still reflects


def test_widget_validates_and_updates():
    w = SvdGeometry([[3, 0], [4, 5]], stage=0)
    assert w.stage_matrix == [[1.0, 0.0], [0.0, 1.0]]
    w.stage = 3
    assert np.allclose(w.stage_matrix, [[3, 0], [4, 5]])
    w.matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 10]]
    assert len(w.sigma) == 3 and w.rank == 3
    with pytest.raises(ValueError, match="2×2 or 3×3"):
        SvdGeometry(np.eye(4))
    with pytest.raises(ValueError, match="2×2 or 3×3"):
        SvdGeometry(np.ones((2, 3)))
    with pytest.raises(Exception, match="stage"):
        w.stage = 4
    with pytest.raises(TypeError):
        SvdGeometry([[1j, 0], [0, 1]])
    with pytest.raises(ValueError):
        SvdGeometry([[np.nan, 0], [0, 1]])


def test_payload_is_small():
    w = SvdGeometry(PRESETS["3×3"])
    assert len(json.dumps(w.static_state())) < 5_000
    assert len(w.static_html().encode()) < 200_000


# --- the page's derive --------------------------------------------------------------------
def as_floats(x):
    """Every number as a float (bools stay), so 3.2e20 read back as an int compares equal."""
    if isinstance(x, dict):
        return {k: as_floats(v) for k, v in x.items()}
    if isinstance(x, list):
        return [as_floats(v) for v in x]
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    return x


def test_static_derive_agrees_with_python_bit_for_bit(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(7)
    states = [SvdGeometry.random_state(rng) for _ in range(500)]
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [SvdGeometry._esm, states])
    # The same IEEE operations in the same order: equal, not merely close. (JavaScript writes a large
    # whole float such as 3.2e20 as digits, which JSON reads back as an int: compare as floats.)
    bad = [(s, js) for s, js in zip(states, results) if as_floats(js) != as_floats(SvdGeometry.derive_state(s))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"
    assert offline_page.errors == []


# --- the widget in the page ---------------------------------------------------------------
SNAPSHOT = """(root) => {
    const M = [];
    for (const input of root.querySelectorAll('.lx-matrix input')) (M[+input.dataset.row] ||= [])[+input.dataset.col] = input.value;
    const field = (n) => root.querySelector(`[data-field="${n}"]`).textContent;
    const error = root.querySelector('.lx-error');
    return { matrix: M, sigma: field('sigma'), v: field('v'), u: field('u'), moves: field('moves'), stageText: field('stage-text'),
             stageMatrix: field('stage-matrix'), stage: +root.querySelector('svg').dataset.stage,
             slider: root.querySelector('input[type=range]').value, error: error && error.textContent };
}"""


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-"))]


def page_with(page, tmp_path, widget, width=1100):
    page.set_viewport_size({"width": width, "height": 900})
    f = tmp_path / "svdgeo.html"
    f.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                 + widget.static_html())
    page.goto(f.as_uri())
    return page.locator(".lx-svdgeo")


def check_readouts(widget) -> dict:
    snap = widget.evaluate(SNAPSHOT)
    assert snap["error"] is None, snap["error"]
    M = np.array([[float(v) for v in row] for row in snap["matrix"]])
    s = np.linalg.svd(M, compute_uv=False)
    n = len(M)
    got = numbers(snap["sigma"].split(":")[0])          # "σ₁ ≈ 6.708, σ₂ ≈ 2.236: rank 2. ..." (subscripts are not digits)
    assert np.allclose(got, s, atol=1e-3 * max(1, s[0])), (M, snap)
    rank = int(re.search(r"rank (\d)", snap["sigma"]).group(1))
    assert rank == np.linalg.matrix_rank(M, tol=1e-10 * s[0]) if s[0] > 0 else rank == 0
    py = describe(M, snap["stage"])
    assert snap["stageText"] == f"stage {snap['stage']}: {STAGES[snap['stage']]}" and snap["slider"] == str(snap["stage"])
    T = np.array(numbers(snap["stageMatrix"].split(":", 1)[1])).reshape(n, n)
    assert np.allclose(T, py["stage_matrix"], atol=2e-3 * max(1, s[0])), (snap, py)
    assert ("reflection" in snap["moves"]) == (py["det_u"] < 0)
    snap["M"] = M
    return snap


def test_stages_step_through_the_three_moves(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, SvdGeometry([[3, 0], [4, 5]], stage=0))
    snap = check_readouts(widget)
    assert snap["stage"] == 0 and numbers(snap["stageMatrix"].split(":", 1)[1]) == [1, 0, 0, 1]
    for stage in (1, 2, 3):
        widget.locator('[data-action="next"]').click()
        assert check_readouts(widget)["stage"] == stage
    widget.locator('[data-action="next"]').click()          # stays at 3
    assert check_readouts(widget)["stage"] == 3
    slider = widget.locator("input[type=range]")
    slider.focus()
    offline_page.keyboard.press("Home")
    assert check_readouts(widget)["stage"] == 0
    offline_page.keyboard.press("ArrowRight")
    snap = check_readouts(widget)
    assert snap["stage"] == 1 and np.allclose(numbers(snap["stageMatrix"].split(":", 1)[1]), [0.707, 0.707, -0.707, 0.707],
                                              atol=1e-3)
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_entries_presets_and_reflection(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, SvdGeometry([[3, 0], [4, 5]]))
    widget.locator('[data-preset="reflection"]').click()
    snap = check_readouts(widget)
    assert "reflection" in snap["moves"] and "det A" in snap["moves"]
    widget.locator('[data-preset="rank 1"]').click()
    snap = check_readouts(widget)
    assert "rank 1" in snap["sigma"] and "flat" in snap["moves"]
    assert "U is a rotation" in snap["moves"] and "reflection" not in snap["moves"] and "det A = 0" in snap["moves"]
    entry = widget.locator('input[aria-label="A[2, 1]"]')
    entry.fill("1/2x")
    entry.press("Enter")
    assert "not a number" in widget.locator(".lx-entry-error").inner_text()
    entry.fill("-3/4")
    entry.press("Enter")
    snap = check_readouts(widget)
    assert snap["matrix"][1][0] == "-0.75" and "rank 2" in snap["sigma"]
    widget.locator('[data-preset="3×3 flat"]').click()
    snap = check_readouts(widget)
    assert len(snap["matrix"]) == 3 and "rank 2" in snap["sigma"]
    e = widget.locator('input[aria-label="A[3, 3]"]')
    e.fill("10")
    e.press("Enter")
    assert "rank 3" in check_readouts(widget)["sigma"]
    assert offline_page.errors == []


def column_tip(widget, j):
    box = widget.locator(f'.lx-column-tip[data-col="{j}"] rect').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_dragging_a_column_snaps_onto_a_singular_matrix(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, SvdGeometry([[2, 0], [0, 1]], stage=3))
    x0, y0 = column_tip(widget, 1)                       # Ae2 = (0, 1)
    x1, y1 = column_tip(widget, 0)                       # Ae1 = (2, 0): drag Ae2 next to it, nearly parallel
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    offline_page.mouse.move(x1 - 30, y1 - 2, steps=8)
    offline_page.mouse.up()
    snap = check_readouts(widget)
    M = snap["M"]
    assert M[1, 1] == 0 and M[0, 1] != 0, M              # snapped onto e1's line: a singular matrix
    assert "rank 1" in snap["sigma"]
    # keyboard: Tab to a column and move it; Shift moves further
    widget.locator('.lx-column-tip[data-col="1"]').focus()
    offline_page.keyboard.press("ArrowUp")
    M2 = check_readouts(widget)["M"]
    assert M2[1, 1] == pytest.approx(0.1) and M2[0, 1] == M[0, 1]
    offline_page.keyboard.press("Shift+ArrowLeft")
    assert check_readouts(widget)["M"][0, 1] == pytest.approx(M[0, 1] - 0.5)
    assert offline_page.evaluate("document.activeElement.classList.contains('lx-column-tip')")
    assert offline_page.errors == []


def test_three_d_view_turns_without_changing_the_matrix(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, SvdGeometry(PRESETS["3×3"]))
    before = widget.locator("svg").inner_html()
    widget.locator("svg").focus()
    offline_page.keyboard.press("ArrowLeft")
    offline_page.keyboard.press("ArrowUp")
    after = widget.locator("svg").inner_html()
    assert before != after                                # the picture turned
    snap = check_readouts(widget)
    assert np.array_equal(snap["M"], np.array(PRESETS["3×3"]))
    box = widget.locator("svg").bounding_box()
    offline_page.mouse.move(box["x"] + 20, box["y"] + 20)
    offline_page.mouse.down()
    offline_page.mouse.move(box["x"] + 80, box["y"] + 60, steps=5)
    offline_page.mouse.up()
    check_readouts(widget)
    assert offline_page.errors == []


def test_random_edit_sequences_keep_the_readouts_right(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, SvdGeometry([[3, 0], [4, 5]]))
    rng = np.random.default_rng(3)
    values = ["0", "1", "-1", "2.5", "1e150", "-1e-150", "3/4", "0", "0"]
    for _ in range(40):
        action = rng.integers(0, 5)
        n = len(widget.evaluate(SNAPSHOT)["matrix"])
        if action == 0:
            i, j = rng.integers(0, n, size=2)
            e = widget.locator(f'input[aria-label="A[{i + 1}, {j + 1}]"]')
            e.fill(str(rng.choice(values)))
            e.press("Enter")
        elif action == 1:
            widget.locator(f'[data-preset="{rng.choice(list(PRESETS))}"]').click()
        elif action == 2:
            widget.locator(f'[data-action="{rng.choice(["next", "back"])}"]').click()
        elif action == 3 and n == 2:
            widget.locator(f'.lx-column-tip[data-col="{rng.integers(0, 2)}"]').focus()
            offline_page.keyboard.press(str(rng.choice(["ArrowUp", "ArrowLeft", "Shift+ArrowDown"])))
        else:
            widget.locator("input[type=range]").focus()
            offline_page.keyboard.press(str(rng.choice(["ArrowRight", "ArrowLeft", "End", "Home"])))
        check_readouts(widget)
    assert offline_page.errors == []


def test_phone_width_and_touch(browser, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    context.set_offline(True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    widget = page_with(page, tmp_path, SvdGeometry([[2, 0], [0, 1]], stage=3), width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert widget.locator(".lx-column-tip").first.evaluate("(e) => getComputedStyle(e).touchAction") == "none"
    assert widget.locator(".lx-hit").first.bounding_box()["width"] >= 44
    x0, y0 = column_tip(widget, 0)
    tip = widget.locator('.lx-column-tip[data-col="0"]')
    tip.dispatch_event("pointerdown", {"clientX": x0, "clientY": y0, "pointerType": "touch", "isPrimary": True})
    page.evaluate("([x, y]) => window.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, pointerType: 'touch'}))",
                  [x0 - 40, y0 - 40])
    page.evaluate("() => window.dispatchEvent(new PointerEvent('pointerup', {pointerType: 'touch'}))")
    M = check_readouts(widget)["M"]
    assert M[0, 0] < 2 and M[1, 0] > 0                     # Ae1 moved up and left
    assert page.errors == []
    context.close()


def test_column_labels_do_not_overlap_when_the_columns_coincide(offline_page, tmp_path):
    for M in ([[1, 1], [1, 1]], [[2, 2], [0.5, 0.5]], [[0, 0], [0, 0]], [[2, 0], [0, 1]]):
        widget = page_with(offline_page, tmp_path, SvdGeometry(M))
        a, b = (widget.locator(f'.lx-column-tip[data-col="{j}"] text').bounding_box() for j in (0, 1))
        apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                 or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
        assert apart, (M, a, b)
        for box in (a, b):                                                 # still inside the picture
            plot = widget.locator("svg").bounding_box()
            assert plot["y"] <= box["y"] and box["y"] + box["height"] <= plot["y"] + plot["height"], (M, box)
    assert offline_page.errors == []
