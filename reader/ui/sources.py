"""The sources picker: every folder and feed, grouped by tag, with unread
counts and errors; choosing one narrows the list to it."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.model import Source
from reader.ui.footer import first_fitting

EVERYTHING = ""  # what choosing "every source" returns


def groups(sources: list[Source]) -> list[tuple[str, list[Source]]]:
    """Folders first, then feeds by their first tag (untagged last)."""
    grouped: dict[str, list[Source]] = {}
    for source in sources:
        key = "Folders" if source.kind == "folder" else (source.tags[0] if source.tags else "Feeds")
        grouped.setdefault(key, []).append(source)
    order = sorted(grouped, key=lambda k: (k != "Folders", k == "Feeds", k.casefold()))
    return [(k, grouped[k]) for k in order]


TITLES = (  # the longest that fits the dialog is its title
    "Sources  (unread/articles) — enter narrows the list, escape closes",
    "Sources  (unread/articles) · enter narrows · escape closes",
    "Sources (unread/articles) · enter · escape",
    "Sources (unread/articles)",
    "Sources",
)


class SourcesTitle(Label):
    def on_resize(self, event: events.Resize) -> None:
        self.update(Text(first_fitting(self.content_size.width, TITLES), no_wrap=True, overflow="ellipsis"))


class SourcesScreen(ModalScreen[str | None]):
    """Returns the chosen source's name, :data:`EVERYTHING`, or None."""

    BINDINGS = [Binding("escape,s", "dismiss_none", "Close", id="sources.close")]

    def __init__(self, sources: list[Source]) -> None:
        super().__init__()
        self.sources = sources

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option(Text("Every source", style="bold"), id="\x00all")]
        for title, members in groups(self.sources):
            options.append(None)
            options.append(Option(Text(title, style="bold underline"), disabled=True))
            for s in members:
                line = Text(f"  {s.name}", no_wrap=True, overflow="ellipsis")
                line.append(f"  {s.unread:,}/{s.articles:,}", style="dim")
                if s.error:
                    line.append(f"  ⚠ {s.error}", style="bold red")
                options.append(Option(line, id=s.name))
        with Vertical(id="sources-dialog"):
            yield SourcesTitle(Text(TITLES[0], no_wrap=True, overflow="ellipsis"))
            yield OptionList(*options, id="sources-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss(EVERYTHING if chosen == "\x00all" else chosen)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
