"""Plain data shared by every layer: frozen, no behaviour beyond formatting."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from reader.text.sanitize import clean_line


def _json(record: object, drop: tuple[str, ...] = (), **changes: object) -> dict[str, object]:
    """A record's fields as JSON-ready values, less ``drop``, with ``changes`` on top."""
    out: dict[str, object] = {}
    for f in fields(record):  # type: ignore[arg-type]
        if f.name not in drop:
            value = getattr(record, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
    out.update(changes)
    return out


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    date: str
    source: str
    url: str
    lang: str
    tags: tuple[str, ...]
    body: str
    path: str

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("path",))


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of one article with every place it is mentioned."""

    kind: str  # PER, ORG, LOC
    text: str  # the first mention as written
    normal: str  # dictionary form, used for grouping and search
    mentions: tuple[tuple[int, int], ...]

    def as_json(self) -> dict[str, object]:
        return _json(self, mentions=[list(m) for m in self.mentions])


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure of one article, listed once: ``text``, ``start`` and ``end``
    are its first mention, ``mentions`` every one (the first included)."""

    kind: str  # money, percent, count, quantity, date
    text: str
    value: float | int | str
    unit: str
    start: int
    end: int
    mentions: tuple[tuple[int, int], ...] = ()

    def as_json(self) -> dict[str, object]:
        return _json(self, mentions=[list(m) for m in self.mentions or ((self.start, self.end),)])


@dataclass(frozen=True, slots=True)
class Extraction:
    entities: tuple[Entity, ...] = ()
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True, slots=True)
class ListRow:
    """What the article list shows for one article."""

    rowid: int
    id: str
    title: str
    date: str
    source: str
    url: str
    bookmarked: bool = False
    read: bool = False
    missing: bool = False

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("rowid", "missing"))


@dataclass(frozen=True, slots=True)
class Bookmark:
    id: str
    title: str
    date: str
    source: str
    url: str
    note: str
    bookmarked_at: str
    read: bool
    missing: bool

    def as_json(self) -> dict[str, object]:
        return _json(self, bookmarked=True)


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    title: str
    date: str
    source: str
    score: float
    snippet: str

    def as_json(self) -> dict[str, object]:
        return _json(self, score=round(self.score, 4))


@dataclass(frozen=True, slots=True)
class Warning_:
    """Something wrong with one file, said once."""

    path: str
    message: str

    def __str__(self) -> str:
        return clean_line(f"{self.path}: {self.message}")  # file names are untrusted text too


@dataclass(slots=True)
class RefreshReport:
    seen: int = 0
    read: int = 0
    removed: int = 0
    warnings: list[Warning_] = field(default_factory=list)
