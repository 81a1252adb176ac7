"""The statements of saved searches: their rows in ``state.db``, and what the
index tells of the articles they match (counts by root, the articles a
fetch wrote)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.store.db import now
from reader.store.index import Index
from reader.store.state import State

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, slots=True)
class SearchRow:
    name: str
    query: str
    alert: bool = False
    mute: bool = False


class Searches:
    """The saved searches of one ``state.db`` connection."""

    def __init__(self, state: State) -> None:
        self.db = state

    def all(self) -> list[SearchRow]:
        with self.db.lock:
            rows = self.db.conn.execute("SELECT name, query, alert, mute FROM searches ORDER BY name COLLATE NOCASE, name").fetchall()
        return [SearchRow(str(n), str(q), bool(a), bool(m)) for n, q, a, m in rows]

    def save(self, row: SearchRow) -> bool:
        """Keep a search under its name (one of that name is replaced);
        returns whether the name was new."""
        with self.db.write() as tx:
            known = tx.execute("SELECT 1 FROM searches WHERE name=?", (row.name,)).fetchone() is not None
            tx.execute(
                "INSERT INTO searches(name, query, alert, mute, added_at) VALUES (?,?,?,?,?)"
                " ON CONFLICT(name) DO UPDATE SET query=excluded.query, alert=excluded.alert, mute=excluded.mute",
                (row.name, row.query, int(row.alert), int(row.mute), now()),
            )
        return not known

    def remove(self, name: str) -> bool:
        with self.db.write() as tx:
            return tx.execute("DELETE FROM searches WHERE name=?", (name,)).rowcount > 0


def state_generation(index: Index) -> int:
    """Changes whenever another connection commits to the ``state.db`` the
    index has attached (read state, bookmarks, sources)."""
    with index.lock:
        return int(index.conn.execute("PRAGMA state.data_version").fetchone()[0])


def read_rowids(index: Index) -> np.ndarray:
    """The rowids of the articles marked read: one lookup a read article
    (``is:unread`` scans every article instead)."""
    return index._ids("SELECT a.rowid FROM state.reads r CROSS JOIN articles a ON a.id=r.id")


def counts_among(index: Index, rowids: np.ndarray) -> dict[str, tuple[int, int]]:
    """Articles and unread articles of each root among these rowids."""
    if not len(rowids):
        return {}
    sql = (
        "SELECT a.root, count(*), sum(r.id IS NULL) FROM articles a LEFT JOIN state.reads r ON r.id=a.id"
        " WHERE a.rowid IN (SELECT value FROM json_each(?)) GROUP BY a.root"
    )
    with index.lock:
        rows = index.conn.execute(sql, (json.dumps(rowids.tolist()),)).fetchall()
    return {str(root): (int(n), int(unread or 0)) for root, n, unread in rows}


def ids_in_roots(index: Index, roots: Sequence[str]) -> set[str]:
    """The article ids under these roots."""
    with index.lock:
        rows = index.conn.execute("SELECT id FROM articles WHERE root IN (SELECT value FROM json_each(?))", (json.dumps(list(roots)),))
        return {str(r[0]) for r in rows}


def articles_of_files(index: Index, paths: Sequence[str]) -> list[tuple[int, str, str]]:
    """(rowid, id, title) of the articles these files hold, newest first."""
    sql = (
        "SELECT a.rowid, a.id, a.title FROM files f JOIN articles a ON a.rowid=f.article"
        " WHERE f.path IN (SELECT value FROM json_each(?)) ORDER BY a.date DESC, a.at DESC, a.rowid DESC"
    )
    with index.lock:
        return [(int(r), str(i), str(t)) for r, i, t in index.conn.execute(sql, (json.dumps(list(paths)),))]
