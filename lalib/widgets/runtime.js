// lalib front-end runtime, shared by every widget: `lalib.runtime`.
//
// Every file in lalib/widgets/*.js is the body of a function that receives
// the namespace `lalib` (base.py wraps it), so names never clash between files:
// a file takes what it needs from the namespace (`const { h } = lalib.runtime`)
// and publishes what it offers on it (a widget as `lalib.widgets[name]`).
//
// A widget exports render({model, el}) (anywidget's contract). In JupyterLab
// the model is the kernel-backed Jupyter widget model; in the static book it
// is a StaticModel holding the state embedded at build time, whose
// save_changes() runs the widget's own derive(state) in the page instead of
// asking the kernel. One drawing path serves both hosts.

lalib.widgets = lalib.widgets || {};

class StaticModel {
  constructor(state, derive) {
    this.state = { ...state };
    this.derive = derive;
    this.listeners = {};
    this.changed = new Set();
  }
  get(name) {
    return this.state[name];
  }
  // Like a Jupyter model, a change is announced; unlike one, not at once but
  // after save_changes() has derived the rest, so no listener sees half a state.
  set(name, value) {
    this.state[name] = value;
    this.changed.add(name);
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => this.flush());
    }
  }
  save_changes() {
    if (this.derive && this.changed.size) {
      let derived;
      try {
        derived = this.derive(this.state);
      } catch (err) {
        this.changed.clear();
        Object.assign(this.state, this.consistent); // back to the last whole state
        this.emitAll(Object.keys(this.state));
        throw err;
      }
      for (const [name, value] of Object.entries(derived)) {
        this.state[name] = value;
        this.changed.add(name);
      }
    }
    this.flush();
  }
  flush() {
    this.flushing = false;
    const names = [...this.changed];
    this.changed.clear();
    if (this.derive) this.consistent = { ...this.state };
    this.emitAll(names);
  }
  emitAll(names) {
    for (const name of names) this.emit(`change:${name}`);
    if (names.length) this.emit("change");
  }
  on(event, callback) {
    (this.listeners[event] ||= []).push(callback);
  }
  off(event, callback) {
    this.listeners[event] = (this.listeners[event] || []).filter((cb) => callback && cb !== callback);
  }
  emit(name) {
    // One failing listener must not silence the others.
    for (const cb of this.listeners[name] || []) {
      try {
        cb();
      } catch (err) {
        console.error("lalib widget:", err);
      }
    }
  }
  send() {} // no kernel to talk to
}

// Mount the widget on the element with this id, reading the state the Python
// side embedded as JSON in the element with id `${id}-state`.
function mountStatic(id) {
  const el = document.getElementById(id);
  if (!el || el.dataset.host) return null;
  el.dataset.host = "static";
  try {
    const widget = lalib.widgets[el.dataset.lalibWidget];
    if (!widget) throw new Error(`no widget named "${el.dataset.lalibWidget}" was loaded`);
    const state = JSON.parse(document.getElementById(`${id}-state`).textContent);
    const model = new StaticModel(state, widget.derive || null);
    model.consistent = { ...model.state };
    widget.render({ model, el });
    return model;
  } catch (err) {
    // Say so where the figure should be, rather than leave a blank.
    console.error("lalib widget:", err);
    el.replaceChildren(h("div", { class: "lx-error", role: "alert" }, `This interactive figure could not start: ${err.message}`));
    return null;
  }
}

// Call back when any of these traits changes (one event name per on():
// anywidget's model does not split space-separated names as Backbone does).
function onChange(model, names, callback) {
  for (const name of names) model.on(`change:${name}`, callback);
}

// Run `draw` once per batch of changes (a microtask later), never against a
// half-updated model, and show any error in the widget instead of freezing it.
function redrawer(root, draw) {
  let queued = false;
  const run = () => {
    queued = false;
    guarded(root, draw, false)();
  };
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(run);
  };
}

