// SVD geometry: A = U Σ Vᵀ played on the unit circle (2×2) or sphere (3×3), one
// move at a time. The stage slider applies Vᵀ (turns the right singular vectors
// vᵢ onto the axes), then Σ (stretches axis i by σᵢ), then U (turns, or
// reflects, the ellipse into place). Entries are editable; a 2×2's columns Ae₁,
// Ae₂ can be dragged (or moved with the arrow keys) and snap onto a singular
// matrix; a 3×3 view turns (drag the background, or arrow keys on the plot).
// Reads only the model, so the kernel (live) and derive() (static page) give
// the same picture.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const SIZE = 320;
const TOL_REL = 1e-10;
const SWEEPS = 60;
const SNAP = 0.04; // |sin| of the angle between the columns below which a drag snaps onto a singular matrix
const PRESETS = {
  stretch: [[3, 0], [4, 5]],
  reflection: [[1, 2], [3, 4]],
  shear: [[1, 1], [0, 1]],
  rotation: [[0, -1], [1, 0]],
  "rank 1": [[1, 2], [0.5, 1]],
  "3×3": [[2, 1, 0], [0, 1.5, 0.5], [0.5, 0, 1]],
  "3×3 flat": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
};
const STAGES = ["the unit circle x", "after Vᵀ: Vᵀx", "after Σ: ΣVᵀx", "after U: UΣVᵀx = Ax"];

// --- the numbers: the same operations, in the same order, as svd_geometry.describe ---
function jacobi(B) {
  const n = B.length;
  const W = B.map((row) => row.slice());
  const V = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const rotate = (M, p, q, c, sn) => {
    for (const row of M) {
      const x = row[p], y = row[q];
      row[p] = c * x - sn * y;
      row[q] = sn * x + c * y;
    }
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < n; i++) {
          alpha += W[i][p] * W[i][p];
          beta += W[i][q] * W[i][q];
          gamma += W[i][p] * W[i][q];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const tt = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tt * tt);
        rotate(W, p, q, c, c * tt);
        rotate(V, p, q, c, c * tt);
      }
    }
    if (!rotated) break;
  }
  return { W, V };
}

function det(M) {
  if (M.length === 2) return M[0][0] * M[1][1] - M[0][1] * M[1][0];
  return M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1])
    - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
    + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
}
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function normalized(v) {
  let total = 0;
  for (const x of v) total += x * x;
  const norm = Math.sqrt(total);
  return v.map((x) => x / norm);
}
const z = (x) => x + 0; // no -0 in the state
const sign = (x) => (x > 0 ? 1 : x < 0 ? -1 : 0); // of the scaled matrix's determinant: the raw one can overflow

