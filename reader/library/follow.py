"""Saved searches (SPEC §12): keeping them, counting what they match, and
the alerts they raise for the articles a fetch brought."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

from reader.library.articles import Articles
from reader.library.extraction import Extractor
from reader.library.session import Session
from reader.model import Alert, ReaderError, SavedSearch
from reader.query import QueryError, parse
from reader.sanitize import clean_line
from reader.store import StoreError
from reader.store.searches import Searches, SearchRow, articles_of_files, counts_among, ids_in_roots, read_rowids

if TYPE_CHECKING:
    import numpy as np

MAX_NAME = 100


def muted_queries(session: Session) -> list[str]:
    """What the searches marked mute ask for (the searcher leaves it out)."""
    return [row.query for row in Searches(session.state).all() if row.mute]


class Follow:
    """The saved searches of a library: kept through its writer, counted
    and alerted on through its searches."""

    def __init__(self, session: Session, articles: Articles, extractor: Extractor) -> None:
        self.session = session
        self.articles = articles
        self.extractor = extractor

    def rows(self) -> list[SearchRow]:
        return Searches(self.session.state).all()

    # -- keeping them -----------------------------------------------------------

    def save(self, name: str, query: str, alert: bool = False, mute: bool = False) -> Future[bool]:
        """Keep a search under a name (one of that name is replaced); the
        future tells whether the name was new. A malformed or empty query,
        or a name that is empty or not one line, is refused at once with a
        ReaderError."""
        row = checked(name, query, alert, mute)
        session = self.session
        return session.save(lambda: Searches(session.state_w).save(row))

    def remove(self, name: str) -> None:
        session = self.session
        if not session.save(lambda: Searches(session.state_w).remove(name)).result():
            raise StoreError(f"no saved search named {name!r} (reader searches list)")

    # -- counting ---------------------------------------------------------------

    def counts(self, roots: Sequence[str], by_story: bool = False) -> dict[str, tuple[int, int]]:
        """Articles (or stories) and unread articles (or stories) of each
        root, less what muted searches hide."""
        index = self.session.index
        hidden = self.articles.searcher.muted()
        if by_story:
            return index.story_counts(roots, [] if hidden is None else hidden.tolist())
        counts = index.counts(roots)
        if hidden is None:
            return counts
        for root, (articles, unread) in counts_among(index, hidden).items():
            if root in counts:
                counts[root] = (counts[root][0] - articles, counts[root][1] - unread)
        return counts

    def listed(self, firsts: Callable[[np.ndarray], np.ndarray] | None = None) -> list[SavedSearch]:
        """Every saved search with the articles it matches and how many of
        them are unread: its own search, less the articles read (one set
        for them all, as large as what was read); with ``firsts`` (each
        article's story's first article), the stories and the unread ones."""
        import numpy as np

        rows = self.rows()
        if not rows:
            return []
        read = read_rowids(self.session.index)
        out = []
        for row in rows:
            found = self.articles.search(row.query, ranked=False)  # counted, not ranked: no BM25
            matched = np.frombuffer(found.rowids, dtype=np.int64)
            unread = matched[~np.isin(matched, read)]
            if firsts is not None:  # stories: one a first article
                matched, unread = np.unique(firsts(matched)), np.unique(firsts(unread))
            out.append(SavedSearch(row.name, row.query, row.alert, row.mute, len(matched), len(unread)))
        return out

    # -- alerts -----------------------------------------------------------------

    def before_fetch(self, roots: Sequence[str]) -> set[str] | None:
        """The ids of the articles under the roots a fetch is about to write,
        to tell the new ones from the updated ones after it; None when no
        search alerts (nothing to tell then)."""
        if not any(row.alert for row in self.rows()):
            return None
        return ids_in_roots(self.session.index, roots)

    def alerts(self, before: set[str] | None, written: Sequence[str]) -> list[Alert]:
        """One alert for each alerting search that matches articles new in a
        fetch (files ``written`` holding ids not in ``before``). What a muted
        search matches raises none. When an alerting (or muting) search asks
        for entities, the new articles' entities are extracted first."""
        import numpy as np

        if before is None or not written:
            return []
        new = [(rowid, id_, title) for rowid, id_, title in articles_of_files(self.session.index, written) if id_ not in before]
        rows = self.rows()
        alerting = [row for row in rows if row.alert]
        if not new or not alerting:
            return []
        rowids = np.array([rowid for rowid, _, _ in new], dtype=np.int64)
        if any(self.articles.asks_for_entities(row.query) for row in rows if row.alert or row.mute):
            self.extractor.extract_rows([int(r) for r in rowids])
        out = []
        for row in alerting:
            found = self.articles.search(row.query, ranked=False)  # counted, not ranked: no BM25
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
