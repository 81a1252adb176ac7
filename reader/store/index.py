"""``index.db``: the articles of every source, the full-text index and the entity cache, rebuilt at will."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import stories as grouping
from reader.model import Article, ListRow
from reader.store import stories
from reader.store.db import Db, FileLock, connect, copy_into, open_checked, remove_db, retry_locked, run_script, transaction
from reader.store.extractions import Extractions
from reader.store.mentions import MENTIONS_SCHEMA, MentionTables
from reader.text import lemmas

if TYPE_CHECKING:
    import numpy as np

INDEX_VERSION = (
    f"index-13/{lemmas.VERSION}/{grouping.VERSION}"  # 9: FTS5's ascii tokenizer on the normal forms, 10: names, mentions, 11: stories,
    # 12: stories told apart (story_links.how), 13: a nested tag's folders are tags too
)

INDEX_SCHEMA = """
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
# -- entity pages and trends: reader/store/mentions.py; stories: reader/store/stories.py
INDEX_SCHEMA += MENTIONS_SCHEMA + stories.SCHEMA

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
NEWEST_WALK = 4  # :meth:`Index.newest` walks the date index this many times the rows wanted, then asks the roots' index
_RANKED = "SELECT rowid, bm25(fts, 10.0, 1.0, 3.0) AS score FROM fts WHERE fts MATCH ? ORDER BY score"


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


def _place_of(path: Path) -> str:
    """The data dir an index file serves, as an absolute path."""
    return str(path.parent.absolute())


