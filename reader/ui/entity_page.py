"""An entity's page (SPEC §13): its articles a day drawn as a sparkline,
the names met with it (enter: their page), the figures said about it, its
articles (enter: read one on the main screen). Dismissed with the rowid of
the article to read, or None."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from reader.highlight import STYLES, figure_value, fit
from reader.library import Library
from reader.model import EntityPage, ListRow
from reader.ui.dialogs import Choices
from reader.ui.sources import OneLine

ARTICLES_SHOWN = 500  # the newest; the search «f» lists them all
KIND_NAMES = {"PER": "person", "ORG": "organisation", "LOC": "place"}
MIN_DAYS = 30


def daily(timeline: tuple[tuple[str, int], ...], days: int = MIN_DAYS) -> tuple[str, list[float]]:
    """The first day drawn and the articles a day from it to the last day
    (days without any as 0), over at least ``days`` days: a short timeline
    is drawn against the quiet days before it."""
    if not timeline:
        return "", []
    last = dt.date.fromisoformat(timeline[-1][0])
    first = min(dt.date.fromisoformat(timeline[0][0]), last - dt.timedelta(days=days - 1))
    counts = {(dt.date.fromisoformat(d) - first).days: n for d, n in timeline}
    return first.isoformat(), [float(counts.get(day, 0)) for day in range((last - first).days + 1)]


class PageReady(Message):
    """The page, counted on a worker thread (None: no article mentions the name)."""

    def __init__(self, page: EntityPage | None, rows: list[ListRow]) -> None:
        super().__init__()
        self.page = page
        self.rows = rows


class EntityPageScreen(Screen[int | None]):
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="page.close"),
    ]

    def __init__(self, library: Library, name: str, kind: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.wanted = (name, kind)
        self.page: EntityPage | None = None
        self._with: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        name, kind = self.wanted
        with Vertical(id="page"):
            yield Label(Text(name, style=f"bold {STYLES.get(kind or '', '')}"), id="page-title")
            yield Static(Text("counting…", style="dim italic"), id="page-summary")
            yield Sparkline([], id="page-timeline")
            yield Static("", id="page-axis")
            with Horizontal(id="page-middle"):
                yield Choices(id="page-with")
                yield DataTable(id="page-figures", cursor_type="row", zebra_stripes=True)
            yield Choices(id="page-articles")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#page-with", OptionList).border_title = "Met with"
        self.query_one("#page-articles", OptionList).border_title = "Articles"
        figures = self.query_one("#page-figures", DataTable)
        figures.border_title = "Figures said with it"
        figures.add_columns("Date", "Figure", "Value", "Article")
        self._count()

    @work(thread=True, exclusive=True, group="page")
    def _count(self) -> None:
        name, kind = self.wanted
        page = self.library.entity_page(name, kind)
        rows = self.library.rows(list(page.rowids[:ARTICLES_SHOWN])) if page else {}
        self.post_message(PageReady(page, [rows[r] for r in (page.rowids[:ARTICLES_SHOWN] if page else ()) if r in rows]))

    def on_page_ready(self, message: PageReady) -> None:
        page = self.page = message.page
        summary = self.query_one("#page-summary", Static)
        if page is None:
            name, kind = self.wanted
            summary.update(Text(f"No article mentions {name} as a {KIND_NAMES.get(kind or '', 'name')}.", style="italic"))
            return
        self.query_one("#page-title", Label).update(
            Text.assemble((page.name, f"bold {STYLES[page.kind]}"), (f"  {KIND_NAMES[page.kind]}", "dim"))
        )
        count = len(page.rowids)
        summary.update(Text(f"{count:,} article{'s' if count != 1 else ''}, {page.span}"))
        drawn_from, series = daily(page.timeline)
        self.query_one("#page-timeline", Sparkline).data = series
        peak = int(max(series, default=0))
        self.query_one("#page-axis", Static).update(Text(f"{drawn_from} … articles a day (at most {peak}) … {page.last}", style="dim"))
        met = self.query_one("#page-with", OptionList)
        self._with = [(c.name, c.kind) for c in page.co_mentions]
        met.add_options(
            Option(OneLine(Text.assemble((c.name, STYLES[c.kind]), (f"  {c.count}", "dim"))), id=str(i))
            for i, c in enumerate(page.co_mentions)
        )
        table = self.query_one("#page-figures", DataTable)
        if not page.figures:
            table.border_title = "Figures said with it: none"
        for f in page.figures:
            table.add_row(Text(f.date), Text(" ".join(f.text.split())), Text(figure_value(f.value, f.unit)), Text(f.id, style="dim"))
        listed = self.query_one("#page-articles", OptionList)
        listed.add_options(
            Option(OneLine(Text.assemble((f"{r.date}  ", "dim"), (f"{fit(r.source, 18):<18}  ", "dim"), r.title)), id=str(r.rowid))
            for r in message.rows
        )
        met.highlighted = 0 if page.co_mentions else None
        listed.highlighted = 0 if message.rows else None
        listed.focus()

    @on(OptionList.OptionSelected, "#page-articles")
    def _read(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    @on(OptionList.OptionSelected, "#page-with")
    def _other_page(self, event: OptionList.OptionSelected) -> None:
        name, kind = self._with[int(event.option.id or 0)]

        def read(rowid: int | None) -> None:
            if rowid is not None:
                self.dismiss(rowid)

        self.app.push_screen(EntityPageScreen(self.library, name, kind), read)

    def action_close(self) -> None:
        self.dismiss(None)
