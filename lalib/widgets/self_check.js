// Self-check questions for the book's readers: pick an option or type a
// number, press Check, and read why. Judged in the page (these are practice,
// not graded), so they work without a kernel. The reader's attempts are
// written back to the model, so in JupyterLab Python can see them.

function render({ model, el }) {
  const kind = model.get("kind");
  const root = h("div", { class: "lx-quiz", "data-kind": kind, "data-lm-suppress-shortcuts": "true" });
  const feedback = h("div", { class: "lx-feedback", role: "status", "aria-live": "polite" });
  let input;
  if (kind === "choice") {
    const name = `q${Math.random().toString(36).slice(2)}`;
    input = h("div", { class: "lx-options" }, model.get("options").map((text, i) =>
      h("label", { class: "lx-option" }, [h("input", { type: "radio", name, value: i }), ` ${String.fromCharCode(65 + i)}. ${text}`])));
  } else {
    input = h("input", { type: "text", inputmode: "decimal", class: "lx-number", "aria-label": "your answer" });
    input.addEventListener("keydown", (e) => e.key === "Enter" && judge());
  }
  const button = h("button", { type: "button", class: "lx-check", onclick: judge }, "Check");
  root.append(h("div", { class: "lx-prompt" }, model.get("prompt")), input, button, feedback);
  el.append(root);
  typeset(root);

  function say(ok, headline, text) {
    feedback.className = `lx-feedback ${ok ? "lx-right" : "lx-wrong"}`;
    feedback.dataset.correct = ok;
    feedback.replaceChildren(h("b", {}, headline), text ? ` ${text}` : "");
    typeset(feedback);
  }

  function judge() {
    let given, ok, hint;
    if (kind === "choice") {
      const picked = root.querySelector("input:checked");
      if (!picked) return say(false, "Pick an option first.", "");
      given = Number(picked.value);
      ok = given === model.get("answer");
      hint = (model.get("hints") || {})[String(given)];
    } else {
      given = parseFloat(input.value.replace("\u2212", "-"));
      if (!Number.isFinite(given)) return say(false, "Type a number first.", "");
      const answer = model.get("answer");
      ok = Math.abs(given - answer) <= model.get("tol") * Math.max(1, Math.abs(answer));
      hint = model.get("hint");
    }
    model.set("attempts", model.get("attempts") + 1);
    model.set("last_answer", String(given));
    model.set("solved", model.get("solved") || ok);
    model.save_changes();
    if (ok) say(true, "Correct.", model.get("explanation"));
    else say(false, "Not quite.", `${hint || ""} Try again.`.trim());
  }
}
