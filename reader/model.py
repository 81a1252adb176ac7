"""Plain data shared by every layer: frozen, no behaviour beyond formatting."""

from __future__ import annotations

import errno
import re
import shutil
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Protocol

from reader.sanitize import clean_line


class ReaderError(Exception):
    """Anything wrong to tell the user in one line (a file, the store, a source)."""


class FeedUnavailable(ReaderError):
    """A feed that cannot be had now (an error answer, no answer, no feed
    there), at a URL that could be fetched: it may be subscribed all the same."""


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


# Scripts written without spaces between words, with about how many of their
# characters make a word (Han and kana: two; Thai, Lao, Myanmar, Khmer: four),
# and their punctuation, which is no word.
_UNSPACED = (
    (re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"), 2),
    (re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"), 4),
    (re.compile(r"[\u3000-\u303f\uff00-\uffef]"), 0),
)


def word_count(text: str) -> int:
    """How many words ``text`` holds: words between spaces, and for scripts
    without spaces (Chinese, Japanese, Thai…) their characters, so many to a word."""
    count = 0.0
    for pattern, per_word in _UNSPACED:
        text, found = pattern.subn(" ", text)
        count += found / per_word if per_word else 0
    return round(count + len(text.split()))


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
    sentences: tuple[tuple[int, int], ...] = ()  # (start, end) of each sentence where entities were looked for


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
    story: str = ""

    def as_json(self) -> dict[str, object]:
        # BM25 scores are small: keep their digits. The marks are for the terminal (SPEC §6.3 keeps its keys).
        return _json(self, drop=("marks",), score=float(f"{self.score:.6g}"))


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


# The note on a fetched item that came with no date (or none that can be
# true, such as 0001-01-01), and how it is told of one or of many items.
UNDATED = "no date; the time it was first seen is used"
_TOLD = {UNDATED: ("had no date; the time it was first seen is used", "had no date; the time they were first seen is used")}


def summarise(notes: Iterable[str] | Mapping[str, int], noun: str = "item") -> list[str]:
    """Notes on many items (or files), or how many carry each, one line a
    kind, most first: «36 items had no date; the time they were first seen is used»."""
    lines = []
    for note, count in Counter(notes).most_common():
        items = f"{count:,} {noun}{'' if count == 1 else 's'}"
        lines.append(f"{items} {_TOLD[note][count != 1]}" if note in _TOLD else clean_line(f"{items}: {note}"))
    return lines


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
    warnings: tuple[str, ...] = ()  # routine notes on its items or files, summed up (:func:`summarise`)

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("tags", "warnings"))


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
    warnings: tuple[str, ...] = ()  # routine notes on its items, summed up (:func:`summarise`)
    max_items: int | None = None  # retention (None: no limit)
    keep_days: int | None = None
    full_text: bool = False  # the full article of every new item is fetched

    def as_json(self) -> dict[str, object]:
        return _json(self)


@dataclass(frozen=True, slots=True)
class Removed:
    """A source removed; for a feed, its items removed from ``items.db`` and
    the bookmarked ones kept there."""

    kind: str
    name: str
    location: str
    items: int = 0
    kept: int = 0


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
    alerts: list[dict[str, object]] = field(default_factory=list)  # Alert.as_json() of each alerting search
    notes: list[Warning_] = field(default_factory=list)  # routine facts about fetched items, kept with their feeds

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("warnings", "notes"))


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
    notes: list[Warning_] = field(default_factory=list)  # routine facts about fetched items
    full: bool = False  # the disk filled up: what was read in the batch in hand is not in the index


@dataclass(frozen=True, slots=True)
class NameCount:
    """A name and how many articles it is in (a co-mention on an entity page)."""

    name: str
    kind: str
    count: int

    def as_json(self) -> dict[str, object]:
        return _json(self)


@dataclass(frozen=True, slots=True)
class SaidFigure:
    """A figure said in a sentence that mentions a name: its article's date and id."""

    date: str
    id: str
    text: str
    value: float | int | str
    unit: str
    kind: str

    def as_json(self) -> dict[str, object]:
        return _json(self)


@dataclass(frozen=True, slots=True)
class EntityPage:
    """An entity's page (SPEC §6.6): its articles (``rowids``, newest first,
    as the matching ``person:``/``org:``/``place:`` search finds them), their
    count a day, the names met with it most, the figures said about it."""

    name: str
    kind: str
    query: str  # the search that finds its articles
    rowids: array[int]
    first: str
    last: str
    timeline: tuple[tuple[str, int], ...]
    co_mentions: tuple[NameCount, ...]
    figures: tuple[SaidFigure, ...]

    @property
    def span(self) -> str:
        """When it was mentioned, in words: «on D» for one day, «D to D» for more."""
        return f"on {self.first}" if self.first == self.last else f"{self.first} to {self.last}"

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "articles": len(self.rowids),
            "first": self.first,
            "last": self.last,
            "timeline": [{"date": d, "count": n} for d, n in self.timeline],
            "co_mentions": [c.as_json() for c in self.co_mentions],
            "figures": [f.as_json() for f in self.figures],
        }


@dataclass(frozen=True, slots=True)
class Trend:
    """A name whose share of articles rose: articles with it in the recent
    days and in the baseline days before, the score it is ranked by, and its
    articles a day over both windows (oldest first), for a sparkline."""

    name: str
    kind: str
    recent: int
    baseline: int
    score: float
    series: tuple[int, ...] = ()

    def as_json(self) -> dict[str, object]:
        return _json(self, drop=("series",), score=round(self.score, 3))


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query (SPEC §12) and how many articles it matches now."""

    name: str
    query: str
    alert: bool = False
    mute: bool = False
    articles: int = 0
    unread: int = 0

    def as_json(self) -> dict[str, object]:
        return _json(self)


@dataclass(frozen=True, slots=True)
class Alert:
    """An alerting search that matched articles new in a fetch: their ids
    and titles, newest first."""

    search: str
    new: tuple[str, ...]
    titles: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return _json(self)

    @classmethod
    def of(cls, data: dict[str, object]) -> Alert:
        """An alert back from its JSON (a worker process's report)."""
        new, titles = data.get("new"), data.get("titles")
        return cls(
            str(data.get("search", "")),
            tuple(map(str, new)) if isinstance(new, list) else (),
            tuple(map(str, titles)) if isinstance(titles, list) else (),
        )
