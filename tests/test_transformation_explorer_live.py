"""The transformation explorer live in JupyterLab: the kernel computes what the page shows."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("lab"), "live.ipynb",
                        "from lalib.widgets import TransformationExplorer\n"
                        "w = TransformationExplorer([[2, 0], [0, 1]])\nw") as url:
        yield url


def test_the_kernel_computes_the_readouts_and_holds_the_readers_matrices(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/live.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-tx")
    widget.wait_for(timeout=60_000)
    assert widget.locator('[data-field="tx-det"]').inner_text() == "2"
    # Live, the page has no derive(): the new determinant can only come from the kernel.
    assert widget.locator("xpath=..").get_attribute("data-host") is None
    entry = widget.locator('input[aria-label="A[1, 2]"]')
    entry.fill("4")
    entry.press("Enter")  # A = [[2, 4], [0, 1]]: det still 2
    entry = widget.locator('input[aria-label="A[2, 1]"]')
    entry.fill("1/2")
    entry.press("Enter")  # A = [[2, 4], [0.5, 1]]: columns dependent, det 0
    page.wait_for_function(
        "document.querySelector('.lx-tx [data-field=tx-det]').textContent === '0'", timeout=30_000)
    assert "flattened onto a line" in widget.locator('[data-field="tx-meaning"]').inner_text()
    widget.get_by_label("BA: first A, then B").check()
    widget.locator('[data-preset="reflection"]').click()  # sets A (a product is shown)
    page.wait_for_function(
        "document.querySelector('.lx-tx [data-field=tx-det]').textContent === '−1'", timeout=30_000)
    # The kernel holds the reader's state.
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.a, w.show, w.det, w.orientation)")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "[[1.0, 0.0], [0.0, -1.0]] BA -1.0 flipped"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
