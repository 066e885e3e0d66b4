// Taste editor: a small users × movies grid of 1-5 star ratings, completed by
// biased alternating least squares (rank 2) r ≈ μ + b_u + b_i + p_u·q_i.
// The reader rates or clears cells (tap a cell, then a star button; or type
// 1-5, 0 / Delete to clear, arrow keys to move), picks the ridge penalty and
// the number of sweeps. Shown: the completed grid (known ratings bold,
// predictions grey), the selected user's top picks among unrated movies, the
// loss after each sweep, and a 2-D map of the movies' factor vectors q_i with
// the user's vector p_u. Reads only the model, so the kernel (live) and
// derive() (static page, the same sweeps in JavaScript) draw the same thing.

const { h, s, morph, onChange, ownKeys, redrawer, guarded, keepingFocus } = lalib.runtime;

const SIZE = 300;
const REGS = [0.1, 0.3, 1, 3, 10];
const MAX_SWEEPS = 30;
const N_TOP = 3;

// --- the numerics: lalib.recsys.teaching.taste_als, step for step ---------------------

// The fixed start of the item factors (teaching.taste_init).
function initFactors(n, k) {
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, f) => 0.1 * Math.cos(1 + 1.7 * i + 2.3 * f + 0.9 * i * f)));
}

// Solve the symmetric positive definite system A x = b (Cholesky); A is changed.
function solveSPD(A, b) {
  const n = b.length;
  for (let j = 0; j < n; j++) {
    let d = A[j][j];
    for (let p = 0; p < j; p++) d -= A[j][p] * A[j][p];
    d = Math.sqrt(d);
    A[j][j] = d;
    for (let i = j + 1; i < n; i++) {
      let v = A[i][j];
      for (let p = 0; p < j; p++) v -= A[i][p] * A[j][p];
      A[i][j] = v / d;
    }
  }
  const y = b.slice();
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) y[i] -= A[i][p] * y[p];
    y[i] /= A[i][i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) y[i] -= A[p][i] * y[p];
    y[i] /= A[i][i];
  }
  return y;
}

// One ALS half-step (lalib.recsys.als_step): for every row, the ridge regression
// of (r - mu - fixedBias_c) on [fixed_c, 1] over the columns c it rated.
function halfStep(rows, fixed, fixedBias, mu, reg) {
  const k = fixed[0] ? fixed[0].length : 0;
  const X = [], xb = [];
  for (const entries of rows) {
    const A = Array.from({ length: k + 1 }, (_, i) => Array.from({ length: k + 1 }, (_, j) => (i === j ? reg : 0)));
    const b = new Array(k + 1).fill(0);
    for (const [c, r] of entries) {
      const x = [...fixed[c], 1], y = r - mu - fixedBias[c];
      for (let i = 0; i <= k; i++) {
        b[i] += x[i] * y;
        for (let j = 0; j <= k; j++) A[i][j] += x[i] * x[j];
      }
    }
    const w = entries.length ? solveSPD(A, b) : new Array(k + 1).fill(0);
    X.push(w.slice(0, k));
    xb.push(w[k]);
  }
  return [X, xb];
}

const dot = (a, b) => a.reduce((t, x, i) => t + x * b[i], 0);
const clean = (x) => x + 0; // no -0 in the state

