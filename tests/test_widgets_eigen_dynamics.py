"""The dynamics widget: trajectories against numpy, the page's derive against Python on random
states, and the widget in headless Chromium with the network off (click to add, keys, presets).

(Named test_widgets_e*, after test_widgets_contract.py, whose `example()` table does not know it yet.)"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lalib.widgets.dynamics import BOUND, MAX_STARTS, PRESETS, Dynamics, trajectories
from test_widgets_eigen_explorer import same


@pytest.mark.parametrize("seed", range(200))
def test_trajectories_agree_with_numpy(seed):
    state = Dynamics.random_state(np.random.default_rng(seed))
    A = np.array(state["matrix"])
    d = trajectories(A, state["starts"], state["steps"])
    assert d["rho"] == pytest.approx(np.abs(np.linalg.eigvals(A)).max(), rel=1e-6)
    for start, path in zip(state["starts"], d["paths"]):
        x = np.array(start, dtype=float)
        expected = [x]
        for _ in range(state["steps"]):
            x = A @ x
            if not np.abs(x).max() <= BOUND:
                break
            expected.append(x)
        assert np.allclose(path, expected, rtol=1e-12, atol=1e-12)


def test_verdicts():
    assert trajectories(PRESETS["spiral in"], [[1, 0]], 5)["verdict"] == "decays"
    assert trajectories(PRESETS["spiral out"], [[1, 0]], 5)["verdict"] == "grows"
    assert trajectories(PRESETS["rotation"], [[1, 0]], 5)["verdict"] == "borderline"
    assert trajectories(PRESETS["saddle"], [[0, 1]], 60)["paths"][0][-1][1] == pytest.approx(0.6 ** 60)
    assert len(trajectories([[10.0, 0], [0, 10]], [[1, 1]], 60)["paths"][0]) == 7   # 1e6 reached: stops
    with pytest.raises(ValueError, match="at most"):
        Dynamics(starts=[[0, 0]] * (MAX_STARTS + 1))


def test_static_derive_agrees_with_python_on_random_inputs(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(11)
    states = [Dynamics.random_state(rng) for _ in range(400)]
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [Dynamics._esm, states])
    bad = [(s, d) for s, js in zip(states, results) if (d := same(js, Dynamics.derive_state(s)))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"
    assert offline_page.errors == []


def numbers(text):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


def test_click_keys_presets_in_the_page(offline_page, tmp_path):
    w = Dynamics(PRESETS["spiral in"], starts=[[2, 0]])
    page = tmp_path / "dyn.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + w.static_html())
    offline_page.goto(page.as_uri())
    widget = offline_page.locator(".lx-dynamics")
    paths = lambda: widget.locator('[data-field="path"]')  # noqa: E731
    assert paths().count() == 1 and "decays" in widget.locator('[data-field="verdict"]').inner_text()
    # Click the plot at (1, 1): a second start, its trajectory computed in the page.
    box = widget.locator(".lx-plot").bounding_box()
    unit = box["width"] / 320 * (160 - 10) / 4
    offline_page.mouse.click(box["x"] + box["width"] / 2 + unit, box["y"] + box["height"] / 2 - unit)
    assert paths().count() == 2
    assert numbers(paths().nth(1).inner_text())[1:3] == [1, 1]
    py = trajectories(PRESETS["spiral in"], [[1, 1]], 30)["paths"][0][-1]
    assert numbers(paths().nth(1).inner_text())[-1] == pytest.approx(np.hypot(*py), abs=1e-3)
    # Arrow keys move the first start.
    widget.locator('[data-start="0"]').focus()
    offline_page.keyboard.press("ArrowUp")
    assert numbers(paths().nth(0).inner_text())[1:3] == [2, 0.25]
    # Presets change the verdict and the readout's moduli.
    widget.locator('[data-preset="spiral out"]').click()
    text = widget.locator('[data-field="verdict"]').inner_text()
    assert "grows" in text and numbers(text)[0] == pytest.approx(np.abs(np.linalg.eigvals(PRESETS["spiral out"])).max(), abs=1e-3)
    widget.locator('[data-preset="rotation"]').click()
    assert "neither" in widget.locator('[data-field="verdict"]').inner_text()
    widget.locator('[data-action="clear"]').click()
    assert paths().count() == 0
    for i in range(MAX_STARTS + 2):   # distinct places: a click on a start grabs it instead
        offline_page.mouse.click(box["x"] + box["width"] * (0.1 + 0.1 * i), box["y"] + box["height"] * 0.3)
    assert paths().count() == MAX_STARTS
    assert widget.locator(".lx-tip").first.evaluate("(e) => getComputedStyle(e).touchAction") == "none"
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)
