"""The book's glossary: every {term} link in a chapter names a glossary term, every term is defined
once, and its 'See' references point at section labels that exist (a fast check; the book build
with -W checks the same for the built pages)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def glossary_terms() -> dict[str, str]:
    text = (ROOT / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    terms, current = {}, None
    for line in body.splitlines():
        if line and not line.startswith(" "):
            current = line.strip()
            assert current.lower() not in terms, f"{current!r} is defined twice"
            terms[current.lower()] = ""
        elif current and line.strip():
            terms[current.lower()] += line.strip() + " "
    return terms


def labels() -> set[str]:
    found = set()
    for md in ROOT.glob("chapters/*.md"):
        found |= set(re.findall(r"^\(([\w-]+)\)=\s*$", md.read_text(encoding="utf-8"), flags=re.M))
    return found


def term_links(text: str) -> list[str]:
    links = []
    for inner in re.findall(r"\{term\}`([^`]+)`", text):
        m = re.fullmatch(r".*<([^>]+)>", inner)
        links.append((m.group(1) if m else inner).strip().lower())
    return links


def test_every_term_link_names_a_glossary_term():
    terms = glossary_terms()
    assert len(terms) >= 80
    for md in sorted(ROOT.glob("chapters/*.md")):
        missing = [t for t in term_links(md.read_text(encoding="utf-8")) if t not in terms]
        assert missing == [], f"{md.name} links terms the glossary does not define: {missing}"


def test_every_definition_is_a_sentence_and_its_references_exist():
    known = labels()
    for term, text in glossary_terms().items():
        assert text.strip().endswith("."), term
        refs = re.findall(r"\{ref\}`([^`]+)`", text)
        assert all(r in known for r in refs), (term, refs)


def test_chapters_one_to_six_and_eleven_link_their_terms():
    linked = set()
    for name in ["01-foundations", "02-transformations", "03-rank", "04-span-basis", "05-orthogonality", "06-eigen",
                 "11-matrix-calculus"]:
        links = term_links((ROOT / f"chapters/{name}.md").read_text(encoding="utf-8"))
        assert links, f"{name} links no glossary term"
        linked |= set(links)
    for term in ["rank", "eigenvalue", "jacobian", "gradient", "backpropagation", "numerator layout", "hessian"]:
        assert term in linked, term
