// Eigen explorer: a unit vector x on the circle and its image Ax. Drag x's tip
// (or Tab to it and use the arrow keys) and watch Ax; where Ax lies on the line
// through x, x is an eigenvector and x snaps onto that eigenline. The image of
// the unit circle, the eigenlines and their eigenvalues are always drawn. The
// matrix is editable, with presets; "power iteration" steps x ← Ax/‖Ax‖ from
// the current x. Reads only the model, so the kernel (live) and derive()
// (static page) produce the same picture.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const SIZE = 320;
const MAX_STEPS = 60;
const TOL = 1e-12;
const ON_LINE = 1e-9;
const SNAP_DEG = 4;
const PRESETS = {
  symmetric: [[2, 1], [1, 2]],
  lecture: [[1.25, 0.75], [0.75, 1.25]],
  flip: [[1, 2], [2, 1]],
  shear: [[1, 1], [0, 1]],
  rotation: [[0, -1], [1, 0]],
  projection: [[1, 0], [0, 0]],
};

// --- the numbers: the same operations, in the same order, as eigen_explorer.describe ---
function unit(x, y) {
  const m = Math.max(Math.abs(x), Math.abs(y));
  x /= m;
  y /= m;
  const n = Math.sqrt(x * x + y * y);
  x /= n;
  y /= n;
  if ((Math.abs(x) >= Math.abs(y) && x < 0) || (Math.abs(y) > Math.abs(x) && y < 0)) {
    x = -x;
    y = -y;
  }
  return [x + 0, y + 0];
}

function nullDirection(a, b, c, d) {
  const r1 = Math.abs(a) + Math.abs(b), r2 = Math.abs(c) + Math.abs(d);
  if (r1 === 0 && r2 === 0) return null;
  const [p, q] = r1 >= r2 ? [a, b] : [c, d];
  return unit(-q, p);
}

function derive(state) {
  const [[a0, b0], [c0, d0]] = state.matrix;
  const sMax = Math.max(Math.abs(a0), Math.abs(b0), Math.abs(c0), Math.abs(d0));
  const scale = sMax > 0 ? sMax : 1;
  const a = a0 / scale, b = b0 / scale, c = c0 / scale, d = d0 / scale;
  const half = (a + d) / 2;
  const disc = (a - d) * (a - d) + 4 * b * c;
  let kind, values, vectors = [];
  if (disc < -TOL) {
    const r = Math.sqrt(-disc) / 2;
    kind = "complex";
    values = [[half * scale, r * scale], [half * scale, -r * scale]];
  } else if (disc <= TOL) {
    const lam = half;
    const v = nullDirection(a - lam, b, c, d - lam);
    const residual = Math.max(Math.abs(a - lam), Math.abs(b), Math.abs(c), Math.abs(d - lam));
    if (v === null || residual <= TOL) kind = "repeated";
    else {
      kind = "defective";
      vectors = [v];
    }
    values = [[lam * scale, 0], [lam * scale, 0]];
  } else {
    const r = Math.sqrt(disc) / 2;
    const l1 = half + r, l2 = half - r;
    kind = "distinct";
    values = [[l1 * scale, 0], [l2 * scale, 0]];
    vectors = [nullDirection(a - l1, b, c, d - l1), nullDirection(a - l2, b, c, d - l2)];
  }
  values = values.map((pair) => pair.map((v) => v + 0));

  const x = [Math.cos(state.angle), Math.sin(state.angle)];
  const ax = [a0 * x[0] + b0 * x[1], c0 * x[0] + d0 * x[1]];
  let on_line = -1;
  if (kind === "repeated") on_line = 0;
  else vectors.forEach((v, i) => {
    if (Math.abs(v[0] * x[1] - v[1] * x[0]) <= ON_LINE) on_line = i;
  });
  const m1 = Math.hypot(...values[0]), m2 = Math.hypot(...values[1]);
  const big = Math.max(m1, m2), small = Math.min(m1, m2);
  const ratio = big > 0 ? small / big : 1;

  const iterates = [x], estimates = [];
  let cur = x;
  for (let k = 0; k < state.steps; k++) {
    let y0 = a * cur[0] + b * cur[1], y1 = c * cur[0] + d * cur[1];
    const m = Math.max(Math.abs(y0), Math.abs(y1));
    if (m <= TOL) break; // A x = 0 up to rounding: x is an eigenvector for 0, and the iteration stops
    y0 /= m;
    y1 /= m;
    const n = Math.sqrt(y0 * y0 + y1 * y1);
    cur = [y0 / n, y1 / n];
    iterates.push(cur);
  }
  for (const p of iterates) estimates.push((p[0] * (a * p[0] + b * p[1]) + p[1] * (c * p[0] + d * p[1])) * scale);
  return { kind, values, vectors, x, ax, on_line, ratio, iterates, estimates };
}

