"""``items.db``: what was fetched (feed items, kept full texts), kept like the user's state: never rebuilt, only migrated.

A feed forgets its old items, so what was fetched cannot be fetched again:
it is kept like ``state.db`` (moved aside when damaged, never replaced
while another process has it open) and ``index.db`` is derived from it.

* An item is the Markdown article with front matter it would be as a file
  (``data``), under its 16-hex id, in its feed's ``folder`` (16 hex of the
  feed's key). Its address is ``<data dir>/feeds/<folder>/<id>.md``: the
  path the index knows it by, though no such file exists. ``size`` and
  ``stamp`` play the file's size and mtime for the index's "has it
  changed?"; a rewrite always gets a later stamp. A feed's listing (id,
  size, stamp, date) is read from one covering index, not from the rows
  and their data.
* A feed's answer is stored in one transaction (:meth:`Items.put`): its new
  and changed items and what retention removes, whole or not at all, under
  a kill or a full disk.
* A kept full text (``full_texts``) is the article's page as Markdown with
  front matter, by article id (a feed's item or a file of the user's).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from reader.feeds.write import Retention, Staged, doomed
from reader.store.db import Kept, connect, transaction

ITEMS_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE items(id TEXT PRIMARY KEY, folder TEXT NOT NULL, date TEXT NOT NULL,
                       size INTEGER NOT NULL, stamp INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE INDEX items_by_folder ON items(folder, id, size, stamp, date);
    CREATE TABLE full_texts(id TEXT PRIMARY KEY, fetched TEXT NOT NULL, data BLOB NOT NULL);
    """,
    # A token drawn anew by every change to the items, whoever makes it: the
    # index knows that nothing changed since it was last in line without
    # listing them (a million items take seconds to list). Random, not a
    # count: a restored copy of this file does not pass for a later state.
    """
    CREATE TABLE changes(token INTEGER NOT NULL);
    INSERT INTO changes VALUES (random());
    CREATE TRIGGER items_inserted AFTER INSERT ON items BEGIN UPDATE changes SET token = random(); END;
    CREATE TRIGGER items_updated AFTER UPDATE ON items BEGIN UPDATE changes SET token = random(); END;
    CREATE TRIGGER items_deleted AFTER DELETE ON items BEGIN UPDATE changes SET token = random(); END;
    """,
)
Listed = tuple[str, int, int]  # an item's id, size and stamp


class Listing(NamedTuple):
    """Some folders' items, and the token of the items as they were listed
    (None from a file of an older reader, read only)."""

    token: int | None
    items: dict[str, list[Listed]]  # folder -> its items


_CHUNK = 500  # ids a statement at most (SQLite allows 32,766 variables; a few hundred keep each statement small)


