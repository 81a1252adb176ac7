"""The fetch path as one named object: fetch -> parse and store -> index -> report."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from reader import corpus, fulltext
from reader.background import Failed, Noted, Reported, Said, in_background
from reader.feeds.fetch import Response
from reader.feeds.run import Claim, Feed, FeedResult, Stored, fetch_all, store_answer
from reader.library.follow import Follow
from reader.library.refresh import Refresher
from reader.library.session import Session
from reader.library.sources import Sources
from reader.model import DiskFull, FetchReport, ReaderError, Warning_, is_disk_full
from reader.store import FeedRow, Fetched, SourceRow, StoreError
from reader.storing import StoringPool

FULL_TEXTS_A_FETCH = 20  # a feed asking for full texts fetches at most this many pages a fetch
INDEX_EVERY = 25  # feeds fetched, then their items are indexed while the fetch goes on
FETCH_POOL_FROM = 50  # feeds fetched at once from which their answers are stored and read in worker processes
FETCH_WORKERS = 2  # reading and normalising items costs more than fetching them, on news-sized items
Progress = Callable[[int, int], None]


class FeedFetch:
    """One fetch of some feeds (by name or URL; none named: every feed).
    :meth:`run` reads top to bottom: the feeds are fetched concurrently
    (:func:`fetch_all`); each answer is parsed and its items stored in
    ``items.db``, a feed's answer a transaction (:meth:`_store`: here, or
    with many feeds in the worker processes of a :class:`StoringPool`); every :data:`INDEX_EVERY` feeds stored, and at the
    end, what changed is indexed (:meth:`_index_stored`), so new items appear
    while the others are fetched; what each feed said is counted as it comes
    (:meth:`_received`) and recorded in ``state.db`` (:meth:`_record`); last,
    the saved searches that alert raise their alerts on what was new.
    ``limits``: ``concurrency`` and ``per_host`` for :func:`fetch_all`."""

    def __init__(
        self,
        session: Session,
        sources: Sources,
        refresher: Refresher,
        follow: Follow,
        keys: Sequence[str],
        progress: Progress | None,
        **limits: int,
    ) -> None:
        self.session = session
        self.sources = sources
        self.refresher = refresher
        self.follow = follow
        self.progress = progress
        self.limits = limits
        self.every = session.state.feeds()
        self.chosen = _chosen_feeds(self.every, keys)
        self.report = FetchReport(feeds=len(self.chosen))
        self.roots = {f.source.location: sources.root(f.source) for f in self.chosen}
        self.listed = {f.source.location: f.url for f in self.chosen}
        self.wants_full_text = {f.source.location for f in self.chosen if f.source.settings.get("full_text")}
        self.never_fetched = {f.source.location for f in self.chosen if f.last_fetch is None}
        self.started = time.time_ns()
        self.waiting: list[str] = []  # roots of feeds stored, not indexed yet
        # Many feeds: from the first answer of a feed never fetched before, or
        # else the first feed that has something new, each answer is parsed,
        # stored and its items read for the index in worker processes (queued
        # there while they start), so this process only fetches and writes the
        # index: both cores work. Until then, and for a few feeds, answers are
        # stored here. A fetch where nothing changed starts none.
        self.pool: StoringPool | None = None
        self._pooling = threading.Lock()

    def run(self) -> FetchReport:
        specs = [
            Feed(
                f.source.location,
                f.url,
                f.source.name,
                f.source.tags,
                Path(self.roots[f.source.location]),
                f.etag,
                f.last_modified,
                _setting(f.source, "max_items"),
                _setting(f.source, "keep_days"),
            )
            for f in self.chosen
        ]
        protected = {mark[0] for mark in self.session.state.bookmarks()}
        known = self.follow.before_fetch(list(self.roots.values()))  # to tell the new articles from the updated ones
        if self.progress:
            self.progress(0, len(specs))
        try:
            results = fetch_all(
                specs,
                self.session.items,
                protected_ids=protected,
                on_result=self._received,
                store=self._store,  # type: ignore[arg-type]
                claim=_claims(self.every),
                **self.limits,  # type: ignore[arg-type]
            )
            self._index_stored()
        except DiskFull as full:
            raise self._stopped(full) from None
        finally:
            if self.pool is not None:
                self.pool.close()
        self._record(results)
        self.report.alerts = [a.as_json() for a in self.follow.alerts(known, [path for r in results for path in r.written])]
        return self.report

    def _stopped(self, full: DiskFull) -> DiskFull:
        """The disk filled up: the feeds not fetched yet are not, a feed
        being written was not written at all (see :func:`write_items`), and
        what was stored is indexed as far as room allows. Nothing is
        recorded in ``state.db``: the next fetch asks every feed again."""
        with contextlib.suppress(DiskFull):
            self._index_stored()
        ok = self.report.ok
        if not ok:
            return DiskFull(full.where, "the fetch stopped before any feed was stored")
        stored = f"{ok:,} feed{'s' if ok != 1 else ''} stored so far {'is' if ok == 1 else 'are'} kept whole"
        return DiskFull(full.where, f"the fetch stopped; {stored}")

    def _start_pool(self) -> None:
        with self._pooling:
            if self.pool is None and len(self.chosen) >= FETCH_POOL_FROM:
                self.pool = StoringPool(FETCH_WORKERS, self.session.data_dir, self.session.items)

    def _store(self, feed: Feed, response: Response, protected_ids: frozenset[str]) -> Stored:
        """Parse an answer and store its items: here, or in the pool's workers."""
        if feed.key in self.never_fetched:
            self._start_pool()  # its items are new: nothing to read here first (this process would load the models for it)
        if self.pool is not None:
            return self.pool.store(feed, response, protected_ids)
        return store_answer(feed, response, self.session.items, protected_ids)

    def _index_stored(self) -> None:
        """Index the feeds stored since last time (the workers have read most of their items already)."""
        ready = self.pool.take(set(self.waiting)) if self.pool is not None else {}
        done = self.refresher.refresh(roots=self.waiting, pool=False, prepared=ready)
        self.waiting.clear()
        if done.full:
            raise DiskFull(self.session.data_dir)
        self.report.warnings += done.warnings
        self.report.notes += done.notes

    def _received(self, result: FeedResult) -> None:
        """What one feed's fetch said, as it comes; a full disk stops the fetch."""
        if result.disk_full:
            raise DiskFull(self.session.data_dir)
        report = self.report
        if result.new and result.key in self.wants_full_text:
            report.warnings += self._keep_full_texts(result.written)
        if result.new or result.updated or result.removed:
            self._start_pool()
            self.waiting.append(self.roots[result.key])
            if len(self.waiting) >= INDEX_EVERY:
                self._index_stored()  # new items appear while the others are fetched
        report.ok += result.error is None and not result.not_modified
        report.not_modified += result.not_modified
        report.failed += result.error is not None
        report.new += result.new
        report.updated += result.updated
        if result.error:
            report.errors.append(
                {"url": self.listed[result.key], "error": result.error}
            )  # as feeds list shows it, not where a redirect led
        if self.progress:
            self.progress(report.ok + report.not_modified + report.failed, len(self.chosen))

    def _record(self, results: Sequence[FeedResult]) -> None:
        """What each feed said, kept with it in ``state.db``."""
        kept = [
            Fetched(
                r.key,
                r.new_url or f.url,
                r.etag,
                r.last_modified,
                r.status,
                r.error,
                r.items if r.error is None and not r.not_modified else None,
                None if f.source.settings.get("named") else r.title,
            )
            for r, f in zip(results, self.chosen, strict=True)
        ]
        self.session.save(lambda: self.session.state_w.record_fetches(kept)).result()

    def _keep_full_texts(self, written: Sequence[str]) -> list[Warning_]:
        """The full article of every item a feed's answer wrote that has none
        yet (at most :data:`FULL_TEXTS_A_FETCH`); a failure leaves the item's
        summary and says so."""
        warnings = []
        items, documents = self.session.items, self.session.documents
        for path in written[:FULL_TEXTS_A_FETCH]:
            try:
                article = corpus.load(Path(path), documents.read(path)).article
            except corpus.ArticleError:
                continue  # said when it is indexed
            if not article.url or documents.full_text(article.id) is not None:
                continue
            result = fulltext.full_text(article.url)
            try:
                if isinstance(result, fulltext.Failure):
                    raise ReaderError(str(result))
                kept = fulltext.kept_text(article.id, article.title, article.date, article.source, result)
                items.keep_full_text(article.id, fulltext.fetched_of(kept), kept)
            except (ReaderError, sqlite3.Error) as error:
                if is_disk_full(error, self.session.data_dir):
                    raise DiskFull(self.session.data_dir) from None
                warnings.append(Warning_(article.url, f"full text: {error}; the summary stays"))
        return warnings


