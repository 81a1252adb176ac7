"""``state.db``: what the user made (bookmarks, notes, read state, sources, feeds), never rebuilt, only migrated."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.model import Bookmark, ListRow
from reader.store.db import Kept, copy_into, now

STATE_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bookmarks(id TEXT PRIMARY KEY, bookmarked_at TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
                           title TEXT NOT NULL, date TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL);
    CREATE TABLE reads(id TEXT PRIMARY KEY, read_at TEXT NOT NULL);
    """,
    """
    CREATE TABLE sources(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL UNIQUE,
                         name TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]', added_at TEXT NOT NULL,
                         settings TEXT NOT NULL DEFAULT '{}');
    """,
    # A feed's location is the URL it was subscribed with (its items' ids
    # hang on it); what it is fetched from and what the last fetch said:
    """
    CREATE TABLE feeds(source INTEGER PRIMARY KEY, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
                       last_fetch TEXT, status INTEGER, error TEXT, items INTEGER NOT NULL DEFAULT 0);
    """,
    # Saved searches (reader.store.searches): a named query, which may raise
    # alerts after a fetch or hide what it matches everywhere else.
    """
    CREATE TABLE searches(name TEXT PRIMARY KEY, query TEXT NOT NULL, alert INTEGER NOT NULL DEFAULT 0,
                          mute INTEGER NOT NULL DEFAULT 0, added_at TEXT NOT NULL);
    """,
)

# What each search filter keeps (SPEC §5); ``a`` is the articles table.


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    kind: str
    location: str
    name: str
    tags: tuple[str, ...]
    settings: dict[str, object]