function derive(state) {
  const G = state.ratings, reg = state.reg, sweeps = state.sweeps, k = 2;
  const n = G.length, m = G[0].length;
  const byRow = G.map((row) => row.flatMap((r, j) => (r > 0 ? [[j, r]] : [])));
  const byCol = Array.from({ length: m }, (_, j) => G.flatMap((row, i) => (row[j] > 0 ? [[i, row[j]]] : [])));
  const known = byRow.flat();
  const mu = known.length ? known.reduce((t, [, r]) => t + r, 0) / known.length : 3;
  let Q = initFactors(m, k), bi = new Array(m).fill(0);
  let P = Array.from({ length: n }, () => new Array(k).fill(0)), bu = new Array(n).fill(0);
  const predict = () => G.map((_, u) => Q.map((q, i) => mu + bu[u] + bi[i] + dot(P[u], q)));
  const sq = (A) => A.reduce((t, v) => t + dot(v, v), 0);
  const loss = [];
  for (let t = 0; t < sweeps; t++) {
    [P, bu] = halfStep(byRow, Q, bi, mu, reg);
    [Q, bi] = halfStep(byCol, P, bu, mu, reg);
    const C = predict();
    let J = 0;
    G.forEach((row, u) => row.forEach((r, i) => { if (r > 0) J += (r - C[u][i]) ** 2; }));
    loss.push(J + reg * (sq(P) + sq(Q) + dot(bu, bu) + dot(bi, bi)));
  }
  const completed = predict();
  let sse = 0;
  G.forEach((row, u) => row.forEach((r, i) => { if (r > 0) sse += (r - completed[u][i]) ** 2; }));
  const user = ((state.user % n) + n) % n;
  const rounded = completed[user].map((x) => Math.round(x * 1e9) / 1e9);
  const unrated = G[user].flatMap((r, i) => (r > 0 ? [] : [i]));
  const top = unrated.sort((a, b) => rounded[b] - rounded[a] || a - b).slice(0, N_TOP);
  const rows = (A) => A.map((r) => r.map(clean));
  return {
    mu: clean(mu), completed: rows(completed), user_factors: rows(P), item_factors: rows(Q),
    user_bias: bu.map(clean), item_bias: bi.map(clean), loss: loss.map(clean),
    train_rmse: known.length ? clean(Math.sqrt(sse / known.length)) : 0, top,
  };
}

// --- the look ---------------------------------------------------------------------------
const STYLE = `
.lx-taste { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-wrong: #c62828; --lx-you: #d62728; --lx-item: #1f77b4;
  --lx-cold: #d0e2f5; --lx-hot: #f7c9a4;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-taste, body[data-jp-theme-light="false"] .lx-taste {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-you: #ff7b72; --lx-item: #79c0ff;
  --lx-cold: #1d3350; --lx-hot: #5a3415; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-taste {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
    --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-you: #ff7b72; --lx-item: #79c0ff;
    --lx-cold: #1d3350; --lx-hot: #5a3415; } }
.lx-taste button, .lx-taste input { font: inherit; color: var(--lx-fg); background: var(--lx-field);
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-taste button { min-height: 2.2em; padding: 0.2em 0.6em; margin: 0.15em 0.25em 0.15em 0; cursor: pointer; }
.lx-taste button[aria-pressed="true"] { background: var(--lx-accent); color: var(--lx-surface); border-color: var(--lx-accent); }
.lx-taste :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 1px; }
.lx-taste .lx-gridwrap { overflow-x: auto; max-width: 100%; }
.lx-taste table.lx-grid { border-collapse: collapse; }
.lx-taste .lx-grid th { font-weight: 600; font-size: 0.8em; padding: 2px 3px; text-align: center; }
.lx-taste .lx-grid th.lx-colhead { writing-mode: vertical-rl; transform: rotate(180deg);
  text-align: left; vertical-align: bottom; white-space: nowrap; }
.lx-taste .lx-grid th.lx-rowhead { text-align: right; white-space: nowrap; }
.lx-taste .lx-grid tr.lx-selected-row th.lx-rowhead { color: var(--lx-you); }
.lx-taste .lx-grid td { padding: 1px; }
.lx-taste .lx-cell { width: 2.6em; height: 2.6em; min-height: 0; margin: 0; padding: 0; border-radius: 3px;
  font-variant-numeric: tabular-nums; }
@media (max-width: 480px) { .lx-taste .lx-cell { width: 2.4em; height: 2.4em; } }
.lx-taste .lx-cell[data-known="true"] { font-weight: 700; border-width: 2px; }
.lx-taste .lx-cell[data-known="false"] { color: var(--lx-muted); font-style: italic; font-size: 0.85em; border-style: dashed; }
.lx-taste .lx-cell[data-selected="true"] { outline: 3px solid var(--lx-focus); }
.lx-taste .lx-picker, .lx-taste .lx-controls { margin-top: 0.4em; }
.lx-taste .lx-row { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.lx-taste .lx-map { width: min(300px, 100%); height: auto; border: 1px solid var(--lx-border); border-radius: 6px;
  background: var(--lx-surface); }
.lx-taste .lx-map .lx-axis { stroke: var(--lx-muted); stroke-opacity: 0.5; }
.lx-taste .lx-map .lx-indifferent { stroke: var(--lx-you); stroke-opacity: 0.35; stroke-dasharray: 4 4; }
.lx-taste .lx-map text { font-size: 11px; fill: var(--lx-fg); }
.lx-taste .lx-map .lx-item { fill: var(--lx-item); }
.lx-taste .lx-map .lx-item.lx-top { fill: var(--lx-you); }
.lx-taste .lx-side { flex: 1 1 220px; min-width: 200px; }
.lx-taste .lx-readout { line-height: 1.5; }
.lx-taste .lx-readout [data-field="top"] { font-weight: 600; }
.lx-taste .lx-readout .lx-note { font-size: 0.85em; color: var(--lx-muted); }
.lx-taste .lx-hint { font-size: 0.85em; color: var(--lx-muted); margin: 0.3em 0 0; }
.lx-taste input[type="range"] { vertical-align: middle; width: 9em; border: 0; background: transparent; }
`;
function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-taste-style")) return;
  document.head.append(h("style", { id: "lx-taste-style" }, STYLE));
}

