// Face space: compose a face from the top eigenfaces, or rebuild a held-out image
// from k of them. In "compose" mode the sliders (and the pad, for the first two
// eigenfaces) set each weight in standard deviations of that coefficient over
// the training faces; the page draws mean + Σ wᵢσᵢeᵢ. In "reconstruct" mode the
// reader picks a held-out face or non-face and a rank k; the page draws the
// image, its projection onto face space and the residual, and compares the
// distance from face space with the detector's threshold for that k.
// The eigenfaces arrive as 16-bit integers (base64); derive() decodes them and
// repeats face_space.describe operation for operation, so the page needs no kernel.

const { h, s, renderedWidth, morph, fmt, onChange, redrawer, guarded, keepingFocus, ownKeys } = lalib.runtime;

const RANGE = 3; // slider range, in standard deviations
const PAD = 200;

// --- the numbers: the same operations, in the same order, as face_space.describe ---
const decoded = new Map();
function unpack(p) {
  const key = `${p.scale}:${p.data}`;
  let out = decoded.get(key);
  if (out) return out;
  const bin = atob(p.data);
  out = new Float64Array(bin.length / 2);
  for (let i = 0; i < out.length; i++) {
    let v = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8); // little-endian int16
    if (v >= 32768) v -= 65536;
    out[i] = v * p.scale;
  }
  if (decoded.size > 16) decoded.clear();
  decoded.set(key, out);
  return out;
}
const pixelsOf = (p) => p.shape.slice(1).reduce((a, b) => a * b, 1);

function derive(state) {
  const mean = unpack(state.mean), E = unpack(state.eigenfaces), n = mean.length;
  const row = (i) => E.subarray(i * n, (i + 1) * n);
  const sigmas = state.sigmas;
  if (state.mode === "compose") {
    const codes = state.weights.map((w, i) => w * sigmas[i]);
    const pixels = Array.from(mean);
    codes.forEach((c, i) => {
      const e = row(i);
      for (let p = 0; p < n; p++) pixels[p] = pixels[p] + c * e[p];
    });
    return { pixels, original: [], residual: [], codes, distance: 0, threshold: state.thresholds[0], is_face: true };
  }
  const k = state.k, G = unpack(state.gallery), m = pixelsOf(state.gallery);
  const x = Array.from(G.subarray(state.image_index * m, (state.image_index + 1) * m));
  const centred = x.map((v, p) => v - mean[p]);
  const codes = [];
  for (let i = 0; i < k; i++) {
    const e = row(i);
    let c = 0;
    for (let p = 0; p < n; p++) c += e[p] * centred[p];
    codes.push(c);
  }
  const pixels = Array.from(mean);
  codes.forEach((c, i) => {
    const e = row(i);
    for (let p = 0; p < n; p++) pixels[p] = pixels[p] + c * e[p];
  });
  const residual = x.map((v, p) => v - pixels[p]);
  let d2 = 0;
  for (const r of residual) d2 += r * r;
  const distance = Math.sqrt(d2), threshold = state.thresholds[k];
  return { pixels, original: x, residual, codes, distance, threshold, is_face: distance <= threshold };
}

