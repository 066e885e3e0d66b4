// lalib front-end runtime, shared by every widget.
// A widget's JavaScript exports render({model, el}) (anywidget's contract).
// In JupyterLab the model is the kernel-backed Jupyter widget model; in the
// static book it is a StaticModel holding the state embedded at build time,
// whose save_changes() runs the widget's own derive(state) in the page
// instead of asking the kernel. One drawing path serves both hosts.

class StaticModel {
  constructor(state, derive) {
    this.state = { ...state };
    this.derive = derive;
    this.listeners = {};
  }
  get(name) {
    return this.state[name];
  }
  set(name, value) {
    this.state[name] = value;
    this.emit(`change:${name}`);
  }
  save_changes() {
    if (!this.derive) return;
    const derived = this.derive(this.state);
    for (const [name, value] of Object.entries(derived)) this.set(name, value);
  }
  on(event, callback) {
    (this.listeners[event] ||= []).push(callback);
  }
  off(event, callback) {
    this.listeners[event] = (this.listeners[event] || []).filter((cb) => callback && cb !== callback);
  }
  emit(name) {
    for (const cb of this.listeners[name] || []) cb();
  }
  send() {} // no kernel to talk to
}

// Mount a widget on the element with this id, reading the state the Python
// side embedded as JSON in the element with id `${id}-state`.
function mountStatic(id, render, derive) {
  const el = document.getElementById(id);
  const state = JSON.parse(document.getElementById(`${id}-state`).textContent);
  const model = new StaticModel(state, derive);
  el.dataset.host = "static";
  render({ model, el });
  return model;
}

// Call back when any of these traits changes (one event name per on():
// anywidget's model does not split space-separated names as Backbone does).
function onChange(model, names, callback) {
  for (const name of names) model.on(`change:${name}`, callback);
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
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
  }
  for (const c of [].concat(children)) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// Numbers as a reader writes them: at most 3 decimals, a real minus sign.
function fmt(x) {
  const r = Math.round(x * 1000) / 1000;
  const t = (Object.is(r, -0) ? 0 : r).toString();
  return t.replace("-", "\u2212");
}

// Typeset math in a freshly drawn element when the page has MathJax, once
// MathJax has started. The book marks notebook output "mathjax_ignore", so
// the element opts back in with the class "mathjax_process".
function typeset(el) {
  el.classList.add("mathjax_process");
  const mj = globalThis.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise) return;
  mj.startup.promise.then(() => mj.typesetPromise([el])).catch(() => {});
}
