"""The footer: key hints in the order they are declared (a remapped key
keeps its place), and only the hints that fit whole; the rest are on the
help screen and in the palette. Also: the longest of a few texts that fits."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE = "-command-palette"
PINNED = {"help"}


def first_fitting(width: int, variants: Iterable[str]) -> str:
    """The first of ``variants`` (longest first) that fits in ``width``
    cells, else the last."""
    last = ""
    for text in variants:
        last = text
        if cell_len(text) <= width:
            return text
    return last


def _declared(node: DOMNode) -> list[str]:
    """The actions a node's class declares, in their order (before any remap)."""
    actions = []
    for item in getattr(type(node), "BINDINGS", []):
        binding = item if isinstance(item, Binding) else Binding(*item)  # type: ignore[misc]
        actions.append(binding.action)
    return actions


class ReaderFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        palette = [w for w in widgets if w.has_class(PALETTE)]
        keys = [w for w in widgets if not w.has_class(PALETTE)]
        focused = self.screen.focused
        chain: list[DOMNode] = list(focused.ancestors_with_self) if focused is not None else [self.screen, self.app]
        rank: dict[str, int] = {}
        for node in chain:
            for action in _declared(node):
                rank.setdefault(action, len(rank))
        keys.sort(key=lambda w: rank.get(w.action, len(rank)) if isinstance(w, FooterKey) else len(rank))
        pinned = [w for w in keys if isinstance(w, FooterKey) and w.action in PINNED]  # ? Help: where the rest are
        room = self.size.width - sum(_width(w) + 2 for w in palette) - sum(_width(w) for w in pinned)
        shown: list[Widget] = []
        for widget in keys:
            if widget in pinned:
                continue
            room -= _width(widget)
            if self.size.width and room < 0:
                break  # whole hints only: the help screen lists them all
            shown.append(widget)
        yield from shown
        yield from pinned
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.recompose)


def _width(widget: Widget) -> int:
    """Cells a footer key takes: " key description " (the footer's layout)."""
    if not isinstance(widget, FooterKey):
        return 20
    return cell_len(widget.key_display) + (cell_len(widget.description) + 1 if widget.description else 0) + 2
