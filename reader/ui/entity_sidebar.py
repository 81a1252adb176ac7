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
from reader.text.extract import has_entities
from reader.ui.messages import EntityChosen, FigureChosen

GROUPS = (("PER", "People"), ("ORG", "Organisations"), ("LOC", "Places"))


class EntitySidebar(OptionList):
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("g,home", "first", "First", show=False, id="sidebar.first"),
        Binding("G,end", "last", "Last", show=False, id="sidebar.last"),
        Binding("f", "filter", "Articles with it", id="sidebar.filter"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: dict[str, Entity | Figure] = {}

    def show_metadata(self, article: Article) -> None:
        """Before entities are ready: what the article's front matter says."""
        self._items = {}
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

    def show_extraction(self, extraction: Extraction, lang: str = "") -> None:
        self._items = {}
        self.clear_options()
        if lang and not has_entities(lang):
            note = f"No people, organisations or places: no entity model for this article's language ({lang}). Figures only."
            self.add_option(Option(Text(note, style="dim italic"), disabled=True))
        for kind, label in GROUPS if not lang or has_entities(lang) else ():
            group = sorted((e for e in extraction.entities if e.kind == kind), key=lambda e: (-len(e.mentions), e.normal))
            self.add_option(Option(Text(f"{label} ({len(group)})", style="bold"), disabled=True))
            for number, entity in enumerate(group):
                key = f"{kind}-{number}"
                self._items[key] = entity
                line = Text.assemble((entity.normal, STYLES[kind]), f"  {len(entity.mentions)}")
                self.add_option(Option(line, id=key))
        self.add_option(Option(Text(f"Figures ({len(extraction.figures)})", style="bold"), disabled=True))
        for number, figure in enumerate(extraction.figures):
            key = f"FIG-{number}"
            self._items[key] = figure
            times = f"  ×{len(figure.mentions)}" if len(figure.mentions) > 1 else ""
            line = Text.assemble((figure.text, STYLES["FIG"]), times, "\n", (f"  = {figure_value(figure.value, figure.unit)}", "dim"))
            self.add_option(Option(line, id=key))

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
