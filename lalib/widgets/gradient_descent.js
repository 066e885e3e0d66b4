// Gradient descent on a quadratic f(x) = ½ xᵀHx. The reader drags the start
// point (or Tabs to it and uses the arrow keys), sets the learning rate on a
// slider measured in units of the limit 2/λ_max (it snaps to 1/λ_max, to the
// best step 2/(λ₁+λ₂) and to the limit itself) or types it, and sets H by its
// eigenvalues and the angle of its first eigenvector. The contours, the
// eigenvector axes, the path and a log-scale loss curve are drawn; the
// readout gives H, the factors 1 − ηλᵢ and the verdict.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const SIZE = 320, R = 4, GRID = 0.25, MAX_STEPS = 100, BOUND = 1e6, TOL = 1e-12, SNAP = 0.02;
const LOW = 1e-3, HIGH = 1e3;
const PRESETS = {
  round: [[1, 1], 0],
  elongated: [[4, 1], 30],
  "ill-conditioned": [[10, 0.5], -20],
};

function hessian([l1, l2], angle) {
  const c = Math.cos((angle * Math.PI) / 180), s_ = Math.sin((angle * Math.PI) / 180);
  return [[l1 * c * c + l2 * s_ * s_, (l1 - l2) * c * s_], [(l1 - l2) * c * s_, l1 * s_ * s_ + l2 * c * c]];
}

// The same computation as lalib.widgets.gradient_descent.descend, operation for operation.
function derive(state) {
  const [l1, l2] = state.eigenvalues, lr = state.lr;
  const H = hessian([l1, l2], state.angle), [[a, b], [, d]] = H;
  const c = Math.cos((state.angle * Math.PI) / 180), s_ = Math.sin((state.angle * Math.PI) / 180);
  const factors = [1 - lr * l1, 1 - lr * l2];
  const rate = Math.max(Math.abs(factors[0]), Math.abs(factors[1]));
  let verdict;
  if (rate > 1 + TOL) verdict = "diverges";
  else if (rate >= 1 - TOL) verdict = "borderline";
  else verdict = Math.min(...factors) < 0 ? "zigzag" : "converges";
  let p = state.start[0], q = state.start[1];
  const loss = () => 0.5 * (p * (a * p + b * q) + q * (b * p + d * q));
  const path = [[p + 0, q + 0]], losses = [loss()];
  for (let k = 0; k < state.steps; k++) {
    const gp = a * p + b * q, gq = b * p + d * q;
    p = p - lr * gp;
    q = q - lr * gq;
    if (!(Math.max(Math.abs(p), Math.abs(q)) <= BOUND)) break;
    path.push([p + 0, q + 0]);
    losses.push(loss());
  }
  const top = Math.max(l1, l2);
  return { hessian: H, vectors: [[c, s_], [-s_, c]], lr_max: 2 / top, lr_best: 2 / (l1 + l2), factors, rate, verdict, path, losses };
}

const STYLE = `
.lx-gd { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-wrong: #c62828; --lx-eig: #e0900f; --lx-path: #d62728;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-gd, body[data-jp-theme-light="false"] .lx-gd {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-eig: #f2b44c; --lx-path: #ff7b72; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-gd {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
    --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-eig: #f2b44c; --lx-path: #ff7b72; } }
.lx-gd input, .lx-gd button { font: inherit; color: var(--lx-fg); background: var(--lx-field);
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-gd button { min-height: 2.2em; padding: 0.2em 0.7em; margin: 0.15em 0.3em 0.15em 0; cursor: pointer; }
.lx-gd :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-gd .lx-field-row { display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center; margin: 0.3em 0; }
.lx-gd .lx-field-row input[type="text"] { width: 5.5em; padding: 2px 4px; min-height: 2em; }
.lx-gd .lx-field-row input[type="range"] { flex: 1 1 150px; min-width: 120px; min-height: 2em; accent-color: var(--lx-accent); }
.lx-gd input[aria-invalid="true"] { border-color: var(--lx-wrong); border-width: 2px; }
.lx-gd .lx-contour { fill: none; stroke: var(--lx-muted); stroke-opacity: 0.45; stroke-width: 1; }
.lx-gd .lx-eigenline { stroke: var(--lx-eig); stroke-width: 4; stroke-opacity: 0.5; }
.lx-gd .lx-axis { stroke: var(--lx-muted); stroke-opacity: 0.35; stroke-width: 1; }
.lx-gd .lx-path { fill: none; stroke: var(--lx-path); stroke-width: 1.6; }
.lx-gd .lx-iter { fill: var(--lx-path); }
.lx-gd .lx-min { fill: var(--lx-fg); }
.lx-gd .lx-handle { fill-opacity: 0.85; stroke: var(--lx-surface); stroke-width: 2; }
.lx-gd .lx-curve { fill: none; stroke: var(--lx-accent); stroke-width: 1.6; }
.lx-gd .lx-lossplot { width: min(320px, 100%); height: auto; border: 1px solid var(--lx-border); border-radius: 6px;
  background: var(--lx-surface); display: block; margin-top: 0.4em; }
.lx-gd .lx-lossplot text { font-size: 11px; fill: var(--lx-muted); }
.lx-gd .lx-contour, .lx-gd .lx-eigenline, .lx-gd .lx-axis, .lx-gd .lx-path, .lx-gd .lx-iter, .lx-gd .lx-min { pointer-events: none; }
.lx-gd [data-field="verdict"] { font-weight: 600; }
`;

function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-gd-style")) return;
  document.head.append(h("style", { id: "lx-gd-style" }, STYLE));
}

function render({ model, el }) {
  addStyle();
  const root = h("div", { class: "lx-gd", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  const k = (SIZE / 2 - 10) / R, o = SIZE / 2;
  const clampView = (v) => Math.max(-40 * R, Math.min(40 * R, v));   // far points drawn just off the plot
  const P = ([x, y]) => [o + k * clampView(x), o - k * clampView(y)];
  const snap = (v) => Math.round(v / GRID) * GRID + 0;
  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img",
    "aria-label": "contours of the quadratic loss, its Hessian's eigenvector axes, and the gradient-descent path" });
  const lossSvg = s("svg", { class: "lx-lossplot", viewBox: `0 0 ${SIZE} 90`, role: "img", "aria-label": "loss against step, log scale" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });

  // Learning-rate slider, in units of the limit 2/λ_max; snaps onto 1/λ_max, 2/(λ₁+λ₂) and 2/λ_max.
  const slider = h("input", { type: "range", min: 0, max: 1.5, step: 0.005, "data-control": "lr-ratio", "data-focus-key": "lr-ratio",
    "aria-label": "learning rate as a fraction of the limit 2/λ_max" });
  slider.addEventListener("input", () => {
    const ratio = Number(slider.value), top = 2 / model.get("lr_max");
    const marks = [[0.5, 1 / top], [model.get("lr_best") / model.get("lr_max"), model.get("lr_best")], [1, model.get("lr_max")]];
    let lr = ratio * model.get("lr_max");
    for (const [at, value] of marks) if (Math.abs(ratio - at) <= SNAP) lr = value;
    if (lr !== model.get("lr")) commitState({ lr });
  });
  const lrInput = textInput("lr", "learning rate η", (v) => (v < 0 || v > 1e3 ? "η must be between 0 and 1000." : null), (v) => ({ lr: v }));
  const l1Input = textInput("l1", "eigenvalue λ₁", lamProblem, (v) => ({ eigenvalues: [v, model.get("eigenvalues")[1]] }));
  const l2Input = textInput("l2", "eigenvalue λ₂", lamProblem, (v) => ({ eigenvalues: [model.get("eigenvalues")[0], v] }));
  const angleInput = textInput("angle", "angle of λ₁'s eigenvector, degrees", () => null, (v) => ({ angle: v }));
  const stepsSlider = h("input", { type: "range", min: 0, max: MAX_STEPS, step: 1, "data-control": "steps", "data-focus-key": "steps",
    "aria-label": "number of steps" });
  stepsSlider.addEventListener("input", () => commitState({ steps: Number(stepsSlider.value) }));
  const stepsLabel = h("span", { "data-field": "steps" });
  const presets = h("div", { class: "lx-presets", role: "group", "aria-label": "preset Hessians" },
    Object.entries(PRESETS).map(([name, [values, angle]]) => h("button", { type: "button", "data-preset": name, "data-focus-key": `preset-${name}`,
      onclick: () => commitState({ eigenvalues: values.slice(), angle }) }, name)));

  function lamProblem(v) {
    return v < LOW || v > HIGH ? `An eigenvalue must be between ${LOW} and ${HIGH} here (H positive definite).` : null;
  }
  function textInput(key, label, problem, change) {
    const input = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
      "data-control": key, "data-focus-key": key, "aria-label": label });
    const commit = () => {
      const read = parseNumber(input.value);
      const why = "error" in read ? read.error : problem(read.value);
      if (why) {
        input.setAttribute("aria-invalid", "true");
        entryError.textContent = `${label}: ${why}`;
        return;
      }
      input.removeAttribute("aria-invalid");
      entryError.textContent = "";
      commitState(change(read.value));
    };
    input.addEventListener("change", commit);
    input.addEventListener("keydown", (e) => e.key === "Enter" && commit());
    return input;
  }

  const side = h("div", { class: "lx-side" }, [
    h("div", { class: "lx-field-row" }, [h("label", {}, "η / (2/λ_max)"), slider]),
    h("div", { class: "lx-field-row" }, [h("label", {}, "η ="), lrInput]),
    h("div", { class: "lx-field-row" }, [h("label", {}, "λ₁ ="), l1Input, h("label", {}, "λ₂ ="), l2Input]),
    h("div", { class: "lx-field-row" }, [h("label", {}, "angle ="), angleInput, h("span", {}, "°")]),
    h("div", { class: "lx-field-row" }, [h("label", {}, "steps"), stepsSlider, stepsLabel]),
    entryError, presets, status,
  ]);
  root.append(h("div", { class: "lx-row" }, [h("div", {}, [svg, lossSvg]), side]));
  root.append(h("p", { class: "lx-hint" },
    `Drag the start (the large dot), or Tab to it and use the arrow keys (steps of ${GRID}). The slider sets η as a fraction ` +
    "of the limit 2/λ_max and snaps to 1/λ_max, to the best step 2/(λ₁+λ₂) and to the limit itself."));

  function moveStart(x, y) {
    const [p, q] = model.get("start");
    if (p === x && q === y) return;
    commitState({ start: [x, y] });
  }
  function startDrag(event) {
    event.preventDefault();
    event.currentTarget.focus({ preventScroll: true });
    const move = (e) => {
      const rect = svg.getBoundingClientRect(), sc = SIZE / rect.width;
      const x = snap(((e.clientX - rect.left) * sc - o) / k), y = snap((o - (e.clientY - rect.top) * sc) / k);
      moveStart(Math.max(-R, Math.min(R, x)), Math.max(-R, Math.min(R, y)));
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
  function nudge(e) {
    const step = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!step) return;
    e.preventDefault();
    const [x, y] = model.get("start");
    moveStart(snap(x + step[0] * GRID), snap(y + step[1] * GRID));
  }

  function draw() {
    const [l1, l2] = model.get("eigenvalues"), vectors = model.get("vectors");
    const parts = [s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" })];
    parts.push(s("line", { x1: 0, y1: o, x2: SIZE, y2: o, class: "lx-axis" }), s("line", { x1: o, y1: 0, x2: o, y2: SIZE, class: "lx-axis" }));
    // Level sets ½xᵀHx = c are ellipses with semi-axis sqrt(2c/λᵢ) along vᵢ; levels spaced 0.5 along the steeper axis.
    const top = Math.max(l1, l2);
    for (let j = 1; j <= 8; j++) {
      const c = 0.5 * top * (0.5 * j) ** 2, r1 = Math.sqrt((2 * c) / l1), r2 = Math.sqrt((2 * c) / l2);
      const pts = [];
      for (let i = 0; i <= 72; i++) {
        const t = (2 * Math.PI * i) / 72, u = r1 * Math.cos(t), w = r2 * Math.sin(t);
        pts.push(P([u * vectors[0][0] + w * vectors[1][0], u * vectors[0][1] + w * vectors[1][1]]).join(","));
      }
      parts.push(s("polyline", { points: pts.join(" "), class: "lx-contour" }));
    }
    vectors.forEach((v, i) => {
      const [x1, y1] = P(v.map((t) => -2 * R * t)), [x2, y2] = P(v.map((t) => 2 * R * t));
      parts.push(s("line", { x1, y1, x2, y2, class: "lx-eigenline", "data-eigenline": i }));
    });
    parts.push(s("circle", { cx: o, cy: o, r: 3, class: "lx-min" }));
    const path = model.get("path");
    parts.push(s("polyline", { points: path.map((p) => P(p).join(",")).join(" "), class: "lx-path" }));
    for (const p of path.slice(1)) {
      if (Math.abs(p[0]) > R * 1.05 || Math.abs(p[1]) > R * 1.05) continue;
      const [cx, cy] = P(p);
      parts.push(s("circle", { cx, cy, r: 2.2, class: "lx-iter" }));
    }
    const start = model.get("start"), [hx, hy] = P(start);
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    parts.push(s("g", { class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable point",
      "aria-label": `start at (${start.map(fmt).join(", ")}); arrow keys move it by ${GRID}`, "data-focus-key": "start",
      "data-handle": "start", onpointerdown: startDrag, onkeydown: nudge, ontouchstart: (e) => e.preventDefault() }, [
      s("circle", { cx: hx, cy: hy, r: hitRadius, class: "lx-hit" }),
      s("circle", { cx: hx, cy: hy, r: 8, class: "lx-handle", fill: "#1f77b4" }),
    ]));
    morph(svg, ...parts);
    svg.dataset.verdict = model.get("verdict");
  }

  function drawLoss() {
    const losses = model.get("losses"), W = SIZE, Hh = 90, pad = 8;
    const logs = losses.map((v) => Math.log10(Math.max(v, 1e-300)));
    const lo = Math.min(...logs), hi = Math.max(...logs), span = hi - lo || 1;
    const n = Math.max(losses.length - 1, 1);
    const pts = logs.map((v, i) => [pad + ((W - 2 * pad) * i) / n, Hh - pad - ((Hh - 2 * pad - 10) * (v - lo)) / span]);
    morph(lossSvg,
      s("rect", { x: 0, y: 0, width: W, height: Hh, class: "lx-bg" }),
      s("polyline", { points: pts.map((p) => p.join(",")).join(" "), class: "lx-curve" }),
      s("text", { x: pad, y: 12 }, `loss, log scale: ${fmt(losses[0])} → ${fmt(losses[losses.length - 1])}`),
    );
  }

  const eq = (v) => (fmt(v).startsWith("≈") ? fmt(v) : `= ${fmt(v)}`);
  function readout() {
    const H = model.get("hessian"), [l1, l2] = model.get("eigenvalues"), lr = model.get("lr");
    const f = model.get("factors"), path = model.get("path"), losses = model.get("losses"), verdict = model.get("verdict");
    const says = {
      converges: "converges: every |1 − ηλᵢ| < 1 and both factors are positive, so it slides straight in",
      zigzag: "converges, zig-zagging: a factor 1 − ηλᵢ is negative, so that component flips sign every step while it shrinks",
      borderline: "bounces for ever: the largest |1 − ηλᵢ| is exactly 1, so that component never shrinks",
      diverges: "diverges: a factor has |1 − ηλᵢ| > 1, so that component grows every step",
    }[verdict];
    const steps = path.length - 1, last = path[path.length - 1];
    return [
      h("div", { "data-field": "hessian" }, `H = [[${H[0].map(fmt).join(", ")}], [${H[1].map(fmt).join(", ")}]], eigenvalues λ₁ ${eq(l1)}, λ₂ ${eq(l2)}`),
      h("div", { "data-field": "limits" }, `η ${eq(lr)}; limit 2/λ_max ${eq(model.get("lr_max"))}; best step 2/(λ₁+λ₂) ${eq(model.get("lr_best"))}`),
      h("div", { "data-field": "factors" }, `factors 1 − ηλ₁ ${eq(f[0])}, 1 − ηλ₂ ${eq(f[1])}`),
      h("div", { "data-field": "verdict" }, says),
      h("div", { "data-field": "end" }, `after ${steps} steps x = (${last.map(fmt).join(", ")}), loss ${eq(losses[losses.length - 1])}` +
        (steps < model.get("steps") ? ` (stopped: it passed ${fmt(BOUND)})` : "")),
    ];
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      drawLoss();
    });
    const [l1, l2] = model.get("eigenvalues");
    // Inputs show the model's numbers unless the reader is typing in them.
    for (const [input, value] of [[lrInput, model.get("lr")], [l1Input, l1], [l2Input, l2], [angleInput, model.get("angle")]]) {
      if (document.activeElement !== input || input.getAttribute("aria-invalid") !== "true") input.value = exact(value);
    }
    if (document.activeElement !== slider) slider.value = String(model.get("lr") / model.get("lr_max"));
    stepsSlider.value = String(model.get("steps"));
    stepsLabel.textContent = String(model.get("steps"));
    morph(status, ...readout());
  });
  onChange(model, ["eigenvalues", "angle", "start", "lr", "steps", "hessian", "vectors", "lr_max", "lr_best", "factors", "rate", "verdict", "path", "losses"], update);
  update();
}

lalib.widgets.gradient_descent = { render, derive };
