"""The whole book: it builds without a warning, references nothing outside
itself, every chapter in the table of contents is a page whose launch buttons
open its notebook form, pages load no more than they use, and the widgets and
self-check questions respond in headless Chromium with the network off.

Chapters are read from ``_toc.yml``: a new chapter is tested by adding it there.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?(?:https?:)?//""", re.I)
LAUNCH_HOSTS = ("mybinder.org", "colab.research.google.com")

pytestmark = pytest.mark.slow


def toc_chapters() -> list[str]:
    """Chapter docnames ("chapters/03-rank") in reading order, as _toc.yml lists them."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])
            if c["file"].startswith("chapters/")]


CHAPTERS = toc_chapters()


def test_toc_lists_every_chapter_in_reading_order():
    # only_build_toc_files: a chapter missing from _toc.yml would silently not be built.
    on_disk = sorted(f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*.md"))
    assert sorted(CHAPTERS) == on_disk
    assert CHAPTERS == sorted(CHAPTERS)  # NN- prefixes sort in reading order


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
    for docname in CHAPTERS:
        assert book / f"{docname}.html" in pages, docname
    offenders = {str(p.relative_to(book)): refs for p in pages if (refs := resource_references(p.read_text()))}
    assert offenders == {}
    css = {str(p.relative_to(book)) for p in book.rglob("*.css") if CSS_URL.search(p.read_text(errors="ignore"))}
    assert css == set()
    # MathJax is served from the build itself.
    assert (book / "_static" / "mathjax" / "tex-chtml.js").exists()


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_page_loads_each_script_once(book, docname):
    page = (book / f"{docname}.html").read_text()
    # No unused ipywidgets state (lalib widgets carry their own), no script twice.
    assert "application/vnd.jupyter.widget-state+json" not in page
    assert page.count("const THEBE_JS_URL") <= 1 and page.count("tex-chtml.js") == 1
    assert 'src="../_static/mathjax/tex-chtml.js' in page


def launch_links(page: str) -> dict[str, str]:
    """Launch service host -> the link the chapter's launch button opens."""
    links = {}
    for url in re.findall(r'href="(https://[^"]+)"', page):
        host = urlparse(url).netloc
        if host in LAUNCH_HOSTS or "/hub/user-redirect/" in url:
            links[host] = url.replace("&amp;", "&")
    return links


@pytest.mark.parametrize("docname", CHAPTERS)
def test_launch_buttons_open_the_chapters_notebook_form(book, docname):
    page = (book / f"{docname}.html").read_text()
    links = launch_links(page)
    assert set(links) == set(LAUNCH_HOSTS), links  # Binder and Colab; no JupyterHub (none configured)
    notebook = f"notebooks/{Path(docname).name}.ipynb"
    for host, url in links.items():
        # Colab and Binder cannot open the MyST source: the link names the notebook form...
        assert unquote(url).endswith(notebook), (host, url)
        assert f"{docname}.md" not in unquote(url)
    # ... which exists in the repository they open, with its code cells.
    assert (ROOT / notebook).exists()


def test_no_jupyterhub_button_without_a_hub(book):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert not config["launch_buttons"].get("jupyterhub_url")
    for docname in CHAPTERS:
        page = (book / f"{docname}.html").read_text()
        assert "JupyterHub" not in page and "/hub/user-redirect/" not in page


def test_search_index_holds_every_chapter(book):
    assert (book / "search.html").exists() and (book / "searchindex.js").exists()
    index = (book / "searchindex.js").read_text()
    for docname in CHAPTERS:
        assert docname in index


ICON_SIZE_LIMIT = 20_000  # bytes per icon font subset; the full fonts are 118-156 KB


def test_pages_load_no_fontawesome_script_and_only_icon_subsets(book):
    assert not list((book / "_static" / "scripts").glob("fontawesome.js*"))  # 1.49 MB, not shipped
    for page in book.rglob("*.html"):
        html = page.read_text()
        assert "fontawesome.js" not in html, page
        if "<head>" in html:
            assert "lalib-icons.css" in html, page
    subsets = sorted((book / "_static" / "lalib-icons").glob("*.woff"))
    assert [p.name for p in subsets] == ["fa-brands-400.woff", "fa-regular-400.woff", "fa-solid-900.woff"]
    assert all(p.stat().st_size < ICON_SIZE_LIMIT for p in subsets), [(p.name, p.stat().st_size) for p in subsets]


# --- In Chromium, network off ---------------------------------------------------

def chapters_with(book: Path, widget: str) -> list[str]:
    """Chapters whose page embeds the named lalib widget (its JavaScript draws it after load)."""
    return [d for d in CHAPTERS if re.search(widget, (book / f"{d}.html").read_text(), re.I)]