class Index(Extractions, MentionTables, stories.Stories, Db):
    """``index.db``: articles of every source, full-text index, entity cache."""

    @classmethod
    def memory(cls, copy_of: Path | None = None) -> Index:
        """An index in memory: a copy of ``copy_of`` when that one can be
        read and is of this version (a data dir that cannot be written), else
        an empty one."""
        conn = connect(":memory:", "OFF")
        if copy_of is not None and copy_of.exists():
            with contextlib.suppress(sqlite3.DatabaseError):  # unreadable: read again from the files
                copy_into(copy_of, conn)
                if cls._version(conn) == INDEX_VERSION and cls._place(conn) == _place_of(copy_of):
                    return cls(conn, None)
            conn.close()
            conn = connect(":memory:", "OFF")
        run_script(conn, INDEX_SCHEMA)
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
            remove_db(path)
            return cls._anew(path, lock, cls._check)
        except BaseException:
            lock.close()
            raise

    @classmethod
    def _check(cls, path: Path) -> tuple[sqlite3.Connection | None, str | None]:
        return open_checked(path, "NORMAL", lambda conn: cls._prepare(conn, _place_of(path)))

    @classmethod
    def _prepare(cls, conn: sqlite3.Connection, place: str) -> str | None:
        """Make the schema, once, whichever process comes first; or why the
        file is not ours. ``place``: the data dir it serves (the index knows
        fetched items by paths in it: a data dir copied or moved elsewhere
        is indexed anew, not listed twice)."""
        with transaction(conn):
            version = cls._version(conn)  # read again inside the write lock
            if version is None:
                run_script(conn, INDEX_SCHEMA)
                conn.executemany("INSERT INTO meta VALUES (?, ?)", [("version", INDEX_VERSION), ("place", place)])
            elif version != INDEX_VERSION:
                return f"it was built by another version ({version})"
            elif (built := cls._place(conn)) != place:
                return f"it was built for the data dir at {built}"
        return None

    @staticmethod
    def _place(conn: sqlite3.Connection) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key='place'").fetchone()
        return str(row[0]) if row else None

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
        for part in _parts(roots):
            rows = self._rows(f"SELECT path, size, mtime_ns, hash, article FROM files WHERE root IN ({','.join('?' * len(part))})", part)
            out.update({str(p): FileState(int(s), int(m), str(h), a if a is None else int(a)) for p, s, m, h, a in rows})  # type: ignore[call-overload]
        return out

    def file_count(self, roots: Sequence[str]) -> int:
        """How many files the index knows in these roots."""
        return sum(self._int(f"SELECT count(*) FROM files WHERE root IN ({','.join('?' * len(part))})", part) for part in _parts(roots))

    def roots(self) -> dict[str, int]:
        """Every root the index holds articles of, with their counts."""
        return {str(r): int(n) for r, n in self._rows("SELECT root, count(*) FROM articles GROUP BY root")}  # type: ignore[call-overload]

    def note_counts(self, roots: Sequence[str]) -> dict[str, dict[str, int]]:
        """How many files of each root carry each note."""
        marks = ",".join("?" * len(roots))
        sql = f"SELECT root, note, count(*) FROM files WHERE note IS NOT NULL AND root IN ({marks}) GROUP BY root, note"
        out: dict[str, dict[str, int]] = {}
        for root, note, count in self._rows(sql, list(roots)):  # type: ignore[call-overload]
            out.setdefault(str(root), {})[str(note)] = int(count)  # type: ignore[call-overload]
        return out

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
    ) -> int:
        """Write one batch in one transaction. ``indexed``: (path, article or
        None when unloadable, hash, note); ``root_of``: each path's root.
        Returns the count of such writes (see :meth:`applied`), this one's."""
        indexed = list(indexed)
        with self.write() as tx:
            count = _count_applied(tx)
            batch = stories.Batch(tx, [item.marks for _, item, _, _ in indexed if item is not None])
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
                rowid = None if item is None else self._insert(tx, batch, root_of[path], item)
                size, mtime = stat[path]
                tx.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?)", (path, root_of[path], size, mtime, digest, rowid, note))
        return count

    def drop_root(self, root: str) -> int:
        """Forget every file of a root; returns how many articles went."""
        with self.write() as tx:
            _count_applied(tx)
            paths = [str(r[0]) for r in tx.execute("SELECT path FROM files WHERE root=?", (root,))]
            gone = tx.execute("SELECT count(*) FROM articles WHERE root=?", (root,)).fetchone()[0]
            for path in paths:
                self._drop_file(tx, path)
        return int(gone)

    # -- fetched items in line ---------------------------------------------------
    # Listing a million fetched items takes seconds; what changed them draws a
    # new token in items.db. After a refresh that listed every feed of a
    # scope and wrote all it found, the index keeps that token with its count
    # of writes: while both are the same, the items need not be listed.

    def applied(self) -> int:
        """How many times files were written or dropped (:meth:`apply`, :meth:`drop_root`)."""
        rows = self._rows("SELECT value FROM meta WHERE key='applied'")
        return int(rows[0][0]) if rows else 0  # type: ignore[call-overload]

    def items_in_line(self, feeds: str, token: int | None) -> bool:
        """Whether the fetched items of ``feeds`` (a key of their roots) are
        indexed as they were at ``token``, and nothing was written since."""
        rows = self._rows("SELECT value FROM meta WHERE key='items_in_line'")
        return token is not None and bool(rows) and json.loads(str(rows[0][0])) == [feeds, token, self.applied()]

    def mark_items_in_line(self, feeds: str, token: int | None, applied: int) -> None:
        """Say so, unless anything was written since the count ``applied``."""
        if token is None:
            return
        value = json.dumps([feeds, token, applied])
        with self.lock:
            if self._rows("SELECT value FROM meta WHERE key='items_in_line'") == [(value,)]:
                return  # a write would tell every reader the index changed
            with self.write() as tx:
                if _count_applied(tx, by=0) == applied:
                    tx.execute("INSERT OR REPLACE INTO meta VALUES ('items_in_line', ?)", (value,))

    def _insert(self, tx: sqlite3.Connection, batch: stories.Batch, root: str, item: Indexed) -> int:
        a = item.article
        tags_key = "\x1f" + "\x1f".join(_tag_keys(a.tags)) + "\x1f"
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
        stories.join(tx, batch, rowid, a.id, item.marks)
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
            self._drop_mentions(tx, int(rowid))
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

    def present(self, ids: Iterable[str], roots: Sequence[str]) -> dict[str, tuple[str, str, str, str]]:
        """The title, date, source and URL of each of these article ids the index holds under ``roots``."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, tuple[str, str, str, str]] = {}
        in_roots = f"root IN ({','.join('?' * len(roots))})"
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            rows = self._rows(
                f"SELECT id, title, date, source, url FROM articles WHERE id IN ({','.join('?' * len(part))}) AND {in_roots}",
                [*part, *roots],
            )
            for i, *shown in rows:
                found.setdefault(str(i), tuple(str(v or "") for v in shown))  # type: ignore[arg-type]
        return found

    def generation(self) -> int:
        """Changes whenever any connection commits a change to the index."""
        return self._int("PRAGMA data_version") + self._writes

    def ordered(self) -> array[int]:
        """Every rowid, newest first."""
        # One string from SQLite, split in C: a third cheaper than a tuple a row.
        text = self._rows("SELECT group_concat(rowid) FROM (SELECT rowid FROM articles ORDER BY date DESC, at DESC, rowid DESC)")[0][0]
        return array("q", map(int, str(text).split(","))) if text else array("q")

    def newest(self, limit: int, roots: Sequence[str] | None) -> array[int]:
        """The first ``limit`` rowids of :meth:`ordered` (in ``roots``, when given): down the date index, each
        row's root checked, for ``NEWEST_WALK`` times ``limit`` rows at most (the library's scope holds nearly
        every article: 0.3 ms at 100,000, where SQLite's plan sorts every row of the roots' index, 90 ms),
        then through the roots' index (a scope few of the newest are in: a folder opened alone)."""
        order, walk = "ORDER BY date DESC, at DESC, rowid DESC", limit * (NEWEST_WALK if roots is not None else 1)
        found, wanted, walked = array("q"), set(roots or ()), 0
        with self.lock:
            rows = self.conn.execute(f"SELECT rowid, root FROM articles {order} LIMIT ?", [walk])
            for rowid, root in rows:
                walked += 1
                if roots is None or root in wanted:
                    found.append(rowid)
                    if len(found) == limit:
                        break
            rows.close()  # a walk cut short holds no read snapshot
        if len(found) == limit or walked < walk or roots is None:  # enough, or every article walked
            return found
        sql = f"SELECT rowid FROM articles WHERE root IN ({','.join('?' * len(roots))}) {order} LIMIT ?"
        return array("q", (int(r[0]) for r in self._rows(sql, [*roots, limit])))  # type: ignore[call-overload]

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


def _tag_keys(tags: Sequence[str]) -> dict[str, None]:
    """What ``tag:`` finds an article by: each tag, and each folder of a
    nested one (an OPML folder ``Blogs/friends`` is found by ``tag:friends``
    and ``tag:blogs`` too), folded."""
    keys = {lemmas.fold(t): None for t in tags}
    keys.update((part.strip(), None) for key in list(keys) if "/" in key for part in key.split("/") if part.strip())
    return keys


def _parts(roots: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(roots), 10_000):
        yield list(roots[start : start + 10_000])


def _count_applied(tx: sqlite3.Connection, by: int = 1) -> int:
    """Count one more write of files (``by=0``: read the count)."""
    if by:
        tx.execute("INSERT INTO meta VALUES ('applied', ?) ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + ?", (by, by))
    row = tx.execute("SELECT value FROM meta WHERE key='applied'").fetchone()
    return int(row[0]) if row else 0


def _list_row(r: Sequence[Any]) -> ListRow:
    story, others, sources = str(r[8] or r[1]), int(r[9] or 0), int(r[10] or 1)
    return ListRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]), story=story, others=others, sources=sources)