function derive(state) {
  const rows = state.matrix, stage = state.stage, n = rows.length;
  let top = 0;
  for (const row of rows) for (const x of row) top = Math.max(top, Math.abs(x));
  const scale = top > 0 ? top : 1;
  const { W, V } = jacobi(rows.map((row) => row.map((x) => x / scale)));
  const cols = [];
  for (let j = 0; j < n; j++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += W[i][j] * W[i][j];
    cols.push({ sigma: Math.sqrt(total), w: W.map((row) => row[j]), v: V.map((row) => row[j]) });
  }
  cols.sort((a, b) => b.sigma - a.sigma); // stable, like Python's sort
  const sigma = cols.map((c) => c.sigma);
  const rank = sigma[0] > 0 ? sigma.filter((x) => x > TOL_REL * sigma[0]).length : 0;
  const vs = cols.map((c) => c.v.slice());
  let us = cols.map((c, j) => (j < rank ? c.w.map((x) => x / c.sigma) : null));
  for (let j = 0; j < n; j++) {
    let p = 0;
    for (let i = 1; i < n; i++) if (Math.abs(vs[j][i]) > Math.abs(vs[j][p])) p = i;
    if (vs[j][p] < 0) {
      vs[j] = vs[j].map((x) => -x);
      if (us[j] !== null) us[j] = us[j].map((x) => -x);
    }
  }
  if (n === 2) {
    if (rank === 0) us = [[1, 0], [0, 1]];
    else if (rank === 1) us[1] = [-us[0][1], us[0][0]];
  } else if (rank === 0) {
    us = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  } else if (rank === 1) {
    const u1 = us[0];
    let e = 0;
    for (let i = 1; i < 3; i++) if (Math.abs(u1[i]) < Math.abs(u1[e])) e = i;
    const d = u1[e];
    us[1] = normalized([0, 1, 2].map((i) => (i === e ? 1 : 0) - d * u1[i]));
    us[2] = cross(us[0], us[1]);
  } else if (rank === 2) {
    us[2] = cross(us[0], us[1]);
  }
  const columns = (list) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => list[j][i]));
  if (det(columns(vs)) < 0) {
    vs[n - 1] = vs[n - 1].map((x) => -x);
    us[n - 1] = us[n - 1].map((x) => -x);
  }
  // det A = 0: the last u (σ = 0) is a free completion; its sign makes U a rotation too (chapter 7).
  if (rank < n && det(columns(us)) < 0) us[n - 1] = us[n - 1].map((x) => -x);
  const det_v = det(columns(vs)) > 0 ? 1 : -1;
  const det_u = det(columns(us)) > 0 ? 1 : -1;
  const sig = sigma.map((x) => x * scale);
  let M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  if (stage >= 1) M = vs.map((v) => v.slice());
  if (stage >= 2) M = vs.map((v, i) => v.map((x) => sig[i] * x));
  if (stage === 3) {
    M = [];
    for (let i = 0; i < n; i++) {
      const row = [];
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let k = 0; k < n; k++) total += us[k][i] * sig[k] * vs[k][j];
        row.push(z(total));
      }
      M.push(row);
    }
  }
  return {
    sigma: sig, u: us.map((u) => u.map(z)), v: vs.map((v) => v.map(z)), rank, det_u, det_v,
    det_sign: sign(det(rows.map((row) => row.map((x) => x / scale)))),
    stage_matrix: M.map((row) => row.map(z)),
  };
}

const STYLE = `
.lx-svdgeo { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-wrong: #c62828; --lx-ell: #d62728; --lx-v1: #1f77b4; --lx-v2: #2ca02c; --lx-v3: #9467bd;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-svdgeo, body[data-jp-theme-light="false"] .lx-svdgeo {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-ell: #ff7b72; --lx-v1: #58a6ff; --lx-v2: #3fb950; --lx-v3: #d2a8ff; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-svdgeo {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
    --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-ell: #ff7b72; --lx-v1: #58a6ff; --lx-v2: #3fb950; --lx-v3: #d2a8ff; } }
.lx-svdgeo input, .lx-svdgeo button { font: inherit; color: var(--lx-fg); background: var(--lx-field);
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-svdgeo button { min-height: 2.2em; padding: 0.2em 0.6em; margin: 0.15em 0.3em 0.15em 0; cursor: pointer; }
.lx-svdgeo button[aria-pressed="true"] { border-color: var(--lx-accent); border-width: 2px; font-weight: 600; }
.lx-svdgeo :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-svdgeo .lx-stage { margin-top: 0.5em; }
.lx-svdgeo .lx-stage { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em; }
.lx-svdgeo .lx-stage input[type=range] { flex: 1 1 6em; min-width: 6em; max-width: 14em; accent-color: var(--lx-accent); }
.lx-svdgeo .lx-stage > div { flex-basis: 100%; }
.lx-svdgeo .lx-axis { stroke: var(--lx-muted); stroke-opacity: 0.5; stroke-width: 1; }
.lx-svdgeo .lx-circle { fill: none; stroke: var(--lx-muted); stroke-width: 1.2; stroke-dasharray: 3 3; }
.lx-svdgeo .lx-ghost { fill: none; stroke: var(--lx-ell); stroke-opacity: 0.35; stroke-width: 1; stroke-dasharray: 2 4; }
.lx-svdgeo .lx-image { fill: var(--lx-ell); fill-opacity: 0.08; stroke: var(--lx-ell); stroke-opacity: 0.8; stroke-width: 1.6; }
.lx-svdgeo .lx-wire { fill: none; stroke: var(--lx-ell); stroke-opacity: 0.55; stroke-width: 1.1; }
.lx-svdgeo .lx-wire-back { stroke-opacity: 0.2; stroke-dasharray: 2 3; }
.lx-svdgeo .lx-column-tip rect { fill: var(--lx-fg); fill-opacity: 0.25; stroke: var(--lx-fg); stroke-width: 1.2; }
.lx-svdgeo .lx-axis, .lx-svdgeo .lx-circle, .lx-svdgeo .lx-ghost, .lx-svdgeo .lx-image, .lx-svdgeo .lx-wire,
.lx-svdgeo .lx-vec { pointer-events: none; }
.lx-svdgeo .lx-readout [data-field="stage-text"] { font-weight: 600; }
.lx-svdgeo .lx-plot3 { cursor: grab; touch-action: none; }
`;
function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-svdgeo-style")) return;
  document.head.append(h("style", { id: "lx-svdgeo-style" }, STYLE));
}

