"""The rank explorer in headless Chromium with the network off: random walks of
edits through every rank, compared with Python after every step, and the
keyboard, touch and entry behaviour a reader relies on."""

from __future__ import annotations

import numpy as np
import pytest

from lalib.widgets import RankExplorer
from lalib.widgets.rank_explorer import describe

SNAP, SIZE = 0.5, 320

SNAPSHOT = """(root) => {
    const M = [];
    for (const input of root.querySelectorAll('.lx-matrix input')) {
        (M[+input.dataset.row] ||= [])[+input.dataset.col] = input.value;
    }
    const field = (name) => root.querySelector(`[data-field="${name}"]`).textContent;
    const error = root.querySelector('.lx-error');
    return { matrix: M, rank: field('rank'), nullity: field('nullity'), nullSpace: field('null-space'),
             kind: root.querySelector('.lx-colspace').dataset.kind, error: error && error.textContent };
}"""


def numbers(text: str) -> list[float]:
    """The numbers in a readout such as 'all combinations of (−2, 1) and (≈0.333, 1)'."""
    import re
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


def check_readouts(widget) -> dict:
    """The page's readouts are Python's for the matrix the page holds; returns the snapshot."""
    snap = widget.evaluate(SNAPSHOT)
    assert snap["error"] is None, snap["error"]
    M = np.array([[float(x) for x in row] for row in snap["matrix"]])
    py = describe(M)
    m = M.shape[0]
    kind = "point" if py["rank"] == 0 else "all" if py["rank"] == m else "line" if py["rank"] == 1 else "plane"
    assert (int(snap["rank"]), int(snap["nullity"]), snap["kind"]) == (py["rank"], py["nullity"], kind), (M, snap)
    if py["nullity"]:
        assert np.allclose(numbers(snap["nullSpace"]), np.ravel(py["null_basis"]), atol=1e-3), (M, snap)
    else:
        assert snap["nullSpace"] == "only the zero vector"
    snap["M"] = M
    return snap


def page_with(offline_page, tmp_path, *widgets):
    page = tmp_path / "explorer.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + "\n".join(w.static_html() for w in widgets))
    offline_page.goto(page.as_uri())
    return [offline_page.locator(".lx-rank").nth(i) for i in range(len(widgets))]


def entry(widget, i, j):
    return widget.locator(f'input[aria-label="A[{i + 1}, {j + 1}]"]')


def type_entry(widget, i, j, text):
    entry(widget, i, j).fill(str(text))
    entry(widget, i, j).press("Enter")


def drag(page, widget, j, dx, dy, steps=6):
    """Drag column j's tip by (dx, dy) plot units; returns the column that moved (the one on top)."""
    plot = widget.locator(".lx-plot").bounding_box()
    M = widget.evaluate(SNAPSHOT)["matrix"]
    R = max(4, int(np.ceil(np.max(np.abs(np.array(M, dtype=float))))) + 1)
    unit = plot["width"] / SIZE * (SIZE / 2 - 14) / R
    dot = widget.locator(f'.lx-handle[data-col="{j}"]').bounding_box()
    x0, y0 = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    grabbed = int(page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.lx-tip').dataset.col", [x0, y0]))
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + unit * dx, y0 - unit * dy, steps=steps)
    page.mouse.up()
    return grabbed


def test_the_reported_freezes_are_gone(offline_page, tmp_path):
    wide, square = page_with(offline_page, tmp_path, RankExplorer([[1, 2, 3], [2, 4, 6]]),
                             RankExplorer([[1, 0, 1], [0, 1, 1], [1, 1, 2]]))
    # 2×3: every tip to the origin (rank 0), then one out again.
    for j in range(3):
        M = check_readouts(wide)["M"]
        drag(offline_page, wide, j, -M[0, j], -M[1, j])
    assert check_readouts(wide)["rank"] == "0"
    moved = drag(offline_page, wide, 0, 1, 2)
    snap = check_readouts(wide)
    assert snap["rank"] == "1" and snap["M"][:, moved].tolist() == [1, 2]
    # 3×3: a2 = a3 = (1, 2, 0), then a2 = (0, 1, 1).
    for j in (1, 2):
        for i, x in enumerate((1, 2, 0)):
            type_entry(square, i, j, x)
    assert check_readouts(square)["rank"] == "2"
    for i, x in enumerate((0, 1, 1)):
        type_entry(square, i, 1, x)
    assert check_readouts(square)["rank"] == "3"
    type_entry(square, 0, 0, 5)  # and it keeps answering
    check_readouts(square)
    assert offline_page.errors == []


VALUES = [("0", 0.0), ("0", 0.0), ("1", 1.0), ("-1", -1.0), ("2", 2.0), ("1/2", 0.5), ("−3/2", -1.5), ("2,5", 2.5),
          ("1.0001", 1.0001), ("1e-3", 0.001)]


@pytest.mark.parametrize("start, seed", [([[1, 2, 3], [2, 4, 6]], 1), ([[1, 0, 1], [0, 1, 1], [1, 1, 2]], 2)],
                         ids=["2x3", "3x3"])