// fn wrapped so that a thrown error is shown in the widget (and the console)
// and the widget keeps answering; a later success of an edit (clears=true)
// clears the message, a mere redraw does not.
function guarded(root, fn, clears = true) {
  return (...args) => {
    try {
      const out = fn(...args);
      if (clears) showError(root, null);
      return out;
    } catch (err) {
      showError(root, err);
      return undefined;
    }
  };
}

function showError(root, err) {
  let box = root.querySelector(":scope > .lx-error");
  if (!err) {
    if (box) box.remove();
    return;
  }
  console.error("lalib widget:", err);
  if (!box) root.append((box = h("div", { class: "lx-error", role: "alert" })));
  box.textContent = `Something went wrong: ${(err && err.message) || err}. That change was undone; the widget still works.`;
}

// Redraw part of a widget without losing the reader's place: the element that
// had focus (matched by its data-focus-key) has it again afterwards.
function keepingFocus(root, fn) {
  const active = root.contains(document.activeElement) ? document.activeElement : null;
  const key = active && active.dataset ? active.dataset.focusKey : undefined;
  fn();
  if (key === undefined) return;
  const again = root.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again && again !== document.activeElement) again.focus({ preventScroll: true });
}

// Keys typed in a widget are the widget's (JupyterLab must not read "d", "a" or
// an arrow key as a notebook command), except shortcuts with Ctrl, Cmd or Alt
// (save, undo, ...) and Escape, which still reach JupyterLab. (Lumino's
// data-lm-suppress-shortcuts would also swallow Ctrl+S.)
function ownKeys(root) {
  root.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey || e.altKey) && e.key !== "Escape") e.stopPropagation();
  });
  return root;
}

// An element's rendered width, as a ResizeObserver last reported it. A redraw
// that read clientWidth right after the reader's change would force the page
// to lay out twice in one frame. 0 until the element has been laid out.
const widths = new WeakMap();
const widthObserver = typeof ResizeObserver === "undefined" ? null
  : new ResizeObserver((entries) => entries.forEach((e) => widths.set(e.target, e.contentRect.width)));
function renderedWidth(el) {
  if (!widths.has(el)) {
    widths.set(el, el.clientWidth);
    if (widthObserver) widthObserver.observe(el);
  }
  return widths.get(el);
}

// Small DOM helpers: h("div", {class: "x"}, [children]) and s(...) for SVG.
function h(tag, attrs = {}, children = []) {
  return build(document.createElement(tag), attrs, children);
}
function s(tag, attrs = {}, children = []) {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);
}
function build(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) {
      node.addEventListener(k.slice(2), v);
      (node.lxListeners ||= []).push([k.slice(2), v]); // for morph() to move to a kept element
    } else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
  }
  for (const c of [].concat(children)) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// Make parent's children look like `fresh` (new nodes from h() and s()),
// keeping the elements already there where the tag matches: only what changed
// is touched, so the browser restyles and lays out a few attributes instead of
// a whole new subtree, and the handle or entry the reader is using keeps focus
// (focusing a new element forces a layout of the page). Listeners added by h()
// move to the kept element; the fresh copy is dropped.
function morph(parent, ...fresh) {
  const old = [...parent.childNodes];
  const nodes = fresh.filter((c) => c !== null && c !== undefined)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
  nodes.forEach((node, i) => {
    const kept = old[i];
    if (!kept) parent.append(node);
    else if (kept.nodeName !== node.nodeName || kept.nodeType !== node.nodeType) kept.replaceWith(node);
    else if (kept.nodeType === Node.TEXT_NODE) {
      if (kept.nodeValue !== node.nodeValue) kept.nodeValue = node.nodeValue;
    } else reuse(kept, node);
  });
  for (const extra of old.slice(nodes.length)) extra.remove();
}
function reuse(kept, node) {
  // (Attribute names, not Attr nodes: the nodes are made on demand, and cost more than the compare.)
  for (const name of kept.getAttributeNames()) if (!node.hasAttribute(name)) kept.removeAttribute(name);
  for (const name of node.getAttributeNames()) {
    const value = node.getAttribute(name);
    if (kept.getAttribute(name) !== value) kept.setAttribute(name, value);
  }
  // An entry shows its value property, not the attribute, once it has been edited.
  if (kept.nodeName === "INPUT") {
    if (node.hasAttribute("value") && kept.value !== node.value) kept.value = node.value;
    if (kept.checked !== node.checked) kept.checked = node.checked;
  }
  for (const [type, fn] of kept.lxListeners || []) kept.removeEventListener(type, fn);
  for (const [type, fn] of node.lxListeners || []) kept.addEventListener(type, fn);
  kept.lxListeners = node.lxListeners;
  morph(kept, ...node.childNodes);
}

