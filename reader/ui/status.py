"""The status line under the list: how many articles are shown, and what runs in the background."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    """Parts, each said by one kind of work (the count, indexing, fetching,
    entities); an empty part is left out."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.parts = {"count": "", "index": "", "fetch": "", "entities": ""}

    def set(self, **parts: str) -> None:
        self.parts.update(parts)
        self.update(Text(" · ".join(p for p in self.parts.values() if p), style="dim"))
