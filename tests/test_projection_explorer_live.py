"""The projection explorer live in JupyterLab: the same JavaScript, but the kernel computes the readouts."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook
from lalib.widgets.projection_explorer import fit_line, project_line


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("projlab"), "proj.ipynb",
                        "from lalib.widgets.projection_explorer import ProjectionExplorer\n"
                        "w = ProjectionExplorer(a=[2, 1], b=[1, 3])\nw") as url:
        yield url


def test_projection_explorer_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/proj.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-proj")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: the kernel, not derive
    # Move b with the keyboard: the kernel's w.b and w.p follow.
    widget.locator('.lx-tip[data-handle="b"]').focus()
    page.keyboard.press("ArrowLeft")   # b = (0.5, 3)
    page.wait_for_function("document.querySelector('.lx-proj [data-field=r]').textContent !== '(\u22121, 2)'",
                           timeout=30_000)
    # Least squares: drag nothing, type a point, and the kernel refits.
    widget.locator('input[type=radio][value="fit"]').check()
    box = widget.locator('input[aria-label="point 1 y"]')
    box.fill("3")
    box.press("Enter")
    expected_sse = fit_line([[-2, 3], [-1, 0.5], [0, 0], [1, 2], [2, 1.5]])["sse"]
    page.wait_for_function(f"document.querySelector('.lx-proj [data-field=sse]').textContent.includes("
                           f"lalib_fmt_placeholder)".replace("lalib_fmt_placeholder", repr(str(round(expected_sse, 3)))),
                           timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.mode, w.b, [round(x, 9) for x in w.p], round(w.sse, 9))")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    p = [round(x, 9) for x in project_line([2, 1], [0.5, 3])["p"]]
    assert out.inner_text().strip() == f"fit [0.5, 3.0] {p} {round(expected_sse, 9)}"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
