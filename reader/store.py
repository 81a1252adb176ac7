"""SQLite storage (SPEC §7): ``index.db``, rebuilt at will from the article
files, and ``state.db``, the user's own bookmarks and read state, which is
never rebuilt, only migrated.

Both are in WAL mode with a busy timeout, and every write is one
``BEGIN IMMEDIATE`` transaction, so two processes on one data dir serialise
their writes instead of failing on a locked database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from reader.model import Article, Bookmark, ListRow
from reader.text import lemmas

INDEX_VERSION = f"index-5/{lemmas.VERSION}"
BUSY_TIMEOUT_S = 30.0
QUICK_CHECK_MAX_BYTES = 32 * 2**20
T = TypeVar("T")

INDEX_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                   hash TEXT NOT NULL, article INTEGER, note TEXT);
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, path TEXT NOT NULL, title TEXT NOT NULL,
    date TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, lang TEXT NOT NULL,
    tags TEXT NOT NULL, hash TEXT NOT NULL,
    source_key TEXT NOT NULL, tags_key TEXT NOT NULL, extracted TEXT);
-- Bodies apart, so that a scan of the metadata (source:, tag:) stays small.
CREATE TABLE bodies(rowid INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE INDEX articles_by_date ON articles(date DESC, rowid DESC);
CREATE INDEX articles_by_id ON articles(id);
CREATE INDEX articles_to_extract ON articles(extracted, rowid);
-- Narrow covering indexes: the filters scan these, not the table.
CREATE INDEX articles_by_lang ON articles(lang);
CREATE INDEX articles_by_source ON articles(source_key);
CREATE INDEX articles_by_tags ON articles(tags_key);
CREATE VIRTUAL TABLE fts USING fts5(title, body, meta, content='', prefix='1 2 3',
                                    tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE efts USING fts5(ents, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE extractions(hash TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL,
                         PRIMARY KEY(hash, version)) WITHOUT ROWID;
"""

