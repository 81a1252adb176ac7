"""The sidebar: entities grouped by kind with mention counts, then figures
with their values (formatted by the one function the CLI uses too). An
article in a language with no NER model says so instead of listing empty
groups."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.highlight import STYLES, figure_value
from reader.model import Article, Entity, Extraction, Figure, word_count
from reader.ui.messages import EntityChosen, EntityPageWanted, FigureChosen

GROUPS = (("PER", "People"), ("ORG", "Organisations"), ("LOC", "Places"))


class Entry:
    """A sidebar line: the name cut with … so that the count keeps its column
    at the right edge (and, for a figure, its value on a second line, cut
    too). It is laid out for the width it is drawn at, so a scrollbar that
    appears later never pushes the count onto a line of its own."""

    def __init__(self, name: str, style: str, count: str, detail: str = "") -> None:
        self.name, self.style, self.count, self.detail = name, style, count, detail

    def __str__(self) -> str:
        line = f"{self.name} {self.count}".rstrip()
        return f"{line}\n{self.detail}" if self.detail else line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max(cell_len(self.name) + 1 + cell_len(self.count), cell_len(self.detail))
        return Measurement(min(8, widest), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        count = Text(f" {self.count}" if self.count else "", style="dim")
        line = Text(self.name, style=self.style, no_wrap=True, overflow="ellipsis")
        line.truncate(max(1, width - count.cell_len), overflow="ellipsis", pad=True)
        line.append_text(count)
        line.truncate(width, overflow="ellipsis")
        if self.detail:
            line.append("\n")
            detail = Text(self.detail, style="dim", no_wrap=True, overflow="ellipsis")
            detail.truncate(width, overflow="ellipsis")
            line.append_text(detail)
        line.no_wrap, line.overflow = True, "ellipsis"
        yield line


class EntitySidebar(OptionList):
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("g,home", "first", "First", show=False, id="sidebar.first"),
        Binding("G,end", "last", "Last", show=False, id="sidebar.last"),
        Binding("enter", "select", "Jump to it in the text", id="sidebar.open"),
        Binding("f", "filter", "Articles with it", id="sidebar.filter"),
        Binding("p", "page", "Its page", id="sidebar.page"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: dict[str, Entity | Figure] = {}
        self._extraction: Extraction | None = None

    def show_nothing(self) -> None:
        """No article open: nothing to list."""
        self._items, self._extraction = {}, None
        self.clear_options()
        self.add_option(Option(Text("No article open", style="dim italic"), disabled=True))

    def show_metadata(self, article: Article) -> None:
        """Before entities are ready: what the article's front matter says."""
        self._items, self._extraction = {}, None
        self.clear_options()
        words = word_count(article.body)
        lines = [
            ("Date", article.date),
            ("Source", article.source),
            ("URL", article.url),
            ("Tags", ", ".join(article.tags)),
            ("Words", str(words)),
        ]
        for label, value in lines:
            if value:
                self.add_option(Option(Text.assemble((f"{label}: ", "bold"), value), disabled=True))
        self.add_option(Option(Text("finding entities…", style="dim italic"), disabled=True))

    def show_extraction(self, extraction: Extraction, lang: str = "", has_entities: bool = True) -> None:
        """Entities and figures; ``has_entities``: whether the article's
        language has an entity model at all (else figures only, said so)."""
        keep = self.highlighted if extraction is self._extraction else None
        self._items, self._extraction = {}, extraction
        self.clear_options()
        if not has_entities:
            note = f"No people, organisations or places: no entity model for this article's language ({lang}). Figures only."
            self.add_option(Option(Text(note, style="dim italic"), disabled=True))
        for kind, label in GROUPS if has_entities else ():
            group = sorted((e for e in extraction.entities if e.kind == kind), key=lambda e: (-len(e.mentions), e.normal))
            self.add_option(Option(Entry(label, "bold", f"({len(group)})"), disabled=True))
            for number, entity in enumerate(group):
                key = f"{kind}-{number}"
                self._items[key] = entity
                self.add_option(Option(Entry(entity.normal, STYLES[kind], str(len(entity.mentions))), id=key))
        self.add_option(Option(Entry("Figures", "bold", f"({len(extraction.figures)})"), disabled=True))
        for number, figure in enumerate(extraction.figures):
            key = f"FIG-{number}"
            self._items[key] = figure
            times = f"×{len(figure.mentions)}" if len(figure.mentions) > 1 else ""
            value = f"  = {figure_value(figure.value, figure.unit)}"
            self.add_option(Option(Entry(" ".join(figure.text.split()), STYLES["FIG"], times, value), id=key))
        # The first entity (or figure) is selected, so f and enter work at once.
        first = next((i for i in range(self.option_count) if not self.get_option_at_index(i).disabled), None)
        self.highlighted = keep if keep is not None and keep < self.option_count else first

    def _chosen(self) -> Entity | Figure | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._items.get(option.id or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self._chosen()
        if isinstance(item, Entity):
            self.post_message(EntityChosen(item))
        elif isinstance(item, Figure):
            self.post_message(FigureChosen(item.start, item.end))

    def action_filter(self) -> None:
        item = self._chosen()
        if isinstance(item, Entity):
            self.post_message(EntityChosen(item, filter=True))
        else:
            self.notify("Choose a person, organisation or place first", severity="warning")

    def action_page(self) -> None:
        item = self._chosen()
        if isinstance(item, Entity):
            self.post_message(EntityPageWanted(item.normal, item.kind))
        else:
            self.notify("Choose a person, organisation or place first", severity="warning")
