"""The backprop stepper, live in JupyterLab: the kernel recomputes the gradients after an edit."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("bplab"), "bp.ipynb",
                        "from lalib.widgets.backprop_stepper import BackpropStepper\n"
                        "w = BackpropStepper()\nw") as url:
        yield url


def test_backprop_stepper_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/bp.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-bp")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: no static derive
    widget.locator('[data-action="backward"]').click()
    page.wait_for_function("document.querySelector('.lx-bp [data-field=stage]').textContent.startsWith('Step 13')",
                           timeout=30_000)
    entry = widget.locator('[data-entry="x-0"]')
    entry.fill("2")
    entry.press("Enter")
    # x1 = 2, W1[0] = (0.5, -0.3): the first gradient row of W1 is d_z[0] * (2, -0.5), from the kernel.
    page.wait_for_function("document.querySelector('.lx-bp [data-grad=d_W1] td').textContent !== '≈−0.685'",
                           timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("import numpy as np; print(w.stage, w.x, np.allclose(w.d_W1, np.outer(w.d_z, w.x)))")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "12 [2.0, -0.5] True"
    shown = widget.locator('[data-grad="d_W1"] td').first.inner_text()
    assert shown != "≈−0.685"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