const COLORS = ["var(--lx-v1)", "var(--lx-v2)", "var(--lx-v3)"];
const SUB = ["₁", "₂", "₃"];

function render({ model, el }) {
  addStyle();
  const root = h("div", { class: "lx-svdgeo", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const M = () => model.get("matrix");
  const n = () => M().length;
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  const view = { yaw: -0.6, pitch: 0.35 }; // the 3-D camera: the page's own, not synced
  let frozenReach = null;
  const reach = () => {
    if (frozenReach) return frozenReach;
    const sig = model.get("sigma") || [1];
    const r = Math.max(1, sig[0] || 0);
    return Number.isFinite(r) ? r * 1.18 : 1;
  };

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img",
    "aria-label": "the unit circle or sphere, its image after the chosen stage, and the singular vectors" });
  const side = h("div", { class: "lx-side" });
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const presets = h("div", { class: "lx-presets", role: "group", "aria-label": "preset matrices" },
    Object.entries(PRESETS).map(([name, P]) => h("button", {
      type: "button", class: "lx-button", "data-preset": name, "data-focus-key": `preset-${name}`,
      onclick: () => commitState({ matrix: P.map((r) => r.slice()) }),
    }, name)));
  const slider = h("input", { type: "range", min: 0, max: 3, step: 1, "data-focus-key": "stage",
    "aria-label": "stage of the factorization", oninput: (e) => commitState({ stage: Number(e.target.value) }) });
  const stageLabel = h("span", { "data-field": "stage-text" });
  const stageBox = h("div", { class: "lx-stage" }, [
    h("button", { type: "button", "data-action": "back", "data-focus-key": "back", "aria-label": "previous stage",
      onclick: () => commitState({ stage: Math.max(0, model.get("stage") - 1) }) }, "◀"),
    slider,
    h("button", { type: "button", "data-action": "next", "data-focus-key": "next", "aria-label": "next stage",
      onclick: () => commitState({ stage: Math.min(3, model.get("stage") + 1) }) }, "▶"),
    h("div", {}, stageLabel),
  ]);
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(table, entryError, stageBox, presets, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  const hint = h("p", { class: "lx-hint" });
  root.append(hint);

  // --- projection: 2-D as it is; 3-D turned by the view, then orthographic ---
  function frame() {
    const R = reach(), k = (SIZE / 2 - 14) / R, o = SIZE / 2;
    const r1 = (x) => Math.round(x * 10) / 10; // a tenth of a pixel: shorter SVG, the same picture
    if (n() === 2) return { R, p: ([x, y]) => [r1(o + k * x), r1(o - k * y)], depth: () => 0 };
    const cy = Math.cos(view.yaw), sy = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    const turn = ([x, y, zz]) => {
      const x1 = cy * x + sy * y, y1 = -sy * x + cy * y; // yaw about the vertical (z) axis
      return [x1, cp * y1 - sp * zz, sp * y1 + cp * zz]; // then pitch: screen x, depth, screen y
    };
    return { R, p: (q) => { const [a, , c] = turn(q); return [r1(o + k * a), r1(o - k * c)]; }, depth: (q) => turn(q)[1] };
  }
  const apply = (T, q) => T.map((row) => row.reduce((acc, x, j) => acc + x * q[j], 0));

  function arrow(f, q, color, label, cls) {
    const [x0, y0] = f.p(q.map(() => 0)), [x1, y1] = f.p(q);
    const len = Math.hypot(x1 - x0, y1 - y0), g = s("g", { class: `lx-vec ${cls}` });
    if (len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: color, "stroke-width": 2.5 }),
        s("polygon", { fill: color, points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}` }),
      );
    }
    g.append(s("text", { x: x1 + 5, y: y1 - 5, style: `fill: ${color}`, class: "lx-label" }, label));
    return g;
  }
  // What the i-th singular vector is called after each stage: vᵢ, eᵢ, σᵢeᵢ, σᵢuᵢ.
  const vecLabel = (i, stage) => [`v${SUB[i]}`, `e${SUB[i]}`, `σ${SUB[i]}e${SUB[i]}`, `σ${SUB[i]}u${SUB[i]}`][stage];

  function draw() {
    const f = frame(), T = model.get("stage_matrix"), stage = model.get("stage"), A = M();
    const vs = model.get("v") || [], size = n();
    const parts = [s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" })];
    const axis = (q) => {
      const [x1, y1] = f.p(q.map((t) => -3 * f.R * t)), [x2, y2] = f.p(q.map((t) => 3 * f.R * t));
      return s("line", { x1, y1, x2, y2, class: "lx-axis" });
    };
    if (size === 2) {
      parts.push(axis([1, 0]), axis([0, 1]));
      const circle = [], image = [], ghost = [];
      for (let i = 0; i <= 72; i++) {
        const t = (2 * Math.PI * i) / 72, q = [Math.cos(t), Math.sin(t)];
        circle.push(f.p(q).join(","));
        image.push(f.p(apply(T, q)).join(","));
        ghost.push(f.p(apply(A, q)).join(","));
      }
      parts.push(s("polyline", { points: circle.join(" "), class: "lx-circle" }));
      if (stage < 3) parts.push(s("polyline", { points: ghost.join(" "), class: "lx-ghost" }));
      parts.push(s("polyline", { points: image.join(" "), class: "lx-image" }));
    } else {
      parts.push(axis([1, 0, 0]), axis([0, 1, 0]), axis([0, 0, 1]));
      // The sphere as three great circles and two latitude rings; their images under the stage's map.
      const rings = [];
      for (const [a, b, c0] of [[0, 1, 0], [1, 2, 0], [0, 2, 0]]) rings.push((t) => {
        const q = [0, 0, 0];
        q[a] = Math.cos(t);
        q[b] = Math.sin(t);
        return q;
      });
      for (const zz of [-0.6, 0.6]) rings.push((t) => [Math.sqrt(1 - zz * zz) * Math.cos(t), Math.sqrt(1 - zz * zz) * Math.sin(t), zz]);
      for (const ring of rings) {
        let seg = [], back = null;
        const flush = () => {
          if (seg.length > 1) parts.push(s("polyline", { points: seg.join(" "), class: back ? "lx-wire lx-wire-back" : "lx-wire" }));
        };
        for (let i = 0; i <= 96; i++) {
          const q = apply(T, ring((2 * Math.PI * i) / 96)), isBack = f.depth(q) > 0;
          if (back !== null && isBack !== back) {
            const last = seg[seg.length - 1];
            flush();
            seg = [last];
          }
          back = isBack;
          seg.push(f.p(q).join(","));
        }
        flush();
      }
    }
    vs.forEach((v, i) => parts.push(arrow(f, apply(T, v), COLORS[i], vecLabel(i, stage), "lx-singular")));
    if (size === 2) {
      // The columns of A, draggable: where e₁ and e₂ land. When the two tips (nearly) coincide, Ae₁'s
      // label goes above and Ae₂'s below, so they do not print over each other.
      const tips = [0, 1].map((j) => f.p([A[0][j], A[1][j]]));
      const together = Math.hypot(tips[0][0] - tips[1][0], tips[0][1] - tips[1][1]) < 24;
      A[0].forEach((_, j) => {
        const col = [A[0][j], A[1][j]], [cx, cy] = tips[j];
        const ly = Math.min(SIZE - 4, Math.max(12, together ? (j === 0 ? cy - 9 : cy + 19) : cy + 14));
        const hit = 22 * (SIZE / (renderedWidth(svg) || SIZE));
        parts.push(s("g", {
          class: "lx-tip lx-column-tip", tabindex: 0, role: "slider", "data-col": j, "data-focus-key": `col-${j}`,
          "aria-label": `column ${j + 1} of A (where e${SUB[j]} lands)`, "aria-valuetext": `Ae${SUB[j]} = (${col.map(fmt).join(", ")})`,
          onpointerdown: (e) => startDrag(e, j), onkeydown: (e) => nudge(e, j), ontouchstart: (e) => e.preventDefault(),
        }, [s("circle", { cx, cy, r: hit, class: "lx-hit" }), s("rect", { x: cx - 5, y: cy - 5, width: 10, height: 10 }),
          s("text", { x: Math.min(SIZE - 26, cx + 7), y: ly, class: "lx-label" }, `Ae${SUB[j]}`)]));
      });
    } else {
      parts[0].setAttribute("class", "lx-bg lx-turn");
    }
    morph(svg, ...parts);
    svg.classList.toggle("lx-plot3", size === 3);
    svg.setAttribute("tabindex", size === 3 ? 0 : -1);
    svg.setAttribute("aria-label", size === 3
      ? "the unit sphere's image after the chosen stage and the singular vectors; drag or use the arrow keys to turn the view"
      : "the unit circle, its image after the chosen stage, the singular vectors, and the draggable columns of A");
    svg.dataset.stage = stage;
  }

  function entries() {
    const t = h("table", { class: "lx-matrix", "aria-label": "entries of A" });
    M().forEach((row, i) => t.append(h("tr", {}, [h("th", {}, i === 0 ? "A =" : ""), ...row.map((v, j) =>
      h("td", {}, h("input", {
        type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(v), title: exact(v),
        "data-row": i, "data-col": j, "data-focus-key": `entry-${i}-${j}`, "aria-label": `A[${i + 1}, ${j + 1}]`,
        onchange: (e) => commit(e.target, i, j), onkeydown: (e) => e.key === "Enter" && commit(e.target, i, j),
      })))])));
    return t;
  }
  // The entry table is rebuilt only when the size changes; otherwise its values are updated in
  // place (cheaper, and an entry being typed in keeps its text and caret).
  function syncEntries() {
    const A = M(), inputs = table.querySelectorAll("input");
    if (inputs.length !== A.length * A.length) return table.replaceChildren(entries());
    for (const input of inputs) {
      const v = A[+input.dataset.row][+input.dataset.col];
      if (input !== document.activeElement || input.getAttribute("aria-invalid") !== "true") {
        if (input.value !== exact(v)) input.value = exact(v);
        input.title = exact(v);
      }
    }
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
    commitState({ matrix: next });
  }

  // Move column j of a 2×2 to q: rounded to a 0.05 grid, and onto the other column's line when nearly parallel.
  function setColumn(j, q) {
    const A = M(), other = [A[0][1 - j], A[1][1 - j]];
    let [x, y] = q.map((t) => Math.round(t * 20) / 20);
    const no = Math.hypot(...other), nq = Math.hypot(x, y);
    if (no > 0 && nq > 0 && Math.abs(other[0] * y - other[1] * x) / (no * nq) < SNAP) {
      const t = (other[0] * x + other[1] * y) / (no * no); // project onto the other column's line: singular
      x = t * other[0];
      y = t * other[1];
    }
    if (x === A[0][j] && y === A[1][j]) return;
    const next = A.map((r) => r.slice());
    next[0][j] = x + 0;
    next[1][j] = y + 0;
    commitState({ matrix: next, stage: 3 });
  }
  function nudge(e, j) {
    const step = e.shiftKey ? 0.5 : 0.1;
    const d = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const A = M();
    // Keys move on the grid without snapping, so every entry can be reached.
    const next = A.map((r) => r.slice());
    next[0][j] = Math.round((A[0][j] + d[0] * step) * 100) / 100 + 0;
    next[1][j] = Math.round((A[1][j] + d[1] * step) * 100) / 100 + 0;
    commitState({ matrix: next, stage: 3 });
  }
  function startDrag(event, j) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const f = frame();
    const move = (e) => {
      const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width, k = (SIZE / 2 - 14) / f.R;
      setColumn(j, [((e.clientX - rect.left) * sc - SIZE / 2) / k, (SIZE / 2 - (e.clientY - rect.top) * sc) / k]);
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
  // Turning the 3-D view: the page's own state, so nothing is sent to the kernel.
  svg.addEventListener("pointerdown", (event) => {
    if (n() !== 3) return;
    event.preventDefault();
    let last = [event.clientX, event.clientY];
    const move = (e) => {
      view.yaw += (e.clientX - last[0]) * 0.01;
      view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + (e.clientY - last[1]) * 0.01));
      last = [e.clientX, e.clientY];
      drawOnly();
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
  });
  svg.addEventListener("keydown", (e) => {
    if (n() !== 3 || e.target !== svg) return;
    const d = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] }[e.key];
    if (!d) return;
    e.preventDefault();
    view.yaw += d[0];
    view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + d[1]));
    drawOnly();
  });
  const drawOnly = guarded(root, () => keepingFocus(root, draw), false);

  const vec = (q) => `(${q.map(fmt).join(", ")})`;
  const eq = (x) => (fmt(x).startsWith("≈") ? `≈ ${fmt(x).slice(1)}` : `= ${fmt(x)}`); // "= 3" or "≈ 6.708"
  function readout() {
    const sig = model.get("sigma"), us = model.get("u"), vs = model.get("v"), rank = model.get("rank");
    const stage = model.get("stage"), du = model.get("det_u"), size = n();
    const rows = [
      h("div", { "data-field": "sigma" }, `${sig.map((x, i) => `σ${SUB[i]} ${eq(x)}`).join(", ")}: rank ${rank}. ` +
        `The eigenvalues of AᵀA are ${sig.map((x, i) => `σ${SUB[i]}² ${eq(x * x)}`).join(", ")}`),
      h("div", { "data-field": "v" }, `right singular vectors: ${vs.map((v, i) => `v${SUB[i]} = ${vec(v)}`).join(";  ")}`),
      h("div", { "data-field": "u" }, `left singular vectors: ${us.map((u, i) => `u${SUB[i]} = ${vec(u)}`).join(";  ")}`),
      h("div", { "data-field": "moves" }, `Vᵀ is a rotation; U is ${du < 0 ? "a reflection (det U = −1)" : "a rotation (det U = +1)"}` +
        (du < 0 && rank === size ? " because det A < 0: A flips orientation" : "") +
        (rank < size ? `; σ = 0 squashes ${size - rank === 1 ? "one direction" : `${size - rank} directions`} flat, ` +
          `so det A = 0 and the sign of u${SUB[size - 1]} is free: it is chosen to make U a rotation too` : "")),
    ];
    // Rounding noise (|x| below 1e-12 of the largest entry) reads as 0.
    const T = model.get("stage_matrix"), big = Math.max(...T.flat().map(Math.abs));
    const clean = (x) => (Math.abs(x) <= 1e-12 * big ? 0 : x);
    rows.push(h("div", { "data-field": "stage-matrix" },
      `applied so far (stage ${stage}): [${T.map((r) => r.map((x) => fmt(clean(x))).join(", ")).join("; ")}]`));
    return rows;
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      syncEntries();
      presets.querySelectorAll("button").forEach((b) => {
        const P = PRESETS[b.dataset.preset];
        b.setAttribute("aria-pressed", String(JSON.stringify(P) === JSON.stringify(M())));
      });
    });
    const stage = model.get("stage");
    slider.value = String(stage);
    slider.setAttribute("aria-valuetext", `stage ${stage}: ${STAGES[stage]}`);
    stageLabel.textContent = `stage ${stage}: ${STAGES[stage]}`;
    hint.textContent = n() === 2
      ? "Step through the stages with the slider or ◀ ▶. Drag the squares Ae₁, Ae₂ (the columns of A), or Tab to one and use the arrow keys (Shift for bigger steps); type entries (fractions like 3/4 are fine) or pick a preset."
      : "Step through the stages with the slider or ◀ ▶. Turn the view by dragging the picture, or Tab to it and use the arrow keys; type entries or pick a preset.";
    morph(status, ...readout());
  });
  onChange(model, ["matrix", "stage", "sigma", "u", "v", "rank", "det_u", "det_v", "det_sign", "stage_matrix"], update);
  update();
}

lalib.widgets.svd_geometry = { render, derive, addStyle };