// Numbers as a reader writes them: at most 3 decimals, a real minus sign,
// and "≈" when that rounding changed the number.
function fmt(x) {
  if (!Number.isFinite(x)) return String(x);
  const big = Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-3);
  const r = big ? Number(x.toPrecision(4)) : Math.round(x * 1000) / 1000;
  const t = (Object.is(r, -0) ? 0 : r).toString().replace("e+", "e").replace(/-/g, "\u2212");
  return r === x ? t : `≈${t}`;
}

// An entry exactly as the model holds it (shortest round-trip form), for editing.
function exact(x) {
  return (Object.is(x, -0) ? 0 : x).toString();
}

// Read a number as a person types it: 2, -0.5, −3, 1e-3, a fraction 1/2 or
// -3/4, a decimal comma 2,5. Returns {value} or {error} saying what is wrong;
// never guesses ("1abc", "2 apples" and "1,000" are errors, not 1).
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
function parseNumber(text) {
  let t = String(text).trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
  if (!t) return { error: "Type a number." };
  if (/^[+-]?\d+,\d+$/.test(t)) {
    if (/^[+-]?\d{1,3},\d{3}$/.test(t)) {
      return { error: `“${text.trim()}” is ambiguous: write ${t.replace(",", "")} for a whole number or use a point for decimals.` };
    }
    t = t.replace(",", "."); // a decimal comma
  }
  const parts = t.split("/");
  if (parts.length > 2) return { error: `“${text.trim()}” has more than one “/”.` };
  if (!parts.every((p) => NUMBER.test(p))) return { error: `“${text.trim()}” is not a number: use digits, a decimal point, or a fraction like 1/2.` };
  const [p, q] = parts.map(Number);
  const value = parts.length === 2 ? p / q : p;
  if (parts.length === 2 && q === 0) return { error: "A fraction cannot divide by 0." };
  if (!Number.isFinite(value)) return { error: `“${text.trim()}” is too large.` };
  return { value };
}

// A vector: (1, 2), [1, 2], or 1, 2; components are numbers as above. Inside
// a vector a comma separates components, so decimals take a point (or use ";"
// between components to keep decimal commas).
function parseVector(text) {
  let t = String(text).trim();
  const m = t.match(/^[([](.*)[)\]]$/s);
  if (m) t = m[1];
  if (/^[([]|[)\]]$/.test(t)) return { error: "Brackets do not match." };
  const pieces = t.includes(";") ? t.split(";") : t.split(",");
  const values = [];
  for (const piece of pieces) {
    const r = parseNumber(piece);
    if ("error" in r) return { error: piece.trim() ? `In component ${values.length + 1}: ${r.error}` : "A component is missing between two separators." };
    values.push(r.value);
  }
  return { value: values };
}

// Typeset math in a freshly drawn element when the page has MathJax, once
// MathJax has started. The book marks notebook output "mathjax_ignore", so
// the element opts back in with the class "mathjax_process". Only when it
// holds TeX (\(...\), \[...\] or $...$): a MathJax pass, even over plain
// text, costs a self-check's "Check" a frame on a long page.
const TEX = /\\\(|\\\[|\$/;
function typeset(el) {
  el.classList.add("mathjax_process");
  if (!TEX.test(el.textContent)) return;
  const mj = globalThis.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise) return;
  mj.startup.promise.then(() => mj.typesetPromise([el])).catch(() => {});
}

lalib.runtime = {
  StaticModel, mountStatic, onChange, ownKeys, redrawer, guarded, showError, keepingFocus,
  h, s, morph, renderedWidth, fmt, exact, parseNumber, parseVector, typeset,
};
