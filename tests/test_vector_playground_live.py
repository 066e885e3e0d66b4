"""The vector playground live in JupyterLab: the kernel computes what the readout shows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from lalib.widgets.lab import install_lab_settings

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback, no token, with lalib's lab settings, serving one notebook."""
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("from lalib.widgets import VectorPlayground\n"
                                          "w = VectorPlayground(u=[2, 1], v=[1, 2], scale=1.5)\nw"),
                nbformat.v4.new_code_cell("")]
    nbformat.write(nb, root / "live.ipynb")
    settings = install_lab_settings(root / "env").parent
    port = free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
         "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--LabApp.app_settings_dir={settings}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config")})
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
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_playground_is_driven_by_the_kernel_in_jupyterlab(browser, lab):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{lab}/lab/tree/live.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    widget = page.locator(".lx-vecplay")
    widget.wait_for(timeout=60_000)
    field = lambda name: widget.locator(f'[data-field="{name}"]').inner_text()  # noqa: E731
    assert field("dot") == "4"
    # Live, the page has no derive(): only the kernel can compute the new readout.
    assert widget.locator("xpath=..").get_attribute("data-host") is None
    entry = widget.locator('input[aria-label="v₁"]')
    entry.fill("-1")
    entry.press("Enter")
    page.wait_for_function("document.querySelector('.lx-vecplay [data-field=dot]').textContent === '0'",
                           timeout=30_000)
    assert field("angle") == "90°"
    # Pick the 1-norm: the kernel computes ||u||_1 = 3.
    widget.locator('input[type=radio][value="1"]').check()
    page.wait_for_function("document.querySelector('.lx-vecplay [data-field=\"norm-u\"]').textContent === '3'",
                           timeout=30_000)
    # The kernel holds the reader's vectors.
    page.keyboard.press("Escape")
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Enter")
    page.keyboard.type("print(w.v, w.dot, w.angle, w.norm, w.norm_u)")
    page.keyboard.press("Shift+Enter")
    out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "[-1.0, 2.0] 0.0 90.0 1 3.0"
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in requests)
    page.close()
