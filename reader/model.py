"""Plain data shared by every layer: frozen, no behaviour beyond formatting."""

from __future__ import annotations

import errno
import shutil
from array import array
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Protocol

from reader.sanitize import clean_line


class ReaderError(Exception):
    """Anything wrong to tell the user in one line (a file, the store, a source)."""


FULL_BELOW_BYTES = 1 << 20  # an I/O error with less than this free on the data dir's file system is a full disk
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


class DiskFull(ReaderError):
    """The file system of the data dir has no room left: a write was not made (whole or not at all)."""

    def __init__(self, where: Path, then: str = "") -> None:
        self.where = where
        super().__init__(f"the disk is full ({where})" + (f": {then}" if then else ""))


def is_disk_full(error: BaseException, where: Path) -> bool:
    """Whether an error (an ``OSError``, an SQLite error) means the disk is
    full. SQLite says so as SQLITE_FULL, or, when it cannot size its
    shared-memory file, as an I/O error: then the free space on ``where`` decides."""
    if isinstance(error, DiskFull) or (isinstance(error, OSError) and error.errno in _FULL_ERRNOS):
        return True
    name = getattr(error, "sqlite_errorname", None) or ""
    if name.startswith("SQLITE_FULL"):
        return True
    if name.startswith("SQLITE_IOERR"):
        try:
            return shutil.disk_usage(where).free < FULL_BELOW_BYTES
        except OSError:
            return False
    return False


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
class Snippet:
    """A window of an article's text, and where the query's words stand in it
    (character offsets into ``text``, end exclusive): the text itself is never
    read for marks, so an article's own ``**`` stays literal."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    title: str
    date: str
    source: str
    score: float
    snippet: str
    marks: tuple[tuple[int, int], ...] = ()  # the query's words in ``snippet``

    def as_json(self) -> dict[str, object]:
        # BM25 scores are small: keep their digits. The marks are for the terminal (SPEC §6.3 keeps its keys).
        return _json(self, drop=("marks",), score=float(f"{self.score:.6g}"))


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
class Exported:
    """What ``reader export --markdown`` wrote."""

    items: int
    feeds: int
    target: Path


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
    full: bool = False  # the disk filled up: what was read in the batch in hand is not in the index