@pytest.fixture
def open_page(offline_page, book):
    def go(docname: str):
        offline_page.goto((book / f"{docname}.html").as_uri())
        offline_page.wait_for_load_state("load")
        return offline_page
    return go


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_makes_no_request_off_the_machine(open_page, docname):
    page = open_page(docname)
    page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
    page.wait_for_timeout(500)
    leaving = [u for u in page.requests if not u.startswith(("file://", "data:", "blob:"))]
    assert leaving == []
    assert sum("tex-chtml.js" in u for u in page.requests) == 1
    # Icons come from the subsets: not the 1.49 MB script, not the full fonts.
    assert not [u for u in page.requests if "fontawesome" in u], page.requests
    assert any("lalib-icons/fa-solid-900.woff" in u for u in page.requests)
    assert page.errors == []


ICON_CHARACTERS = """() => {
    // The character every icon on the page draws with an icon font (<i> icons and CSS icons alike).
    const out = [];
    for (const el of document.querySelectorAll('*')) for (const pseudo of ['::before', '::after']) {
        const s = getComputedStyle(el, pseudo);
        if (/Font Awesome/.test(s.fontFamily) && /^"[\ue000-\uf8ff]"$/.test(s.content))
            out.push([el.className, s.fontFamily, s.content.codePointAt(1)]);
    }
    return out; }"""


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_icon_on_the_page_is_in_the_subset_fonts(open_page, book, docname):
    from fontTools.ttLib import TTFont

    page = open_page(docname)
    icons = page.evaluate(ICON_CHARACTERS)
    assert len(icons) >= 5  # menu, search, repository, launch, download, theme...
    fonts = {"Brands": TTFont(book / "_static/lalib-icons/fa-brands-400.woff"),
             "Free": TTFont(book / "_static/lalib-icons/fa-solid-900.woff")}
    missing = [(cls, family, hex(code)) for cls, family, code in icons
               if code not in fonts["Brands" if "Brands" in family else "Free"].getBestCmap()]
    assert missing == []
    # And the browser drew them from the subsets it loaded.
    page.evaluate("document.fonts.ready.then(() => true)")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Font Awesome 6 Free" in f for f in loaded), loaded


@pytest.mark.parametrize("docname", CHAPTERS)
def test_formulas_are_not_in_the_tab_order(open_page, docname):
    page = open_page(docname)
    page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=20_000)
    page.evaluate("MathJax.startup.promise")
    counts = page.evaluate("""() => { const all = [...document.querySelectorAll('mjx-container')];
        return [all.length, all.filter(e => e.tabIndex >= 0).length]; }""")
    assert counts[0] > 0 and counts[1] == 0, counts
    # Tabbing from the top never lands inside a formula.
    for _ in range(40):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('mjx-container')") is False


@pytest.mark.parametrize("docname", CHAPTERS)
def test_tall_code_cells_may_break_across_printed_pages(open_page, docname):
    page = open_page(docname)
    page.emulate_media(media="print")
    # Every box from a code block's <pre> up to the article must allow a page break inside it,
    # and none may be a flex container (Chromium does not fragment those across pages).
    chains = page.evaluate("""() => [...document.querySelectorAll('.cell_input pre')].map(pre => {
        const out = [];
        for (let e = pre; e && !e.matches('article'); e = e.parentElement) {
          const s = getComputedStyle(e);
          out.push([e.className || e.tagName, s.breakInside, s.display]);
        }
        return out; })""")
    assert chains
    stuck = [box for chain in chains for box in chain if box[1] == "avoid" or box[2] == "flex"]
    assert stuck == []


def test_a_link_to_a_section_lands_on_it(offline_page, book):
    # Cross-references and the page's contents link to sections: the target must be at the top,
    # whatever the page does to render long chapters quickly (content-visibility broke this once).
    offline_page.goto((book / "chapters" / "03-rank.html").as_uri() + "#why-it-matters-in-deep-learning")
    offline_page.wait_for_load_state("load")
    offline_page.wait_for_timeout(1500)
    top = offline_page.evaluate("document.getElementById('why-it-matters-in-deep-learning').getBoundingClientRect().top")
    assert -5 <= top <= 150, top


WHOLE_PAGE_SEARCHES = """() => {
    // Count searches of the whole page (document-wide querySelectorAll), whoever makes them.
    window.wholePageSearches = 0;
    for (const proto of [Document.prototype, Element.prototype]) {
        const original = proto.querySelectorAll;
        proto.querySelectorAll = function (selector) {
            if (this === document || this === document.documentElement) window.wholePageSearches++;
            return original.call(this, selector);
        };
    } }"""


