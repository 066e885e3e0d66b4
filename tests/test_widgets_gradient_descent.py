"""Gradient descent on a quadratic: the path against numpy and the eigen-analysis, and the widget in
headless Chromium with the network off (drag, keys, slider snaps, typed values, presets, random edits)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lalib.linalg.spectral import max_stable_learning_rate
from lalib.widgets.gradient_descent import BOUND, PRESETS, GradientDescent, descend

SIZE, R = 320, 4


@pytest.mark.parametrize("seed", range(150))
def test_descend_agrees_with_numpy(seed):
    state = GradientDescent.random_state(np.random.default_rng(seed))
    d = descend(**state)
    H = np.array(d["hessian"])
    assert np.allclose(np.sort(np.linalg.eigvalsh(H)), np.sort(state["eigenvalues"]), rtol=1e-9)
    assert d["lr_max"] == pytest.approx(max_stable_learning_rate(H), rel=1e-9)
    v1 = np.array(d["vectors"][0])
    assert np.allclose(H @ v1, state["eigenvalues"][0] * v1, atol=1e-9 * np.abs(H).max())
    x, expected = np.array(state["start"], dtype=float), [np.array(state["start"], dtype=float)]
    for _ in range(state["steps"]):
        x = x - state["lr"] * H @ x
        if not np.abs(x).max() <= BOUND:
            break
        expected.append(x)
    assert len(d["path"]) == len(expected)
    assert np.allclose(d["path"], expected, rtol=1e-9, atol=1e-9)
    assert np.allclose(d["losses"], [0.5 * p @ H @ p for p in expected], rtol=1e-9, atol=1e-12)
    # the verdict is what the iteration matrix I - lr H says
    rho = np.abs(np.linalg.eigvalsh(np.eye(2) - state["lr"] * H)).max()
    if rho < 1 - 1e-9:
        assert d["verdict"] in ("converges", "zigzag")
    elif rho > 1 + 1e-9:
        assert d["verdict"] == "diverges"


def test_the_three_regimes_and_the_edge():
    lam = [4.0, 1.0]
    assert descend(lam, 0, [1, 1], 0.2, 40)["verdict"] == "converges"
    zz = descend(lam, 0, [1, 1], 0.45, 40)
    assert zz["verdict"] == "zigzag" and np.all(np.diff(np.sign([p[0] for p in zz["path"][:6]])) != 0)
    assert descend(lam, 0, [1, 1], 2 / 4, 40)["verdict"] == "borderline"
    div = descend(lam, 0, [1, 1], 0.55, 100)
    assert div["verdict"] == "diverges" and len(div["path"]) < 101        # stopped at the bound
    with pytest.raises(ValueError, match="eigenvalues must be two numbers"):
        GradientDescent([0.0, 1.0])
    with pytest.raises(ValueError, match="lr must be"):
        GradientDescent(lr=-1)


def numbers(text):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


@pytest.fixture
def page(offline_page, tmp_path):
    w = GradientDescent([4, 1], angle=0, start=[3, 1], lr=0.2)
    f = tmp_path / "gd.html"
    f.write_text("<!doctype html><meta charset='utf-8'><body>" + w.static_html())
    offline_page.goto(f.as_uri())
    return offline_page


def test_drag_keys_slider_and_typing_in_the_page(page):
    widget = page.locator(".lx-gd")
    field = lambda name: widget.locator(f'[data-field="{name}"]').inner_text()  # noqa: E731
    assert "slides straight in" in field("verdict")
    # Drag the start to (-2, 2): the path is recomputed in the page.
    box = widget.locator(".lx-plot").bounding_box()
    unit = box["width"] / SIZE * (SIZE / 2 - 10) / R
    handle = widget.locator('[data-handle="start"] .lx-handle').bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 2 * unit, box["y"] + box["height"] / 2 - 2 * unit, steps=5)
    page.mouse.up()
    py = descend([4, 1], 0, [-2, 2], 0.2, 30)
    assert numbers(field("end"))[1:3] == pytest.approx(py["path"][-1], abs=1e-3)
    # Arrow keys move it by 0.25.
    widget.locator('[data-handle="start"]').focus()
    page.keyboard.press("ArrowRight")
    py = descend([4, 1], 0, [-1.75, 2], 0.2, 30)
    assert numbers(field("end"))[-1] == pytest.approx(py["losses"][-1], rel=2e-3, abs=1e-6)
    # The slider snaps onto the limit 2/lambda_max: the bounce-for-ever state.
    slider = widget.locator('[data-control="lr-ratio"]')
    slider.fill("0.99")
    assert "bounces for ever" in field("verdict")
    assert numbers(field("limits"))[0] == pytest.approx(0.5)
    slider.fill("0.5")                                           # snaps to 1/lambda_max: the steep factor is 0
    assert numbers(field("factors"))[1:4:2] == pytest.approx([0, 0.75])
    slider.fill("1.3")
    assert "diverges" in field("verdict")
    # Typing a learning rate, then a bad one: the error names the field, the state stays.
    lr = widget.locator('[data-control="lr"]')
    lr.fill("0.45")
    lr.press("Enter")
    assert "zig-zagging" in field("verdict")
    lr.fill("abc")
    lr.press("Enter")
    assert "learning rate" in widget.locator(".lx-entry-error").inner_text() and "zig-zagging" in field("verdict")
    l1 = widget.locator('[data-control="l1"]')
    l1.fill("0")
    l1.press("Enter")
    assert "between" in widget.locator(".lx-entry-error").inner_text()
    l1.fill("2")
    l1.press("Enter")
    assert numbers(field("limits"))[2] == pytest.approx(2 / 2) and "slides straight in" in field("verdict")
    widget.locator('[data-preset="ill-conditioned"]').click()
    assert numbers(field("limits"))[2] == pytest.approx(0.2)
    assert widget.locator(".lx-tip").first.evaluate("(e) => getComputedStyle(e).touchAction") == "none"
    assert page.errors == [] and all(u.startswith("file://") for u in page.requests)


def test_random_edit_sequences_keep_the_readouts_right(page):
    widget = page.locator(".lx-gd")
    rng = np.random.default_rng(3)
    state = {"eigenvalues": [4.0, 1.0], "angle": 0.0, "start": [3.0, 1.0], "lr": 0.2, "steps": 30}
    for _ in range(25):
        kind = int(rng.integers(0, 4))
        if kind == 0:
            value = float(rng.choice([0.001, 0.5, 3, 1000, 7.25]))
            widget.locator('[data-control="l2"]').fill(str(value))
            widget.locator('[data-control="l2"]').press("Enter")
            state["eigenvalues"][1] = value
        elif kind == 1:
            value = float(rng.choice([0, 1e-4, 0.3, 2, 999]))
            widget.locator('[data-control="lr"]').fill(str(value))
            widget.locator('[data-control="lr"]').press("Enter")
            state["lr"] = value
        elif kind == 2:
            widget.locator('[data-handle="start"]').focus()
            key = str(rng.choice(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]))
            page.keyboard.press(key)
            dx, dy = {"ArrowUp": (0, 1), "ArrowDown": (0, -1), "ArrowLeft": (-1, 0), "ArrowRight": (1, 0)}[key]
            state["start"] = [state["start"][0] + 0.25 * dx, state["start"][1] + 0.25 * dy]
        else:
            value = float(rng.choice([-90, 45, 720.5]))
            widget.locator('[data-control="angle"]').fill(str(value))
            widget.locator('[data-control="angle"]').press("Enter")
            state["angle"] = value
        py = descend(**state)
        text = widget.locator('[data-field="verdict"]').inner_text()
        word = {"converges": "slides straight in", "zigzag": "zig-zagging", "borderline": "bounces", "diverges": "diverges"}
        assert word[py["verdict"]] in text, (state, text)
        assert f"after {len(py['path']) - 1} steps" in widget.locator('[data-field="end"]').inner_text()
    assert page.errors == []
