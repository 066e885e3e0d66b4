"""A small Sphinx extension for the book: what each built page loads and links to.

- Jupyter Book 1 registers some extensions' inline scripts twice (sphinx-thebe's
  ``const THEBE_JS_URL``, togglebutton's selector) and its stack adds MathJax a
  second time without ``defer``: the page then throws "already declared"
  errors and starts MathJax twice. We keep the first copy of each script.
- myst-nb embeds the executed notebook's ipywidgets state for the CDN-based
  ipywidgets embedding, which the book does not use (lalib widgets render as
  self-contained HTML): a third of the rank chapter's bytes, dropped.
- The theme loads Font Awesome's whole SVG-and-JS kit (1.49 MB, the largest
  file on every page) for about twenty icons, and its CSS the full icon fonts
  (275 KB). After the build we drop the script (the theme's CSS draws the same
  icons from the fonts) and serve subsets of the fonts holding only the icons
  the site uses (``_static/lalib-icons.css``, a few KB).
- Launch buttons (Binder, Colab, JupyterHub) are sent the notebook form of a
  chapter, ``notebooks/NN-topic.ipynb`` (see :mod:`lalib.chapter_notebooks`),
  instead of its MyST source, which those services cannot open.
- The theme also loads the search engine and the whole book's search index on
  every page, for a search-as-you-type box the book does not enable: only
  ``search.html`` keeps them.
- Printing: ``_static/lalib-print.css`` (added to every page by Jupyter Book,
  like every stylesheet in ``_static``) lets tall code cells break across pages.
- Long pages stay fast to update: ``_static/lalib-render.css`` paints each
  section on its own, and two of the theme's scripts are patched after the
  build (see :data:`THEME_PATCHES`): its tab-stop observer ignores widgets' own
  changes, and Bootstrap's page-wide click and key handlers stop searching the
  whole page on every event.

Enabled in ``_config.yml`` under ``sphinx.extra_extensions``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
ICON_CSS = "lalib-icons.css"
NOTEBOOKS = "notebooks"

ICON_DIR = "lalib-icons"
# Font Awesome's style classes, by the pack that holds their icons.
STYLES = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far", "fa-brands": "fab", "fab": "fab"}
# The theme's @font-face rules, overridden with subsets of the same fonts.
FONT_FACES = [("Font Awesome 6 Free", 900, "fa-solid-900"), ("Font Awesome 6 Free", 400, "fa-regular-400"),
              ("Font Awesome 6 Brands", 400, "fa-brands-400")]
ICON_NOTICE = ("/* Subsets of the theme's icon fonts, made by lalib.book: only the icons the pages use.\n"
               "   Font Awesome Free 6 by @fontawesome - https://fontawesome.com\n"
               "   License - https://fontawesome.com/license/free (Icons: CC BY 4.0, Fonts: SIL OFL 1.1) */\n")
# An icon the theme's own JavaScript inserts after load (so not in the built HTML).
ICONS_FROM_SCRIPTS = '<i class="fa-solid fa-xmark"></i>'
FONTAWESOME_SCRIPT = re.compile(r'\s*<script[^>]*src="([^"]*?)scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>')
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"></script>')
PUA = re.compile("[\ue000-\uf8ff]")
PUA_ESCAPE = re.compile(r"\\(e[0-9a-f]{3}|f[0-8][0-9a-f]{2})(?![0-9a-f])", re.I)
CATALOGUE_RULE = re.compile(r'([^{}]*)\{content:"(\\[0-9a-fA-F]{4}|[\ue000-\uf8ff])"\}')


def _script_key(script) -> str:
    filename = getattr(script, "filename", script)
    if filename:
        return str(filename).split("?")[0]
    return "inline:" + script.attributes.get("body", "")


def tidy_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated page scripts (keeping the first) and the unused widget state."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key in seen or getattr(script, "attributes", {}).get("type") == WIDGET_STATE:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


# --- Icons ------------------------------------------------------------------

def icon_codepoints(css: str, pages: list[str]) -> set[int]:
    r"""The icon-font code points a site uses: its pages' icon classes and its CSS's own icons.

    Parameters
    ----------
    css : str
        The site's stylesheets, concatenated. Font Awesome's catalogue rules
        (``.fa-bars:before{content:"\f0c9"}``, one per icon it has) give each
        icon class its code point and are otherwise ignored; any other icon
        character in the CSS (the theme's admonition and link icons) is used.
    pages : list of str
        The built pages' HTML.

    Returns
    -------
    set of int
        Code points in Unicode's private use area (where the icon fonts put their glyphs).

    Examples
    --------
    >>> css = ('.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-bug:before{content:"\\f188"}'
    ...        'a.x:after{content:"\\f071";font:var(--fa-font-solid)}')
    >>> sorted(hex(c) for c in icon_codepoints(css, ['<i class="fa-solid fa-bars"></i>']))
    ['0xf071', '0xf0c9']
    """
    if not isinstance(css, str):
        raise TypeError(f"css must be a string of stylesheets, got {type(css).__name__}")
    catalogue: dict[str, int] = {}

    def take(m: re.Match) -> str:
        code = int(m.group(2)[1:], 16) if m.group(2).startswith("\\") else ord(m.group(2))
        for selector in m.group(1).split(","):
            name = re.fullmatch(r"\s*\.fa-([a-z0-9-]+):?:before\s*", selector)
            if name:
                catalogue[name.group(1)] = code
        return ""

    rest = CATALOGUE_RULE.sub(take, css)
    used = {ord(c) for c in PUA.findall(rest)} | {int(h, 16) for h in PUA_ESCAPE.findall(rest)}
    for html in pages:
        used |= {catalogue[name] for _, name in icons_in_page(html) if name in catalogue}
    return used


def icons_in_page(html: str) -> set[tuple[str, str]]:
    """The ``(pack, name)`` of every Font Awesome icon element in a page.

    Parameters
    ----------
    html : str
        A built page.

    Returns
    -------
    set of tuple
        Candidate icons: ``fa-lg`` and other utility classes are included and
        match no icon later.

    Examples
    --------
    >>> sorted(icons_in_page('<i class="fa-solid fa-bars"></i><i class="fab fa-github"></i>'))
    [('fab', 'github'), ('fas', 'bars')]
    """
    found = set()
    for classes in re.findall(r'class="([^"]*\bfa[-srb][^"]*)"', html):
        tokens = classes.split()
        packs = [STYLES[t] for t in tokens if t in STYLES]
        if packs:
            found |= {(packs[0], t[3:]) for t in tokens if t.startswith("fa-") and t not in STYLES}
    return found


def subset_font(font_file: str | Path, codepoints: set[int]) -> bytes:
    """A WOFF font holding only the glyphs for the given code points.

    Parameters
    ----------
    font_file : str or Path
        A TrueType font (``.ttf``; reading WOFF2 would need brotli).
    codepoints : set of int
        The characters to keep; those the font lacks are skipped.

    Returns
    -------
    bytes
        The subset, as WOFF (zlib-compressed, readable by every browser).

    Examples
    --------
    >>> from matplotlib import font_manager
    >>> dejavu = font_manager.findfont("DejaVu Sans")
    >>> len(subset_font(dejavu, {ord("A")})) < 5_000
    True
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    if not all(isinstance(c, int) and c >= 0 for c in codepoints):
        raise ValueError("codepoints must be non-negative integers")
    options = subset.Options()
    options.flavor = "woff"
    options.notdef_outline = True
    font = TTFont(str(font_file))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


def serve_icon_subset(app, exception) -> None:
    """After an HTML build: drop the theme's Font Awesome script, serve subset icon fonts."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    if not webfonts.is_dir():
        return
    pages = [ICONS_FROM_SCRIPTS]
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        m = FONTAWESOME_SCRIPT.search(html)
        if m:
            # The script's own prefix ("../_static/") is this page's way to the static folder;
            # the stylesheet goes last in <head>, so its @font-face rules win over the theme's.
            html = html[:m.start()] + html[m.end():]
            html = html.replace("</head>", f'  <link href="{m.group(1)}{ICON_CSS}" rel="stylesheet" />\n</head>', 1)
            page.write_text(html, encoding="utf-8")
        pages.append(html)
    css = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in static.rglob("*.css")
                    if p.name != ICON_CSS)
    codepoints = icon_codepoints(css, pages)
    (static / ICON_DIR).mkdir(exist_ok=True)
    faces = []
    for family, weight, stem in FONT_FACES:
        (static / ICON_DIR / f"{stem}.woff").write_bytes(subset_font(webfonts / f"{stem}.ttf", codepoints))
        faces.append(f'@font-face{{font-display:block;font-family:"{family}";font-style:normal;'
                     f'font-weight:{weight};src:url({ICON_DIR}/{stem}.woff) format("woff")}}')
    (static / ICON_CSS).write_text(ICON_NOTICE + "\n".join(faces) + "\n", encoding="utf-8")
    for leftover in (static / "scripts").glob("fontawesome.js*"):
        leftover.unlink()


# --- Search scripts -------------------------------------------------------------

def drop_search_scripts(html: str) -> str:
    """A page without the search engine's scripts and index.

    Parameters
    ----------
    html : str
        A built page other than ``search.html``.

    Returns
    -------
    str
        The page without ``searchtools.js``, ``language_data.js`` and
        ``searchindex.js``. The theme loads them on every page for its
        search-as-you-type box; with that off (the default) the search box
        sends the reader to ``search.html``, which loads them itself. The index
        grows with every chapter, so every page would carry the whole book's.

    Examples
    --------
    >>> drop_search_scripts('<p>x</p> <script src="../searchindex.js"></script>')
    '<p>x</p>'
    """
    return SEARCH_SCRIPTS.sub("", html)


def slim_search(app, exception) -> None:
    """After an HTML build: search scripts only where they run (search.html)."""
    if exception is not None or app.builder.format != "html":
        return
    if str(app.config.html_theme_options.get("search_as_you_type", False)).lower() == "true":
        return
    for page in Path(app.outdir).rglob("*.html"):
        if page.name == "search.html":
            continue
        html = page.read_text(encoding="utf-8")
        slim = drop_search_scripts(html)
        if slim != html:
            page.write_text(slim, encoding="utf-8")


# --- The theme's scripts -------------------------------------------------------

# pydata-sphinx-theme 0.17 gives scrollable blocks a tab stop. It re-checks them
# 300 ms after any change in the page's main content, reading the scroll width
# of every code block and output: a forced layout of the whole chapter (tens of
# ms) after each drag or "Check" in a widget. A widget's own changes never add
# or remove a scrollable block, so they are left out.
TAB_STOP_OBSERVER = 'new MutationObserver(t).observe(document.getElementById("main-content"),{subtree:!0,childList:!0})'
TAB_STOP_OBSERVER_QUIET = ('new MutationObserver(m=>{m.some(r=>!(r.target.closest&&r.target.closest(".lalib-widget")))'
                           '&&t()}).observe(document.getElementById("main-content"),{subtree:!0,childList:!0})')

# Bootstrap 5.3 (bundled by the theme) listens on the document, in the capture
# phase, for clicks and key presses on its toggles. For each event and each
# toggle kind it lists every matching element of the page (querySelectorAll)
# and then walks up from the event's target looking for one of them: about
# 5 ms per click on a chapter of 20,000 elements, whatever was clicked. Asking
# each element on that short walk whether it matches finds the same toggle.
BOOTSTRAP_DELEGATION = ("const o=t.querySelectorAll(e);for(let{target:r}=s;r&&r!==this;r=r.parentNode)"
                        "for(const a of o)if(a===r)return")
BOOTSTRAP_DELEGATION_LOCAL = "for(let{target:r}=s;r&&r!==this;r=r.parentNode)if(r.nodeType===1&&r.matches(e))return"


@dataclass(frozen=True)
class ThemePatch:
    """One exact replacement in one of the theme's built scripts."""
    script: str  # path under the build's _static/
    old: str
    new: str
    without: str  # what readers pay if the patch cannot be applied


THEME_PATCHES = (
    ThemePatch("scripts/pydata-sphinx-theme.js", TAB_STOP_OBSERVER, TAB_STOP_OBSERVER_QUIET,
               "every widget change will make the page re-measure its code blocks"),
    ThemePatch("scripts/bootstrap.js", BOOTSTRAP_DELEGATION, BOOTSTRAP_DELEGATION_LOCAL,
               "every click and key press will search the whole page about ten times"),
)


def apply_patch(script: str, patch: ThemePatch) -> str | None:
    """The script with the patch applied (or already applied), or None if its text is not found once.

    Examples
    --------
    >>> patch = ThemePatch("x.js", "old()", "new()", "")
    >>> apply_patch("a;old();b", patch)
    'a;new();b'
    >>> apply_patch("a;new();b", patch)
    'a;new();b'
    >>> apply_patch("another theme version", patch) is None
    True
    """
    if patch.new in script:
        return script  # an incremental build kept the patched file
    if script.count(patch.old) != 1:
        return None
    return script.replace(patch.old, patch.new)


def patch_theme_scripts(app, exception) -> None:
    """After an HTML build: apply :data:`THEME_PATCHES`; a Sphinx warning for one that no longer fits."""
    if exception is not None or app.builder.format != "html":
        return
    for patch in THEME_PATCHES:
        path = Path(app.outdir) / "_static" / patch.script
        if not path.is_file():
            continue
        script = path.read_text(encoding="utf-8")
        patched = apply_patch(script, patch)
        if patched is None:
            logger.warning("lalib.book: %s was not found in %s (a new theme version?); %s",
                           patch.old[:60] + "...", path.name, patch.without)
        elif patched != script:
            path.write_text(patched, encoding="utf-8")


# --- Launch buttons -----------------------------------------------------------

def launch_urls_to_notebook(buttons: list[dict], source: str, notebook: str | None) -> list[dict]:
    """Point launch buttons at a chapter's notebook form instead of its source.

    Parameters
    ----------
    buttons : list of dict
        The theme's launch buttons, each with a ``"url"`` that names the page's
        source file relative to the repository (``chapters/03-rank.md``).
    source : str
        That source path.
    notebook : str or None
        The notebook form's path relative to the repository, or None when the
        chapter has none: then no button is kept (a service cannot open the source).

    Returns
    -------
    list of dict
        New buttons; the input is left unchanged.

    Examples
    --------
    >>> b = [{"text": "Colab", "url": "https://colab.example/github/o/r/blob/main/chapters/03-rank.md"}]
    >>> launch_urls_to_notebook(b, "chapters/03-rank.md", "notebooks/03-rank.ipynb")[0]["url"]
    'https://colab.example/github/o/r/blob/main/notebooks/03-rank.ipynb'
    >>> launch_urls_to_notebook(b, "chapters/03-rank.md", None)
    []
    """
    if not source:
        raise ValueError("source must name the page's source file, got an empty string")
    if notebook is None:
        return []
    out = []
    for button in buttons:
        button = dict(button)
        if "url" in button:
            button["url"] = button["url"].replace(source, notebook)
        out.append(button)
    return out


def launch_notebook_forms(app, pagename, templatename, context, doctree) -> None:
    """Rewrite this page's launch buttons to open ``notebooks/<name>.ipynb``."""
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not groups:
        return
    source = Path(app.env.doc2path(pagename)).relative_to(app.srcdir).as_posix()
    notebook = Path(NOTEBOOKS) / (Path(pagename).name + ".ipynb")
    target = notebook.as_posix() if (Path(app.srcdir) / notebook).exists() else None
    for group in groups:
        group["buttons"] = launch_urls_to_notebook(group.get("buttons", []), source, target)
    context["header_buttons"] = [b for b in context["header_buttons"]
                                 if b.get("label") != "launch-buttons" or b["buttons"]]


def setup(app):
    # Late priority: run after every extension has added its scripts and buttons.
    app.connect("html-page-context", tidy_scripts, priority=999)
    app.connect("html-page-context", launch_notebook_forms, priority=999)
    app.connect("build-finished", serve_icon_subset)
    app.connect("build-finished", slim_search)
    app.connect("build-finished", patch_theme_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
