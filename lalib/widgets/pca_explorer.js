// PCA explorer: a 2-D point cloud with its principal axes through the mean, the
// variance along each, every point's projection onto the first axis (PC1) and
// the reconstruction error left over. Drag any point (or Tab to the plot, pick
// a point with [ and ], and move it with the arrow keys); reshape the whole
// cloud with the correlation and spread controls; "skip centring" runs the same
// computation about the origin instead of the mean and shows what goes wrong.
// Reads only the model, so the kernel (live) and derive() (static page) draw
// the same picture.

const { h, s, renderedWidth, morph, fmt, onChange, redrawer, guarded, keepingFocus, ownKeys } = lalib.runtime;

const SIZE = 320;
const TIE = 1e-9;
const COLORS = { pc1: "#d62728", pc2: "#1f77b4", point: "#4c4c4c", proj: "#9467bd", truth: "#2ca02c" };

// --- the numbers: the same operations, in the same order, as pca_explorer.describe ---
const plain = (x) => x + 0;

function unit(x, y) {
  const m = Math.max(Math.abs(x), Math.abs(y));
  x /= m;
  y /= m;
  const n = Math.sqrt(x * x + y * y);
  x /= n;
  y /= n;
  let flip;
  if (Math.abs(Math.abs(x) - Math.abs(y)) <= 1e-12) flip = x < 0;
  else flip = Math.abs(x) > Math.abs(y) ? x < 0 : y < 0;
  if (flip) {
    x = -x;
    y = -y;
  }
  return [x + 0, y + 0];
}

function eig2(a, b, c) {
  const sc = Math.max(Math.abs(a), Math.abs(b), Math.abs(c));
  if (sc === 0) return [0, 0, [1, 0], [0, 1], true];
  const a1 = a / sc, b1 = b / sc, c1 = c / sc;
  const half = (a1 + c1) / 2;
  const d = (a1 - c1) / 2;
  const r = Math.sqrt(d * d + b1 * b1);
  const l1 = half + r, l2 = half - r;
  if (r <= TIE * Math.max(Math.abs(l1), Math.abs(l2))) return [l1 * sc, l2 * sc, [1, 0], [0, 1], true];
  const p = a1 - l1, q = b1, u = b1, w = c1 - l1;
  const v1 = Math.abs(p) + Math.abs(q) >= Math.abs(u) + Math.abs(w) ? unit(-q, p) : unit(-w, u);
  const v2 = unit(-v1[1], v1[0]);
  return [l1 * sc, Math.max(l2, 0) * sc, v1, v2, false];
}

function derive(state) {
  const pts = state.points, n = pts.length;
  let mx = 0, my = 0;
  for (const [x, y] of pts) {
    mx += x;
    my += y;
  }
  mx /= n;
  my /= n;
  let a = 0, b = 0, c = 0, ra = 0, rb = 0, rc = 0;
  for (const [x, y] of pts) {
    const dx = x - mx, dy = y - my;
    a += dx * dx;
    b += dx * dy;
    c += dy * dy;
    ra += x * x;
    rb += x * y;
    rc += y * y;
  }
  a /= n - 1;
  b /= n - 1;
  c /= n - 1;
  ra /= n - 1;
  rb /= n - 1;
  rc /= n - 1;
  // A spread below rounding level (identical points whose mean did not come out exact) is no spread.
  let big = 0;
  for (const [x, y] of pts) big = Math.max(big, Math.abs(x), Math.abs(y));
  const floor = (1e-12 * big) * (1e-12 * big);
  if (Math.max(Math.abs(a), Math.abs(b), Math.abs(c)) <= floor) a = b = c = 0;
  const [t1, t2, tv1, tv2, ttied] = eig2(a, b, c);
  let origin, M, l1, l2, v1, v2, tied;
  if (state.center) {
    origin = [mx, my];
    M = [a, b, c];
    [l1, l2, v1, v2, tied] = [t1, t2, tv1, tv2, ttied];
  } else {
    origin = [0, 0];
    M = [ra, rb, rc];
    [l1, l2, v1, v2, tied] = eig2(ra, rb, rc);
  }
  const scores = [], recon = [];
  let err = 0;
  for (const [x, y] of pts) {
    const dx = x - origin[0], dy = y - origin[1];
    const z = dx * v1[0] + dy * v1[1];
    const px = origin[0] + z * v1[0], py = origin[1] + z * v1[1];
    const ex = x - px, ey = y - py;
    err += ex * ex + ey * ey;
    scores.push(plain(z));
    recon.push([plain(px), plain(py)]);
  }
  // Rounding-level leftovers read as what they are, zero (see describe).
  if (l2 <= 1e-12 * l1) l2 = 0;
  if (err <= (1e-10 * big) * (1e-10 * big) * (n - 1)) err = 0;
  const total = l1 + l2;
  const cosine = Math.abs(v1[0] * tv1[0] + v1[1] * tv1[1]);
  const angle = state.center ? 0 : (Math.acos(Math.min(1, cosine)) * 180) / Math.PI;
  return {
    n, mean: [plain(mx), plain(my)], cov: [[plain(a), plain(b)], [plain(b), plain(c)]],
    matrix: [[plain(M[0]), plain(M[1])], [plain(M[1]), plain(M[2])]],
    origin: [plain(origin[0]), plain(origin[1])],
    values: [plain(l1), plain(l2)], vectors: [v1, v2], tied,
    ratio: total > 0 ? plain(l1 / total) : 0,
    scores, recon, error: plain(err / (n - 1)),
    true_values: [plain(t1), plain(t2)], true_pc1: tv1, angle: plain(angle),
  };
}

