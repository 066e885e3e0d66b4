"""The image-compression widget: its readouts against lalib.svd, the page's derive against Python
on random spectra, the payload budget, and in headless Chromium with the network off: the image the
page rebuilds from its 8-bit factors equals Python's (to a grey level) at every rank the slider
reaches, by keys, buttons and big jumps, and the readouts follow."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lalib.svd import compression_table
from lalib.widgets.image_compression import ImageCompression, default_image, describe


@pytest.fixture(scope="module")
def photo():
    return ImageCompression(default_image(), k=20, max_rank=128)


# --- Python side ------------------------------------------------------------------------
def test_readouts_agree_with_lalib_svd(photo):
    img = default_image()
    rows = compression_table(img, [1, 20, 127, 128, 256])
    for row in rows:
        d = describe(photo.sigma, row.k, 256, 256)
        assert d["error"] == pytest.approx(row.relative_error, rel=1e-9)
        assert d["energy"] == pytest.approx(row.energy, rel=1e-9)
        assert d["stored"] == row.compressed_storage and d["original"] == row.original_storage
        assert (d["stored"] < d["original"]) == row.saves_space
    assert describe(photo.sigma, 0, 256, 256)["error"] == 1.0
    assert describe(photo.sigma, 256, 256, 256)["error"] == 0.0
    assert describe(photo.sigma, 1, 256, 256)["break_even"] == 127


def test_reconstruction_is_the_quantized_truncation(photo):
    img = default_image()
    U, s, Vt = np.linalg.svd(img)
    for k in (1, 20, 128):
        exact = (U[:, :k] * s[:k]) @ Vt[:k]
        got = photo.reconstruction(k)
        # 8-bit factors: close to the exact truncation, far closer than the truncation is to the image
        assert np.linalg.norm(got - exact) < 0.01 * np.linalg.norm(img)
        assert np.linalg.norm(got - exact) < 0.5 * np.linalg.norm(img - exact) or k == 128


def test_payload_within_the_budget(photo):
    state = json.dumps(photo.static_state())
    html = photo.static_html().encode()
    assert len(state) < 200_000 and len(html) < 200_000, (len(state), len(html))


def test_validation():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ImageCompression(np.full((10, 10), 2.0))
    with pytest.raises(ValueError, match="max_rank"):
        ImageCompression(np.zeros((10, 10)), max_rank=11)
    with pytest.raises(ValueError, match="page budget"):
        ImageCompression(np.zeros((600, 600)), max_rank=100)
    with pytest.raises(ValueError, match="k must be"):
        ImageCompression(np.zeros((10, 10)), k=6, max_rank=5)
    w = ImageCompression.example()
    with pytest.raises(Exception, match="k must be"):
        w.k = w.max_rank + 1
    w.k = 0
    assert w.error == 1.0 and w.stored == 0
    zero = ImageCompression(np.zeros((8, 6)), k=2, max_rank=3)     # no energy at all: no error, nothing lost
    assert zero.error == 0.0 and zero.energy == 1.0


# --- the page's derive --------------------------------------------------------------------
def test_static_derive_agrees_with_python(offline_page, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><body>")
    offline_page.goto(page.as_uri())
    rng = np.random.default_rng(5)
    states = [ImageCompression.random_state(rng) for _ in range(400)]
    results = offline_page.evaluate("""async ([source, states]) => {
        const mod = await import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        return states.map((state) => mod.derive(state));
    }""", [ImageCompression._esm, states])
    bad = []
    for state, js in zip(states, results):
        py = ImageCompression.derive_state(state)
        if {k: float(v) for k, v in js.items()} != {k: float(v) for k, v in py.items()}:
            bad.append((state["k"], js, py))
    assert bad == [], f"{len(bad)} of {len(states)} disagree, first: {bad[:1]}"


# --- the widget in the page ---------------------------------------------------------------
PIXELS = """(root) => {
    const c = root.querySelector('canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const g = new Array(c.width * c.height);
    for (let p = 0; p < g.length; p++) g[p] = d[4 * p];
    return { w: c.width, h: c.height, g, k: root.querySelector('[data-field=k]').textContent,
             error: root.querySelector('[data-field=error]').textContent,
             storage: root.querySelector('[data-field=storage]').textContent,
             saves: root.querySelector('[data-field=storage]').dataset.saves, slider: root.querySelector('input[type=range]').value };
}"""


def page_with(page, tmp_path, widget, width=1100):
    page.set_viewport_size({"width": width, "height": 900})
    f = tmp_path / "image.html"
    f.write_text("<!doctype html><meta charset='utf-8'><meta name='viewport' content='width=device-width'><body>"
                 + widget.static_html())
    page.goto(f.as_uri())
    return page.locator(".lx-imgsvd")


def check_page(widget, w: ImageCompression) -> dict:
    snap = widget.evaluate(PIXELS)
    k = int(snap["k"])
    assert snap["slider"] == str(k)
    want = np.clip(np.round(w.reconstruction(k) * 255), 0, 255)
    got = np.array(snap["g"], dtype=float).reshape(snap["h"], snap["w"])
    # float32 sums in the page, float64 in Python: a pixel may round to the next grey level
    assert np.abs(got - want).max() <= 1, (k, np.abs(got - want).max())
    d = describe(w.sigma, k, w.height, w.width)
    shown = re.search(r"‖A‖F [=≈] ([^%]+)%; energy kept [=≈] ([^%]+)%", snap["error"].replace("\u2212", "-"))
    assert abs(float(shown.group(1)) - 100 * d["error"]) <= 5e-4 and abs(float(shown.group(2)) - 100 * d["energy"]) <= 5e-4
    assert f"{d['stored']:,}" in snap["storage"] and snap["saves"] == str(d["stored"] < d["original"]).lower()
    snap["k"] = k
    return snap


def test_slider_rebuilds_the_image_in_the_page(offline_page, tmp_path, photo):
    widget = page_with(offline_page, tmp_path, photo)
    assert check_page(widget, photo)["k"] == 20
    slider = widget.locator("input[type=range]")
    slider.focus()
    for key, k in (("ArrowRight", 21), ("End", 128), ("ArrowLeft", 127), ("Home", 0), ("PageUp", None)):
        offline_page.keyboard.press(key)
        snap = check_page(widget, photo)
        if k is not None:
            assert snap["k"] == k
    slider.fill("64")                      # a big jump, as a drag makes
    assert check_page(widget, photo)["k"] == 64
    widget.locator('[data-action="plus"]').click()
    assert check_page(widget, photo)["k"] == 65
    slider.fill("128")
    snap = check_page(widget, photo)
    assert snap["saves"] == "false" and "break-even is k ≤ 127" in snap["storage"]
    for _ in range(3):
        widget.locator('[data-action="minus"]').click()
    assert check_page(widget, photo)["k"] == 125
    assert offline_page.errors == [] and all(u.startswith(("file://", "data:")) for u in offline_page.requests)


def test_random_slider_moves_never_drift(offline_page, tmp_path):
    w = ImageCompression.example()
    widget = page_with(offline_page, tmp_path, w)
    rng = np.random.default_rng(2)
    for _ in range(40):                    # incremental adds and removes, and rebuilds from scratch
        widget.locator("input[type=range]").fill(str(int(rng.integers(0, w.max_rank + 1))))
        check_page(widget, w)
    assert offline_page.errors == []


def test_phone_width(browser, tmp_path, photo):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    context.set_offline(True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    widget = page_with(page, tmp_path, photo, width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert widget.locator("input[type=range]").bounding_box()["height"] >= 24
    widget.locator("input[type=range]").fill("5")
    assert check_page(widget, photo)["k"] == 5
    assert page.errors == []
    context.close()


SPOKEN = """(field) => {
    // The text a screen reader reads: everything outside aria-hidden subtrees.
    const walk = (node) => node.nodeType === 3 ? node.textContent
        : node.nodeType === 1 && node.getAttribute('aria-hidden') === 'true' ? ''
        : [...node.childNodes].map(walk).join('');
    return walk(field);
}"""


def test_error_readout_writes_real_subscripts(offline_page, tmp_path, photo):
    widget = page_with(offline_page, tmp_path, photo)
    field = widget.locator('[data-field="error"]')
    subs = field.locator("sub").all_inner_texts()
    assert subs == ["k", "F", "F"], subs                  # A_k, ‖·‖_F twice: real subscripts, not underscores
    assert "_" not in field.inner_text() and "‖A − Ak‖F / ‖A‖F" in field.inner_text()
    spoken = field.evaluate(SPOKEN)
    assert "_" not in spoken and "‖" not in spoken         # read as words, not as "A k F"
    assert "Frobenius norm of A minus A sub k" in spoken and "energy kept" in spoken
    sr = field.locator(".lx-sr")
    assert sr.bounding_box()["width"] <= 1                # spoken only: nothing extra on screen
    assert field.locator('[aria-hidden="true"] sub').count() == 3
    assert offline_page.errors == []


def test_rounding_noise_reads_as_zero(offline_page, tmp_path):
    # The example image (a constant plus an outer product) has rank 2: at k = 3 what is left of the
    # error is float64 rounding noise, which the readout must call 0, not "5.246e−15%"; a real
    # error (k = 1) still shows its digits.
    w = ImageCompression.example()
    d3, d1 = (describe(w.sigma, k, w.height, w.width) for k in (3, 1))
    assert d3["error"] < 1e-14 < 1e-3 < d1["error"]
    widget = page_with(offline_page, tmp_path, w)
    field = widget.locator('[data-field="error"]')
    assert re.search(r"‖A‖F ≈ 0%; energy kept = 100%", field.inner_text()), field.inner_text()
    check_page(widget, w)
    widget.locator("input[type=range]").fill("1")
    shown = re.search(r"‖A‖F [=≈] ([^%]+)%", field.inner_text().replace("\u2212", "-"))
    assert float(shown.group(1)) == pytest.approx(100 * d1["error"], abs=5e-4) and float(shown.group(1)) > 1
    assert offline_page.errors == []
