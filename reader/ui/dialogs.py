"""Modal screens: the help screen, made from the bindings themselves, the
bookmark note editor, the links, and the name of a search to save."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

# The help screen scrolls with the movement keys of the list and of the
# reading pane: the same binding ids, so the config's [keys] remaps move
# them here too.
_MOVES = (
    ("down", "j,down"),
    ("up", "k,up"),
    ("first", "g,home"),
    ("last", "G,end"),
    ("page_down", "pagedown,space"),
    ("page_up", "pageup"),
)
_CHOICE_ACTIONS = {
    "down": "cursor_down",
    "up": "cursor_up",
    "first": "first",
    "last": "last",
    "page_down": "page_down",
    "page_up": "page_up",
}
_PANE_IDS = {"down": "pane.down", "up": "pane.up", "first": "pane.top", "last": "pane.bottom", "page_down": "pane.page_down"}
_SCROLLS = {
    "down": "scroll_down",
    "up": "scroll_up",
    "first": "scroll_home",
    "last": "scroll_end",
    "page_down": "scroll_page_down",
    "page_up": "scroll_page_up",
}


class HelpText(VerticalScroll):
    """The help's scrolling text, with the reading pane's keys (on a node of
    their own: a remap removes every binding that shared a key with the
    remapped one, so the list's and the pane's ids cannot share a map)."""

    BINDINGS = [Binding(keys, f"screen.move('{move}')", show=False, id=_PANE_IDS[move]) for move, keys in _MOVES if move in _PANE_IDS]


class Choices(OptionList):
    """An option list that moves with the article list's keys (``j`` ``k``
    ``g`` ``G``, and their remaps) as well as the arrows: the sources
    picker, the links, the lists of an entity page."""

    BINDINGS = [Binding(keys, _CHOICE_ACTIONS[move], show=False, id=f"list.{move}") for move, keys in _MOVES]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        *(Binding(keys, f"move('{move}')", show=False, id=f"list.{move}") for move, keys in _MOVES),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_column(style="dim")
        for title, rows in self.sections:
            table.add_row(Text(title, style="bold underline"), "", "")
            for keys, description, binding_id in rows:
                table.add_row(Text(keys), Text(description), Text(binding_id))
            table.add_row("", "", "")
        with HelpText(id="help"):
            yield Static(Text("Keys  (remap by id in the config file's [keys] table)", style="bold"))
            yield Static(table)

    def action_move(self, move: str) -> None:
        getattr(self.query_one("#help", VerticalScroll), _SCROLLS[move])(animate=False, immediate=True)


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.article_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Label(Text(f"Note for «{self.article_title}»"))
            yield Input(self.note, placeholder="a short note; enter saves, escape cancels", id="note-input", max_length=500)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinksScreen(ModalScreen[str | None]):
    """The article's links: enter opens the chosen one, escape closes."""

    BINDINGS = [Binding("escape,q", "cancel", "Close", id="links.close")]

    def __init__(self, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog"):
            yield Label(Text(f"Links ({len(self.links)}) · enter opens · escape closes", style="bold"))
            yield Choices(
                *(
                    Option(Text.assemble((text or url, "bold"), "\n", (url, "dim underline")), id=str(n))
                    for n, (text, url) in enumerate(self.links)
                ),
                id="links",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.links[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveSearchScreen(ModalScreen[tuple[str, bool, bool] | None]):
    """The name to save a search under, and whether it alerts or mutes;
    enter saves, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="search.save.cancel")]

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-dialog"):
            yield Label(Text.assemble(("Save the search ", "bold"), self.query_text))
            yield Input(placeholder="its name; enter saves, escape cancels", id="save-search-name", max_length=100)
            yield Checkbox("Alert on new matches after each fetch", id="save-search-alert")
            yield Checkbox("Mute: hide what it matches everywhere else", id="save-search-mute")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            alert, mute = (self.query_one(f"#save-search-{name}", Checkbox).value for name in ("alert", "mute"))
            self.dismiss((event.value.strip(), alert, mute))

    def action_cancel(self) -> None:
        self.dismiss(None)
