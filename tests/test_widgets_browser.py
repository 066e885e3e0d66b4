"""The widgets' JavaScript in headless Chromium, against the Python side.

That the page's derive() agrees with Python on random inputs is in test_widgets_contract.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lalib.widgets import MultipleChoice, NumericAnswer, RankExplorer
from lalib.widgets.rank_explorer import describe


def widget_page(tmp_path, *widgets) -> str:
    page = tmp_path / "widgets.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + "\n".join(w.static_html() for w in widgets))
    return page.as_uri()


def readout(page, field, nth=0):
    return page.locator(f'[data-field="{field}"]').nth(nth).inner_text()


def test_dragging_a_column_onto_the_line_drops_the_rank(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, RankExplorer([[1, 1], [2, 0]])))
    assert readout(offline_page, "rank") == "2"
    assert offline_page.locator(".lx-colspace").get_attribute("data-kind") == "all"
    # Drag the tip of a2 from (1, 0) to (2, 4): twice a1.
    handle = offline_page.locator('.lx-handle[data-col="1"]')
    box = handle.bounding_box()
    plot = offline_page.locator(".lx-plot").bounding_box()
    unit = plot["width"] / 320 * (320 / 2 - 14) / 4  # pixels per unit at reach 4
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    offline_page.mouse.move(x0, y0)
    offline_page.mouse.down()
    offline_page.mouse.move(x0 + unit * 1, y0 - unit * 4, steps=8)
    offline_page.mouse.up()
    assert offline_page.locator('input[aria-label="A[1, 2]"]').input_value() == "2"
    assert offline_page.locator('input[aria-label="A[2, 2]"]').input_value() == "4"
    assert readout(offline_page, "rank") == "1" and readout(offline_page, "nullity") == "1"
    assert offline_page.locator(".lx-colspace").get_attribute("data-kind") == "line"
    assert readout(offline_page, "null-space") == "all combinations of (−2, 1)"
    assert offline_page.errors == []


def test_typing_entries_in_3d(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, RankExplorer(np.eye(3))))
    assert offline_page.locator(".lx-colspace").get_attribute("data-kind") == "all"
    offline_page.fill('input[aria-label="A[3, 3]"]', "0")
    offline_page.keyboard.press("Enter")
    assert readout(offline_page, "rank") == "2"
    assert offline_page.locator(".lx-colspace").get_attribute("data-kind") == "plane"
    assert readout(offline_page, "column-space") == "a plane through 0 in ℝ³"
    assert readout(offline_page, "null-space") == "all combinations of (0, 0, 1)"


def test_self_check_questions_give_feedback(offline_page, tmp_path):
    mc = MultipleChoice("Which pair is independent?", ["(1, 2) and (2, 4)", "(1, 0) and (0, 1)"], 1,
                        "Neither is a multiple of the other.", hints={0: "(2, 4) is twice (1, 2)."})
    num = NumericAnswer("Nullity of a 6×6 matrix of rank 4?", 2, "6 − 4 = 2.")
    offline_page.goto(widget_page(tmp_path, mc, num))
    quiz, feedback = offline_page.locator(".lx-quiz").nth(0), offline_page.locator(".lx-feedback").nth(0)
    quiz.locator("input[value='0']").check()
    quiz.locator(".lx-check").click()
    assert feedback.get_attribute("data-correct") == "false"
    assert "twice" in feedback.inner_text()
    quiz.locator("input[value='1']").check()
    quiz.locator(".lx-check").click()
    assert feedback.get_attribute("data-correct") == "true" and "Neither" in feedback.inner_text()
    number = offline_page.locator(".lx-quiz").nth(1)
    number.locator("input").fill("3")
    number.locator(".lx-check").click()
    assert "Not quite" in offline_page.locator(".lx-feedback").nth(1).inner_text()
    number.locator("input").fill("2")
    number.locator("input").press("Enter")
    assert offline_page.locator(".lx-feedback").nth(1).get_attribute("data-correct") == "true"
    assert all(url.startswith("file://") for url in offline_page.requests)


def test_math_in_a_prompt_is_typeset_with_the_book_mathjax(offline_page, tmp_path):
    mathjax = Path(__file__).resolve().parents[1] / "_static" / "mathjax" / "tex-chtml.js"
    q = MultipleChoice("What is the rank of $uv^\\top$ for nonzero $u, v$?", ["$0$", "$1$"], 1, "One direction: $u$.")
    page = tmp_path / "math.html"
    # As in the book: MathJax loads after the widget has rendered, and notebook output is opted out.
    page.write_text(f"<!doctype html><meta charset='utf-8'><body class='mathjax_ignore'>{q.static_html()}"
                    f"<script>window.MathJax = {{options: {{processHtmlClass: 'mathjax_process'}}}}</script>"
                    f"<script defer src='{mathjax.as_uri()}'></script>")
    offline_page.goto(page.as_uri())
    offline_page.locator(".lx-prompt mjx-container").first.wait_for(timeout=10_000)
    assert "$" not in offline_page.locator(".lx-prompt").inner_text()


def feedback_after(quiz, text):
    quiz.locator("input").fill(text)
    quiz.locator(".lx-check").click()
    fb = quiz.locator(".lx-feedback")
    return fb.get_attribute("data-state"), fb.inner_text()


def test_a_count_one_off_is_not_called_close(offline_page, tmp_path):
    count = NumericAnswer("How many parameters?", 274, "Counted.")
    decimal = NumericAnswer("What is the error?", 2.74, "Computed.", tol=1e-4)
    offline_page.goto(widget_page(tmp_path, count, decimal))
    q = [offline_page.locator(".lx-quiz").nth(i) for i in range(2)]
    state, said = feedback_after(q[0], "275")  # within 1 %, but a count is right or wrong
    assert state == "wrong" and "Close" not in said
    assert "Close" in feedback_after(q[1], "2.741")[1]


def test_numeric_answers_parse_strictly_and_hint_by_kind_of_mistake(offline_page, tmp_path):
    number = NumericAnswer("What is 3/2?", 1.5, "Three halves.", hint="Divide.")
    integer = NumericAnswer("Nullity?", 2, "Two free columns.")
    vector = NumericAnswer("A special solution?", [-2, 1], "A(−2, 1) = 0.")
    offline_page.goto(widget_page(tmp_path, number, integer, vector))
    q = [offline_page.locator(".lx-quiz").nth(i) for i in range(3)]
    # What is not a number is refused, said so, and not counted as an attempt.
    for text in ("1abc", "2 apples", "1,000", "1/0", "(1, 2)"):
        state, said = feedback_after(q[0], text)
        assert state == "unreadable" and "read" in said.lower(), (text, said)
        assert q[0].locator("input").get_attribute("aria-invalid") is not None
    assert feedback_after(q[0], "1,5")[0] == "right"  # a decimal comma
    assert feedback_after(q[0], "3/2")[0] == "right"  # a fraction
    assert feedback_after(q[0], " −1.5 ")[1].startswith("Not quite. Check the sign.")
    assert "factor of 10" in feedback_after(q[1], "20")[1]
    assert "upside down" in feedback_after(q[1], "1/2")[1]
    assert "exact" in feedback_after(q[1], "2.001")[1]
    assert feedback_after(q[1], "2")[0] == "right"
    # Vectors: (a, b), [a, b] or a, b; the length and direction are diagnosed.
    assert feedback_after(q[2], "(−2, 1)")[0] == "right" and feedback_after(q[2], "[-2, 1]")[0] == "right"
    assert feedback_after(q[2], "-2, 1")[0] == "right"
    assert "Right direction" in feedback_after(q[2], "(4, -2)")[1]
    state, said = feedback_after(q[2], "(1, 2, 3)")
    assert state == "unreadable" and "2 components" in said
    assert "vector" in feedback_after(q[2], "5")[1]
    assert offline_page.errors == []


def test_multiple_choice_is_a_fieldset_named_by_its_question(offline_page, tmp_path):
    mc = MultipleChoice("Which is independent?", ["(1, 2), (2, 4)", "(1, 0), (0, 1)"], 1, "No multiples.")
    offline_page.goto(widget_page(tmp_path, mc))
    fieldset = offline_page.locator(".lx-quiz fieldset")
    assert fieldset.locator("legend").inner_text() == "Which is independent?"
    assert fieldset.locator("input[type=radio]").count() == 2
    # Its accessible name is the question.
    assert offline_page.get_by_role("group", name="Which is independent?").count() == 1
    offline_page.get_by_role("radio", name="B. (1, 0), (0, 1)").check()
    offline_page.locator(".lx-check").click()
    assert offline_page.locator(".lx-feedback").get_attribute("data-correct") == "true"


def luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    lin = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# The book theme's own dark-mode rule for HTML output (pydata-sphinx-theme): a light slab.
PYDATA_SLAB = ('html[data-theme="dark"] .bd-content div.cell_output .text_html:not(:has(table.dataframe))'
               " { background-color: rgb(206, 214, 221); color: rgb(34, 40, 50); border-radius: .25rem }")


@pytest.mark.parametrize("theme", ["light", "dark-book", "dark-lab"])
def test_widgets_are_readable_in_light_and_dark_themes(offline_page, tmp_path, theme):
    widgets = [RankExplorer([[1, 2], [2, 4]]), NumericAnswer("Rank?", 1, "One.")]
    outputs = "".join(f'<div class="cell_output"><div class="output text_html">{w.static_html()}</div></div>'
                      for w in widgets)
    html_attr = ' data-theme="dark"' if theme == "dark-book" else ""
    body_attr = ' data-jp-theme-light="false"' if theme == "dark-lab" else ""
    page_bg = "rgb(255, 255, 255)" if theme == "light" else "rgb(18, 18, 18)"
    page = tmp_path / "theme.html"
    page.write_text(f"<!doctype html><html{html_attr}><meta charset='utf-8'><style>{PYDATA_SLAB} "
                    f"body {{ background: {page_bg}; color: {'#222' if theme == 'light' else '#ced6dd'} }}</style>"
                    f"<body{body_attr}><div class='bd-content'>{outputs}</div>")
    offline_page.goto(page.as_uri())
    colours = offline_page.evaluate("""() => {
        const cs = (sel) => getComputedStyle(document.querySelector(sel));
        const bg = (el) => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
            if (c !== 'rgba(0, 0, 0, 0)') return c; } return 'rgb(255, 255, 255)'; };
        return { text: cs('.lx-quiz').color, quizBg: bg(document.querySelector('.lx-quiz')),
                 input: cs('.lx-number').color, inputBg: cs('.lx-number').backgroundColor,
                 entry: cs('.lx-matrix input').color, entryBg: cs('.lx-matrix input').backgroundColor,
                 label: cs('.lx-label').fill, plotBg: bg(document.querySelector('.lx-plot')) };
    }""")
    assert contrast(colours["text"], colours["quizBg"]) >= 4.5, colours
    assert contrast(colours["input"], colours["inputBg"]) >= 4.5, colours
    assert contrast(colours["entry"], colours["entryBg"]) >= 4.5, colours
    assert contrast(colours["label"], colours["plotBg"]) >= 4.5, colours
    if theme != "light":  # no light slab under a widget on a dark page
        assert luminance(colours["quizBg"]) < 0.1 and luminance(colours["plotBg"]) < 0.1, colours


def test_quizzes_print_their_question_and_options(offline_page, tmp_path):
    mc = MultipleChoice("Which is independent?", ["(1, 2), (2, 4)", "(1, 0), (0, 1)"], 1, "No multiples.")
    num = NumericAnswer("Nullity of a 6×6 matrix of rank 4?", 2, "6 − 4 = 2.")
    offline_page.goto(widget_page(tmp_path, mc, num))
    offline_page.emulate_media(media="print")
    assert offline_page.locator("legend").is_visible() and offline_page.locator(".lx-option").nth(1).is_visible()
    assert offline_page.get_by_text("Nullity of a 6×6 matrix of rank 4?").is_visible()
    assert offline_page.locator(".lx-number").is_visible()  # a line to write the answer on
    assert not offline_page.locator(".lx-check").first.is_visible()
    assert offline_page.pdf()[:4] == b"%PDF"


MORPH = """() => {
    const { h, morph } = lalib.runtime;
    const box = document.createElement('div');
    document.body.append(box);
    const clicks = [];
    const entry = (value, tag) => h('input', { type: 'text', value, onchange: () => clicks.push(tag) });
    morph(box, h('p', { class: 'a', title: 'x' }, 'one'), entry('1', 'first'), h('span', {}, 'gone'));
    const [p, input] = box.children;
    input.focus();
    input.value = '7';  // the reader's edit, not yet committed
    morph(box, h('p', { class: 'b' }, 'two'), entry('2', 'second'));
    input.dispatchEvent(new Event('change'));
    const after = [...box.children], focused = document.activeElement === input;
    morph(box, h('div', {}, 'three'));
    return {
        keptParagraph: after[0] === p, keptEntry: after[1] === input, focused,
        paragraph: [p.className, p.hasAttribute('title'), p.textContent], entryValue: input.value,
        count: after.length, clicks, replaced: box.firstElementChild !== p && box.innerHTML === '<div>three</div>',
    };
}"""


def test_morph_keeps_elements_focus_and_only_the_newest_listeners(offline_page, tmp_path):
    offline_page.goto(widget_page(tmp_path, RankExplorer([[1, 0], [0, 1]])))
    out = offline_page.evaluate(MORPH)
    assert out["keptParagraph"] and out["keptEntry"] and out["focused"]
    assert out["paragraph"] == ["b", False, "two"]  # attributes added, changed and removed; text updated
    assert out["entryValue"] == "2"  # the value shown, not just the attribute
    assert out["count"] == 2  # the extra child is gone
    assert out["clicks"] == ["second"]  # the first render's listener was removed
    assert out["replaced"]  # another tag is a new element


def test_an_arrow_key_moves_a_handle_that_keeps_focus(offline_page, tmp_path):
    # The redraw updates the handle in place: no new element to focus, no layout forced mid-update.
    offline_page.goto(widget_page(tmp_path, RankExplorer([[1, 1], [2, 0]])))
    offline_page.evaluate("window.handle = document.querySelector('.lx-tip'); window.handle.focus()")
    before = offline_page.locator(".lx-tip").first.get_attribute("aria-label")
    offline_page.keyboard.press("ArrowRight")
    assert offline_page.locator(".lx-tip").first.get_attribute("aria-label") != before
    assert offline_page.evaluate("document.activeElement === window.handle && document.querySelector('.lx-tip') === window.handle")
    assert offline_page.errors == []