def test_random_edit_walks_keep_readouts_right(offline_page, tmp_path, start, seed):
    rng = np.random.default_rng(seed)  # fixed: a failure replays
    (widget,) = page_with(offline_page, tmp_path, RankExplorer(start))
    m, n = np.shape(start)
    expected = np.array(start, dtype=float)
    ranks = set()
    # Through rank 0 first (every column zeroed), then random edits of every kind.
    plan = [("zero", j) for j in range(n)] + [(str(rng.choice(["type", "zero", "copy", "drag", "key"])), None)
                                              for _ in range(45)]
    for step, j in plan:
        j = int(rng.integers(n)) if j is None else j
        if step == "zero":
            for i in range(m):
                type_entry(widget, i, j, "0")
            expected[:, j] = 0
        elif step == "type":
            i = int(rng.integers(m))
            text, value = VALUES[rng.integers(len(VALUES))]
            type_entry(widget, i, j, text)
            expected[i, j] = value
        elif step == "copy":  # make column j a multiple of another: the rank drops
            k, c = int(rng.integers(n)), int(rng.choice([-2, 1, 2]))
            for i in range(m):
                type_entry(widget, i, j, repr(float(c * expected[i, k])))
            expected[:, j] = c * expected[:, k]
        elif step == "key":
            tip = widget.locator(f'.lx-tip[data-col="{j}"]')
            tip.focus()
            for _ in range(int(rng.integers(1, 4))):
                key = str(rng.choice(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"] + (["PageUp", "PageDown"] if m == 3 else [])))
                tip.press(key)
                i = {"ArrowLeft": 0, "ArrowRight": 0, "ArrowUp": 1, "ArrowDown": 1, "PageUp": 2, "PageDown": 2}[key]
                sign = 1 if key in ("ArrowRight", "ArrowUp", "PageUp") else -1
                expected[i, j] = np.round((expected[i, j] + sign * SNAP) / SNAP) * SNAP
                # Focus stays on the tip through the redraw.
                assert offline_page.evaluate("document.activeElement.dataset.col") == str(j)
        elif step == "drag" and m == 2:
            dx, dy = (int(rng.integers(-3, 4)) * SNAP for _ in range(2))
            moved = drag(offline_page, widget, j, dx, dy)
            snap = check_readouts(widget)
            # The grabbed tip landed on the grid point nearest where it was dropped.
            target = np.round((expected[:, moved] + [dx, dy]) / SNAP) * SNAP
            assert np.allclose(snap["M"][:, moved], target, atol=1e-9), (expected, snap["M"], moved, dx, dy)
            expected[:, moved] = snap["M"][:, moved]
        snap = check_readouts(widget)
        assert np.array_equal(snap["M"], expected), (step, j, snap["M"], expected)
        ranks.add(int(snap["rank"]))
    assert ranks >= set(range(min(m, n) + 1)), ranks  # the walk went through every rank
    assert offline_page.errors == []


def test_entries_show_what_the_matrix_holds_and_read_fractions(offline_page, tmp_path):
    (widget,) = page_with(offline_page, tmp_path, RankExplorer([[1, 1], [1, 1]]))
    type_entry(widget, 1, 1, "1.0001")
    assert entry(widget, 1, 1).input_value() == "1.0001" and check_readouts(widget)["rank"] == "2"
    # Focus stays in the entry after committing it, and Tab moves on from it.
    active = "document.activeElement.getAttribute('aria-label')"
    assert offline_page.evaluate(active) == "A[2, 2]"
    entry(widget, 0, 0).fill("3")
    offline_page.keyboard.press("Tab")
    assert offline_page.evaluate(active) == "A[1, 2]" and entry(widget, 0, 0).input_value() == "3"
    offline_page.keyboard.press("Shift+Tab")
    assert offline_page.evaluate(active) == "A[1, 1]"
    type_entry(widget, 0, 0, "1")
    type_entry(widget, 0, 0, "1/2")
    type_entry(widget, 1, 0, "2,5")
    assert check_readouts(widget)["M"].tolist() == [[0.5, 1], [2.5, 1.0001]]
    # A readout that had to be rounded says so.
    for i, j, x in [(0, 0, "3"), (1, 0, "6"), (0, 1, "1"), (1, 1, "2")]:
        type_entry(widget, i, j, x)
    assert check_readouts(widget)["nullSpace"] == "all combinations of (≈\u22120.333, 1)"


@pytest.mark.parametrize("text", ["1abc", "2 apples", "1,000", "1/0", "--1", "1/2/3"])
def test_unreadable_entries_are_refused_with_a_visible_message(offline_page, tmp_path, text):
    (widget,) = page_with(offline_page, tmp_path, RankExplorer([[1, 2], [2, 4]]))
    type_entry(widget, 0, 0, text)
    message = widget.locator(".lx-entry-error")
    assert message.is_visible() and "A[1, 1]" in message.inner_text()
    assert entry(widget, 0, 0).get_attribute("aria-invalid") == "true"
    assert widget.locator('[data-field="rank"]').inner_text() == "1"  # the matrix is unchanged
    assert entry(widget, 0, 0).input_value() == text  # kept, to be corrected
    assert offline_page.evaluate("lalib.runtime.parseNumber('1')").get("value") == 1
    type_entry(widget, 0, 0, "3")  # a good entry clears the message
    assert not message.is_visible() and check_readouts(widget)["rank"] == "2"


def test_a_dragged_tip_stays_under_the_pointer(offline_page, tmp_path):
    (widget,) = page_with(offline_page, tmp_path, RankExplorer([[1, 0], [0, 1]]))
    plot = widget.locator(".lx-plot").bounding_box()
    unit = plot["width"] / SIZE * (SIZE / 2 - 14) / 4
    dot = widget.locator('.lx-handle[data-col="0"]').bounding_box()
    x0, y0 = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    for k in range(1, 9):  # out to x = 5, past the plot's starting reach of 4
        offline_page.mouse.move(x0 + unit * k * 0.5, y0, steps=2)
        now = widget.locator('.lx-handle[data-col="0"]').bounding_box()
        assert abs(now["x"] + now["width"] / 2 - (x0 + unit * k * 0.5)) <= unit * SNAP / 2 + 1, k
    offline_page.mouse.up()
    assert check_readouts(widget)["M"][:, 0].tolist() == [5, 0]


def test_phone_touch_and_screen_reader_affordances(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    context.set_offline(True)
    page = context.new_page()
    page.set_content("<!doctype html><meta name=viewport content='width=device-width'><body>"
                     + RankExplorer([[1, 2, 3], [2, 4, 6]]).static_html())
    widget = page.locator(".lx-rank")
    hit = widget.locator(".lx-hit").first.bounding_box()
    assert hit["width"] >= 44 and hit["height"] >= 44
    style = lambda sel, prop: widget.locator(sel).first.evaluate(f"(e) => getComputedStyle(e)['{prop}']")  # noqa: E731
    assert style(".lx-plot", "touchAction") == "pan-y pinch-zoom"  # a swipe on the plot scrolls the page
    assert style(".lx-tip", "touchAction") == "none"  # one on a tip drags it
    readout = widget.locator(".lx-readout")
    assert readout.get_attribute("aria-live") == "polite" and "rank" in readout.inner_text()
    assert widget.locator(".lx-tip").first.get_attribute("tabindex") == "0"
    context.close()


def test_an_error_is_shown_undone_and_the_widget_keeps_working(offline_page, tmp_path):
    html = RankExplorer([[1, 2], [2, 4]]).static_html()
    # A fault planted in the page's numerics: any matrix with a 13 in it throws.
    plant = ("<script>const real = lalib.linalg.describeMatrix; lalib.linalg.describeMatrix = (A, t) => {"
             " if (A.flat().includes(13)) throw new Error('planted fault'); return real(A, t); };</script>")
    cut = html.index('<script data-lalib-asset="rank_explorer.js')
    page = tmp_path / "fault.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + html[:cut] + plant + html[cut:])
    console = []
    offline_page.on("console", lambda m: console.append((m.type, m.text)))
    offline_page.goto(page.as_uri())
    (widget,) = [offline_page.locator(".lx-rank")]
    type_entry(widget, 0, 0, "13")
    alert = widget.locator(".lx-error[role=alert]")
    assert alert.is_visible() and "planted fault" in alert.inner_text()
    assert any(kind == "error" and "planted fault" in text for kind, text in console)
    # Undone: the entries and readouts are the last consistent state, not half of each.
    snap = widget.evaluate(SNAPSHOT)
    assert snap["matrix"] == [["1", "2"], ["2", "4"]] and snap["rank"] == "1"
    type_entry(widget, 1, 0, "0")  # and it keeps answering
    assert not alert.is_visible() and check_readouts(widget)["rank"] == "2"


def swipe(page, x, y, dy):
    """A one-finger vertical swipe through Chromium's touch input."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + dy * k / 10}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(300)


def test_a_swipe_on_the_plot_scrolls_the_page_and_one_on_a_tip_drags_it(browser):
    context = browser.new_context(viewport={"width": 375, "height": 600}, has_touch=True, is_mobile=True)
    context.set_offline(True)
    page = context.new_page()
    page.set_content("<!doctype html><meta name=viewport content='width=device-width'><body>"
                     + RankExplorer([[1, 0], [0, 1]]).static_html() + "<div style='height: 3000px'></div>")
    widget = page.locator(".lx-rank")
    plot = widget.locator(".lx-plot").bounding_box()
    # Upwards from a tip: the tip moves and the page stays.
    dot = widget.locator('.lx-handle[data-col="0"]').bounding_box()
    swipe(page, dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2, -60)
    assert page.evaluate("window.scrollY") == 0
    assert widget.locator('input[aria-label="A[2, 1]"]').input_value() != "0"
    # Upwards from the plot's empty lower-left corner: the page scrolls.
    swipe(page, plot["x"] + 30, plot["y"] + plot["height"] - 30, -150)
    assert page.evaluate("window.scrollY") > 50
    context.close()
