// Self-check questions for the book's readers: pick an option or type a
// number or a vector, press Check, and read why. Judged in the page (these
// are practice, not graded), so they work without a kernel. The reader's
// attempts are written back to the model, so in JupyterLab Python can see them.

const { h, ownKeys, typeset, parseNumber, parseVector, guarded, fmt } = lalib.runtime;

let questions = 0; // distinct radio-group names and ids per page

function render({ model, el }) {
  const kind = model.get("kind");
  const uid = `lx-q${++questions}-${Math.random().toString(36).slice(2, 8)}`;
  const root = h("div", { class: "lx-quiz", "data-kind": kind });
  const feedback = h("div", { class: "lx-feedback", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "lx-check" }, "Check");
  let input;
  if (kind === "choice") {
    // A fieldset whose legend is the question, so each option is read with it.
    input = h("fieldset", { class: "lx-options" }, [
      h("legend", { class: "lx-prompt" }, model.get("prompt")),
      ...model.get("options").map((text, i) =>
        h("label", { class: "lx-option" }, [
          h("input", { type: "radio", name: uid, value: i }),
          h("span", { class: "lx-letter" }, ` ${String.fromCharCode(65 + i)}. `),
          text,
        ])),
    ]);
    root.append(input, button, feedback);
  } else {
    const vector = Array.isArray(model.get("answer"));
    input = h("input", {
      type: "text", inputmode: vector ? "text" : "decimal", class: "lx-number", id: `${uid}-in`,
      autocomplete: "off", spellcheck: "false", "aria-describedby": `${uid}-fb`,
      placeholder: vector ? "(x, y, …)" : "", onkeydown: (e) => e.key === "Enter" && check(),
    });
    feedback.id = `${uid}-fb`;
    root.append(
      h("label", { class: "lx-prompt", for: `${uid}-in` }, model.get("prompt")),
      h("div", { class: "lx-answer-row" }, [input, button]),
      feedback,
    );
  }
  const check = guarded(root, judge);
  button.addEventListener("click", check);
  el.append(ownKeys(root));
  typeset(root);

  function say(state, headline, text) {
    feedback.className = `lx-feedback lx-${state}`;
    feedback.dataset.correct = state === "right";
    feedback.dataset.state = state;
    feedback.replaceChildren(h("b", {}, headline), text ? ` ${text}` : "");
    if (input.tagName === "INPUT") input.toggleAttribute("aria-invalid", state === "unreadable");
    typeset(feedback);
  }

  function judge() {
    let given, ok, hint;
    if (kind === "choice") {
      const picked = root.querySelector("input:checked");
      if (!picked) return say("unreadable", "Pick an option first.", "");
      given = Number(picked.value);
      ok = given === model.get("answer");
      hint = (model.get("hints") || {})[String(given)];
    } else {
      const answer = model.get("answer");
      const read = readAnswer(input.value, answer);
      if ("error" in read) return say("unreadable", "Could not read that.", read.error);
      given = read.value;
      const verdict = compare(given, answer, model.get("tol"));
      ok = verdict.ok;
      hint = [verdict.why, model.get("hint")].filter(Boolean).join(" ");
    }
    model.set("attempts", model.get("attempts") + 1);
    model.set("last_answer", Array.isArray(given) ? `(${given.join(", ")})` : String(given));
    model.set("solved", model.get("solved") || ok);
    model.save_changes();
    if (ok) say("right", "Correct.", model.get("explanation"));
    else say("wrong", "Not quite.", `${hint || ""} Try again.`.trim());
  }
}

// Read what the reader typed as the kind of thing the answer is, or say why not.
function readAnswer(text, answer) {
  const t = String(text).trim();
  if (!t) return { error: Array.isArray(answer) ? "Type a vector, like (1, 2)." : "Type a number." };
  const looksVector = /^[([]/.test(t) || (/[,;]/.test(t) && !/^[+\-\u2212]?\d+,\d+$/.test(t));
  if (!Array.isArray(answer)) {
    if (looksVector) return { error: "The answer is a single number, not a list of numbers." };
    return parseNumber(t);
  }
  const read = looksVector ? parseVector(t) : parseNumber(t);
  if ("error" in read) return read;
  if (!Array.isArray(read.value)) return { error: `The answer is a vector with ${answer.length} components, written like (1, 2${answer.length > 2 ? ", 3" : ""}).` };
  if (read.value.length !== answer.length) {
    return { error: `The answer has ${answer.length} components; you gave ${read.value.length}. (Inside a vector a comma separates components: write decimals with a point.)` };
  }
  return read;
}

// Right within tolerance, or a hint naming the likely kind of mistake.
function compare(given, answer, tol) {
  const close = (a, b, t) => Math.abs(a - b) <= t * Math.max(1, Math.abs(b));
  if (!Array.isArray(answer)) {
    const ok = close(given, answer, tol);
    if (ok) return { ok };
    if (answer !== 0 && close(given, -answer, tol)) return { ok, why: "Check the sign." };
    if (answer !== 0 && given !== 0) {
      const k = Math.log10(Math.abs(given / answer));
      if (Math.abs(k - Math.round(k)) < 1e-9 && Math.round(k) !== 0) {
        return { ok, why: `Off by a factor of ${fmt(10 ** Math.round(k))}: check the decimal point.` };
      }
      if (close(given, 1 / answer, Math.max(tol, 1e-9))) return { ok, why: "Is the fraction upside down?" };
    }
    // A count one off is not "close": only non-integer answers get this hint.
    const counts = Number.isInteger(answer) && Number.isInteger(given);
    if (!counts && close(given, answer, Math.max(1e-2, 10 * tol))) return { ok, why: tol ? "Close, but not within the tolerance: keep more digits." : "Close, but this answer is exact: give it exactly (a fraction like 1/3 is fine)." };
    return { ok };
  }
  const scale = Math.max(1, ...answer.map(Math.abs));
  const ok = given.every((g, i) => Math.abs(g - answer[i]) <= tol * scale);
  if (ok) return { ok };
  const flipped = given.every((g, i) => Math.abs(g + answer[i]) <= Math.max(tol, 1e-9) * scale);
  if (flipped) return { ok, why: "Check the signs." };
  // A multiple of the answer: the right direction, the wrong length.
  const dot = (u, v) => u.reduce((acc, x, i) => acc + x * v[i], 0);
  const c = dot(given, answer) / dot(answer, answer);
  if (dot(answer, answer) > 0 && c !== 0 && given.every((g, i) => Math.abs(g - c * answer[i]) <= 1e-9 * scale * Math.max(1, Math.abs(c)))) {
    return { ok, why: "Right direction, but not the right multiple of it." };
  }
  const wrong = given.findIndex((g, i) => Math.abs(g - answer[i]) > tol * scale);
  return { ok, why: `Component ${wrong + 1} is off.` };
}

lalib.widgets.self_check = { render };
