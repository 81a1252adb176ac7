"""SQLite storage (SPEC §7): ``index.db``, rebuilt at will from the article
files, and ``state.db``, the user's own bookmarks, read state and sources,
which is never rebuilt, only migrated. Every SQL statement of the project is
here, behind typed methods.

Both files are in WAL mode with a busy timeout, and every write is one
``BEGIN IMMEDIATE`` transaction, so processes sharing a data dir serialise
their writes. A lock or a busy database is waited on and retried; only
``SQLITE_CORRUPT``, ``SQLITE_NOTADB`` or a failed integrity check mean a
damaged file, and a damaged file is replaced only when no other process
holds it open (an advisory ``flock`` on a lock file beside it says so).
"""

from __future__ import annotations

import datetime as dt
import fcntl
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
from typing import TYPE_CHECKING, Any, TypeVar

from reader import stories as grouping
from reader.model import Article, Bookmark, ListRow, ReaderError
from reader.store import stories
from reader.text import lemmas

if TYPE_CHECKING:
    import numpy as np

INDEX_VERSION = f"index-10/{lemmas.VERSION}/{grouping.VERSION}"  # 9: FTS5's ascii tokenizer on the normal forms, 10: stories
BUSY_TIMEOUT_S = 30.0
QUICK_CHECK_MAX_BYTES = 32 * 2**20
T = TypeVar("T")
D = TypeVar("D", bound="_Db")

INDEX_SCHEMA = (
    """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, root TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                   hash TEXT NOT NULL, article INTEGER, note TEXT);
CREATE INDEX files_by_root ON files(root);
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, path TEXT NOT NULL, root TEXT NOT NULL, title TEXT NOT NULL,
    date TEXT NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, lang TEXT NOT NULL,
    tags TEXT NOT NULL, hash TEXT NOT NULL,
    source_key TEXT NOT NULL, tags_key TEXT NOT NULL, extracted TEXT);
-- Bodies apart, so that a scan of the metadata (source:, tag:) stays small.
CREATE TABLE bodies(rowid INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE INDEX articles_by_date ON articles(date DESC, at DESC, rowid DESC);
CREATE INDEX articles_by_id ON articles(id);
CREATE INDEX articles_by_hash ON articles(hash);
CREATE INDEX articles_to_extract ON articles(extracted, rowid);
-- Narrow covering indexes: the filters scan these, not the table.
CREATE INDEX articles_by_root ON articles(root);
CREATE INDEX articles_by_lang ON articles(lang);
CREATE INDEX articles_by_source ON articles(source_key);
CREATE INDEX articles_by_tags ON articles(tags_key);
-- No prefix indexes: they made each insert 1.7 times dearer (0.78 against 0.45 ms an
-- article) for one- to three-letter wildcards only, and каз* takes 2 ms at 100,000 articles without.
-- What goes into these and every query for them are normal forms, folded and
-- joined by spaces (reader.text.lemmas): the tokenizer only has to split at the
-- spaces. The ascii one does that and keeps every non-ASCII character in the
-- token. With unicode61, which looks each character up again, an insert cost
-- 1.4-1.8 times as much (0.40-0.45 against 0.22-0.32 ms a 3 KB news item).
-- No semicolons in these comments: the script is split at them.
CREATE VIRTUAL TABLE fts USING fts5(title, body, meta, content='', tokenize='ascii');
CREATE VIRTUAL TABLE efts USING fts5(ents, tokenize='ascii');
CREATE TABLE extractions(hash TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL,
                         PRIMARY KEY(hash, version)) WITHOUT ROWID;
-- Texts the extractor raised on: skipped until the text or the extractor changes.
CREATE TABLE extraction_failures(hash TEXT NOT NULL, version TEXT NOT NULL, error TEXT NOT NULL,
                                 PRIMARY KEY(hash, version)) WITHOUT ROWID;
"""
    + stories.SCHEMA
)

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
)

# What each search filter keeps (SPEC §5); ``a`` is the articles table.
_FILTERS = {
    "source": "instr(a.source_key, ?) > 0",
    "lang": "a.lang = ?",
    "tag": "instr(a.tags_key, ?) > 0",
    "date": "a.date >= ? AND a.date < ?",
    "in": "a.root = ?",
    "is:bookmarked": "a.id IN (SELECT id FROM state.bookmarks)",
    "is:read": "a.id IN (SELECT id FROM state.reads)",
    "is:unread": "a.id NOT IN (SELECT id FROM state.reads)",
}
_RANKED = "SELECT rowid, bm25(fts, 10.0, 1.0, 3.0) AS score FROM fts WHERE fts MATCH ? ORDER BY score"