const STYLE = `
.lx-face { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-face: #1f77b4; --lx-other: #e0900f; --lx-wrong: #c62828; --lx-right: #1a7f37;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-face, body[data-jp-theme-light="false"] .lx-face {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-face: #58a6ff; --lx-other: #f2b44c; --lx-wrong: #ff7b72; --lx-right: #3fb950; }
.lx-face button, .lx-face input { font: inherit; color: var(--lx-fg); }
.lx-face button { background: var(--lx-field); border: 1px solid var(--lx-border); border-radius: 4px; padding: 0.25em 0.7em;
  min-height: 2.2em; cursor: pointer; }
.lx-face button[aria-pressed="true"] { border: 2px solid var(--lx-accent); font-weight: 600; }
.lx-face :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-face .lx-modes { display: flex; gap: 0.5em; flex-wrap: wrap; margin-bottom: 0.6em; }
.lx-face .lx-row { display: flex; flex-wrap: wrap; gap: 0.8em; align-items: flex-start; }
.lx-face canvas.lx-img { image-rendering: pixelated; width: min(150px, 27vw); height: min(150px, 27vw); border: 1px solid var(--lx-border);
  border-radius: 4px; display: block; }
.lx-face canvas.lx-big { width: min(200px, 42vw); height: min(200px, 42vw); }
.lx-face figure { margin: 0; text-align: center; font-size: 0.85em; color: var(--lx-muted); width: min-content; }
.lx-face .lx-sliders { display: grid; grid-template-columns: auto auto 1fr auto; gap: 0.3em 0.5em; align-items: center;
  flex: 1 1 260px; min-width: 240px; max-width: 520px; }
.lx-face .lx-sliders canvas { image-rendering: pixelated; width: 36px; height: 36px; border: 1px solid var(--lx-border); }
.lx-face input[type="range"] { width: 100%; min-height: 2em; accent-color: var(--lx-accent); }
.lx-face .lx-pad { width: min(${PAD}px, 42vw); height: auto; border: 1px solid var(--lx-border); border-radius: 6px;
  background: var(--lx-surface); touch-action: none; user-select: none; -webkit-user-select: none; }
.lx-face .lx-pad .lx-axis { stroke: var(--lx-muted); stroke-opacity: 0.5; }
.lx-face .lx-pad text { font-size: 11px; fill: var(--lx-muted); }
.lx-face .lx-dot-face { fill: var(--lx-face); fill-opacity: 0.7; }
.lx-face .lx-dot-other { fill: var(--lx-other); fill-opacity: 0.8; }
.lx-face .lx-pad .lx-pad-bg, .lx-face .lx-pad .lx-hit { fill: transparent; }
.lx-face .lx-handle { fill: var(--lx-accent); fill-opacity: 0.45; stroke: var(--lx-accent); stroke-width: 2; }
.lx-face .lx-tip { cursor: grab; outline: none; }
.lx-face .lx-tip:focus-visible .lx-handle { stroke: var(--lx-focus); stroke-width: 4; }
.lx-face .lx-gallery { display: flex; flex-wrap: wrap; gap: 0.3em; margin: 0.4em 0; }
.lx-face .lx-gallery button { padding: 2px; min-height: 0; line-height: 0; }
.lx-face .lx-gallery button.lx-nonface { border-style: dashed; }
.lx-face .lx-gallery canvas { image-rendering: pixelated; width: 40px; height: 40px; display: block; }
.lx-face .lx-bar { width: 100%; max-width: 420px; height: 40px; display: block; }
.lx-face .lx-bar .lx-dist { fill: var(--lx-accent); }
.lx-face .lx-bar .lx-thr { stroke: var(--lx-wrong); stroke-width: 3; }
.lx-face .lx-bar text { font-size: 11px; fill: var(--lx-fg); }
.lx-face .lx-readout { margin-top: 0.6em; line-height: 1.6; }
.lx-face .lx-readout [data-field="verdict"] { font-weight: 700; }
.lx-face .lx-hint { font-size: 0.85em; color: var(--lx-muted); margin: 0.3em 0 0; }
.lx-face .lx-krow { display: flex; gap: 0.6em; align-items: center; flex-wrap: wrap; max-width: 460px; }
.lx-face .lx-krow input { flex: 1 1 180px; }
.lx-face .lx-error { color: var(--lx-wrong); border: 1px solid var(--lx-wrong); border-radius: 4px; padding: 0.3em 0.6em; }
@media print { .lx-face button, .lx-face .lx-hint { display: none; } }
`;
function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-face-style")) return;
  document.head.append(h("style", { id: "lx-face-style" }, STYLE));
}

// Grey levels: 0 is mid-grey, `gain` stretches values around it.
function paint(canvas, values, width, height, gain) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const img = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    const g = Math.max(0, Math.min(255, Math.round(255 * (0.5 + gain * values[p]))));
    img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = g;
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const sub = (i) => String(i).split("").map((c) => SUB[+c]).join("");

