"""The trends screen (SPEC §13): the names rising in the last days, each
with its articles a day as a sparkline; enter opens a name's page.
Dismissed with the rowid of an article to read (from a page), or None."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, ListItem, ListView, Sparkline, Static

from reader.highlight import STYLES
from reader.library import TREND_FLOOR, Library
from reader.model import Trend
from reader.ui.entity_page import EntityPageScreen

RECENT_DAYS = 3
BASELINE_DAYS = 28


class TrendsReady(Message):
    def __init__(self, trends: list[Trend]) -> None:
        super().__init__()
        self.trends = trends


class TrendRow(ListItem):
    """One name: its score, counts and name, then its sparkline."""

    def __init__(self, trend: Trend) -> None:
        super().__init__()
        self.trend = trend

    def compose(self) -> ComposeResult:
        t = self.trend
        with Horizontal():
            yield Label(
                Text.assemble((f"{t.score:5.2f} ", "dim"), (f"{t.recent:>4}/{t.baseline:<5}", "dim"), (t.name, STYLES[t.kind])),
                classes="trend-name",
            )
            yield Sparkline([float(n) for n in t.series], classes="trend-spark")


class TrendsScreen(Screen[int | None]):
    BINDINGS = [Binding("escape,q", "close", "Back", id="trends.close")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        with Vertical(id="trends"):
            yield Label(Text(f"Rising in the last {RECENT_DAYS} days against the {BASELINE_DAYS} before", style="bold"), id="trends-title")
            yield Static(
                Text(f"score  articles now/before  name; articles a day over the {RECENT_DAYS + BASELINE_DAYS} days", style="dim"),
                id="trends-head",
            )
            yield ListView(id="trends-list")
            yield Static(Text("counting…", style="dim italic"), id="trends-note")
        yield Footer()

    def on_mount(self) -> None:
        self._count()

    @work(thread=True, exclusive=True, group="trends")
    def _count(self) -> None:
        self.post_message(TrendsReady(self.library.trends(RECENT_DAYS, BASELINE_DAYS)))

    def on_trends_ready(self, message: TrendsReady) -> None:
        note = self.query_one("#trends-note", Static)
        listed = self.query_one("#trends-list", ListView)
        listed.extend(TrendRow(t) for t in message.trends)
        note.update(
            Text(
                "enter opens a name's page" if message.trends else f"No name is in {TREND_FLOOR} or more articles of these days.",
                style="dim italic",
            )
        )
        if message.trends:
            listed.index = 0
        listed.focus()

    @on(ListView.Selected, "#trends-list")
    def _open(self, event: ListView.Selected) -> None:
        if isinstance(event.item, TrendRow):

            def read(rowid: int | None) -> None:
                if rowid is not None:
                    self.dismiss(rowid)

            self.app.push_screen(EntityPageScreen(self.library, event.item.trend.name, event.item.trend.kind), read)

    def action_close(self) -> None:
        self.dismiss(None)
