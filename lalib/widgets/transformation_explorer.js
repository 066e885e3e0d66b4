// Transformation explorer: a 2×2 matrix drawn as what it does to the plane.
// A grid, the unit square, the unit circle and a letter F are carried by the
// map; the arrows are the images of e1 and e2 (the columns). Drag an arrow's
// tip (snaps to a grid of SNAP, and onto the other column's line), Tab to it
// and use the arrow keys, type entries, or pick a preset. A second matrix B
// gives the products AB (first B, then A) and BA. Reads only the model, so the
// kernel (live) and derive() (static page) produce the same picture.

const { h, s, renderedWidth, morph, fmt, exact, onChange, redrawer, guarded, keepingFocus, parseNumber } = lalib.runtime;

const SNAP = 0.25;
const GRID = 6; // the integer grid drawn through the map covers [-GRID, GRID]²
const SIZE = 320;
const MAX_ENTRY = 1e50; // as lalib.widgets.transformation_explorer.MAX_ENTRY
const COLORS = ["#1f77b4", "#d62728"];
const SHOWS = {
  A: "A",
  B: "B",
  AB: "AB: first B, then A",
  BA: "BA: first A, then B",
};
// The letter F: asymmetric, so a reflection shows as a mirror image.
const LETTER_F = [[0.15, 0.1], [0.35, 0.1], [0.35, 0.45], [0.65, 0.45], [0.65, 0.6], [0.35, 0.6], [0.35, 0.75],
  [0.8, 0.75], [0.8, 0.9], [0.15, 0.9]];

// --- the same arithmetic as lalib.transforms (tests compare them on random states) ---
function product(X, Y) {
  return [0, 1].map((i) => [0, 1].map((j) => X[i][0] * Y[0][j] + X[i][1] * Y[1][j]));
}
function det2(M) {
  return M[0][0] * M[1][1] - M[0][1] * M[1][0];
}
function singularValues(M) {
  const top = Math.max(...M.flat().map(Math.abs));
  if (top === 0) return [0, 0];
  const S = M.map((row) => row.map((x) => x / top));
  const [[a, b], [c, d]] = S;
  const s1 = Math.hypot((a + d) / 2, (c - b) / 2) + Math.hypot((a - d) / 2, (c + b) / 2);
  return [s1 * top, (Math.abs(a * d - b * c) / s1) * top];
}
function describeMap(M, tolRel) {
  const [s1, s2] = singularValues(M);
  const rank = s1 === 0 ? 0 : s2 <= tolRel * s1 ? 1 : 2;
  const det = rank === 2 ? det2(M) : 0;
  const top = Math.max(...M.flat().map(Math.abs));
  const orientation = rank < 2 ? "lost" : det2(M.map((row) => row.map((x) => x / top))) > 0 ? "kept" : "flipped";
  return { det, rank, sv: [s1, rank === 2 ? s2 : 0], orientation, collapse: ["point", "line", "none"][rank] };
}

// Static host: stand in for the kernel's lalib.widgets.transformation_explorer.derive.
function derive(state) {
  const { a, b, show, tol_rel: tol } = state;
  const shown = { A: a, B: b, AB: product(a, b), BA: product(b, a) }[show];
  return {
    shown: shown.map((row) => row.slice()),
    ...describeMap(shown, tol),
    det_a: describeMap(a, tol).det,
    det_b: describeMap(b, tol).det,
  };
}

let counter = 0; // radio-group names, unique on the page
const rad = (deg) => (deg * Math.PI) / 180;
// Presets for the matrix being edited; the rotation takes the slider's angle.
const PRESETS = [
  ["identity", "Identity", () => [[1, 0], [0, 1]]],
  ["rotation", "Rotation by θ", (deg) => [[Math.cos(rad(deg)), -Math.sin(rad(deg))], [Math.sin(rad(deg)), Math.cos(rad(deg))]]],
  ["scaling", "Scaling", () => [[2, 0], [0, 0.5]]],
  ["shear", "Shear", () => [[1, 1], [0, 1]]],
  ["reflection", "Reflection", () => [[1, 0], [0, -1]]],
  ["projection", "Projection", () => [[1, 0], [0, 0]]],
  ["singular", "Singular", () => [[1, 2], [0.5, 1]]],
];

