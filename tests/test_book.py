"""The whole book: it builds without a warning, references nothing outside
itself, and its rank chapter's widgets and self-check questions respond in
headless Chromium with the network off."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Path:
    """Build the book from scratch into a temporary folder, as `make book` does."""
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jb), "build", str(ROOT), "--path-output", str(out),
                          "--warningiserror", "--nitpick", "--keep-going"],
                         capture_output=True, text=True, timeout=1200)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    # Sphinx's warnings read "file: WARNING: ..." (the kernel's own log lines do not count).
    assert "WARNING:" not in log, [line for line in log.splitlines() if "WARNING:" in line]
    return out / "_build" / "html"


def resource_references(html: str) -> list[str]:
    """Tags that make the browser fetch something: scripts, styles, images, frames, fonts."""
    tags = re.findall(r"<(?:script|link|img|iframe|source|video|audio|embed)\b[^>]*>", html, re.I)
    # Plain <a href> links (launch buttons, the repository) are navigation, not resources.
    return [t for t in tags if EXTERNAL.search(t) and not re.search(r'rel\s*=\s*["\'](?:canonical|alternate)', t)]


def test_built_book_references_nothing_outside_itself(book):
    pages = sorted(book.rglob("*.html"))
    assert book / "chapters" / "03-rank.html" in pages
    offenders = {str(p.relative_to(book)): refs for p in pages if (refs := resource_references(p.read_text()))}
    assert offenders == {}
    css = {str(p.relative_to(book)) for p in book.rglob("*.css") if CSS_URL.search(p.read_text(errors="ignore"))}
    assert css == set()
    # No unused ipywidgets state (lalib widgets carry their own), no script twice.
    chapter = (book / "chapters" / "03-rank.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" not in chapter
    assert chapter.count("const THEBE_JS_URL") <= 1 and chapter.count("tex-chtml.js") == 1
    # MathJax is served from the build itself.
    assert (book / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert 'src="../_static/mathjax/tex-chtml.js' in (book / "chapters" / "03-rank.html").read_text()


def test_launch_buttons_and_search_are_configured(book):
    page = (book / "chapters" / "03-rank.html").read_text()
    for host in ("mybinder.org", "colab.research.google.com", "hub.example.edu"):
        assert host in page, host
    assert (book / "search.html").exists() and (book / "searchindex.js").exists()
    index = (book / "searchindex.js").read_text()
    assert "chapters/03-rank" in index and "nulliti" in index  # stemmed words of the chapter


@pytest.fixture
def chapter(offline_page, book):
    offline_page.goto((book / "chapters" / "03-rank.html").as_uri())
    offline_page.wait_for_selector(".lx-rank")
    return offline_page


def entry(page, widget, row, col):
    return widget.locator(f'input[aria-label="A[{row}, {col}]"]')


def test_rank_explorer_responds_in_the_static_page(chapter):
    widget = chapter.locator(".lx-rank").first  # the lecture's [[1, 2, 3], [2, 4, 6]]
    field = lambda name: widget.locator(f'[data-field="{name}"]').inner_text()  # noqa: E731
    kind = lambda: widget.locator(".lx-colspace").get_attribute("data-kind")  # noqa: E731
    assert (field("rank"), field("nullity"), kind()) == ("1", "2", "line")
    # Turn the first column off the line: the columns now span the plane.
    entry(chapter, widget, 2, 1).fill("0")
    entry(chapter, widget, 2, 1).press("Enter")
    assert (field("rank"), field("nullity"), kind()) == ("2", "1", "all")
    assert field("column-space") == "all of ℝ²"
    # Make it dependent on the others again: (0.5, 1) is half the second column.
    entry(chapter, widget, 1, 1).fill("0.5")
    entry(chapter, widget, 1, 1).press("Enter")
    entry(chapter, widget, 2, 1).fill("1")
    entry(chapter, widget, 2, 1).press("Enter")
    assert (field("rank"), field("nullity"), kind()) == ("1", "2", "line")
    assert chapter.errors == []


def test_self_check_question_gives_feedback_in_the_static_page(chapter):
    quiz = chapter.locator('.lx-quiz[data-kind="choice"]').first
    feedback = quiz.locator(".lx-feedback")
    options = quiz.locator("input[type=radio]")
    # Try options until the page says correct; every wrong one must say so first.
    verdicts = []
    for i in range(options.count()):
        options.nth(i).check()
        quiz.locator(".lx-check").click()
        verdicts.append(feedback.get_attribute("data-correct"))
        if verdicts[-1] == "true":
            break
    assert verdicts[-1] == "true" and set(verdicts[:-1]) <= {"false"}
    assert len(feedback.inner_text()) > len("Correct.")  # an explanation follows


def test_chapter_makes_no_request_off_the_machine(chapter):
    chapter.wait_for_load_state("load")
    chapter.wait_for_timeout(500)
    leaving = [u for u in chapter.requests if not u.startswith(("file://", "data:", "blob:"))]
    assert leaving == []
    assert sum("tex-chtml.js" in u for u in chapter.requests) == 1
    # MathJax typeset the page from the local copy.
    assert chapter.locator("mjx-container").count() > 0


def test_search_finds_the_chapter_offline(offline_page, book):
    offline_page.goto((book / "search.html").as_uri() + "?q=nullity")
    results = offline_page.locator("ul.search li")
    results.first.wait_for(timeout=20_000)
    assert "Rank and the four subspaces" in offline_page.locator("ul.search").inner_text()
