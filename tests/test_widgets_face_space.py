"""The face space widget: its Python side against lalib.faces (quantization error, the detector's
thresholds), the page's derive against Python on random and real states, and the widget in
headless Chromium with the network off (sliders, the drag pad, keys, the gallery, the rank
slider, random edit sequences, a phone), its readouts and pixels checked against Python."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from lalib.faces import Eigenfaces, FaceDetector, normalize_images, split_faces
from lalib.widgets.face_space import N_SLIDERS, FaceSpace, describe, face_space_data, pack, unpack

STATE_KEYS = ("mode", "weights", "image_index", "k", "mean", "eigenfaces", "gallery", "sigmas", "thresholds")


@pytest.fixture(scope="module")
def widget():
    return FaceSpace()


def same(js, py, path="state") -> list[str]:
    """Where two JSON values differ (numbers up to rounding), as readable paths."""
    if isinstance(py, (bool, str)) or py is None:
        return [] if js == py else [f"{path}: {js!r} != {py!r}"]
    if isinstance(py, (int, float)):
        if not isinstance(js, (int, float)) or isinstance(js, bool):
            return [f"{path}: {js!r} is not a number"]
        return [] if math.isclose(js, py, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {js!r} != {py!r}"]
    if isinstance(py, list):
        if not isinstance(js, list) or len(js) != len(py):
            return [f"{path}: lengths differ"]
        return [d for i, (a, b) in enumerate(zip(js, py)) for d in same(a, b, f"{path}[{i}]")]
    if isinstance(py, dict):
        if not isinstance(js, dict) or set(js) != set(py):
            return [f"{path}: keys differ"]
        return [d for k in py for d in same(js[k], py[k], f"{path}.{k}")]
    raise TypeError(path)


# --- Python side ------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(20))
def test_pack_round_trip_error_is_half_a_step(seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 10.0 ** rng.integers(-6, 6), rng.integers(1, 5, size=rng.integers(1, 4)))
    p = pack(values)
    back = unpack(p)
    assert back.shape == values.shape
    assert np.abs(back - values).max() <= p["scale"] / 2 * (1 + 1e-12)
    assert np.abs(back).max() == pytest.approx(np.abs(values).max(), rel=1e-12)   # the largest entry is exact
    assert unpack(pack(np.zeros(3))).tolist() == [0.0, 0.0, 0.0]


def test_embedded_data_is_the_detectors(widget):
    train_f, train_n, test_f, test_n = split_faces(test_size=0.3, random_state=0)
    ef = Eigenfaces(40).fit(normalize_images(train_f))
    E = unpack(widget.eigenfaces)
    assert E.shape == (40, 25, 25)
    assert np.abs(E - ef.eigenfaces_).max() <= widget.eigenfaces["scale"]      # quantized, not changed
    assert np.abs(unpack(widget.mean) - ef.mean_face_).max() <= widget.mean["scale"]
    G = unpack(widget.gallery)
    np.testing.assert_allclose(G, normalize_images(np.concatenate([test_f[:8], test_n[:8]])), atol=widget.gallery["scale"])
    assert widget.labels == ["face"] * 8 + ["non-face"] * 8
    np.testing.assert_allclose(widget.sigmas, np.sqrt(ef.pca_.explained_variance_[:N_SLIDERS]))
    # The threshold for each k is the one FaceDetector(k) picks on the same training split.
    for k in (1, 2, 5, 17, 40):
        assert widget.thresholds[k] == pytest.approx(FaceDetector(k).fit(train_f, train_n).threshold_, rel=1e-12)
    assert len(widget.thresholds) == 41


def test_reconstruct_matches_lalib_faces_up_to_quantization(widget):
    train_f, _, test_f, test_n = split_faces(test_size=0.3, random_state=0)
    ef = Eigenfaces(40).fit(normalize_images(train_f))
    gallery = normalize_images(np.concatenate([test_f[:8], test_n[:8]]))
    state = {name: getattr(widget, name) for name in STATE_KEYS}
    for index in (0, 5, 8, 15):
        for k in (0, 1, 3, 12, 40):
            d = describe({**state, "mode": "reconstruct", "image_index": index, "k": k})
            exact = ef.distance_from_face_space(gallery[index], k)
            assert d["distance"] == pytest.approx(exact, abs=2e-3), (index, k)
            np.testing.assert_allclose(d["pixels"], ef.reconstruct(gallery[index], k).ravel(), atol=2e-3)
            np.testing.assert_allclose(np.array(d["original"]) - d["pixels"], d["residual"], atol=1e-15)
            assert d["is_face"] == (d["distance"] <= widget.thresholds[k]) and len(d["codes"]) == k


def test_compose_is_mean_plus_weighted_eigenfaces(widget):
    state = {name: getattr(widget, name) for name in STATE_KEYS}
    w = [1.5, -2.0, 0.0, 0.3, 3.0, -3.0]
    d = describe({**state, "mode": "compose", "weights": w})
    E = unpack(widget.eigenfaces).reshape(40, -1)
    expected = unpack(widget.mean).ravel() + (np.array(w) * widget.sigmas) @ E[:6]
    np.testing.assert_allclose(d["pixels"], expected, atol=1e-12)
    assert d["distance"] == 0.0 and d["is_face"] and d["original"] == [] and d["residual"] == []
    # Its coordinates along the (nearly orthonormal, quantized) eigenfaces are the codes it was built from.
    np.testing.assert_allclose(E[:6] @ (np.array(d["pixels"]) - unpack(widget.mean).ravel()),
                               np.array(w) * widget.sigmas, atol=1e-3)


def test_widget_validates_and_updates():
    w = FaceSpace(n_eigenfaces=6, n_gallery=2)
    assert w.mode == "compose" and w.weights == [0.0] * 6
    np.testing.assert_allclose(w.pixels, unpack(w.mean).ravel())   # all weights 0: the mean face
    w.weights = [1, 0, 0, 0, 0, 0]
    assert w.codes[0] == pytest.approx(w.sigmas[0])
    w.mode = "reconstruct"
    w.k = 6
    assert len(w.codes) == 6 and w.distance > 0
    for bad, match in ((lambda: setattr(w, "k", 7), "k must be between 0 and 6"),
                       (lambda: setattr(w, "image_index", 4), "image_index must be between 0 and 3"),
                       (lambda: setattr(w, "weights", [4, 0, 0, 0, 0, 0]), "between −3 and 3"),
                       (lambda: setattr(w, "weights", [0, 0]), "must hold 6 numbers"),
                       (lambda: setattr(w, "weights", [math.nan] * 6), "finite"),
                       (lambda: setattr(w, "mode", "draw"), "mode must be"),
                       (lambda: FaceSpace(n_eigenfaces=70), "n_eigenfaces must be an integer between 1 and 69"),
                       (lambda: FaceSpace(n_gallery=0), "n_gallery must be")):
        with pytest.raises(Exception, match=match):
            bad()
    assert w.k == 6 and w.image_index == 0   # a refused value leaves the state as it was


def test_payload_is_within_budget(widget):
    state = len(json.dumps(widget.static_state()).encode())
    assert state <= 200_000, state
    assert len(widget.static_html().encode()) <= 200_000 + 60_000   # plus the shared runtime and this file's code


# --- the page's derive --------------------------------------------------------------------
def test_static_derive_agrees_with_python(offline_page, tmp_path, widget):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(9)
    states = [FaceSpace.random_state(rng) for _ in range(300)]
    real = {name: getattr(widget, name) for name in STATE_KEYS}
    for _ in range(40):   # the book's own data, every mode, rank and image
        states.append({**real, "mode": str(rng.choice(["compose", "reconstruct"])), "k": int(rng.integers(0, 41)),
                       "image_index": int(rng.integers(0, 16)),
                       "weights": np.round(rng.uniform(-3, 3, 6), 1).tolist()})
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [FaceSpace._esm, states])
    bad = [(i, d[:3]) for i, (s, js) in enumerate(zip(states, results)) if (d := same(js, describe(s)))]
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:2]}"
    assert offline_page.errors == []


# --- the widget in the page ---------------------------------------------------------------
SNAPSHOT = """(root) => {
    const field = (n) => { const e = root.querySelector(`[data-field="${n}"]`); return e ? e.textContent : null; };
    const grey = (name) => {
        const c = root.querySelector(`canvas[data-canvas="${name}"]`);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const out = [];
        for (let i = 0; i < d.length; i += 4) out.push(d[i]);
        return out;
    };
    const mode = root.querySelector('[data-mode][aria-pressed="true"]').dataset.mode;
    const weights = [...root.querySelectorAll('input[data-weight]')].map((e) => Number(e.value));
    const pressed = root.querySelector('[data-image][aria-pressed="true"]');
    const error = root.querySelector('.lx-error');
    return { mode, weights, k: Number(root.querySelector('input[data-focus-key="k"]').value),
             image: pressed ? Number(pressed.dataset.image) : null,
             distance: field('distance'), threshold: field('threshold'), verdict: field('verdict'), text: field('weights'),
             composed: mode === 'compose' ? grey('composed') : null,
             recon: mode === 'reconstruct' ? grey('reconstruction') : null,
             error: error && error.textContent };
}"""


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


def greys(values, gain) -> np.ndarray:
    return np.clip(np.round(255 * (0.5 + gain * np.asarray(values))), 0, 255)


def page_with(page, tmp_path, widget, width=1100):
    page.set_viewport_size({"width": width, "height": 900})
    f = tmp_path / "face.html"
    f.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                 + widget.static_html())
    page.goto(f.as_uri())
    return page.locator(".lx-face")


def check_readouts(root, widget) -> dict:
    """The page's readouts and pixels against Python's describe for the state the controls show."""
    snap = root.evaluate(SNAPSHOT)
    assert snap["error"] is None, snap["error"]
    state = {name: getattr(widget, name) for name in STATE_KEYS}
    state.update(mode=snap["mode"], weights=snap["weights"], k=snap["k"], image_index=snap["image"] or 0)
    py = describe(state)
    if snap["mode"] == "compose":
        # Off by at most one grey level: the page and Python may round a pixel at exactly .5 apart.
        assert np.abs(np.array(snap["composed"]) - greys(py["pixels"], widget.gain)).max() <= 1
        for w in snap["weights"]:
            assert -3 <= w <= 3
    else:
        assert np.abs(np.array(snap["recon"]) - greys(py["pixels"], widget.gain)).max() <= 1
        assert numbers(snap["distance"])[0] == pytest.approx(py["distance"], abs=1e-3)
        assert numbers(snap["threshold"])[0] == pytest.approx(py["threshold"], abs=1e-3)
        truth = widget.labels[snap["image"]]
        assert ("says face" in snap["verdict"]) == py["is_face"], snap["verdict"]
        assert (("right" in snap["verdict"]) and "wrong" not in snap["verdict"]) == (py["is_face"] == (truth == "face"))
    snap["py"] = py
    return snap


def test_sliders_and_pad_compose_a_face(offline_page, tmp_path, widget):
    root = page_with(offline_page, tmp_path, widget)
    snap = check_readouts(root, widget)
    assert snap["mode"] == "compose" and snap["weights"] == [0] * 6 and "all weights 0" in snap["text"]
    slider = root.locator('input[data-weight="2"]')
    slider.focus()
    for _ in range(5):
        offline_page.keyboard.press("ArrowRight")
    snap = check_readouts(root, widget)
    assert snap["weights"][2] == pytest.approx(0.5) and "0.5σ₃e₃" in snap["text"]
    # The pad: arrow keys move w1 and w2 by 0.1 (Shift: 0.5).
    root.locator(".lx-tip").focus()
    offline_page.keyboard.press("ArrowUp")
    offline_page.keyboard.press("Shift+ArrowRight")
    snap = check_readouts(root, widget)
    assert snap["weights"][:3] == pytest.approx([0.5, 0.1, 0.5])
    # Drag the handle to the top right corner: both weights clamp at +3.
    box = root.locator(".lx-pad").bounding_box()
    h = root.locator(".lx-handle").bounding_box()
    offline_page.mouse.move(h["x"] + h["width"] / 2, h["y"] + h["height"] / 2)
    offline_page.mouse.down()
    offline_page.mouse.move(box["x"] + box["width"] + 30, box["y"] - 30, steps=6)
    offline_page.mouse.up()
    snap = check_readouts(root, widget)
    assert snap["weights"][:2] == [3, 3]
    root.locator('[data-action="zero"]').click()
    snap = check_readouts(root, widget)
    assert snap["weights"] == [0] * 6
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_dragging_near_a_held_out_image_snaps_onto_its_weights(offline_page, tmp_path, widget):
    root = page_with(offline_page, tmp_path, widget)
    box = root.locator(".lx-pad").bounding_box()
    unit = box["width"] / 200                       # screen pixels per viewBox unit
    to_screen = lambda w1, w2: (box["x"] + (100 + w1 / 3 * 90) * unit, box["y"] + (100 - w2 / 3 * 90) * unit)
    codes = np.array(widget.gallery_codes)
    gaps = np.linalg.norm(codes[:, None] - codes[None], axis=2) + np.eye(len(codes)) * 9
    index = next(i for i in range(len(codes)) if widget.labels[i] == "non-face" and gaps[i].min() > 0.3
                 and np.abs(codes[i]).max() < 2.8)   # a dot with no other dot near it
    target = [float(np.floor(c * 10 + 0.5) / 10) for c in widget.gallery_codes[index]]   # JS Math.round to 0.1
    h = root.locator(".lx-handle").bounding_box()
    offline_page.mouse.move(h["x"] + h["width"] / 2, h["y"] + h["height"] / 2)
    offline_page.mouse.down()
    offline_page.mouse.move(*to_screen(target[0] + 0.08, target[1] - 0.05), steps=5)   # close, not on it
    offline_page.mouse.up()
    snap = check_readouts(root, widget)
    assert snap["weights"][:2] == pytest.approx(target, abs=1e-9)
    nth = widget.labels[: index + 1].count("non-face")
    assert root.locator('[data-field="snap"]').inner_text().startswith(f"w₁, w₂ are those of held-out non-face {nth}")
    # Away from every dot: no snap, and the readout says nothing about one.
    offline_page.mouse.move(*to_screen(target[0], target[1]))
    offline_page.mouse.down()
    offline_page.mouse.move(*to_screen(-2.9, -2.9), steps=5)
    offline_page.mouse.up()
    assert check_readouts(root, widget)["weights"][:2] == [-2.9, -2.9]
    assert root.locator('[data-field="snap"]').inner_text() == ""
    assert offline_page.errors == []


def test_reconstruct_mode_gallery_and_rank(offline_page, tmp_path, widget):
    root = page_with(offline_page, tmp_path, widget)
    root.locator('[data-mode="reconstruct"]').click()
    snap = check_readouts(root, widget)
    assert snap["mode"] == "reconstruct" and snap["image"] == 0 and snap["k"] == 2
    # A non-face at k = 2: far from face space, rejected.
    root.locator('[data-image="9"]').click()
    snap = check_readouts(root, widget)
    assert snap["image"] == 9 and "not a face" in snap["verdict"]
    # The rank slider by keyboard: End is every embedded eigenface, Home is the mean face alone.
    k = root.locator('input[data-focus-key="k"]')
    k.focus()
    offline_page.keyboard.press("End")
    snap = check_readouts(root, widget)
    assert snap["k"] == 40
    offline_page.keyboard.press("Home")
    snap = check_readouts(root, widget)
    assert snap["k"] == 0 and snap["py"]["codes"] == []
    # With more eigenfaces a held-out face comes closer to face space.
    root.locator('[data-image="3"]').click()
    distances = []
    for target in (0, 5, 20, 40):
        k.fill(str(target))
        distances.append(check_readouts(root, widget)["py"]["distance"])
    assert distances == sorted(distances, reverse=True)
    assert offline_page.errors == []


def test_random_edit_sequences_keep_the_readouts_right(offline_page, tmp_path, widget):
    root = page_with(offline_page, tmp_path, widget)
    rng = np.random.default_rng(11)
    for _ in range(40):
        action = int(rng.integers(0, 6))
        if action == 0:
            root.locator(f'[data-mode="{rng.choice(["compose", "reconstruct"])}"]').click()
        elif action == 1 and root.locator('[data-panel="compose"]').is_visible():
            root.locator(f'input[data-weight="{rng.integers(0, 6)}"]').fill(str(round(float(rng.uniform(-3, 3)), 1)))
        elif action == 2 and root.locator('[data-panel="compose"]').is_visible():
            root.locator(".lx-tip").focus()
            offline_page.keyboard.press(str(rng.choice(["ArrowUp", "ArrowDown", "Shift+ArrowLeft", "Shift+ArrowRight"])))
        elif action == 3 and root.locator('[data-panel="reconstruct"]').is_visible():
            root.locator(f'[data-image="{rng.integers(0, 16)}"]').click()
        elif action == 4 and root.locator('[data-panel="reconstruct"]').is_visible():
            root.locator('input[data-focus-key="k"]').fill(str(int(rng.integers(0, 41))))
        check_readouts(root, widget)
    assert offline_page.errors == []


def test_phone_width_and_touch(browser, tmp_path, widget):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    context.set_offline(True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    root = page_with(page, tmp_path, widget, width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert root.locator(".lx-pad").evaluate("(e) => getComputedStyle(e).touchAction") == "none"
    assert root.locator(".lx-hit").bounding_box()["width"] >= 40
    h = root.locator(".lx-handle").bounding_box()
    box = root.locator(".lx-pad").bounding_box()
    root.locator(".lx-tip").dispatch_event("pointerdown", {"clientX": h["x"] + h["width"] / 2, "clientY": h["y"] + h["height"] / 2,
                                                           "pointerType": "touch", "isPrimary": True})
    # A quarter of the way from the centre to the right edge and halfway up.
    x = box["x"] + box["width"] * 0.5 + (box["width"] / 2 - 10 * box["width"] / 200) * 0.5
    y = box["y"] + box["height"] * 0.5 - (box["height"] / 2 - 10 * box["height"] / 200) * 0.5
    page.evaluate("([x, y]) => window.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, pointerType: 'touch'}))", [x, y])
    page.evaluate("() => window.dispatchEvent(new PointerEvent('pointerup', {pointerType: 'touch'}))")
    snap = check_readouts(root, widget)
    assert snap["weights"][:2] == pytest.approx([1.5, 1.5])
    root.locator('[data-mode="reconstruct"]').tap()
    snap = check_readouts(root, widget)
    assert snap["mode"] == "reconstruct"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.errors == []
    context.close()
