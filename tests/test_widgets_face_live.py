"""The face space widget live in JupyterLab: the kernel computes its state (the page has no derive)."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("facelab"), "faces.ipynb",
                        "from lalib.widgets.face_space import FaceSpace\n"
                        "w = FaceSpace(n_eigenfaces=10, n_gallery=3)\nw") as url:
        yield url


def test_face_space_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/faces.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-face")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: no static derive
    # Reconstruct mode, a held-out non-face: only the kernel can compute its distance.
    widget.locator('[data-mode="reconstruct"]').click()
    widget.locator('[data-image="4"]').click()
    page.wait_for_function("(document.querySelector('.lx-face [data-field=verdict]') || {}).textContent"
                           "?.includes('non-face')", timeout=30_000)
    # The pad handle by keyboard, in compose mode: the kernel's weights follow.
    widget.locator('[data-mode="compose"]').click()
    widget.locator(".lx-tip").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    page.wait_for_function("document.querySelector('.lx-face [data-field=w1]').textContent.startsWith('0.1')",
                           timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.mode, w.image_index, w.weights[:2], round(w.codes[0] / w.sigmas[0], 6))")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "compose 4 [0.1, 0.1] 0.1"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
