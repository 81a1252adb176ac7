"""The index's extractions: which articles wait for the extractor, and where its answers are stored."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from reader.store import stories
from reader.store.mentions import NameRow


class Extractions:
    """Statements on the extraction cache, mixed into the index (whose
    ``_rows``, ``_int`` and ``write`` run them, and whose names tables
    take an extraction's names)."""

    if TYPE_CHECKING:

        def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]: ...
        def _int(self, sql: str, params: Sequence[object] = ()) -> int: ...
        @contextmanager
        def write(self) -> Iterator[sqlite3.Connection]: ...
        @staticmethod
        def _write_mentions(tx: sqlite3.Connection, article: int, day: int, names: Sequence[NameRow]) -> None: ...

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

    def store_extractions(
        self, version: str, items: Iterable[tuple[str, str, str, Sequence[NameRow]]], failures: Iterable[tuple[str, str]] = ()
    ) -> None:
        """(text hash, extraction JSON, entity tokens, names) for each text,
        and (text hash, error) for each text the extractor raised on; every
        article with that text is marked done."""
        with self.write() as tx:
            for digest, data, tokens, names in items:
                tx.execute("INSERT OR REPLACE INTO extractions VALUES (?,?,?)", (digest, version, data))
                for rowid, date in tx.execute("SELECT rowid, date FROM articles WHERE hash=?", (digest,)).fetchall():
                    tx.execute("DELETE FROM efts WHERE rowid=?", (rowid,))
                    tx.execute("INSERT INTO efts(rowid, ents) VALUES (?,?)", (rowid, tokens))
                    self._write_mentions(tx, rowid, _day(date), names)
                    stories.join_named(tx, rowid)
                tx.execute("UPDATE articles SET extracted=? WHERE hash=?", (version, digest))
            for digest, error in failures:
                tx.execute("INSERT OR REPLACE INTO extraction_failures VALUES (?,?,?)", (digest, version, error))
                tx.execute("UPDATE articles SET extracted=? WHERE hash=?", (version, digest))


def _day(date: str) -> int:
    """An article's date as a day number (0: none)."""
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return 0
