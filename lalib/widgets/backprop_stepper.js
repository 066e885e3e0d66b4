// Backprop stepper: x → z = W₁x + b₁ → h = σ(z) → ŷ = W₂h + b₂ → L = ½(ŷ − y)².
// Each box is one tensor with its shape; the forward steps fill in the values
// top to bottom, the backward steps fill in each gradient next to its tensor
// (same shape) bottom to top, with the formula that made it. x, y and every
// weight and bias are editable at any time (type a number, or use the arrow
// keys: ±0.1, with Shift ±1), and everything shown is recomputed at once.

const { h, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const LIMIT = 1e3;
const STAGES = [
  ["x", "the input x"],
  ["z", "z = W₁x + b₁"],
  ["h", "h = σ(z), entry by entry"],
  ["yhat", "ŷ = W₂h + b₂"],
  ["L", "L = ½(ŷ − y)²"],
  ["d_yhat", "∂L/∂ŷ = ŷ − y"],
  ["d_W2", "∂L/∂W₂ = (∂L/∂ŷ) hᵀ, an outer product"],
  ["d_b2", "∂L/∂b₂ = ∂L/∂ŷ"],
  ["d_h", "∂L/∂h = W₂ᵀ (∂L/∂ŷ)"],
  ["d_z", "∂L/∂z = ∂L/∂h ⊙ σ′(z)"],
  ["d_W1", "∂L/∂W₁ = (∂L/∂z) xᵀ, an outer product"],
  ["d_b1", "∂L/∂b₁ = ∂L/∂z"],
  ["d_x", "∂L/∂x = W₁ᵀ (∂L/∂z)"],
];
const ORDER = STAGES.map(([key]) => key);
const FORWARD = 5; // stages 0-4 are the forward pass

// Linear algebra on plain arrays, in the order numpy sums (row by row).
const matvec = (W, v) => W.map((row) => row.reduce((acc, w, j) => acc + w * v[j], 0));
const matTvec = (W, g) => W[0].map((_, j) => W.reduce((acc, row, i) => acc + row[j] * g[i], 0));
const outer = (g, v) => g.map((gi) => v.map((vj) => gi * vj));
const ACT = {
  tanh: [(z) => Math.tanh(z), (z, hz) => 1 - hz * hz],
  relu: [(z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)],
};
// No −0 in the readouts (Python's `+ 0.0` does the same).
const z0 = (v) => (Array.isArray(v) ? v.map(z0) : typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, z0(w)])) : v + 0);

function derive(state) {
  const act = ACT[state.activation];
  if (!act) throw new Error(`unknown activation "${state.activation}"`);
  const [f, fprime] = act;
  const z = matvec(state.W1, state.x).map((v, i) => v + state.b1[i]);
  const hid = z.map(f);
  const yhat = matvec(state.W2, hid).map((v, i) => v + state.b2[i]);
  const d_yhat = yhat.map((v) => v - state.y);
  const d_h = matTvec(state.W2, d_yhat);
  const d_z = d_h.map((g, i) => g * fprime(z[i], hid[i]));
  return z0({
    z, h: hid, yhat, L: 0.5 * d_yhat.reduce((acc, v) => acc + v * v, 0), d_yhat,
    d_W2: outer(d_yhat, hid), d_b2: d_yhat.slice(), d_h, d_z,
    d_W1: outer(d_z, state.x), d_b1: d_z.slice(), d_x: matTvec(state.W1, d_z),
  });
}

