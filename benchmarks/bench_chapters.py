"""Each chapter against its budgets (/work/shared/CHAPTERS.md, "Budgets").

    .venv/bin/python benchmarks/bench_chapters.py                         # every chapter in _toc.yml
    .venv/bin/python benchmarks/bench_chapters.py --chapters 03-rank,06-eigen
    .venv/bin/python benchmarks/bench_chapters.py --skip-rebuild
    .venv/bin/python benchmarks/bench_chapters.py --skip-rebuild --rebuild-chapters 03-rank  # rebuild timed for one chapter
    .venv/bin/python benchmarks/bench_chapters.py --built _build/html   # weight and widgets of a built book only

Prints a markdown table and writes it, with the per-widget details, the
date, the load average at the start and the command, to
benchmarks/chapters.md (``--out`` elsewhere). Everything runs in a temporary
copy of the committed tree (``git archive HEAD``), with that copy's lalib
first on PYTHONPATH, so the working tree is never read or modified:

- cold execution (budget 20 s): the chapter's MyST file read as a notebook
  (jupytext if installed, else MyST-NB's own reader, which the book uses)
  and run by nbclient in a fresh kernel (no jupyter-cache), timeout 600 s,
  cwd the chapter's folder, one chapter at a time; wall time including the
  kernel's start, and the kernel's CPU time (steadier on a shared machine);
- rebuild (budget 10 s): the copy is built once with `make book`'s flags,
  its jupyter-cache first primed with the notebooks just executed (the same
  cells, so the build does not run every chapter a second time); then one
  space is appended to a prose line of the chapter and the whole
  ``jupyter-book build`` is timed again (jupyter-cache hashes code cells
  only, so the chapter's outputs come from the cache and Sphinx re-reads one
  page). ``--rebuild-chapters`` limits this to some chapters (it also applies
  with ``--skip-rebuild``);
- page weight (budget 600 KB): the chapter's HTML plus the files under
  ``_images/`` the page references; shared ``_static`` files are not counted
  (bench_book.py --weigh gives the full load);
- widget update (budget 16 ms, one frame): in headless Chromium with the
  network off, for every element the lalib runtime mounted
  (``.lalib-widget[data-host]``), each way a reader updates it: an arrow key
  on its first focused handle (``.lx-tip``), a number typed into its first
  entry plus Enter, an option picked and "Check" pressed (self-checks), its
  first slider moved one step, or a rating digit typed on a grid cell.
  Each update is dispatched at the start of an animation frame (inside a
  requestAnimationFrame callback); "update" is the time from the dispatch to
  the end of that frame's main-thread work (event handlers, the widget's
  derive and redraw microtasks, style, layout, paint), read in a task posted
  from the callback; "next frame" is the time to the next requestAnimationFrame
  callback, which is one frame interval when the update fits in the frame.
  Median and 95th percentile over ``--updates`` updates (30) after 3 warm-up
  updates; the verdict uses the worst widget's 95th percentile of "update".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
JB = Path(sys.executable).with_name("jupyter-book")
JB_FLAGS = ["--warningiserror", "--nitpick", "--keep-going"]  # as `make book`
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]
CPU_UPDATES = 10  # traced updates per widget and action, for the main thread's CPU time
BUDGET = {"exec": 20.0, "rebuild": 10.0, "weight": 600 * 1024, "update": 16.0}


# ---------------------------------------------------------------- the book


def toc_chapters(root: Path) -> list[str]:
    """Chapter files in _toc.yml, in reading order (the root page excluded)."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def source_of(root: Path, entry: str) -> Path:
    for suffix in ("", ".md", ".ipynb"):
        path = root / f"{entry}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"{entry} in _toc.yml has no file in {root}")


def copy_head(dest: Path) -> str:
    """The committed tree (HEAD) extracted into dest; returns the commit."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError("git archive failed")
    return commit


def restrict_toc(book: Path, entries: list[str]) -> None:
    """Only these chapters in the copy's _toc.yml (a partial book: references to others dangle)."""
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    (book / "_toc.yml").write_text(yaml.safe_dump(
        {"format": toc["format"], "root": toc["root"], "chapters": [{"file": e} for e in entries]}, sort_keys=False))


