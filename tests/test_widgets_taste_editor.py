"""The taste editor: Python's ALS against the ridge-regression equations, the page's derive against
Python on hundreds of random grids, and the widget in headless Chromium with the network off
(tap and type ratings, keyboard moves, sweeps, penalty, cold start, random edit sequences, a
phone-width page), its readouts checked against Python."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lalib.recsys.teaching import taste_init
from lalib.widgets.taste_editor import MAX_SWEEPS, MOVIES, RATINGS, REGS, USERS, TasteEditor, describe


def same(js, py, path="state") -> list[str]:
    """Where two JSON values differ (numbers up to rounding), as readable paths."""
    if isinstance(py, (bool, str)) or py is None:
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
            return [f"{path}: keys differ"]
        return [d for k in py for d in same(js[k], py[k], f"{path}.{k}")]
    raise TypeError(path)


# --- Python side ------------------------------------------------------------------------
def ridge_solution(G, F, fixed_bias, mu, reg):
    """Each row's (factors, bias) from the normal equations, one row at a time (the definition)."""
    out = []
    for row in G:
        known = row > 0
        X = np.hstack([F[known], np.ones((known.sum(), 1))])
        y = row[known] - mu - fixed_bias[known]
        out.append(np.linalg.solve(X.T @ X + reg * np.eye(X.shape[1]), X.T @ y))
    out = np.array(out).reshape(len(G), F.shape[1] + 1)
    return out[:, :-1], out[:, -1]


@pytest.mark.parametrize("seed", range(200))
def test_describe_is_alternating_ridge_regressions(seed):
    state = TasteEditor.random_state(np.random.default_rng(seed))
    G = np.array(state["ratings"], float)
    d = describe(G, state["reg"], state["sweeps"], state["user"])
    reg, mu = state["reg"], d["mu"]
    assert mu == (G[G > 0].mean() if (G > 0).any() else 3.0)
    # Replay the sweeps from the definition: users, then items, each a ridge regression.
    Q, bi = taste_init(G.shape[1], 2), np.zeros(G.shape[1])
    P, bu = np.zeros((len(G), 2)), np.zeros(len(G))
    for _ in range(state["sweeps"]):
        P, bu = ridge_solution(G, Q, bi, mu, reg)
        Q, bi = ridge_solution(G.T, P, bu, mu, reg)
    assert np.allclose(d["user_factors"], P, atol=1e-9) and np.allclose(d["item_factors"], Q, atol=1e-9)
    assert np.allclose(d["completed"], mu + bu[:, None] + bi[None, :] + P @ Q.T, atol=1e-9)
    loss = d["loss"]
    assert len(loss) == state["sweeps"]
    assert all(b <= a + 1e-9 * max(1, a) for a, b in zip(loss, loss[1:])), loss   # ALS never increases J
    u = state["user"]
    unrated = np.flatnonzero(G[u] == 0)
    assert sorted(d["top"]) == sorted(d["top"]) and set(d["top"]) <= set(unrated.tolist())
    assert len(d["top"]) == min(3, len(unrated))
    if len(d["top"]) and len(unrated) > len(d["top"]):
        rest = np.setdiff1d(unrated, d["top"])
        assert min(np.array(d["completed"])[u][d["top"]]) >= max(np.array(d["completed"])[u][rest]) - 1e-9


def test_book_grid_and_cold_start():
    d = describe(RATINGS, 1.0, 10)
    assert [MOVIES[i] for i in d["top"]] == ["Star Wars", "Blade Runner", "The Matrix"]
    cold = [row if u < 6 else [0] * 8 for u, row in enumerate(RATINGS)]
    c = describe(cold, 1.0, 10)
    assert c["user_factors"][6] == [0.0, 0.0] and c["user_bias"][6] == 0.0
    by_bias = sorted(range(8), key=lambda i: -c["item_bias"][i])[:3]
    assert c["top"] == by_bias   # a new user gets the movies with the highest mu + b_i
    empty = describe(np.zeros((2, 3), int), 1.0, 4)
    assert empty["mu"] == 3.0 and np.all(np.array(empty["completed"]) == 3.0) and empty["train_rmse"] == 0.0