function render({ model, el }) {
  addStyle();
  const root = ownKeys(h("div", { class: "lx-face" }));
  el.append(root);
  const W = () => model.get("width"), H = () => model.get("height");
  const commit = guarded(root, (changes) => {
    for (const [key, v] of Object.entries(changes)) model.set(key, v);
    model.save_changes();
  });
  const clampW = (v) => Math.max(-RANGE, Math.min(RANGE, Math.round(v * 10) / 10));
  const setWeight = (i, v) => {
    const w = model.get("weights").slice();
    const next = clampW(v);
    if (w[i] === next) return;
    w[i] = next;
    commit({ weights: w });
  };

  // Mode buttons.
  const modeButtons = ["compose", "reconstruct"].map((m) => h("button", {
    type: "button", "data-mode": m, "data-focus-key": `mode-${m}`, onclick: () => model.get("mode") !== m && commit({ mode: m }),
  }, m === "compose" ? "Compose a face" : "Reconstruct an image"));
  root.append(h("div", { class: "lx-modes", role: "group", "aria-label": "mode" }, modeButtons));

  // --- compose panel ---
  const big = h("canvas", { class: "lx-img lx-big", role: "img", "aria-label": "the composed face", "data-canvas": "composed" });
  const pad = s("svg", { class: "lx-pad", viewBox: `0 0 ${PAD} ${PAD}`, role: "group",
    "aria-label": "weights of eigenfaces 1 and 2; held-out faces (blue dots) and non-faces (orange squares) at their own weights" });
  const sliders = h("div", { class: "lx-sliders", role: "group", "aria-label": "eigenface weights" });
  const composeButtons = h("div", { class: "lx-modes" }, [
    h("button", { type: "button", "data-action": "zero", "data-focus-key": "zero",
      onclick: () => commit({ weights: model.get("weights").map(() => 0) }) }, "mean face (all weights 0)"),
  ]);
  const composePanel = h("div", { "data-panel": "compose" }, [
    h("div", { class: "lx-row" }, [h("figure", {}, [big, h("figcaption", {}, "mean + Σ wᵢσᵢeᵢ")]), h("figure", {}, [pad, h("figcaption", {}, "drag: w₁ across, w₂ up")])]),
    h("div", { class: "lx-row" }, [sliders]), composeButtons,
  ]);

  const toPad = (w) => PAD / 2 + (w / RANGE) * (PAD / 2 - 10);
  const fromPad = (px) => ((px - PAD / 2) / (PAD / 2 - 10)) * RANGE;
  function drawPad() {
    const w = model.get("weights");
    const parts = [s("rect", { x: 0, y: 0, width: PAD, height: PAD, class: "lx-pad-bg" }),
      s("line", { x1: 0, y1: PAD / 2, x2: PAD, y2: PAD / 2, class: "lx-axis" }),
      s("line", { x1: PAD / 2, y1: 0, x2: PAD / 2, y2: PAD, class: "lx-axis" }),
      s("text", { x: PAD - 22, y: PAD / 2 - 4 }, "w₁"), s("text", { x: PAD / 2 + 4, y: 12 }, "w₂")];
    const labels = model.get("labels");
    model.get("gallery_codes").forEach(([a, b], i) => {
      const x = toPad(Math.max(-RANGE, Math.min(RANGE, a))), y = toPad(-Math.max(-RANGE, Math.min(RANGE, b)));
      parts.push(labels[i] === "face" ? s("circle", { cx: x, cy: y, r: 3.5, class: "lx-dot-face" })
        : s("rect", { x: x - 3, y: y - 3, width: 6, height: 6, class: "lx-dot-other" }));
    });
    const hx = toPad(w[0]), hy = toPad(-(w.length > 1 ? w[1] : 0));
    parts.push(s("g", { class: "lx-tip", tabindex: 0, role: "slider", "data-focus-key": "pad",
      "aria-label": "weights 1 and 2: arrows left/right change w1, up/down change w2",
      "aria-valuetext": `w₁ = ${fmt(w[0])}, w₂ = ${fmt(w.length > 1 ? w[1] : 0)} standard deviations`,
      onpointerdown: startDrag, onkeydown: padKey }, [
      // a 44-pixel target on screen, however small the pad is drawn
      s("circle", { cx: hx, cy: hy, r: 22 * (PAD / (renderedWidth(pad) || PAD)), class: "lx-hit" }), s("circle", { cx: hx, cy: hy, r: 8, class: "lx-handle" })]));
    morph(pad, ...parts);
  }
  function padKey(e) {
    const step = e.shiftKey ? 0.5 : 0.1, w = model.get("weights");
    const moves = { ArrowLeft: [0, -step], ArrowRight: [0, step], ArrowUp: [1, step], ArrowDown: [1, -step] };
    const m = moves[e.key];
    if (!m || m[0] >= w.length) return;
    e.preventDefault();
    setWeight(m[0], w[m[0]] + m[1]);
  }
  // A drag that ends close to a held-out image's dot snaps onto its first two weights.
  const SNAP = 0.15;
  const snapWeights = (code) => code.map(clampW);   // to the sliders' 0.1 steps
  function snapTarget(w) {
    if (w.length < 2) return null;
    let best = null, bestDistance = SNAP;
    for (const code of model.get("gallery_codes")) {   // the nearest dot within SNAP
      const target = snapWeights(code);
      const d = Math.hypot(w[0] - target[0], w[1] - target[1]);
      if (d <= bestDistance) [best, bestDistance] = [target, d];
    }
    return best;
  }
  function onDot(w) {
    if (w.length < 2) return -1;
    return model.get("gallery_codes").findIndex((code) => {
      const target = snapWeights(code);
      return target[0] === w[0] && target[1] === w[1];
    });
  }
  function startDrag(event) {
    event.preventDefault();
    event.currentTarget.focus({ preventScroll: true });
    const move = (e) => {
      const rect = pad.getBoundingClientRect(), sc = PAD / rect.width;
      const w = model.get("weights").slice();
      w[0] = clampW(fromPad((e.clientX - rect.left) * sc));
      if (w.length > 1) w[1] = clampW(-fromPad((e.clientY - rect.top) * sc));
      const near = snapTarget(w);
      if (near) [w[0], w[1]] = near;
      if (w.every((v, i) => v === model.get("weights")[i])) return;
      commit({ weights: w });
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
  // Slider rows are built once and then updated in place: replacing a range input
  // while a finger or mouse drags it would end the drag.
  let sliderRows = [];
  function drawSliders() {
    const w = model.get("weights");
    if (sliderRows.length !== w.length) {
      const E = unpack(model.get("eigenfaces")), n = W() * H();
      const cells = [];
      sliderRows = w.map((v, i) => {
        const thumb = h("canvas", { "aria-hidden": "true" });
        const e = E.subarray(i * n, (i + 1) * n);
        let top = 0;
        for (const x of e) top = Math.max(top, Math.abs(x));
        paint(thumb, e, W(), H(), top > 0 ? 0.5 / top : 1);
        const input = h("input", { type: "range", min: -RANGE, max: RANGE, step: 0.1, id: `${root.dataset.uid}-w${i}`,
          "data-weight": i, "data-focus-key": `w${i}`, "aria-label": `weight of eigenface ${i + 1}, in standard deviations`,
          oninput: (ev) => setWeight(i, Number(ev.target.value)) });
        const text = h("span", { "data-field": `w${i}` });
        cells.push(h("label", { for: input.id }, `e${sub(i + 1)}`), thumb, input, text);
        return { input, text };
      });
      sliders.replaceChildren(...cells);
    }
    w.forEach((v, i) => {
      const { input, text } = sliderRows[i];
      if (Number(input.value) !== v) input.value = v;
      input.setAttribute("aria-valuetext", `${fmt(v)} standard deviations`);
      text.textContent = `${fmt(v)}σ${sub(i + 1)}`;
    });
  }

  // --- reconstruct panel ---
  const gallery = h("div", { class: "lx-gallery", role: "group", "aria-label": "held-out images" });
  const kInput = h("input", { type: "range", min: 0, max: 1, step: 1, "data-focus-key": "k", "aria-label": "number of eigenfaces k",
    oninput: (ev) => commit({ k: Number(ev.target.value) }) });
  const kLabel = h("span", { "data-field": "k" });
  const original = h("canvas", { class: "lx-img", role: "img", "aria-label": "the chosen image", "data-canvas": "original" });
  const recon = h("canvas", { class: "lx-img", role: "img", "aria-label": "its reconstruction from k eigenfaces", "data-canvas": "reconstruction" });
  const resid = h("canvas", { class: "lx-img", role: "img", "aria-label": "the residual: image minus reconstruction", "data-canvas": "residual" });
  const reconCaption = h("figcaption", {});
  const bar = s("svg", { class: "lx-bar", viewBox: "0 0 420 40", role: "img" });
  const reconPanel = h("div", { "data-panel": "reconstruct" }, [
    gallery,
    h("div", { class: "lx-krow" }, [h("label", {}, "eigenfaces k"), kInput, kLabel]),
    h("div", { class: "lx-row" }, [h("figure", {}, [original, h("figcaption", {}, "image x")]),
      h("figure", {}, [recon, reconCaption]), h("figure", {}, [resid, h("figcaption", {}, "residual (what is left)")])]),
    bar,
  ]);
  let galleryButtons = [];
  function drawGallery() {
    const labels = model.get("labels");
    if (galleryButtons.length !== labels.length) {
      const G = unpack(model.get("gallery")), n = W() * H(), gain = model.get("gain");
      const counts = { face: 0, "non-face": 0 };
      galleryButtons = labels.map((label, i) => {
        const c = h("canvas", { "aria-hidden": "true" });
        paint(c, G.subarray(i * n, (i + 1) * n), W(), H(), gain);
        counts[label] = (counts[label] || 0) + 1;
        return h("button", { type: "button", class: label === "face" ? "lx-isface" : "lx-nonface", "data-image": i,
          "aria-label": `held-out ${label} ${counts[label]}`, onclick: () => commit({ image_index: i }) }, c);
      });
      gallery.replaceChildren(...galleryButtons);
    }
    galleryButtons.forEach((b, i) => b.setAttribute("aria-pressed", String(i === model.get("image_index"))));
  }
  function drawBar() {
    const d = model.get("distance"), t = model.get("threshold"), top = Math.max(1.2, d * 1.1, t * 1.1);
    const X = (v) => 10 + (v / top) * 400;
    bar.setAttribute("aria-label", `distance ${fmt(d)} against threshold ${fmt(t)}`);
    morph(bar,
      s("rect", { x: 10, y: 8, width: Math.max(0, X(d) - 10), height: 12, class: "lx-dist" }),
      s("line", { x1: X(t), y1: 2, x2: X(t), y2: 26, class: "lx-thr" }),
      s("text", { x: 10, y: 37 }, "0"),
      s("text", { x: Math.min(X(t) + 4, 330), y: 37 }, `threshold ${fmt(t)}`));
  }

  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  const hint = h("p", { class: "lx-hint" });
  root.append(composePanel, reconPanel, status, hint);
  const HINTS = {
    compose: "Drag the dot on the pad (or Tab to it and use the arrow keys, Shift for bigger steps), or move the sliders. " +
      "The dots are held-out faces (blue) and non-faces (orange) at their own first two weights.",
    reconstruct: "Pick a held-out image and slide k. In the residual, mid-grey is 0, lighter and darker are the two signs.",
  };

  const labelOf = (i) => {
    const labels = model.get("labels");
    const nth = labels.slice(0, i + 1).filter((l) => l === labels[i]).length;
    return `held-out ${labels[i]} ${nth}`;
  };
  function readout() {
    if (model.get("mode") === "compose") {
      const w = model.get("weights");
      const terms = w.map((v, i) => (v === 0 ? null : `${v < 0 ? "− " : "+ "}${fmt(Math.abs(v))}σ${sub(i + 1)}e${sub(i + 1)}`)).filter(Boolean);
      const dot = onDot(w);
      return [h("div", { "data-field": "weights" }, `composed face = mean face ${terms.length ? terms.join(" ") : "(all weights 0)"}`),
        h("div", { "data-field": "snap" }, dot >= 0 ? `w₁, w₂ are those of ${labelOf(dot)} (to 0.1): its first two weights, the rest of it left out` : ""),
        h("div", { "data-field": "verdict" }, "A composed face lies in face space: its distance from face space is 0.")];
    }
    const k = model.get("k"), d = model.get("distance"), t = model.get("threshold"), face = model.get("is_face");
    const truth = model.get("labels")[model.get("image_index")];
    const right = (truth === "face") === face;
    return [h("div", {}, [`${labelOf(model.get("image_index"))}, rebuilt from k = ${k} eigenface${k === 1 ? "" : "s"}: distance from face space `,
      h("span", { "data-field": "distance" }, fmt(d)), "; threshold for k = ", String(k), ": ", h("span", { "data-field": "threshold" }, fmt(t))]),
    h("div", { "data-field": "verdict", class: right ? "lx-right" : "lx-wrong" },
      `${d <= t ? "below" : "above"} the threshold: the detector says ${face ? "face" : "not a face"} (${right ? "right" : "wrong"}: it is a ${truth})`)];
  }

  const update = redrawer(root, () => {
    const mode = model.get("mode");
    keepingFocus(root, () => {
      modeButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.mode === mode)));
      composePanel.hidden = mode !== "compose";
      hint.textContent = HINTS[mode];
      reconPanel.hidden = mode !== "reconstruct";
      const gain = model.get("gain");
      if (mode === "compose") {
        paint(big, model.get("pixels"), W(), H(), gain);
        drawPad();
        drawSliders();
      } else {
        const k = model.get("k");
        kInput.max = model.get("eigenfaces").shape[0];
        kInput.value = k;
        kInput.setAttribute("aria-valuetext", `${k} eigenfaces`);
        kLabel.textContent = String(k);
        reconCaption.textContent = `mean + ${k} eigenface${k === 1 ? "" : "s"}`;
        drawGallery();
        paint(original, model.get("original"), W(), H(), gain);
        paint(recon, model.get("pixels"), W(), H(), gain);
        paint(resid, model.get("residual"), W(), H(), gain);
        drawBar();
      }
    });
    morph(status, ...readout());
  });
  root.dataset.uid = `lxf${Math.random().toString(36).slice(2, 8)}`;
  onChange(model, ["mode", "weights", "image_index", "k", "pixels", "original", "residual", "codes", "distance", "threshold", "is_face"], update);
  update();
}

lalib.widgets.face_space = { render, derive, addStyle };