class Items(Kept):
    """Feed items and kept full texts; every method one statement or one transaction."""

    MIGRATIONS = ITEMS_MIGRATIONS
    FILE = "items.db"
    SYNCHRONOUS = "NORMAL"  # in WAL, a kill loses nothing; an fsync a feed would slow a fetch of hundreds

    @classmethod
    def reader(cls, path: Path) -> Items:
        """A connection that only reads (a worker process's, a read-only data
        dir's): no schema made, no lock taken."""
        return cls(connect(f"{path.absolute().as_uri()}?mode=ro", "NORMAL"), path)

    @classmethod
    def writer(cls, path: Path) -> Items:
        """A connection that stores items (a fetch's worker process): the
        process that started it made the file and its schema."""
        return cls(connect(path, cls.SYNCHRONOUS), path)

    # -- items -------------------------------------------------------------------

    def held(self, ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """The date and data of each of ``ids`` stored already."""
        out: dict[str, tuple[str, bytes]] = {}
        for part in _chunks(ids):
            rows = self._rows(f"SELECT id, date, data FROM items WHERE id IN ({_marks(part)})", part)
            out.update((str(i), (str(d), bytes(b))) for i, d, b in rows)  # type: ignore[call-overload]
        return out

    def put(self, folder: str, staged: Sequence[Staged], keep: Retention) -> tuple[dict[str, tuple[int, int]], list[str]]:
        """A feed's answer, in one transaction: its new and changed items,
        then retention over the whole folder. Returns each written item's
        size and stamp, and the ids retention removed."""
        moment = time.time_ns()
        with self.write() as tx:
            tx.executemany(
                "INSERT INTO items(id, folder, date, size, stamp, data) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET folder=excluded.folder, date=excluded.date, size=excluded.size,"
                " stamp=max(excluded.stamp, items.stamp + 1), data=excluded.data",
                [(s.id, folder, s.date, len(s.data), moment, s.data) for s in staged],
            )
            written: dict[str, tuple[int, int]] = {}
            for part in _chunks([s.id for s in staged]):
                found = tx.execute(f"SELECT id, size, stamp FROM items WHERE id IN ({_marks(part)})", part)
                written.update((i, (size, stamp)) for i, size, stamp in found)
            removed: list[str] = []
            if keep.max_items is not None or keep.keep_days is not None:
                dated = tx.execute("SELECT date, id FROM items WHERE folder=? ORDER BY date DESC, id DESC", (folder,)).fetchall()
                removed = doomed(dated, keep)
                for part in _chunks(removed):
                    tx.execute(f"DELETE FROM items WHERE id IN ({_marks(part)})", part)
        return written, removed

    def take_in(self, folder: str, rows: Sequence[tuple[str, str, int, int, bytes]]) -> int:
        """Items moved in from files (id, date, size, mtime, data), in one
        transaction; an id here already keeps its row. How many were new."""
        with self.write() as tx:
            return tx.executemany(  # rows inserted, not counting what the triggers changed
                "INSERT OR IGNORE INTO items(id, folder, date, size, stamp, data) VALUES (?,?,?,?,?,?)",
                [(i, folder, d, size, stamp, data) for i, d, size, stamp, data in rows],
            ).rowcount

    def listing(self, folders: Sequence[str]) -> Listing:
        """Each folder's items (id, size and stamp), with the token they were listed at, read together."""
        out: dict[str, list[Listed]] = {folder: [] for folder in folders}
        with self.lock, transaction(self.conn, "BEGIN") as tx:
            for part in _chunks(list(folders)):
                for folder, i, size, stamp in tx.execute(
                    f"SELECT folder, id, size, stamp FROM items WHERE folder IN ({_marks(part)})", part
                ):
                    out[str(folder)].append((str(i), int(size), int(stamp)))
            return Listing(_token(tx), out)

    def token(self) -> int | None:
        """Drawn anew by every change to the items (see :data:`ITEMS_MIGRATIONS`)."""
        with self.lock:
            return _token(self.conn)

    def data(self, item_id: str) -> bytes | None:
        rows = self._rows("SELECT data FROM items WHERE id=?", (item_id,))
        return bytes(rows[0][0]) if rows else None  # type: ignore[call-overload]

    def data_known(self, item_id: str) -> tuple[bytes, tuple[int, int]] | None:
        """An item's data with its size and stamp, read together."""
        rows = self._rows("SELECT data, size, stamp FROM items WHERE id=?", (item_id,))
        return (bytes(rows[0][0]), (int(rows[0][1]), int(rows[0][2]))) if rows else None  # type: ignore[call-overload]

    def remove_folder(self, folder: str, keep: frozenset[str]) -> tuple[int, int]:
        """A feed's items gone (it was unsubscribed), with their kept full
        texts, in one transaction; the ids in ``keep`` (bookmarks) stay.
        Returns how many went and how many stayed."""
        with self.write() as tx:
            ids = [str(i) for (i,) in tx.execute("SELECT id FROM items WHERE folder=?", (folder,))]
            going = [i for i in ids if i not in keep]
            for part in _chunks(going):
                tx.execute(f"DELETE FROM items WHERE id IN ({_marks(part)})", part)
                tx.execute(f"DELETE FROM full_texts WHERE id IN ({_marks(part)})", part)
        return len(going), len(ids) - len(going)

    def folder_of(self, item_id: str) -> str | None:
        """The folder an item is kept in, if it is kept."""
        rows = self._rows("SELECT folder FROM items WHERE id=?", (item_id,))
        return str(rows[0][0]) if rows else None  # type: ignore[call-overload]

    def holding(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are kept."""
        out: set[str] = set()
        for part in _chunks(ids):
            out.update(str(i) for (i,) in self._rows(f"SELECT id FROM items WHERE id IN ({_marks(part)})", part))
        return out

    def folders(self) -> list[str]:
        return [str(f) for (f,) in self._rows("SELECT DISTINCT folder FROM items ORDER BY folder")]

    def ids(self, folder: str) -> list[str]:
        """A folder's items' ids, in order."""
        return [str(i) for (i,) in self._rows("SELECT id FROM items WHERE folder=? ORDER BY id", (folder,))]

    def count(self) -> int:
        return self._int("SELECT count(*) FROM items")

    # -- kept full texts -----------------------------------------------------------

    def full_text(self, article_id: str) -> tuple[str, bytes] | None:
        """When a kept full text was fetched, and its Markdown with front matter."""
        try:
            rows = self._rows("SELECT fetched, data FROM full_texts WHERE id=?", (article_id,))
        except sqlite3.OperationalError:  # a data dir of an older reader, read only: no such table yet
            return None
        return (str(rows[0][0]), bytes(rows[0][1])) if rows else None  # type: ignore[call-overload]

    def keep_full_text(self, article_id: str, fetched: str, data: bytes, replace: bool = True) -> int:
        """Keep a full text (``replace``: over one kept before, else that one
        stays); 1 when it was written."""
        with self.write() as tx:
            verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
            return tx.execute(f"{verb} INTO full_texts(id, fetched, data) VALUES (?,?,?)", (article_id, fetched, data)).rowcount


def _token(conn: sqlite3.Connection) -> int | None:
    try:
        return int(conn.execute("SELECT token FROM changes").fetchone()[0])
    except sqlite3.OperationalError:  # a file of an older reader, read only: no such table yet
        return None


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(part: Sequence[str]) -> str:
    return ",".join("?" * len(part))
