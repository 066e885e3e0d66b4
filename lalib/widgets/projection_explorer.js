// Projection explorer, three modes. "line": drag a and b in the plane; the
// projection p of b onto the line through a, the residual r = b − p with its
// right angle, a·b, cos θ and θ. "plane": a plane through 0 in R³ spanned by
// u1, u2 and a vector c; its projection onto the plane and the residual along
// the normal; drag the background (or use the slider) to turn the view, drag
// c's tip in the screen plane. "fit": drag data points; the least-squares line
// y = w0 + w1 x, the vertical residuals and their sum of squares.
// derive(state) repeats lalib/widgets/projection_explorer.py operation for
// operation, so the static page and the kernel agree.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber, ownKeys } = lalib.runtime;

const SNAP = 0.5, PSNAP = 0.25, SIZE = 320, MAX_POINTS = 12, PARALLEL = 1e-12;
const COLORS = { a: "#1f77b4", b: "#d62728", p: "#2a8a2a", r: "#8e44ad", u1: "#1f77b4", u2: "#17becf", c: "#d62728",
  pt: "#d62728", fit: "#1f77b4" };
const MODE_NAMES = { line: "onto a line", plane: "onto a plane (3-D)", fit: "least squares" };

const dot = (x, y) => { let t = 0; for (let i = 0; i < x.length; i++) t += x[i] * y[i]; return t; };
// A power of two at least as large as every entry (0 when all are 0): dividing by it is exact, so the
// page and the kernel may pick different powers and still compute the same numbers.
const biggest = (...vs) => {
  let b = 0;
  for (const v of vs) for (const c of v) b = Math.max(b, Math.abs(c));
  return b ? 2 ** Math.min(Math.floor(Math.log2(b)) + 1, 1023) : 0;
};
const plain = (x) => x + 0;
const DEG = 180 / Math.PI;

const length = (v) => {
  const big = biggest(v);
  return big ? plain(Math.sqrt(dot(v.map((x) => x / big), v.map((x) => x / big))) * big) : 0;
};

function projectLine(a, b) {
  // a and b are each divided by their own power of two: a tiny a and a huge b neither underflow nor overflow.
  const bigA = biggest(a), bigB = biggest(b);
  const ha = bigA ? a.map((x) => x / bigA) : a, hb = bigB ? b.map((x) => x / bigB) : b;
  const aa = dot(ha, ha), bb = dot(hb, hb), ab = dot(ha, hb);
  const cross = ha[0] * hb[1] - ha[1] * hb[0];
  let p, coef, kind;
  if (aa === 0) { p = [0, 0]; coef = null; kind = "zero"; } else {
    const k = ab / aa;
    coef = k * (bigB / bigA);
    p = ha.map((x) => (k * x) * bigB);
    kind = "line";
  }
  const r = [b[0] - p[0], b[1] - p[1]];
  const zero = aa === 0 || bb === 0;
  return {
    p: p.map(plain), r: r.map(plain), coef: coef === null ? null : plain(coef),
    dot: plain(ab * bigA * bigB), cross: plain(cross),
    cos: zero ? null : plain(ab / (Math.sqrt(aa) * Math.sqrt(bb))),
    angle: zero ? null : plain(Math.atan2(Math.abs(cross), ab) * DEG),
    norm_p: length(p), norm_r: length(r), line_kind: kind,
  };
}

function projectPlane(u1, u2, c) {
  const bigU = biggest(u1, u2) || 1, bigC = biggest(c) || 1;
  const h1 = u1.map((x) => x / bigU), h2 = u2.map((x) => x / bigU), hc = c.map((x) => x / bigC);
  const n = [h1[1] * h2[2] - h1[2] * h2[1], h1[2] * h2[0] - h1[0] * h2[2], h1[0] * h2[1] - h1[1] * h2[0]];
  const nn = dot(n, n), n1 = dot(h1, h1), n2 = dot(h2, h2);
  let hp, hr, kind;
  if (nn > PARALLEL * PARALLEL * n1 * n2 && nn > 0) {
    const k = dot(hc, n) / nn;
    hr = n.map((x) => k * x);
    hp = hc.map((x, i) => x - hr[i]);
    kind = "plane";
  } else if (n1 > 0 || n2 > 0) {
    const d = n1 >= n2 ? h1 : h2;
    const k = dot(hc, d) / dot(d, d);
    hp = d.map((x) => k * x);
    hr = hc.map((x, i) => x - hp[i]);
    kind = "line";
  } else {
    hp = [0, 0, 0]; hr = hc.slice(); kind = "point";
  }
  return { p3: hp.map((x) => plain(x * bigC)), r3: hr.map((x) => plain(x * bigC)),
    dist: plain(Math.sqrt(dot(hr, hr)) * bigC), span_kind: kind };
}

