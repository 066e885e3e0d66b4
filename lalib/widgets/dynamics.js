// Dynamics: trajectories of x_{t+1} = A x_t from starting points the reader
// places. Click or tap the plot to add a start (at most six; the oldest goes),
// drag a start, or Tab to it and move it with the arrow keys; edit A or pick a
// preset. The eigenlines (real eigenvalues) are drawn, and the readout gives
// each eigenvalue's modulus and the spectral radius that decides whether
// trajectories decay or grow. The eigenvalues come from the eigen explorer's
// derive (shipped before this file), so both widgets agree.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;
const eigen = lalib.widgets.eigen_explorer;

const SIZE = 320, R = 4, GRID = 0.25, MAX_STARTS = 6, BOUND = 1e6, TOL = 1e-12;
const PRESETS = {
  "spiral in": [[0.8, -0.45], [0.45, 0.8]],
  "spiral out": [[0.95, -0.4], [0.4, 0.95]],
  sink: [[0.9, 0.1], [0.05, 0.7]],
  saddle: [[1.2, 0], [0, 0.6]],
  rotation: [[0, -1], [1, 0]],
  shear: [[1, 0.3], [0, 1]],
};
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];

function derive(state) {
  const [[a, b], [c, d]] = state.matrix;
  const e = eigen.derive({ matrix: state.matrix, angle: 0, steps: 0 });
  const moduli = e.values.map(([re, im]) => Math.hypot(re, im));
  const rho = Math.max(...moduli);
  const paths = state.starts.map(([p0, q0]) => {
    let p = p0, q = q0;
    const path = [[p + 0, q + 0]];
    for (let k = 0; k < state.steps; k++) {
      [p, q] = [a * p + b * q, c * p + d * q];
      if (!(Math.max(Math.abs(p), Math.abs(q)) <= BOUND)) break;
      path.push([p + 0, q + 0]);
    }
    return path;
  });
  const verdict = rho < 1 - TOL ? "decays" : rho > 1 + TOL ? "grows" : "borderline";
  return { paths, values: e.values, kind: e.kind, vectors: e.vectors, moduli, rho, verdict };
}

