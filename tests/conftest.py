"""Shared test set-up: Hypothesis profiles and a headless Chromium for the browser tests."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

# CI draws the same examples on every run, so a red CI is reproducible; a local
# run explores new examples each time (`--hypothesis-seed=N` replays one).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("LALIB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped, saying how to enable it, when absent."""
    path = chromium_path()
    if path is None:
        pytest.skip("browser tests need Chromium: run `apt-get install -y chromium` "
                    "(or set LALIB_CHROMIUM to a Chromium binary)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright: make test installs it")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def offline_page(browser):
    """A page with the network off that records every request it makes."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_offline(True)
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    """Mark every test that drives Chromium (directly or through a fixture) `browser`,
    so `-m "not browser"` deselects them all without each file having to say so."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