const stars = (x) => Math.min(5, Math.max(1, x)); // predictions are shown on the 1-5 scale
const one = (x) => (Math.round(x * 10) / 10).toFixed(1);
// Readout numbers: rounded to 3 decimals (said once, under the readout, so no
// "≈" on each), a value that rounds to zero shown as 0 (a 1e-16 is rounding
// noise, not a taste), and one minus sign, U+2212.
const DECIMALS = 3;

// Map labels: 11 px text is about 6.3 px a character (measured for these names;
// an estimate, so placement works before layout and in a hidden page too).
const textWidth = (label) => 6.3 * label.length;
const overlap = (a, b) => Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
// [dx, dy, anchor] of the label's baseline point around a dot; right of it first.
const SPOTS = [[7, 4, "start"], [-7, 4, "end"], [6, -9, "start"], [6, 17, "start"], [-6, -9, "end"], [-6, 17, "end"],
  [0, -10, "middle"], [0, 19, "middle"]];
function placeLabel(x, y, w, taken, spots = SPOTS) {
  let best = null;
  for (const [dx, dy, anchor] of spots) {
    const tx = x + dx, ty = y + dy, left = anchor === "start" ? tx : anchor === "end" ? tx - w : tx - w / 2;
    const box = [left, ty - 10, left + w, ty + 3];
    const outside = Math.max(0, -box[0]) + Math.max(0, box[2] - SIZE) + Math.max(0, -box[1]) + Math.max(0, box[3] - SIZE);
    const cost = taken.reduce((sum, b) => sum + overlap(box, b), 0) + 50 * outside;
    if (!best || cost < best.cost) best = { cost, spot: [tx, ty, anchor], box };
    if (cost === 0) break;
  }
  taken.push(best.box);
  return best.spot;
}
const num = (x) => {
  if (!Number.isFinite(x)) return String(x);
  const r = Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
  return r === 0 ? "0" : String(r).replace("-", "\u2212");
};
const possessive = (name) => (name === "You" ? "Your" : `${name}'s`);
const hasRated = (name) => `${name} ${name === "You" ? "have" : "has"} rated`; // "You have", "Ana has"