def test_widget_clicks_stay_out_of_the_themes_page_wide_handlers(open_page, book):
    # A widget update on a long page must not wake the theme's whole-page work (benchmarks/chapters.md).
    page = open_page("chapters/03-rank")
    page.wait_for_selector(".lx-quiz")
    # The theme's tab-stop observer never sees a widget's own changes.
    theme = (book / "_static" / "scripts" / "pydata-sphinx-theme.js").read_text(encoding="utf-8")
    assert 'closest(".lalib-widget")' in theme
    page.evaluate(WHOLE_PAGE_SEARCHES)
    quiz = page.locator(".lx-quiz[data-kind=choice]").first
    quiz.locator("input[type=radio]").first.check()
    quiz.locator(".lx-check").click()
    assert quiz.locator(".lx-feedback").inner_text().strip()
    quiz.locator("input[type=radio]").first.press("ArrowDown")
    # Bootstrap's delegated handlers saw the clicks and the key but did not list the page's toggles
    # (unpatched: 36 searches). Left: one per click (is a menu open?) and one per key (the theme's
    # search shortcut), for three clicks (the arrow key selects, and so clicks, the next option).
    assert page.evaluate("window.wholePageSearches") <= 4
    # The patched delegation still finds the theme's own toggles: the download menu opens and closes.
    toggle = page.locator('.article-header-buttons [data-bs-toggle="dropdown"]').first
    toggle.click()
    assert page.locator(".article-header-buttons .dropdown-menu.show").count() == 1
    page.locator("article p").first.click()
    assert page.locator(".article-header-buttons .dropdown-menu.show").count() == 0


CUT_OFF = """(margin) => {
    // Sections are paint-contained (_static/lalib-render.css): what reaches past one is cut off.
    const out = [];
    for (const section of document.querySelectorAll('article.bd-article section section')) {
        const box = section.getBoundingClientRect();
        for (const el of section.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (!r.width || (r.left >= box.left - margin && r.right <= box.right + margin)) continue;
            let scrolled = false;  // inside its own scrolling box, it is reachable
            for (let p = el.parentElement; p && p !== section; p = p.parentElement)
                if (getComputedStyle(p).overflowX !== 'visible') { scrolled = true; break; }
            if (!scrolled) out.push([section.id, el.tagName, el.textContent.slice(0, 40), Math.round(r.right - box.right)]);
        }
    }
    return out; }"""


@pytest.mark.parametrize("width", [390, 1100])
@pytest.mark.parametrize("docname", CHAPTERS + ["glossary", "instructors/guide"])
def test_nothing_on_the_page_is_cut_off_at_a_sections_edge(offline_page, book, docname, width):
    offline_page.set_viewport_size({"width": width, "height": 900})
    offline_page.goto((book / f"{docname}.html").as_uri())
    offline_page.wait_for_load_state("load")
    offline_page.wait_for_timeout(1000)
    contained = offline_page.evaluate(
        "[...document.querySelectorAll('article.bd-article section section')].map(s => getComputedStyle(s).contain)")
    assert all("paint" in c for c in contained), contained
    clip_margin = 12  # overflow-clip-margin: 0.75rem
    assert offline_page.evaluate(CUT_OFF, clip_margin) == []


@pytest.fixture
def chapter(open_page, book):
    holding = chapters_with(book, "rank-?explorer")
    assert holding, "no chapter shows a rank explorer"
    page = open_page(holding[0])
    page.wait_for_selector(".lx-rank")
    return page


def entry(page, widget, row, col):
    return widget.locator(f'input[aria-label="A[{row}, {col}]"]')


def test_rank_explorer_responds_in_the_static_page(chapter):
    widget = chapter.locator(".lx-rank").first  # the lecture's [[1, 2, 3], [2, 4, 6]]
    field = lambda name: widget.locator(f'[data-field="{name}"]').inner_text()  # noqa: E731
    # As a reader does: scroll to it (innerText reads rendered text).
    rank = widget.locator('[data-field="rank"]').element_handle()
    rank.evaluate("el => el.scrollIntoView({block: 'center'})")
    chapter.wait_for_function("el => el.innerText.trim() !== ''", arg=rank, timeout=10_000)
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


@pytest.mark.parametrize("docname", CHAPTERS)
def test_self_check_question_gives_feedback_in_the_static_page(open_page, book, docname):
    if docname not in chapters_with(book, "multiple-?choice"):
        pytest.skip(f"{docname} has no multiple-choice self-check")
    page = open_page(docname)
    quiz = page.locator('.lx-quiz[data-kind="choice"]').first
    quiz.wait_for()
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


def chapter_title(book: Path, docname: str) -> str:
    return re.search(r"<title>(.*?)(?: &#8212;| —|</title>)", (book / f"{docname}.html").read_text()).group(1)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_search_box_on_a_chapter_finds_it_offline(open_page, book, docname):
    page = open_page(docname)
    # The page itself carries no search engine or index (only search.html does)...
    assert not [u for u in page.requests if re.search(r"searchindex\.js|searchtools\.js", u)]
    assert page.errors == []
    title = chapter_title(book, docname)
    word = max(re.findall(r"[A-Za-z]{5,}", title), key=len).lower()
    # ... and its search box still leads to the results, which name the chapter.
    page.keyboard.press("Control+k")
    box = page.locator("input[name=q]:visible").first
    box.fill(word)
    box.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.locator("ul.search li").first.wait_for(timeout=20_000)
    # (From file:// the results page cannot fetch its text snippets: "Failed to fetch", as before.)
    assert title in page.locator("ul.search").inner_text(), (docname, word)
