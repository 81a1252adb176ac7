"""Saved searches (SPEC §12): keeping them, counting what they match, and
the alerts they raise for the articles a fetch brought."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

from reader.model import Alert, ReaderError, SavedSearch
from reader.sanitize import clean_line
from reader.search import QueryError, parse
from reader.store import StoreError
from reader.store.searches import Searches, SearchRow, articles_of_files, ids_in_roots, read_rowids

if TYPE_CHECKING:
    from reader.library import Library

MAX_NAME = 100


class Follow:
    """The saved searches of a library, through its connections and its
    writer."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def rows(self) -> list[SearchRow]:
        return Searches(self.library.state).all()

    def muted_queries(self) -> list[str]:
        """What the searches marked mute ask for (the searcher leaves it out)."""
        return [row.query for row in self.rows() if row.mute]

    # -- keeping them -----------------------------------------------------------

    def save(self, name: str, query: str, alert: bool = False, mute: bool = False) -> Future[bool]:
        """Keep a search under a name (one of that name is replaced); the
        future tells whether the name was new. A malformed or empty query,
        or a name that is empty or not one line, is refused at once with a
        ReaderError."""
        row = checked(name, query, alert, mute)
        library = self.library
        return library._save(lambda: Searches(library._state_w).save(row))

    def remove(self, name: str) -> None:
        library = self.library
        if not library._save(lambda: Searches(library._state_w).remove(name)).result():
            raise StoreError(f"no saved search named {name!r} (reader searches list)")

    # -- counting ---------------------------------------------------------------

    def listed(self) -> list[SavedSearch]:
        """Every saved search with the articles it matches and how many of
        them are unread: its own search, less the articles read (one set
        for them all, as large as what was read)."""
        import numpy as np

        rows = self.rows()
        if not rows:
            return []
        read = read_rowids(self.library.index)
        out = []
        for row in rows:
            found = self.library.search(row.query, ranked=False)  # counted, not ranked: no BM25
            matched = np.frombuffer(found.rowids, dtype=np.int64)
            out.append(
                SavedSearch(row.name, row.query, row.alert, row.mute, len(matched), len(matched) - int(np.isin(matched, read).sum()))
            )
        return out

    # -- alerts -----------------------------------------------------------------

    def before_fetch(self, roots: Sequence[str]) -> set[str] | None:
        """The ids of the articles under the roots a fetch is about to write,
        to tell the new ones from the updated ones after it; None when no
        search alerts (nothing to tell then)."""
        if not any(row.alert for row in self.rows()):
            return None
        return ids_in_roots(self.library.index, roots)

    def alerts(self, before: set[str] | None, written: Sequence[str]) -> list[Alert]:
        """One alert for each alerting search that matches articles new in a
        fetch (files ``written`` holding ids not in ``before``). What a muted
        search matches raises none. When an alerting (or muting) search asks
        for entities, the new articles' entities are extracted first."""
        import numpy as np

        if before is None or not written:
            return []
        new = [(rowid, id_, title) for rowid, id_, title in articles_of_files(self.library.index, written) if id_ not in before]
        rows = self.rows()
        alerting = [row for row in rows if row.alert]
        if not new or not alerting:
            return []
        rowids = np.array([rowid for rowid, _, _ in new], dtype=np.int64)
        if any(self.library.asks_for_entities(row.query) for row in rows if row.alert or row.mute):
            self.library._extract_rows([int(r) for r in rowids])
        out = []
        for row in alerting:
            found = self.library.search(row.query, ranked=False)  # counted, not ranked: no BM25
            hit = np.isin(rowids, np.frombuffer(found.rowids, dtype=np.int64))
            if hit.any():
                chosen = [item for item, yes in zip(new, hit.tolist(), strict=True) if yes]
                out.append(Alert(row.name, tuple(i for _, i, _ in chosen), tuple(t for _, _, t in chosen)))
        return out


def checked(name: str, query: str, alert: bool, mute: bool) -> SearchRow:
    """A saved search as it is kept, or a ReaderError saying what is wrong."""
    shown = clean_line(name)
    if not shown or shown != name.strip() or len(shown) > MAX_NAME:
        raise ReaderError(f"a saved search's name is one line of 1 to {MAX_NAME} characters, not {name!r}")
    parsed = parse(query)
    if isinstance(parsed, QueryError):
        raise ReaderError(f"bad query: {parsed}")
    if parsed.empty:
        raise ReaderError("bad query: nothing to search for")
    return SearchRow(shown, " ".join(query.split()), alert, mute)