function fitLine(points) {
  if (!Array.isArray(points) || points.length < 1 || points.length > MAX_POINTS) {
    throw new Error(`there must be 1 to ${MAX_POINTS} points`);
  }
  const xs = points.map((q) => q[0]), ys = points.map((q) => q[1]), k = xs.length;
  if (![...xs, ...ys].every(Number.isFinite)) throw new Error("points must be finite numbers");
  let sx = 0, sy = 0;
  for (let i = 0; i < k; i++) { sx += xs[i]; sy += ys[i]; }
  const xbar = sx / k, ybar = sy / k;
  let w, fitted, kind;
  if (xs.every((x) => x === xs[0])) {
    w = null; fitted = xs.map(() => ybar); kind = "vertical";
  } else {
    let sxx = 0, sxy = 0;
    for (let i = 0; i < k; i++) { const dx = xs[i] - xbar; sxx += dx * dx; sxy += dx * (ys[i] - ybar); }
    const w1 = sxy / sxx, w0 = ybar - w1 * xbar;
    w = [w0, w1]; fitted = xs.map((x) => w0 + w1 * x); kind = "unique";
  }
  const res = ys.map((y, i) => y - fitted[i]);
  let sse = 0;
  for (const e of res) sse += e * e;
  return { w: w === null ? null : w.map(plain), fitted: fitted.map(plain), residuals: res.map(plain), sse: plain(sse),
    fit_kind: kind };
}

// Static host: stand in for ProjectionExplorer.derive_state.
function derive(state) {
  if (!["line", "plane", "fit"].includes(state.mode)) throw new Error(`unknown mode ${state.mode}`);
  for (const [name, n] of [["a", 2], ["b", 2], ["u1", 3], ["u2", 3], ["c", 3]]) {
    const v = state[name];
    if (!Array.isArray(v) || v.length !== n || !v.every(Number.isFinite)) throw new Error(`${name} must be ${n} finite numbers`);
  }
  return { ...projectLine(state.a, state.b), ...projectPlane(state.u1, state.u2, state.c), ...fitLine(state.points) };
}