function render({ model, el }) {
  eigen.addStyle();
  const root = h("div", { class: "lx-eigen lx-dynamics", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  const k = (SIZE / 2 - 10) / R, o = SIZE / 2;
  const P = ([x, y]) => [o + k * Math.max(-3 * R, Math.min(3 * R, x)), o - k * Math.max(-3 * R, Math.min(3 * R, y))];
  const snap = (v) => Math.round(v / GRID) * GRID + 0;
  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img",
    "aria-label": "trajectories of x(t+1) = A x(t) from the starting points" });
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const presets = h("div", { class: "lx-presets", role: "group", "aria-label": "preset matrices" },
    Object.entries(PRESETS).map(([name, M]) => h("button", { type: "button", "data-preset": name, "data-focus-key": `preset-${name}`,
      onclick: () => commitState({ matrix: M.map((r) => r.slice()) }) }, name)));
  const controls = h("div", { class: "lx-controls" }, [
    h("button", { type: "button", "data-action": "clear", "data-focus-key": "clear", onclick: () => commitState({ starts: [] }) }, "clear starts"),
  ]);
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  const side = h("div", { class: "lx-side" }, [table, entryError, presets, controls, status]);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  root.append(h("p", { class: "lx-hint" },
    "Click or tap the plot to add a starting point (up to six), drag one to move it, or Tab to it and use the arrow keys " +
    `(steps of ${GRID}). Edit A or pick a preset.`));

  function addStart(event) {
    const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width;
    const x = snap(((event.clientX - rect.left) * sc - o) / k), y = snap((o - (event.clientY - rect.top) * sc) / k);
    commitState({ starts: [...model.get("starts"), [x, y]].slice(-MAX_STARTS) });
  }
  function moveStart(i, x, y) {
    const next = model.get("starts").map((p) => p.slice());
    if (next[i][0] === x && next[i][1] === y) return;
    next[i] = [x, y];
    commitState({ starts: next });
  }
  function startDrag(event, i) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    const move = (e) => {
      const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width;
      moveStart(i, snap(((e.clientX - rect.left) * sc - o) / k), snap((o - (e.clientY - rect.top) * sc) / k));
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
      window.removeEventListener("pointercancel", stop);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
    window.addEventListener("pointercancel", stop);
  }
  function nudge(e, i) {
    const step = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!step) return;
    e.preventDefault();
    const [x, y] = model.get("starts")[i];
    moveStart(i, snap(x + step[0] * GRID), snap(y + step[1] * GRID));
  }

  function draw() {
    const parts = [s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg", onpointerdown: addStart })];
    for (const [a, b] of [[[-R, 0], [R, 0]], [[0, -R], [0, R]]]) {
      const [x1, y1] = P(a), [x2, y2] = P(b);
      parts.push(s("line", { x1, y1, x2, y2, class: "lx-axis" }));
    }
    (model.get("vectors") || []).forEach((v, i) => {
      const [x1, y1] = P(v.map((t) => -2 * R * t)), [x2, y2] = P(v.map((t) => 2 * R * t));
      parts.push(s("line", { x1, y1, x2, y2, class: "lx-eigenline", "data-eigenline": i }));
    });
    const paths = model.get("paths") || [];
    paths.forEach((path, i) => {
      const color = COLORS[i % COLORS.length];
      parts.push(s("polyline", { points: path.map((p) => P(p).join(",")).join(" "), fill: "none", stroke: color,
        "stroke-width": 1.3, "stroke-opacity": 0.8, class: "lx-path", "data-path": i, "pointer-events": "none" }));
      // The iterates as one path of dots (a zero-length stroke with round caps is a dot of that
      // width): one element a trajectory instead of one a step keeps a redraw within a frame.
      const dots = path.slice(1).filter((p) => Math.abs(p[0]) <= R * 1.05 && Math.abs(p[1]) <= R * 1.05)
        .map((p) => `M${P(p).join(" ")}h0`).join("");
      if (dots) parts.push(s("path", { d: dots, stroke: color, "stroke-width": 4.4, "stroke-linecap": "round", fill: "none",
        class: "lx-dots", "data-path": i, "pointer-events": "none" }));
    });
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    model.get("starts").forEach((p, i) => {
      const [cx, cy] = P(p);
      parts.push(s("g", { class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable point",
        "aria-label": `start ${i + 1} at (${p.map(fmt).join(", ")}); arrow keys move it by ${GRID}`,
        "data-start": i, "data-focus-key": `start-${i}`, onpointerdown: (e) => startDrag(e, i), onkeydown: (e) => nudge(e, i),
        ontouchstart: (e) => e.preventDefault() }, [
        s("circle", { cx, cy, r: hitRadius, class: "lx-hit" }),
        s("circle", { cx, cy, r: 7, class: "lx-handle", fill: COLORS[i % COLORS.length] }),
      ]));
    });
    morph(svg, ...parts);
  }

  function entries() {
    const t = h("table", { class: "lx-matrix", "aria-label": "entries of A" });
    model.get("matrix").forEach((row, i) => t.append(h("tr", {}, [h("th", {}, i === 0 ? "A =" : ""), ...row.map((v, j) =>
      h("td", {}, h("input", { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(v),
        "data-row": i, "data-col": j, "data-focus-key": `entry-${i}-${j}`, "aria-label": `A[${i + 1}, ${j + 1}]`,
        onchange: (e) => commit(e.target, i, j), onkeydown: (e) => e.key === "Enter" && commit(e.target, i, j) })))])));
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
    const M = model.get("matrix");
    if (read.value === M[i][j]) return (input.value = exact(read.value));
    const next = M.map((r) => r.slice());
    next[i][j] = read.value;
    commitState({ matrix: next });
  }

  const eq = (v) => (fmt(v).startsWith("≈") ? fmt(v) : `= ${fmt(v)}`); // "= 3" or "≈0.918", never "= ≈0.918"
  function readout() {
    const values = model.get("values"), moduli = model.get("moduli"), rho = model.get("rho"), verdict = model.get("verdict");
    const lam = ([re, im]) => (im === 0 ? fmt(re) : `${fmt(re)} ${im < 0 ? "−" : "+"} ${fmt(Math.abs(im))}i`);
    const says = { decays: "every trajectory decays to 0", grows: "almost every trajectory grows without bound",
      borderline: "trajectories neither decay nor blow up exponentially" }[verdict];
    const rows = [
      h("div", { "data-field": "eigenvalues" }, `λ₁ = ${lam(values[0])} (|λ₁| ${eq(moduli[0])}), λ₂ = ${lam(values[1])} (|λ₂| ${eq(moduli[1])})`),
      h("div", { "data-field": "verdict" }, [h("b", {}, `ρ(A) ${eq(rho)}`), `: ${says}`]),
    ];
    const paths = model.get("paths") || [];
    if (!paths.length) rows.push(h("div", { "data-field": "paths" }, "No starting points: click the plot to add one."));
    paths.forEach((path, i) => {
      const last = path[path.length - 1], steps = path.length - 1;
      rows.push(h("div", { "data-field": "path", "data-path": i },
        `start ${i + 1} (${path[0].map(fmt).join(", ")}): after ${steps} steps |x| ${eq(Math.hypot(...last))}` +
        (steps < model.get("steps") ? ` (stopped: it passed ${fmt(BOUND)})` : "")));
    });
    return rows;
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      morph(table, entries());
    });
    morph(status, ...readout());
  });
  onChange(model, ["matrix", "starts", "steps", "paths", "values", "kind", "vectors", "moduli", "rho", "verdict"], update);
  update();
}

lalib.widgets.dynamics = { render, derive };