// This widget's own look, added to the document once (the shared widgets.css styles .lx-rank and .lx-quiz).
const STYLE = `
.lx-eigen { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-wrong: #c62828; --lx-eig: #e0900f;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-eigen, body[data-jp-theme-light="false"] .lx-eigen {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-eig: #f2b44c; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-eigen {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
    --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-eig: #f2b44c; } }
.lx-eigen input, .lx-eigen button { font: inherit; color: var(--lx-fg); background: var(--lx-field);
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-eigen button { min-height: 2.2em; padding: 0.2em 0.7em; margin: 0.15em 0.3em 0.15em 0; cursor: pointer; }
.lx-eigen :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-eigen .lx-presets, .lx-eigen .lx-controls { margin-top: 0.5em; }
.lx-eigen .lx-axis { stroke: var(--lx-muted); stroke-opacity: 0.5; stroke-width: 1; }
.lx-eigen .lx-circle { fill: none; stroke: var(--lx-muted); stroke-width: 1.2; stroke-dasharray: 3 3; }
.lx-eigen .lx-image { fill: var(--lx-eig); fill-opacity: 0.08; stroke: #d62728; stroke-opacity: 0.6; stroke-width: 1.5; }
.lx-eigen .lx-eigenline { stroke: var(--lx-eig); stroke-width: 5; stroke-opacity: 0.55; }
.lx-eigen .lx-iterate { fill: #9467bd; }
.lx-eigen .lx-axis, .lx-eigen .lx-circle, .lx-eigen .lx-image, .lx-eigen .lx-eigenline, .lx-eigen .lx-iterate,
.lx-eigen .lx-ax, .lx-eigen .lx-x { pointer-events: none; }
.lx-eigen .lx-readout [data-field="parallel"] { font-weight: 600; }
`;
function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-eigen-style")) return;
  document.head.append(h("style", { id: "lx-eigen-style" }, STYLE));
}