function render({ model, el }) {
  const root = ownKeys(h("div", { class: "lx-rank lx-proj" }));
  el.append(root);
  const get = (name) => model.get(name);
  const setMany = guarded(root, (changes) => {
    for (const [k, val] of Object.entries(changes)) model.set(k, val);
    model.save_changes();
  });
  let view = { azim: -0.6, elev: 0.45 }; // the 3-D camera: the reader's, not the model's
  let frozenReach = null;
  const vec = (w) => `(${w.map(fmt).join(", ")})`;

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "group",
    "aria-label": "the picture: vectors, projection and residual" });
  const side = h("div", { class: "lx-side" });
  const modeBox = h("fieldset", { class: "lx-options" }, [h("legend", { style: "font-weight: 600" }, "Project")]);
  const group = `proj-${Math.random().toString(36).slice(2)}`;
  for (const m of ["line", "plane", "fit"]) {
    modeBox.append(h("label", { style: "margin-right: 1em; white-space: nowrap" }, [
      h("input", { type: "radio", name: group, value: m, "data-focus-key": `mode-${m}`,
        onchange: (e) => e.target.checked && setMany({ mode: m }) }), ` ${MODE_NAMES[m]}`]));
  }
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const controls = h("div", { class: "lx-controls", style: "margin-top: 0.4em" });
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  const hint = h("p", { class: "lx-hint" });
  side.append(modeBox, table, entryError, controls, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]), hint);

  // --- frames --------------------------------------------------------------------------------------------------
  function reach() {
    if (frozenReach !== null) return frozenReach;
    const mode = get("mode");
    let all;
    if (mode === "line") all = [...get("a"), ...get("b"), ...get("p")];
    else if (mode === "plane") all = [...get("u1"), ...get("u2"), ...get("c"), ...get("p3")];
    else all = get("points").flat();
    const m = Math.max(...all.map(Math.abs).filter(Number.isFinite));
    return Math.max(3, Math.ceil(m + 0.5));
  }
  function frame2() {
    const R = reach(), k = (SIZE / 2 - 12) / R, c = SIZE / 2;
    return { R, k, project: ([x, y]) => [c + k * x, c - k * y] };
  }
  function camera() {
    const ca = Math.cos(view.azim), sa = Math.sin(view.azim), ce = Math.cos(view.elev), se = Math.sin(view.elev);
    const right = [ca, sa, 0], up = [-sa * se, ca * se, ce];
    return { right, up };
  }
  function frame3() {
    const R = reach(), k = (SIZE / 2 - 16) / (R * 1.2), c = SIZE / 2, cam = camera();
    return { R, k, cam, project: (v) => [c + k * dot(v, cam.right), c - k * dot(v, cam.up)] };
  }

  // --- drawing helpers -----------------------------------------------------------------------------------------
  const line = (P, Q, attrs) => s("line", { x1: P[0], y1: P[1], x2: Q[0], y2: Q[1], ...attrs });
  function arrow(from, to, color, label, opts = {}) {
    const [x0, y0] = from, [x1, y1] = to;
    const len = Math.hypot(x1 - x0, y1 - y0);
    const g = s("g", { class: "lx-column", "data-vector": opts.key || label });
    if (len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(line([x0, y0], [x1 - ux * a * 0.8, y1 - uy * a * 0.8], { stroke: color, "stroke-width": opts.width || 2.5,
        "stroke-dasharray": opts.dash || null }),
      s("polygon", { fill: color, points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ` +
        `${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}` }));
    }
    if (label) g.append(s("text", { x: x1 + (opts.dx ?? 7), y: y1 + (opts.dy ?? -7), fill: color, class: "lx-label" }, label));
    return g;
  }
  function handle(at, key, color, label, onkey, ondown) {
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    return s("g", { class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable point",
      "data-handle": key, "data-focus-key": `tip-${key}`, "aria-label": label,
      onpointerdown: ondown, onkeydown: onkey, ontouchstart: (e) => e.preventDefault() }, [
      s("circle", { cx: at[0], cy: at[1], r: hitRadius, class: "lx-hit" }),
      s("circle", { cx: at[0], cy: at[1], r: 8, class: "lx-handle", fill: color }),
    ]);
  }
  function rightAngle(o, d1, d2, q = 10) {
    // A square corner at o (screen coordinates) between screen directions d1, d2 (unit).
    const pt = (x, y) => `${o[0] + q * (x * d1[0] + y * d2[0])},${o[1] + q * (x * d1[1] + y * d2[1])}`;
    return s("polyline", { points: `${pt(1, 0)} ${pt(1, 1)} ${pt(0, 1)}`, fill: "none", stroke: "currentColor",
      class: "lx-right-angle", "stroke-width": 1.5 });
  }
  const unit = (P, Q) => { const L = Math.hypot(Q[0] - P[0], Q[1] - P[1]); return L > 1e-9 ? [(Q[0] - P[0]) / L, (Q[1] - P[1]) / L] : null; };
  function gridAxes(f) {
    const g = s("g", { class: "lx-axes" });
    const raw = f.R / 8, pow = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = raw <= pow ? pow : raw <= 2 * pow ? 2 * pow : raw <= 5 * pow ? 5 * pow : 10 * pow;
    const n = Math.floor(f.R / step);
    for (let j = -n; j <= n; j++) {
      if (j === 0) continue;
      g.append(line(f.project([j * step, -f.R]), f.project([j * step, f.R]), { "stroke-opacity": 0.18 }),
        line(f.project([-f.R, j * step]), f.project([f.R, j * step]), { "stroke-opacity": 0.18 }));
    }
    g.append(line(f.project([-f.R, 0]), f.project([f.R, 0]), {}), line(f.project([0, -f.R]), f.project([0, f.R]), {}));
    return g;
  }

  // --- the three pictures ----------------------------------------------------------------------------------------
  function drawLine() {
    const f = frame2(), a = get("a"), b = get("b"), p = get("p"), o = f.project([0, 0]);
    const parts = [gridAxes(f)];
    const na = Math.hypot(a[0], a[1]);
    if (get("line_kind") === "line" && na > 0) {
      const L = 3 * f.R / na;
      parts.push(line(f.project([-L * a[0], -L * a[1]]), f.project([L * a[0], L * a[1]]), { class: "lx-space-line",
        "data-span": "line" }));
    }
    const P = f.project(p), B = f.project(b);
    parts.push(line(B, P, { stroke: COLORS.r, "stroke-width": 2, "stroke-dasharray": "5 4", "data-vector": "r" }));
    const d1 = unit(P, o) || unit(P, f.project(a)), d2 = unit(P, B);
    if (d1 && d2 && get("norm_r") > 0 && get("norm_p") > 0) parts.push(rightAngle(P, d1, d2));
    parts.push(arrow(o, P, COLORS.p, "p", { key: "p", width: 4, dy: 16 }), arrow(o, f.project(a), COLORS.a, "a"),
      arrow(o, B, COLORS.b, "b"));
    parts.push(handle(f.project(a), "a", COLORS.a, `a = ${vec(a)}; arrow keys move it by ${SNAP}`,
      (e) => nudge2(e, "a"), (e) => drag2(e, "a")));
    parts.push(handle(B, "b", COLORS.b, `b = ${vec(b)}; arrow keys move it by ${SNAP}`,
      (e) => nudge2(e, "b"), (e) => drag2(e, "b")));
    return parts;
  }

  function drawPlane() {
    const f = frame3(), u1 = get("u1"), u2 = get("u2"), c = get("c"), p = get("p3"), o = f.project([0, 0, 0]);
    const parts = [];
    const ax = s("g", { class: "lx-axes" });
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]].forEach((e, i) => {
      ax.append(line(f.project(e.map((x) => -f.R * x)), f.project(e.map((x) => f.R * x)), { "stroke-opacity": 0.5 }));
      const tip = f.project(e.map((x) => f.R * 1.05 * x));
      ax.append(s("text", { x: tip[0], y: tip[1] }, `x${"₁₂₃"[i]}`));
    });
    parts.push(ax);
    const kind = get("span_kind");
    if (kind === "plane") {
      // A patch of the plane: ±R along an orthonormal pair (Gram–Schmidt on u1, u2).
      const n1 = Math.sqrt(dot(u1, u1)) || 1, q1 = u1.map((x) => x / n1);
      const w = u2.map((x, i) => x - dot(u2, q1) * q1[i]), nw = Math.sqrt(dot(w, w)) || 1, q2 = w.map((x) => x / nw);
      const corner = (sa, sb) => f.project(q1.map((x, i) => f.R * (sa * x + sb * q2[i])));
      const pts = [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)].map((q) => q.join(",")).join(" ");
      parts.push(s("polygon", { points: pts, class: "lx-space-plane", "data-span": "plane" }));
    } else if (kind === "line") {
      const d = dot(u1, u1) >= dot(u2, u2) ? u1 : u2, nd = Math.sqrt(dot(d, d));
      parts.push(line(f.project(d.map((x) => -f.R * x / nd)), f.project(d.map((x) => f.R * x / nd)),
        { class: "lx-space-line", "data-span": "line" }));
    }
    const P = f.project(p), C = f.project(c);
    parts.push(line(C, P, { stroke: COLORS.r, "stroke-width": 2, "stroke-dasharray": "5 4", "data-vector": "r" }));
    parts.push(arrow(o, P, COLORS.p, "p", { key: "p", width: 4, dy: 16 }), arrow(o, f.project(u1), COLORS.u1, "u1"),
      arrow(o, f.project(u2), COLORS.u2, "u2"), arrow(o, C, COLORS.c, "c"));
    parts.push(handle(C, "c", COLORS.c, `c = ${vec(c)}; arrow keys move c₁ and c₂, Page Up and Page Down c₃`,
      (e) => nudge3(e), (e) => drag3(e)));
    return parts;
  }

  function drawFit() {
    const f = frame2(), pts = get("points"), fitted = get("fitted"), w = get("w");
    const parts = [gridAxes(f)];
    if (w) {
      parts.push(line(f.project([-f.R, w[0] - w[1] * f.R]), f.project([f.R, w[0] + w[1] * f.R]),
        { stroke: COLORS.fit, "stroke-width": 2.5, "data-fit": "line" }));
    } else {
      const x0 = pts[0][0];
      parts.push(line(f.project([x0, -f.R]), f.project([x0, f.R]), { stroke: COLORS.fit, "stroke-width": 2,
        "stroke-dasharray": "2 4", "data-fit": "vertical" }));
    }
    pts.forEach((q, i) => {
      const Q = f.project(q), F = f.project([q[0], fitted[i]]);
      parts.push(line(Q, F, { stroke: COLORS.r, "stroke-width": 2, "data-residual": i }));
    });
    pts.forEach((q, i) => {
      parts.push(handle(f.project(q), `pt-${i}`, COLORS.pt, `point ${i + 1} = ${vec(q)}; arrow keys move it by ${PSNAP}`,
        (e) => nudgePoint(e, i), (e) => dragPoint(e, i)));
    });
    return parts;
  }

  // --- editing: drags, keys, entries -------------------------------------------------------------------------------
  const snap = (x, step) => Math.round(x / step) * step + 0;
  function dragging(event, onMove) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const rect = svg.getBoundingClientRect(), scale = SIZE / rect.width, [sx, sy] = [event.clientX, event.clientY];
    const move = (e) => onMove(((e.clientX - sx) * scale), ((e.clientY - sy) * scale));
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
  function setIfNew(name, next) {
    const now = get(name);
    if (JSON.stringify(now) !== JSON.stringify(next)) setMany({ [name]: next });
  }
  function drag2(event, name) {
    const f = frame2(), start = get(name).slice();
    dragging(event, (dx, dy) => setIfNew(name, [snap(start[0] + dx / f.k, SNAP), snap(start[1] - dy / f.k, SNAP)]));
  }
  function dragPoint(event, i) {
    const f = frame2(), start = get("points")[i].slice();
    dragging(event, (dx, dy) => {
      const next = get("points").map((q) => q.slice());
      next[i] = [snap(start[0] + dx / f.k, PSNAP), snap(start[1] - dy / f.k, PSNAP)];
      setIfNew("points", next);
    });
  }
  function drag3(event) {
    const f = frame3(), start = get("c").slice(), { right, up } = f.cam;
    dragging(event, (dx, dy) => setIfNew("c", start.map((x, i) => snap(x + (dx * right[i] - dy * up[i]) / f.k, SNAP))));
  }
  const STEPS = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowUp: [1, 1], ArrowDown: [1, -1], PageUp: [2, 1], PageDown: [2, -1] };
  function nudge2(e, name) {
    const st = STEPS[e.key];
    if (!st || st[0] > 1) return;
    e.preventDefault();
    const next = get(name).slice();
    next[st[0]] = snap(next[st[0]] + st[1] * SNAP, SNAP);
    setMany({ [name]: next });
  }
  function nudge3(e) {
    const st = STEPS[e.key];
    if (!st) return;
    e.preventDefault();
    const next = get("c").slice();
    next[st[0]] = snap(next[st[0]] + st[1] * SNAP, SNAP);
    setMany({ c: next });
  }
  function nudgePoint(e, i) {
    const st = STEPS[e.key];
    if (!st || st[0] > 1) return;
    e.preventDefault();
    const next = get("points").map((q) => q.slice());
    next[i][st[0]] = snap(next[i][st[0]] + st[1] * PSNAP, PSNAP);
    setMany({ points: next });
  }
  // Turning the 3-D view: drag the background.
  svg.addEventListener("pointerdown", (event) => {
    if (get("mode") !== "plane" || event.target.closest(".lx-tip")) return;
    const start = { ...view }, [sx, sy] = [event.clientX, event.clientY];
    const move = (e) => {
      view = { azim: start.azim - (e.clientX - sx) / 80, elev: Math.max(-1.5, Math.min(1.5, start.elev + (e.clientY - sy) / 80)) };
      turn.value = String(Math.round(((view.azim * DEG) % 360 + 540) % 360 - 180));
      update();
    };
    const stop = () => { window.removeEventListener("pointermove", move); window.removeEventListener("pointerup", stop); };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
  });
  const turn = h("input", { type: "range", min: -180, max: 180, step: 5, value: Math.round(view.azim * DEG),
    "aria-label": "turn the 3-D view (degrees)", "data-focus-key": "turn", style: "width: 11em; vertical-align: middle",
    oninput: (e) => { view = { ...view, azim: Number(e.target.value) / DEG }; update(); } });

  function entryTable(names, size) {
    const t = h("table", { class: "lx-matrix", "aria-label": `entries of ${names.join(", ")}` });
    t.append(h("tr", {}, [h("th", {}, ""), ...Array.from({ length: size }, (_, i) => h("th", {}, `x${"₁₂₃"[i]}`))]));
    for (const name of names) {
      t.append(h("tr", {}, [h("th", { style: `color:${COLORS[name]}` }, `${name} =`), ...get(name).map((x, i) => h("td", {},
        h("input", { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(x), title: exact(x),
          "data-vector": name, "data-index": i, "data-focus-key": `entry-${name}-${i}`, "aria-label": `${name}[${i + 1}]`,
          onchange: (e) => commit(e.target, name, i), onkeydown: (e) => e.key === "Enter" && commit(e.target, name, i) })))]));
    }
    return t;
  }
  function pointTable() {
    const pts = get("points");
    const t = h("table", { class: "lx-matrix", "aria-label": "data points" });
    t.append(h("tr", {}, [h("th", {}, ""), h("th", {}, "x"), h("th", {}, "y")]));
    pts.forEach((q, i) => t.append(h("tr", {}, [h("th", {}, `${i + 1}`), ...q.map((x, j) => h("td", {},
      h("input", { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(x),
        "data-point": i, "data-index": j, "data-focus-key": `point-${i}-${j}`, "aria-label": `point ${i + 1} ${j ? "y" : "x"}`,
        onchange: (e) => commit(e.target, "points", [i, j]), onkeydown: (e) => e.key === "Enter" && commit(e.target, "points", [i, j]) })))])));
    return t;
  }
  function commit(input, name, i) {
    const read = parseNumber(input.value);
    const label = input.getAttribute("aria-label");
    if ("error" in read) {
      input.setAttribute("aria-invalid", "true");
      entryError.textContent = `${label}: ${read.error}`;
      return;
    }
    input.removeAttribute("aria-invalid");
    entryError.textContent = "";
    if (name === "points") {
      const next = get("points").map((q) => q.slice());
      if (next[i[0]][i[1]] === read.value) return (input.value = exact(read.value));
      next[i[0]][i[1]] = read.value;
      return setMany({ points: next });
    }
    const next = get(name).slice();
    if (next[i] === read.value) return (input.value = exact(read.value));
    next[i] = read.value;
    setMany({ [name]: next });
  }

  // --- read-outs -------------------------------------------------------------------------------------------------
  // "cos θ = 0.5", but "cos θ ≈0.707" (never "= ≈") when the shown value is rounded.
  const row = (label, field, text) => h("div", {}, [
    h("b", {}, String(text).startsWith("≈") ? label.replace(/ = $/, " ") : label),
    h("span", { "data-field": field }, text)]);
  function readout() {
    const mode = get("mode");
    if (mode === "line") {
      const zeroA = get("line_kind") === "zero", theta = get("angle"), cos = get("cos");
      const relation = zeroA ? "a = 0 spans no line: the projection onto {0} is 0 and the residual is all of b"
        : theta === null ? "b = 0: its projection is 0"
          : get("dot") === 0 ? "a·b = 0: b is orthogonal to a, so its projection is 0"
            : get("cross") === 0 ? "b lies on the line through a: p = b, nothing is left over"
              : get("dot") > 0 ? "acute angle: p points along a" : "obtuse angle: p points against a";
      return [
        row("a·b = ", "dot", fmt(get("dot"))),
        row("cos θ = ", "cos", cos === null ? "undefined" : fmt(cos)),
        row("θ = ", "angle", theta === null ? "undefined" : `${fmt(theta)}°`),
        row("p = (a·b / a·a) a = ", "p", zeroA ? "(0, 0)" : `${fmt(get("coef"))}·a = ${vec(get("p"))}`),
        row("r = b − p = ", "r", vec(get("r"))),
        row("‖r‖ = ", "norm-r", `${fmt(get("norm_r"))} (distance from b to the line)`),
        h("div", { "data-field": "check" }, `r·a = ${fmt(dot(get("r"), get("a")))} (zero up to rounding)`),
        h("div", { "data-field": "relation" }, relation),
      ];
    }
    if (mode === "plane") {
      const kind = get("span_kind");
      const what = kind === "plane" ? "u1 and u2 span a plane" : kind === "line"
        ? "u1 and u2 are parallel: they span only a line, and c is projected onto it"
        : "u1 = u2 = 0 span only the point 0";
      return [
        h("div", { "data-field": "span" }, what),
        row("p = ", "p3", vec(get("p3"))),
        row("r = c − p = ", "r3", vec(get("r3"))),
        row("distance ‖r‖ = ", "dist", fmt(get("dist"))),
        h("div", { "data-field": "check" }, `r·u1 = ${fmt(dot(get("r3"), get("u1")))}, r·u2 = ${fmt(dot(get("r3"), get("u2")))}`),
      ];
    }
    const w = get("w");
    return [
      row("fitted line: ", "w", w ? `y = ${fmt(w[0])} + ${fmt(w[1])} x` : "not unique"),
      row("sum of squared residuals = ", "sse", fmt(get("sse"))),
      h("div", { "data-field": "relation" }, w
        ? "No other line has a smaller sum of squares: the fitted values are the projection of y onto the span of (1, …, 1) and x."
        : "Every x is the same, so the columns 1 and x are parallel: the fitted values are all mean(y), and no unique (w0, w1) exists."),
    ];
  }

  function controlsFor(mode) {
    if (mode === "plane") return [h("b", {}, "turn: "), turn];
    if (mode !== "fit") return [];
    const pts = get("points");
    return [
      h("button", { type: "button", "data-action": "add", "data-focus-key": "add", disabled: pts.length >= MAX_POINTS ? "" : null,
        onclick: () => {
          const last = pts[pts.length - 1];
          setMany({ points: [...pts.map((q) => q.slice()), [snap(last[0] + 1, PSNAP), last[1]]] });
        } }, "add a point"),
      " ",
      h("button", { type: "button", "data-action": "remove", "data-focus-key": "remove", disabled: pts.length <= 1 ? "" : null,
        onclick: () => setMany({ points: pts.slice(0, -1).map((q) => q.slice()) }) }, "remove the last"),
    ];
  }

  const HINTS = {
    line: `Drag the tip of a or b (steps of ${SNAP}), or Tab to it and use the arrow keys, or type entries.`,
    plane: `Drag c's tip, or Tab to it: arrow keys move c₁ and c₂, Page Up / Page Down c₃. Drag the background or use the slider to turn the view.`,
    fit: `Drag a data point (steps of ${PSNAP}), or Tab to it and use the arrow keys, or type its coordinates.`,
  };

  const update = redrawer(root, () => {
    const mode = get("mode");
    keepingFocus(root, () => {
      const parts = mode === "line" ? drawLine() : mode === "plane" ? drawPlane() : drawFit();
      morph(svg, s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" }), ...parts);
      morph(table, mode === "line" ? entryTable(["a", "b"], 2) : mode === "plane" ? entryTable(["u1", "u2", "c"], 3)
        : pointTable());
      morph(controls, ...controlsFor(mode));
      modeBox.querySelectorAll("input").forEach((r) => (r.checked = r.value === mode));
    });
    root.dataset.mode = mode;
    hint.textContent = HINTS[mode];
    morph(status, ...readout());
  });

  onChange(model, ["mode", "a", "b", "u1", "u2", "c", "points", "p", "r", "p3", "r3", "w", "sse", "fitted"], update);
  update();
}

lalib.widgets.projection_explorer = { render, derive };
