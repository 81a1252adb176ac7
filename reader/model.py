"""Plain data shared by every layer: frozen, no behaviour beyond formatting."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, fields
from typing import Protocol

from reader.sanitize import clean_line


class ReaderError(Exception):
    """Anything wrong to tell the user in one line (a file, the store, a source)."""


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
    at: str = ""  # the time of day when the date gives one (UTC, ISO): orders a day's articles

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("path", "at"))


@dataclass(frozen=True, slots=True)
class Link:
    """A link in an article's text as shown: its words and where they stand."""

    text: str
    url: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Rendered:
    """An article's text as shown, with its style spans and links."""

    text: str
    spans: tuple[tuple[int, int, str], ...] = ()
    links: tuple[Link, ...] = ()


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
    story: str = ""  # the id of the story the article is in (SPEC §6.6)
    others: int = 0  # the story's other articles
    sources: int = 1  # the sources that carried the story

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("rowid", "missing", "others", "sources"))


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
    story: str = ""

    def as_json(self) -> dict[str, object]:
        return _json(self, score=float(f"{self.score:.6g}"))  # BM25 scores are small: keep their digits


@dataclass(frozen=True, slots=True)
class Story:
    """One event from many sources (SPEC §6.6): its articles earliest first,
    titled by the first; ``date`` is its newest article's."""

    story: str
    title: str
    date: str
    ids: tuple[str, ...]
    sources: tuple[str, ...]
    rowids: tuple[int, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "story": self.story,
            "title": self.title,
            "date": self.date,
            "articles": len(self.ids),
            "sources": list(self.sources),
            "ids": list(self.ids),
        }


@dataclass(frozen=True, slots=True)
class Warning_:
    """Something wrong with one file, said once."""

    path: str
    message: str

    def __str__(self) -> str:
        return clean_line(f"{self.path}: {self.message}")  # file names are untrusted text too


class Spans(Protocol):
    """Where a query's words stand in a text."""

    def spans(self, text: str) -> list[tuple[int, int]]: ...


@dataclass(frozen=True, slots=True)
class Found:
    """What a query found: rowids best first, or the error in the query."""

    rowids: array[int]
    error: str | None = None
    scores: dict[int, float] = field(default_factory=dict)
    matcher: Spans | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One source of the library: a folder (or a single file) or a feed."""

    kind: str  # folder, feed
    name: str
    location: str  # absolute path or URL
    articles: int = 0
    unread: int = 0
    error: str | None = None
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("tags",))


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A subscription and what its last fetch said (SPEC §6.5)."""

    name: str
    url: str
    tags: tuple[str, ...]
    last_fetch: str | None
    status: int | None
    error: str | None
    items: int
    unread: int

    def as_json(self) -> dict[str, object]:
        return _json(self)


@dataclass(slots=True)
class FetchReport:
    """What one ``reader fetch`` did (SPEC §6.5)."""

    feeds: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    new: int = 0
    updated: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("warnings",))


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import of subscriptions did."""

    added: int
    known: int
    skipped: tuple[str, ...]


@dataclass(slots=True)
class RefreshReport:
    seen: int = 0
    read: int = 0
    removed: int = 0
    warnings: list[Warning_] = field(default_factory=list)
