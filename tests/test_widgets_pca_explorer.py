"""The PCA explorer: Python's describe against numpy and lalib.pca, the page's derive (and its cloud)
against Python on hundreds of random states, and the widget in headless Chromium with the network
off (drag, keys, sliders, the skip-centring toggle, random edit sequences, a phone), its readouts
checked against Python."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from lalib.pca import PCA
from lalib.widgets.pca_explorer import MAX_POINTS, OFFSET, PCAExplorer, base_cloud, cloud, describe


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
@pytest.mark.parametrize("seed", range(200))
def test_describe_agrees_with_numpy(seed):
    state = PCAExplorer.random_state(np.random.default_rng(seed))
    P, center = np.array(state["points"]), state["center"]
    d = describe(P, center)
    scale = max(np.abs(P).max(), 1e-300)
    Ps = P / scale       # compare at unit scale: huge and tiny clouds are the same cloud
    C = np.cov(Ps.T)
    assert np.allclose(np.array(d["cov"]) / scale**2, C, atol=1e-12)
    assert np.allclose(np.array(d["mean"]) / scale, Ps.mean(axis=0), atol=1e-12)
    M = C if center else Ps.T @ Ps / (len(P) - 1)
    w = np.linalg.eigvalsh(M)[::-1]
    top = w[0] + 1e-12   # unit scale: below 1e-12 is rounding
    assert np.allclose(np.array(d["values"]) / scale**2, w, atol=1e-9 * top), (d["values"], w)
    assert np.allclose(np.array(d["true_values"]) / scale**2, np.linalg.eigvalsh(C)[::-1], atol=1e-9 * top)
    V = np.array(d["vectors"]).T
    assert np.allclose(V.T @ V, np.eye(2), atol=1e-12)
    if not d["tied"]:
        assert np.allclose(M @ V, V * w, atol=1e-8 * top), (M, V, w)
        assert w[0] - w[1] > 1e-10 * top
    else:
        assert w[0] - w[1] <= 1e-8 * top
    # scores, reconstructions and the error follow from the first axis
    o, v1 = np.array(d["origin"]) / scale, V[:, 0]
    assert np.allclose(d["origin"], P.mean(axis=0) if center else [0, 0], rtol=1e-12, atol=1e-300)
    z = (Ps - o) @ v1
    assert np.allclose(np.array(d["scores"]) / scale, z, atol=1e-9)
    R = o + np.outer(z, v1)
    assert np.allclose(np.array(d["recon"]) / scale, R, atol=1e-9)
    err = ((Ps - R) ** 2).sum() / (len(P) - 1)
    assert d["error"] / scale**2 == pytest.approx(err, rel=1e-6, abs=1e-12)
    if center:   # the residual variance of the best line is exactly the second eigenvalue
        assert d["error"] / scale**2 == pytest.approx(w[1], rel=1e-6, abs=1e-9 * top)
        assert d["angle"] == 0
    else:        # and no other line through the origin or anywhere does better
        assert d["error"] / scale**2 >= np.linalg.eigvalsh(C)[0] - 1e-9 * top
    assert 0 <= d["angle"] <= 90
    total = w.sum()
    assert d["ratio"] == (pytest.approx(w[0] / total, rel=1e-6) if total > 1e-12 else 0.0)


def test_agrees_with_lalib_and_sklearn_pca():
    P = np.array(cloud(base_cloud(), 0.6, 1.5))
    d = describe(P)
    pca = PCA(2).fit(P)
    assert np.allclose(d["values"], pca.explained_variance_)
    assert np.allclose(np.abs(np.array(d["vectors"])), np.abs(pca.components_))
    assert np.allclose(np.abs(d["scores"]), np.abs(pca.transform(P)[:, 0]))
    assert d["ratio"] == pytest.approx(pca.explained_variance_ratio_[0])


def test_special_clouds():
    same_point = describe([[1.5, -2.0]] * 5)
    assert same_point["values"] == [0.0, 0.0] and same_point["tied"] and same_point["error"] == 0.0
    assert same_point["ratio"] == 0.0
    line = describe([[0, 1], [1, 3], [2, 5]])          # on y = 2x + 1
    assert line["values"][1] == pytest.approx(0, abs=1e-12) and line["error"] == pytest.approx(0, abs=1e-12)
    assert np.allclose(line["vectors"][0], np.array([1, 2]) / math.sqrt(5))
    square = describe([[1, 0], [-1, 0], [0, 1], [0, -1]])
    assert square["tied"] and square["values"] == [pytest.approx(2 / 3)] * 2
    # the controls make exactly the covariance they say (up to the points' rounding to 0.001)
    P = np.array(cloud(base_cloud(), -0.5, 3.0))
    assert np.allclose(np.cov(P.T), [[9, -1.5], [-1.5, 1]], atol=2e-3)
    assert np.allclose(P.mean(axis=0), OFFSET, atol=1e-3)
    # skipping the centring, the first axis is pulled towards the mean
    off = describe(P, center=False)
    mean_dir = np.array(OFFSET) / np.linalg.norm(OFFSET)
    assert abs(np.dot(off["vectors"][0], mean_dir)) > abs(np.dot(off["true_pc1"], mean_dir))
    huge = describe(np.array([[0, 0], [2, 2], [4, 4.5]]) * 1e150)
    assert np.isfinite(huge["values"]).all() and huge["values"][0] > 0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        describe(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="between 2 and"):
        describe([[1, 2]])
    with pytest.raises(TypeError, match="real"):
        PCAExplorer([[1j, 0], [0, 1]])
    with pytest.raises(ValueError, match="correlation"):
        cloud(base_cloud(), 1.0, 1.0)
    w = PCAExplorer()
    with pytest.raises(Exception, match="spread"):
        w.spread = 0
    with pytest.raises(Exception, match="points"):
        w.points = [[0.0, 0.0]] * (MAX_POINTS + 1)


def test_widget_updates_from_python():
    w = PCAExplorer(correlation=0.8, spread=2.0)
    before = w.error
    w.center = False
    assert w.angle > 20 and w.error > before
    w.center = True
    w.points = [[0, 0], [1, 1], [2, 2]]
    assert w.n == 3 and w.error == pytest.approx(0)


def test_payload_is_small():
    w = PCAExplorer()
    assert len(json.dumps(w.static_state())) < 20_000
    assert len(w.static_html().encode()) < 200_000


# --- the page's derive and cloud ---------------------------------------------------------
def test_static_derive_and_cloud_agree_with_python(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(8)
    states = [PCAExplorer.random_state(rng) for _ in range(500)]
    shapes = [(float(rng.uniform(-0.95, 0.95)), float(rng.uniform(0.25, 4))) for _ in range(50)]
    base = base_cloud()
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [PCAExplorer._esm, states])
    bad = [(s, d) for s, js in zip(states, results) if (d := same(js, PCAExplorer.derive_state(s)))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"
    # cloud() through the page's global namespace, as the static book loads it
    offline_page.set_content("<!doctype html><body>" + PCAExplorer().static_html())
    js_clouds = offline_page.evaluate("""([base, shapes, offset]) =>
        shapes.map(([r, s]) => lalib.widgets.pca_explorer.cloud(base, r, s, offset))""", [base, shapes, list(OFFSET)])
    for (r, s), js in zip(shapes, js_clouds):
        assert js == cloud(base, r, s), (r, s)
    assert offline_page.errors == []


# --- the widget in the page ---------------------------------------------------------------
SNAPSHOT = """(root) => {
    const field = (n) => root.querySelector(`[data-field="${n}"]`).textContent;
    const pts = [...root.querySelectorAll('.lx-pt')].map((g) => g.getAttribute('aria-label'));
    const error = root.querySelector('.lx-error');
    return { n: field('n'), mean: field('mean'), values: field('values'), ratio: field('ratio-value'), err: field('error-value'),
             warning: field('warning'), note: field('note'), labels: pts, center: root.querySelector('svg').dataset.center,
             selected: +root.querySelector('.lx-pt[data-selected]').dataset.index,
             skip: root.querySelector('[data-control="skip-centring"]').checked,
             cov: [...root.querySelectorAll('.lx-cov td')].map((td) => td.textContent),
             error: error && error.textContent };
}"""


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


def points_of(snap) -> np.ndarray:
    """The points as the labels show them (3 decimals)."""
    return np.array([numbers(label.split(" at ")[1].split(";")[0]) for label in snap["labels"]])


def page_with(offline_page, tmp_path, widget, width=1100):
    offline_page.set_viewport_size({"width": width, "height": 900})
    page = tmp_path / "pca.html"
    page.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                    + widget.static_html())
    offline_page.goto(page.as_uri())
    return offline_page.locator(".lx-pca")


def check_readouts(widget) -> dict:
    snap = widget.evaluate(SNAPSHOT)
    assert snap["error"] is None, snap["error"]
    P = points_of(snap)
    center = snap["center"] == "yes"
    assert snap["skip"] is (not center)
    py = describe(P, center)
    assert int(snap["n"]) == len(P)
    assert np.allclose(numbers(snap["mean"]), py["mean"], atol=2e-3)
    assert np.allclose([numbers(c)[0] for c in snap["cov"]], np.ravel(py["cov"]), atol=2e-3 * max(1, np.abs(py["cov"]).max()))
    got = numbers(snap["values"])
    assert np.isclose(got[0], py["values"][0], atol=2e-3 * max(1, py["values"][0])), (snap, py["values"])
    if not py["tied"]:
        assert np.isclose(got[3], py["values"][1], atol=2e-3 * max(1, py["values"][0])), (snap, py["values"])
    assert np.isclose(numbers(snap["err"])[0], py["error"], atol=2e-3 * max(1, py["values"][0]))
    assert ("away from the real PC1" in snap["warning"]) is (not center)
    assert numbers(snap["ratio"])[0] == pytest.approx(100 * py["ratio"], abs=0.051)   # one decimal
    l1, l2 = py["values"]
    assert bool(snap["note"]) is (not py["tied"] and l1 > 0 and l2 >= 0.9 * l1)
    snap["P"], snap["py"] = P, py
    return snap


def point_center(widget, i):
    box = widget.locator(f'.lx-pt[data-index="{i}"] .lx-dot').bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_dragging_a_point_out_makes_an_outlier(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, PCAExplorer(correlation=0.8, spread=2.0))
    snap = check_readouts(widget)
    ratio0 = numbers(snap["ratio"])[0]
    plot = widget.locator(".lx-plot").bounding_box()
    x0, y0 = point_center(widget, 3)
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    offline_page.mouse.move(plot["x"] + 5, plot["y"] + 5, steps=6)   # the top-left corner: far from the cloud
    offline_page.mouse.up()
    snap = check_readouts(widget)
    assert snap["selected"] == 3
    assert not np.allclose(snap["P"][3], PCAExplorer().points[3], atol=0.1)
    assert numbers(snap["ratio"])[0] != ratio0            # one point moved the axes
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_keyboard_picks_and_moves_points(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, PCAExplorer([[0, 0], [1, 1], [2, 2], [3, 3]]))
    snap = check_readouts(widget)
    assert snap["py"]["error"] == pytest.approx(0) and snap["selected"] == 0
    widget.locator('.lx-pt[data-index="0"]').focus()
    offline_page.keyboard.press("]")
    offline_page.keyboard.press("]")
    assert check_readouts(widget)["selected"] == 2
    offline_page.keyboard.press("ArrowUp")
    snap = check_readouts(widget)
    moved = snap["P"][2]
    assert moved[0] == 2 and moved[1] > 2                # straight up
    assert snap["py"]["error"] > 0                       # off the line: PC1 no longer explains everything
    offline_page.keyboard.press("ArrowDown")
    snap = check_readouts(widget)
    assert np.allclose(snap["P"][2], [2, 2]) and snap["py"]["error"] == pytest.approx(0, abs=1e-9)
    offline_page.keyboard.press("[")
    offline_page.keyboard.press("[")
    offline_page.keyboard.press("[")
    assert check_readouts(widget)["selected"] == 3        # wraps around
    assert offline_page.evaluate("document.activeElement.classList.contains('lx-pt')")


def test_sliders_and_skip_centring(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, PCAExplorer(correlation=0.8, spread=2.0))
    corr = widget.locator('[data-control="correlation"]')
    corr.fill("-0.5")
    snap = check_readouts(widget)
    assert np.allclose(snap["P"], cloud(base_cloud(), -0.5, 2.0), atol=1e-3)
    widget.locator('[data-control="spread"]').fill("3")
    snap = check_readouts(widget)
    assert np.allclose(snap["P"], cloud(base_cloud(), -0.5, 3.0), atol=1e-3)
    assert numbers(snap["values"])[0] == pytest.approx(describe(cloud(base_cloud(), -0.5, 3.0))["values"][0], abs=1e-3)
    centred_error = snap["py"]["error"]
    widget.locator('[data-control="skip-centring"]').check()
    snap = check_readouts(widget)
    assert snap["center"] == "no" and snap["py"]["error"] > centred_error
    assert numbers(snap["warning"])[0] == pytest.approx(snap["py"]["angle"], abs=1e-3)
    widget.locator('[data-control="skip-centring"]').uncheck()
    assert check_readouts(widget)["center"] == "yes"
    widget.locator('[data-action="reset"]').click()
    assert np.allclose(check_readouts(widget)["P"], cloud(base_cloud(), -0.5, 3.0), atol=1e-3)
    # a round cloud: PC1 is poorly determined, and the readout says so
    widget.locator('[data-control="correlation"]').fill("0")
    widget.locator('[data-control="spread"]').fill("1")
    snap = check_readouts(widget)
    assert "poorly determined" in snap["note"]
    assert offline_page.errors == []


def test_random_edit_sequences_keep_the_readouts_right(offline_page, tmp_path):
    widget = page_with(offline_page, tmp_path, PCAExplorer())
    rng = np.random.default_rng(9)
    plot = widget.locator(".lx-plot").bounding_box()
    for _ in range(40):
        action = rng.integers(0, 5)
        if action == 0:
            widget.locator('[data-control="correlation"]').fill(str(round(float(rng.uniform(-0.95, 0.95)) * 20) / 20))
        elif action == 1:
            widget.locator('[data-control="skip-centring"]').click()
        elif action == 2:
            widget.locator('.lx-pt[data-selected]').focus()
            for key in rng.choice(["]", "[", "ArrowUp", "Shift+ArrowLeft", "ArrowRight"], size=3):
                offline_page.keyboard.press(str(key))
        elif action == 3:
            i = int(rng.integers(0, 30))
            x0, y0 = point_center(widget, i)
            offline_page.mouse.move(x0, y0)
            offline_page.mouse.down()
            offline_page.mouse.move(plot["x"] + rng.uniform(2, plot["width"] - 2),
                                    plot["y"] + rng.uniform(2, plot["height"] - 2), steps=4)
            offline_page.mouse.up()
        else:
            widget.locator('[data-control="spread"]').fill(str(float(rng.choice([0.25, 1, 2.5, 4]))))
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
                 + PCAExplorer().static_html())
    page.goto(f.as_uri())
    widget = page.locator(".lx-pca")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert widget.locator(".lx-pt").first.evaluate("(e) => getComputedStyle(e).touchAction") == "none"
    x0, y0 = point_center(widget, 5)
    plot = widget.locator(".lx-plot").bounding_box()
    widget.locator('.lx-pt[data-index="5"]').dispatch_event(
        "pointerdown", {"clientX": x0, "clientY": y0, "pointerType": "touch", "isPrimary": True})
    page.evaluate("([x, y]) => window.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, pointerType: 'touch'}))",
                  [plot["x"] + plot["width"] - 4, plot["y"] + 4])
    page.evaluate("() => window.dispatchEvent(new PointerEvent('pointerup', {pointerType: 'touch'}))")
    snap = check_readouts(widget)
    assert snap["selected"] == 5 and not np.allclose(snap["P"][5], PCAExplorer().points[5], atol=0.1)
    assert page.errors == []
    context.close()


def test_readouts_round_to_three_decimals_as_the_hint_says(offline_page, tmp_path):
    # At correlation 0 the covariance's off-diagonal and the mean are rounding-sized (like 0.00004169):
    # the hint promises 3 decimals, so they must read 0, and no readout may show a 4th decimal.
    widget = page_with(offline_page, tmp_path, PCAExplorer(correlation=0.0, spread=1.0))
    assert "rounded to 3 decimals" in widget.locator(".lx-hint").inner_text()
    for skip in (False, True):
        widget.locator('[data-control="skip-centring"]').set_checked(skip)
        snap = check_readouts(widget)
        texts = [widget.locator(".lx-readout").inner_text(), widget.locator(".lx-controls").inner_text()
                 if widget.locator(".lx-controls").count() else "", *snap["labels"]]
        for text in texts:
            assert not re.search(r"\d\.\d{4}|\de[−-]", text), text
        assert snap["py"]["cov"][0][1] != 0 and abs(snap["py"]["cov"][0][1]) < 5e-4   # the case the reader met
        assert numbers(snap["cov"][1]) == [0.0] and "−0" not in "".join(snap["cov"])
    assert offline_page.errors == []
