"""The eigen explorer live in JupyterLab: the kernel computes its state (the page has no derive)."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("eigenlab"), "eigen.ipynb",
                        "from lalib.widgets.eigen_explorer import EigenExplorer\n"
                        "w = EigenExplorer([[2, 1], [1, 2]], angle=0.3)\nw") as url:
        yield url


def test_eigen_explorer_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/eigen.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-eigen")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: no static derive
    assert "not an eigenvector" in widget.locator('[data-field="parallel"]').inner_text()
    # The rotation preset: only the kernel can say it has no real eigenvector.
    widget.locator('[data-preset="rotation"]').click()
    page.wait_for_function("document.querySelector('.lx-eigen [data-field=eigen]').textContent.includes('no real eigenvector')",
                           timeout=30_000)
    # Turn x with the keyboard: the kernel's w.angle follows.
    widget.locator('[data-preset="symmetric"]').click()
    page.wait_for_function("document.querySelectorAll('.lx-eigen [data-eigenline]').length === 2", timeout=30_000)
    widget.locator(".lx-tip").focus()
    page.keyboard.press("ArrowUp")
    page.wait_for_function("document.querySelector('.lx-eigen .lx-tip').getAttribute('aria-valuenow') === '18'",
                           timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.matrix, w.kind, round(w.angle, 4))")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == f"[[2.0, 1.0], [1.0, 2.0]] distinct {round(0.3 + 3.141592653589793 / 180, 4)}"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