@dataclass(frozen=True, slots=True)
class FeedRow:
    """A feed source with what its last fetch said."""

    source: SourceRow
    url: str
    etag: str | None
    last_modified: str | None
    last_fetch: str | None
    status: int | None
    error: str | None
    items: int


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one fetch of a feed said, to keep."""

    key: str
    url: str
    etag: str | None
    last_modified: str | None
    status: int | None
    error: str | None
    items: int | None  # None: keep the count stored before (a 304, an error)
    name: str | None  # the feed's own title, for a feed not named by the user


class State(Kept):
    """``state.db``: bookmarks, read state and sources, keyed by article id
    and location."""

    MIGRATIONS = STATE_MIGRATIONS
    FILE = "state.db"

    @classmethod
    def memory(cls, copy_of: Path | None, warn: Callable[[str], None]) -> tuple[State, str]:
        """A copy in memory (a read-only data dir: the file is only read),
        shared by name so that an index can attach it; returns it and that name."""
        uri = f"file:reader-state-{os.getpid()}-{id(copy_of)}-{time.monotonic_ns()}?mode=memory&cache=shared"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        if copy_of is not None and copy_of.exists():
            try:
                copy_into(copy_of, conn)
            except sqlite3.DatabaseError as error:
                warn(f"{copy_of}: cannot be read ({error})")
        cls.migrate(conn)
        return cls(conn, None), uri

    # -- bookmarks and read state ----------------------------------------------

    def remove_bookmark(self, article_id: str) -> bool:
        with self.write() as tx:
            return tx.execute("DELETE FROM bookmarks WHERE id=?", (article_id,)).rowcount > 0

    def add_bookmark(self, article: ListRow, note: str | None = None) -> None:
        with self.write() as tx:
            tx.execute(
                "INSERT INTO bookmarks(id, bookmarked_at, note, title, date, source, url) VALUES (?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET title=excluded.title, date=excluded.date, source=excluded.source,"
                " url=excluded.url, note=coalesce(?, note)",
                (article.id, now(), note or "", article.title, article.date, article.source, article.url, note),
            )

    def import_bookmarks(self, items: Iterable[Bookmark]) -> int:
        """Merge bookmarks; an id already here keeps its own record. Returns
        how many were new."""
        added = 0
        with self.write() as tx:
            for b in items:
                cursor = tx.execute(
                    "INSERT OR IGNORE INTO bookmarks(id, bookmarked_at, note, title, date, source, url) VALUES (?,?,?,?,?,?,?)",
                    (b.id, b.bookmarked_at, b.note, b.title, b.date, b.source, b.url),
                )
                added += cursor.rowcount
        return added

    def set_note(self, article_id: str, note: str) -> bool:
        with self.write() as tx:
            return tx.execute("UPDATE bookmarks SET note=? WHERE id=?", (note, article_id)).rowcount > 0

    def is_bookmarked(self, article_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM bookmarks WHERE id=?", (article_id,)))

    def note_of(self, article_id: str) -> str:
        rows = self._rows("SELECT note FROM bookmarks WHERE id=?", (article_id,))
        return str(rows[0][0]) if rows else ""

    def bookmarks(self) -> list[tuple[str, str, str, str, str, str, str, bool]]:
        return self._rows(  # type: ignore[return-value]
            "SELECT b.id, b.title, b.date, b.source, b.url, b.note, b.bookmarked_at, r.id IS NOT NULL"
            " FROM bookmarks b LEFT JOIN reads r ON r.id=b.id ORDER BY b.bookmarked_at DESC, b.id"
        )

    def set_read(self, article_ids: Sequence[str], read: bool) -> None:
        with self.write() as tx:
            if read:
                stamp = now()
                tx.executemany("INSERT OR IGNORE INTO reads VALUES (?,?)", [(i, stamp) for i in article_ids])
            else:
                tx.executemany("DELETE FROM reads WHERE id=?", [(i,) for i in article_ids])

    def is_read(self, article_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM reads WHERE id=?", (article_id,)))

    # -- sources ----------------------------------------------------------------

    def sources(self) -> list[SourceRow]:
        rows = self._rows("SELECT id, kind, location, name, tags, settings FROM sources ORDER BY id")
        return [_source(row) for row in rows]

    def feeds(self) -> list[FeedRow]:
        rows = self._rows(
            "SELECT s.id, s.kind, s.location, s.name, s.tags, s.settings, f.url, f.etag, f.last_modified, f.last_fetch,"
            " f.status, f.error, f.items FROM sources s JOIN feeds f ON f.source=s.id ORDER BY s.id"
        )
        return [FeedRow(_source(r[:6]), str(r[6]), r[7], r[8], r[9], r[10], r[11], int(r[12])) for r in rows]  # type: ignore[arg-type, call-overload]

    def add_source(self, kind: str, location: str, name: str, tags: Sequence[str] = (), settings: dict[str, object] | None = None) -> bool:
        """Add a source unless its location is known (a feed: with its URL to
        fetch, first the same; nor when another feed has moved to that URL);
        returns whether it was new."""
        with self.write() as tx:
            if kind == "feed" and tx.execute("SELECT 1 FROM feeds WHERE url=?", (location,)).fetchone():
                return False
            cursor = tx.execute(
                "INSERT OR IGNORE INTO sources(kind, location, name, tags, added_at, settings) VALUES (?,?,?,?,?,?)",
                (kind, location, name, json.dumps(list(tags), ensure_ascii=False), now(), json.dumps(settings or {})),
            )
            if cursor.rowcount and kind == "feed":
                tx.execute("INSERT INTO feeds(source, url) VALUES (?,?)", (cursor.lastrowid, location))
            return cursor.rowcount > 0

    def remove_source(self, location: str) -> bool:
        with self.write() as tx:
            tx.execute("DELETE FROM feeds WHERE source IN (SELECT id FROM sources WHERE location=?)", (location,))
            return tx.execute("DELETE FROM sources WHERE location=?", (location,)).rowcount > 0

    def change_settings(self, location: str, changes: dict[str, object]) -> bool:
        """Merge ``changes`` into a source's settings (a None removes the
        setting); returns whether there was such a source."""
        with self.write() as tx:
            cursor = tx.execute("UPDATE sources SET settings=json_patch(settings, ?) WHERE location=?", (json.dumps(changes), location))
            return cursor.rowcount > 0

    def bookmarked(self) -> frozenset[str]:
        """The ids of every bookmarked article."""
        return frozenset(str(i) for (i,) in self._rows("SELECT id FROM bookmarks"))

    def record_fetches(self, results: Iterable[Fetched]) -> None:
        """Keep what each fetch said (and a feed's own title as its name while
        the user has given it none)."""
        stamp = now()
        with self.write() as tx:
            for r in results:
                tx.execute(
                    "UPDATE feeds SET url=?, etag=?, last_modified=?, last_fetch=?, status=?, error=?, items=coalesce(?, items)"
                    " WHERE source=(SELECT id FROM sources WHERE location=?)",
                    (r.url, r.etag, r.last_modified, stamp, r.status, r.error, r.items, r.key),
                )
                if r.name:
                    tx.execute("UPDATE sources SET name=? WHERE location=? AND json_extract(settings, '$.named') IS NOT 1", (r.name, r.key))


def _source(row: Sequence[object]) -> SourceRow:
    i, kind, location, name, tags, settings = row
    return SourceRow(int(i), str(kind), str(location), str(name), tuple(json.loads(str(tags))), json.loads(str(settings)))  # type: ignore[call-overload]
