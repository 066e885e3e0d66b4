"""The same widget live in JupyterLab, its state computed by the kernel."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from lalib.widgets.lab import install_lab_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback, no token, with lalib's lab settings, serving two notebooks."""
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("from lalib.widgets import RankExplorer\n"
                                          "w = RankExplorer([[1, 2, 3], [2, 4, 6]])\nw"),
                nbformat.v4.new_code_cell("")]
    nbformat.write(nb, root / "live.ipynb")
    nbformat.write(nb, root / "saved.ipynb")
    # As `python -m lalib.widgets.lab` sets up an environment, here in a folder of the test's own.
    settings = install_lab_settings(root / "env").parent
    port = free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
         "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--LabApp.app_settings_dir={settings}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**__import__("os").environ,
                                                                  "JUPYTER_CONFIG_DIR": str(root / ".config")})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield url, root
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_rank_explorer_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    lab, _ = lab
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/live.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Wait for the kernel before running the cell.
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-rank")
    widget.wait_for(timeout=60_000)
    field = lambda name: widget.locator(f'[data-field="{name}"]').inner_text()  # noqa: E731
    assert field("rank") == "1"
    # Live, the page has no derive(): only the kernel can compute the new rank.
    assert widget.locator("xpath=..").get_attribute("data-host") is None
    entry = widget.locator('input[aria-label="A[2, 1]"]')
    entry.fill("0")
    entry.press("Enter")
    page.wait_for_function("document.querySelector('[data-field=rank]').textContent === '2'", timeout=30_000)
    assert widget.locator(".lx-colspace").get_attribute("data-kind") == "all"
    # The kernel holds the reader's matrix.
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.matrix, w.rank)")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "[[1.0, 2.0, 3.0], [0.0, 4.0, 6.0]] 2"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()


def open_notebook(browser, lab, name):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{lab}/lab/tree/{name}?reset")  # only this notebook, not the last layout
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    return page


def test_a_saved_notebook_shows_its_widget_after_its_kernel_stopped(browser, lab):
    lab, root = lab
    page = open_notebook(browser, lab, "saved.ipynb")
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-rank")
    widget.wait_for(timeout=60_000)
    entry = widget.locator('input[aria-label="A[2, 1]"]')
    entry.fill("0")
    entry.press("Enter")
    page.wait_for_function("document.querySelector('[data-field=rank]').textContent === '2'", timeout=30_000)
    # Focus stays in the entry; its plain keys are the widget's ("b" would add a cell
    # in command mode), while Ctrl+S still saves the notebook.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "A[2, 1]"
    cells = page.locator(".jp-Cell").count()
    page.keyboard.press("b")
    assert page.locator(".jp-Cell").count() == cells
    entry.fill("0")
    entry.press("Enter")
    page.keyboard.press("Control+s")
    # The saved file carries the widget's state: its code and the reader's matrix.
    for _ in range(60):
        states = nbformat.read(root / "saved.ipynb", as_version=4).metadata.get("widgets", {})
        state = states.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
        explorers = [m["state"] for m in state.values() if "matrix" in m.get("state", {})]
        if explorers and explorers[0]["matrix"][1][0] == 0:
            break
        time.sleep(0.5)
    else:
        saved = nbformat.read(root / "saved.ipynb", as_version=4)
        settings = page.evaluate("async () => await (await fetch('/lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin')).text()")
        pytest.fail(f"no saved widget state in the notebook: {list(states)}, outputs {[len(c.get('outputs', [])) for c in saved.cells]}, settings {settings[:600]}")
    assert "lalib.widgets" in explorers[0]["_esm"] and explorers[0]["rank"] == 2
    # Stop the kernel (its session too), then reopen the notebook.
    stopped = page.evaluate("""async () => {
        const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1];
        const headers = xsrf ? { "X-XSRFToken": decodeURIComponent(xsrf) } : {};
        const sessions = await (await fetch("/api/sessions")).json();
        for (const s of sessions) await fetch(`/api/sessions/${s.id}`, { method: "DELETE", headers });
        return (await (await fetch("/api/kernels")).json()).length;
    }""")
    assert stopped == 0
    page.close()
    page = open_notebook(browser, lab, "saved.ipynb")
    widget = page.locator(".lx-rank")
    widget.wait_for(timeout=60_000)
    assert widget.locator('[data-field="rank"]').inner_text() == "2"
    assert widget.locator('input[aria-label="A[2, 1]"]').input_value() == "0"
    assert page.get_by_text("Error displaying widget").count() == 0
    page.close()