class StoreError(ReaderError):
    """A storage fault to tell the user about in one line."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def is_damage(error: sqlite3.Error) -> bool:
    """Whether an error says the file is damaged (and not merely locked)."""
    name = getattr(error, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def retry_locked(action: Callable[[], T], attempts: int = 5) -> T:
    """Run an action again when another process held the database past the
    busy timeout; any other error passes through."""
    for attempt in range(attempts - 1):
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            time.sleep(0.05 * (attempt + 1))
    return action()


def _connect(path: Path | str, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False, uri=True)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if str(path) != ":memory:" and not str(path).startswith("file:"):
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
    except BaseException:
        conn.close()
        raise
    return conn


def _damage(path: Path, conn: sqlite3.Connection) -> str | None:
    """Why the file is damaged, or None. Cheap: a header read, a size check,
    and an integrity check only on small files. A busy or locked database
    raises: that is no damage."""
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
        if is_damage(error):
            return str(error)
        raise
    return None


def _open_checked(
    path: Path, synchronous: str, prepare: Callable[[sqlite3.Connection], str | None]
) -> tuple[sqlite3.Connection | None, str | None]:
    """A connection to a database file and why it cannot serve (None: it
    can); ``prepare`` makes or checks the schema. Damage is a reason; any
    other error (a lock held too long) is raised, to be waited on."""
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path, synchronous)
        problem = _damage(path, conn) if path.stat().st_size > 0 else None
        return conn, problem or prepare(conn)
    except sqlite3.DatabaseError as error:
        if conn is not None:
            conn.close()
        if not is_damage(error):
            raise
        return None, str(error)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statements one by one: ``executescript`` would commit the transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class FileLock:
    """An advisory lock beside a database: every process that has the file
    open holds it shared; replacing the file takes it exclusively, which
    fails while anybody else has the file open."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_SH)

    def alone(self) -> bool:
        """Take the lock exclusively if nobody else holds it (then keep it shared again later)."""
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def share(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_SH)

    def close(self) -> None:
        os.close(self.fd)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class _Db:
    """A connection shared by threads, one statement sequence at a time."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, lock: FileLock | None = None) -> None:
        self.conn = conn
        self.path = path  # None: in memory
        self.lock = threading.RLock()
        self._file_lock = lock
        self._writes = 0  # own commits, which PRAGMA data_version does not count

    def close(self) -> None:
        with self.lock:
            self.conn.close()
            if self._file_lock is not None:
                self._file_lock.close()

    @classmethod
    def _anew(cls: type[D], path: Path, lock: FileLock, check: Callable[[Path], tuple[sqlite3.Connection | None, str | None]]) -> D:
        """The file made anew once the damaged one is gone (the exclusive
        lock held), then the lock shared again as every user holds it."""
        conn, problem = retry_locked(lambda: check(path))
        lock.share()
        if problem is not None or conn is None:
            raise StoreError(f"{path}: {problem}")
        return cls(conn, path, lock)

    def sibling(self: D) -> D:
        """Another connection to the same file, for reads (in memory: this one)."""
        return self if self.path is None else type(self)(_connect(self.path, "NORMAL"), self.path)

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def _int(self, sql: str, params: Sequence[object] = ()) -> int:
        return int(self._rows(sql, params)[0][0])  # type: ignore[call-overload]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction, committed on leaving, rolled
        back on any error."""
        with self.lock, _transaction(self.conn) as tx:
            yield tx
        self._writes += 1

    def _ids(self, sql: str, params: Sequence[object] = ()) -> np.ndarray:
        """The rowids a query returns, as one array (one string from SQLite,
        parsed in C: a hundred thousand rows cost milliseconds, not tuples)."""
        import numpy as np  # on first search, not at start-up

        text = self._rows(f"SELECT group_concat(rowid) FROM ({sql})", params)[0][0]
        return np.fromstring(str(text), dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)


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
    marks: grouping.Marks | None = None  # None: grouped with nothing (a story of its own)


def normalise(article: Article) -> tuple[str, str, str]:
    meta = " ".join((article.source, *article.tags))
    lang = article.lang  # each language stemmed with its own stemmer
    return lemmas.normalise_text(article.title, lang), lemmas.normalise_text(article.body, lang), lemmas.normalise_text(meta, lang)