def test_widget_validates_and_updates():
    w = TasteEditor()
    assert w.users == USERS and w.user == len(USERS) - 1
    before = w.completed[6][1]
    w.ratings = [row if u < 6 else [5, 5, 0, 0, 0, 2, 0, 0] for u, row in enumerate(RATINGS)]
    assert w.completed[6][1] == 5.0 or w.completed[6][1] != before
    w.sweeps = 0
    assert w.loss == [] and w.completed[0][0] == w.mu
    with pytest.raises(ValueError, match="whole number"):
        TasteEditor([[6, 0], [1, 2]])
    with pytest.raises(ValueError, match="grid"):
        TasteEditor(np.zeros((11, 3)))
    with pytest.raises(ValueError, match="reg"):
        TasteEditor(reg=0.5)
    with pytest.raises(Exception, match="sweeps"):
        w.sweeps = MAX_SWEEPS + 1
    with pytest.raises(Exception, match="shape"):
        w.ratings = [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="names"):
        TasteEditor([[1, 2]], users=["a", "b"])


def test_payload_is_small():
    w = TasteEditor(sweeps=MAX_SWEEPS)
    assert len(json.dumps(w.static_state())) < 20_000
    assert len(w.static_html().encode()) < 200_000


# --- the page's derive --------------------------------------------------------------------
def test_static_derive_agrees_with_python_on_random_inputs(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(10)
    states = [TasteEditor.random_state(rng) for _ in range(500)]
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [TasteEditor._esm, states])
    bad = [(s, d) for s, js in zip(states, results) if (d := same(js, TasteEditor.derive_state(s)))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"
    assert offline_page.errors == []


# --- the widget in the page ---------------------------------------------------------------
SNAPSHOT = """(root) => {
    const G = [], shown = [];
    for (const b of root.querySelectorAll('.lx-cell')) {
        (G[+b.dataset.row] ||= [])[+b.dataset.col] = b.dataset.known === 'true' ? +b.textContent : 0;
        (shown[+b.dataset.row] ||= [])[+b.dataset.col] = +b.textContent;
    }
    const field = (n) => root.querySelector(`[data-field="${n}"]`).textContent;
    const pressed = root.querySelector('[data-reg][aria-pressed="true"]');
    const error = root.querySelector('.lx-error');
    return { G, shown, top: field('top'), cold: field('cold'), fit: field('fit'),
             reg: pressed ? +pressed.dataset.reg : null, sweeps: +root.querySelector('input[type=range]').value,
             user: [...root.querySelectorAll('tr')].findIndex((tr) => tr.classList.contains('lx-selected-row')) - 1,
             items: root.querySelectorAll('.lx-map .lx-item').length, error: error && error.textContent };
}"""


def page_with(offline_page, tmp_path, widget, width=1100):
    offline_page.set_viewport_size({"width": width, "height": 900})
    page = tmp_path / "taste.html"
    page.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                    + widget.static_html())
    offline_page.goto(page.as_uri())
    return offline_page.locator(".lx-taste")


def check_readouts(widget) -> dict:
    """The page's grid, picks and fit readout against Python's describe of the grid it shows."""
    snap = widget.evaluate(SNAPSHOT)
    assert snap["error"] is None, snap["error"]
    py = describe(snap["G"], snap["reg"], snap["sweeps"], snap["user"])
    C = np.clip(np.array(py["completed"]), 1, 5)
    G = np.array(snap["G"])
    assert np.allclose(np.where(G > 0, G, snap["shown"]), np.where(G > 0, G, np.round(C, 1)), atol=0.051), snap
    for i in py["top"]:
        assert MOVIES[i] in snap["top"], (snap["top"], py["top"])
    if py["top"]:
        assert snap["top"].index(MOVIES[py["top"][0]]) == 0
    if snap["sweeps"]:
        assert f"RMSE on the known ratings = " in snap["fit"]
        shown_rmse = float(snap["fit"].split("= ")[-1].rstrip(".").replace("≈", ""))
        assert abs(shown_rmse - py["train_rmse"]) < 1e-3
    snap["py"] = py
    return snap


