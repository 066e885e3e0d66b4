// Vector playground: two vectors u and v in the plane, their sum u + v (with
// its parallelogram), a multiple a·u (slider), the dot product u·v, the angle
// between them (a right-angle mark when u·v = 0), and the unit ball of the
// chosen norm (1, 2 or ∞) with the ball of radius ‖u‖ through u's tip. Drag
// a tip (it snaps to a grid of SNAP) or type an entry; Tab to a tip and use
// the arrow keys. Reads only the model, so the kernel (live) and derive()
// (static page) produce the same picture.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const SNAP = 0.5;
const SIZE = 320;
const COLORS = { u: "#1f77b4", v: "#d62728", sum: "#2a8a2a", scaled: "#8e44ad" };
const NORM_NAMES = { 1: "₁", 2: "₂", inf: "∞" };
const BUTTON_NAMES = { 1: "L1", 2: "L2", inf: "L∞" };

// The p-norm of a vector, as lalib.norms.p_norm computes it (scaled by the largest entry first).
function pNorm(x, p) {
  const a = x.map(Math.abs);
  const top = Math.max(...a);
  if (top === 0 || p === "inf") return top;
  if (p === "1") return a.reduce((acc, y) => acc + y, 0);
  let sum = 0;
  for (const y of a) sum += (y / top) * (y / top);
  return top * Math.pow(sum, 0.5);
}

// Angle in degrees by Kahan's formula on the unit vectors, as lalib.norms.angle.
function angleDeg(a, b) {
  const na = pNorm(a, "2"), nb = pNorm(b, "2");
  const ha = a.map((x) => x / na), hb = b.map((x) => x / nb);
  const diff = pNorm(ha.map((x, i) => x - hb[i]), "2"), plus = pNorm(ha.map((x, i) => x + hb[i]), "2");
  return (2 * Math.atan2(diff, plus) * 180) / Math.PI;
}

// Static host: stand in for the kernel's lalib.widgets.vector_playground.describe_pair.
function derive(state) {
  const u = state.u, v = state.v, a = state.scale, p = state.norm;
  if (!["1", "2", "inf"].includes(p)) throw new Error(`norm must be 1, 2 or inf, got ${p}`);
  const sum = u.map((x, i) => x + v[i] + 0), scaled = u.map((x) => a * x + 0);
  if (![...sum, ...scaled].every(Number.isFinite)) throw new Error("u + v or a·u overflows: use smaller numbers");
  const big = Math.max(...u.map(Math.abs), ...v.map(Math.abs));
  let dot = 0, cross = 0;
  if (big > 0) {
    const hu = u.map((x) => x / big), hv = v.map((x) => x / big);
    dot = (hu[0] * hv[0] + hu[1] * hv[1]) * big * big + 0;
    cross = (hu[0] * hv[1] - hu[1] * hv[0]) * big * big + 0;
  }
  const zero = (w) => w.every((x) => x === 0);
  return {
    sum, scaled, dot, cross,
    angle: zero(u) || zero(v) ? null : angleDeg(u, v),
    norm_u: pNorm(u, p), norm_v: pNorm(v, p), norm_sum: pNorm(sum, p), norm_scaled: pNorm(scaled, p),
  };
}

// Boundary of the ball of radius r in the p-norm, as an SVG points string.
function ballPoints(p, r, project) {
  const pts = [];
  for (let i = 0; i < 96; i++) {
    const t = (2 * Math.PI * i) / 96;
    const d = [Math.cos(t), Math.sin(t)];
    const n = pNorm(d, p);
    pts.push(project([(r * d[0]) / n, (r * d[1]) / n]).join(","));
  }
  return pts.join(" ");
}

// Where a dragged tip lands: on the line perpendicular to the other vector w, or on
// the line through w, when the pointer is within SPECIAL_PX pixels of that line (at
// a multiple of 1/4 of w turned by 90°, or of w, so that u·v = 0 or u × v = 0 holds
// exactly); otherwise on the grid of SNAP.
const SPECIAL_PX = 7;
function snapped(raw, w, k) {
  const grid = raw.map((x) => Math.round(x / SNAP) * SNAP);
  if (!(w[0] || w[1])) return grid;
  const onLine = (p, e) => p[0] * e[1] - p[1] * e[0] === 0;
  for (const e of [[-w[1], w[0]], [w[0], w[1]]]) {
    if (onLine(grid, e)) return grid; // the grid point is already special
  }
  for (const e of [[-w[1], w[0]], [w[0], w[1]]]) {
    const ee = e[0] * e[0] + e[1] * e[1];
    const along = (raw[0] * e[0] + raw[1] * e[1]) / ee;
    const off = Math.abs(raw[0] * e[1] - raw[1] * e[0]) / Math.sqrt(ee) * k; // pixels from the line
    const t = Math.round(4 * along) / 4;
    if (t !== 0 && off < SPECIAL_PX) return [t * e[0] + 0, t * e[1] + 0];
  }
  return grid;
}

