"""The index's stories: every statement that groups articles, or reads the groups.

An article joins the stories of the articles it reports one event with (found
by an indexed look-up of its band keys within the dates that may hold them,
then checked by :func:`reader.stories.same_event`), and each link
is kept, so that an article leaving splits its story along the links that
remain. A story's id is the id of its earliest article: it does not depend
on the order articles were indexed in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.stories import WINDOW_DAYS, Marks, band_keys, same_event

if TYPE_CHECKING:
    import numpy as np

SCHEMA = """
-- Stories (reader.stories, reader.store.stories): one event from many sources.
CREATE TABLE story_marks(rowid INTEGER PRIMARY KEY, day INTEGER, lead BLOB NOT NULL, lead_size INTEGER NOT NULL);
-- Day first: an article's keys sit together, and a batch of one week's news touches few pages
-- (keyed by the random key first, 500 articles rewrote most of the table's pages: 2.5 times the cost at 10,000).
CREATE TABLE story_keys(day INTEGER NOT NULL, key INTEGER NOT NULL, rowid INTEGER NOT NULL,
                        PRIMARY KEY(day, key, rowid)) WITHOUT ROWID;
CREATE TABLE story_links(a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
-- Each article's story: its id (the earliest article's id) and its first article's rowid.
CREATE TABLE story_of(rowid INTEGER PRIMARY KEY, story TEXT NOT NULL, first INTEGER NOT NULL);
CREATE INDEX story_members ON story_of(story);
"""

_CANDIDATES = (
    "SELECT DISTINCT k.rowid, m.day, m.lead, m.lead_size FROM story_keys k JOIN story_marks m USING (rowid)"
    f" WHERE k.day IN ({','.join('?' * (2 * WINDOW_DAYS + 1))}) AND k.key IN ({{keys}})"
)


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story: its id, its articles' rowids (earliest first), sources and newest date."""

    story: str
    rowids: tuple[int, ...]
    sources: tuple[str, ...]
    date: str


def _marks(row: Sequence[object]) -> Marks:
    day, lead, lead_size = row
    return Marks(day, bytes(lead), int(lead_size))  # type: ignore[arg-type, call-overload]


def join(tx: sqlite3.Connection, rowid: int, article_id: str, marks: Marks | None) -> None:
    """An article just inserted joins the stories it reports one event with, or starts one."""
    tx.execute("INSERT INTO story_of VALUES (?,?,?)", (rowid, article_id, rowid))
    if marks is None:
        return
    tx.execute("INSERT INTO story_marks VALUES (?,?,?,?)", (rowid, marks.day, marks.lead, marks.lead_size))
    keys = marks.keys
    if not keys or marks.day is None:
        return
    days = range(marks.day - WINDOW_DAYS, marks.day + WINDOW_DAYS + 1)
    found = tx.execute(_CANDIDATES.format(keys=",".join("?" * len(keys))), (*days, *keys))
    linked = [int(row[0]) for row in found.fetchall() if same_event(marks, _marks(row[1:]))]
    tx.executemany("INSERT OR IGNORE INTO story_keys VALUES (?,?,?)", [(marks.day, k, rowid) for k in keys])
    if linked:
        tx.executemany("INSERT OR IGNORE INTO story_links VALUES (?,?)", [p for o in linked for p in ((rowid, o), (o, rowid))])
        stories = sorted(
            {str(r[0]) for r in tx.execute(f"SELECT story FROM story_of WHERE rowid IN ({','.join('?' * len(linked))})", linked)}
        )
        members = [rowid] + [int(r[0]) for s in stories for r in tx.execute("SELECT rowid FROM story_of WHERE story=?", (s,))]
        _name(tx, members)


def leave(tx: sqlite3.Connection, rowid: int) -> None:
    """An article about to be dropped leaves its story, which splits along the links left."""
    row = tx.execute("SELECT story FROM story_of WHERE rowid=?", (rowid,)).fetchone()
    marks = tx.execute("SELECT day, lead, lead_size FROM story_marks WHERE rowid=?", (rowid,)).fetchone()
    if marks is not None and marks[0] is not None:
        day, lead, size = marks
        keys = band_keys(bytes(lead)) if size else ()
        tx.executemany("DELETE FROM story_keys WHERE day=? AND key=? AND rowid=?", [(day, k, rowid) for k in keys])
    tx.execute("DELETE FROM story_marks WHERE rowid=?", (rowid,))
    tx.execute("DELETE FROM story_links WHERE a=?", (rowid,))
    tx.execute("DELETE FROM story_links WHERE b=?", (rowid,))
    tx.execute("DELETE FROM story_of WHERE rowid=?", (rowid,))
    if row is None:
        return
    left = [int(r[0]) for r in tx.execute("SELECT rowid FROM story_of WHERE story=?", (row[0],))]
    unseen = set(left)
    while unseen:  # each part still linked together is a story
        part, todo = set(), [unseen.pop()]
        while todo:
            one = todo.pop()
            part.add(one)
            for (other,) in tx.execute("SELECT b FROM story_links WHERE a=?", (one,)).fetchall():
                if other in unseen:
                    unseen.discard(other)
                    todo.append(other)
        _name(tx, sorted(part))


def _name(tx: sqlite3.Connection, members: Sequence[int]) -> None:
    """Members of one story named after the earliest of them."""
    marks = ",".join("?" * len(members))
    first = tx.execute(
        f"SELECT id, rowid FROM articles WHERE rowid IN ({marks}) ORDER BY date, at, id, rowid LIMIT 1", list(members)
    ).fetchone()
    tx.execute(f"UPDATE story_of SET story=?, first=? WHERE rowid IN ({marks})", (first[0], first[1], *members))


class Stories:
    """Reads of the stories, on an index connection (``_rows`` of the store's ``_Db``)."""

    if TYPE_CHECKING:

        def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]: ...

    def story_ids(self, rowids: Sequence[int]) -> dict[int, str]:
        """The story of each of these articles."""
        out: dict[int, str] = {}
        for start in range(0, len(rowids), 10_000):
            part = list(rowids[start : start + 10_000])
            rows = self._rows(f"SELECT rowid, story FROM story_of WHERE rowid IN ({','.join('?' * len(part))})", part)
            out.update({int(r): str(s) for r, s in rows})  # type: ignore[call-overload]
        return out

    def story_members(self, rowid: int, roots: Sequence[str]) -> list[int]:
        """The articles of an article's story under these roots, earliest first."""
        marks = ",".join("?" * len(roots))
        rows = self._rows(
            "SELECT s.rowid FROM story_of s JOIN articles a USING (rowid)"
            f" WHERE s.story=(SELECT story FROM story_of WHERE rowid=?) AND a.root IN ({marks}) ORDER BY a.date, a.at, a.id, a.rowid",
            (rowid, *roots),
        )
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    def story_firsts(self) -> tuple[np.ndarray, np.ndarray]:
        """The articles that are not their story's first, and their stories'
        firsts, as two arrays (read as one string each and parsed in C: most
        articles are a story of their own, and 100,000 rows cost milliseconds)."""
        import numpy as np

        text = self._rows("SELECT group_concat(rowid), group_concat(first) FROM (SELECT rowid, first FROM story_of WHERE first != rowid)")[
            0
        ]
        rowids, firsts = (np.fromstring(str(t), dtype=np.int64, sep=",") if t else np.empty(0, dtype=np.int64) for t in text)
        return rowids, firsts

    def story_rows(self, roots: Sequence[str]) -> list[StoryRow]:
        """Every story of the articles under these roots, newest first
        (by its newest article), each with its articles earliest first."""
        marks = ",".join("?" * len(roots))
        rows = self._rows(
            "SELECT s.story, a.rowid, a.source, a.date FROM story_of s JOIN articles a USING (rowid)"
            f" WHERE a.root IN ({marks}) ORDER BY s.story, a.date, a.at, a.id",
            list(roots),
        )
        grouped: dict[str, list[tuple[int, str, str]]] = {}
        for story, rowid, source, date in rows:
            grouped.setdefault(str(story), []).append((int(rowid), str(source), str(date)))  # type: ignore[call-overload]
        out = [
            StoryRow(story, tuple(r for r, _, _ in items), tuple(dict.fromkeys(s for _, s, _ in items)), max(d for _, _, d in items))
            for story, items in grouped.items()
        ]
        out.sort(key=lambda s: (s.date, s.story), reverse=True)
        return out