const STYLE = `
.lx-bp { --lx-fg: #1f2328; --lx-muted: #59636e; --lx-surface: #ffffff; --lx-field: #ffffff; --lx-border: #8c959f;
  --lx-accent: #1f6feb; --lx-focus: #1f6feb; --lx-wrong: #c62828; --lx-grad: #b35900; --lx-now: #fff4d6;
  font-family: system-ui, sans-serif; font-size: 0.95rem; margin: 0.8em 0; color: var(--lx-fg); }
html[data-theme="dark"] .lx-bp, body[data-jp-theme-light="false"] .lx-bp {
  --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
  --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-grad: #f2b44c; --lx-now: #3a2f10; }
@media (prefers-color-scheme: dark) {
  html:not([data-theme]) body:not([data-jp-theme-light]) .lx-bp {
    --lx-fg: #e6edf3; --lx-muted: #9198a1; --lx-surface: #161b22; --lx-field: #0d1117; --lx-border: #6e7681;
    --lx-accent: #4493f8; --lx-focus: #79c0ff; --lx-wrong: #ff7b72; --lx-grad: #f2b44c; --lx-now: #3a2f10; } }
.lx-bp input, .lx-bp button { font: inherit; color: var(--lx-fg); background: var(--lx-field);
  border: 1px solid var(--lx-border); border-radius: 4px; }
.lx-bp button { min-height: 2.2em; padding: 0.2em 0.7em; margin: 0.15em 0.3em 0.15em 0; cursor: pointer; }
.lx-bp button[aria-pressed="true"] { background: var(--lx-accent); color: var(--lx-surface); }
.lx-bp :focus-visible { outline: 3px solid var(--lx-focus); outline-offset: 2px; }
.lx-bp .lx-net { display: flex; flex-direction: column; gap: 0.25em; margin-top: 0.5em; }
.lx-bp .lx-node { border: 1px solid var(--lx-border); border-radius: 6px; padding: 0.3em 0.5em; background: var(--lx-surface);
  display: flex; flex-wrap: wrap; gap: 0.3em 1.2em; align-items: flex-start; }
.lx-bp .lx-node.lx-param { border-style: dashed; }
.lx-bp .lx-node.lx-now { background: var(--lx-now); border-width: 2px; }
.lx-bp .lx-node-name { min-width: 7.5em; font-weight: 600; }
.lx-bp .lx-shape { display: block; font-weight: 400; font-size: 0.85em; color: var(--lx-muted); }
.lx-bp .lx-grad { color: var(--lx-grad); }
.lx-bp .lx-cell-label { font-size: 0.8em; color: var(--lx-muted); display: block; }
.lx-bp table { border-collapse: collapse; }
.lx-bp td { padding: 1px 4px; text-align: right; font-variant-numeric: tabular-nums; }
.lx-bp td input { width: 4.6em; padding: 1px 3px; min-height: 1.9em; text-align: right; }
.lx-bp input[aria-invalid="true"] { border-color: var(--lx-wrong); border-width: 2px; }
.lx-bp .lx-arrow { text-align: center; color: var(--lx-muted); font-size: 0.85em; line-height: 1; }
.lx-bp .lx-pending { color: var(--lx-muted); font-style: italic; }
.lx-bp [data-field="stage"] { font-weight: 600; }
`;

function addStyle() {
  if (typeof document === "undefined" || document.getElementById("lx-bp-style")) return;
  document.head.append(h("style", { id: "lx-bp-style" }, STYLE));
}

const shapeOf = (v) => (Array.isArray(v) ? (Array.isArray(v[0]) ? `${v.length}×${v[0].length}` : `(${v.length},)`) : "scalar");

