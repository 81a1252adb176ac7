"""Plain data shared by every layer: frozen, no behaviour beyond formatting."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "lang": self.lang,
            "tags": list(self.tags),
            "body": self.body,
        }


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of one article with every place it is mentioned."""

    kind: str  # PER, ORG, LOC
    text: str  # the first mention as written
    normal: str  # dictionary form, used for grouping and search
    mentions: tuple[tuple[int, int], ...]

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "text": self.text,
            "normal": self.normal,
            "mentions": [list(m) for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class Figure:
    kind: str  # money, percent, count, quantity, date
    text: str
    value: float | int | str
    unit: str
    start: int
    end: int

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "start": self.start,
            "end": self.end,
        }


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
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "bookmarked": self.bookmarked,
            "read": self.read,
        }


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
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "bookmarked": True,
            "read": self.read,
            "bookmarked_at": self.bookmarked_at,
            "note": self.note,
            "missing": self.missing,
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    title: str
    date: str
    source: str
    score: float
    snippet: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "score": round(self.score, 4),
            "snippet": self.snippet,
        }


@dataclass(frozen=True, slots=True)
class Warning_:
    """Something wrong with one file, said once."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class RefreshReport:
    seen: int = 0
    read: int = 0
    removed: int = 0
    warnings: list[Warning_] = field(default_factory=list)
