"""Time the book build and the rank explorer's Python-side update; weigh the pages.

    .venv/bin/python benchmarks/bench_book.py
    .venv/bin/python benchmarks/bench_book.py --weigh _build/html   # page weight only


Prints a markdown table. Builds go to a temporary folder, so the working
tree's _build is untouched:
- cold build: empty output folder and execution cache (every chapter runs);
- cached rebuild: the first chapter's file touched, its source unchanged, so
  jupyter-cache serves its outputs and Sphinx re-renders only that page;
- widget update: RankExplorer recomputing after its matrix changes, against
  the peer a reader would otherwise call (numpy's matrix_rank plus scipy's
  orth and null_space), which gives no canonical basis;
- page weight: every file a chapter page loads in headless Chromium with the
  network off (HTML, scripts, styles, images, fonts), by kind.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import scipy.linalg

ROOT = Path(__file__).resolve().parents[1]
JB = Path(sys.executable).with_name("jupyter-book")


def build(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(JB), "build", str(ROOT), "--path-output", str(out), "--warningiserror", "--keep-going"],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def book_times() -> tuple[float, float]:
    out = Path(tempfile.mkdtemp(prefix="lalib-bench-book-"))
    try:
        cold = build(out)
        sorted((ROOT / "chapters").glob("*.md"))[0].touch()
        cached = build(out)
        weight_table(out / "_build" / "html")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return cold, cached


def widget_times(repeat: int = 7, number: int = 200) -> tuple[float, float]:
    from lalib.widgets import RankExplorer

    w = RankExplorer([[1, 2, 3], [2, 4, 6]])
    matrices = [[[1, 2, 3], [2, 4, 6]], [[1, 0, 3], [0, 1, 6]]]

    def ours():
        for M in matrices:
            w.matrix = M

    def peer():
        for M in matrices:
            A = np.array(M, dtype=float)
            np.linalg.matrix_rank(A), scipy.linalg.orth(A), scipy.linalg.null_space(A)

    per = lambda f: min(timeit.repeat(f, repeat=repeat, number=number)) / (number * len(matrices))  # noqa: E731
    return per(ours), per(peer)


KINDS = {".html": "html", ".js": "scripts", ".css": "styles", ".png": "images", ".svg": "images",
         ".jpg": "images", ".woff": "fonts", ".woff2": "fonts", ".ttf": "fonts"}


def page_weight(page: Path) -> Counter:
    """Bytes of every local file the page loads in Chromium (network off), by kind, and in total."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_FLAGS, chromium_path

    loaded: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.set_offline(True)
        tab = context.new_page()
        tab.on("request", lambda r: loaded.append(r.url))
        tab.goto(page.as_uri())
        tab.wait_for_load_state("load")
        tab.wait_for_timeout(1500)  # MathJax fetches its fonts after typesetting
        browser.close()
    weight: Counter = Counter()
    for url in dict.fromkeys(loaded):  # a file fetched twice is counted once
        path = Path(unquote(urlparse(url).path))
        if url.startswith("file://") and path.is_file():
            weight[KINDS.get(path.suffix, "other")] += path.stat().st_size
            weight["total"] += path.stat().st_size
    return weight


def weight_table(html_dir: Path) -> None:
    print("| page | total | html | scripts | styles | images | fonts |")
    print("|---|---|---|---|---|---|---|")
    for page in [html_dir / "intro.html", *sorted((html_dir / "chapters").glob("*.html"))]:
        w = page_weight(page)
        cells = " | ".join(f"{w[k] / 1024:.0f} KB" for k in ("total", "html", "scripts", "styles", "images", "fonts"))
        print(f"| `{page.relative_to(html_dir)}` | {cells} |")


def main() -> None:
    if sys.argv[1:2] == ["--weigh"]:
        weight_table(Path(sys.argv[2]))
        return
    ours, peer = widget_times()
    cold, cached = book_times()
    print("| measurement | time | compared with | ratio |")
    print("|---|---|---|---|")
    print(f"| `make book`, cold (1 chapter) | {cold:.1f} s | | |")
    print(f"| rebuild after touching one chapter | {cached:.1f} s | cold build | {cold / cached:.1f}× faster |")
    print(f"| RankExplorer update (set matrix → rank, bases synced) | {ours * 1e6:.0f} µs "
          f"| matrix_rank + orth + null_space: {peer * 1e6:.0f} µs | {ours / peer:.1f}× the peer's time |")


if __name__ == "__main__":
    main()
