"""Time the book build and the rank explorer's Python-side update.

    .venv/bin/python benchmarks/bench_book.py

Prints a markdown table. Builds go to a temporary folder, so the working
tree's _build is untouched:
- cold build: empty output folder and execution cache (every chapter runs);
- cached rebuild: one chapter's file touched, its source unchanged, so
  jupyter-cache serves its outputs and Sphinx re-renders only that page;
- widget update: RankExplorer recomputing after its matrix changes, against
  the peer a reader would otherwise call (numpy's matrix_rank plus scipy's
  orth and null_space), which gives no canonical basis.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

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
        (ROOT / "chapters" / "03-rank.md").touch()
        cached = build(out)
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


def main() -> None:
    ours, peer = widget_times()
    cold, cached = book_times()
    print("| measurement | time | compared with | ratio |")
    print("|---|---|---|---|")
    print(f"| `make book`, cold (1 chapter) | {cold:.1f} s | | |")
    print(f"| rebuild after touching `03-rank.md` | {cached:.1f} s | cold build | {cold / cached:.1f}× faster |")
    print(f"| RankExplorer update (set matrix → rank, bases synced) | {ours * 1e6:.0f} µs "
          f"| matrix_rank + orth + null_space: {peer * 1e6:.0f} µs | {ours / peer:.1f}× the peer's time |")


if __name__ == "__main__":
    main()