// The cloud the correlation and spread controls make (pca_explorer.cloud).
function cloud(base, correlation, spread, offset) {
  const r = Math.sqrt(1 - correlation * correlation);
  return base.map(([z0, z1]) => {
    const x = offset[0] + spread * z0;
    const y = offset[1] + correlation * z0 + r * z1;
    return [plain(Math.round(x * 1000) / 1000), plain(Math.round(y * 1000) / 1000)];
  });
}

// This widget's own look, added to the document once.
const STYLE = `
.lx-pca { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-wrong: #c62828; --lx-warn: #9a6700;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-pca, body[data-jp-theme-light="false"] .lx-pca {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-warn: #d29922; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-pca {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
    --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-warn: #d29922; } }
.lx-pca input, .lx-pca button { font: inherit; color: var(--lx-fg); background: var(--lx-field);
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-pca button { min-height: 2.2em; padding: 0.2em 0.7em; margin: 0.15em 0.3em 0.15em 0; cursor: pointer; }
.lx-pca input[type="range"] { width: min(14em, 100%); min-height: 2em; vertical-align: middle; accent-color: var(--lx-accent); }
.lx-pca input[type="checkbox"] { width: 1.2em; height: 1.2em; vertical-align: -0.2em; accent-color: var(--lx-accent); }
.lx-pca :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-pca .lx-controls label { display: block; margin: 0.25em 0; }
.lx-pca .lx-axis { stroke: var(--lx-muted); stroke-opacity: 0.5; stroke-width: 1; }
.lx-pca .lx-pc1 { stroke: ${COLORS.pc1}; stroke-width: 2; stroke-opacity: 0.8; }
.lx-pca .lx-pc2 { stroke: ${COLORS.pc2}; stroke-width: 1.5; stroke-opacity: 0.7; stroke-dasharray: 5 4; }
.lx-pca .lx-sd1 { stroke: ${COLORS.pc1}; stroke-width: 6; stroke-opacity: 0.35; stroke-linecap: round; }
.lx-pca .lx-sd2 { stroke: ${COLORS.pc2}; stroke-width: 6; stroke-opacity: 0.35; stroke-linecap: round; }
.lx-pca .lx-truth { stroke: ${COLORS.truth}; stroke-width: 2; stroke-dasharray: 2 4; }
.lx-pca .lx-residual { stroke: ${COLORS.proj}; stroke-width: 1; stroke-opacity: 0.7; }
.lx-pca .lx-recon { fill: ${COLORS.proj}; }
.lx-pca .lx-mean { stroke: var(--lx-fg); stroke-width: 2; }
.lx-pca .lx-dot { fill: ${COLORS.point}; fill-opacity: 0.75; }
html[data-theme="dark"] .lx-pca .lx-dot, body[data-jp-theme-light="false"] .lx-pca .lx-dot { fill: #c9d1d9; }
.lx-pca .lx-pt { cursor: grab; touch-action: none; outline: none; }
.lx-pca .lx-pt[data-selected] .lx-dot { fill: var(--lx-accent); fill-opacity: 1; }
.lx-pca .lx-pt:focus-visible .lx-dot { stroke: var(--lx-focus); stroke-width: 3; }
.lx-pca .lx-axis, .lx-pca .lx-pc1, .lx-pca .lx-pc2, .lx-pca .lx-sd1, .lx-pca .lx-sd2, .lx-pca .lx-truth,
.lx-pca .lx-residual, .lx-pca .lx-recon, .lx-pca .lx-mean { pointer-events: none; }
.lx-pca .lx-readout [data-field="values"] { font-weight: 600; }
.lx-pca .lx-readout [data-field="warning"] { color: var(--lx-warn); font-weight: 600; }
.lx-pca .lx-readout [data-field="warning"]:empty, .lx-pca .lx-readout [data-field="note"]:empty { display: none; }
.lx-pca .lx-readout [data-field="note"] { font-style: italic; }
.lx-pca .lx-cov td { padding: 0 0.5em; text-align: right; font-variant-numeric: tabular-nums; }
`;
function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-pca-style")) return;
  document.head.append(h("style", { id: "lx-pca-style" }, STYLE));
}

