"""The index's tables of names (issue 24): who is mentioned in which article
on which day, and the figures said in the same sentence as a name; the
statements that fill them and the counts that entity pages and trends read.

They are filled where an article's extraction is stored and dropped with
the article, so a page or a trend never reads an article again."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Appended to the index's schema. ``key`` is the name's entity tokens (its
# kind and the normal form of each word, as in the efts table), so a query
# finds names in ``names_fts`` exactly as it finds articles in efts. ``day``
# is the article's date as a proleptic ordinal (0: none).
MENTIONS_SCHEMA = """
CREATE TABLE names(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
CREATE VIRTUAL TABLE names_fts USING fts5(key, content='', tokenize='ascii');
CREATE TABLE mentions(article INTEGER NOT NULL, name INTEGER NOT NULL, day INTEGER NOT NULL,
                      PRIMARY KEY(article, name)) WITHOUT ROWID;
-- Trends scan a window of days, a page one name's days: both covering.
CREATE INDEX mentions_by_day ON mentions(day, name);
CREATE INDEX mentions_by_name ON mentions(name, day);
CREATE TABLE name_figures(article INTEGER NOT NULL, name INTEGER NOT NULL, position INTEGER NOT NULL, day INTEGER NOT NULL,
                          kind TEXT NOT NULL, text TEXT NOT NULL, value, unit TEXT NOT NULL,
                          PRIMARY KEY(article, name, position)) WITHOUT ROWID;
CREATE INDEX name_figures_by_name ON name_figures(name, day);
"""


@dataclass(frozen=True, slots=True)
class SaidFigure:
    """A figure said in a sentence that mentions a name; ``position``: its
    number among the article's figures."""

    position: int
    kind: str
    text: str
    value: float | int | str
    unit: str


@dataclass(frozen=True, slots=True)
class NameRow:
    """One name of an article, as the tables keep it."""

    kind: str
    key: str
    name: str
    figures: tuple[SaidFigure, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureRow:
    article: int
    day: int
    kind: str
    text: str
    value: float | int | str
    unit: str


class MentionTables:
    """Statements on the names tables, mixed into the index (whose
    ``_rows`` runs them)."""

    if TYPE_CHECKING:

        def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]: ...

    def _numbers(self, sql: str, params: Sequence[object] = (), width: int = 1) -> np.ndarray:
        """What a query of ``width`` integer columns returns, as one array of
        that many columns (one string from SQLite, parsed in C)."""
        import numpy as np

        columns = " || ',' || ".join(f"c{i}" for i in range(width))
        names = ", ".join(f"c{i}" for i in range(width))
        text = self._rows(f"WITH t({names}) AS ({sql}) SELECT group_concat({columns}) FROM t", params)[0][0]
        found = np.fromstring(str(text), dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)
        return found.reshape(-1, width) if width > 1 else found

    # -- writing (inside the index's transactions) -----------------------------

    @staticmethod
    def _write_mentions(tx: sqlite3.Connection, article: int, day: int, names: Sequence[NameRow]) -> None:
        MentionTables._drop_mentions(tx, article)
        for row in names:
            found = tx.execute("SELECT id FROM names WHERE key=?", (row.key,)).fetchone()
            if found is None:
                name_id = int(tx.execute("INSERT INTO names(kind, key, name) VALUES (?,?,?)", (row.kind, row.key, row.name)).lastrowid or 0)
                tx.execute("INSERT INTO names_fts(rowid, key) VALUES (?,?)", (name_id, row.key))
            else:
                name_id = int(found[0])
            tx.execute("INSERT OR IGNORE INTO mentions VALUES (?,?,?)", (article, name_id, day))
            tx.executemany(
                "INSERT OR IGNORE INTO name_figures VALUES (?,?,?,?,?,?,?,?)",
                [(article, name_id, f.position, day, f.kind, f.text, f.value, f.unit) for f in row.figures],
            )

    @staticmethod
    def _drop_mentions(tx: sqlite3.Connection, article: int) -> None:
        tx.execute("DELETE FROM mentions WHERE article=?", (article,))
        tx.execute("DELETE FROM name_figures WHERE article=?", (article,))

    # -- reading -----------------------------------------------------------------

    def names_matching(self, expression: str) -> list[int]:
        """The ids of the names an entity expression (see reader.search) finds."""
        return [int(r[0]) for r in self._rows("SELECT rowid FROM names_fts WHERE names_fts MATCH ?", (expression,))]  # type: ignore[call-overload]

    def names(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """The kind and name of each of these ids."""
        out: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 10_000):
            part = list(ids[start : start + 10_000])
            rows = self._rows(f"SELECT id, kind, name FROM names WHERE id IN ({','.join('?' * len(part))})", part)
            out.update({int(i): (str(k), str(n)) for i, k, n in rows})  # type: ignore[call-overload]
        return out

    def mentions_of(self, ids: Sequence[int]) -> np.ndarray:
        """(article, day, name) of every mention of these names."""
        return self._numbers(
            "SELECT article, day, name FROM mentions WHERE name IN (SELECT value FROM json_each(?))", [_json_list(ids)], width=3
        )

    def names_in(self, articles: np.ndarray) -> np.ndarray:
        """(article, name) of every name in these articles."""
        return self._numbers(
            "SELECT article, name FROM mentions WHERE article IN (SELECT value FROM json_each(?))", [_json_list(articles)], width=2
        )

    def names_between(self, first: int, last: int, with_articles: bool) -> np.ndarray:
        """The name of every mention from day ``first`` to ``last``; with
        ``with_articles``, (name, article) pairs."""
        if with_articles:
            return self._numbers("SELECT name, article FROM mentions WHERE day BETWEEN ? AND ?", [first, last], width=2)
        return self._numbers("SELECT name FROM mentions WHERE day BETWEEN ? AND ?", [first, last])

    def days_of(self, ids: Sequence[int], first: int, last: int) -> np.ndarray:
        """(name, day, article) of these names' mentions from ``first`` to ``last``."""
        return self._numbers(
            "SELECT name, day, article FROM mentions WHERE name IN (SELECT value FROM json_each(?)) AND day BETWEEN ? AND ?",
            [_json_list(ids), first, last],
            width=3,
        )

    def figures_of(self, ids: Sequence[int], articles: np.ndarray, limit: int) -> list[FigureRow]:
        """The newest ``limit`` figures said with these names in these articles
        (once each, whichever of the names it went with). Each name's figures
        are read newest first from its index, a page at a time, so a name
        with a hundred thousand figures costs no more than one with fifty."""
        import numpy as np

        wanted = np.unique(articles)
        found: dict[tuple[int, int], FigureRow] = {}
        for name in ids:
            size, offset, have = limit, 0, 0
            while True:
                rows = self._rows(
                    "SELECT article, position, day, kind, text, value, unit FROM name_figures WHERE name=?"
                    " ORDER BY day DESC, article DESC, position LIMIT ? OFFSET ?",
                    (name, size, offset),
                )
                kept = np.isin(np.array([int(r[0]) for r in rows], dtype=np.int64), wanted)  # type: ignore[call-overload]
                for row, keep in zip(rows, kept, strict=True):
                    a, p, d, k, t, v, u = row
                    if keep:
                        found.setdefault((int(a), int(p)), FigureRow(int(a), int(d), str(k), str(t), v, str(u)))  # type: ignore[call-overload, arg-type]
                have += int(kept.sum())
                if len(rows) < size or have >= limit:
                    break
                offset, size = offset + size, size * 4
        return [found[k] for k in sorted(found, key=lambda k: (-found[k].day, -k[0], k[1]))][:limit]

    def articles_between(self, first: str, last: str) -> np.ndarray:
        """The rowids of the articles dated from ``first`` to ``last`` (ISO dates)."""
        return self._numbers("SELECT rowid FROM articles WHERE date BETWEEN ? AND ?", [first, last])


def _json_list(numbers: np.ndarray | Sequence[int]) -> str:
    """Numbers as one parameter, for ``IN (SELECT value FROM json_each(?))``:
    no limit on how many, one statement whatever their number."""
    listed = numbers.tolist() if hasattr(numbers, "tolist") else list(numbers)
    return "[" + ",".join(map(str, listed)) + "]"