def jb_build(book: Path, strict: bool) -> tuple[float, int, str]:
    """Wall time, exit code and the tail of the output of one `jupyter-book build`."""
    cmd = [str(JB), "build", str(book), *(JB_FLAGS if strict else ["--keep-going"])]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=book)
    elapsed = time.perf_counter() - start
    return elapsed, done.returncode, (done.stdout + done.stderr)[-2000:]


def edit_prose(md: Path) -> int:
    """Append a space to the first prose line (outside front matter, code and directives); its number."""
    lines = md.read_text(encoding="utf-8").split("\n")
    fence = None
    start = 0
    if lines and lines[0].strip() == "---":
        start = lines.index("---", 1) + 1
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        opener = re.match(r"^(`{3,}|~{3,}|:{3,})", stripped)
        if fence:
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        if re.match(r"^[A-Za-z]", stripped) and not lines[i].endswith(" "):
            lines[i] += " "
            md.write_text("\n".join(lines), encoding="utf-8")
            return i + 1
    raise ValueError(f"no prose line found in {md}")


# ---------------------------------------------------------------- cold execution


def read_notebook(path: Path):
    try:
        import jupytext
    except ImportError:
        from myst_nb.core.read import read_myst_markdown_notebook

        return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)
    return jupytext.read(path)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cold_exec(path: Path) -> tuple[float, float, str, object]:
    """Wall time of running the chapter's code cells in a fresh kernel (its start included),
    the kernel's CPU time, an error if one stopped it, and the executed notebook."""
    from nbclient import NotebookClient

    nb = read_notebook(path)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    cpu = [float("nan")]

    def record_cpu(**_):
        with contextlib.suppress(Exception):
            cpu[0] = cpu_seconds(client.km.provisioner.process.pid)

    client.on_cell_executed = record_cpu  # after each cell, while the kernel is alive
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except Exception as err:  # noqa: BLE001 - reported in the table, the other chapters still run
        error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1] if str(err).strip() else ''}"
    return time.perf_counter() - start, cpu[0], error, nb


def prime_cache(book: Path, path: Path, nb, seconds: float) -> None:
    """Store an executed chapter in the copy's jupyter-cache, as the build would have."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    cache.cache_notebook_bundle(CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}),
                                check_validity=False, overwrite=True)


# ---------------------------------------------------------------- page weight


def page_weight(html_dir: Path, page: Path) -> dict:
    """Bytes of the page's HTML and of the files under _images/ it references (each counted once)."""
    text = page.read_text(encoding="utf-8")
    urls = re.findall(r'(?:src|href|data)="([^"]+)"', text)
    for srcset in re.findall(r'srcset="([^"]+)"', text):
        urls += [part.strip().split()[0] for part in srcset.split(",") if part.strip()]
    images = set()
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc:
            continue
        target = (page.parent / unquote(parsed.path)).resolve()
        if target.is_file() and (html_dir / "_images").resolve() in target.parents:
            images.add(target)
    image_bytes = sum(p.stat().st_size for p in images)
    html_bytes = page.stat().st_size
    return {"html": html_bytes, "images": image_bytes, "n_images": len(images), "total": html_bytes + image_bytes}


# ---------------------------------------------------------------- widget updates in Chromium

LIST_WIDGETS = """() => [...document.querySelectorAll('.lalib-widget')].map((el, index) => {
  const actions = [];
  if (!el.dataset.host) return {index, name: el.dataset.widget || el.dataset.lalibWidget, host: null, error: true, actions};
  if (el.querySelector('.lx-tip')) actions.push('arrow key on handle');
  if (el.querySelector('input[type=text]')) actions.push('type entry + Enter');
  if (el.querySelector('input[type=radio]') && el.querySelector('.lx-check')) actions.push('pick option + Check');
  if (el.querySelector('input[type=range]')) actions.push('slider step');
  if (el.querySelector('button.lx-cell')) actions.push('digit on a cell');
  return {index, name: el.dataset.widget || el.dataset.lalibWidget, host: el.dataset.host || null,
          error: !!el.querySelector('.lx-error'), actions};
})"""

