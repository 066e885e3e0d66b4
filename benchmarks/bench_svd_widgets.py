"""The chapter-7 widgets against the CHAPTERS.md budgets: payload (≤ 200 KB) and update time (≤ 16 ms).

    .venv/bin/python benchmarks/bench_svd_widgets.py            # writes benchmarks/svd_widgets.md
    .venv/bin/python benchmarks/bench_svd_widgets.py --updates 60 --out /tmp/svd.md

Payload: the widget's embedded state (JSON) and its whole static HTML (state plus
the shared runtime and its own JavaScript and CSS, which a page ships once), for
the image-compression widget exactly as the chapter builds it (the cameraman at
256 × 256, 128 triplets of 8-bit factors) and the SVD geometry widget.

Update time, in headless Chromium with the network off, the page holding the
widget alone: each update is dispatched at the start of an animation frame
(inside a requestAnimationFrame callback) and timed to the end of that
frame's main-thread work (the input event, the page's derive, the redraw
microtask, style, layout and paint), read in a task posted from the callback,
as ``bench_chapters.py`` does, starting one second after the page loads (the
image widget builds its checkpoints, the rank-8, 16, ... images, between frames
in that time). For the image widget, the slider moves one step
(one rank-1 layer added or removed), jumps by 16 ranks, and sweeps between 0
and 128 (the worst case: the whole image rebuilt from 128 layers). For the
geometry widget, a stage step and an arrow key on a column. Median and 95th
percentile over ``--updates`` updates after 3 warm-up updates. Then a traced
pass of 10 more updates gives the renderer main thread's CPU time per update
(``bench_chapters.main_thread_cpu_ms``): unlike wall time, it leaves out the
time the thread waited for a core, so it is the figure to read when the machine
is loaded (the load average is printed with the results).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_chapters import TRACE_CATEGORIES, main_thread_cpu_ms  # noqa: E402

from lalib.widgets.image_compression import ImageCompression, default_image  # noqa: E402
from lalib.widgets.svd_geometry import SvdGeometry  # noqa: E402

BUDGET_KB, BUDGET_MS = 200, 16.0
CPU_UPDATES = 10
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]

# One update per frame: `act(k)` is called at the start of a frame; the time runs to the end of its work.
MEASURE = """async ([selector, action, n, warm]) => {
  const el = document.querySelector(selector);
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  await frame(); await frame();
  const slider = el.querySelector('input[type=range]');
  const set = (v) => { slider.value = String(v); slider.dispatchEvent(new Event('input', {bubbles: true})); };
  const act = {
    'slider ±1': (k) => set(k % 2 ? 40 : 41),
    'slider jump 16': (k) => set(k % 2 ? 40 : 56),
    'slider 0 ↔ 128': (k) => set(k % 2 ? 0 : 128),
    'stage step': (k) => el.querySelector(k % 2 ? '[data-action=back]' : '[data-action=next]').click(),
    'arrow key on a column': (k) => {
      const tip = el.querySelector('.lx-column-tip');
      tip.focus({preventScroll: true});
      tip.dispatchEvent(new KeyboardEvent('keydown', {key: k % 2 ? 'ArrowLeft' : 'ArrowRight', bubbles: true, cancelable: true}));
    },
  }[action];
  const out = [];
  for (let k = 0; k < warm + n; k++) {
    const u = await new Promise((resolve) => requestAnimationFrame(() => {
      const t0 = performance.now();
      act(k);
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now() - t0);
      channel.port2.postMessage(0);
    }));
    if (k >= warm) out.push(u);
  }
  return { times: out, error: !!el.querySelector('.lx-error') };
}"""


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "svd_widgets.md")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    image = ImageCompression(default_image(), k=40, max_rank=128)
    geometry = SvdGeometry([[3, 0], [4, 5]], stage=3)
    widgets = {"ImageCompression": image, "SvdGeometry": geometry}
    payload = {name: (len(json.dumps(w.static_state(), separators=(",", ":")).encode()), len(w.static_html().encode()))
               for name, w in widgets.items()}
    plan = [("ImageCompression", ".lx-imgsvd", a) for a in ("slider ±1", "slider jump 16", "slider 0 ↔ 128")]
    plan += [("SvdGeometry", ".lx-svdgeo", a) for a in ("stage step", "arrow key on a column")]
    rows = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, selector, action in plan:
            page_file = Path(tmp) / f"{name}.html"
            page_file.write_text("<!doctype html><meta charset='utf-8'><body>" + widgets[name].static_html())
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.set_offline(True)
            page = context.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_timeout(1000)   # as a reader would: the image widget builds its checkpoints meanwhile
            result = page.evaluate(MEASURE, [selector, action, args.updates, 3])
            times = result["times"]
            browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
            page.evaluate(MEASURE, [selector, action, CPU_UPDATES, 0])
            cpu = main_thread_cpu_ms(browser.stop_tracing()) / CPU_UPDATES
            rows.append((name, action, statistics.median(times), percentile(times, 0.95), cpu, result["error"]))
            context.close()
        browser.close()
    commit = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = ["# Chapter 7 widgets: payload and update time", "",
             f"Method: the docstring of [`bench_svd_widgets.py`](bench_svd_widgets.py). Budgets (CHAPTERS.md): "
             f"payload ≤ {BUDGET_KB} KB per widget, update ≤ {BUDGET_MS:g} ms (one frame).", "",
             f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; commit `{commit}` (working tree)",
             f"- Command: `.venv/bin/python benchmarks/bench_svd_widgets.py --updates {args.updates}`",
             f"- Load average at the start: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min) on "
             f"{os.cpu_count()} cores (the machine is shared: times are upper bounds)", "",
             "| widget | embedded state | whole static HTML (state + runtime + its JS/CSS) | within 200 KB? |",
             "|---|---|---|---|"]
    for name, (state, html) in payload.items():
        lines.append(f"| {name} | {state / 1000:.1f} KB | {html / 1000:.1f} KB | {'yes' if html <= BUDGET_KB * 1000 else 'no'} |")
    loaded = load[0] > (os.cpu_count() or 1)
    lines += ["", f"| widget | update | wall median | wall 95th percentile | main-thread CPU per update | "
                  f"within {BUDGET_MS:g} ms ({'CPU: the machine is loaded' if loaded else 'wall p95'})? | error box |",
              "|---|---|---|---|---|---|---|"]
    for name, action, med, p95, cpu, err in rows:
        ok = (cpu if loaded else p95) <= BUDGET_MS
        lines.append(f"| {name} | {action} | {med:.1f} ms | {p95:.1f} ms | {cpu:.1f} ms | {'yes' if ok else 'no'} | "
                     f"{'yes' if err else 'none'} |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
