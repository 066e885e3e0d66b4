"""The vector playground live in JupyterLab: the kernel computes what the readout shows."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("lab"), "live.ipynb",
                        "from lalib.widgets import VectorPlayground\n"
                        "w = VectorPlayground(u=[2, 1], v=[1, 2], scale=1.5)\nw") as url:
        yield url


def test_playground_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/live.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-vecplay")
    widget.wait_for(timeout=60_000)
    field = lambda name: widget.locator(f'[data-field="{name}"]').inner_text()  # noqa: E731
    assert field("dot") == "4"
    # Live, the page has no derive(): only the kernel can compute the new readout.
    assert widget.locator("xpath=..").get_attribute("data-host") is None
    entry = widget.locator('input[aria-label="v₁"]')
    entry.fill("-1")
    entry.press("Enter")
    page.wait_for_function("document.querySelector('.lx-vecplay [data-field=dot]').textContent === '0'",
                           timeout=30_000)
    assert field("angle") == "90°"
    # Pick the 1-norm: the kernel computes ||u||_1 = 3.
    widget.locator('input[type=radio][value="1"]').check()
    page.wait_for_function("document.querySelector('.lx-vecplay [data-field=\"norm-u\"]').textContent === '3'",
                           timeout=30_000)
    # The kernel holds the reader's vectors.
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.v, w.dot, w.angle, w.norm, w.norm_u)")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "[-1.0, 2.0] 0.0 90.0 1 3.0"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
