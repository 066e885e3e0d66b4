"""The chapter-7 widgets live in JupyterLab: the kernel, not the page, computes their readouts
(the page has no derive there), and what the reader does reaches the kernel's traits."""

from __future__ import annotations

import numpy as np
import pytest

from lalib.widgets.image_compression import describe
from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("svdlab"), "svd.ipynb",
                        "import numpy as np\n"
                        "from lalib.widgets.svd_geometry import SvdGeometry\n"
                        "from lalib.widgets.image_compression import ImageCompression\n"
                        "g = SvdGeometry([[3, 0], [4, 5]], stage=0)\n"
                        "x = np.linspace(0, 1, 48)\n"
                        "w = ImageCompression(0.5 + 0.4 * np.outer(np.sin(3 * x), np.cos(2 * x)), k=3, max_rank=10)\n"
                        "display(g, w)") as url:
        yield url


def test_svd_widgets_are_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 1100})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/svd.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    geo, img = page.locator(".lx-svdgeo"), page.locator(".lx-imgsvd")
    geo.wait_for(timeout=60_000)
    img.wait_for(timeout=60_000)
    assert geo.locator("xpath=..").get_attribute("data-host") is None     # live: no static derive
    # A stage step: the kernel computes the map applied so far.
    geo.locator('[data-action="next"]').click()
    page.wait_for_function("document.querySelector('.lx-svdgeo [data-field=stage-matrix]').textContent"
                           ".startsWith('applied so far (stage 1)')", timeout=30_000)
    # A preset with a reflection: only the kernel can say so.
    geo.locator('[data-preset="reflection"]').click()
    page.wait_for_function("document.querySelector('.lx-svdgeo [data-field=moves]').textContent.includes('reflection')",
                           timeout=30_000)
    # The image's rank: one step with the + button; the kernel's error readout follows.
    img.locator('[data-action="plus"]').click()
    page.wait_for_function("document.querySelector('.lx-imgsvd [data-field=k]').textContent === '4'", timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(g.stage, g.matrix, g.det_u, w.k, w.stored, round(w.error, 6))")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    x = np.linspace(0, 1, 48)
    sigma = np.linalg.svd(0.5 + 0.4 * np.outer(np.sin(3 * x), np.cos(2 * x)), compute_uv=False)
    d = describe(sigma, 4, 48, 48)
    assert out.inner_text().strip() == f"1 [[1.0, 2.0], [3.0, 4.0]] -1.0 4 {d['stored']} {round(d['error'], 6)}"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
