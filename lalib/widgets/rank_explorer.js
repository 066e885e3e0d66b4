// Rank explorer: the columns of a 2×n or 3×n matrix drawn as arrows, with
// their column space (a point, a line, a plane or all of space), the rank,
// the nullity and the null space's special solutions. Drag an arrow's tip
// (it snaps to a grid of SNAP) or type an entry; in 3-D drag the background
// to turn the view. Reads only the model, so the kernel (live) and derive()
// (static page) produce the same picture. Keyboard: Tab to a tip, arrow keys
// (and PageUp/PageDown for the third coordinate) move it by SNAP.

const { h, s, renderedWidth, morph, fmt, exact, onChange, ownKeys, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;
const { describeMatrix, canonicalBasis, normalize } = lalib.linalg;

const SNAP = 0.5;
const SIZE = 320;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const SPACE_NAMES = ["the point 0", "a line through 0", "a plane through 0"];

// Static host: stand in for the kernel's lalib.widgets.rank_explorer.describe.
function derive(state) {
  const d = describeMatrix(state.matrix, state.tol_rel);
  const reversed = (vs) => vs.map((v) => v.slice().reverse());
  // Reduced echelon form of the reversed vectors gives the special solutions,
  // listed by free variable (as rank_explorer.describe does).
  d.null_basis = reversed(canonicalBasis(reversed(d.null_basis))).reverse();
  return d;
}

function render({ model, el }) {
  const view = { yaw: -0.6, pitch: 0.35 };
  const root = h("div", { class: "lx-rank" });
  el.append(ownKeys(root));

  const matrix = () => model.get("matrix");
  // Every edit goes through here: a failure is shown in the widget, which keeps working.
  const setMatrix = guarded(root, (M) => {
    model.set("matrix", M);
    model.save_changes();
  });
  // The plot's scale; frozen while a tip is dragged so the tip stays under the pointer.
  let frozenReach = null;
  const reach = () => frozenReach ?? Math.max(4, Math.ceil(Math.max(...matrix().flat().map(Math.abs))) + 1);

  // Screen projection: 2-D is the plane itself; 3-D is a turnable view.
  function frame() {
    const m = matrix().length, R = reach(), k = (SIZE / 2 - 14) / R;
    const c = SIZE / 2;
    if (m === 2) {
      return { R, k, m, project: ([x, y]) => [c + k * x, c - k * y], right: [1, 0], up: [0, 1] };
    }
    const ct = Math.cos(view.yaw), st = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    const project = ([x, y, z]) => {
      const x1 = x * ct - y * st, y1 = x * st + y * ct;
      return [c + k * x1, c - k * (y1 * sp + z * cp)];
    };
    return { R, k, m, project, right: [ct, -st, 0], up: [st * sp, ct * sp, cp] };
  }

  function arrow(f, tip, color, label, j) {
    const [x0, y0] = f.project(tip.map(() => 0));
    const [x1, y1] = f.project(tip);
    const len = Math.hypot(x1 - x0, y1 - y0);
    const g = s("g", { class: "lx-column", "data-col": j });
    if (len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: color, "stroke-width": 2.5 }),
        s("polygon", {
          points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}`,
          fill: color,
        }),
      );
    }
    // The tip: a visible dot inside a 48-CSS-pixel target (44 is the least for a
    // finger), focusable, moved by arrow keys.
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    const where = `(${tip.map(fmt).join(", ")})`;
    const keys = f.m === 2 ? "arrow keys move it" : "arrow keys and Page Up/Down move it";
    g.append(
      s("text", { x: x1 + 8, y: y1 - 8, fill: color, class: "lx-label" }, label),
      s("g", {
        class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable tip", "data-col": j,
        "data-focus-key": `tip-${j}`, "aria-label": `${label} = ${where}; ${keys} by ${SNAP}`,
        onpointerdown: (e) => startDrag(e, j), onkeydown: (e) => nudge(e, j),
        // Chromium ignores touch-action on SVG shapes: a touch on a tip must not scroll.
        ontouchstart: (e) => e.preventDefault(),
      }, [
        s("circle", { cx: x1, cy: y1, r: hitRadius, class: "lx-hit", "data-col": j }),
        s("circle", { cx: x1, cy: y1, r: 8, class: "lx-handle", fill: color, "data-col": j }),
      ]),
    );
    return g;
  }

  // The column space, drawn from the canonical basis the model holds.
  function columnSpace(f) {
    const r = model.get("rank"), basis = model.get("col_basis") || [];
    const kind = r === 0 ? "point" : r === f.m ? "all" : r === 1 ? "line" : "plane";
    const g = s("g", { class: "lx-colspace", "data-kind": kind, "data-rank": r });
    const o = f.project(Array(f.m).fill(0));
    if (kind === "point") g.append(s("circle", { cx: o[0], cy: o[1], r: 5, class: "lx-space-point" }));
    if (kind === "line") {
      const v = normalize(basis[0] || Array(f.m).fill(0));
      const [a, b] = [f.project(v.map((x) => -3 * f.R * x)), f.project(v.map((x) => 3 * f.R * x))];
      g.append(s("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], class: "lx-space-line" }));
    }
    if (kind === "plane" || (kind === "all" && f.m === 3)) {
      // A plane through 0 as a disc; all of R^3 as a faint ball outline plus the plane of the screen.
      const [e1, e2] = kind === "plane" ? orthonormalPair(basis[0], basis[1]) : [f.right, f.up];
      const pts = [];
      for (let i = 0; i < 48; i++) {
        const t = (2 * Math.PI * i) / 48;
        pts.push(f.project(e1.map((x, q) => f.R * (Math.cos(t) * x + Math.sin(t) * e2[q]))).join(","));
      }
      g.append(s("polygon", { points: pts.join(" "), class: kind === "plane" ? "lx-space-plane" : "lx-space-all" }));
    }
    if (kind === "all" && f.m === 2) g.append(s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-space-all" }));
    return g;
  }

  function axes(f) {
    const g = s("g", { class: "lx-axes" });
    const names = f.m === 2 ? ["x₁", "x₂"] : ["x₁", "x₂", "x₃"];
    for (let i = 0; i < f.m; i++) {
      const e = Array(f.m).fill(0);
      e[i] = f.R;
      const a = f.project(e.map((x) => -x)), b = f.project(e);
      g.append(s("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }), s("text", { x: b[0] + 3, y: b[1] - 3 }, names[i]));
    }
    return g;
  }

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "group", "aria-label": "columns of A as arrows, and their span" });
  const side = h("div", { class: "lx-side" });
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  // Announced to screen readers whenever the readout changes.
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(table, entryError, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  root.append(h("p", { class: "lx-hint" }, ""));

  function draw() {
    const f = frame(), M = matrix(), n = M[0].length;
    morph(svg,
      s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg", onpointerdown: startTurn }),
      columnSpace(f),
      axes(f),
      ...Array.from({ length: n }, (_, j) => arrow(f, M.map((row) => row[j]), COLORS[j % 4], `a${j + 1}`, j)),
    );
    root.querySelector(".lx-hint").textContent =
      f.m === 2
        ? `Drag an arrow's tip (it snaps to steps of ${SNAP}), or Tab to it and use the arrow keys, or type entries (fractions like 1/2 are fine).`
        : `Type entries, or drag an arrow's tip in the plane of the screen (snaps to ${SNAP}; Tab to it for arrow keys and Page Up/Down); drag the background to turn the view.`;
  }

  function entries() {
    const M = matrix(), m = M.length, n = M[0].length;
    const table = h("table", { class: "lx-matrix", "aria-label": "entries of A" });
    table.append(h("tr", {}, [h("th", {}, ""), ...M[0].map((_, j) => h("th", { style: `color:${COLORS[j % 4]}` }, `a${j + 1}`))]));
    for (let i = 0; i < m; i++) {
      const cells = M[i].map((x, j) =>
        // Text, not type=number: "1/2" and "2,5" are read as a person means them,
        // and the entry shows exactly what the matrix holds.
        h("td", {}, h("input", {
          type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(x), title: exact(x),
          "data-row": i, "data-col": j, "data-focus-key": `entry-${i}-${j}`, "aria-label": `A[${i + 1}, ${j + 1}]`,
          onchange: (e) => commit(e.target, i, j),
          // JupyterLab handles Enter itself, so commit on keydown too.
          onkeydown: (e) => e.key === "Enter" && commit(e.target, i, j),
        })),
      );
      table.append(h("tr", {}, [h("th", {}, i === 0 ? "A =" : ""), ...cells]));
    }
    return table;
  }

  // The entries are built once per shape and then updated in place, so focus
  // (and Tab order) survive every update; an entry being corrected keeps its text.
  function syncEntries() {
    const M = matrix(), shape = `${M.length}x${M[0].length}`;
    if (table.dataset.shape !== shape) {
      morph(table, entries());
      table.dataset.shape = shape;
      return;
    }
    for (const input of table.querySelectorAll("input")) {
      const x = M[+input.dataset.row][+input.dataset.col];
      if (input.getAttribute("aria-invalid") === "true" && parseNumber(input.value).error) continue;
      if (input.value !== exact(x)) input.value = exact(x);
      input.title = exact(x);
    }
  }

  function commit(input, i, j) {
    const read = parseNumber(input.value);
    if ("error" in read) {
      // Keep what was typed so it can be corrected; say what is wrong.
      input.setAttribute("aria-invalid", "true");
      entryError.textContent = `A[${i + 1}, ${j + 1}]: ${read.error}`;
      return;
    }
    input.removeAttribute("aria-invalid");
    entryError.textContent = "";
    if (read.value === matrix()[i][j]) return (input.value = exact(read.value));
    const next = matrix().map((row) => row.slice());
    next[i][j] = read.value;
    setMatrix(next);
  }

  // Arrow keys move the focused tip by one snap step.
  function nudge(e, j) {
    const m = matrix().length;
    const steps = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowUp: [1, 1], ArrowDown: [1, -1], PageUp: [2, 1], PageDown: [2, -1] };
    const step = steps[e.key];
    if (!step || step[0] >= m) return;
    e.preventDefault();
    const [i, sign] = step;
    const next = matrix().map((row) => row.slice());
    next[i][j] = Math.round((next[i][j] + sign * SNAP) / SNAP) * SNAP;
    setMatrix(next);
  }

  function readout() {
    const M = matrix(), m = M.length, n = M[0].length;
    const r = model.get("rank"), nul = model.get("nullity");
    const space = r === m ? `all of ℝ${m === 2 ? "²" : "³"}` : `${SPACE_NAMES[r]} in ℝ${m === 2 ? "²" : "³"}`;
    const vec = (v) => `(${v.map(fmt).join(", ")})`;
    const nb = model.get("null_basis") || [];
    return [
      h("div", {}, [h("b", {}, "rank "), h("span", { "data-field": "rank" }, String(r)),
        h("b", {}, "   nullity "), h("span", { "data-field": "nullity" }, String(nul))]),
      h("div", { "data-field": "rank-nullity" }, `rank + nullity = ${r} + ${nul} = ${n} columns`),
      h("div", {}, [h("b", {}, "Column space: "), h("span", { "data-field": "column-space" }, space)]),
      h("div", {}, [h("b", {}, "Null space: "), h("span", { "data-field": "null-space" },
        nb.length ? `all combinations of ${nb.map(vec).join(" and ")}` : "only the zero vector")]),
    ];
  }

  // One redraw per batch of model changes, after all of them have arrived.
  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      syncEntries();
    });
    morph(status, ...readout());
  });

  // Dragging a tip moves that column; snapping makes exact dependence reachable.
  function startDrag(event, j) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const f = frame(), rect = svg.getBoundingClientRect(), scale = SIZE / rect.width;
    const start = matrix().map((row) => row[j]);
    const [sx, sy] = [event.clientX, event.clientY];
    const move = (e) => {
      const dx = ((e.clientX - sx) * scale) / f.k, dy = ((e.clientY - sy) * scale) / f.k;
      const tip = start.map((x, i) => Math.round((x + dx * f.right[i] - dy * f.up[i]) / SNAP) * SNAP);
      const M = matrix();
      if (tip.every((x, i) => x === M[i][j])) return;
      setMatrix(M.map((row, i) => row.map((x, c) => (c === j ? tip[i] : x))));
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
      window.removeEventListener("pointercancel", stop);
      frozenReach = null;
      update(); // now rescale to fit
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
    window.addEventListener("pointercancel", stop);
  }

  function startTurn(event) {
    if (matrix().length !== 3) return;
    event.preventDefault();
    let [px, py] = [event.clientX, event.clientY];
    const move = (e) => {
      view.yaw += (e.clientX - px) * 0.01;
      view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + (e.clientY - py) * 0.01));
      [px, py] = [e.clientX, e.clientY];
      guarded(root, draw)();
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
  }

  onChange(model, ["matrix", "rank", "nullity", "col_basis", "null_basis"], update);
  update();
}

function orthonormalPair(a, b) {
  const e1 = normalize(a);
  const d = b.reduce((acc, x, i) => acc + x * e1[i], 0);
  return [e1, normalize(b.map((x, i) => x - d * e1[i]))];
}

lalib.widgets.rank_explorer = { render, derive };