function render({ model, el }) {
  const root = h("div", { class: "lx-rank lx-vecplay", "data-lm-suppress-shortcuts": "true" });
  el.append(root);

  const get = (name) => model.get(name);
  const setMany = guarded(root, (changes) => {
    for (const [k, val] of Object.entries(changes)) model.set(k, val);
    model.save_changes();
  });
  let frozenReach = null;
  const reach = () => {
    if (frozenReach !== null) return frozenReach;
    const all = [...get("u"), ...get("v"), ...(get("sum") || []), ...(get("scaled") || [])].map(Math.abs);
    return Math.max(3, Math.ceil(Math.max(...all.filter(Number.isFinite)) + 0.5));
  };
  function frame() {
    const R = reach(), k = (SIZE / 2 - 12) / R, c = SIZE / 2;
    return { R, k, project: ([x, y]) => [c + k * x, c - k * y] };
  }

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img",
    "aria-label": "the vectors u and v, u + v, a·u and the unit ball of the chosen norm" });
  const side = h("div", { class: "lx-side" });
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const slider = h("input", { type: "range", min: -3, max: 3, step: 0.1, "aria-label": "the scalar a",
    "data-focus-key": "scale", style: "width: 11em; vertical-align: middle",
    oninput: (e) => setMany({ scale: Number(e.target.value) }) });
  const sliderValue = h("output", { "data-field": "scale" });
  const norms = h("fieldset", { class: "lx-options", style: "margin-top: 0.4em" }, [
    h("legend", { style: "font-weight: 600; font-size: 1em; padding: 0; margin: 0 0 0.2em; border: 0; float: none; width: auto" },
      "Norm for ‖·‖ and the unit ball"),
    ...["1", "2", "inf"].map((p) => h("label", { style: "margin-right: 1em; white-space: nowrap" }, [
      h("input", { type: "radio", name: `norm-${Math.random().toString(36).slice(2)}`, value: p,
        "data-focus-key": `norm-${p}`, onchange: (e) => e.target.checked && setMany({ norm: p }) }),
      ` ${BUTTON_NAMES[p]}`,
    ])),
  ]);
  // Radios in one group share one name; give them the same one.
  const groupName = norms.querySelector("input").name;
  norms.querySelectorAll("input").forEach((r) => (r.name = groupName));
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(table, entryError, h("div", { style: "margin-top: 0.4em" }, [h("b", {}, "a = "), sliderValue, " ", slider]),
    norms, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  root.append(h("p", { class: "lx-hint" },
    `Drag the tip of u or v (it snaps to steps of ${SNAP}, and onto the line through or perpendicular to the ` +
    "other vector when close to it), or Tab to it and use the arrow keys, or type entries; " +
    "the slider sets a in a·u."));

  function arrow(f, tip, color, label, opts = {}) {
    const [x0, y0] = f.project([0, 0]);
    const [x1, y1] = f.project(tip);
    const len = Math.hypot(x1 - x0, y1 - y0);
    const g = s("g", { class: "lx-column", "data-vector": opts.key || label });
    if (len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: color,
          "stroke-width": opts.width || 2.5, "stroke-dasharray": opts.dash || null }),
        s("polygon", { fill: color, points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ` +
          `${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}` }),
      );
    }
    g.append(s("text", { x: x1 + 7, y: y1 - 7, fill: color, class: "lx-label" }, label));
    return g;
  }

  function handle(f, name) {
    const tip = get(name);
    const [x, y] = f.project(tip);
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    return s("g", {
      class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable tip", "data-vector": name,
      "data-focus-key": `tip-${name}`, "aria-label": `${name} = (${tip.map(fmt).join(", ")}); arrow keys move it by ${SNAP}`,
      onpointerdown: (e) => startDrag(e, name), onkeydown: (e) => nudge(e, name),
      ontouchstart: (e) => e.preventDefault(),
    }, [
      s("circle", { cx: x, cy: y, r: hitRadius, class: "lx-hit" }),
      s("circle", { cx: x, cy: y, r: 8, class: "lx-handle", fill: COLORS[name] }),
    ]);
  }

  function draw() {
    const f = frame(), u = get("u"), v = get("v"), sum = get("sum"), scaled = get("scaled"), p = get("norm");
    const g = s("g", { class: "lx-axes" });
    // Grid lines at a round step (1, 2, 5 × a power of ten), at most about 5 on each side of 0.
    const raw = f.R / 5, pow = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = raw <= pow ? pow : raw <= 2 * pow ? 2 * pow : raw <= 5 * pow ? 5 * pow : 10 * pow;
    const lines = Math.floor(f.R / step);
    for (let j = -lines; j <= lines; j++) {
      if (j === 0) continue;
      const i = j * step;
      const [a, b] = [f.project([i, -f.R]), f.project([i, f.R])], [c, d] = [f.project([-f.R, i]), f.project([f.R, i])];
      g.append(s("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], "stroke-opacity": 0.18 }),
        s("line", { x1: c[0], y1: c[1], x2: d[0], y2: d[1], "stroke-opacity": 0.18 }));
    }
    const [l, r] = [f.project([-f.R, 0]), f.project([f.R, 0])], [bt, tp] = [f.project([0, -f.R]), f.project([0, f.R])];
    g.append(s("line", { x1: l[0], y1: l[1], x2: r[0], y2: r[1] }), s("line", { x1: bt[0], y1: bt[1], x2: tp[0], y2: tp[1] }));
    const balls = s("g", { class: "lx-balls", "pointer-events": "none" }, [
      s("polygon", { points: ballPoints(p, 1, f.project), class: "lx-space-plane", "data-ball": "unit" }),
    ]);
    const nu = get("norm_u");
    if (nu > 0 && Number.isFinite(nu)) {
      balls.append(s("polygon", { points: ballPoints(p, nu, f.project), fill: "none", stroke: COLORS.u,
        "stroke-opacity": 0.6, "stroke-dasharray": "4 4", "data-ball": "through-u" }));
    }
    // The parallelogram: v drawn from u's tip, u from v's tip.
    const para = s("g", { "pointer-events": "none" });
    for (const [from, to, color] of [[u, sum, COLORS.v], [v, sum, COLORS.u]]) {
      const [a, b] = [f.project(from), f.project(to)];
      para.append(s("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: color, "stroke-opacity": 0.5,
        "stroke-dasharray": "5 4", "stroke-width": 1.5 }));
    }
    const marks = s("g", { "pointer-events": "none" });
    const theta = get("angle");
    if (theta !== null && theta !== undefined) {
      const a0 = Math.atan2(u[1], u[0]), rad = 26;
      const turn = get("cross") >= 0 ? 1 : -1, t = (theta * Math.PI) / 180;
      const o = f.project([0, 0]);
      if (get("dot") === 0) {
        // A right angle: a small square in the corner.
        const e1 = [Math.cos(a0), Math.sin(a0)], e2 = [Math.cos(a0 + turn * t), Math.sin(a0 + turn * t)], q = 12;
        const pt = (x, y) => `${o[0] + q * (x * e1[0] + y * e2[0])},${o[1] - q * (x * e1[1] + y * e2[1])}`;
        marks.append(s("polyline", { points: `${pt(1, 0)} ${pt(1, 1)} ${pt(0, 1)}`, fill: "none", stroke: "currentColor",
          class: "lx-right-angle", "stroke-width": 1.5 }));
      } else {
        const pts = [];
        for (let i = 0; i <= 24; i++) {
          const ang = a0 + (turn * t * i) / 24;
          pts.push(`${o[0] + rad * Math.cos(ang)},${o[1] - rad * Math.sin(ang)}`);
        }
        marks.append(s("polyline", { points: pts.join(" "), fill: "none", stroke: "currentColor", "stroke-width": 1.5 }));
      }
      const mid = a0 + (turn * t) / 2;
      marks.append(s("text", { x: o[0] + 40 * Math.cos(mid) - 4, y: o[1] - 40 * Math.sin(mid) + 4, class: "lx-label" }, "θ"));
    }
    morph(svg,
      s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" }),
      g, balls, para, marks,
      arrow(f, scaled, COLORS.scaled, "a·u", { width: 4, key: "scaled", dash: "2 3" }),
      arrow(f, sum, COLORS.sum, "u+v", { key: "sum" }),
      arrow(f, v, COLORS.v, "v"),
      arrow(f, u, COLORS.u, "u"),
      handle(f, "v"),
      handle(f, "u"),
    );
  }

  function entries() {
    const t = h("table", { class: "lx-matrix", "aria-label": "entries of u and v" });
    t.append(h("tr", {}, [h("th", {}, ""), h("th", {}, "x₁"), h("th", {}, "x₂")]));
    for (const name of ["u", "v"]) {
      const cells = get(name).map((x, i) => h("td", {}, h("input", {
        type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(x), title: exact(x),
        "data-vector": name, "data-index": i, "data-focus-key": `entry-${name}-${i}`, "aria-label": `${name}${i ? "₂" : "₁"}`,
        onchange: (e) => commit(e.target, name, i),
        onkeydown: (e) => e.key === "Enter" && commit(e.target, name, i),
      })));
      t.append(h("tr", {}, [h("th", { style: `color:${COLORS[name]}` }, `${name} =`), ...cells]));
    }
    return t;
  }

  function commit(input, name, i) {
    const read = parseNumber(input.value);
    const label = `${name}${i ? "₂" : "₁"}`;
    if ("error" in read) {
      input.setAttribute("aria-invalid", "true");
      entryError.textContent = `${label}: ${read.error}`;
      return;
    }
    input.removeAttribute("aria-invalid");
    entryError.textContent = "";
    if (read.value === get(name)[i]) return (input.value = exact(read.value));
    const next = get(name).slice();
    next[i] = read.value;
    setMany({ [name]: next });
  }

  function nudge(e, name) {
    const steps = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowUp: [1, 1], ArrowDown: [1, -1] };
    const step = steps[e.key];
    if (!step) return;
    e.preventDefault();
    const next = get(name).slice();
    next[step[0]] = Math.round((next[step[0]] + step[1] * SNAP) / SNAP) * SNAP;
    setMany({ [name]: next });
  }

  function startDrag(event, name) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const f = frame(), rect = svg.getBoundingClientRect(), scale = SIZE / rect.width;
    const start = get(name).slice(), [sx, sy] = [event.clientX, event.clientY];
    const move = (e) => {
      const dx = ((e.clientX - sx) * scale) / f.k, dy = ((e.clientY - sy) * scale) / f.k;
      const tip = snapped([start[0] + dx, start[1] - dy], get(name === "u" ? "v" : "u"), f.k);
      const now = get(name);
      if (tip[0] === now[0] && tip[1] === now[1]) return;
      setMany({ [name]: tip });
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

  function readout() {
    const vec = (w) => `(${w.map(fmt).join(", ")})`;
    const p = get("norm"), pn = NORM_NAMES[p], theta = get("angle");
    const nu = get("norm_u"), nv = get("norm_v"), ns = get("norm_sum");
    const relation = theta === null ? "a zero vector has no direction, so there is no angle"
      : get("dot") === 0 ? "u and v are perpendicular (u·v = 0)"
        : get("cross") === 0 ? (get("dot") > 0 ? "u and v point the same way" : "u and v point in opposite directions")
          : get("dot") > 0 ? "the angle is acute (u·v > 0)" : "the angle is obtuse (u·v < 0)";
    // "‖u‖₂ ≈2.236", never "= ≈2.236": a rounded value replaces the equals sign.
    const row = (label, field, text) => h("div", {}, [
      h("b", {}, text.startsWith("≈") ? label.replace(/ = $/, " ") : label), h("span", { "data-field": field }, text)]);
    const eq = (x) => (fmt(x).startsWith("≈") ? fmt(x) : `= ${fmt(x)}`);
    return [
      row("u + v = ", "sum", vec(get("sum"))),
      row("a·u = ", "scaled", `${fmt(get("scale"))}·${vec(get("u"))} = ${vec(get("scaled"))}`),
      row("u·v = ", "dot", fmt(get("dot"))),
      row("angle θ = ", "angle", theta === null ? "undefined" : `${fmt(theta)}°`),
      h("div", { "data-field": "relation" }, relation),
      row(`‖u‖${pn} = `, "norm-u", fmt(nu)),
      row(`‖v‖${pn} = `, "norm-v", fmt(nv)),
      row(`‖u + v‖${pn} = `, "norm-sum", fmt(ns)),
      row(`‖a·u‖${pn} = `, "norm-scaled", `${fmt(get("norm_scaled"))}, which is |a|·‖u‖${pn}`),
      h("div", { "data-field": "triangle" }, `triangle inequality: ‖u + v‖ ${eq(ns)} ≤ ‖u‖ + ‖v‖ ${eq(nu + nv)}` +
        // Equal up to rounding: the norms of parallel vectors add up only to the last bit or so.
        (nu > 0 && nv > 0 && Math.abs(ns - (nu + nv)) <= 1e-12 * (nu + nv) ? " (equality)" : "")),
    ];
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      morph(table, entries());
      if (document.activeElement !== slider) slider.value = String(get("scale"));
      sliderValue.textContent = fmt(get("scale"));
      norms.querySelectorAll("input").forEach((r) => (r.checked = r.value === get("norm")));
    });
    morph(status, ...readout());
  });

  onChange(model, ["u", "v", "scale", "norm", "sum", "scaled", "dot", "cross", "angle", "norm_u", "norm_v", "norm_sum",
    "norm_scaled"], update);
  update();
}

lalib.widgets.vector_playground = { render, derive };
