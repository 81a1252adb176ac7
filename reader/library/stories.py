"""The stories of the articles in view, as the CLI and the UI read them."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.model import Story
from reader.store import Index

if TYPE_CHECKING:
    import numpy as np


def stories(index: Index, roots: Sequence[str], limit: int | None = None) -> list[Story]:
    """Stories of the articles under these roots, newest first (by their
    newest article), each titled by its first article."""
    found = index.story_rows(roots)[:limit]
    rows = index.rows([r for s in found for r in s.rowids])
    out = []
    for s in found:
        articles = [rows[r] for r in s.rowids if r in rows]
        if articles:
            out.append(Story(s.story, articles[0].title, s.date, tuple(a.id for a in articles), s.sources, s.rowids))
    return out


class Folding:
    """One row a story: a list of articles folded to the first article of
    each story, where its first member stood. The map of every article to
    its story's first is read once for each state of the index."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._generation = -1
        self._firsts: np.ndarray | None = None

    def _map(self) -> np.ndarray:
        import numpy as np

        generation = self._index.generation()
        if self._firsts is None or generation != self._generation:
            rowids, firsts = self._index.story_firsts()
            mapping = np.arange(int(rowids.max()) + 1 if len(rowids) else 1, dtype=np.int64)  # each its own story but these
            mapping[rowids] = firsts
            self._firsts, self._generation = mapping, generation
        return self._firsts

    def firsts(self, rowids: np.ndarray) -> np.ndarray:
        """The first article of each of these articles' stories (an article
        indexed after the map was read is its own)."""
        import numpy as np

        mapping = self._map()
        known = rowids < len(mapping)
        return np.where(known, mapping[np.where(known, rowids, 0)], rowids)

    def members(self, rowids: np.ndarray, among: np.ndarray) -> np.ndarray:
        """The articles ``among`` these whose stories are those of ``rowids``."""
        import numpy as np

        return among[np.isin(self.firsts(among), self.firsts(rowids))]

    def fold(self, rowids: array[int]) -> array[int]:
        """The first article of each story these articles are in, in the order
        the stories first appear among them (linear: no sort)."""
        import numpy as np

        if not rowids or len(self._map()) == 1:
            return rowids
        firsts = self.firsts(np.frombuffer(rowids, dtype=np.int64))
        places = np.arange(len(firsts))
        where = np.empty(int(firsts.max()) + 1, dtype=np.int64)
        where[firsts[::-1]] = places[::-1]  # the last write wins: each story's first place among these
        return array("q", firsts[where[firsts] == places].tobytes())


def also_reported(index: Index, roots: Sequence[str], article_id: str, shown: int = 2) -> str:
    """ "Also reported by A, B (+3)": the other sources of an article's story
    (empty when it is a story of one source)."""
    rowid = index.rowid_of(article_id, roots)
    if rowid is None:
        return ""
    members = index.story_members(rowid, roots)
    rows = index.rows(members)
    own = rows[rowid].source if rowid in rows else ""
    others = list(dict.fromkeys(rows[r].source for r in members if r in rows and rows[r].source != own))  # earliest first
    if not others:
        return ""
    more = f" (+{len(others) - shown})" if len(others) > shown else ""
    return f"Also reported by {', '.join(others[:shown])}{more}"


def neighbour(index: Index, roots: Sequence[str], article_id: str, step: int) -> int | None:
    """The article ``step`` places from this one in its story (earliest
    first, round the end), or None in a story of one."""
    rowid = index.rowid_of(article_id, roots)
    if rowid is None:
        return None
    members = index.story_members(rowid, roots)
    if len(members) < 2 or rowid not in members:
        return None
    return members[(members.index(rowid) + step) % len(members)]


def story_ids(index: Index, roots: Sequence[str], article_id: str) -> list[str]:
    """The ids of the articles under these roots of an article's story (its own at least)."""
    rowid = index.rowid_of(article_id, roots)
    members = [] if rowid is None else index.story_members(rowid, roots)
    return list(dict.fromkeys([article_id, *index.ids_of(members)]))
