"""Markdown -> the text as shown, with style spans and links.

The shown text is one well-defined string: the reading pane shows it, the
index stores it as the article's body, search and entity extraction run on
it, and `reader show --json` prints it. Offsets of entities and figures are
therefore offsets into this string. Formatting travels beside it as spans
(start, end, style name) the UI maps to its own styles; no markup is ever
parsed from the article, so its brackets and backslashes stay literal.

Rendering rules (kept deliberately simple and stable, since every offset
depends on them):

- blocks (paragraphs, headings, quotes, code, rules, lists) are separated by
  one blank line; items of one list by a newline;
- a soft line break is a space, a hard break a newline;
- headings are their text (style ``h1``..``h6``), never ``#``;
- list items start with ``• `` or ``N. ``, nested lists indent two spaces a level;
- block quotes start every line of their blocks with ``│ `` (style ``quote``);
- code is its text (style ``code``), a rule is a line of ``─``;
- links are their text (style ``link``), with the URL kept in ``links``;
- images are their alt text (style ``image``); raw HTML is shown literally.

Bodies without any Markdown syntax skip the parser (most seed and news
text): the fast path gives exactly what the parser would.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from reader.model import Link, Rendered

if TYPE_CHECKING:
    from markdown_it.token import Token

RULE = "─" * 24
QUOTE = "│ "
BULLET = "• "

# Anything that could make Markdown differ from plain paragraphs: inline
# syntax, entities, HTML, or a line that opens a block (list, heading
# underline, indented code, hard break).
_SYNTAX = re.compile(r"[\\`*_\[\]<>#!&|~]|^[ \t]*(?:[-+=]|\d{1,9}[.)])|^(?: {4}|\t)|  $", re.MULTILINE)


CHUNK = 16_000  # longer bodies are parsed a part at a time (see render)


def render(source: str) -> Rendered:
    """The shown text of a Markdown body, with its formatting.

    The parser's cost grows faster than the text on some inputs (300,000
    ``[`` take seconds), so a body longer than ``CHUNK`` is parsed in parts
    cut at blank lines (or, within one huge paragraph, at a line end or
    anywhere), each part a block of its own, and a part that is mostly
    syntax characters is shown literally; ordinary articles are far shorter
    and parsed whole."""
    if not _SYNTAX.search(source):
        return Rendered(_plain(source))
    if len(source) <= CHUNK:
        return _Renderer().run(source)
    texts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    links: list[Link] = []
    offset = 0
    for part in _parts(source):
        # A part that is mostly syntax characters is no article: shown literally, not parsed.
        dense = sum(map(part.count, "[]*_!<>`\\")) > len(part) // 5
        got = _Renderer().run(part) if _SYNTAX.search(part) and not dense else Rendered(_plain(part))
        if not got.text:
            continue
        if texts:
            texts.append("\n\n")
            offset += 2
        texts.append(got.text)
        spans += [(s + offset, e + offset, n) for s, e, n in got.spans]
        links += [Link(k.text, k.url, k.start + offset, k.end + offset) for k in got.links]
        offset += len(got.text)
    return Rendered("".join(texts), tuple(spans), tuple(links))


def _parts(source: str) -> list[str]:
    parts = []
    start = 0
    while start < len(source):
        end = start + CHUNK
        if end < len(source):
            cut = source.rfind("\n\n", start + CHUNK // 4, end)
            if cut < 0:
                cut = source.rfind("\n", start + CHUNK // 4, end)
            end = cut + 1 if cut >= 0 else end
        parts.append(source[start:end])
        start = end
    return parts


def _plain(source: str) -> str:
    paragraphs = re.split(r"\n[ \t]*\n", source)
    out = []
    for paragraph in paragraphs:
        lines = [line.strip() for line in paragraph.split("\n")]
        text = " ".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


@functools.cache
def _parser():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt  # ships with Rich

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


class _Renderer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, str]] = []
        self.link_spans: list[tuple[int, int, str]] = []
        self.pending = ""  # separator owed before the next block's text
        self.fresh = True  # the next text starts a block (separator, quote prefix)
        self.marked = False  # a list marker was the last thing written
        self.lists: list[list[int]] = []  # per open list: [next number or -1 for bullets, items so far]
        self.quote = 0
        self.open: list[tuple[str, int, str]] = []  # inline styles: (name, start, url)
        self.cell = 0

    # -- output -------------------------------------------------------------

    def write(self, text: str, marker: bool = False) -> None:
        if not text:
            return
        if self.fresh:
            if self.pending and self.length:
                self._emit(self.pending)
            if self.quote:
                self._emit_quote_prefix()
            self.pending, self.fresh = "", False
        self.marked = marker
        self._emit(text)

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def _emit_quote_prefix(self) -> None:
        start = self.length
        self._emit(QUOTE * self.quote)
        self.spans.append((start, self.length, "quote"))

    def block(self, sep: str = "\n\n") -> None:
        if self.marked:  # the first block of a list item follows its marker
            return
        self.fresh = True
        if len(sep) > len(self.pending):
            self.pending = sep

    def span(self, start: int, name: str) -> None:
        if self.length > start:
            self.spans.append((start, self.length, name))

    def start_of_text(self) -> int:
        """Where the next written text begins (after any owed separator)."""
        if not self.fresh:
            return self.length
        return self.length + (len(self.pending) if self.length else 0) + len(QUOTE) * self.quote

    # -- tokens -------------------------------------------------------------

    def run(self, source: str) -> Rendered:
        tokens = _parser().parse(source)
        block_start: list[tuple[int, str]] = []
        for token in tokens:
            kind = token.type
            if kind == "heading_open":
                self.block()
                block_start.append((self.start_of_text(), token.tag))
            elif kind == "heading_close":
                start, tag = block_start.pop()
                self.span(start, tag)
            elif kind == "paragraph_open":
                if not token.hidden:
                    self.block()
            elif kind == "blockquote_open":
                self.block()
                self.quote += 1
            elif kind == "blockquote_close":
                self.quote -= 1
                self.block()
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else -1
                self.block("\n" if self.lists else "\n\n")
                self.lists.append([start, 0])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                self.block("\n" if self.lists else "\n\n")
            elif kind == "list_item_open":
                current = self.lists[-1]
                if current[1]:
                    self.block("\n")
                current[1] += 1
                marker = BULLET if current[0] < 0 else f"{current[0] + current[1] - 1}. "
                self.write("  " * (len(self.lists) - 1) + marker, marker=True)
            elif kind in ("fence", "code_block"):
                self.block()
                start = self.start_of_text()
                self.write(token.content.rstrip("\n"))
                self.span(start, "code")
            elif kind == "hr":
                self.block()
                start = self.start_of_text()
                self.write(RULE)
                self.span(start, "rule")
            elif kind == "html_block":
                self.block()
                self.write(token.content.rstrip("\n"))
            elif kind == "tr_open":
                self.block("\n")
                self.cell = 0
            elif kind in ("th_open", "td_open"):
                if self.cell:
                    self.write(" | ")
                self.cell += 1
                block_start.append((self.start_of_text(), "th" if kind == "th_open" else "td"))
            elif kind in ("th_close", "td_close"):
                start, tag = block_start.pop()
                if tag == "th":
                    self.span(start, "strong")
            elif kind == "table_open" or kind == "table_close":
                self.block()
            elif kind == "inline":
                self.inline(token.children or [])
        text = "".join(self.parts)
        links = tuple(Link(" ".join(text[s:e].split()), url, s, e) for s, e, url in self.link_spans)
        return Rendered(text, tuple(self.spans), links)

    def inline(self, children: list[Token]) -> None:
        for child in children:
            kind = child.type
            if kind == "text":
                self.write(child.content)
            elif kind == "softbreak":
                self.write(" ")
            elif kind == "hardbreak":
                self.write("\n")
                self.fresh = bool(self.quote)  # the quote prefix starts the next line
            elif kind == "code_inline":
                start = self.start_of_text()
                self.write(child.content)
                self.span(start, "code")
            elif kind == "html_inline":
                self.write(child.content)
            elif kind.endswith("_open") and kind[:-5] in ("em", "strong", "s", "link"):
                url = str(child.attrs.get("href", "")) if kind == "link_open" else ""
                self.open.append((kind[:-5], self.start_of_text(), url))
            elif kind.endswith("_close") and kind[:-6] in ("em", "strong", "s", "link"):
                if not self.open:
                    continue
                name, start, url = self.open.pop()
                self.span(start, name)
                if name == "link" and url and self.length > start:
                    self.link_spans.append((start, self.length, url))
            elif kind == "image":
                start = self.start_of_text()
                self.write(child.content or "".join(c.content for c in child.children or []))
                self.span(start, "image")
