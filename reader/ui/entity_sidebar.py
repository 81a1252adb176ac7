"""The sidebar: entities grouped by kind with mention counts, then figures
with their values (formatted by the one function the CLI uses too). An
article in a language with no NER model says so instead of listing empty
groups."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.highlight import STYLES, figure_value
from reader.model import Article, Entity, Extraction, Figure
from reader.ui.messages import EntityChosen, FigureChosen

GROUPS = (("PER", "People"), ("ORG", "Organisations"), ("LOC", "Places"))


class EntitySidebar(OptionList):
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("g,home", "first", "First", show=False, id="sidebar.first"),
        Binding("G,end", "last", "Last", show=False, id="sidebar.last"),
        Binding("enter", "select", "Jump to it in the text", id="sidebar.open"),
        Binding("f", "filter", "Articles with it", id="sidebar.filter"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: dict[str, Entity | Figure] = {}
        self._extraction: Extraction | None = None
        self._language = ("", True)  # the article's language, and whether it has an entity model

    def show_nothing(self) -> None:
        """No article open: nothing to list."""
        self._items, self._extraction = {}, None
        self.clear_options()
        self.add_option(Option(Text("No article open", style="dim italic"), disabled=True))

    def on_resize(self) -> None:
        if self._extraction is not None:
            self.show_extraction(self._extraction, *self._language)

    def _width(self) -> int:
        """Cells a line may take (one is left for the scrollbar)."""
        return max(8, self.scrollable_content_region.width - 1 if self.scrollable_content_region.width else 30)

    def _entry(self, name: str, style: str, count: str) -> Text:
        """One line: the name cut with … so the count stays in its column."""
        width = self._width()
        room = max(3, width - len(count) - 1)
        line = Text(name, style=style, no_wrap=True, overflow="ellipsis")
        line.truncate(room, overflow="ellipsis", pad=True)
        line.append(" " + count, style="dim")
        return line

    def show_metadata(self, article: Article) -> None:
        """Before entities are ready: what the article's front matter says."""
        self._items, self._extraction = {}, None
        self.clear_options()
        words = len(article.body.split())
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
        self._items, self._extraction, self._language = {}, extraction, (lang, has_entities)
        self.clear_options()
        if not has_entities:
            note = f"No people, organisations or places: no entity model for this article's language ({lang}). Figures only."
            self.add_option(Option(Text(note, style="dim italic"), disabled=True))
        for kind, label in GROUPS if has_entities else ():
            group = sorted((e for e in extraction.entities if e.kind == kind), key=lambda e: (-len(e.mentions), e.normal))
            self.add_option(Option(self._entry(label, "bold", f"({len(group)})"), disabled=True))
            for number, entity in enumerate(group):
                key = f"{kind}-{number}"
                self._items[key] = entity
                self.add_option(Option(self._entry(entity.normal, STYLES[kind], str(len(entity.mentions))), id=key))
        self.add_option(Option(self._entry("Figures", "bold", f"({len(extraction.figures)})"), disabled=True))
        for number, figure in enumerate(extraction.figures):
            key = f"FIG-{number}"
            self._items[key] = figure
            width = self._width()
            times = f"  ×{len(figure.mentions)}" if len(figure.mentions) > 1 else ""
            text = Text(" ".join(figure.text.split()), style=STYLES["FIG"])
            text.truncate(max(1, width - len(times)), overflow="ellipsis")
            value = Text(f"  = {figure_value(figure.value, figure.unit)}", style="dim")
            value.truncate(width, overflow="ellipsis")
            self.add_option(Option(Text.assemble(text, times, "\n", value), id=key))
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
