"""The articles in view: their rows, one article, the search over them, and an article's full text."""

from __future__ import annotations

import os
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path

from reader import corpus, indexing, reading
from reader.library.session import Session
from reader.library.sources import Sources
from reader.model import Article, Found, ListRow, ReaderError, SearchHit, Snippet
from reader.query import Query, parse
from reader.sanitize import clean_line
from reader.search import Searcher


class Articles:
    """What is in view, read from the index; searches run on their own connection."""

    def __init__(self, session: Session, sources: Sources, muted: Callable[[], Sequence[str]]) -> None:
        self.session = session
        self.sources = sources
        self.searcher = Searcher(session.queries, sources.scope, sources.resolve, muted)

    # -- rows and articles ----------------------------------------------------

    def all_rowids(self) -> array[int]:
        return self.searcher.order()

    def newest(self, limit: int) -> array[int] | None:
        return self.searcher.newest(limit)

    def count(self) -> int:
        return self.searcher.count()

    def list_rows(self) -> list[ListRow]:
        rowids = self.all_rowids()
        rows = self.session.index.rows(rowids)
        return [rows[r] for r in rowids]

    def find(self, key: str) -> Article | None:
        """An article in view by id, any article by the path of its file, or
        a fetched item kept out of view by id (a removed feed's bookmarked item)."""
        index = self.session.index
        rowid = index.rowid_of(key, self.sources.scope())
        if rowid is None:
            path = Path(key)
            if path.exists():
                rowid = index.rowid_of_path(str(path.absolute()))
                if rowid is None:
                    return corpus.load(path).article
            else:
                return self._kept_item(key)
        return None if rowid is None else index.article(rowid)

    def _kept_item(self, item_id: str) -> Article | None:
        folder = self.session.items.folder_of(item_id)
        if folder is None:
            return None
        address = self.session.data_dir / "feeds" / folder / f"{item_id}.md"
        try:
            return corpus.load(address, self.session.documents.read(str(address))).article
        except corpus.ArticleError:  # removed meanwhile
            return None

    def next_unread(self, rowids: array[int], position: int, step: int) -> int | None:
        """The position in ``rowids`` of the next unread article after (step 1)
        or before (step -1) ``position``; None when there is none."""
        import numpy as np

        unread = np.flatnonzero(np.isin(np.frombuffer(rowids, dtype=np.int64), self.session.index.ids_filtered("is:unread", [])))
        if step > 0:
            after = unread[unread > position]
            return int(after[0]) if len(after) else None
        before = unread[unread < position]
        return int(before[-1]) if len(before) else None

    def unread_among(self, rowids: array[int]) -> list[str]:
        """The ids of the articles among ``rowids`` that are not read yet."""
        import numpy as np

        given = np.frombuffer(rowids, dtype=np.int64)
        unread = given[np.isin(given, self.session.index.ids_filtered("is:unread", []))]
        return self.session.index.ids_of([int(r) for r in unread])

    # -- searching ----------------------------------------------------------

    def search(self, text: str, partial: bool = False, bookmarked_only: bool = False, ranked: bool | None = None) -> Found:
        """Every article in view the query finds (see :meth:`Searcher.find`)."""
        return self.searcher.find(text, partial, bookmarked_only, ranked)

    def snippets(self, found: Found, rowids: Sequence[int]) -> dict[int, Snippet]:
        """Where the query's words stand in each of these articles: a window
        of its text and the matches in it; nothing when the query has
        no words (a filter alone shows no snippet)."""
        if not self.searcher.has_words(found):
            return {}
        out = {}
        for rowid in rowids:
            article = self.session.index.article(rowid)
            if article is not None:
                out[rowid] = self.searcher.snippet(found, article.body)
        return out

    @staticmethod
    def asks_for_entities(text: str) -> bool:
        """Whether a query filters on entities (answered from the entity index)."""
        parsed = parse(text)
        return isinstance(parsed, Query) and any(t.kinds for t in parsed.terms)

    def hits(self, text: str, limit: int) -> list[SearchHit]:
        """The best ``limit`` hits, ranked, with snippets; raises
        ValueError for a malformed query."""
        found = self.search(text, ranked=True)
        if found.error:
            raise ValueError(f"bad query: {found.error}")
        hits = []
        story_of = self.session.index.story_ids(list(found.rowids[:limit]))
        for rowid in found.rowids[:limit]:
            article = self.session.index.article(rowid)
            if article is not None:
                snippet = self.searcher.snippet(found, article.body)
                score = found.scores.get(rowid, 0.0)
                story = story_of.get(rowid, article.id)
                hits.append(SearchHit(article.id, article.title, article.date, article.source, score, snippet.text, snippet.marks, story))
        return hits

    # -- full text (the logic is in reading.py and fulltext.py) -------------

    def full_text(self, article: Article) -> Article:
        """Fetch, extract and keep the article's full text, index it as the
        article's body and return the article with it; raises ReaderError
        with one line saying why not. A read-only library shows it without
        keeping it."""
        if not article.url:
            raise ReaderError("this article has no URL")
        from reader import fulltext  # the HTTP client and the extractor: not every command's start

        result = fulltext.full_text(article.url)
        if isinstance(result, fulltext.Failure):
            raise ReaderError(str(result))
        session = self.session
        if session.readonly:
            return reading.shown_full_text(article, result.markdown)
        try:
            kept = fulltext.kept_text(article.id, article.title, article.date, article.source, result)
            session.items.keep_full_text(article.id, fulltext.fetched_of(kept), kept)
            root = session.index.root_of(article.path)
            known = self._known(article.path)
            if root is not None and known is not None:
                item = indexing.prepare(article.path, None, session.documents)
                if item[1] is not None:
                    stat = {article.path: known}
                    session.write(lambda: session.index_w.apply({article.path: root}, stat, [item])).result()
        except (OSError, sqlite3.Error) as error:
            raise ReaderError(f"the full text could not be kept: {clean_line(str(error))}") from error
        return reading.with_full_text(article, session.documents)

    def _known(self, path: str) -> tuple[int, int] | None:
        """An article's size and mtime (a file's) or stamp (an item's), as the index compares them."""
        documents = self.session.documents
        if documents.is_item(path):
            found = self.session.items.data_known(Path(path).name[:16])
            return found[1] if found is not None else None
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns
