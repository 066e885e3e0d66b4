// Image compression: a rank slider over a photograph. The page rebuilds the
// rank-k image σ₁u₁v₁ᵀ + ... + σ_k u_k v_kᵀ itself from 8-bit factors embedded
// at build time, adding (or removing) one rank-1 layer per step of the slider
// (and jumping from checkpoints every 8 ranks), so it answers at once with no kernel. The readouts (error, energy, storage)
// come from derive() in the page and from the kernel in JupyterLab.

const { h, fmt, onChange, redrawer, guarded } = lalib.runtime;

// --- the numbers: the same operations, in the same order, as image_compression.describe ---
function derive(state) {
  const s = state.sigma, k = state.k, m = state.height, n = state.width;
  let tail = 0, keptTail = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    tail += s[i] * s[i];
    if (i === k) keptTail = tail;
  }
  const frac = tail > 0 ? keptTail / tail : 0;
  const stored = k * (m + n + 1), original = m * n;
  return { error: Math.sqrt(frac), energy: 1 - frac, stored, original, ratio: stored / original,
    break_even: Math.floor((original - 1) / (m + n + 1)) };
}

// The embedded factors as float arrays: σᵢuᵢ (column i of U times σᵢ) and vᵢ.
function decode(model) {
  const m = model.get("height"), n = model.get("width"), K = model.get("max_rank");
  const raw = atob(model.get("factors"));
  const bytes = new Int8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i); // 0..255 wraps to the signed byte
  const sigma = model.get("sigma"), us = model.get("u_scale"), vs = model.get("v_scale");
  const U = [], V = [];
  for (let i = 0; i < K; i++) {
    const u = new Float32Array(m), v = new Float32Array(n), a = sigma[i] * us[i], b = vs[i];
    for (let r = 0; r < m; r++) u[r] = a * bytes[i * m + r];
    for (let c = 0; c < n; c++) v[c] = b * bytes[m * K + i * n + c];
    U.push(u);
    V.push(v);
  }
  return { m, n, K, U, V };
}

const STYLE = `
.lx-imgsvd { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-border: #8c959f; --lx-accent: #1f6feb; --lx-focus: #1f6feb;
  --lx-field: #ffffff; --lx-warn: #9a6700;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-imgsvd, body[data-jp-theme-light="false"] .lx-imgsvd {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-border: #6e7681; --lx-accent: #4493f8; --lx-focus: #79c0ff;
  --lx-field: #0d1117; --lx-warn: #d29922; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-imgsvd {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-border: #6e7681; --lx-accent: #4493f8; --lx-focus: #79c0ff;
    --lx-field: #0d1117; --lx-warn: #d29922; } }
.lx-imgsvd :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-imgsvd .lx-pics { display: flex; flex-wrap: wrap; gap: 0.8em; }
.lx-imgsvd figure { margin: 0; flex: 0 1 256px; min-width: 0; }
.lx-imgsvd canvas, .lx-imgsvd img { width: 100%; max-width: 256px; height: auto; display: block; image-rendering: auto;
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-imgsvd figcaption { font-size: 0.85em; color: var(--lx-muted); margin-top: 0.2em; }
.lx-imgsvd .lx-rankrow { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; margin-top: 0.6em; }
.lx-imgsvd input[type=range] { flex: 1 1 12em; max-width: 24em; accent-color: var(--lx-accent); min-height: 2em; }
.lx-imgsvd button { font: inherit; color: var(--lx-fg); background: var(--lx-field); border: 1px solid var(--lx-border);
  border-radius: 4px; min-height: 2.2em; min-width: 2.4em; cursor: pointer; }
.lx-imgsvd .lx-readout { margin-top: 0.4em; line-height: 1.6; }
.lx-imgsvd [data-field="k"] { font-weight: 700; }
.lx-imgsvd .lx-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  clip-path: inset(50%); white-space: nowrap; }
.lx-imgsvd sub { font-size: 0.75em; line-height: 0; }
.lx-imgsvd [data-saves="false"] { color: var(--lx-warn); font-weight: 600; }
`;
// ‖A − A_k‖_F / ‖A‖_F with real subscripts on screen; a screen reader gets the words instead
// (it would read the drawn formula as "A minus A k F").
const ERROR_FORMULA = () => [
  h("span", { class: "lx-sr" }, "(the Frobenius norm of A minus A sub k, over the Frobenius norm of A)"),
  h("span", { "aria-hidden": "true" }, ["‖A − A", h("sub", {}, "k"), "‖", h("sub", {}, "F"), " / ‖A‖", h("sub", {}, "F")]),
];
function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-imgsvd-style")) return;
  document.head.append(h("style", { id: "lx-imgsvd-style" }, STYLE));
}

function render({ model, el }) {
  addStyle();
  const root = h("div", { class: "lx-imgsvd", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  const F = decode(model);
  const canvas = h("canvas", { width: F.n, height: F.m, role: "img", "data-field": "canvas" });
  const ctx = canvas.getContext("2d");
  const pixels = ctx.createImageData(F.n, F.m);
  const sum = new Float32Array(F.m * F.n); // the current rank-`have` image
  let have = 0;
  const caption = h("figcaption", {});
  root.append(h("div", { class: "lx-pics" }, [
    h("figure", {}, [canvas, caption]),
    h("figure", {}, [h("img", { src: model.get("original_png"), alt: "the original image", width: F.n, height: F.m }),
      h("figcaption", {}, `original, ${F.m}×${F.n} pixels`)]),
  ]));
  const K = F.K;
  const slider = h("input", { type: "range", min: 0, max: K, step: 1, "data-focus-key": "k", "aria-label": "rank k",
    oninput: (e) => commitState({ k: Number(e.target.value) }) });
  const step = (d) => commitState({ k: Math.max(0, Math.min(K, model.get("k") + d)) });
  root.append(h("div", { class: "lx-rankrow" }, [
    h("label", {}, ["rank ", h("span", { "data-field": "k" })]),
    h("button", { type: "button", "data-action": "minus", "aria-label": "rank minus one", onclick: () => step(-1) }, "−"),
    slider,
    h("button", { type: "button", "data-action": "plus", "aria-label": "rank plus one", onclick: () => step(1) }, "+"),
  ]));
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  root.append(status);
  root.append(h("p", { class: "lx-hint" },
    `Drag the slider (or focus it and use the arrow keys, Home and End) to keep the first k of the ${K} shipped singular triplets. ` +
    "The page rebuilds the image from them itself; they are stored to 8 bits, which adds a little error of its own."));

  // Add (sign +1) or remove (−1) the layer σᵢuᵢvᵢᵀ to `target`.
  function layer(target, i, sign) {
    const u = F.U[i], v = F.V[i], n = F.n;
    for (let r = 0; r < F.m; r++) {
      const a = sign * u[r];
      if (a === 0) continue;
      const row = r * n;
      for (let c = 0; c < n; c++) target[row + c] += a * v[c];
    }
  }
  // Checkpoints: the rank-r image for r = 0, 8, 16, ..., built a few layers at a time between frames
  // after the widget appears, so that any rank is at most 4 layers (plus a copy) from one of them.
  const STEP = 8;
  const marks = new Map([[0, new Float32Array(F.m * F.n)]]);
  (function buildMarks() {
    const acc = new Float32Array(F.m * F.n);
    let r = 0;
    const slice = () => {
      const end = Math.min(F.K, r + STEP);
      for (; r < end; r++) layer(acc, r, 1);
      marks.set(r, acc.slice());
      if (r < F.K) setTimeout(slice, 0);
    };
    setTimeout(slice, 0);
  })();
  function rebuild(k) {
    // Start from whichever is fewest layers away: the image drawn now, or a checkpoint (a copy costs about a layer).
    let from = have, cost = Math.abs(k - have);
    for (const r of [Math.floor(k / STEP) * STEP, Math.ceil(k / STEP) * STEP, F.K]) {
      if (marks.has(r) && Math.abs(k - r) + 1 < cost) {
        from = r;
        cost = Math.abs(k - r) + 1;
      }
    }
    if (from !== have) {
      sum.set(marks.get(from));
      have = from;
    }
    while (have < k) layer(sum, have++, 1);
    while (have > k) layer(sum, --have, -1);
    const d = pixels.data;
    for (let p = 0; p < sum.length; p++) {
      const g = Math.max(0, Math.min(255, Math.round(sum[p] * 255)));
      d[4 * p] = d[4 * p + 1] = d[4 * p + 2] = g;
      d[4 * p + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
  }

  // An SVD is exact only to about max(m, n)·ε relative to ‖A‖, so a relative error below that is
  // rounding noise (an image of rank k leaves ~1e-17, not a real error): show it as 0.
  const noise = 8 * Math.max(F.m, F.n) * Number.EPSILON;
  const pct = (x, tiny = 0) => {
    if (x !== 0 && Math.abs(x) < tiny) return "≈ 0%";   // an exact 0 still reads "= 0%"
    const t = fmt(100 * x);
    return t.startsWith("≈") ? `≈ ${t.slice(1)}%` : `= ${t}%`;
  };
  const update = redrawer(root, () => {
    const k = model.get("k");
    rebuild(k);
    slider.value = String(k);
    slider.setAttribute("aria-valuetext", `rank ${k}`);
    root.querySelector('[data-field="k"]').textContent = String(k);
    const stored = model.get("stored"), original = model.get("original"), saves = stored < original;
    canvas.setAttribute("aria-label", `the image rebuilt from its first ${k} singular triplets`);
    caption.textContent = `rank ${k}: ${k} of ${Math.min(F.m, F.n)} layers`;
    status.replaceChildren(
      h("div", { "data-field": "error" }, ["relative error ", ...ERROR_FORMULA(),
        ` ${pct(model.get("error"), noise)}; energy kept ${pct(model.get("energy"))}`]),
      h("div", { "data-field": "storage", "data-saves": String(saves) },
        `k(m + n + 1) = ${stored.toLocaleString("en-US")} numbers stored vs m·n = ${original.toLocaleString("en-US")} pixels; ` +
        `storage / original ${pct(model.get("ratio"))}` +
        (saves ? "" : ` — no saving: break-even is k ≤ ${model.get("break_even")}`)),
    );
  });
  onChange(model, ["k", "error", "energy", "stored", "original", "ratio", "break_even"], update);
  update();
}

lalib.widgets.image_compression = { render, derive, addStyle };
