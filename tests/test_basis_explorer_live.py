"""The basis explorer live in JupyterLab: the kernel, not the page, computes the coordinates."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("lab"), "basis.ipynb",
                        "from lalib.widgets.basis_explorer import BasisExplorer\n"
                        "w = BasisExplorer([2, 1], [1, 1], [3, 1])\nw", start_timeout=120) as url:
        yield url


def test_basis_explorer_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/basis.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-basis")
    widget.wait_for(timeout=60_000)
    assert widget.locator('[data-field="coords"]').inner_text() == "(2, −1)"
    # Live, the page has no derive(): only the kernel can say the vectors are now parallel.
    assert widget.locator("xpath=..").get_attribute("data-host") is None
    for i, value in enumerate(("4", "2")):
        entry = widget.locator(f'input[aria-label="b2[{i + 1}]"]')
        entry.fill(value)
        entry.press("Enter")
    page.wait_for_function(
        "document.querySelector('.lx-basis [data-field=coords]').textContent.startsWith('none')", timeout=30_000)
    assert "parallel" in widget.locator('[data-field="verdict"]').inner_text()
    # The kernel holds the reader's vectors and its own verdict.
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.b2, w.kind, w.coords, w.on_span)")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "[4.0, 2.0] parallel [] False"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
