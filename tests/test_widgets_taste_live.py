"""The taste editor live in JupyterLab: the kernel runs the ALS sweeps (the page has no derive)."""

from __future__ import annotations

import pytest

from live_lab import serve_notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with serve_notebook(tmp_path_factory.mktemp("tastelab"), "taste.ipynb",
                        "from lalib.widgets.taste_editor import TasteEditor\n"
                        "w = TasteEditor()\nw") as url:
        yield url


def test_taste_editor_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/taste.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-taste")
    widget.wait_for(timeout=60_000)
    assert widget.locator("xpath=..").get_attribute("data-host") is None   # live: no static derive
    assert widget.locator('[data-field="top"]').inner_text().startswith("Star Wars")
    # Clear "You": only the kernel's ALS can say this is a cold start with mu + b_i picks.
    widget.locator('[data-action="clear-row"]').click()
    page.wait_for_function("document.querySelector('.lx-taste [data-field=cold]').textContent.includes('cold start')",
                           timeout=30_000)
    # Rate a cell with the keyboard: the kernel's w.ratings follows.
    widget.locator('.lx-cell[data-row="6"][data-col="4"]').click()
    page.keyboard.press("5")
    page.wait_for_function(
        "document.querySelector('.lx-taste .lx-cell[data-row=\"6\"][data-col=\"4\"]').dataset.known === 'true'",
        timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.ratings[6], w.user, [w.movies[i] for i in w.top][0])")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    from lalib.widgets.taste_editor import MOVIES, RATINGS, describe
    grid = [row if u < 6 else [0, 0, 0, 0, 5, 0, 0, 0] for u, row in enumerate(RATINGS)]
    first = MOVIES[describe(grid, 1.0, 10, 6)["top"][0]]
    assert out.inner_text().strip() == f"[0, 0, 0, 0, 5, 0, 0, 0] 6 {first}"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
