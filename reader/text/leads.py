"""The article's lead a page names ("teaser", "intro", "standfirst"…), put back before the text when trafilatura left it out."""

from __future__ import annotations

import functools
import re
from typing import Any

from reader.model import word_count

# A block named as the article's lead ("teaser-text", "article__intro", "standfirst", itemprop=description).
_LEAD_NAME = re.compile(r"teaser|intro|lead|standfirst|abstract|preface|summary|description|chapeau|vorspann", re.IGNORECASE)
_NOT_LEAD = re.compile(r"cookie|consent|newsletter|author|comment|caption|image|photo|video|media|product", re.IGNORECASE)
_LEAD_WORDS = 8
_LEAD_MAX_WORDS = 120
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_OUTSIDE_TAGS = {"footer", "nav", "aside", "form"}
_LEAD_TAGS = {"div", "p", "section", "header", "span"}


def found(tree: Any) -> tuple[str, list[str]] | None:
    """The page's text and the blocks in it named as a lead, in order, with spaces folded."""
    leads = []
    for element in tree.iter(*_LEAD_TAGS):
        attributes = element.attrib
        if not attributes:
            continue
        names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
        if not _lead_named(names, attributes.get("itemprop") == "description"):
            continue
        text = _folded(element)
        if (
            _LEAD_WORDS <= word_count(text) <= _LEAD_MAX_WORDS
            and element.find(".//a") is None
            and next(element.iter(*_HEADINGS), None) is None
            and not any(ancestor.tag in _OUTSIDE_TAGS for ancestor in element.iterancestors())
            and not any(_LEAD_NAME.search(f"{inner.get('class') or ''} {inner.get('id') or ''}") for inner in element.iterdescendants())
        ):
            leads.append(text)
    return (_folded(tree), leads) if leads else None


def _folded(element: Any) -> str:
    """An element's text with its pieces apart and spaces folded."""
    return " ".join(" ".join(element.itertext()).split())


@functools.lru_cache(maxsize=4096)
def _lead_named(names: str, description: bool) -> bool:
    return bool(description or _LEAD_NAME.search(names)) and not _NOT_LEAD.search(names)


def put_back(body: Any, page: str, leads: list[str]) -> None:
    """Put before the text's first paragraph the lead nearest before it on the
    page, when the text left it out."""
    from lxml import etree

    paragraphs = [_folded(block) for block in body if block.tag == "p"]
    start = page.find(paragraphs[0][:100]) if paragraphs else -1
    before = [lead for lead in leads if 0 <= page.find(lead) < start]
    found = _folded(body)
    if not before or before[-1][:200] in found:
        return
    at = 1 if len(body) and body[0].tag == "head" else 0
    paragraph = etree.Element("p")
    paragraph.text = before[-1]
    body.insert(at, paragraph)