function render({ model, el }) {
  addStyle();
  const root = h("div", { class: "lx-bp", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const commitState = guarded(root, (changes) => {
    for (const [k, v] of Object.entries(changes)) model.set(k, v);
    model.save_changes();
  });
  const net = h("div", { class: "lx-net", role: "group", "aria-label": "the network, one box per tensor" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  const go = (stage) => commitState({ stage: Math.max(0, Math.min(STAGES.length - 1, stage)) });
  const button = (action, label, fn) => h("button", { type: "button", "data-action": action, "data-focus-key": action, onclick: fn }, label);
  const controls = h("div", { class: "lx-controls" }, [
    button("back", "◀ step back", () => go(model.get("stage") - 1)),
    button("step", "step ▶", () => go(model.get("stage") + 1)),
    button("forward", "whole forward pass", () => go(FORWARD - 1)),
    button("backward", "whole backward pass", () => go(STAGES.length - 1)),
    button("reset", "reset", () => go(0)),
  ]);
  const acts = h("div", { class: "lx-controls", role: "group", "aria-label": "activation σ" });
  root.append(controls, acts, status, entryError, net);
  root.append(h("p", { class: "lx-hint" },
    "Step forward, then backward. Dashed boxes are inputs you can edit (type a number, or use the arrow keys: ±0.1, Shift ±1); " +
    "every value and gradient is recomputed at once. Each gradient has the shape of the tensor it belongs to."));

  function editable(name, path, value) {
    const label = `${name}${path.length ? `[${path.map((i) => i + 1).join(", ")}]` : ""}`;
    const input = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(value),
      "data-entry": `${name}-${path.join("-")}`, "data-focus-key": `entry-${name}-${path.join("-")}`, "aria-label": label });
    // The model's value now (the box may have been patched in place since it was built).
    const current = () => (name === "y" ? model.get("y") : path.length === 2 ? model.get(name)[path[0]][path[1]] : model.get(name)[path[0]]);
    const set = (v) => {
      if (!(Math.abs(v) <= LIMIT)) {
        input.setAttribute("aria-invalid", "true");
        entryError.textContent = `${label}: keep entries between −${LIMIT} and ${LIMIT}.`;
        return;
      }
      input.removeAttribute("aria-invalid");
      entryError.textContent = "";
      if (name === "y") return v === model.get("y") ? null : commitState({ y: v });
      const next = JSON.parse(JSON.stringify(model.get(name)));
      if (path.length === 2) next[path[0]][path[1]] = v;
      else next[path[0]] = v;
      commitState({ [name]: next });
    };
    const commit = () => {
      const read = parseNumber(input.value);
      if ("error" in read) {
        input.setAttribute("aria-invalid", "true");
        entryError.textContent = `${label}: ${read.error}`;
        return;
      }
      set(read.value);
    };
    input.addEventListener("change", commit);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") return commit();
      const dir = { ArrowUp: 1, ArrowDown: -1 }[e.key];
      if (!dir) return;
      e.preventDefault();
      set(Math.round((current() + dir * (e.shiftKey ? 1 : 0.1)) * 1e6) / 1e6);
    });
    return input;
  }

  function grid(name, value, editableName = null) {
    if (!Array.isArray(value)) {
      return h("table", {}, h("tr", {}, h("td", { "data-value": name, "data-at": editableName ? null : name }, editableName ? editable(editableName, [], value) : fmt(value))));
    }
    const rows = Array.isArray(value[0]) ? value : value.map((v) => [v]);   // a vector is drawn as a column
    const isMatrix = Array.isArray(value[0]);
    return h("table", { "data-value": name }, rows.map((row, i) => h("tr", {}, row.map((v, j) =>
      h("td", { "data-at": editableName ? null : `${name}:${isMatrix ? `${i}:${j}` : i}` }, editableName ? editable(editableName, isMatrix ? [i, j] : [i], v) : fmt(v))))));
  }

  // One box per tensor, top to bottom in forward order; [key, label, gradient key, is a parameter].
  const NODES = [
    ["x", "x", "d_x", true], ["W1", "W₁", "d_W1", true], ["b1", "b₁", "d_b1", true],
    ["z", "z = W₁x + b₁", "d_z", false], ["h", "h = σ(z)", "d_h", false],
    ["W2", "W₂", "d_W2", true], ["b2", "b₂", "d_b2", true], ["yhat", "ŷ = W₂h + b₂", "d_yhat", false],
    ["y", "target y", null, true], ["L", "L = ½(ŷ − y)²", null, false],
  ];
  function boxes() {
    const stage = model.get("stage"), now = ORDER[stage];
    const shown = (key) => ORDER.indexOf(key) < 0 || ORDER.indexOf(key) <= stage;
    const parts = [];
    NODES.forEach(([key, label, gkey, param], i) => {
      const value = model.get(key);
      const current = key === now || gkey === now;
      const valueCell = h("div", { "data-cell": "value" }, [h("span", { class: "lx-cell-label" }, "value"),
        shown(key) ? grid(key, value, param ? key : null) : h("span", { class: "lx-pending" }, "not computed yet")]);
      const cells = [h("div", { class: "lx-node-name" }, [label, h("span", { class: "lx-shape", "data-shape": key }, `shape ${shapeOf(value)}`)]), valueCell];
      if (gkey) {
        cells.push(h("div", { class: "lx-grad", "data-grad": gkey }, [h("span", { class: "lx-cell-label" }, `∂L/∂${label.split(" ")[0]}`),
          shown(gkey) ? grid(gkey, model.get(gkey)) : h("span", { class: "lx-pending" }, stage < FORWARD ? "after the forward pass" : "not yet")]));
      }
      parts.push(h("div", { class: `lx-node${param ? " lx-param" : ""}${current ? " lx-now" : ""}`, "data-node": key }, cells));
      if (i < NODES.length - 1 && !NODES[i + 1][3] && NODES[i + 1][0] !== "L") parts.push(h("div", { class: "lx-arrow", "aria-hidden": "true" }, "↓"));
    });
    return parts;
  }

  function readout() {
    const stage = model.get("stage"), [key, formula] = STAGES[stage];
    const value = key === "x" ? model.get("x") : model.get(key);
    const pass = stage < FORWARD ? `forward ${stage + 1} of ${FORWARD}` : `backward ${stage - FORWARD + 1} of ${STAGES.length - FORWARD}`;
    const show = (v) => (Array.isArray(v) ? (Array.isArray(v[0]) ? `[${v.map((r) => `[${r.map(fmt).join(", ")}]`).join(", ")}]` : `(${v.map(fmt).join(", ")})`) : fmt(v));
    return [
      h("div", { "data-field": "stage" }, `Step ${stage + 1} of ${STAGES.length} (${pass}): ${formula}`),
      h("div", { "data-field": "current" }, `= ${show(value)}, shape ${shapeOf(value)}`),
      h("div", { "data-field": "loss" }, stage >= 4 ? `L = ${fmt(model.get("L"))}` : "L: after the forward pass"),
    ];
  }

  // Rebuild the boxes when what is shown changes (the stage, the activation); after an edit,
  // patch the numbers in place, which keeps the update within one frame.
  let shownFor = null;
  function patch() {
    for (const td of net.querySelectorAll("td[data-at]")) {
      const [key, i, j] = td.dataset.at.split(":");
      let v = model.get(key);
      if (i !== undefined) v = v[Number(i)];
      if (j !== undefined) v = v[Number(j)];
      const text = fmt(v);
      if (td.textContent !== text) td.textContent = text;
    }
    for (const input of net.querySelectorAll("input[data-entry]")) {
      const [key, ...path] = input.dataset.entry.split("-").filter((part) => part !== "");
      let v = model.get(key);
      for (const k of path) v = v[Number(k)];
      if (input === document.activeElement && input.getAttribute("aria-invalid") === "true") continue;
      if (input.value !== exact(v)) input.value = exact(v);
      input.removeAttribute("aria-invalid");
    }
  }
  const update = redrawer(root, () => {
    const signature = `${model.get("stage")}|${model.get("activation")}`;
    if (signature === shownFor) {
      patch();
      status.replaceChildren(...readout());
      return;
    }
    shownFor = signature;
    keepingFocus(root, () => {
      net.replaceChildren(...boxes());
      acts.replaceChildren(h("span", {}, "σ: "), ...Object.keys(ACT).map((name) => h("button", { type: "button", "data-activation": name,
        "data-focus-key": `act-${name}`, "aria-pressed": String(model.get("activation") === name),
        onclick: () => commitState({ activation: name }) }, name)));
    });
    status.replaceChildren(...readout());
  });
  onChange(model, ["x", "y", "W1", "b1", "W2", "b2", "activation", "stage", ...ORDER.slice(1)], update);
  update();
}

lalib.widgets.backprop_stepper = { render, derive };
