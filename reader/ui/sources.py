"""The sources picker: the saved searches, then every folder and feed,
grouped by tag, with unread counts, errors and notes on their items (36
items had no date…); choosing one narrows the list to it (a saved search:
to what it matches). A feed with several tags is listed under each of them;
its error is one line, cut with …."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.model import SavedSearch, Source
from reader.ui.dialogs import Choices
from reader.ui.footer import first_fitting

EVERYTHING = ""  # what choosing "every source" returns


def groups(sources: list[Source]) -> list[tuple[str, list[Source]]]:
    """Folders first, then feeds under each of their tags (a feed with two
    tags is listed twice), untagged feeds last under "Feeds"."""
    grouped: dict[str, list[Source]] = {}
    for source in sources:
        keys = ["Folders"] if source.kind == "folder" else (list(dict.fromkeys(source.tags)) or ["Feeds"])
        for key in keys:
            grouped.setdefault(key, []).append(source)
    order = sorted(grouped, key=lambda k: (k != "Folders", k == "Feeds", k.casefold()))
    return [(k, grouped[k]) for k in order]


class OneLine:
    """A line that is cut with … at the width it is drawn at, never wrapped
    (a feed's error can be long: it must not take the dialog)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = self.text.copy()
        line.truncate(max(1, options.max_width), overflow="ellipsis")
        line.no_wrap, line.end = True, "\n"
        yield line


def titles(noun: str) -> tuple[str, ...]:
    """The dialog's titles, longest first (the longest that fits is shown); ``noun``: what is counted."""
    return (
        f"Sources  (unread/{noun}) — enter narrows the list, escape closes",
        f"Sources  (unread/{noun}) · enter narrows · escape closes",
        f"Sources (unread/{noun}) · enter · escape",
        f"Sources (unread/{noun})",
        "Sources",
    )


class SourcesTitle(Label):
    def __init__(self, titles: tuple[str, ...]) -> None:
        super().__init__(Text(titles[0], no_wrap=True, overflow="ellipsis"))
        self.titles = titles

    def on_resize(self, event: events.Resize) -> None:
        self.update(Text(first_fitting(self.content_size.width, self.titles), no_wrap=True, overflow="ellipsis"))


class SourcesScreen(ModalScreen[str | SavedSearch | None]):
    """Returns the chosen source's name (its URL or path when another
    source has that name too), the chosen saved search, :data:`EVERYTHING`,
    or None."""

    BINDINGS = [Binding("escape,s", "dismiss_none", "Close", id="sources.close")]

    def __init__(self, sources: list[Source], searches: Sequence[SavedSearch] = (), by_story: bool = False) -> None:
        super().__init__()
        self.sources = sources
        self.searches = list(searches)
        self.noun = "stories" if by_story else "articles"  # what the counts count
        self._names: dict[str, str] = {}  # option id: source name

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option(Text("Every source", style="bold"), id="\x00all")]
        if self.searches:
            options += [None, Option(Text("Saved searches", style="bold underline"), disabled=True)]
        for place, search in enumerate(self.searches):
            line = Text(f"  {search.name}", no_wrap=True, overflow="ellipsis")
            line.append(f"  {search.unread:,}/{search.articles:,}", style="dim")
            line.append("".join(("  alert" if search.alert else "", "  muted" if search.mute else "")), style="italic")
            line.append(f"  {search.query}", style="dim italic")
            options.append(Option(OneLine(line), id=f"\x00search{place}"))
        named = Counter(s.name for s in {s.location: s for s in self.sources}.values())
        for number, (title, members) in enumerate(groups(self.sources)):
            options.append(None)
            options.append(Option(Text(title, style="bold underline"), disabled=True))
            for place, s in enumerate(members):
                line = Text(f"  {s.name}", no_wrap=True, overflow="ellipsis")
                if named[s.name] > 1:  # which of the two
                    line.append(f"  {s.location}", style="italic")
                line.append(f"  {s.unread:,}/{s.articles:,}", style="dim")
                if s.error:  # one line, cut with … at the dialog's edge
                    line.append(f"  ⚠ {' '.join(s.error.split())}", style="bold red")
                for told in s.warnings:  # routine notes on its items: said, not alarming
                    line.append(f"  · {told}", style="dim italic")
                key = f"{number}\x00{place}"  # a source under two tags is two options, two feeds may share a name
                self._names[key] = s.name if named[s.name] == 1 else s.location  # in:"NAME" would take the first
                options.append(Option(OneLine(line), id=key))
        with Vertical(id="sources-dialog"):
            yield SourcesTitle(titles(self.noun))
            yield Choices(*options, id="sources-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id or ""
        if chosen.startswith("\x00search"):
            self.dismiss(self.searches[int(chosen.removeprefix("\x00search"))])
            return
        self.dismiss(EVERYTHING if chosen == "\x00all" else self._names.get(chosen))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