// --- the picture -------------------------------------------------------------------
function render({ model, el }) {
  addStyle();
  const root = h("div", { class: "lx-eigen", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const M = () => model.get("matrix");
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  let frozenReach = null;
  // The plot shows the unit circle and its image; scale to the longest image vector.
  const reach = () => {
    if (frozenReach) return frozenReach;
    const [[a, b], [c, d]] = M();
    let r = 1;
    for (let i = 0; i < 64; i++) {
      const t = (2 * Math.PI * i) / 64, x = Math.cos(t), y = Math.sin(t);
      r = Math.max(r, Math.hypot(a * x + b * y, c * x + d * y));
    }
    return Number.isFinite(r) ? r * 1.15 : 1;
  };
  const frame = () => {
    const R = reach(), k = (SIZE / 2 - 12) / R, o = SIZE / 2;
    return { R, k, p: ([x, y]) => [o + k * x, o - k * y] };
  };

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img",
    "aria-label": "the unit vector x, its image Ax, and the eigenlines of A" });
  const side = h("div", { class: "lx-side" });
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const presets = h("div", { class: "lx-presets", role: "group", "aria-label": "preset matrices" },
    Object.entries(PRESETS).map(([name, P]) => h("button", {
      type: "button", class: "lx-button", "data-preset": name, "data-focus-key": `preset-${name}`,
      onclick: () => commitState({ matrix: P.map((r) => r.slice()), steps: 0 }),
    }, name)));
  const controls = h("div", { class: "lx-controls", role: "group", "aria-label": "power iteration" }, [
    h("button", { type: "button", class: "lx-button", "data-action": "step", "data-focus-key": "step",
      onclick: () => commitState({ steps: Math.min(MAX_STEPS, model.get("steps") + 1) }) }, "power step ▶"),
    h("button", { type: "button", class: "lx-button", "data-action": "run", "data-focus-key": "run",
      onclick: () => commitState({ steps: Math.min(MAX_STEPS, model.get("steps") + 10) }) }, "+10 steps"),
    h("button", { type: "button", class: "lx-button", "data-action": "reset", "data-focus-key": "reset",
      onclick: () => commitState({ steps: 0 }) }, "reset"),
  ]);
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(table, entryError, presets, controls, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  root.append(h("p", { class: "lx-hint" },
    "Drag the tip of x around the circle (it snaps onto an eigenline when close), or Tab to it and use the arrow keys " +
    "(Shift for bigger turns). Type entries (fractions like 3/4 are fine) or pick a preset. Power steps start from the current x."));

  function line(f, v, cls, extra = {}) {
    const [x1, y1] = f.p(v.map((t) => -3 * f.R * t)), [x2, y2] = f.p(v.map((t) => 3 * f.R * t));
    return s("line", { x1, y1, x2, y2, class: cls, ...extra });
  }
  function arrow(f, v, color, label, cls) {
    const [x0, y0] = f.p([0, 0]), [x1, y1] = f.p(v);
    const len = Math.hypot(x1 - x0, y1 - y0), g = s("g", { class: cls });
    if (len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: color, "stroke-width": 2.5 }),
        s("polygon", { fill: color, points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}` }),
      );
    }
    g.append(s("text", { x: x1 + 6, y: y1 - 6, fill: color, class: "lx-label" }, label));
    return g;
  }

  function draw() {
    const f = frame(), [[a, b], [c, d]] = M();
    const x = model.get("x"), ax = model.get("ax"), vectors = model.get("vectors") || [];
    const values = model.get("values"), kind = model.get("kind"), onLine = model.get("on_line");
    const circle = [], image = [];
    for (let i = 0; i <= 96; i++) {
      const t = (2 * Math.PI * i) / 96, u = [Math.cos(t), Math.sin(t)];
      circle.push(f.p(u).join(","));
      image.push(f.p([a * u[0] + b * u[1], c * u[0] + d * u[1]]).join(","));
    }
    const parts = [s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" }),
      line(f, [1, 0], "lx-axis"), line(f, [0, 1], "lx-axis"),
      s("polyline", { points: circle.join(" "), class: "lx-circle" }),
      s("polyline", { points: image.join(" "), class: "lx-image" })];
    vectors.forEach((v, i) => {
      parts.push(line(f, v, "lx-eigenline", { "data-eigenline": i }));
      const [tx, ty] = f.p(v.map((t) => 0.92 * f.R * t));
      parts.push(s("text", { x: tx - 30, y: ty + (i ? 14 : -6), class: "lx-label lx-eigenlabel" }, `λ=${fmt(values[i][0])}`));
    });
    const iterates = model.get("iterates") || [];
    iterates.slice(1).forEach((p, k) => {
      const [px, py] = f.p(p);
      parts.push(s("circle", { cx: px, cy: py, r: 3.5, class: "lx-iterate", "data-step": k + 1 }));
    });
    parts.push(arrow(f, ax, "#d62728", "Ax", "lx-ax"));
    parts.push(arrow(f, x, onLine >= 0 ? "#2ca02c" : "#1f77b4", "x", "lx-x"));
    const [hx, hy] = f.p(x);
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    const deg = ((Math.atan2(x[1], x[0]) * 180) / Math.PI + 360) % 360;
    parts.push(s("g", {
      class: "lx-tip", tabindex: 0, role: "slider", "aria-label": "direction of x", "aria-valuemin": 0, "aria-valuemax": 360,
      "aria-valuenow": Math.round(deg), "aria-valuetext": `x = (${x.map(fmt).join(", ")}), at ${Math.round(deg)}°`,
      "data-focus-key": "tip", onpointerdown: startDrag, onkeydown: nudge, ontouchstart: (e) => e.preventDefault(),
    }, [s("circle", { cx: hx, cy: hy, r: hitRadius, class: "lx-hit" }),
      s("circle", { cx: hx, cy: hy, r: 8, class: "lx-handle", fill: onLine >= 0 ? "#2ca02c" : "#1f77b4" })]));
    morph(svg, ...parts);
    svg.dataset.kind = kind;
  }

  function entries() {
    const A = M();
    const t = h("table", { class: "lx-matrix", "aria-label": "entries of A" });
    A.forEach((row, i) => t.append(h("tr", {}, [h("th", {}, i === 0 ? "A =" : ""), ...row.map((v, j) =>
      h("td", {}, h("input", {
        type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(v), title: exact(v),
        "data-row": i, "data-col": j, "data-focus-key": `entry-${i}-${j}`, "aria-label": `A[${i + 1}, ${j + 1}]`,
        onchange: (e) => commit(e.target, i, j), onkeydown: (e) => e.key === "Enter" && commit(e.target, i, j),
      })))])));
    return t;
  }
  function commit(input, i, j) {
    const read = parseNumber(input.value);
    if ("error" in read) {
      input.setAttribute("aria-invalid", "true");
      entryError.textContent = `A[${i + 1}, ${j + 1}]: ${read.error}`;
      return;
    }
    input.removeAttribute("aria-invalid");
    entryError.textContent = "";
    if (read.value === M()[i][j]) return (input.value = exact(read.value));
    const next = M().map((r) => r.slice());
    next[i][j] = read.value;
    commitState({ matrix: next, steps: 0 });
  }

  // Snap an angle onto an eigenline (either way along it) when within SNAP_DEG.
  function snapped(angle) {
    for (const v of model.get("vectors") || []) {
      const base = Math.atan2(v[1], v[0]);
      for (const t of [base, base + Math.PI]) {
        const diff = Math.atan2(Math.sin(angle - t), Math.cos(angle - t));
        if (Math.abs(diff) <= (SNAP_DEG * Math.PI) / 180) return t;
      }
    }
    return angle;
  }
  function setAngle(angle, snap = true) {
    const a = snap ? snapped(angle) : angle;
    if (a === model.get("angle")) return;
    commitState({ angle: a, steps: 0 });
  }
  function nudge(e) {
    const step = ((e.shiftKey ? 15 : 1) * Math.PI) / 180;
    const dir = { ArrowRight: -1, ArrowDown: -1, ArrowLeft: 1, ArrowUp: 1 }[e.key];
    if (!dir) return;
    e.preventDefault();
    const now = model.get("angle");
    let target = now + dir * step;
    // A key press stops on an eigenline it crosses or lands within half a degree of; one already on it moves on.
    const wrap = (t) => Math.atan2(Math.sin(t), Math.cos(t));
    for (const v of model.get("vectors") || []) {
      const base = Math.atan2(v[1], v[0]);
      for (const t of [base, base + Math.PI]) {
        const before = wrap(t - now), after = wrap(t - target);
        const crossed = Math.abs(before) > 1e-9 && Math.abs(before) < step + 1e-9 && Math.sign(before) === dir &&
          Math.sign(after) !== dir;
        if (crossed || (Math.abs(after) < Math.PI / 360 && Math.abs(before) > 1e-9)) target = now + before;
      }
    }
    setAngle(target, false);
  }
  function startDrag(event) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const move = (e) => {
      const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width;
      const px = (e.clientX - rect.left) * sc - SIZE / 2, py = SIZE / 2 - (e.clientY - rect.top) * sc;
      if (px === 0 && py === 0) return;
      setAngle(Math.atan2(py, px));
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
      window.removeEventListener("pointercancel", stop);
      frozenReach = null;
      update();
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
    window.addEventListener("pointercancel", stop);
  }

  const vec = (v) => `(${v.map(fmt).join(", ")})`;
  const eq = (v) => (fmt(v).startsWith("≈") ? fmt(v) : `= ${fmt(v)}`); // "= 3" or "≈0.333", never "= ≈0.333"
  function eigenText() {
    const kind = model.get("kind"), values = model.get("values"), vectors = model.get("vectors") || [];
    if (kind === "complex") {
      const [re, im] = values[0];
      return `no real eigenvector: λ = ${fmt(re)} ± ${fmt(Math.abs(im))}i (|λ| = ${fmt(Math.hypot(re, im))}); every direction is turned`;
    }
    if (kind === "repeated") return `A = ${fmt(values[0][0])}·I: every direction is an eigenvector, λ = ${fmt(values[0][0])}`;
    if (kind === "defective") return `λ = ${fmt(values[0][0])} twice, but only one eigenline, along ${vec(vectors[0])} (not diagonalizable)`;
    return `λ₁ = ${fmt(values[0][0])} along ${vec(vectors[0])};  λ₂ = ${fmt(values[1][0])} along ${vec(vectors[1])}`;
  }
  function readout() {
    const x = model.get("x"), ax = model.get("ax"), onLine = model.get("on_line"), values = model.get("values");
    const steps = model.get("steps"), it = model.get("iterates"), est = model.get("estimates");
    const cross = x[0] * ax[1] - x[1] * ax[0], dot = x[0] * ax[0] + x[1] * ax[1];
    const turn = Math.abs(ax[0]) + Math.abs(ax[1]) === 0 ? 0 : (Math.atan2(cross, dot) * 180) / Math.PI;
    const rows = [
      h("div", {}, [h("b", {}, "x "), h("span", { "data-field": "x" }, vec(x)), h("b", {}, "  Ax "),
        h("span", { "data-field": "ax" }, vec(ax))]),
      h("div", { "data-field": "eigen" }, eigenText()),
      h("div", { "data-field": "parallel" }, onLine >= 0
        ? `x is an eigenvector: Ax = λx with λ ${eq(model.get("kind") === "repeated" ? values[0][0] : values[onLine][0])}`
        : `Ax is turned ${fmt(Math.abs(turn))}° away from x: not an eigenvector`),
    ];
    const ratio = model.get("ratio");
    rows.push(h("div", { "data-field": "power" }, steps === 0
      ? `Power iteration: press "power step" (|λ₂/λ₁| ${eq(ratio)}${ratio >= 1 ? ": no dominant eigenvalue, it will not settle" : ""})`
      : `step ${it.length - 1}: x = ${vec(it[it.length - 1])}, xᵀAx ${eq(est[est.length - 1])}; |λ₂/λ₁| ${eq(ratio)}` +
        (ratio >= 1 ? " (no dominant eigenvalue: it does not settle)" : "")));
    return rows;
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      morph(table, entries());
    });
    morph(status, ...readout());
  });
  onChange(model, ["matrix", "angle", "steps", "kind", "values", "vectors", "x", "ax", "on_line", "ratio", "iterates", "estimates"], update);
  update();
}

lalib.widgets.eigen_explorer = { render, derive, addStyle };
