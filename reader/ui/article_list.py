"""The article list: a Line API widget that builds only the rows on screen.

Rows come from the store by position, a page at a time, and are cached;
100,000 articles cost an array of rowids and the rows in view.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.highlight import fit
from reader.model import ListRow, Snippet
from reader.ui.messages import ArticleOpened

PAGE = 64
SNIPPET_PAGE = 16
_NO_SNIPPET = Snippet("")
LINES_PER_ROW = 2  # date and source, then the title; a search by words adds its snippet
RowSource = Callable[[Sequence[int]], dict[int, ListRow]]
Members = Callable[[int], list[int]]  # an article -> its story's articles, earliest first
SnippetSource = Callable[[Sequence[int]], dict[int, Snippet]]


class ArticleList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--meta",
        "article-list--title",
        "article-list--flag",
        "article-list--snippet",
        "article-list--match",
    }
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="list.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("x", "unfold", "Unfold story", show=False, id="story.unfold"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, source: RowSource, members: Members | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self._members = members
        self.nested: dict[int, int] = {}  # an unfolded story's other articles shown under it -> its row
        self.notes: Callable[[str], str] | None = None  # in the bookmarks view: each bookmark's note
        self.rowids: array[int] = array("q")
        self._rows: LRUCache[int, ListRow] = LRUCache(4096)
        self._snippet_source: SnippetSource | None = None
        self._snippets: LRUCache[int, Snippet] = LRUCache(1024)
        self.lines_per_row = LINES_PER_ROW
        self._base: Style | None = None  # this widget's style, kept until its styles change

    # -- data ---------------------------------------------------------------

    def set_rowids(self, rowids: array[int], keep: int | None = None, snippets: SnippetSource | None = None) -> None:
        """Show these rows (an article each, a story's first standing for the
        story); the cursor stays on ``keep``, or on its story's row when it was folded into one.
        ``snippets``: where a search's words stand in each (a third line a row)."""
        unfolded = set(self.nested.values()) if keep is not None else set()  # the same view again: stories stay unfolded
        self.rowids = array("q", rowids) if unfolded else rowids  # the caller's rows stay as given
        self.nested = {}
        for head in unfolded & set(rowids):
            self._show_members(head)
        rowids = self.rowids
        self._rows.clear()
        self._snippets.clear()
        self._snippet_source = snippets
        self.lines_per_row = LINES_PER_ROW + (snippets is not None)
        self.virtual_size = Size(self.size.width, len(rowids) * self.lines_per_row)  # never wider: no horizontal scroll
        self.cursor = self._position_of(keep) if keep is not None else 0
        self.refresh()

    def _position_of(self, rowid: int) -> int:
        """Where an article is shown: its own row, else the row of its story
        (it was folded into one meanwhile), else the top."""
        others = self._members(rowid) if self._members is not None and rowid not in self.rowids else []
        for candidate in (rowid, *others):
            with contextlib.suppress(ValueError):
                return self.rowids.index(candidate)
        return 0

    def forget_rows(self) -> None:
        """Rows changed in the store (bookmark, read): fetch them again."""
        self._rows.clear()
        self.refresh()

    @property
    def current(self) -> int | None:
        return self.rowids[self.cursor] if 0 <= self.cursor < len(self.rowids) else None

    def _row(self, index: int) -> ListRow | None:
        rowid = self.rowids[index]
        row = self._rows.get(rowid)
        if row is None:
            start = index - index % PAGE
            page = self.rowids[start : start + PAGE]
            fetched = self._source(page)
            for key, value in fetched.items():
                self._rows[key] = value
            row = fetched.get(rowid)
        return row

    def _snippet(self, index: int) -> Snippet:
        rowid = self.rowids[index]
        snippet = self._snippets.get(rowid)
        if snippet is None and self._snippet_source is not None:
            # Each snippet reads an article's text: a screenful at a time, not a page of rows.
            start = index - index % SNIPPET_PAGE
            page = self.rowids[start : start + SNIPPET_PAGE]
            fetched = self._snippet_source(page)
            for key in page:
                self._snippets[key] = fetched.get(key, _NO_SNIPPET)  # an article gone meanwhile is not asked for again
            snippet = fetched.get(rowid, _NO_SNIPPET)
        return snippet or _NO_SNIPPET

    # -- drawing ------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._base = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        line = scroll_y + y
        index, part = divmod(line, self.lines_per_row)
        width = self.scrollable_content_region.width or self.size.width
        if self._base is None:  # Textual works it out from every ancestor's style on each call
            self._base = self.rich_style
        base = self._base
        if index >= len(self.rowids):
            return Strip.blank(width, base)
        row = self._row(index)
        style = base + self.get_component_rich_style("article-list--cursor") if index == self.cursor else base
        if row is None:
            segments = [Segment("", style)]
        elif part == 0:
            flag = self.get_component_rich_style("article-list--flag", partial=True)
            meta = self.get_component_rich_style("article-list--meta", partial=True)
            note = self.notes(row.id) if self.notes and row.bookmarked else ""
            indent = "  ↳" if row.rowid in self.nested else ""
            more = f"  +{row.others} · {row.sources} src" if row.others and not indent else ""
            info = fit(f"{indent} {row.date}  {row.source}" + (f"  ✎ {note}" if note else ""), width - 2 - len(more)) + more
            segments = [
                Segment("★" if row.bookmarked else " ", style + flag),
                Segment(" " if row.read else "•", style + flag),
                Segment(info, style + meta),
            ]
        elif part == 1:
            title = self.get_component_rich_style("article-list--title", partial=True)
            indent = "   " + "   " * (row.rowid in self.nested)
            segments = [Segment(indent + fit(row.title, width - len(indent)), style + (title if not row.read else Style(bold=False)))]
        else:
            segments = [Segment("   ", style), *self._snippet_segments(self._snippet(index), width - 3, style)]
        # The whole row is drawn to the full width, so the cursor row is highlighted edge to edge.
        strip = Strip(segments).crop_extend(0, width, style)
        return strip.apply_offsets(0, line)

    def _snippet_segments(self, snippet: Snippet, width: int, style: Style) -> list[Segment]:
        """The snippet in ``width`` cells, dim, its matched words bright,
        its first match in view however narrow the list."""
        dim = style + self.get_component_rich_style("article-list--snippet", partial=True)
        bright = style + self.get_component_rich_style("article-list--match", partial=True)
        plain, matches = snippet.text, snippet.marks
        start = 0
        if matches and matches[0][1] > width - 2:  # the first match would be cut off: begin a little before it
            start = plain.rfind(" ", 0, max(0, matches[0][0] - width // 4)) + 1
        head = "…" if start else ""
        shown = head + fit(plain[start:].lstrip("…"), width - len(head))
        offset = start - len(head) + (len(plain[start:]) - len(plain[start:].lstrip("…")))
        segments: list[Segment] = []
        cursor = 0
        for a, b in matches:
            a, b = a - offset, b - offset
            if a < cursor or b > len(shown) - shown.endswith("…"):
                continue
            segments += [Segment(shown[cursor:a], dim), Segment(shown[a:b], bright)]
            cursor = b
        segments.append(Segment(shown[cursor:], dim))
        return segments

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.rowids:
            return
        for index in (old, new):
            if 0 <= index < len(self.rowids):
                self.refresh_lines(index * self.lines_per_row, self.lines_per_row)
        self.scroll_to_region_of(new)

    def scroll_to_region_of(self, index: int) -> None:
        self.scroll_to_region(Region(0, index * self.lines_per_row, 1, self.lines_per_row), animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rowids) * self.lines_per_row)
        self.refresh()

    # -- actions ------------------------------------------------------------

    def _go(self, index: int) -> None:
        if self.rowids:
            self.cursor = max(0, min(len(self.rowids) - 1, index))

    def action_move(self, delta: int) -> None:
        self._go(self.cursor + delta)

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.rowids) - 1)

    def action_page(self, direction: int) -> None:
        self._go(self.cursor + direction * max(1, self.size.height // self.lines_per_row - 1))

    def action_unfold(self) -> None:
        """Show the other articles of the story under its row, or fold them again."""
        rowid = self.current
        if rowid is None or self._members is None:
            return
        head = self.nested.get(rowid, rowid)
        start = self.rowids.index(head)
        shown = [r for r, parent in self.nested.items() if parent == head]
        if shown:
            del self.rowids[start + 1 : start + 1 + len(shown)]
            for r in shown:
                del self.nested[r]
        else:
            self._show_members(head)
        self.virtual_size = Size(self.size.width, len(self.rowids) * self.lines_per_row)
        self.cursor = start
        self.refresh()

    def _show_members(self, head: int) -> None:
        """The story's other articles, indented under its row."""
        if self._members is None:
            return
        start = self.rowids.index(head)
        others = [r for r in self._members(head) if r != head and r not in self.nested]
        self.rowids[start + 1 : start + 1] = array("q", others)
        self.nested.update(dict.fromkeys(others, head))

    def action_open(self) -> None:
        rowid = self.current
        if rowid is not None:
            self.post_message(ArticleOpened(rowid))

    def on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // self.lines_per_row
        if 0 <= index < len(self.rowids):
            self.cursor = index
            self.action_open()
