"""Messages that more than one widget shares."""

from __future__ import annotations

from textual.message import Message

from reader.model import Entity


class ArticleOpened(Message):
    def __init__(self, rowid: int) -> None:
        super().__init__()
        self.rowid = rowid


class EntityChosen(Message):
    """Jump to an entity's mentions (``filter``: list every article with it)."""

    def __init__(self, entity: Entity, filter: bool = False) -> None:
        super().__init__()
        self.entity = entity
        self.filter = filter


class FigureChosen(Message):
    def __init__(self, start: int, end: int) -> None:
        super().__init__()
        self.start = start
        self.end = end


class EntityPageWanted(Message):
    """Open the page of a name (``kind``: PER, ORG or LOC)."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__()
        self.name = name
        self.kind = kind
