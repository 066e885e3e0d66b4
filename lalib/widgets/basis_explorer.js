// Basis explorer: two basis vectors b1, b2 of the plane and a point x. The
// grid of the basis (lines c1·b1 + t·b2 and t·b1 + c2·b2 for whole c1, c2) and
// the coordinates of x follow every drag; when b1 and b2 are parallel (or one
// is zero) the grid collapses to their line and the readout says why
// coordinates stop existing or stop being unique. Drag a tip (it snaps to
// steps of SNAP) or Tab to it and use the arrow keys, or type entries. Reads
// only the model, so the kernel (live) and derive() (static page) draw alike.

const { h, s, renderedWidth, morph, fmt, exact, onChange, ownKeys, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const SNAP = 0.5;
const SIZE = 320;
const COLORS = { b1: "#1f77b4", b2: "#d62728", x: "#2ca02c" };
const NAMES = ["b1", "b2", "x"];
const MAX_LINES = 40; // grid lines per family at most (tiny basis vectors would need thousands)

// --- the page's stand-in for lalib.widgets.basis_explorer.describe: the same
// floating-point operations in the same order, so both round alike.
const cross = (a0, a1, b0, b1) => a0 * b1 - a1 * b0;
const norm = (a0, a1) => Math.sqrt(a0 * a0 + a1 * a1);

function derive(state) {
  const [p0, p1] = state.b1, [q0, q1] = state.b2, [x0, x1] = state.x, tol = state.tol_rel;
  const sc = Math.max(Math.abs(p0), Math.abs(p1), Math.abs(q0), Math.abs(q1));
  const tx = Math.max(Math.abs(x0), Math.abs(x1));
  if (sc === 0) return { kind: "zero", coords: [], on_span: tx === 0 };
  const a0 = p0 / sc, a1 = p1 / sc, c0 = q0 / sc, c1 = q1 / sc;
  const [u0, u1] = tx > 0 ? [x0 / tx, x1 / tx] : [0, 0];
  const na = norm(a0, a1), nb = norm(c0, c1);
  const det = cross(a0, a1, c0, c1);
  if (na === 0 || nb === 0 || Math.abs(det) <= tol * na * nb) {
    const kind = na === 0 || nb === 0 ? "zero" : "parallel";
    const [d0, d1, nd] = na >= nb ? [a0, a1, na] : [c0, c1, nb];
    const onSpan = tx === 0 || Math.abs(cross(d0, d1, u0, u1)) <= tol * nd * norm(u0, u1);
    return { kind, coords: [], on_span: onSpan };
  }
  const r = tx / sc;
  const k1 = (cross(u0, u1, c0, c1) / det) * r;
  const k2 = (cross(a0, a1, u0, u1) / det) * r;
  if (!(Number.isFinite(k1) && Number.isFinite(k2))) return { kind: "huge", coords: [], on_span: true };
  return { kind: "basis", coords: [k1 + 0, k2 + 0], on_span: true };
}

const vec = (v) => `(${v.map(fmt).join(", ")})`;
const dot = (a, b) => a[0] * b[0] + a[1] * b[1];

// What the readout says, in words a screen reader reads too.
function explain(model) {
  const kind = model.get("kind"), b1 = model.get("b1"), b2 = model.get("b2"), x = model.get("x");
  const onSpan = model.get("on_span");
  if (kind === "basis") {
    const [c1, c2] = model.get("coords");
    return {
      verdict: "b1 and b2 are independent: a basis of ℝ².",
      detail: `Every point has exactly one pair of coordinates. Here x = ${fmt(c1)}·b1 ${c2 < 0 ? "−" : "+"} ${fmt(Math.abs(c2))}·b2, ` +
        `so the coordinates of x in this basis are ${vec([c1, c2])}; in the standard basis they are ${vec(x)}.`,
    };
  }
  if (kind === "huge") {
    return { verdict: "b1 and b2 are independent: a basis of ℝ².", detail: "The coordinates of x are too large to represent as numbers." };
  }
  const z1 = b1[0] === 0 && b1[1] === 0, z2 = b2[0] === 0 && b2[1] === 0;
  let verdict, span;
  if (z1 && z2) {
    verdict = "b1 and b2 are both the zero vector: not a basis.";
    span = "Their span is the single point 0";
  } else if (z1 || z2) {
    const [zero, other] = z1 ? ["b1", "b2"] : ["b2", "b1"];
    verdict = `${zero} is the zero vector: not a basis (a set holding 0 is always dependent, since 1·0 = 0).`;
    span = `Their span is only the line through ${other}`;
  } else {
    // b2 = k·b1 exactly when they are parallel (b1 ≠ 0 here).
    const k = dot(b1, b2) / dot(b1, b1);
    verdict = `b1 and b2 are parallel (b2 = ${fmt(k)}·b1): not a basis.`;
    span = "Together they span only a line through 0";
  }
  let detail;
  if (!onSpan) {
    detail = `${span}, and x is off it: no combination c1·b1 + c2·b2 equals x, so x has no coordinates in this pair.`;
  } else if (z1 && z2) {
    detail = `${span}. x = 0, and every pair (c1, c2) gives 0: the coordinates are not unique.`;
  } else {
    detail = `${span}, and x is on it: infinitely many pairs (c1, c2) give x, so its coordinates are not unique.`;
  }
  return { verdict, detail };
}

function render({ model, el }) {
  const root = h("div", { class: "lx-rank lx-basis" });
  el.append(ownKeys(root));
  const get = (name) => model.get(name);
  const setVector = guarded(root, (name, v) => {
    model.set(name, v);
    model.save_changes();
  });
  let frozenReach = null;
  // The plot's scale: every tip, and the corner of the dashed path (c1·b1), fit.
  const reach = () => {
    if (frozenReach !== null) return frozenReach;
    const pts = NAMES.flatMap((n) => get(n));
    const c = get("coords") || [];
    if (c.length === 2) pts.push(c[0] * get("b1")[0], c[0] * get("b1")[1]);
    return Math.max(4, Math.ceil(Math.max(...pts.map(Math.abs))) + 1);
  };

  function frame() {
    const R = reach(), k = (SIZE / 2 - 14) / R, c = SIZE / 2;
    return { R, k, project: ([x, y]) => [c + k * x, c - k * y] };
  }

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img",
    "aria-label": "basis vectors b1 and b2, their grid, and the point x" });
  const side = h("div", { class: "lx-side" });
  const table = h("div", { class: "lx-entries" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(table, entryError, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  root.append(h("p", { class: "lx-hint" },
    `Drag the tips of b1, b2 and the point x (they snap to steps of ${SNAP}), or Tab to one and use the arrow keys, ` +
    "or type entries (fractions like 1/2 are fine)."));

  function line(f, p, q, attrs) {
    const [x1, y1] = f.project(p), [x2, y2] = f.project(q);
    return s("line", { x1, y1, x2, y2, ...attrs });
  }

  // The grid of the basis: lines through c·b1 along b2, and through c·b2 along b1.
  function grid(f) {
    const g = s("g", { class: "lx-basis-grid", style: "pointer-events: none" });
    if (get("kind") !== "basis") return g;
    const b1 = get("b1"), b2 = get("b2"), R = f.R;
    const det = cross(b1[0], b1[1], b2[0], b2[1]);
    // Coordinates of the plot's corners give the range of c1 and c2 to draw.
    const corners = [[-R, -R], [R, -R], [R, R], [-R, R]].map(([x, y]) => [cross(x, y, b2[0], b2[1]) / det, cross(b1[0], b1[1], x, y) / det]);
    for (const [which, along, step] of [[0, b2, b1], [1, b1, b2]]) {
      const lo = Math.floor(Math.min(...corners.map((c) => c[which])));
      const hi = Math.ceil(Math.max(...corners.map((c) => c[which])));
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) continue;
      const every = Math.max(1, Math.ceil((hi - lo + 1) / MAX_LINES));
      const len = 4 * R / Math.max(norm(along[0], along[1]), 1e-300) * 2;
      for (let c = Math.ceil(lo / every) * every; c <= hi; c += every) {
        const o = [c * step[0], c * step[1]];
        g.append(line(f, [o[0] - len * along[0], o[1] - len * along[1]], [o[0] + len * along[0], o[1] + len * along[1]],
          { class: c === 0 ? "lx-grid-axis" : "lx-grid-line", "data-family": which + 1, stroke: which ? COLORS.b1 : COLORS.b2,
            "stroke-opacity": c === 0 ? 0.6 : 0.25, "stroke-width": c === 0 ? 1.5 : 1 }));
      }
    }
    return g;
  }

  // When b1, b2 are not a basis: their span (a line, or the point 0).
  function span(f) {
    const g = s("g", { class: "lx-colspace", "data-kind": get("kind") });
    if (get("kind") === "basis" || get("kind") === "huge") return g;
    const b1 = get("b1"), b2 = get("b2");
    const d = norm(b1[0], b1[1]) >= norm(b2[0], b2[1]) ? b1 : b2;
    const n = norm(d[0], d[1]);
    const o = f.project([0, 0]);
    if (n === 0) {
      g.append(s("circle", { cx: o[0], cy: o[1], r: 5, class: "lx-space-point" }));
    } else {
      const L = 3 * f.R / n;
      g.append(line(f, [-L * d[0], -L * d[1]], [L * d[0], L * d[1]], { class: "lx-space-line" }));
    }
    return g;
  }

  // x reached from 0: c1 steps along b1, then c2 along b2.
  function path(f) {
    const g = s("g", { class: "lx-coord-path", style: "pointer-events: none" });
    if (get("kind") !== "basis") return g;
    const b1 = get("b1"), [c1, c2] = get("coords");
    const mid = [c1 * b1[0], c1 * b1[1]];
    g.append(
      line(f, [0, 0], mid, { stroke: COLORS.b1, "stroke-width": 2, "stroke-dasharray": "5 4" }),
      line(f, mid, get("x"), { stroke: COLORS.b2, "stroke-width": 2, "stroke-dasharray": "5 4" }),
    );
    return g;
  }

  function axes(f) {
    const g = s("g", { class: "lx-axes" });
    g.append(line(f, [-f.R, 0], [f.R, 0], {}), line(f, [0, -f.R], [0, f.R], {}));
    return g;
  }

  function handle(f, name) {
    const v = get(name), color = COLORS[name];
    const [x0, y0] = f.project([0, 0]), [x1, y1] = f.project(v);
    const g = s("g", { class: "lx-column", "data-name": name });
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (name !== "x" && len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: color, "stroke-width": 3 }),
        s("polygon", { points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}`, fill: color }),
      );
    }
    const hitRadius = 24 * (SIZE / (f.width || SIZE));
    g.append(
      s("text", { x: x1 + 9, y: y1 - 9, fill: color, class: "lx-label" }, name),
      s("g", {
        class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable point", "data-name": name,
        "data-focus-key": `tip-${name}`, "aria-label": `${name} = ${vec(v)}; arrow keys move it by ${SNAP}`,
        onpointerdown: (e) => startDrag(e, name), onkeydown: (e) => nudge(e, name),
        ontouchstart: (e) => e.preventDefault(),
      }, [
        s("circle", { cx: x1, cy: y1, r: hitRadius, class: "lx-hit" }),
        s("circle", { cx: x1, cy: y1, r: name === "x" ? 7 : 8, class: "lx-handle", fill: color,
          "fill-opacity": name === "x" ? 0.9 : null }),
      ]),
    );
    return g;
  }

  function draw() {
    // Read the layout once, before the SVG changes (reading it after each change forces a reflow).
    const f = { ...frame(), width: renderedWidth(svg) };
    morph(svg,
      s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" }),
      grid(f), span(f), axes(f), path(f),
      ...["b1", "b2", "x"].map((n) => handle(f, n)),
    );
  }

  function entries() {
    const t = h("table", { class: "lx-matrix", "aria-label": "entries of b1, b2 and x" });
    t.append(h("tr", {}, [h("th", {}, ""), ...NAMES.map((n) => h("th", { style: `color:${COLORS[n]}` }, n))]));
    for (let i = 0; i < 2; i++) {
      t.append(h("tr", {}, [h("th", {}, i === 0 ? "1st" : "2nd"), ...NAMES.map((n) =>
        h("td", {}, h("input", {
          type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(get(n)[i]),
          title: exact(get(n)[i]), "data-name": n, "data-row": i, "data-focus-key": `entry-${n}-${i}`,
          "aria-label": `${n}[${i + 1}]`,
          onchange: (e) => commit(e.target, n, i),
          onkeydown: (e) => e.key === "Enter" && commit(e.target, n, i),
        })))]));
    }
    return t;
  }

  function commit(input, name, i) {
    const read = parseNumber(input.value);
    if ("error" in read) {
      input.setAttribute("aria-invalid", "true");
      entryError.textContent = `${name}[${i + 1}]: ${read.error}`;
      return;
    }
    input.removeAttribute("aria-invalid");
    entryError.textContent = "";
    const v = get(name).slice();
    if (read.value === v[i]) return (input.value = exact(read.value));
    v[i] = read.value;
    setVector(name, v);
  }

  function nudge(e, name) {
    const steps = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowUp: [1, 1], ArrowDown: [1, -1] };
    const step = steps[e.key];
    if (!step) return;
    e.preventDefault();
    const v = get(name).slice();
    v[step[0]] = Math.round((v[step[0]] + step[1] * SNAP) / SNAP) * SNAP;
    setVector(name, v);
  }

  function readout() {
    const { verdict, detail } = explain(model);
    const b1 = get("b1"), b2 = get("b2"), coords = get("coords");
    const det = cross(b1[0], b1[1], b2[0], b2[1]);
    const lines = [
      h("div", { "data-field": "verdict" }, [h("b", {}, verdict)]),
      h("div", {}, [h("b", {}, "Coordinates of x: "), h("span", { "data-field": "coords" },
        coords.length ? vec(coords) : "none (no unique pair)")]),
      h("div", { "data-field": "det" }, `det [b1 b2] = ${fmt(det)}`),
      h("div", { "data-field": "detail" }, detail),
    ];
    if (get("kind") === "basis") {
      // How close to parallel: |sin| of the angle between b1 and b2.
      const sine = Math.abs(det) / (norm(b1[0], b1[1]) * norm(b2[0], b2[1]));
      if (sine < 0.1) {
        lines.push(h("div", { "data-field": "warning", class: "lx-entry-error" },
          "b1 and b2 are nearly parallel: a small move of x changes its coordinates a lot."));
      }
    }
    return lines;
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      // The entries are built once; later only their values change (less work per frame,
      // and an entry keeps its place, focus and caret).
      if (!table.firstChild) table.append(entries());
      for (const input of table.querySelectorAll("input")) {
        const value = exact(get(input.dataset.name)[Number(input.dataset.row)]);
        // An unreadable entry being corrected keeps its text; anything else shows the model.
        const correcting = input.getAttribute("aria-invalid") === "true" && input === document.activeElement;
        if (!correcting && input.value !== value) {
          input.value = value;
          input.removeAttribute("aria-invalid");
        }
        input.title = value;
      }
    });
    morph(status, ...readout());
  });

  function startDrag(event, name) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const f = frame(), rect = svg.getBoundingClientRect(), scale = SIZE / rect.width;
    const start = get(name).slice();
    const [sx, sy] = [event.clientX, event.clientY];
    const move = (e) => {
      const dx = ((e.clientX - sx) * scale) / f.k, dy = ((e.clientY - sy) * scale) / f.k;
      const tip = [Math.round((start[0] + dx) / SNAP) * SNAP, Math.round((start[1] - dy) / SNAP) * SNAP];
      const now = get(name);
      if (tip[0] === now[0] && tip[1] === now[1]) return;
      setVector(name, tip);
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

  onChange(model, ["b1", "b2", "x", "kind", "coords", "on_span"], update);
  update();
}

lalib.widgets.basis_explorer = { render, derive };
