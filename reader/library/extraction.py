"""Entities and figures of articles: from the cache, extracted here, or in worker processes in the background."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reader import indexing
from reader.background import BackgroundExtraction
from reader.library.entities import name_rows
from reader.library.session import Session
from reader.model import Article, Extraction
from reader.sanitize import clean_line
from reader.search import entity_tokens
from reader.text import extract


class Extractor:
    """Extraction of entities and figures, kept in the index by the hash of
    the article's text and the extractor's version."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def extraction(self, article: Article) -> Extraction:
        """Entities and figures of an article, from the cache when it has
        them; a new one is stored in the background."""
        found = self.cached(article)
        if found is None:
            found = extract.extract(article.body, article.lang, article.date)
            self.session.write(lambda: self._store([(indexing.text_digest(article), found)]))
        return found

    def cached(self, article: Article) -> Extraction | None:
        cached = self.session.index.cached_extraction(indexing.text_digest(article), extract.VERSION)
        return None if cached is None else extract.from_json(cached)

    def _store(self, items: Iterable[tuple[str, Extraction]], failures: Iterable[tuple[str, str]] = ()) -> None:
        rows = [
            (digest, extract.to_json(found), " zzsep ".join(entity_tokens(e.kind, e.normal) for e in found.entities), name_rows(found))
            for digest, found in items
        ]
        self.session.index_w.store_extractions(extract.VERSION, rows, failures)

    def pending(self) -> int:
        return self.session.index.pending_extraction(extract.VERSION)

    def failed(self) -> int:
        return sum(self.session.index.failed_extractions(extract.VERSION).values())

    def start(self) -> BackgroundExtraction | None:
        """Entity extraction of everything pending, in worker processes; None
        when there is nothing to do or nothing can be saved."""
        if self.session.readonly or not self.pending():
            return None
        return BackgroundExtraction(self.session.data_dir, self.pending).start()

    def extract_pending(self, batch: int = 32, part: int = 0, parts: int = 1) -> int:
        """Extract entities for every article in the index that lacks them
        (this process's ``part`` of ``parts``), a batch a transaction, so it
        resumes wherever it stops. An article the extractor raises on is
        recorded as failed and skipped until its text or the extractor
        changes. Returns how many were done."""
        done = 0
        while rowids := self.session.index.to_extract(extract.VERSION, batch, part, parts):
            done += self.extract_rows(rowids)
        return done

    def extract_rows(self, rowids: Sequence[int]) -> int:
        """Extract (or take from the cache) and store the entities of these
        articles, in one transaction; returns how many were done."""
        index = self.session.index
        found: list[tuple[str, Extraction]] = []
        failed: list[tuple[str, str]] = []
        for rowid in rowids:
            article = index.article(rowid)
            if article is None:
                continue
            try:
                found.append(
                    (
                        indexing.text_digest(article),
                        self.cached(article) or extract.extract(article.body, article.lang, article.date),
                    )
                )
            except Exception as error:  # one article's fault stops nothing else
                failed.append((indexing.text_digest(article), clean_line(f"{type(error).__name__}: {error}")))
        self.session.write(lambda: self._store(found, failed)).result()
        return len(found) + len(failed)
