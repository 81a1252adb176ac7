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

from reader.stories import NAMED_DAYS, NAMED_SHARED, WINDOW_DAYS, Marks, names_agree, same_event, stored_keys, told_apart
from reader.stories import words as words_of
from reader.text import lemmas

if TYPE_CHECKING:
    import numpy as np

SCHEMA = """
-- Stories (reader.stories, reader.store.stories): one event from many sources.
CREATE TABLE story_marks(rowid INTEGER PRIMARY KEY, day INTEGER, lead BLOB NOT NULL, lead_size INTEGER NOT NULL);
-- A band key with its span of days in its high bits (reader.stories.stored_keys): an article's keys sit
-- together, and a batch of one week's news touches few pages (keyed by the random key first, 500 articles
-- rewrote most of the table's pages: 2.5 times the cost at 10,000). One column, so that a batch's keys are
-- looked up in one statement (Batch).
CREATE TABLE story_keys(key INTEGER NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY(key, rowid)) WITHOUT ROWID;
-- New key rows go here first, and move to story_keys in key order once there are STAGED_ROWS of them: a batch
-- of articles of many dates touches most pages of a large key table (at 100,000 articles of seven years, a
-- batch of 500 dirtied thousands), of this small one a few hundred, and a move writes each page of the large
-- one once. A look-up reads both.
CREATE TABLE story_keys_new(key INTEGER NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY(key, rowid)) WITHOUT ROWID;
-- how: 0 a copy (the leads), 1 told apart (names and words, known once the names are extracted).
CREATE TABLE story_links(a INTEGER NOT NULL, b INTEGER NOT NULL, how INTEGER NOT NULL, PRIMARY KEY(a, b, how)) WITHOUT ROWID;
-- Each article's story: its id (the earliest article's id) and its first article's rowid.
CREATE TABLE story_of(rowid INTEGER PRIMARY KEY, story TEXT NOT NULL, first INTEGER NOT NULL);
CREATE INDEX story_members ON story_of(story);
"""

# The key rows of a batch's keys (a JSON array), each key looked up in the table's order (CROSS JOIN: json_each
# first; left to itself, the planner scanned the key table for each).
_LOOKUP = (
    "SELECT k.key, k.rowid FROM json_each(?1) j CROSS JOIN story_keys k ON k.key = j.value"
    " UNION ALL SELECT k.key, k.rowid FROM json_each(?1) j CROSS JOIN story_keys_new k ON k.key = j.value"
)
_KEYS = "INSERT OR IGNORE INTO story_keys_new SELECT value, ? FROM json_each(?)"  # an article's key rows: one statement
# Staged key rows moved at once (16 an article: 4,096 articles). At 100,000 articles of seven years, the index's
# writer alone: 62-71 s of CPU with the rows written to the key table, 55-59 s staged (see docs/stories.md).
STAGED_ROWS = 65_536
# A story is one event: its articles within STORY_DAYS of each other, and at most STORY_MEMBERS of them. Links
# are pairwise, so without these a chain of look-alikes (a daily briefing that opens the same way every day)
# would join for months into one story, hiding news, and every join would rename all of its members.
STORY_DAYS = 2 * WINDOW_DAYS
STORY_MEMBERS = 500

COPY, TOLD_APART = 0, 1  # how two articles are linked
# The articles sharing enough of an article's names within the days, with how many names each has.
_NAMED = (
    "SELECT m.article, m.day, count(*), (SELECT count(*) FROM mentions o WHERE o.article=m.article) FROM mentions m"
    " WHERE m.name IN (SELECT name FROM mentions WHERE article=?) AND m.day BETWEEN ? AND ? AND m.article != ?"
    " GROUP BY m.article HAVING count(*) >= ?"
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


class Batch:
    """The articles a batch (one transaction) may join: its articles' keys are
    looked up at once before any is written (one statement: a look-up an
    article, 16 or 32 B-tree probes, cost 60-90 µs of the writer's time at
    10,000 articles), and its own articles are found as each is joined."""

    def __init__(self, tx: sqlite3.Connection, marks: Sequence[Marks | None]) -> None:
        _settle(tx)
        wanted = sorted({k for m in marks if m is not None for k in (*m.keys, *m.near)})
        self._before: dict[int, list[int]] = {}  # stored key: the articles indexed before the batch
        for key, rowid in tx.execute(_LOOKUP, (_ids(wanted),)) if wanted else ():
            self._before.setdefault(int(key), []).append(int(rowid))
        self._now: dict[int, list[int]] = {}  # stored key: the batch's articles joined so far
        self._joined: set[int] = set()  # the batch's articles (a rowid of one dropped may be given again)

    def candidates(self, marks: Marks) -> list[int]:
        """The articles sharing a band key with these marks in the days their copies may be in."""
        wanted = (*marks.keys, *marks.near)
        found = {r for key in self._before.keys() & wanted for r in self._before[key] if r not in self._joined}
        found.update(r for key in self._now.keys() & wanted for r in self._now[key])
        return sorted(found)

    def joined(self, rowid: int, keys: Sequence[int] = ()) -> None:
        self._joined.add(rowid)
        for key in keys:
            self._now.setdefault(key, []).append(rowid)


def _settle(tx: sqlite3.Connection) -> None:
    """The staged key rows moved to the key table, in key order, once there are
    enough: at a batch's start, before its articles' text is pending in FTS5
    (which a statement of many rows could make it write out)."""
    if tx.execute("SELECT count(*) FROM story_keys_new").fetchone()[0] >= STAGED_ROWS:
        tx.execute("INSERT OR IGNORE INTO story_keys SELECT key, rowid FROM story_keys_new")
        tx.execute("DELETE FROM story_keys_new")


def join(tx: sqlite3.Connection, batch: Batch, rowid: int, article_id: str, marks: Marks | None) -> None:
    """An article just inserted joins the stories it reports one event with, or starts one."""
    tx.execute("INSERT INTO story_of VALUES (?,?,?)", (rowid, article_id, rowid))
    batch.joined(rowid)
    if marks is None:
        return
    tx.execute("INSERT INTO story_marks VALUES (?,?,?,?)", (rowid, marks.day, marks.lead, marks.lead_size))
    if not marks.keys:  # undated, or no words
        return
    found = batch.candidates(marks)
    marked = (
        tx.execute("SELECT rowid, day, lead, lead_size FROM story_marks WHERE rowid IN (SELECT value FROM json_each(?))", (_ids(found),))
        if found
        else ()
    )
    linked = [int(r[0]) for r in marked if same_event(marks, _marks(r[1:]))]
    tx.execute(_KEYS, (rowid, _ids(marks.keys)))
    batch.joined(rowid, marks.keys)
    _link(tx, rowid, linked, COPY)


def join_named(tx: sqlite3.Connection, rowid: int) -> None:
    """An article whose names were just stored (its ``mentions``) joins the
    stories of the articles it reports one event with, told apart: found by
    the names they share within the days that may hold them, then checked by
    :func:`reader.stories.told_apart`. Names stored again (another version of
    the extractor) undo what the old ones joined first."""
    _unlink(tx, rowid, TOLD_APART)
    mine = tx.execute("SELECT name, day FROM mentions WHERE article=?", (rowid,)).fetchall()
    day = int(mine[0][1]) if mine else 0
    if len(mine) < NAMED_SHARED or not day:
        return
    names = frozenset(int(n) for n, _ in mine)
    found = tx.execute(_NAMED, (rowid, day - NAMED_DAYS, day + NAMED_DAYS, rowid, NAMED_SHARED)).fetchall()
    words: frozenset[str] | None = None
    linked = []
    for other, other_day, shared, others in found:
        if not names_agree(int(shared), len(names), int(others)):  # most candidates end here, no text read
            continue
        theirs = frozenset(int(r[0]) for r in tx.execute("SELECT name FROM mentions WHERE article=?", (other,)))
        words = _words(tx, rowid) if words is None else words
        if told_apart(day, int(other_day), names, theirs, words, _words(tx, int(other))):
            linked.append(int(other))
    _link(tx, rowid, linked, TOLD_APART)


def _words(tx: sqlite3.Connection, rowid: int) -> frozenset[str]:
    row = tx.execute("SELECT a.lang, b.body FROM articles a JOIN bodies b USING (rowid) WHERE rowid=?", (rowid,)).fetchone()
    return frozenset() if row is None else words_of(lemmas.normalise_text(str(row[1]), str(row[0])))


def _link(tx: sqlite3.Connection, rowid: int, linked: Sequence[int], how: int) -> None:
    """Links from an article to these, and one story of theirs and its."""
    if not linked:
        return
    tx.executemany("INSERT OR IGNORE INTO story_links VALUES (?,?,?)", [p for o in linked for p in ((rowid, o, how), (o, rowid, how))])
    stories = sorted(
        {str(r[0]) for r in tx.execute("SELECT story FROM story_of WHERE rowid IN (SELECT value FROM json_each(?))", (_ids(linked),))}
    )
    members, days = {rowid}, _days(tx, [rowid])
    for story in stories:  # each story the article reports, while the whole stays within STORY_DAYS
        theirs = [int(r[0]) for r in tx.execute("SELECT rowid FROM story_of WHERE story=?", (story,))]
        if len(members) + len(theirs) > STORY_MEMBERS:
            continue
        both = days + _days(tx, theirs)
        if both and max(both) - min(both) > STORY_DAYS:
            continue
        members.update(theirs)
        days = both
    if len(members) > 1:
        _name(tx, sorted(members))


def _ids(rowids: Sequence[int]) -> str:
    """Rowids (or keys) as one JSON parameter (``json_each``): no limit on how many."""
    return "[" + ",".join(map(str, rowids)) + "]"


def _days(tx: sqlite3.Connection, rowids: Sequence[int]) -> list[int]:
    rows = tx.execute("SELECT day FROM story_marks WHERE rowid IN (SELECT value FROM json_each(?)) AND day IS NOT NULL", (_ids(rowids),))
    return [int(r[0]) for r in rows]


def _unlink(tx: sqlite3.Connection, rowid: int, how: int) -> None:
    """An article's links of one kind gone, and its story split along the links left."""
    if tx.execute("SELECT 1 FROM story_links WHERE a=? AND how=? LIMIT 1", (rowid, how)).fetchone() is None:
        return
    tx.execute("DELETE FROM story_links WHERE a=? AND how=?", (rowid, how))
    tx.execute("DELETE FROM story_links WHERE b=? AND how=?", (rowid, how))
    row = tx.execute("SELECT story FROM story_of WHERE rowid=?", (rowid,)).fetchone()
    if row is not None:
        _split(tx, str(row[0]))


def leave(tx: sqlite3.Connection, rowid: int) -> None:
    """An article about to be dropped leaves its story, which splits along the links left."""
    row = tx.execute("SELECT story FROM story_of WHERE rowid=?", (rowid,)).fetchone()
    marks = tx.execute("SELECT day, lead, lead_size FROM story_marks WHERE rowid=?", (rowid,)).fetchone()
    if marks is not None and marks[0] is not None:
        day, lead, size = marks
        keys = stored_keys(bytes(lead), int(day)) if size else ()
        for table in ("story_keys", "story_keys_new"):
            tx.executemany(f"DELETE FROM {table} WHERE key=? AND rowid=?", [(k, rowid) for k in keys])
    tx.execute("DELETE FROM story_marks WHERE rowid=?", (rowid,))
    tx.execute("DELETE FROM story_links WHERE a=?", (rowid,))
    tx.execute("DELETE FROM story_links WHERE b=?", (rowid,))
    tx.execute("DELETE FROM story_of WHERE rowid=?", (rowid,))
    if row is not None:
        _split(tx, str(row[0]))


def _split(tx: sqlite3.Connection, story: str) -> None:
    """A story's members, each part still linked together a story."""
    left = [int(r[0]) for r in tx.execute("SELECT rowid FROM story_of WHERE story=?", (story,))]
    unseen = set(left)
    while unseen:
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
    first = tx.execute(
        "SELECT id, rowid FROM articles WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY date, at, id, rowid LIMIT 1",
        (_ids(members),),
    ).fetchone()
    # A row a statement: an UPDATE that may change several rows opens a statement journal, and that makes FTS5
    # write out the batch's pending terms (10-30 ms a rename in a batch of 500, and one segment more to merge).
    tx.executemany("UPDATE story_of SET story=?, first=? WHERE rowid=?", [(first[0], first[1], m) for m in members])


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

    def story_counts(self, roots: Sequence[str], hidden: Sequence[int] = ()) -> dict[str, tuple[int, int]]:
        """Stories and unread stories of each root (a story counts for every
        root that holds one of its articles, unread while one of those is),
        leaving out the articles ``hidden``."""
        marks = ",".join("?" * len(roots))
        sql = (
            "SELECT a.root, count(DISTINCT s.story), count(DISTINCT CASE WHEN r.id IS NULL THEN s.story END)"
            " FROM articles a JOIN story_of s ON s.rowid=a.rowid LEFT JOIN state.reads r ON r.id=a.id"
            f" WHERE a.root IN ({marks}) AND a.rowid NOT IN (SELECT value FROM json_each(?)) GROUP BY a.root"
        )
        rows = self._rows(sql, [*roots, "[" + ",".join(map(str, hidden)) + "]"])
        return {str(root): (int(n), int(unread or 0)) for root, n, unread in rows}  # type: ignore[call-overload]

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