def test_tap_a_cell_then_a_star_and_the_picks_change(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, TasteEditor())
    snap = check_readouts(widget)
    assert snap["user"] == 6 and snap["top"].startswith("Star Wars") and snap["items"] == 8
    # "You" now loves Titanic and Notting Hill and dislikes Alien: the romances come first.
    for col, stars in ((5, 5), (4, 5), (0, 1)):
        widget.locator(f'.lx-cell[data-row="6"][data-col="{col}"]').click()
        widget.locator(f'[data-stars="{stars}"]').click()
    snap = check_readouts(widget)
    assert snap["G"][6][:6] == [1, 0, 0, 0, 5, 5]
    assert snap["top"].split(" (")[0] in ("Pretty Woman", "Amélie"), snap["top"]
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_keyboard_moves_rates_and_clears(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, TasteEditor())
    widget.locator('.lx-cell[data-row="6"][data-col="0"]').focus()
    offline_page.keyboard.press("ArrowRight")
    assert offline_page.evaluate("document.activeElement.dataset.col") == "1"
    offline_page.keyboard.press("4")
    snap = check_readouts(widget)
    assert snap["G"][6][1] == 4
    offline_page.keyboard.press("ArrowUp")   # Fay's row: the picks follow the selected user
    snap = check_readouts(widget)
    assert snap["user"] == 5 and offline_page.evaluate("document.activeElement.dataset.row") == "5"
    offline_page.keyboard.press("Delete")
    snap = check_readouts(widget)
    assert snap["G"][5][1] == 0
    assert offline_page.evaluate("document.activeElement.classList.contains('lx-cell')")


def test_sweeps_penalty_and_cold_start(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, TasteEditor(sweeps=0))
    snap = check_readouts(widget)
    assert "No sweep yet" in snap["fit"] and len(set(snap["shown"][6][1:5])) == 1   # all the mean
    widget.locator('[data-action="sweep"]').click()
    snap = check_readouts(widget)
    assert snap["sweeps"] == 1 and "After 1 sweep" in snap["fit"]
    widget.locator('[data-reg="10"]').click()
    snap = check_readouts(widget)
    assert snap["reg"] == 10
    widget.locator('[data-action="clear-row"]').click()
    snap = check_readouts(widget)
    assert snap["G"][6] == [0] * 8 and snap["cold"].startswith("You have rated nothing (cold start)")
    widget.locator('.lx-cell[data-row="0"][data-col="0"]').click()   # another user: "has"
    widget.locator('[data-action="clear-row"]').click()
    assert check_readouts(widget)["cold"].startswith("Ana has rated nothing")
    widget.locator('[data-action="reset"]').click()
    assert check_readouts(widget)["G"] == RATINGS
    assert offline_page.errors == []


def test_mouse_drag_on_the_sweeps_slider_follows_to_each_end(offline_page, tmp_path):
    """A drag is many input events on one element: the slider must survive each update."""
    widget = page_with(offline_page, tmp_path, TasteEditor(sweeps=10))
    slider = widget.locator("input[type=range]")
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    start = box["x"] + box["width"] * 10 / MAX_SWEEPS
    offline_page.mouse.move(start, y)
    offline_page.mouse.down()
    seen = []
    for k in range(1, 21):   # to the left end, past it
        offline_page.mouse.move(start - k * (start - box["x"] + 10) / 20, y)
        seen.append(int(slider.input_value()))
    offline_page.mouse.move(box["x"] + box["width"] + 10, y, steps=20)   # then right to the other end
    offline_page.mouse.up()
    assert min(seen) == 0 and len(set(seen)) > 3, seen   # it followed, step by step, not one step then stop
    snap = check_readouts(widget)
    assert snap["sweeps"] == MAX_SWEEPS and f"After {MAX_SWEEPS} sweeps" in snap["fit"]
    assert offline_page.errors == []