class Index(_Db, stories.Stories):
    """``index.db``: articles of every source, full-text index, entity cache."""

    @classmethod
    def memory(cls) -> Index:
        conn = _connect(":memory:", "OFF")
        _run_script(conn, INDEX_SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
        return cls(conn, None)

    @classmethod
    def open(cls, path: Path, warn: Callable[[str], None]) -> Index:
        """Open (or create) the index. A damaged or foreign one is rebuilt
        with one warning when no other process has it open; while one does,
        this process works on a temporary index in memory."""
        lock = FileLock(path)
        try:
            conn, problem = retry_locked(lambda: cls._check(path))
            if problem is None and conn is not None:
                return cls(conn, path, lock)
            if conn is not None:
                conn.close()
            if not lock.alone():
                warn(f"{path}: {problem}; another reader process has it open, so this one uses a temporary index")
                lock.close()
                return cls.memory()
            warn(f"{path}: {problem}; rebuilding it from the article files")
            _remove_db(path)
            return cls._anew(path, lock, cls._check)
        except BaseException:
            lock.close()
            raise

    @classmethod
    def _check(cls, path: Path) -> tuple[sqlite3.Connection | None, str | None]:
        return _open_checked(path, "NORMAL", cls._prepare)

    @classmethod
    def _prepare(cls, conn: sqlite3.Connection) -> str | None:
        """Make the schema, once, whichever process comes first; or why the
        file is not ours."""
        with _transaction(conn):
            version = cls._version(conn)  # read again inside the write lock
            if version is None:
                _run_script(conn, INDEX_SCHEMA)
                conn.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
            elif version != INDEX_VERSION:
                return f"it was built by another version ({version})"
        return None

    @staticmethod
    def _version(conn: sqlite3.Connection) -> str | None:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            return "unknown" if tables else None
        row = conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return str(row[0]) if row else "unknown"

    def attach_state(self, path: Path | str, readonly: bool = True) -> None:
        """``state.db`` beside the index, for the joins of the list and the
        filters; read-only, so no index transaction ever locks it."""
        uri = f"{Path(path).absolute().as_uri()}?mode=ro" if readonly else str(path)  # str: a name in memory
        with self.lock:
            self.conn.execute("ATTACH DATABASE ? AS state", (uri,))

    # -- files and articles -------------------------------------------------

    def files(self, roots: Sequence[str]) -> dict[str, FileState]:
        """What the index knows of the files under these roots."""
        out: dict[str, FileState] = {}
        for start in range(0, len(roots), 10_000):
            part = list(roots[start : start + 10_000])
            rows = self._rows(f"SELECT path, size, mtime_ns, hash, article FROM files WHERE root IN ({','.join('?' * len(part))})", part)
            out.update({str(p): FileState(int(s), int(m), str(h), a if a is None else int(a)) for p, s, m, h, a in rows})  # type: ignore[call-overload]
        return out

    def roots(self) -> dict[str, int]:
        """Every root the index holds articles of, with their counts."""
        return {str(r): int(n) for r, n in self._rows("SELECT root, count(*) FROM articles GROUP BY root")}  # type: ignore[call-overload]

    def notes(self, roots: Sequence[str]) -> list[tuple[str, str]]:
        wanted = set(roots)
        rows = self._rows("SELECT path, note, root FROM files WHERE note IS NOT NULL ORDER BY path")
        return [(str(p), str(n)) for p, n, r in rows if r in wanted]

    def apply(
        self,
        root_of: dict[str, str],
        stat: dict[str, tuple[int, int]],
        indexed: Iterable[tuple[str, Indexed | None, str, str | None]],
        touched: Iterable[str] = (),
        removed: Iterable[str] = (),
    ) -> None:
        """Write one batch in one transaction. ``indexed``: (path, article or
        None when unloadable, hash, note); ``root_of``: each path's root."""
        with self.write() as tx:
            for path in removed:
                self._drop_file(tx, path)
            for path in touched:
                size, mtime = stat[path]
                tx.execute("UPDATE files SET size=?, mtime_ns=? WHERE path=?", (size, mtime, path))
            for path, item, digest, note in indexed:
                # As indexed now: the file's article, hash, size and mtime, and its article's text hash.
                row = tx.execute(
                    "SELECT files.article, files.hash, files.size, files.mtime_ns, articles.hash"
                    " FROM files LEFT JOIN articles ON articles.rowid = files.article WHERE files.path=?",
                    (path,),
                ).fetchone()
                if row is not None and (row[1], (row[2], row[3]), row[4]) == (digest, stat[path], item.hash if item is not None else None):
                    # Another process indexed these very bytes, as the same text, meanwhile: its rows (and
                    # rowids) stay. A kept full text changes the text, not the file: that is indexed again.
                    continue
                if row is not None:
                    self._drop_row(tx, path, row[0])
                rowid = None if item is None else self._insert(tx, root_of[path], item)
                size, mtime = stat[path]
                tx.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?)", (path, root_of[path], size, mtime, digest, rowid, note))

    def drop_root(self, root: str) -> int:
        """Forget every file of a root; returns how many articles went."""
        with self.write() as tx:
            paths = [str(r[0]) for r in tx.execute("SELECT path FROM files WHERE root=?", (root,))]
            gone = tx.execute("SELECT count(*) FROM articles WHERE root=?", (root,)).fetchone()[0]
            for path in paths:
                self._drop_file(tx, path)
        return int(gone)

    def _insert(self, tx: sqlite3.Connection, root: str, item: Indexed) -> int:
        a = item.article
        tags_key = "\x1f" + "\x1f".join(lemmas.fold(t) for t in a.tags) + "\x1f"
        cursor = tx.execute(
            "INSERT INTO articles(id, path, root, title, date, at, source, url, lang, tags, hash, source_key, tags_key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.id,
                a.path,
                root,
                a.title,
                a.date,
                a.at,
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
        stories.join(tx, rowid, a.id, item.marks)
        return rowid

    def _drop_file(self, tx: sqlite3.Connection, path: str) -> None:
        row = tx.execute("SELECT article FROM files WHERE path=?", (path,)).fetchone()
        if row is not None:
            self._drop_row(tx, path, row[0])

    def _drop_row(self, tx: sqlite3.Connection, path: str, rowid: int | None) -> None:
        """A file's row, and its article's rows when it has one."""
        if rowid is not None:
            article = self._article(tx, int(rowid))
            if article is not None:
                title, body, meta = normalise(article)
                tx.execute("INSERT INTO fts(fts, rowid, title, body, meta) VALUES ('delete',?,?,?,?)", (rowid, title, body, meta))
            stories.leave(tx, int(rowid))
            tx.execute("DELETE FROM efts WHERE rowid=?", (rowid,))
            tx.execute("DELETE FROM articles WHERE rowid=?", (rowid,))
            tx.execute("DELETE FROM bodies WHERE rowid=?", (rowid,))
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

    def rowid_of(self, article_id: str, roots: Sequence[str] | None = None) -> int | None:
        if roots is None:
            rows = self._rows("SELECT rowid FROM articles WHERE id=? ORDER BY rowid LIMIT 1", (article_id,))
        else:
            marks = ",".join("?" * len(roots))
            rows = self._rows(f"SELECT rowid FROM articles WHERE id=? AND root IN ({marks}) ORDER BY rowid LIMIT 1", (article_id, *roots))
        return int(rows[0][0]) if rows else None  # type: ignore[call-overload]

    def root_of(self, path: str) -> str | None:
        """The root a file was indexed under."""
        rows = self._rows("SELECT root FROM files WHERE path=?", (path,))
        return str(rows[0][0]) if rows else None

    def rowid_of_path(self, path: str) -> int | None:
        rows = self._rows("SELECT article FROM files WHERE path=?", (path,))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None  # type: ignore[call-overload]

    def ids_of(self, rowids: Sequence[int]) -> list[str]:
        out: list[str] = []
        for start in range(0, len(rowids), 10_000):
            part = list(rowids[start : start + 10_000])
            out += [str(r[0]) for r in self._rows(f"SELECT id FROM articles WHERE rowid IN ({','.join('?' * len(part))})", part)]
        return out

    def present(self, ids: Iterable[str]) -> dict[str, tuple[str, str, str, str]]:
        """The title, date, source and URL of each of these article ids the index holds."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, tuple[str, str, str, str]] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            rows = self._rows(f"SELECT id, title, date, source, url FROM articles WHERE id IN ({','.join('?' * len(part))})", part)
            for i, *shown in rows:
                found.setdefault(str(i), tuple(str(v or "") for v in shown))  # type: ignore[arg-type]
        return found

    def generation(self) -> int:
        """Changes whenever any connection commits a change to the index."""
        return self._int("PRAGMA data_version") + self._writes

    def ordered(self) -> array[int]:
        """Every rowid, newest first."""
        with self.lock:
            return array("q", (r[0] for r in self.conn.execute("SELECT rowid FROM articles ORDER BY date DESC, at DESC, rowid DESC")))

    def rows(self, rowids: Sequence[int]) -> dict[int, ListRow]:
        """List rows for these rowids, with their bookmark and read flags."""
        if not rowids:
            return {}
        sql = (
            "SELECT a.rowid, a.id, a.title, a.date, a.source, a.url, b.id IS NOT NULL, r.id IS NOT NULL, s.story,"
            " (SELECT count(*) - 1 FROM story_of o WHERE o.story=s.story),"
            " (SELECT count(DISTINCT oa.source) FROM story_of o JOIN articles oa ON oa.rowid=o.rowid WHERE o.story=s.story)"
            " FROM articles a LEFT JOIN state.bookmarks b ON b.id=a.id LEFT JOIN state.reads r ON r.id=a.id"
            f" LEFT JOIN story_of s ON s.rowid=a.rowid WHERE a.rowid IN ({','.join('?' * len(rowids))})"
        )
        return {int(r[0]): _list_row(r) for r in self._rows(sql, list(rowids))}  # type: ignore[call-overload]

    def counts(self, roots: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Articles and unread articles of each root."""
        marks = ",".join("?" * len(roots))
        sql = (
            "SELECT a.root, count(*), sum(r.id IS NULL) FROM articles a LEFT JOIN state.reads r ON r.id=a.id"
            f" WHERE a.root IN ({marks}) GROUP BY a.root"
        )
        return {str(root): (int(n), int(unread or 0)) for root, n, unread in self._rows(sql, list(roots))}  # type: ignore[call-overload]

    # -- search ---------------------------------------------------------------

    def ids_matching(self, expression: str) -> np.ndarray:
        return self._ids("SELECT rowid FROM fts WHERE fts MATCH ?", [expression])

    def ids_with_entities(self, expression: str) -> np.ndarray:
        return self._ids("SELECT rowid FROM efts WHERE efts MATCH ?", [expression])

    def ids_filtered(self, name: str, values: Sequence[object], negated: bool = False) -> np.ndarray:
        """Rowids that a filter of :data:`_FILTERS` keeps (or drops)."""
        return self._ids(f"SELECT a.rowid FROM articles a WHERE {'NOT ' if negated else ''}({_FILTERS[name]})", values)

    def ids_in_roots(self, roots: Sequence[str]) -> np.ndarray:
        return self._ids(f"SELECT rowid FROM articles WHERE root IN ({','.join('?' * len(roots))})", list(roots))

    def ranked(self, expression: str) -> list[tuple[int, float]]:
        """BM25 scores of what the words match, best first (higher is better)."""
        return [(int(r), -float(s)) for r, s in self._rows(_RANKED, [expression])]  # type: ignore[call-overload, arg-type]

    def language_counts(self) -> dict[str, int]:
        return {str(lang): int(n) for lang, n in self._rows("SELECT lang, count(*) FROM articles GROUP BY lang")}  # type: ignore[call-overload]

    # -- entities -----------------------------------------------------------

    def cached_extraction(self, digest: str, version: str) -> str | None:
        rows = self._rows("SELECT data FROM extractions WHERE hash=? AND version=?", (digest, version))
        return str(rows[0][0]) if rows else None

    def to_extract(self, version: str, limit: int, part: int = 0, parts: int = 1) -> list[int]:
        """Rowids still to extract; ``part`` of ``parts`` splits the work
        between processes without overlap."""
        rows = self._rows(
            "SELECT rowid FROM articles WHERE extracted IS NOT ? AND rowid % ? = ? ORDER BY rowid LIMIT ?", (version, parts, part, limit)
        )
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    def pending_extraction(self, version: str) -> int:
        return self._int("SELECT count(*) FROM articles WHERE extracted IS NOT ?", (version,))

    def failed_extractions(self, version: str, roots: Sequence[str] | None = None) -> dict[str, int]:
        """How many articles of each root the extractor failed on."""
        sql = "SELECT a.root, count(*) FROM articles a JOIN extraction_failures f ON f.hash=a.hash AND f.version=? GROUP BY a.root"
        counts = {str(r): int(n) for r, n in self._rows(sql, (version,))}  # type: ignore[call-overload]
        return counts if roots is None else {r: n for r, n in counts.items() if r in roots}

    def store_extractions(self, version: str, items: Iterable[tuple[str, str, str]], failures: Iterable[tuple[str, str]] = ()) -> None:
        """(text hash, extraction JSON, entity tokens) for each text, and
        (text hash, error) for each text the extractor raised on; every
        article with that text is marked done."""
        with self.write() as tx:
            for digest, data, tokens in items:
                tx.execute("INSERT OR REPLACE INTO extractions VALUES (?,?,?)", (digest, version, data))
                for (rowid,) in tx.execute("SELECT rowid FROM articles WHERE hash=?", (digest,)).fetchall():
                    tx.execute("DELETE FROM efts WHERE rowid=?", (rowid,))
                    tx.execute("INSERT INTO efts(rowid, ents) VALUES (?,?)", (rowid, tokens))
                tx.execute("UPDATE articles SET extracted=? WHERE hash=?", (version, digest))
            for digest, error in failures:
                tx.execute("INSERT OR REPLACE INTO extraction_failures VALUES (?,?,?)", (digest, version, error))
                tx.execute("UPDATE articles SET extracted=? WHERE hash=?", (version, digest))


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


class State(_Db):
    """``state.db``: bookmarks, read state and sources, keyed by article id
    and location."""

    @classmethod
    def memory(cls, copy_of: Path | None, warn: Callable[[str], None]) -> tuple[State, str]:
        """A copy in memory (a read-only data dir: the file is only read),
        shared by name so that an index can attach it; returns it and that name."""
        uri = f"file:reader-state-{os.getpid()}-{id(copy_of)}-{time.monotonic_ns()}?mode=memory&cache=shared"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        if copy_of is not None and copy_of.exists():
            try:
                source = sqlite3.connect(f"{copy_of.absolute().as_uri()}?mode=ro", uri=True)
                source.backup(conn)
                source.close()
            except sqlite3.DatabaseError as error:
                warn(f"{copy_of}: cannot be read ({error})")
        cls.migrate(conn)
        return cls(conn, None), uri

    @classmethod
    def open(cls, path: Path, warn: Callable[[str], None]) -> State:
        """Open (or create) the state. A damaged file is moved aside, never
        overwritten, and a new one started, when no other process has it
        open; a locked one is waited on."""
        lock = FileLock(path)
        try:
            conn, problem = retry_locked(lambda: cls._check(path))
            if problem is not None or conn is None:
                if conn is not None:
                    conn.close()
                if not lock.alone():
                    raise StoreError(f"{path}: {problem}; another reader process has it open: close it and try again")
                aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
                os.replace(path, aside)
                for suffix in ("-wal", "-shm"):
                    side = Path(f"{path}{suffix}")
                    if side.exists():
                        os.replace(side, f"{aside}{suffix}")
                warn(f"{path}: {problem}; kept aside as {aside.name}, starting a new one")
                return cls._anew(path, lock, cls._check)
            return cls(conn, path, lock)
        except BaseException:
            lock.close()
            raise

    @classmethod
    def _check(cls, path: Path) -> tuple[sqlite3.Connection | None, str | None]:
        return _open_checked(path, "FULL", cls.migrate)

    @staticmethod
    def migrate(conn: sqlite3.Connection) -> None:
        """Bring the schema up to date, once, whichever process comes first."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(STATE_MIGRATIONS):
            raise StoreError(f"state.db was written by a newer reader (schema {version}); not touching it")
        if version == len(STATE_MIGRATIONS):
            return
        with _transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # read again inside the write lock
            for number, script in enumerate(STATE_MIGRATIONS[version:], start=version + 1):
                _run_script(conn, script)
                conn.execute(f"PRAGMA user_version={number}")

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


def _list_row(r: Sequence[Any]) -> ListRow:
    story, others, sources = str(r[8] or r[1]), int(r[9] or 0), int(r[10] or 1)
    return ListRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]), story=story, others=others, sources=sources)


def _source(row: Sequence[object]) -> SourceRow:
    i, kind, location, name, tags, settings = row
    return SourceRow(int(i), str(kind), str(location), str(name), tuple(json.loads(str(tags))), json.loads(str(settings)))  # type: ignore[call-overload]