// --- the picture -------------------------------------------------------------------
function render({ model, el }) {
  addStyle();
  const root = ownKeys(h("div", { class: "lx-pca", "data-lm-suppress-shortcuts": "true" }));
  el.append(root);
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  let selected = 0, frozen = null;

  // The view: every point and the origin, in a square with a margin (held still while dragging).
  const view = () => {
    if (frozen) return frozen;
    const pts = model.get("points");
    let x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    for (const [x, y] of pts) {
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
    let half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.2;
    if (!(half > 0) || !Number.isFinite(half)) half = 1;
    return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half };
  };
  const frame = () => {
    const v = view(), k = SIZE / 2 / v.half;
    return { ...v, k, p: ([x, y]) => [SIZE / 2 + k * (x - v.cx), SIZE / 2 - k * (y - v.cy)],
      q: (px, py) => [v.cx + (px - SIZE / 2) / k, v.cy - (py - SIZE / 2) / k] };
  };

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "group",
    "aria-label": "the point cloud, its principal axes and the projections of the points onto the first axis",
    onpointerdown: pick });
  const side = h("div", { class: "lx-side" });
  const corrInput = h("input", { type: "range", min: -0.95, max: 0.95, step: 0.05, "data-control": "correlation",
    "data-focus-key": "correlation", oninput: (e) => reshape({ correlation: +e.target.value }) });
  const spreadInput = h("input", { type: "range", min: 0.25, max: 4, step: 0.25, "data-control": "spread",
    "data-focus-key": "spread", oninput: (e) => reshape({ spread: +e.target.value }) });
  const corrText = h("output", {}), spreadText = h("output", {});
  const centerBox = h("input", { type: "checkbox", "data-control": "skip-centring", "data-focus-key": "skip",
    onchange: (e) => commitState({ center: !e.target.checked }) });
  const controls = h("div", { class: "lx-controls", role: "group", "aria-label": "shape of the cloud" }, [
    h("label", {}, ["correlation ", corrInput, " ", corrText]),
    h("label", {}, ["spread along x ", spreadInput, " ", spreadText]),
    h("label", {}, [centerBox, " skip centring (the common slip)"]),
    h("button", { type: "button", "data-action": "reset", "data-focus-key": "reset",
      onclick: () => reshape({}) }, "reset the cloud"),
  ]);
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(controls, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  root.append(h("p", { class: "lx-hint" },
    "Drag any point: one far away is an outlier. Or Tab to the plot, pick a point with [ and ], and move it with the " +
    "arrow keys (Shift for bigger steps). Red: PC1 through the mean, blue dashed: PC2; the thick bars are ±2 standard " +
    "deviations. Purple: each point's projection onto PC1. The sliders rebuild the cloud. Numbers are rounded to 3 decimals."));

  function reshape(changes) {
    const rho = "correlation" in changes ? changes.correlation : model.get("correlation");
    const sp = "spread" in changes ? changes.spread : model.get("spread");
    commitState({ correlation: rho, spread: sp, points: cloud(model.get("base"), rho, sp, model.get("offset")) });
  }

  function lineThrough(f, o, v, len, cls) {
    const [x1, y1] = f.p([o[0] - len * v[0], o[1] - len * v[1]]), [x2, y2] = f.p([o[0] + len * v[0], o[1] + len * v[1]]);
    return s("line", { x1, y1, x2, y2, class: cls });
  }

  function draw() {
    const f = frame(), pts = model.get("points"), recon = model.get("recon"), o = model.get("origin");
    const [v1, v2] = model.get("vectors"), [l1, l2] = model.get("values"), center = model.get("center");
    const far = 4 * f.half + Math.hypot(o[0] - f.cx, o[1] - f.cy);
    const parts = [s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" }),
      lineThrough(f, [0, 0], [1, 0], far + Math.abs(f.cx) + Math.abs(f.cy), "lx-axis"),
      lineThrough(f, [0, 0], [0, 1], far + Math.abs(f.cx) + Math.abs(f.cy), "lx-axis")];
    if (!center) parts.push(lineThrough(f, model.get("mean"), model.get("true_pc1"), far, "lx-truth"));
    if (!model.get("tied")) {
      parts.push(lineThrough(f, o, v2, far, "lx-pc2"), lineThrough(f, o, v1, far, "lx-pc1"));
    }
    // ±2 standard deviations along each axis (the variances of the matrix used).
    parts.push(lineThrough(f, o, v1, 2 * Math.sqrt(Math.max(l1, 0)), "lx-sd1"),
      lineThrough(f, o, v2, 2 * Math.sqrt(Math.max(l2, 0)), "lx-sd2"));
    pts.forEach((p, i) => {
      const [x1, y1] = f.p(p), [x2, y2] = f.p(recon[i]);
      parts.push(s("line", { x1, y1, x2, y2, class: "lx-residual" }));
      parts.push(s("circle", { cx: x2, cy: y2, r: 2.5, class: "lx-recon" }));
    });
    const [mx, my] = f.p(model.get("mean"));
    parts.push(s("path", { d: `M${mx - 6},${my} h12 M${mx},${my - 6} v12`, class: "lx-mean" }));
    const hitRadius = 22 * (SIZE / (renderedWidth(svg) || SIZE));
    if (selected >= pts.length) selected = 0;
    pts.forEach((p, i) => {
      const [px, py] = f.p(p);
      const sel = i === selected;
      parts.push(s("g", {
        class: sel ? "lx-pt lx-tip" : "lx-pt", "data-index": i, "data-selected": sel ? "" : null, tabindex: sel ? 0 : -1, role: "button",
        "aria-label": `point ${i + 1} of ${pts.length} at (${p.map(num).join(", ")}); arrow keys move it, [ and ] pick another`,
        "data-focus-key": sel ? "point" : null,
        onkeydown: nudge, ontouchstart: (e) => e.preventDefault(),
      }, [s("circle", { cx: px, cy: py, r: hitRadius, class: "lx-hit" }),
        s("circle", { cx: px, cy: py, r: sel ? 5.5 : 4.5, class: "lx-dot" })]));
    });
    morph(svg, ...parts);
    svg.dataset.center = center ? "yes" : "no";
  }

  function movePoint(i, xy) {
    const next = model.get("points").map((p) => p.slice());
    next[i] = xy.map(plain);
    commitState({ points: next });
  }
  function nudge(e) {
    const pts = model.get("points");
    if (e.key === "]" || e.key === "[") {
      e.preventDefault();
      selected = (selected + (e.key === "]" ? 1 : pts.length - 1)) % pts.length;
      update();
      return;
    }
    const dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!dir) return;
    e.preventDefault();
    // A step of a fortieth of the view (rounded to a readable number), five times that with Shift.
    const raw = (view().half / 20) * (e.shiftKey ? 5 : 1);
    const step = Number(raw.toPrecision(1));
    const p = pts[selected];
    movePoint(selected, [p[0] + dir[0] * step, p[1] + dir[1] * step]);
  }
  // Touch targets overlap in a cloud: a press takes the nearest point within reach, not the top one.
  function pick(event) {
    const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width, f = frame();
    const px = (event.clientX - rect.left) * sc, py = (event.clientY - rect.top) * sc;
    let best = -1, dist = 22 * sc;
    model.get("points").forEach((p, i) => {
      const [x, y] = f.p(p), d = Math.hypot(x - px, y - py);
      if (d <= dist) {
        best = i;
        dist = d;
      }
    });
    if (best >= 0) startDrag(event, best);
  }
  function startDrag(event, i) {
    event.preventDefault();
    event.stopPropagation();
    selected = i;
    frozen = view();
    update();
    const move = (e) => {
      const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width;
      const f = frame();
      const [x, y] = f.q((e.clientX - rect.left) * sc, (e.clientY - rect.top) * sc);
      // Round to the view's resolution: readable coordinates, the same state for the same drag.
      const grain = Number((f.half / 200).toPrecision(1));
      movePoint(i, [Math.round(x / grain) * grain, Math.round(y / grain) * grain]);
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
      window.removeEventListener("pointercancel", stop);
      frozen = null;
      update();
      const again = svg.querySelector(`.lx-pt[data-index="${i}"]`);
      if (again) again.focus({ preventScroll: true });
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
    window.addEventListener("pointercancel", stop);
  }

  // Readouts show 3 decimals; the hint under the plot says so once, instead of a "≈" on every number.
  // Round here, not in fmt: fmt keeps 4 significant digits below 0.001 (0.00004169), which the hint
  // does not promise. Rounding the magnitude makes it symmetric: below 0.0005 either way reads 0.
  const num = (x) => {
    if (!Number.isFinite(x) || Math.abs(x) >= 1e6) return fmt(x).replace("≈", "");
    return fmt(Math.sign(x) * (Math.round(Math.abs(x) * 1000) / 1000)).replace("≈", "");
  };
  const vec = (v) => `(${v.map(num).join(", ")})`;
  function readout() {
    const [l1, l2] = model.get("values"), [v1, v2] = model.get("vectors"), C = model.get("cov");
    const center = model.get("center"), tied = model.get("tied"), [t1, t2] = model.get("true_values");
    const rho = C[0][0] > 0 && C[1][1] > 0 ? C[0][1] / Math.sqrt(C[0][0] * C[1][1]) : NaN;
    const cov = h("table", { class: "lx-cov", "aria-label": "covariance matrix, with 1/(n − 1)" },
      C.map((row, i) => h("tr", {}, [h("th", {}, i === 0 ? "C =" : ""), ...row.map((x) => h("td", {}, num(x)))])));
    const used = center ? "" : " of XᵀX/(n − 1), no centring";
    const rows = [
      h("div", {}, [h("b", {}, "n "), h("span", { "data-field": "n" }, String(model.get("n"))), h("b", {}, "  mean "),
        h("span", { "data-field": "mean" }, vec(model.get("mean"))),
        h("span", { "data-field": "corr" }, Number.isFinite(rho) ? `  correlation ${num(rho)}` : "")]),
      cov,
      h("div", { "data-field": "values" }, tied
        ? `λ₁ = λ₂ = ${num(l1)}${used}: every direction is a principal axis`
        : `λ₁ = ${num(l1)} along ${vec(v1)};  λ₂ = ${num(l2)} along ${vec(v2)}${used}`),
      h("div", { "data-field": "note" }, !tied && l1 > 0 && l2 >= 0.9 * l1
        ? "Nearly equal variances: PC1 is poorly determined, and a small change to the data turns it a lot." : ""),
      h("div", { "data-field": "ratio" }, ["PC1 keeps ", h("span", { "data-field": "ratio-value" }, `${(100 * model.get("ratio")).toFixed(1)}%`),
        ` of the ${center ? "variance" : "raw second moment"}`]),
      h("div", { "data-field": "error" }, [
        center ? "reconstruction error from PC1, Σ‖x − x̂‖²/(n − 1): " : "reconstruction error from this axis, Σ‖x − x̂‖²/(n − 1): ",
        h("span", { "data-field": "error-value" }, num(model.get("error"))),
        center ? " (= λ₂)" : `; with centring it is λ₂ = ${num(t2)}`]),
      h("div", { "data-field": "warning" }, center ? "" :
        `Without centring the first axis points from the origin towards the cloud, ${num(model.get("angle"))}° away from the real PC1 (green dotted, variance ${num(t1)}).`),
    ];
    return rows;
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => draw());
    corrInput.value = model.get("correlation");
    spreadInput.value = model.get("spread");
    corrText.textContent = num(model.get("correlation"));
    spreadText.textContent = num(model.get("spread"));
    centerBox.checked = !model.get("center");
    morph(status, ...readout());
  });
  onChange(model, ["points", "center", "correlation", "spread", "values", "vectors", "recon", "error", "tied", "angle"], update);
  update();
}

lalib.widgets.pca_explorer = { render, derive, cloud, addStyle };
