"""The widgets' JavaScript in headless Chromium, against the Python side.

That the page's derive() agrees with Python on random inputs is in test_widgets_contract.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