MEASURE = """async ([index, action, n, warm]) => {
  const el = document.querySelectorAll('.lalib-widget')[index];
  el.scrollIntoView({block: 'center'});
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  await frame(); await frame();
  const first = (sel) => el.querySelector(sel);
  const number = (text) => Number(String(text).replace('\\u2212', '-'));
  const entry0 = first('input[type=text]');
  const original = entry0 ? entry0.value : '';
  const base = Number.isFinite(number(original)) && original.trim() !== '' ? number(original) : 0;
  const trigger = {
    'arrow key on handle': (k) => {
      // The redraw may replace the handle; keepingFocus gives focus to its successor.
      const tip = el.contains(document.activeElement) && document.activeElement.matches('.lx-tip')
        ? document.activeElement : first('.lx-tip');
      tip.focus({preventScroll: true});
      tip.dispatchEvent(new KeyboardEvent('keydown', {key: k % 2 ? 'ArrowLeft' : 'ArrowRight', bubbles: true, cancelable: true}));
    },
    'type entry + Enter': (k) => {
      const input = first('input[type=text]');
      input.focus({preventScroll: true});
      input.value = String(k % 2 ? base : base + 1);
      input.dispatchEvent(new Event('input', {bubbles: true}));
      input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true}));
    },
    'slider step': (k) => {
      const slider = first('input[type=range]');
      const step = Number(slider.step) || 1, lo = Number(slider.min), hi = Number(slider.max);
      if (k === 0) slider.dataset.benchBase = Math.min(Number(slider.value), hi - step);
      const base0 = Number(slider.dataset.benchBase);
      slider.value = String(k % 2 ? base0 : Math.max(lo, base0 + step));
      slider.dispatchEvent(new Event('input', {bubbles: true}));
      slider.dispatchEvent(new Event('change', {bubbles: true}));
    },
    'digit on a cell': (k) => {
      const cell = el.contains(document.activeElement) && document.activeElement.matches('.lx-cell')
        ? document.activeElement : first('button.lx-cell');
      cell.focus({preventScroll: true});
      cell.dispatchEvent(new KeyboardEvent('keydown', {key: k % 2 ? '2' : '4', bubbles: true, cancelable: true}));
    },
    'pick option + Check': (k) => {
      const radios = el.querySelectorAll('input[type=radio]');
      radios[k % radios.length].checked = true;
      first('.lx-check').click();
    },
  }[action];
  const update = [], next = [];
  let errors = 0;
  for (let k = 0; k < warm + n; k++) {
    const [u, f] = await new Promise((resolve) => requestAnimationFrame(() => {
      const t0 = performance.now();
      try { trigger(k); } catch (err) { errors++; }
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const t1 = performance.now();
        requestAnimationFrame(() => resolve([t1 - t0, performance.now() - t0]));
      };
      channel.port2.postMessage(0);
    }));
    if (k >= warm) { update.push(u); next.push(f); }
  }
  if (el.querySelector('.lx-error')) errors++;
  return {update, next, errors};
}"""

FRAME_INTERVAL = """async () => {
  const t = [];
  for (let i = 0; i < 31; i++) t.push(await new Promise((r) => requestAnimationFrame(r)));
  const d = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  return d[d.length >> 1];
}"""


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def perf_metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def main_thread_cpu_ms(trace: bytes) -> float:
    """CPU time (ms) the page's main thread spent in tasks during a Chromium trace.

    The sum of the thread time (``tdur``) of the renderer main thread's
    outermost tasks: unlike wall time, it does not count the time the thread
    waited for a core, so it stays meaningful on a loaded machine.
    """
    events = json.loads(trace)["traceEvents"]
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}
    tasks = sorted((e for e in events if e.get("name") == "RunTask" and e.get("ph") == "X"
                    and (e.get("pid"), e.get("tid")) in mains and "tdur" in e), key=lambda e: e["ts"])
    total, end = 0.0, {}
    for e in tasks:
        key = (e["pid"], e["tid"])
        if e["ts"] < end.get(key, -1):
            continue  # nested in a task already counted
        end[key] = e["ts"] + e.get("dur", 0)
        total += e["tdur"]
    return total / 1000