function render({ model, el }) {
  const root = h("div", { class: "lx-rank lx-tx", "data-lm-suppress-shortcuts": "true" });
  el.append(root);

  const show = () => model.get("show");
  // The matrix the handles, presets and slider edit: B when B is shown, else A.
  const target = () => (show() === "B" ? "b" : "a");
  const editable = () => show() === "A" || show() === "B";
  const setMatrix = guarded(root, (name, M) => {
    model.set(name, M);
    model.save_changes();
  });
  const setShow = guarded(root, (value) => {
    model.set("show", value);
    model.save_changes();
  });

  // The plot's reach in plot units: fits the image of the unit square; frozen while a tip is dragged.
  let frozenReach = null;
  const reach = () => {
    if (frozenReach !== null) return frozenReach;
    const M = model.get("shown");
    const xs = [0, M[0][0], M[0][1], M[0][0] + M[0][1]], ys = [0, M[1][0], M[1][1], M[1][0] + M[1][1]];
    const extent = Math.max(...xs.map(Math.abs), ...ys.map(Math.abs), ...model.get("sv").slice(0, 1));
    return Math.max(2, Math.ceil(extent * 1.05 + 0.2));
  };
  const frame = () => {
    const R = reach(), k = (SIZE / 2 - 10) / R, c = SIZE / 2;
    return { R, k, to: ([x, y]) => [c + k * x, c - k * y] };
  };
  const apply = (M, [x, y]) => [M[0][0] * x + M[0][1] * y, M[1][0] * x + M[1][1] * y];
  const pts = (f, list) => list.map((p) => f.to(p).map((v) => v.toFixed(2)).join(",")).join(" ");

  const svg = s("svg", { class: "lx-plot", viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img" });
  const side = h("div", { class: "lx-side" });
  const controls = h("div", { class: "lx-tx-controls" });
  const tables = h("div", { class: "lx-tx-tables", style: "display:flex;flex-wrap:wrap;gap:0.6em" });
  const entryError = h("div", { class: "lx-entry-error", role: "alert" });
  const status = h("div", { class: "lx-readout", role: "status", "aria-live": "polite" });
  side.append(controls, tables, entryError, status);
  root.append(h("div", { class: "lx-row" }, [svg, side]));
  const hint = h("p", { class: "lx-hint" }, "");
  root.append(hint);

  // --- the picture ---
  function draw() {
    const f = frame(), M = model.get("shown"), R = f.R;
    const muted = "stroke: var(--lx-muted)";
    // The background grid of the plot itself: at most about 10 lines each way, whatever the scale.
    const decade = 10 ** Math.floor(Math.log10(R)), step = R / decade < 2 ? decade / 2 : decade;
    const orig = s("g", { class: "lx-tx-orig", style: "pointer-events:none" });
    for (let i = -Math.floor(R / step); i <= Math.floor(R / step); i++) {
      for (const [p, q] of [[[i * step, -R], [i * step, R]], [[-R, i * step], [R, i * step]]]) {
        const [x1, y1] = f.to(p), [x2, y2] = f.to(q);
        orig.append(s("line", { x1, y1, x2, y2, style: `${muted}; stroke-opacity: ${i === 0 ? 0.5 : 0.18}; stroke-width: 1` }));
      }
    }
    // The image of the integer grid on [-GRID, GRID]²: the lines x = i and y = i, carried by the map.
    const grid = s("g", { class: "lx-tx-grid", style: "pointer-events:none" });
    for (let i = -GRID; i <= GRID; i++) {
      for (const [p, q] of [[[i, -GRID], [i, GRID]], [[-GRID, i], [GRID, i]]]) {
        const [u1, v1] = f.to(apply(M, p)), [u2, v2] = f.to(apply(M, q));
        grid.append(s("line", { x1: u1, y1: v1, x2: u2, y2: v2,
          style: `stroke: var(--lx-accent); stroke-opacity: ${i === 0 ? 0.7 : 0.28}; stroke-width: ${i === 0 ? 1.6 : 1}` }));
      }
    }
    const circle = Array.from({ length: 97 }, (_, i) => [Math.cos((2 * Math.PI * i) / 96), Math.sin((2 * Math.PI * i) / 96)]);
    const orientation = model.get("orientation");
    const fill = { kept: "#2f81f7", flipped: "#e8590c", lost: "#8c959f" }[orientation];
    const square = [[0, 0], [1, 0], [1, 1], [0, 1]];
    const kind = model.get("collapse");
    morph(svg,
      s("rect", { x: 0, y: 0, width: SIZE, height: SIZE, class: "lx-bg" }),
      orig,
      s("polyline", { points: pts(f, circle), fill: "none", style: `${muted}; stroke-dasharray: 4 3; stroke-width: 1`, "pointer-events": "none" }),
      s("polygon", { points: pts(f, LETTER_F), fill: "none", style: `${muted}; stroke-dasharray: 3 3; stroke-width: 1`, "pointer-events": "none" }),
      grid,
      s("polygon", { class: "lx-tx-square", "data-orientation": orientation, points: pts(f, square.map((p) => apply(M, p))),
        fill, "fill-opacity": 0.28, stroke: fill, "stroke-width": kind === "none" ? 1.5 : 4, "pointer-events": "none" }),
      s("polyline", { class: "lx-tx-ellipse", points: pts(f, circle.map((p) => apply(M, p))), fill: "none",
        style: "stroke: var(--lx-fg); stroke-width: 1.8", "pointer-events": "none" }),
      s("polygon", { class: "lx-tx-letter", points: pts(f, LETTER_F.map((p) => apply(M, p))),
        style: "fill: var(--lx-fg); fill-opacity: 0.75; stroke: var(--lx-fg)", "stroke-width": kind === "none" ? 0.5 : 2.5,
        "pointer-events": "none" }),
      ...[0, 1].map((j) => arrow(f, [M[0][j], M[1][j]], j)),
      s("text", { x: 6, y: SIZE - 6, class: "lx-label", style: "font-weight:400" }, `axes ±${fmt(R)}`),
    );
    const name = { A: "A", B: "B", AB: "AB", BA: "BA" }[show()];
    svg.setAttribute("aria-label", `The plane after the map ${name}: grid, unit square, unit circle and the letter F`);
    hint.textContent = editable()
      ? `Drag the tip of ${name}e₁ or ${name}e₂ (it snaps to steps of ${SNAP}, and onto the other arrow's line), or Tab to it and use the arrow keys, or type entries (fractions like 1/2 are fine). Dashed: the unit circle and the F before the map.`
      : "The picture shows the product; to drag arrows, show A or B. Entries can be typed in either table.";
  }

  function arrow(f, tip, j) {
    const [x0, y0] = f.to([0, 0]), [x1, y1] = f.to(tip);
    const len = Math.hypot(x1 - x0, y1 - y0), color = COLORS[j];
    const label = `${show()}e${j === 0 ? "₁" : "₂"}`;
    const g = s("g", { class: "lx-column", "data-col": j });
    if (len > 1e-9) {
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len, a = Math.min(10, len);
      g.append(
        s("line", { x1: x0, y1: y0, x2: x1 - ux * a * 0.8, y2: y1 - uy * a * 0.8, stroke: color, "stroke-width": 2.5 }),
        s("polygon", { points: `${x1},${y1} ${x1 - ux * a - uy * a * 0.45},${y1 - uy * a + ux * a * 0.45} ${x1 - ux * a + uy * a * 0.45},${y1 - uy * a - ux * a * 0.45}`, fill: color }),
      );
    }
    g.append(s("text", { x: x1 + 8, y: y1 - 8, fill: color, class: "lx-label" }, label));
    if (!editable()) return g;
    const hitRadius = 24 * (SIZE / (renderedWidth(svg) || SIZE));
    g.append(s("g", {
      class: "lx-tip", tabindex: 0, role: "button", "aria-roledescription": "draggable tip", "data-col": j,
      "data-focus-key": `tip-${j}`, "aria-label": `${label} = (${tip.map(fmt).join(", ")}); arrow keys move it by ${SNAP}`,
      onpointerdown: (e) => startDrag(e, j), onkeydown: (e) => nudge(e, j),
      ontouchstart: (e) => e.preventDefault(),
    }, [
      s("circle", { cx: x1, cy: y1, r: hitRadius, class: "lx-hit", "data-col": j }),
      s("circle", { cx: x1, cy: y1, r: 8, class: "lx-handle", fill: color, "data-col": j }),
    ]));
    return g;
  }

  // --- controls: what to show, presets, the rotation angle ---
  const angle = h("input", { type: "range", min: -180, max: 180, step: 5, value: 30, class: "lx-tx-angle",
    "aria-label": "rotation angle θ in degrees", "data-focus-key": "angle",
    oninput: () => {
      angleOut.textContent = `${angle.value}°`;
      setMatrix(target(), PRESETS[1][2](Number(angle.value)));
    } });
  const angleOut = h("output", { class: "lx-tx-angle-value" }, "30°");
  const uid = `tx${(counter += 1)}`;
  const radios = Object.keys(SHOWS).map((key) => h("input", { type: "radio", name: `show-${uid}`, value: key,
    "data-focus-key": `show-${key}`, onchange: () => setShow(key) }));
  const showGroup = h("fieldset", { class: "lx-tx-show", style: "border:0;padding:0;margin:0 0 0.4em" }, [
    h("legend", { style: "font-weight:600;padding:0;font-size:1em;margin:0" }, "Show"),
    ...Object.values(SHOWS).map((text, i) => h("label", { style: "margin-right:0.8em;white-space:nowrap;display:inline-block;padding:0.25em 0" },
      [radios[i], ` ${text}`])),
  ]);
  const setLabel = h("span", { style: "font-weight:600;align-self:center" }, "Set A:");
  const presets = h("div", { class: "lx-tx-presets", role: "group", style: "display:flex;flex-wrap:wrap;gap:0.3em;margin:0.3em 0" },
    [setLabel, ...PRESETS.map(([key, text, make]) => h("button", { type: "button", "data-preset": key,
      style: "min-height:2.2em;padding:0.2em 0.6em;cursor:pointer",
      onclick: () => setMatrix(target(), make(Number(angle.value))) }, text))]);
  controls.append(showGroup, presets, h("label", { style: "display:flex;gap:0.5em;align-items:center" }, ["θ", angle, angleOut]));
  // Built once (a slider rebuilt mid-drag would drop the pointer); only their state follows the model.
  function refreshControls() {
    radios.forEach((r) => (r.checked = r.value === show()));
    const who = target().toUpperCase();
    setLabel.textContent = `Set ${who}:`;
    presets.setAttribute("aria-label", `presets for ${who}`);
  }

  function table(name) {
    const M = model.get(name), upper = name.toUpperCase();
    const t = h("table", { class: "lx-matrix", "aria-label": `entries of ${upper}` });
    for (let i = 0; i < 2; i++) {
      t.append(h("tr", {}, [h("th", {}, i === 0 ? `${upper} =` : ""), ...M[i].map((x, j) => h("td", {}, h("input", {
        type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", value: exact(x), title: exact(x),
        style: "width:4.8em", "data-matrix": name, "data-row": i, "data-col": j, "data-focus-key": `${name}-${i}-${j}`,
        "aria-label": `${upper}[${i + 1}, ${j + 1}]`,
        onchange: (e) => commit(e.target, name, i, j),
        onkeydown: (e) => e.key === "Enter" && commit(e.target, name, i, j),
      })))]));
    }
    return t;
  }

  function commit(input, name, i, j) {
    const read = parseNumber(input.value);
    const where = `${name.toUpperCase()}[${i + 1}, ${j + 1}]`;
    const problem = "error" in read ? read.error
      : Math.abs(read.value) > MAX_ENTRY ? `${input.value.trim()} is too large to draw: keep entries within ±1e50.` : null;
    if (problem) {
      input.setAttribute("aria-invalid", "true");
      entryError.textContent = `${where}: ${problem}`;
      return;
    }
    input.removeAttribute("aria-invalid");
    entryError.textContent = "";
    const M = model.get(name);
    if (read.value === M[i][j]) return (input.value = exact(read.value));
    setMatrix(name, M.map((row, r) => row.map((x, c) => (r === i && c === j ? read.value : x))));
  }

  function nudge(e, j) {
    const steps = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowUp: [1, 1], ArrowDown: [1, -1] };
    const step = steps[e.key];
    if (!step) return;
    e.preventDefault();
    const [i, sign] = step, name = target();
    const next = model.get(name).map((row) => row.slice());
    next[i][j] = Math.round((next[i][j] + sign * SNAP) / SNAP) * SNAP;
    setMatrix(name, next);
  }

  // Drag a tip: it snaps to the grid, and onto the line of the other column when
  // close to it (so the singular state, det = 0, is easy to reach exactly).
  function startDrag(event, j) {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.focus({ preventScroll: true });
    frozenReach = reach();
    const f = frame(), rect = svg.getBoundingClientRect(), scale = SIZE / rect.width, name = target();
    const M0 = model.get(name);
    const start = [M0[0][j], M0[1][j]], other = [M0[0][1 - j], M0[1][1 - j]];
    const [sx, sy] = [event.clientX, event.clientY];
    const move = (e) => {
      const raw = [start[0] + ((e.clientX - sx) * scale) / f.k, start[1] - ((e.clientY - sy) * scale) / f.k];
      let tip = raw.map((x) => Math.round(x / SNAP) * SNAP);
      const len2 = other[0] ** 2 + other[1] ** 2;
      if (len2 > 0) {
        const t = (raw[0] * other[0] + raw[1] * other[1]) / len2;
        const gap = Math.hypot(raw[0] - t * other[0], raw[1] - t * other[1]) * f.k;
        if (gap < 7) tip = other.map((x) => (Math.round(t / SNAP) * SNAP) * x + 0);
      }
      const M = model.get(name);
      if (tip[0] === M[0][j] && tip[1] === M[1][j]) return;
      setMatrix(name, M.map((row, i) => row.map((x, c) => (c === j ? tip[i] : x))));
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
    const det = model.get("det"), sv = model.get("sv"), rank = model.get("rank");
    const o = model.get("orientation"), name = show();
    const meaning = {
      kept: `areas are multiplied by ${fmt(Math.abs(det))}; orientation kept`,
      flipped: `areas are multiplied by ${fmt(Math.abs(det))}; orientation flipped (the F is mirrored)`,
      lost: rank === 1 ? "the plane is flattened onto a line: every area becomes 0, and the map has no inverse"
        : "the whole plane is sent to the point 0: the map has no inverse",
    }[o];
    const circle = rank === 2 ? `an ellipse with semi-axes ${fmt(sv[0])} and ${fmt(sv[1])}`
      : rank === 1 ? `a segment from −${fmt(sv[0])} to ${fmt(sv[0])} times a unit vector (a flattened ellipse)` : "the point 0";
    const rows = [
      h("div", {}, [h("b", {}, `det ${name} = `), h("span", { "data-field": "tx-det" }, fmt(det))]),
      h("div", { "data-field": "tx-meaning" }, meaning),
      h("div", {}, [h("b", {}, "Unit circle → "), h("span", { "data-field": "tx-circle" }, circle)]),
    ];
    if (name === "AB" || name === "BA") {
      const [first, second] = name === "AB" ? ["det_a", "det_b"] : ["det_b", "det_a"];
      rows.push(h("div", { "data-field": "tx-product" },
        `det ${name} = det ${name[0]} · det ${name[1]} = ${fmt(model.get(first))} · ${fmt(model.get(second))} = ${fmt(det)}`));
    }
    return rows;
  }

  const update = redrawer(root, () => {
    keepingFocus(root, () => {
      draw();
      refreshControls();
      morph(tables, table("a"), table("b"));
    });
    morph(status, ...readout());
  });
  onChange(model, ["a", "b", "show", "shown", "det", "rank", "sv", "orientation", "collapse", "det_a", "det_b"], update);
  update();
}

lalib.widgets.transformation_explorer = { render, derive };