def fetch_elsewhere(data_dir: Path, keys: Sequence[str], progress: Progress) -> tuple[FetchReport, list[str]]:
    """Fetch feeds (all, or those named) in a worker process, as the app
    does; the report and the warnings."""
    report, warnings, notes, failed = FetchReport(), [], [], None
    for event in in_background(data_dir, ["fetch", *keys], progress):
        match event:
            case Said(text):
                warnings.append(text)
            case Noted(item, note):
                notes.append(Warning_(item, note))
            case Reported(fetched):
                report = fetched
            case Failed(text):
                failed = text
    if failed is not None:
        raise ReaderError(failed)
    report.notes = notes
    return report, warnings


def _claims(feeds: Sequence[FeedRow]) -> Claim:
    """Who is at each URL: every feed's own URL and the one it fetches,
    and a URL a feed moves to in this fetch (two may move to one)."""
    names = {f.source.location: f.source.name for f in feeds}
    owners: dict[str, str] = {}
    for f in feeds:
        for url in (f.source.location, f.url):
            owners.setdefault(url, f.source.location)
    guard = threading.Lock()

    def claim(key: str, url: str) -> str | None:
        with guard:
            owner = owners.setdefault(url, key)
        return None if owner == key else names.get(owner, owner)

    return claim


def _chosen_feeds(rows: list[FeedRow], keys: Sequence[str]) -> list[FeedRow]:
    if not keys:
        return rows
    chosen = [f for f in rows if {f.source.location, f.source.name, f.url} & set(keys)]
    unknown = set(keys) - {k for f in chosen for k in (f.source.location, f.source.name, f.url)}
    if unknown:
        raise StoreError(f"no feed {sorted(unknown)[0]!r} (reader feeds list)")
    return chosen


def _setting(source: SourceRow, name: str) -> int | None:
    value = source.settings.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
