"""Gradient descent on a quadratic, live in JupyterLab: the kernel computes the path (the page has no derive there)."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("gdlab"), "gd.ipynb",
                        "from lalib.widgets.gradient_descent import GradientDescent\n"
                        "w = GradientDescent([4, 1], angle=0, start=[3, 1], lr=0.2)\nw") as url:
        yield url


def test_gradient_descent_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/gd.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-gd")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: no static derive
    assert "slides straight in" in widget.locator('[data-field="verdict"]').inner_text()
    # A learning rate above the limit, typed: only the kernel can say it diverges.
    lr = widget.locator('[data-control="lr"]')
    lr.fill("0.6")
    lr.press("Enter")
    page.wait_for_function("document.querySelector('.lx-gd [data-field=verdict]').textContent.includes('diverges')",
                           timeout=30_000)
    widget.locator('[data-handle="start"]').focus()
    page.keyboard.press("ArrowUp")
    page.wait_for_function("document.querySelector('.lx-gd [data-handle=start]').getAttribute('aria-label').includes('1.25')",
                           timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.lr, w.start, w.verdict, len(w.path))")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip().startswith("0.6 [3.0, 1.25] diverges")
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
