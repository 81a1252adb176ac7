"""The reading pane: title, meta line, notices (note, full text), body
with its Markdown formatting and highlights.

The body is a Rich ``Text``, never a markup string, so brackets in an
article stay brackets.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.highlight import body_text, meta_line
from reader.model import Article, Extraction, Rendered


class ReadingPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="pane.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="pane.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="pane.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="pane.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="pane.page_down"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.extraction: Extraction | None = None
        self.formatting: Rendered | None = None
        self.matches: list[tuple[int, int]] = []
        self.marks: list[tuple[int, int]] = []  # what n / N walk
        self.mark_index = -1
        self.shown = Text()  # the body as last drawn

    def compose(self) -> ComposeResult:
        yield Static(Text("Open an article with enter", style="dim"), id="title")
        yield Static("", id="meta")
        yield Static("", id="notice")
        yield Static("", id="body")

    def on_mount(self) -> None:
        self.query_one("#notice").display = False

    def show(
        self,
        article: Article,
        extraction: Extraction | None,
        matches: list[tuple[int, int]],
        formatting: Rendered | None = None,
        notice: Text | None = None,
        keep_place: bool = False,
    ) -> None:
        """Show an article; the scroll position stays when it is the same
        text again, or with ``keep_place`` (a new version of the same one)."""
        before = self.article
        same = before is not None and article.id == before.id
        keep_scroll = same and (keep_place or (before is not None and article.body == before.body))
        if keep_place and same:
            y = self.scroll_y
            self.call_after_refresh(lambda: self.scroll_to(y=min(y, self.max_scroll_y), animate=False))
        self.article, self.extraction, self.matches, self.formatting = article, extraction, matches, formatting
        self.marks, self.mark_index = list(matches), -1
        self.query_one("#title", Static).update(Text(article.title))
        self.query_one("#meta", Static).update(meta_line(article))
        self.set_notice(notice)
        self._render_body()
        if not keep_scroll:
            self.scroll_home(animate=False)

    def set_notice(self, notice: Text | None) -> None:
        """Lines under the meta line: the bookmark's note, full text or summary."""
        widget = self.query_one("#notice", Static)
        widget.update(notice or "")
        widget.display = bool(notice and notice.plain)

    def clear(self, message: str) -> None:
        self.article = self.extraction = self.formatting = None
        self.matches, self.marks = [], []
        self.query_one("#title", Static).update(Text(message, style="dim"))
        self.query_one("#meta", Static).update("")
        self.set_notice(None)
        self.query_one("#body", Static).update("")

    def set_extraction(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self._render_body()

    def walk(self, spans: list[tuple[int, int]]) -> None:
        """Mark these spans and go to the first."""
        self.marks, self.mark_index = sorted(spans), -1
        self.next_mark(1)

    def next_mark(self, step: int) -> bool:
        if not self.marks or self.article is None:
            return False
        self.mark_index = (self.mark_index + step) % len(self.marks)
        self._render_body()
        self._scroll_to_offset(self.marks[self.mark_index][0])
        return True

    def _render_body(self) -> None:
        if self.article is None:
            return
        current = [self.marks[self.mark_index]] if 0 <= self.mark_index < len(self.marks) else []
        matches = self.marks if self.marks is not self.matches else self.matches
        self.shown = body_text(self.article.body, self.extraction, matches, current, self.formatting)
        self.query_one("#body", Static).update(self.shown)

    def _scroll_to_offset(self, offset: int) -> None:
        if self.article is None:
            return
        body = self.query_one("#body", Static)
        width = max(1, body.content_region.width or self.size.width - 2)
        before = Text(self.article.body[:offset]).wrap(self.app.console, width)
        y = body.virtual_region.y + max(0, len(before) - 1)
        self.scroll_to(y=max(0, y - 2), animate=False)


def notice(bookmarked: bool, note: str, fetching: bool, full_text: bool, showing_summary: bool, also: str = "") -> Text:
    """The notice lines over an article: who else reported its story, its
    bookmark and note, and which text is shown."""
    lines: list[tuple[str, str] | str] = []
    if also:
        lines += [(also, "italic"), ("  > < step through it", "dim")]
    if note:
        lines += ["\n" if lines else "", ("★ ", "bold"), ("✎ ", "bold"), (note, "italic")]
    elif bookmarked:
        lines += ["\n" if lines else "", ("★ ", "bold"), ("Bookmarked", "dim italic")]
    if lines and (fetching or full_text):
        lines.append("\n")
    if fetching:
        lines.append(("Fetching the full text…", "dim italic"))
    elif full_text and showing_summary:
        lines.append(("Summary · F shows the full text", "dim italic"))
    elif full_text:
        lines.append(("Full text from the article's web page · F shows the summary", "dim italic"))
    return Text.assemble(*lines)
