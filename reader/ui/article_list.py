"""The article list: a Line API widget that builds only the rows on screen.

Rows come from the store by position, a page at a time, and are cached;
100,000 articles cost an array of rowids and the rows in view.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.model import ListRow
from reader.ui.messages import ArticleOpened

PAGE = 64
LINES_PER_ROW = 2
RowSource = Callable[[Sequence[int]], dict[int, ListRow]]


class ArticleList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"article-list--cursor", "article-list--meta", "article-list--title", "article-list--flag"}
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="list.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("enter", "open", "Open", id="list.open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self.notes: Callable[[str], str] | None = None  # in the bookmarks view: each bookmark's note
        self.rowids: array[int] = array("q")
        self._rows: LRUCache[int, ListRow] = LRUCache(4096)

    # -- data ---------------------------------------------------------------

    def set_rowids(self, rowids: array[int], keep: int | None = None) -> None:
        """Show these articles; the cursor stays on ``keep`` when it is among them."""
        self.rowids = rowids
        self._rows.clear()
        self.virtual_size = Size(self.size.width, len(rowids) * LINES_PER_ROW)  # never wider: no horizontal scroll
        position = 0
        if keep is not None:
            try:
                position = rowids.index(keep)
            except ValueError:
                position = 0
        self.cursor = position
        self.refresh()

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

    # -- drawing ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        line = scroll_y + y
        index, part = divmod(line, LINES_PER_ROW)
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
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
            info = fit(f" {row.date}  {row.source}" + (f"  ✎ {note}" if note else ""), width - 2)
            segments = [
                Segment("★" if row.bookmarked else " ", style + flag),
                Segment(" " if row.read else "•", style + flag),
                Segment(info, style + meta),
            ]
        else:
            title = self.get_component_rich_style("article-list--title", partial=True)
            segments = [Segment("   " + fit(row.title, width - 3), style + (title if not row.read else Style(bold=False)))]
        # The whole row is drawn to the full width, so the cursor row is highlighted edge to edge.
        strip = Strip(segments).crop_extend(0, width, style)
        return strip.apply_offsets(0, line)

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.rowids:
            return
        for index in (old, new):
            if 0 <= index < len(self.rowids):
                self.refresh_lines(index * LINES_PER_ROW, LINES_PER_ROW)
        self.scroll_to_region_of(new)

    def scroll_to_region_of(self, index: int) -> None:
        self.scroll_to_region(Region(0, index * LINES_PER_ROW, 1, LINES_PER_ROW), animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rowids) * LINES_PER_ROW)
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
        self._go(self.cursor + direction * max(1, self.size.height // LINES_PER_ROW - 1))

    def action_open(self) -> None:
        rowid = self.current
        if rowid is not None:
            self.post_message(ArticleOpened(rowid))

    def on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // LINES_PER_ROW
        if 0 <= index < len(self.rowids):
            self.cursor = index
            self.action_open()


def fit(text: str, width: int) -> str:
    """``text`` in ``width`` cells: cut at a word with … when it is longer
    (mid-word only for a single word longer than the room, still with …)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    cut = set_cell_size(text, width - 1)
    space = cut.rstrip().rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