function render({ model, el }) {
  addStyle();
  const root = h("div", { class: "lx-taste" });
  el.append(ownKeys(root));
  const G = () => model.get("ratings");
  const names = () => [model.get("users"), model.get("movies")];
  let sel = [Math.max(0, model.get("user")), 0]; // the selected cell (row, column); its row is the model's user
  const commit = guarded(root, (changes) => {
    for (const [key, v] of Object.entries(changes)) model.set(key, v);
    model.save_changes();
  });
  const initial = G().map((r) => r.slice());

  function setRating(u, i, r) {
    if (G()[u][i] === r) return;
    const next = G().map((row) => row.slice());
    next[u][i] = r;
    commit({ ratings: next });
  }
  function select(u, i, focus = true) {
    sel = [u, i];
    if (model.get("user") !== u) commit({ user: u });
    else update();
    if (focus) queueMicrotask(() => {
      const b = root.querySelector(`.lx-cell[data-row="${u}"][data-col="${i}"]`);
      if (b) b.focus({ preventScroll: true });
    });
  }
  function cellKey(e, u, i) {
    const n = G().length, m = G()[0].length;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      const [du, di] = moves[e.key];
      select(Math.min(n - 1, Math.max(0, u + du)), Math.min(m - 1, Math.max(0, i + di)));
    } else if (/^[1-5]$/.test(e.key)) {
      e.preventDefault();
      sel = [u, i];
      setRating(u, i, +e.key);
    } else if (["0", "Delete", "Backspace"].includes(e.key)) {
      e.preventDefault();
      sel = [u, i];
      setRating(u, i, 0);
    }
  }

  const gridWrap = h("div", { class: "lx-gridwrap" });
  const picker = h("div", { class: "lx-picker", role: "group" });
  const controls = h("div", { class: "lx-controls" });
  const map = s("svg", { class: "lx-map", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img" });
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  root.append(gridWrap, picker, controls,
    h("div", { class: "lx-row" }, [map, h("div", { class: "lx-side" }, [status])]),
    h("p", { class: "lx-hint" },
      "Tap a cell, then a star button; or Tab into the grid, move with the arrow keys, type 1–5 to rate and 0 or " +
      "Delete to clear. Bold cells are ratings; grey ones are the model's predictions. The row you select is the " +
      "user whose picks and taste vector are shown."));

  // The grid's elements are built once per shape and updated in place: a
  // redraw then touches text and attributes only, and focus stays put.
  let table = null, shapeKey = "";
  function buildGrid() {
    const [users, movies] = names(), g = G();
    const t = h("table", { class: "lx-grid", "aria-label": "ratings: rows are users, columns are movies" });
    t.append(h("tr", {}, [h("th", {}, ""), ...movies.map((name) => h("th", { class: "lx-colhead", scope: "col" }, name))]));
    g.forEach((row, u) => {
      t.append(h("tr", { "data-row": u }, [
        h("th", { class: "lx-rowhead", scope: "row" }, users[u]),
        ...row.map((_, i) => h("td", {}, h("button", {
          type: "button", class: "lx-cell", "data-row": u, "data-col": i, "data-focus-key": `cell-${u}-${i}`,
          onclick: () => select(u, i), onkeydown: (e) => cellKey(e, u, i),
        }))),
      ]));
    });
    return t;
  }
  const setIf = (el, name, value) => el.getAttribute(name) !== value && el.setAttribute(name, value);
  function grid() {
    const [users, movies] = names(), C = model.get("completed"), g = G(), [su, si] = sel;
    const key = JSON.stringify([users, movies]);
    if (key !== shapeKey) {
      table = buildGrid();
      shapeKey = key;
      gridWrap.replaceChildren(table);
    }
    for (const tr of table.querySelectorAll("tr[data-row]")) tr.classList.toggle("lx-selected-row", +tr.dataset.row === model.get("user"));
    for (const b of table.querySelectorAll(".lx-cell")) {
      const u = +b.dataset.row, i = +b.dataset.col, r = g[u][i], p = C[u][i], isSel = u === su && i === si;
      const shade = (stars(p) - 1) / 4; // cold (1 star) to warm (5 stars)
      // Only what changed is written: each write makes the browser restyle the cell.
      setIf(b, "data-known", r > 0 ? "true" : "false");
      setIf(b, "data-selected", isSel ? "true" : "false");
      setIf(b, "tabindex", isSel ? "0" : "-1");
      setIf(b, "style", `background: color-mix(in srgb, var(--lx-hot) ${Math.round(100 * shade)}%, var(--lx-cold))`);
      setIf(b, "aria-label", `${users[u]}, ${movies[i]}: ${r > 0 ? `rated ${r}` : `not rated, predicted ${one(stars(p))}`}`);
      const text = r > 0 ? String(r) : one(stars(p));
      if (b.textContent !== text) b.textContent = text;
    }
  }

  function pickerRow() {
    const [users, movies] = names(), [u, i] = sel, r = G()[u][i];
    picker.setAttribute("aria-label", `rate ${users[u]} × ${movies[i]}`);
    return [h("span", {}, `${users[u]} × ${movies[i]}: `),
      ...[0, 1, 2, 3, 4, 5].map((v) => h("button", {
        type: "button", "data-stars": v, "data-focus-key": `stars-${v}`, "aria-pressed": r === v ? "true" : "false",
        "aria-label": v ? `${v} star${v > 1 ? "s" : ""}` : "not rated", onclick: () => setRating(u, i, v),
      }, v ? `${v}★` : "–"))];
  }

  // The controls are built once and updated in place: rebuilding the range
  // input on every update would end a mouse drag after its first step.
  const regButtons = REGS.map((v) => h("button", {
    type: "button", "data-reg": v, "data-focus-key": `reg-${v}`,
    "aria-label": `ridge penalty ${v}`, onclick: () => commit({ reg: v }),
  }, String(v)));
  const slider = h("input", {
    type: "range", min: 0, max: MAX_SWEEPS, step: 1, "data-focus-key": "sweeps",
    "aria-label": "number of ALS sweeps", oninput: (e) => commit({ sweeps: +e.target.value }),
  });
  controls.append(
    h("span", {}, "penalty λ: "), ...regButtons, h("br"),
    h("label", {}, ["ALS sweeps ", slider]),
    h("button", { type: "button", "data-action": "sweep", "data-focus-key": "sweep",
      onclick: () => commit({ sweeps: Math.min(MAX_SWEEPS, model.get("sweeps") + 1) }) }, "one more sweep ▶"),
    h("button", { type: "button", "data-action": "clear-row", "data-focus-key": "clear-row",
      onclick: () => commit({ ratings: G().map((row, u) => (u === model.get("user") ? row.map(() => 0) : row.slice())) }) },
      "clear this row (new user)"),
    h("button", { type: "button", "data-action": "reset", "data-focus-key": "reset",
      onclick: () => commit({ ratings: initial.map((r) => r.slice()) }) }, "reset grid"));
  function updateControls() {
    const sweeps = model.get("sweeps"), reg = model.get("reg");
    for (const b of regButtons) b.setAttribute("aria-pressed", +b.dataset.reg === reg ? "true" : "false");
    // Only when it differs: writing the value the user is dragging to is harmless, but skip it anyway.
    if (+slider.value !== sweeps) slider.value = String(sweeps);
    slider.setAttribute("aria-valuetext", `${sweeps} sweep${sweeps === 1 ? "" : "s"}`);
  }

  function drawMap() {
    const [users, movies] = names(), Q = model.get("item_factors"), P = model.get("user_factors");
    const u = model.get("user"), p = P[u] || [0, 0], top = model.get("top");
    const all = [...Q.flat(), ...p].map(Math.abs).filter(Number.isFinite);
    const R = Math.max(0.25, ...all) * 1.25, c = SIZE / 2, k = (SIZE / 2 - 8) / R;
    const at = ([x, y]) => [c + k * x, c - k * y];
    const parts = [s("line", { x1: 0, y1: c, x2: SIZE, y2: c, class: "lx-axis" }),
      s("line", { x1: c, y1: 0, x2: c, y2: SIZE, class: "lx-axis" }),
      s("text", { x: SIZE - 4, y: c - 4, "text-anchor": "end" }, "factor 1"),
      s("text", { x: c + 4, y: 12 }, "factor 2")];
    const pn = Math.hypot(p[0], p[1]);
    if (pn > 1e-12) { // the movies on this line get no taste term: p·q = 0
      const d = [-p[1] / pn, p[0] / pn], [a0, a1] = at([-2 * R * d[0], -2 * R * d[1]]), [b0, b1] = at([2 * R * d[0], 2 * R * d[1]]);
      parts.push(s("line", { x1: a0, y1: a1, x2: b0, y2: b1, class: "lx-indifferent" }));
    }
    const dots = Q.map(at), taken = [[SIZE - 50, c - 16, SIZE, c - 2], [c + 2, 0, c + 50, 16]]; // the axis names
    dots.forEach(([x, y]) => taken.push([x - 6, y - 6, x + 6, y + 6]));
    if (pn > 1e-12) {
      const [x0, y0] = at([0, 0]), [x1, y1] = at(p), len = Math.hypot(x1 - x0, y1 - y0);
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      for (let f = 0.2; f <= 1; f += 0.2) taken.push([x0 + f * (x1 - x0) - 3, y0 + f * (y1 - y0) - 3, x0 + f * (x1 - x0) + 3, y0 + f * (y1 - y0) + 3]);
      // The user's name: beyond the arrow's tip if that spot is free, else around the tip.
      const ahead = [14 * ux - 4, 14 * uy + 4, ux < -0.3 ? "end" : ux > 0.3 ? "start" : "middle"];
      const [tx, ty, anchor] = placeLabel(x1, y1, 7.2 * users[u].length, taken, [ahead, ...SPOTS]);
      parts.push(s("g", { class: "lx-user" }, [
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: "var(--lx-you)", "stroke-width": 2.5 }),
        s("polygon", { fill: "var(--lx-you)", points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}` }),
        s("text", { x: tx, y: ty, fill: "var(--lx-you)", "font-weight": 700, "text-anchor": anchor }, users[u])]));
    }
    // Labels go where they overlap nothing already drawn (dots, the arrow, other
    // labels): the first free spot of eight around the dot, else the least bad.
    // Dots on the same spot (a strong penalty shrinks every q_i to 0) share one label.
    const groups = [];
    dots.forEach(([x, y], i) => {
      const g = groups.find((g) => Math.hypot(dots[g[0]][0] - x, dots[g[0]][1] - y) < 2);
      if (g) g.push(i); else groups.push([i]);
    });
    Q.forEach((q, i) => {
      const [x, y] = dots[i], isTop = top.includes(i);
      parts.push(s("circle", { cx: x, cy: y, r: isTop ? 6 : 4.5, class: `lx-item${isTop ? " lx-top" : ""}`, "data-item": i }));
    });
    for (const g of groups) {
      const label = g.length === 1 ? movies[g[0]] : g.length === 2 ? `${movies[g[0]]}, ${movies[g[1]]}`
        : `${g.length === Q.length ? "all " : ""}${g.length} movies`;
      const [x, y] = dots[g[0]], [tx, ty, anchor] = placeLabel(x, y, textWidth(label), taken);
      parts.push(s("text", { x: tx, y: ty, "text-anchor": anchor }, label));
    }
    map.setAttribute("aria-label", `map of the movies' factor vectors q_i; ${possessive(users[u])} vector p = (${p.map(num).join(", ")})`);
    morph(map, ...parts);
  }

  function readout() {
    const [users, movies] = names(), u = model.get("user"), C = model.get("completed"), top = model.get("top");
    const loss = model.get("loss"), sweeps = model.get("sweeps"), cold = G()[u].every((r) => r === 0);
    const picks = top.length ? top.map((i) => `${movies[i]} (${one(C[u][i])})`).join(", ") : "none: every movie is rated";
    return [
      h("div", {}, [h("b", {}, `Top picks for ${users[u]}: `), h("span", { "data-field": "top" }, picks)]),
      h("div", { "data-field": "cold" }, cold
        ? `${hasRated(users[u])} nothing (cold start): p = 0 and b_u = 0, so the picks are the movies with the largest μ + b_i — the same for every new user.`
        : `${possessive(users[u])} taste p = (${model.get("user_factors")[u].map(num).join(", ")}), bias b_u = ${num(model.get("user_bias")[u])}.`),
      h("div", { "data-field": "fit" }, sweeps === 0
        ? `No sweep yet: every cell is predicted μ = ${num(model.get("mu"))}.`
        : `After ${sweeps} sweep${sweeps > 1 ? "s" : ""}: loss J = ${num(loss[loss.length - 1])} (it never rises from one sweep to the next), ` +
          `RMSE on the known ratings = ${num(model.get("train_rmse"))}.`),
      h("div", { class: "lx-note" }, `Numbers are rounded to ${DECIMALS} decimals, stars to 1.`),
    ];
  }

  const update = redrawer(root, () => {
    const n = G().length, m = G()[0].length;
    sel = [Math.min(sel[0], n - 1), Math.min(sel[1], m - 1)];
    if (sel[0] !== model.get("user")) sel = [model.get("user"), sel[1]];
    keepingFocus(root, () => {
      grid();
      morph(picker, ...pickerRow());
    });
    updateControls();
    drawMap();
    morph(status, ...readout());
  });
  onChange(model, ["ratings", "reg", "sweeps", "user", "completed", "item_factors", "user_factors", "top", "loss"], update);
  update();
}

lalib.widgets.taste_editor = { render, derive };