def test_readout_numbers_round_to_zero_and_use_one_minus_sign(offline_page, tmp_path):
    # Ana's bias is negative; with the heaviest penalty and all sweeps, the taste
    # vectors shrink to rounding noise (about 1e-16), which must read as 0.
    widget = page_with(offline_page, tmp_path, TasteEditor(reg=10, sweeps=MAX_SWEEPS, user=0))
    snap = check_readouts(widget)
    text = widget.locator(".lx-readout").text_content()
    py = snap["py"]
    assert "≈" not in text and "e-" not in text and "e\u2212" not in text, text
    assert not any(ch == "-" for ch in text.replace("b_u", "")), text   # numbers use U+2212 only
    p = py["user_factors"][0]
    shown = "(" + ", ".join("0" if round(x, 3) == 0 else f"{round(x, 3):g}".replace("-", "\u2212") for x in p) + ")"
    assert f"taste p = {shown}" in text, (text, p)
    assert "rounded to 3 decimals" in text
    assert offline_page.errors == []


LABEL_BOXES = """(root) => {
    const box = (e) => { const b = e.getBBox(); return [e.textContent || 'dot', b.x, b.y, b.x + b.width, b.y + b.height]; };
    return { labels: [...root.querySelectorAll('.lx-map text')].map(box), dots: [...root.querySelectorAll('.lx-map .lx-item')].map(box) };
}"""


@pytest.mark.parametrize("reg,sweeps", [(1, 10), (0.1, 30), (3, 2), (10, 30), (0.3, 1)])
def test_map_labels_do_not_overlap_each_other_or_the_dots(offline_page, tmp_path, reg, sweeps):
    widget = page_with(offline_page, tmp_path, TasteEditor(reg=reg, sweeps=sweeps))
    got = widget.evaluate(LABEL_BOXES)
    cut = lambda a, b: min(a[3], b[3]) - max(a[1], b[1]) > 0.5 and min(a[4], b[4]) - max(a[2], b[2]) > 0.5
    labels, dots = got["labels"], got["dots"]
    names = " | ".join(a[0] for a in labels)
    assert all(m in names for m in MOVIES) or "all 8 movies" in names, names   # every movie named, or one shared label
    clashes = [(a[0], b[0]) for k, a in enumerate(labels) for b in labels[k + 1:] + dots if cut(a, b)]
    assert clashes == [], clashes
    assert all(-1 <= a[1] and a[3] <= 301 for a in labels), labels   # inside the 300-wide map


def test_random_edit_sequences_keep_the_readouts_right(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, TasteEditor())
    rng = np.random.default_rng(3)
    for _ in range(30):
        action = rng.integers(0, 5)
        if action <= 1:
            u, i = rng.integers(0, 7), rng.integers(0, 8)
            widget.locator(f'.lx-cell[data-row="{u}"][data-col="{i}"]').click()
            widget.locator(f'[data-stars="{rng.integers(0, 6)}"]').click()
        elif action == 2:
            widget.locator(f'[data-reg="{rng.choice(REGS):g}"]').click()
        elif action == 3:
            widget.locator('[data-action="clear-row"]').click()
        else:
            widget.locator('input[type=range]').fill(str(rng.integers(0, MAX_SWEEPS + 1)))
        check_readouts(widget)
    assert offline_page.errors == []


def test_phone_width_fits(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, TasteEditor(), width=390)
    check_readouts(widget)
    widths = widget.evaluate("(root) => [root.scrollWidth, document.documentElement.scrollWidth]")
    assert widths[1] <= 390, widths   # the grid scrolls inside its box, the page does not
    box = widget.locator('.lx-cell').first.bounding_box()
    assert box["width"] >= 36 and box["height"] >= 36   # a finger-sized target