def widget_updates(pages: dict[str, Path], updates: int, report: Report) -> None:
    """One record per (widget, action) into report.widgets[chapter]; the idle frame interval into report.interval."""
    from playwright.sync_api import sync_playwright

    interval = float("nan")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("LALIB_CHROMIUM", "/usr/bin/chromium"),
                                    args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.set_offline(True)
        for chapter, page_path in pages.items():
            tab = context.new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda e: errors.append(str(e)))
            cdp = context.new_cdp_session(tab)  # Chromium's own counters split the frame's work
            cdp.send("Performance.enable")
            tab.goto(page_path.as_uri())
            tab.wait_for_load_state("load")
            tab.wait_for_timeout(1500)  # MathJax typesets after load
            if interval != interval:
                interval = report.interval = tab.evaluate(FRAME_INTERVAL)
            rows = []
            for w in tab.evaluate(LIST_WIDGETS):
                if not w["host"]:
                    rows.append({**w, "action": "(not mounted by the runtime)"})
                elif not w["actions"]:
                    rows.append({**w, "action": "(no reader control)"})
                for action in w["actions"]:
                    before = perf_metrics(cdp)
                    m = tab.evaluate(MEASURE, [w["index"], action, updates, 3])
                    after = perf_metrics(cdp)
                    per = {k: (after.get(k, 0) - before.get(k, 0)) * 1000 / (updates + 3)
                           for k in ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration")}
                    # A second, traced pass: the main thread's CPU time per update (tracing slows
                    # the page a little, so the wall times above come from the untraced pass).
                    browser.start_tracing(page=tab, categories=TRACE_CATEGORIES)
                    traced = tab.evaluate(MEASURE, [w["index"], action, CPU_UPDATES, 0])
                    cpu = main_thread_cpu_ms(browser.stop_tracing()) / CPU_UPDATES
                    rows.append({**w, "action": action, "errors": m["errors"] + traced["errors"],
                                 "update_median": statistics.median(m["update"]),
                                 "update_p95": quantile(m["update"], 0.95),
                                 "next_median": statistics.median(m["next"]),
                                 "next_p95": quantile(m["next"], 0.95),
                                 "missed": sum(f > 1.5 * interval for f in m["next"]), "n": len(m["next"]),
                                 "script": per["ScriptDuration"],
                                 "style_layout": per["RecalcStyleDuration"] + per["LayoutDuration"],
                                 "tasks": per["TaskDuration"], "cpu": cpu})
            for r in rows:
                r["page_errors"] = len(errors)
            report.widgets[chapter] = rows
            report.write()
            log(f"widgets {chapter}: {len(rows)} measured")
            tab.close()
        browser.close()


# ---------------------------------------------------------------- report


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


class Report:
    """What has been measured so far; written out after every phase, so a run cut short still leaves a table."""

    def __init__(self, args, wanted: list[str], rebuild_for: list[str], partial: bool):
        self.args, self.wanted, self.rebuild_for, self.partial = args, wanted, rebuild_for, partial
        self.load = os.getloadavg()
        self.started = dt.datetime.now(dt.timezone.utc)
        self.command = shlex.join([".venv/bin/python", "benchmarks/bench_chapters.py", *sys.argv[1:]])
        self.commit = ""
        self.execs: dict[str, tuple[float, float, str]] = {}
        self.cold_build: tuple[float, int, int] | None = None  # seconds, exit code, chapters executed by it
        self.rebuilds: dict[str, tuple[float, int, int]] = {}
        self.weights: dict[str, dict] = {}
        self.widgets: dict[str, list[dict]] = {}
        self.interval = float("nan")
        self.notes: list[str] = []
        self.finished = False

    @property
    def loaded(self) -> bool:
        """More runnable work than cores when the run started or now (other people's jobs)."""
        return max(self.load[0], os.getloadavg()[0]) > (os.cpu_count() or 1)

    def table(self) -> str:
        b = BUDGET
        lines = [
            f"| chapter | cold execution (≤ {b['exec']:.0f} s): wall, kernel CPU | rebuild after a prose edit "
            f"(≤ {b['rebuild']:.0f} s) | page weight (≤ {b['weight'] // 1024} KB) | widget update, slowest widget: "
            f"median / p95, and main-thread CPU (≤ {b['update']:.0f} ms) | within budgets? |",
            "|---|---|---|---|---|---|",
        ]
        for c in self.wanted:
            verdicts, pending = [], False
            if c in self.execs:
                secs, cpu, err = self.execs[c]
                ok = secs <= b["exec"] and not err
                verdicts.append(ok)
                kernel = "no code cell" if math.isnan(cpu) else f"CPU {cpu:.1f} s"  # nan: no cell ran
                exec_cell = f"{secs:.1f} s{mark(ok)}, {kernel}" + (f" (failed: {err})" if err else "")
            elif self.args.built:
                exec_cell = "not measured (`--built`)"
            else:
                exec_cell, pending = "pending", True
            if c in self.rebuilds:
                seconds, rc, _ = self.rebuilds[c]
                ok = seconds <= b["rebuild"] and rc == 0
                verdicts.append(ok)
                rebuild_cell = f"{seconds:.1f} s{mark(ok)}" + (f" (exit {rc})" if rc else "")
            elif c in self.rebuild_for and not self.finished:
                rebuild_cell, pending = "pending", True
            else:
                rebuild_cell = ("not measured (`--skip-rebuild`)" if self.args.skip_rebuild
                                else "not measured (`--built`)" if self.args.built else "not measured in this run")
            if c in self.weights:
                ok = self.weights[c]["total"] <= b["weight"]
                verdicts.append(ok)
                weight_cell = f"{self.weights[c]['total'] / 1024:.0f} KB{mark(ok)}"
            else:
                weight_cell, pending = ("pending", True) if not self.finished else ("no page", False)
            if c in self.widgets:
                measured = [r for r in self.widgets[c] if "update_p95" in r]
                unmounted = sum(r["host"] is None for r in self.widgets[c])
                if unmounted:
                    verdicts.append(False)
                if measured:
                    worst = max(measured, key=lambda r: r["update_p95"])
                    costliest = max(measured, key=lambda r: r["cpu"])
                    clean = not any(r["errors"] for r in measured)
                    # On a loaded machine the wall time mostly measures the wait for a core:
                    # the verdict then reads the main thread's CPU time per update.
                    if self.loaded:
                        ok = costliest["cpu"] <= b["update"] and clean
                        widget_cell = (f"{worst['update_median']:.1f} / {worst['update_p95']:.1f} ms wall; "
                                       f"CPU {costliest['cpu']:.1f} ms{mark(ok)} (verdict on CPU: machine loaded; ")
                    else:
                        ok = worst["update_p95"] <= b["update"] and clean
                        widget_cell = (f"{worst['update_median']:.1f} / {worst['update_p95']:.1f} ms{mark(ok)}; "
                                       f"CPU {costliest['cpu']:.1f} ms (")
                    verdicts.append(ok)
                    widget_cell += f"{worst['name']}, {worst['action']}; {len(measured)} widget updates measured)"
                else:
                    widget_cell = "no widget with a control"
                if unmounted:
                    widget_cell += f"; {unmounted} widget(s) not mounted ✗"
            else:
                widget_cell, pending = ("pending", True) if not self.finished else ("not measured", False)
            within = "yes" if all(verdicts) else "no"
            if pending:
                within += " so far (run incomplete)"
            elif self.args.built:
                within += " (weight and widgets; execution and rebuild not measured)"
            elif c not in self.rebuilds:
                within += " (rebuild not measured)"
            lines.append(f"| {c} | {exec_cell} | {rebuild_cell} | {weight_cell} | {widget_cell} | {within} |")
        return "\n".join(lines)

    def notes_now(self) -> list[str]:
        notes = list(self.notes)
        cpus = os.cpu_count() or 1
        if not self.rebuild_for and not self.args.built:
            notes.append("Rebuilds were not timed (`--skip-rebuild`).")
        elif set(self.rebuild_for) != set(self.wanted):
            notes.append(f"The rebuild was timed for {', '.join(self.rebuild_for)} only: each one is a full "
                         "`jupyter-book build` of the warmed copy, so one chapter keeps the run short; the other "
                         "rows say \"not measured in this run\".")
        if self.load[0] > cpus:
            notes.append(f"**The machine was loaded**: load average {self.load[0]:.1f} at the start on {cpus} "
                         "cores (other engineers' jobs), so every wall time here is pessimistic, by several times "
                         "for the executions; the kernel CPU time is the steadier figure. Rerun on an idle machine "
                         "before reading a ✗ on a time as the chapter's fault.")
        if not self.finished:
            notes.append("**This run had not finished when this file was written**: cells marked pending were not measured.")
        return notes

    def write(self) -> None:
        load_end = os.getloadavg()
        build = ""
        if self.cold_build:
            seconds, rc, executed = self.cold_build
            build = (f"- Build of the {'partial' if self.partial else 'whole'} book in the copy, its execution "
                     f"cache primed with the cold executions above ({executed} chapter(s) executed again by the "
                     f"build): {seconds:.1f} s, exit code {rc}")
        detail = [
            "| chapter | widget | reader's update | update median / p95 | next frame median / p95 | frames missed "
            "| mean per update: script / style+layout / all main-thread tasks | main-thread CPU per update | errors |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for c in self.wanted:
            for r in self.widgets.get(c, []):
                if "update_p95" not in r:
                    detail.append(f"| {c} | {r['name']} #{r['index']} | {r['action']} | | | | | | |")
                    continue
                detail.append(
                    f"| {c} | {r['name']} #{r['index']} | {r['action']} | {r['update_median']:.1f} / "
                    f"{r['update_p95']:.1f} ms | {r['next_median']:.1f} / {r['next_p95']:.1f} ms "
                    f"| {r['missed']}/{r['n']} | {r['script']:.1f} / {r['style_layout']:.1f} / {r['tasks']:.1f} ms "
                    f"| {r['cpu']:.1f} ms | {r['errors'] + r['page_errors']} |")
        weight_rows = ["| chapter | HTML | images (count) | total |", "|---|---|---|---|"]
        for c, w in self.weights.items():
            weight_rows.append(f"| {c} | {w['html'] / 1024:.0f} KB | {w['images'] / 1024:.0f} KB ({w['n_images']}) "
                               f"| {w['total'] / 1024:.0f} KB |")
        rebuild_rows = [f"- {c}: one space appended to line {line} of its source; rebuild {s:.1f} s, exit code {rc}"
                        for c, (s, rc, line) in self.rebuilds.items()]
        text = "\n".join([
            "# Chapter budgets",
            "",
            "Each chapter against the budgets in CHAPTERS.md (\"Budgets\"). Method: the docstring of",
            "[`bench_chapters.py`](bench_chapters.py).",
            "",
            f"- Date: {self.started:%Y-%m-%d %H:%M} UTC; commit `{self.commit[:10]}` "
            + ("(HEAD of the tree that made the build)" if self.args.built else "(a `git archive` copy of HEAD)"),
            f"- Command: `{self.command}`",
            f"- Load average at the start: {self.load[0]:.2f} / {self.load[1]:.2f} / {self.load[2]:.2f} "
            f"(1 / 5 / 15 min) on {os.cpu_count()} cores; when this file was written: {load_end[0]:.2f}",
            *([build] if build else []),
            *rebuild_rows,
            "",
            self.table(),
            "",
            *(f"- {n}" for n in self.notes_now()),
            "",
            "## Widget updates",
            "",
            "\"update\": from the dispatch (at the start of a frame) to the end of that frame's main-thread work;",
            "\"next frame\": from the dispatch to the next animation-frame callback (one frame interval when the",
            f"update fits); \"frames missed\": updates whose next frame came later than 1.5 × the idle interval "
            f"({self.interval:.1f} ms); {self.args.updates} updates each, after 3 warm-up updates. The split is",
            "Chromium's own counters (CDP `Performance.getMetrics`) over those updates: JavaScript, style",
            "recalculation + layout, and every main-thread task (the rest of which is mostly paint and commit).",
            f"\"main-thread CPU\": the renderer main thread's CPU time (trace `tdur` of its outermost tasks) over",
            f"{CPU_UPDATES} more updates in a traced pass, per update: what the update costs, without the time spent",
            "waiting for a core. The verdict reads the wall-time p95 on an idle machine and this CPU time when the",
            "load average exceeded the number of cores.",
            "Errors: widget error boxes plus uncaught page errors.",
            "",
            *detail,
            "",
            "## Page weight",
            "",
            "The chapter's HTML (widget state and inline figures included) and the `_images/` files it references;",
            "shared `_static` files (theme, MathJax, widget code) are excluded.",
            "",
            *weight_rows,
            "",
        ])
        self.args.out.write_text(text, encoding="utf-8")


def measure_pages(report: Report, html_dir: Path, entries: dict[str, str], updates: int) -> None:
    """Page weight and widget updates of each chapter's built page."""
    pages = {c: html_dir / f"{entry}.html" for c, entry in entries.items()}
    missing = [c for c, p in pages.items() if not p.is_file()]
    if missing:
        report.notes.append(f"No page was built for {', '.join(missing)}.")
    pages = {c: p for c, p in pages.items() if p.is_file()}
    report.weights = {c: page_weight(html_dir, p) for c, p in pages.items()}
    report.write()
    log("widget updates in Chromium ...")
    widget_updates(pages, updates, report)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chapters", help="comma-separated chapter names (e.g. 03-rank,06-eigen); default: all in _toc.yml")
    parser.add_argument("--skip-rebuild", action="store_true", help="do not time rebuilds (the book is still built once)")
    parser.add_argument("--rebuild-chapters", help="time the rebuild for these chapters only, even with --skip-rebuild (default: every selected one)")
    parser.add_argument("--updates", type=int, default=30, help="widget updates per widget and action (default 30)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "chapters.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy (its path is printed)")
    parser.add_argument("--built", type=Path, metavar="HTML_DIR",
                        help="only weigh pages and time widget updates in this already-built book "
                             "(e.g. _build/html): no execution, no build, no rebuild")
    args = parser.parse_args()

    all_entries = toc_chapters(ROOT)
    names = {Path(e).name: e for e in all_entries}
    wanted = [c.strip() for c in args.chapters.split(",")] if args.chapters else list(names)
    unknown = [c for c in wanted if c not in names]
    if unknown:
        parser.error(f"not in _toc.yml: {', '.join(unknown)} (chapters: {', '.join(names)})")
    rebuild_for = [] if args.skip_rebuild and not args.rebuild_chapters else (
        [c.strip() for c in args.rebuild_chapters.split(",")] if args.rebuild_chapters else wanted)
    if set(rebuild_for) - set(wanted):
        parser.error("--rebuild-chapters must be among the selected chapters")
    partial = len(wanted) < len(all_entries)
    if args.built:
        rebuild_for = []
    report = Report(args, wanted, rebuild_for, partial)
    if args.built:
        report.commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                       text=True).stdout.strip()
        report.notes.append(f"Pages measured in an existing build (`--built {args.built}`): execution and "
                            "rebuild not measured, and the pages are whatever that build made.")
        measure_pages(report, args.built, {c: names[c] for c in wanted}, args.updates)
        report.finished = True
        report.write()
        print(report.table())
        return

    tmp = Path(tempfile.mkdtemp(prefix="lalib-bench-chapters-"))
    book = tmp / "book"
    book.mkdir()
    try:
        report.commit = copy_head(book)
        # The kernels and the build import the copy's lalib, not the working tree's.
        os.environ["PYTHONPATH"] = os.pathsep.join([str(book), *filter(None, [os.environ.get("PYTHONPATH")])])

        # 1. cold execution, one chapter at a time
        executed = {}
        for c in wanted:
            log(f"exec {c} ...")
            secs, cpu, err, nb = cold_exec(source_of(book, names[c]))
            report.execs[c] = (secs, cpu, err)
            if not err:
                executed[c] = (nb, secs)
            log(f"exec {c}: {secs:.1f} s wall, {cpu:.1f} s kernel CPU {err}")
            report.write()

        # 2. one build, then a rebuild per edited chapter. The build's cache is primed with the
        # executions above (the same notebooks), so the build does not run every chapter again.
        if partial:
            restrict_toc(book, [names[c] for c in wanted])
            report.notes.append(f"Built a partial book ({', '.join(wanted)} only, `_toc.yml` restricted in the copy, "
                                "without `--warningiserror`): cross-references to the other chapters dangle, and "
                                "a rebuild re-renders fewer pages than in the whole book.")
        for c, (nb, secs) in executed.items():
            with contextlib.suppress(Exception):
                prime_cache(book, source_of(book, names[c]), nb, secs)
        log("build ...")
        seconds, rc, output = jb_build(book, strict=not partial)
        report.cold_build = (seconds, rc, output.count("Executing notebook"))
        log(f"build: {seconds:.1f} s (exit {rc}, {report.cold_build[2]} chapter(s) executed)")
        if rc:
            last = output.strip().splitlines()[-1] if output.strip() else ""
            report.notes.append(f"The build exited with {rc}; its output ends: `{last}`")
        report.write()
        html_dir = book / "_build" / "html"
        for c in rebuild_for:
            line = edit_prose(source_of(book, names[c]))
            seconds, rc, _ = jb_build(book, strict=not partial)
            report.rebuilds[c] = (seconds, rc, line)
            log(f"rebuild {c} (space appended to line {line}): {seconds:.1f} s (exit {rc})")
            report.write()

        # 3. page weight, 4. widget updates
        measure_pages(report, html_dir, {c: names[c] for c in wanted}, args.updates)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report.finished = True
    report.write()
    print(report.table())
    log(f"written to {args.out}")


if __name__ == "__main__":
    main()