STATE_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bookmarks(id TEXT PRIMARY KEY, bookmarked_at TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
                           title TEXT NOT NULL, date TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL);
    CREATE TABLE reads(id TEXT PRIMARY KEY, read_at TEXT NOT NULL);
    """,
)


class StoreError(Exception):
    """A storage fault to tell the user about in one line."""


class CorruptDatabase(StoreError):
    pass


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _connect(path: Path | str, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    return conn


def _looks_intact(path: Path, conn: sqlite3.Connection) -> str | None:
    """Why the file is damaged, or None. Cheap: a header read, a size check,
    and an integrity check only on small files."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        size = path.stat().st_size
        wal = Path(f"{path}-wal")
        if not (wal.exists() and wal.stat().st_size) and pages * page_size > size:
            return "the file is truncated"
        if size <= QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"integrity check failed: {result}"
    except sqlite3.DatabaseError as error:
        return str(error)
    return None


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statements one by one: ``executescript`` would commit the transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class _Db:
    """A connection shared by threads, one statement sequence at a time."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path  # None: in memory
        self.lock = threading.RLock()
        self._writes = 0  # own commits, which PRAGMA data_version does not count

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction, committed on leaving, rolled
        back on any error."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            self._writes += 1


@dataclass(frozen=True, slots=True)
class FileState:
    size: int
    mtime_ns: int
    hash: str
    article: int | None


@dataclass(frozen=True, slots=True)
class Indexed:
    """A parsed article with its normal forms, ready to be written."""

    article: Article
    hash: str
    title_norm: str
    body_norm: str
    meta_norm: str


def normalise(article: Article) -> tuple[str, str, str]:
    meta = " ".join((article.source, *article.tags))
    lang = article.lang  # each language stemmed with its own stemmer
    return lemmas.normalise_text(article.title, lang), lemmas.normalise_text(article.body, lang), lemmas.normalise_text(meta, lang)


class Index(_Db):
    """``index.db``: articles, full-text index, entity cache."""

    @classmethod
    def open(cls, path: Path | None, warn: Callable[[str], None]) -> Index:
        """Open (or create) the index; a damaged or foreign one is rebuilt with
        one warning. ``path=None`` keeps it in memory."""
        if path is None:
            memory = _connect(":memory:", "OFF")
            _run_script(memory, INDEX_SCHEMA)
            memory.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
            return cls(memory, None)
        existed = path.exists()
        problem = None
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect(path, "NORMAL")
            problem = _looks_intact(path, conn) if existed else None
            if problem is None:
                version = cls._version(conn)
                if version is None:
                    with _Db(conn).write() as tx:
                        _run_script(tx, INDEX_SCHEMA)
                        tx.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
                elif version != INDEX_VERSION:
                    problem = f"it was built by another version ({version})"
        except sqlite3.DatabaseError as error:
            problem = str(error)
        if problem is None and conn is not None:
            return cls(conn, path)
        if conn is not None:
            conn.close()
        warn(f"{path}: {problem}; rebuilding it from the article files")
        _remove_db(path)
        return cls.open(path, warn)

    @staticmethod
    def _version(conn: sqlite3.Connection) -> str | None:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            if tables:
                return "unknown"
            return None
        row = conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return str(row[0]) if row else "unknown"

    def attach_state(self, path: Path | str) -> None:
        with self.lock:
            self.conn.execute("ATTACH DATABASE ? AS state", (str(path),))

    # -- files and articles -------------------------------------------------

    def files(self) -> dict[str, FileState]:
        rows = self.query("SELECT path, size, mtime_ns, hash, article FROM files")
        return {str(p): FileState(int(s), int(m), str(h), a if a is None else int(a)) for p, s, m, h, a in rows}  # type: ignore[call-overload]

    def notes(self) -> list[tuple[str, str]]:
        return [(str(p), str(n)) for p, n in self.query("SELECT path, note FROM files WHERE note IS NOT NULL ORDER BY path")]

    def apply(
        self,
        stat: dict[str, tuple[int, int]],
        indexed: Iterable[tuple[str, Indexed | None, str, str | None]],
        touched: Iterable[str] = (),
        removed: Iterable[str] = (),
    ) -> None:
        """Write one batch in one transaction. ``indexed``: (path, article or
        None when unloadable, hash, note)."""
        with self.write() as tx:
            for path in removed:
                self._drop_file(tx, path)
            for path in touched:
                size, mtime = stat[path]
                tx.execute("UPDATE files SET size=?, mtime_ns=? WHERE path=?", (size, mtime, path))
            for path, item, digest, note in indexed:
                self._drop_file(tx, path)
                rowid = None if item is None else self._insert(tx, item)
                size, mtime = stat[path]
                tx.execute("INSERT INTO files VALUES (?,?,?,?,?,?)", (path, size, mtime, digest, rowid, note))

    def _insert(self, tx: sqlite3.Connection, item: Indexed) -> int:
        a = item.article
        tags_key = "\x1f" + "\x1f".join(lemmas.fold(t) for t in a.tags) + "\x1f"
        cursor = tx.execute(
            "INSERT INTO articles(id, path, title, date, source, url, lang, tags, hash, source_key, tags_key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.id,
                a.path,
                a.title,
                a.date,
                a.source,
                a.url,
                a.lang,
                json.dumps(a.tags, ensure_ascii=False),
                item.hash,
                lemmas.fold(a.source),
                tags_key,
            ),
        )
        rowid = int(cursor.lastrowid or 0)
        tx.execute("INSERT INTO bodies(rowid, body) VALUES (?,?)", (rowid, a.body))
        tx.execute("INSERT INTO fts(rowid, title, body, meta) VALUES (?,?,?,?)", (rowid, item.title_norm, item.body_norm, item.meta_norm))
        return rowid

    def _drop_file(self, tx: sqlite3.Connection, path: str) -> None:
        row = tx.execute("SELECT article FROM files WHERE path=?", (path,)).fetchone()
        if row is None:
            return
        if row[0] is not None:
            article = self._article(tx, int(row[0]))
            if article is not None:
                title, body, meta = normalise(article)
                tx.execute("INSERT INTO fts(fts, rowid, title, body, meta) VALUES ('delete',?,?,?,?)", (row[0], title, body, meta))
            tx.execute("DELETE FROM efts WHERE rowid=?", (row[0],))
            tx.execute("DELETE FROM articles WHERE rowid=?", (row[0],))
            tx.execute("DELETE FROM bodies WHERE rowid=?", (row[0],))
        tx.execute("DELETE FROM files WHERE path=?", (path,))

    @staticmethod
    def _article(conn: sqlite3.Connection, rowid: int) -> Article | None:
        row = conn.execute(
            "SELECT id, title, date, source, url, lang, tags, body, path FROM articles JOIN bodies USING (rowid) WHERE rowid=?", (rowid,)
        ).fetchone()
        if row is None:
            return None
        id_, title, date, source, url, lang, tags, body, path = row
        return Article(id_, title, date, source, url, lang, tuple(json.loads(tags)), body, path)

    def article(self, rowid: int) -> Article | None:
        with self.lock:
            return self._article(self.conn, rowid)

    def rowid_of(self, article_id: str) -> int | None:
        rows = self.query("SELECT rowid FROM articles WHERE id=? ORDER BY rowid LIMIT 1", (article_id,))
        return int(rows[0][0]) if rows else None  # type: ignore[call-overload]

    def rowid_of_path(self, path: str) -> int | None:
        rows = self.query("SELECT article FROM files WHERE path=?", (path,))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None  # type: ignore[call-overload]

    def count(self) -> int:
        return int(self.query("SELECT count(*) FROM articles")[0][0])  # type: ignore[call-overload]

    def generation(self) -> int:
        """Changes whenever any connection commits a change to the index."""
        return int(self.query("PRAGMA data_version")[0][0]) + self._writes  # type: ignore[call-overload]

    def ordered(self) -> array[int]:
        """Every rowid, newest first."""
        with self.lock:
            return array("q", (r[0] for r in self.conn.execute("SELECT rowid FROM articles ORDER BY date DESC, rowid DESC")))

    def rows(self, rowids: Sequence[int], state: bool) -> dict[int, ListRow]:
        """List rows for these rowids (with bookmark and read flags when
        ``state`` is attached)."""
        if not rowids:
            return {}
        marks = ", b.id IS NOT NULL, r.id IS NOT NULL" if state else ", 0, 0"
        joins = " LEFT JOIN state.bookmarks b ON b.id=a.id LEFT JOIN state.reads r ON r.id=a.id" if state else ""
        sql = f"SELECT a.rowid, a.id, a.title, a.date, a.source, a.url{marks} FROM articles a{joins} WHERE a.rowid IN ({','.join('?' * len(rowids))})"
        return {int(r[0]): ListRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7])) for r in self.query(sql, list(rowids))}  # type: ignore[call-overload, arg-type]

    # -- entities -----------------------------------------------------------

    def cached_extraction(self, digest: str, version: str) -> str | None:
        rows = self.query("SELECT data FROM extractions WHERE hash=? AND version=?", (digest, version))
        return str(rows[0][0]) if rows else None

    def to_extract(self, version: str, limit: int, part: int = 0, parts: int = 1) -> list[int]:
        """Rowids still to extract; ``part`` of ``parts`` splits the work
        between processes without overlap."""
        rows = self.query(
            "SELECT rowid FROM articles WHERE extracted IS NOT ? AND rowid % ? = ? ORDER BY rowid LIMIT ?", (version, parts, part, limit)
        )
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    def pending_extraction(self, version: str) -> int:
        return int(self.query("SELECT count(*) FROM articles WHERE extracted IS NOT ?", (version,))[0][0])  # type: ignore[call-overload]

    def store_extractions(self, version: str, items: Iterable[tuple[int, str, str, str]]) -> None:
        """(rowid, text hash, extraction JSON, entity tokens) for each article."""
        with self.write() as tx:
            for rowid, digest, data, tokens in items:
                tx.execute("INSERT OR REPLACE INTO extractions VALUES (?,?,?)", (digest, version, data))
                tx.execute("DELETE FROM efts WHERE rowid=?", (rowid,))
                tx.execute("INSERT INTO efts(rowid, ents) VALUES (?,?)", (rowid, tokens))
                tx.execute("UPDATE articles SET extracted=? WHERE rowid=?", (version, rowid))


class State(_Db):
    """``state.db``: bookmarks and read state, keyed by article id."""

    @classmethod
    def open(cls, path: Path | None, warn: Callable[[str], None]) -> State:
        """Open (or create) the state; a damaged file is moved aside, never
        overwritten, and a new one started."""
        if path is None:
            memory = _connect(":memory:", "FULL")
            cls.migrate(memory)
            return cls(memory, None)
        existed = path.exists() and path.stat().st_size > 0
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect(path, "FULL")
            problem = _looks_intact(path, conn) if existed else None
        except sqlite3.DatabaseError as error:
            problem = str(error)
        if problem is not None or conn is None:
            if conn is not None:
                conn.close()
            aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                side = Path(f"{path}{suffix}")
                if side.exists():
                    os.replace(side, f"{aside}{suffix}")
            warn(f"{path}: {problem}; kept aside as {aside.name}, starting a new one")
            conn = _connect(path, "FULL")
        cls.migrate(conn)
        return cls(conn, path)

    @staticmethod
    def migrate(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(STATE_MIGRATIONS):
            raise StoreError(f"state.db was written by a newer reader (schema {version}); not touching it")
        if version == len(STATE_MIGRATIONS):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(STATE_MIGRATIONS[version:], start=version + 1):
                _run_script(conn, script)
                conn.execute(f"PRAGMA user_version={number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def remove_bookmark(self, article_id: str) -> None:
        with self.write() as tx:
            tx.execute("DELETE FROM bookmarks WHERE id=?", (article_id,))

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
        return bool(self.query("SELECT 1 FROM bookmarks WHERE id=?", (article_id,)))

    def note_of(self, article_id: str) -> str:
        rows = self.query("SELECT note FROM bookmarks WHERE id=?", (article_id,))
        return str(rows[0][0]) if rows else ""

    def bookmarks(self) -> list[tuple[str, str, str, str, str, str, str, bool]]:
        return self.query(  # type: ignore[return-value]
            "SELECT b.id, b.title, b.date, b.source, b.url, b.note, b.bookmarked_at, r.id IS NOT NULL"
            " FROM bookmarks b LEFT JOIN reads r ON r.id=b.id ORDER BY b.bookmarked_at DESC, b.id"
        )

    def set_read(self, article_id: str, read: bool) -> None:
        with self.write() as tx:
            if read:
                tx.execute("INSERT OR IGNORE INTO reads VALUES (?,?)", (article_id, now()))
            else:
                tx.execute("DELETE FROM reads WHERE id=?", (article_id,))

    def is_read(self, article_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM reads WHERE id=?", (article_id,)))


def retry_locked(action: Callable[[], T], attempts: int = 5) -> T:
    """Run a write again when another process held the lock past the busy
    timeout; any other error passes through."""
    for attempt in range(attempts - 1):
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            time.sleep(0.05 * (attempt + 1))
    return action()
