"""The PCA explorer live in JupyterLab: the kernel computes its state (the page has no derive)."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("pcalab"), "pca.ipynb",
                        "from lalib.widgets.pca_explorer import PCAExplorer\n"
                        "w = PCAExplorer([[0, 0], [1, 1], [2, 2], [3, 3]])\nw") as url:
        yield url


def test_pca_explorer_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/pca.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-pca")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: no static derive
    # Four points on a line: PC1 explains everything, no error.
    assert widget.locator('[data-field="ratio-value"]').inner_text() == "100.0%"
    assert widget.locator('[data-field="error-value"]').inner_text() == "0"
    # Skip the centring: only the kernel can compute the new axis and the warning.
    widget.locator('[data-control="skip-centring"]').check()
    page.wait_for_function("document.querySelector('.lx-pca [data-field=warning]').textContent.includes('away from')",
                           timeout=30_000)
    widget.locator('[data-control="skip-centring"]').uncheck()
    page.wait_for_function("document.querySelector('.lx-pca [data-field=warning]').textContent === ''", timeout=30_000)
    # Move point 3 up with the keyboard: the kernel's w.points follows, and PC1 no longer explains everything.
    widget.locator('.lx-pt[data-index="0"]').focus()
    # Shift+arrow: a step five times larger, so the error is well above the readouts' rounding (3 decimals).
    for key in ("]", "]", "]", "Shift+ArrowUp"):
        page.keyboard.press(key)
    page.wait_for_function("document.querySelector('.lx-pca [data-field=error-value]').textContent !== '0'",
                           timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.center, w.points[3][0], w.points[3][1] > 3, w.error > 0)")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "True 3.0 True True"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
