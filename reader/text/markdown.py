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
from typing import TYPE_CHECKING, Any

from reader.model import Link, Rendered

if TYPE_CHECKING:
    import pyromark

RULE = "─" * 24
QUOTE = "│ "
BULLET = "• "

# Anything that could make Markdown differ from plain paragraphs: inline
# syntax, entities, HTML, or a line that opens a block (list, heading
# underline, indented code, hard break).
_SYNTAX = re.compile(r"[\\`*_\[\]<>#!&|~]|^[ \t]*(?:[-+=]|\d{1,9}[.)])|^(?: {4}|\t)|  $", re.MULTILINE)


def render(source: str) -> Rendered:
    """The shown text of a Markdown body, with its formatting. The parser
    is linear in the text, hostile input included (300,000 ``[`` take
    30 ms), so every body is parsed whole."""
    if not _SYNTAX.search(source):
        return Rendered(_plain(source))
    return _Renderer().run(source)


def _plain(source: str) -> str:
    paragraphs = re.split(r"\n[ \t]*\n", source)
    out = []
    for paragraph in paragraphs:
        lines = [line.strip() for line in paragraph.split("\n")]
        text = " ".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


_SAFE_LINK = re.compile(r"(?!(?:javascript|vbscript|file|data):)", re.IGNORECASE)


@functools.cache
def _options() -> pyromark.Options:
    import pyromark

    return pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH


_INLINE = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "s", "Link": "link"}


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
        self.open: list[tuple[str, int, str]] = []  # open styles: (name, start, url)
        self.cell = 0  # cells written in the table row
        self.head = False  # in a table's head row
        self.image = 0  # inside this many images: alt text, no styles of its own
        self.verbatim: list[str] | None = None  # the text of the code or HTML block being read

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
        """Render the parser's events (pulldown-cmark, through pyromark:
        CommonMark with tables and strikethrough, raw HTML kept as text)."""
        import pyromark

        for event in pyromark.events(source, options=_options()):
            if isinstance(event, str):
                self.mark(event)
                continue
            value: Any
            ((kind, value),) = event.items()
            if kind == "Text" or kind == "Html":
                if self.verbatim is not None:
                    self.verbatim.append(value)
                else:
                    self.write(value)
            elif kind == "Start":
                self.start(value if isinstance(value, str) else next(iter(value)), value)
            elif kind == "End":
                self.end(value if isinstance(value, str) else next(iter(value)))
            elif kind == "Code":
                start = self.start_of_text()
                self.write(value)
                self.style(start, "code")
            elif kind == "InlineHtml":
                self.write(value)
        text = "".join(self.parts)
        links = tuple(Link(" ".join(text[s:e].split()), url, s, e) for s, e, url in self.link_spans)
        return Rendered(text, tuple(self.spans), links)

    def mark(self, event: str) -> None:
        if event == "SoftBreak":
            self.write(" ")
        elif event == "HardBreak":
            self.write("\n")
            self.fresh = bool(self.quote)  # the quote prefix starts the next line
        elif event == "Rule":
            self.block()
            start = self.start_of_text()
            self.write(RULE)
            self.span(start, "rule")

    def start(self, name: str, value: object) -> None:
        detail = value[name] if isinstance(value, dict) else None
        if name in ("Emphasis", "Strong", "Strikethrough", "Link"):
            url = str(detail["dest_url"]) if name == "Link" and isinstance(detail, dict) else ""
            self.open.append((_INLINE[name], self.start_of_text(), url if _SAFE_LINK.match(url) else ""))
        elif name == "Image":
            self.image += 1
            self.open.append(("image", self.start_of_text(), ""))
        elif name == "Paragraph":
            self.block()
        elif name == "Heading":
            self.block()
            level = str(detail["level"]) if isinstance(detail, dict) else "H1"
            self.open.append((level.lower(), self.start_of_text(), ""))
        elif name == "Item":
            current = self.lists[-1]
            if current[1]:
                self.block("\n")
            current[1] += 1
            marker = BULLET if current[0] < 0 else f"{current[0] + current[1] - 1}. "
            self.write("  " * (len(self.lists) - 1) + marker, marker=True)
        elif name == "List":
            self.block("\n" if self.lists else "\n\n")
            self.lists.append([-1 if detail is None else int(str(detail)), 0])
        elif name == "BlockQuote":
            self.block()
            self.quote += 1
        elif name in ("CodeBlock", "HtmlBlock"):
            self.block()
            self.verbatim = []
        elif name in ("TableHead", "TableRow"):
            self.block("\n")
            self.cell = 0
        elif name == "TableCell":
            if self.cell:
                self.write(" | ")
            self.cell += 1
            self.open.append(("strong" if self.head else "td", self.start_of_text(), ""))
        elif name == "Table":
            self.block()
        if name == "TableHead":
            self.head = True

    def end(self, name: str) -> None:
        if name in ("Emphasis", "Strong", "Strikethrough", "Link", "Image", "Heading", "TableCell"):
            if not self.open:
                return
            style, start, url = self.open.pop()
            self.image -= name == "Image"
            if style != "td":
                self.style(start, style)
            if url and self.length > start and not self.image:
                self.link_spans.append((start, self.length, url))
        elif name in ("CodeBlock", "HtmlBlock") and self.verbatim is not None:
            text, self.verbatim = "".join(self.verbatim).rstrip(), None
            start = self.start_of_text()
            self.write(text)
            if name == "CodeBlock":
                self.span(start, "code")
        elif name == "List":
            self.lists.pop()
            self.block("\n" if self.lists else "\n\n")
        elif name == "BlockQuote":
            self.quote -= 1
            self.block()
        elif name == "TableHead":
            self.head = False
        elif name == "Table":
            self.block()

    def style(self, start: int, name: str) -> None:
        """A style span; inside an image's alt text only the image's own."""
        if not self.image or name == "image":
            self.span(start, name)
