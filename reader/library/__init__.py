"""The one facade the CLI and the UI call: open, sources, refresh, list,
search, show, bookmark, entities.

Reads go through this process's reading connections (``state.db``
attached read-only). Every change goes through :class:`Writer`, one thread
with connections of its own, so a caller that must not wait (the UI)
gets a future, and a caller that must (the CLI) waits on it.
"""

from __future__ import annotations

import itertools
import os
import queue
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import platformdirs

from reader import browser, corpus, fulltext, indexing, reading, resources
from reader.background import LOG, SINGLE_THREADED, BackgroundExtraction, append_log, in_background
from reader.feeds import opml
from reader.feeds.fetch import Response
from reader.feeds.run import Claim, Feed, FeedResult, Stored, discover, fetch_all, store_answer
from reader.feeds.write import feed_folder
from reader.indexing import Known, Prepared, StoringPool
from reader.library import stories as story_room
from reader.model import (
    Article,
    Bookmark,
    Extraction,
    FeedInfo,
    FetchReport,
    Found,
    Imported,
    ListRow,
    ReaderError,
    RefreshReport,
    Rendered,
    SearchHit,
    Source,
    Story,
    Warning_,
)
from reader.sanitize import clean_line
from reader.search import Query, Searcher, entity_tokens, parse
from reader.store import FeedRow, Fetched, FileState, Index, Indexed, SourceRow, State, StoreError, now, retry_locked
from reader.text import extract, lemmas

BATCH = 500
PARALLEL_FROM = 2000
FULL_TEXTS_A_FETCH = 20  # a feed asking for full texts fetches at most this many pages a fetch
INDEX_EVERY = 25  # feeds fetched, then their items are indexed while the fetch goes on
FETCH_POOL_FROM = 50  # feeds fetched at once from which their answers are stored and read in worker processes
FETCH_WORKERS = 2  # reading and normalising items costs more than fetching them, on news-sized items
SEEDS_NAME = "seeds"
Progress = Callable[[int, int], None]
T = TypeVar("T")

__all__ = ["SINGLE_THREADED", "Library", "ReaderError", "StoreError", "default_data_dir"]


def default_data_dir() -> Path:
    env = os.environ.get("READER_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("reader", appauthor=False))


class Writer:
    """The one thread through which this process changes the data dir, in
    the order asked. A lock held by another process is waited on there,
    never on the caller's thread."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[], object], Future[object]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def submit(self, action: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="reader-writer")
                self._thread.start()
        self._queue.put((action, future))  # type: ignore[arg-type]
        return future

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            action, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(retry_locked(action))
                except BaseException as error:
                    future.set_exception(error)

    def close(self) -> None:
        """Finish what was asked, then stop."""
        with self._guard:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()


class Library:
    """The articles of every source (or of ``paths`` alone), the user's
    state, and the work on them."""

    def __init__(self, paths: Sequence[Path] | None = None, data_dir: Path | None = None) -> None:
        self.paths = [Path(p).absolute() for p in paths] if paths else None
        self.data_dir = (data_dir or default_data_dir()).absolute()
        self.warnings: list[str] = []
        self.readonly = False
        self.index: Index
        self.state: State
        self._index_w: Index
        self._state_w: State
        self.writer = Writer()
        self._searcher: Searcher
        self._queries: Index
        self._folding: story_room.Folding

    # -- opening ------------------------------------------------------------

    def open(self) -> Library:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / f".write-test-{os.getpid()}-{threading.get_ident()}"  # one a process and thread: no race
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            self.readonly = True
            self.warnings.append(
                clean_line(f"{self.data_dir}: cannot write here ({corpus.os_reason(error)}); reading only, nothing will be saved")
            )

        def warn(message: str) -> None:
            self.warnings.append(clean_line(message))

        if self.readonly:
            self.state, uri = State.memory(self.data_dir / "state.db", warn)
            self.index = Index.memory()
            self.index.attach_state(uri, readonly=False)
            self._index_w, self._state_w, self._queries = self.index, self.state, self.index
        else:
            self._state_w = State.open(self.data_dir / "state.db", warn)
            self._index_w = Index.open(self.data_dir / "index.db", warn)
            self.state = self._state_w.sibling()
            self.index, self._queries = self._index_w.sibling(), self._index_w.sibling()
            for reads in {id(i): i for i in (self.index, self._queries)}.values():
                reads.attach_state(self.data_dir / "state.db", readonly=True)
        # Searches run on worker threads with a connection of their own, so
        # the list's rows (read on the UI thread) never wait behind one.
        self._searcher = Searcher(self._queries, self.scope, self._resolve)
        self._folding = story_room.Folding(self.index)
        return self

    def close(self) -> None:
        self.writer.close()
        for db in {id(d): d for d in (self.index, self._queries, self.state, self._index_w, self._state_w)}.values():
            db.close()

    def __enter__(self) -> Library:
        return self.open()

    def __exit__(self, *_: object) -> None:
        self.close()

    def _write(self, action: Callable[[], T]) -> Future[T]:
        """A change to the index (in memory when the data dir is read-only)."""
        return self.writer.submit(action)

    def _save(self, action: Callable[[], T]) -> Future[T]:
        """A change to the user's state: refused when nothing can be saved."""
        if self.readonly:
            failed: Future[T] = Future()
            failed.set_exception(StoreError(f"{self.data_dir} is read-only: nothing can be saved"))
            return failed
        return self.writer.submit(action)

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG

    def log(self, text: str) -> Path:
        """Add an entry (a traceback, say) to the log in the data dir."""
        return append_log(self.data_dir, text)

    def flush(self) -> None:
        """Wait until every change asked for so far is written."""
        if not self.readonly:
            self.writer.submit(lambda: None).result()

    def generation(self) -> int:
        """Changes whenever anybody (this process or another) changes the index."""
        return self.index.generation()

    # -- sources ------------------------------------------------------------

    def _configured(self) -> list[SourceRow]:
        return self.state.sources()

    def _root(self, source: SourceRow) -> str:
        """Where a source's files are: a folder's own path, a feed's folder
        under the data dir."""
        return source.location if source.kind == "folder" else str(feed_folder(self.data_dir / "feeds", source.location))

    def scope(self) -> list[str]:
        """The roots in view: the paths asked for, else every source, else
        the bundled seeds."""
        if self.paths is not None:
            return [str(p) for p in self.paths]
        return [self._root(s) for s in self._configured()] or [str(resources.seeds())]

    def _listed(self) -> list[tuple[SourceRow, str, str, str | None]]:
        """Every source with where it is shown to be, its root and its error."""
        feeds = {f.source.id: f for f in self.state.feeds()}
        out = []
        for s in self._configured():
            feed = feeds.get(s.id)
            if feed is not None:
                out.append((s, feed.url, self._root(s), feed.error))
            else:
                out.append((s, s.location, s.location, None if Path(s.location).exists() else "no such file or folder"))
        if not out:
            seeds = str(resources.seeds())
            out.append((SourceRow(0, "folder", seeds, SEEDS_NAME, (), {}), seeds, seeds, None))
        return out

    def view_names(self) -> list[tuple[str, str]]:
        """What is in view, as (kind, name): the paths asked for, else the sources."""
        if self.paths is not None:
            return [("folder" if p.is_dir() else "file", p.name or str(p)) for p in self.paths]
        return [(source.kind, source.name) for source, *_ in self._listed()]

    def _resolve(self, name: str) -> str | None:
        """The root a source's name or location (an ``in:`` value) names."""
        for source, shown, root, _ in self._listed():
            if name in (lemmas.fold(source.name), lemmas.fold(source.location), lemmas.fold(shown)):
                return root
        return None

    def sources(self) -> list[Source]:
        listed = self._listed()
        counts = self.index.counts([root for _, _, root, _ in listed])
        failures = self.index.failed_extractions(extract.VERSION)
        out = []
        for source, shown, root, error in listed:
            articles, unread = counts.get(root, (0, 0))
            if error is None and failures.get(root):
                error = f"entity extraction failed on {failures[root]} article(s)"
            out.append(Source(source.kind, source.name, shown, articles, unread, error, source.tags))
        return out

    def add_source(self, path: Path) -> bool:
        """Add a folder (or file) as a source; returns whether it was new."""
        location = path.absolute()
        if not location.exists():
            raise StoreError(f"{path}: no such file or folder")
        return self._save(lambda: self._state_w.add_source("folder", str(location), location.name or str(location))).result()

    def remove_source(self, key: str, kind: str | None = None) -> Source:
        """Remove a source (of this ``kind``, when given) by location, URL or
        name and drop its articles from the index; their bookmarks stay
        (listed as missing until it returns), and so do a feed's files under
        the data dir."""
        wanted = str(Path(key).absolute()) if Path(key).exists() else key
        found = [
            (source, shown, root)
            for source, shown, root, _ in self._listed()
            if source.id and kind in (None, source.kind) and wanted in (source.location, source.name, shown)
        ]
        exact = [match for match in found if match[0].location == wanted]  # a URL or path names one; a name may name several
        if len(exact or found) > 1:
            listed = ", ".join(source.location for source, _, _ in found)
            raise StoreError(f"{len(found)} {kind or 'source'}s are named {key!r}; say which by its URL or path: {listed}")
        if not found:
            raise StoreError(f"no {kind or 'source'} {key!r} (reader {'feeds' if kind == 'feed' else 'sources'} list)")
        source, shown, root = (exact or found)[0]
        self._save(lambda: self._state_w.remove_source(source.location)).result()
        self._write(lambda: self._index_w.drop_root(root)).result()
        return Source(source.kind, source.name, shown)

    # -- feeds --------------------------------------------------------------

    def add_feed(
        self,
        url: str,
        name: str | None = None,
        tags: Sequence[str] = (),
        max_items: int | None = None,
        keep_days: int | None = None,
        full_text: bool = False,
    ) -> tuple[bool, str]:
        """Subscribe to a feed, or to the feed a web page links to; returns
        whether it was new and the feed's URL. ``max_items``, ``keep_days``:
        retention of its items (a bookmarked one is always kept);
        ``full_text``: fetch the full article of every new item."""
        found = discover(url)
        if found.url is None:
            raise StoreError(f"{url}: {found.error or 'no feed found there'}")
        feed_url = found.url
        title = name or found.title or urlsplit(feed_url).hostname or feed_url
        settings: dict[str, object] = {"named": bool(name), "max_items": max_items, "keep_days": keep_days, "full_text": full_text}
        new = self._save(lambda: self._state_w.add_source("feed", feed_url, title, tags, settings)).result()
        return new, feed_url

    def import_feeds(self, data: bytes) -> Imported:
        """Subscriptions from OPML or a newsboat ``urls`` file; one already
        here is left as it is."""
        found = opml.import_bytes(data)
        if found.error:
            raise StoreError(found.error)

        def add_all() -> int:
            return sum(
                self._state_w.add_source(
                    "feed", sub.url, sub.name or urlsplit(sub.url).hostname or sub.url, sub.tags, {"named": bool(sub.name)}
                )
                for sub in found.feeds
            )

        added = self._save(add_all).result()
        return Imported(added, len(found.feeds) - added, found.skipped)

    def export_feeds(self) -> bytes:
        return opml.export_opml(opml.Subscription(f.url, f.source.name, f.source.tags) for f in self.state.feeds())

    def feeds(self) -> list[FeedInfo]:
        rows = self.state.feeds()
        counts = self.index.counts([self._root(f.source) for f in rows])
        out = []
        for f in rows:
            articles, unread = counts.get(self._root(f.source), (0, 0))
            out.append(FeedInfo(f.source.name, f.url, f.source.tags, f.last_fetch, f.status, f.error, max(f.items, articles), unread))
        return out

    @staticmethod
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

    @staticmethod
    def _chosen_feeds(rows: list[FeedRow], keys: Sequence[str]) -> list[FeedRow]:
        if not keys:
            return rows
        chosen = [f for f in rows if {f.source.location, f.source.name, f.url} & set(keys)]
        unknown = set(keys) - {k for f in chosen for k in (f.source.location, f.source.name, f.url)}
        if unknown:
            raise StoreError(f"no feed {sorted(unknown)[0]!r} (reader feeds list)")
        return chosen

    def fetch(self, keys: Sequence[str] = (), progress: Progress | None = None, **limits: int) -> FetchReport:
        """Fetch these feeds (by name or URL; default: every feed), keep their
        items as files, record what each fetch said and index what changed.
        ``limits``: ``concurrency`` and ``per_host`` for :func:`fetch_all`."""
        every = self.state.feeds()
        chosen = self._chosen_feeds(every, keys)
        specs = [
            Feed(
                f.source.location,
                f.url,
                f.source.name,
                f.source.tags,
                Path(self._root(f.source)),
                f.etag,
                f.last_modified,
                _setting(f.source, "max_items"),
                _setting(f.source, "keep_days"),
            )
            for f in chosen
        ]
        protected = {mark[0] for mark in self.state.bookmarks()}
        report = FetchReport(feeds=len(specs))
        roots = {f.source.location: self._root(f.source) for f in chosen}
        listed = {f.source.location: f.url for f in chosen}
        wants_full_text = {f.source.location for f in chosen if f.source.settings.get("full_text")}
        started = time.time_ns()
        waiting: list[str] = []  # feeds written, not indexed yet
        if progress:
            progress(0, len(specs))
        # Many feeds: from the first answer of a feed never fetched before, or
        # else the first feed that has something new, each answer is parsed,
        # written and its files read for the index in worker processes (queued
        # there while they start), so this process only fetches and writes the
        # index: both cores work. Until then, and for a few feeds, answers are
        # stored here. A fetch where nothing changed starts none.
        pooled: list[StoringPool] = []
        pooling = threading.Lock()
        never_fetched = {f.source.location for f in chosen if f.last_fetch is None}

        def pool() -> None:
            with pooling:
                if not pooled and len(specs) >= FETCH_POOL_FROM:
                    pooled.append(StoringPool(FETCH_WORKERS, self.data_dir))

        def store(feed: Feed, response: Response, protected_ids: frozenset[str]) -> Stored:
            if feed.key in never_fetched:
                pool()  # its items are new: nothing to read here first (this process would load the models for it)
            if pooled:
                return pooled[0].store(feed, response, protected_ids)
            return store_answer(feed, response, protected_ids)

        def index_waiting() -> None:
            storing = pooled[0] if pooled else None
            ready = storing.take(set(waiting)) if storing else {}
            told = self.refresh(roots=waiting, pool=False, prepared=ready).warnings  # the workers have answers queued
            report.warnings += [self._as_item(w) for w in told]
            waiting.clear()

        def on_result(result: FeedResult) -> None:
            if result.new and result.key in wants_full_text:
                report.warnings += self._keep_full_texts(Path(roots[result.key]), started)
            if result.new or result.updated or result.removed:
                pool()
                waiting.append(roots[result.key])
                if len(waiting) >= INDEX_EVERY:
                    index_waiting()  # new items appear while the others are fetched
            report.ok += result.error is None and not result.not_modified
            report.not_modified += result.not_modified
            report.failed += result.error is not None
            report.new += result.new
            report.updated += result.updated
            if result.error:
                report.errors.append({"url": listed[result.key], "error": result.error})  # as feeds list shows it, not where a redirect led
            if progress:
                progress(report.ok + report.not_modified + report.failed, len(specs))

        try:
            results = fetch_all(specs, protected_ids=protected, on_result=on_result, store=store, claim=self._claims(every), **limits)  # type: ignore[arg-type]
            index_waiting()
        finally:
            for storing in pooled:
                storing.close()
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
            for r, f in zip(results, chosen, strict=True)
        ]
        self._save(lambda: self._state_w.record_fetches(kept)).result()
        return report

    # -- refreshing ---------------------------------------------------------

    def refresh(
        self,
        progress: Progress | None = None,
        roots: Sequence[str] | None = None,
        pool: bool = True,
        every_note: bool = False,
        prepared: Mapping[str, tuple[Known, Prepared]] | None = None,
    ) -> RefreshReport:
        """Bring the index in line with the files of ``roots`` (default: the
        roots in view): read only what changed (size and mtime first, then the
        content hash), drop what is gone. Other roots are left as they are.
        Writes go in batches of :data:`BATCH` files, whatever root they are
        under. ``pool``: many files are read in worker processes (never from
        inside the app, whose terminal they would inherit). Warnings are
        said for the files read now (a file is not warned about again until
        it changes); ``every_note``: for every file of the roots.
        ``prepared``: files already read elsewhere (by the fetch's workers),
        used while their size and mtime are still those given."""
        report = RefreshReport()
        walked = [r for r in (roots if roots is not None else self.scope()) if not self._unfetched(r)]
        root_of: dict[str, str] = {}
        stat: dict[str, tuple[int, int]] = {}
        for root in walked:
            files, warnings = corpus.discover([Path(root)])
            report.warnings += warnings
            for f in files:
                root_of[f.path], stat[f.path] = root, (f.size, f.mtime_ns)
        report.seen = len(root_of)
        known = self.index.files(walked)
        todo = [p for p in root_of if (old := known.get(p)) is None or (old.size, old.mtime_ns) != stat[p]]
        removed = [p for p in known if p not in root_of]
        executor = indexing.reading_pool() if pool and len(todo) >= PARALLEL_FROM else None
        try:
            if progress:
                progress(0, len(todo))
            if removed:
                self._write(lambda: self._index_w.apply(root_of, stat, [], removed=removed)).result()
                report.removed += len(removed)
            self._read(todo, known, root_of, stat, report, executor, progress, prepared or {})
        except sqlite3.OperationalError as error:
            # Each batch is one transaction: what was written stays, the
            # batch in hand is rolled back, and the index stays usable.
            report.warnings.append(Warning_(str(self.data_dir / "index.db"), f"not fully updated ({error}); the previous index is used"))
        finally:
            if executor:
                executor.shutdown(cancel_futures=True)
        if every_note:  # what is wrong with files read before too, not only with those read now
            said = {w.path for w in report.warnings}
            report.warnings += [Warning_(p, n) for p, n in self.index.notes(walked) if p not in said]
        return report

    def _unfetched(self, root: str) -> bool:
        """A feed's folder before its first fetch: nothing to read, nothing to say."""
        return Path(root).parent == self.data_dir / "feeds" and not Path(root).exists()

    def _read(
        self,
        todo: list[str],
        known: dict[str, FileState],
        root_of: dict[str, str],
        stat: dict[str, tuple[int, int]],
        report: RefreshReport,
        executor: ProcessPoolExecutor | None,
        progress: Progress | None,
        prepared: Mapping[str, tuple[Known, Prepared]],
    ) -> None:
        usable = {p for p in todo if p in prepared and prepared[p][0] == stat[p]}  # unchanged since read
        ready = [prepared[p][1] for p in todo if p in usable]
        rest = [p for p in todo if p not in usable]
        hashes = [known[p].hash if p in known else None for p in rest]
        data_dirs = [str(self.data_dir)] * len(rest)
        chunk = max(1, min(64, len(rest) // 8))  # every worker gets a share of a small batch too
        results = itertools.chain(
            ready,
            executor.map(indexing.prepare, rest, hashes, data_dirs, chunksize=chunk)
            if executor
            else map(indexing.prepare, rest, hashes, data_dirs),
        )
        batch: list[tuple[str, Indexed | None, str, str | None]] = []
        touched: list[str] = []
        done = 0

        def flush() -> None:
            self._write(lambda: self._index_w.apply(root_of, stat, list(batch), list(touched))).result()

        for path, item, digest, note in results:
            report.read += 1
            if item is None and note is None and digest:
                touched.append(path)
            elif digest or path in known:
                batch.append((path, item, digest or "-", note))
                if note:
                    report.warnings.append(Warning_(path, note))
            else:
                report.warnings.append(Warning_(path, note or "unreadable"))
            if len(batch) + len(touched) >= BATCH:
                flush()
                done += len(batch) + len(touched)
                batch, touched = [], []
                if progress:
                    progress(done, len(todo))
        flush()
        if progress:
            progress(len(todo), len(todo))

    def refresh_elsewhere(self, progress: Progress) -> list[str]:
        """Refresh every root in view in a worker process (the app's way: no
        indexing work shares this process's GIL or terminal); returns the
        warnings. A read-only library has only its memory: it refreshes here."""
        if self.readonly:
            return [str(w) for w in self.refresh(progress, pool=False).warnings]
        return [str(e["warning"]) for e in in_background(self.data_dir, ["index", *self.scope()], progress) if "warning" in e]

    def fetch_elsewhere(self, keys: Sequence[str], progress: Progress) -> tuple[FetchReport, list[str]]:
        """Fetch feeds (all, or those named) in a worker process, as the app
        does; the report and the warnings."""
        report, warnings = FetchReport(), []
        for event in in_background(self.data_dir, ["fetch", *keys], progress):
            if "warning" in event:
                warnings.append(str(event["warning"]))
            elif isinstance(fetched := event.get("fetched"), dict):
                report = FetchReport(**fetched)
        return report, warnings

    def _as_item(self, warning: Warning_) -> Warning_:
        """A warning about a fetched item, naming it as the reader shows it
        (its feed and title), not by the file it is kept in."""
        rowid = self.index.rowid_of_path(warning.path)
        article = self.index.article(rowid) if rowid is not None else None
        return Warning_(f"{article.source}: «{article.title}»", warning.message) if article else warning

    def _keep_full_texts(self, folder: Path, since_ns: int) -> list[Warning_]:
        """The full article of every item written into a feed's folder since
        ``since_ns`` that has none yet (at most :data:`FULL_TEXTS_A_FETCH`);
        a failure leaves the item's summary and says so."""
        warnings = []
        fresh = [p for p in folder.glob("*.md") if p.stat().st_mtime_ns >= since_ns]
        for path in fresh[:FULL_TEXTS_A_FETCH]:
            try:
                article = corpus.load(path).article
            except corpus.ArticleError:
                continue  # said when the folder is indexed
            if not article.url or fulltext.kept(self.data_dir, article.id):
                continue
            result = fulltext.full_text(article.url)
            try:
                if isinstance(result, fulltext.Failure):
                    raise ReaderError(str(result))
                fulltext.keep(self.data_dir, article.id, article.title, article.date, article.source, result)
            except (ReaderError, OSError) as error:
                warnings.append(Warning_(article.url, f"full text: {error}; the summary stays"))
        return warnings

    def ids_of(self, rowids: Sequence[int]) -> list[str]:
        """The article ids of these rowids."""
        return self.index.ids_of(rowids)

    def next_unread(self, rowids: array[int], position: int, step: int) -> int | None:
        """The position in ``rowids`` of the next unread article after (step 1)
        or before (step -1) ``position``; None when there is none."""
        import numpy as np

        unread = np.flatnonzero(np.isin(np.frombuffer(rowids, dtype=np.int64), self.index.ids_filtered("is:unread", [])))
        if step > 0:
            after = unread[unread > position]
            return int(after[0]) if len(after) else None
        before = unread[unread < position]
        return int(before[-1]) if len(before) else None

    def unread_among(self, rowids: array[int]) -> list[str]:
        """The ids of the articles among ``rowids`` that are not read yet."""
        import numpy as np

        given = np.frombuffer(rowids, dtype=np.int64)
        unread = given[np.isin(given, self.index.ids_filtered("is:unread", []))]
        return self.ids_of([int(r) for r in unread])

    def feed_of(self, article: Article) -> str | None:
        """The name of the feed an article came from, if it came from one."""
        for source, _, root, _ in self._listed():
            if source.kind == "feed" and article.path.startswith(root + os.sep):
                return source.name
        return None

    def has_feeds(self) -> bool:
        return bool(self.state.feeds())

    def watched_folders(self) -> list[Path]:
        """The folders in view, to watch for changes."""
        return [p for p in map(Path, self.scope()) if p.is_dir()]

    # -- reading ------------------------------------------------------------

    def all_rowids(self) -> array[int]:
        return self._searcher.order()

    def rows(self, rowids: Sequence[int]) -> dict[int, ListRow]:
        return self.index.rows(rowids)

    def list_rows(self) -> list[ListRow]:
        rowids = self.all_rowids()
        rows = self.rows(rowids)
        return [rows[r] for r in rowids]

    def article(self, rowid: int) -> Article | None:
        return self.index.article(rowid)

    def find(self, key: str) -> Article | None:
        """An article in view by id, or any article by the path of its file."""
        rowid = self.index.rowid_of(key, self.scope())
        if rowid is None:
            path = Path(key)
            if path.exists():
                rowid = self.index.rowid_of_path(str(path.absolute()))
                if rowid is None:
                    return corpus.load(path).article
        return None if rowid is None else self.index.article(rowid)

    def count(self) -> int:
        return self._searcher.count()

    # -- searching ----------------------------------------------------------

    def search(self, text: str, partial: bool = False, bookmarked_only: bool = False, ranked: bool | None = None) -> Found:
        """Every article in view the query finds (see :meth:`Searcher.find`)."""
        return self._searcher.find(text, partial, bookmarked_only, ranked)

    def snippets(self, found: Found, rowids: Sequence[int]) -> dict[int, str]:
        """Where the query's words stand in each of these articles: a window
        of its text with the matches in ``**``; nothing when the query has
        no words (a filter alone shows no snippet)."""
        if not self.searched_by_words(found):
            return {}
        out = {}
        for rowid in rowids:
            article = self.index.article(rowid)
            if article is not None:
                out[rowid] = self._searcher.snippet(found, article.body)
        return out

    def searched_by_words(self, found: Found) -> bool:
        """Whether a search looked for words (not for filters alone)."""
        return self._searcher.has_words(found)

    def asks_for_entities(self, text: str) -> bool:
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
        story_of = self.index.story_ids(list(found.rowids[:limit]))
        for rowid in found.rowids[:limit]:
            article = self.index.article(rowid)
            if article is not None:
                snippet = self._searcher.snippet(found, article.body)
                score = found.scores.get(rowid, 0.0)
                hits.append(
                    SearchHit(article.id, article.title, article.date, article.source, score, snippet, story_of.get(rowid, article.id))
                )
        return hits

    # -- stories --------------------------------------------------------------

    def stories(self, limit: int | None = None) -> list[Story]:
        """Stories of the articles in view, newest first (SPEC §6.6)."""
        return story_room.stories(self.index, self.scope(), limit)

    def fold(self, rowids: array[int]) -> array[int]:
        """One row a story: the first article of each story among these, where the story first appears."""
        return self._folding.fold(rowids)

    def story_members(self, rowid: int) -> list[int]:
        """The articles in view of an article's story, earliest first."""
        return self.index.story_members(rowid, self.scope())

    def also_reported(self, article: Article) -> str:
        """ "Also reported by A, B (+3)", or nothing for a story of one source."""
        return story_room.also_reported(self.index, self.scope(), article.id)

    def story_ids(self, article: Article) -> list[str]:
        """The ids of the articles in view of an article's story (its own at least)."""
        rowid = self.index.rowid_of(article.id, self.scope())
        members = [] if rowid is None else self.index.story_members(rowid, self.scope())
        return list(dict.fromkeys([article.id, *self.index.ids_of(members)]))

    def story_neighbour(self, article: Article, step: int) -> int | None:
        """The next (or previous) article of an article's story, round the end."""
        return story_room.neighbour(self.index, self.scope(), article.id, step)

    # -- bookmarks and read state -------------------------------------------

    def row_of(self, article_id: str) -> ListRow | None:
        for _ in range(3):  # another process may index its file again in between, under a new rowid
            rowid = self.index.rowid_of(article_id)
            if rowid is None:
                return None
            row = self.rows([rowid]).get(rowid)
            if row is not None:
                return row
        return None

    def set_bookmark(self, article_id: str, on: bool, note: str | None = None) -> Future[bool]:
        """Bookmark an article or remove its bookmark; the future tells
        whether anything changed."""
        if not on:
            return self._save(lambda: self._state_w.remove_bookmark(article_id))
        row = self.row_of(article_id)
        if row is None:
            failed: Future[bool] = Future()
            failed.set_exception(StoreError(f"no article with id {article_id}"))
            return failed

        def add() -> bool:
            self._state_w.add_bookmark(row, note)
            return True

        return self._save(add)

    def is_bookmarked(self, article_id: str) -> bool:
        return self.state.is_bookmarked(article_id)

    def toggle_bookmark(self, article_id: str) -> tuple[bool, Future[bool]]:
        on = not self.is_bookmarked(article_id)
        return on, self.set_bookmark(article_id, on)

    def set_note(self, article_id: str, note: str) -> Future[None]:
        def change() -> None:
            if not self._state_w.set_note(article_id, note):
                raise StoreError(f"{article_id} is not bookmarked")

        return self._save(change)

    def note_of(self, article_id: str) -> str:
        return self.state.note_of(article_id)

    def set_read(self, article_ids: Sequence[str], read: bool) -> Future[None]:
        return self._save(lambda: self._state_w.set_read(article_ids, read))

    def toggle_read(self, article_id: str) -> tuple[bool, Future[None]]:
        read = not self.state.is_read(article_id)
        return read, self.set_read([article_id], read)

    def bookmarks(self) -> list[Bookmark]:
        """Each as the index shows its article now (a feed renamed, a title
        changed), else as it was when bookmarked, marked missing."""
        marks = self.state.bookmarks()
        present = self.index.present(m[0] for m in marks)
        return [Bookmark(i, *present.get(i, (t, d, s, u)), n, at, bool(read), i not in present) for i, t, d, s, u, n, at, read in marks]

    def import_bookmarks(self, items: Iterable[Bookmark]) -> Future[int]:
        """Merge bookmarks: one already here keeps its own note and time."""
        listed = list(items)
        return self._save(lambda: self._state_w.import_bookmarks(listed))

    @staticmethod
    def now() -> str:
        return now()

    # -- entities -----------------------------------------------------------

    def extraction(self, article: Article) -> Extraction:
        """Entities and figures of an article, from the cache when it has
        them; a new one is stored in the background."""
        found = self.cached_extraction(article)
        if found is None:
            found = extract.extract(article.body, article.lang, article.date)
            self._write(lambda: self._store([(indexing.text_digest(article), found)]))
        return found

    def cached_extraction(self, article: Article) -> Extraction | None:
        cached = self.index.cached_extraction(indexing.text_digest(article), extract.VERSION)
        return None if cached is None else extract.from_json(cached)

    def _store(self, items: Iterable[tuple[str, Extraction]], failures: Iterable[tuple[str, str]] = ()) -> None:
        rows = [
            (digest, extract.to_json(found), " zzsep ".join(entity_tokens(e.kind, e.normal) for e in found.entities))
            for digest, found in items
        ]
        self._index_w.store_extractions(extract.VERSION, rows, failures)

    def pending_extraction(self) -> int:
        return self.index.pending_extraction(extract.VERSION)

    def failed_extractions(self) -> int:
        return sum(self.index.failed_extractions(extract.VERSION).values())

    @staticmethod
    def has_entities(lang: str) -> bool:
        """Whether articles in this language get people, organisations and places."""
        return extract.has_entities(lang)

    def load_models(self) -> None:
        extract.load_models()

    def start_extraction(self) -> BackgroundExtraction | None:
        """Entity extraction of everything pending, in worker processes; None
        when there is nothing to do or nothing can be saved."""
        if self.readonly or not self.pending_extraction():
            return None
        return BackgroundExtraction(self.data_dir, self.pending_extraction).start()

    def extract_pending(self, batch: int = 32, part: int = 0, parts: int = 1) -> int:
        """Extract entities for every article in the index that lacks them
        (this process's ``part`` of ``parts``), a batch a transaction, so it
        resumes wherever it stops. An article the extractor raises on is
        recorded as failed and skipped until its text or the extractor
        changes. Returns how many were done."""
        done = 0
        while rowids := self.index.to_extract(extract.VERSION, batch, part, parts):
            found: list[tuple[str, Extraction]] = []
            failed: list[tuple[str, str]] = []
            for rowid in rowids:
                article = self.index.article(rowid)
                if article is None:
                    continue
                try:
                    found.append(
                        (
                            indexing.text_digest(article),
                            self.cached_extraction(article) or extract.extract(article.body, article.lang, article.date),
                        )
                    )
                except Exception as error:  # one article's fault stops nothing else
                    failed.append((indexing.text_digest(article), clean_line(f"{type(error).__name__}: {error}")))
            self._write(lambda: self._store(found, failed)).result()  # noqa: B023 - waited on here
            done += len(found) + len(failed)
        return done

    # -- reading: formatting and full text (issue 10; logic in reading.py, fulltext.py)

    @staticmethod
    def open_url(url: str, command: str = "") -> str | None:
        """Open a link in the browser (``command``: the config's); None when
        it opened, else why not, in one line."""
        return browser.open_url(url, command)

    def formatting(self, article: Article) -> Rendered | None:
        """The body's style spans and links (None: show it plain)."""
        return reading.formatting(article, self.data_dir)

    def has_full_text(self, article: Article) -> bool:
        return fulltext.kept(self.data_dir, article.id) is not None

    def summary(self, article: Article) -> Article | None:
        """The article as its own file has it, without its full text."""
        return reading.summary(article)

    def full_text(self, article: Article) -> Article:
        """Fetch, extract and keep the article's full text, index it as the
        article's body and return the article with it; raises ReaderError
        with one line saying why not. A read-only library shows it without
        keeping it."""
        if not article.url:
            raise ReaderError("this article has no URL")
        result = fulltext.full_text(article.url)
        if isinstance(result, fulltext.Failure):
            raise ReaderError(str(result))
        if self.readonly:
            return reading.shown_full_text(article, result.markdown)
        try:
            fulltext.keep(self.data_dir, article.id, article.title, article.date, article.source, result)
            root = self.index.root_of(article.path)
            if root is not None and Path(article.path).is_file():
                st = os.stat(article.path)
                item = indexing.prepare(article.path, None, str(self.data_dir))
                if item[1] is not None:
                    stat = {article.path: (st.st_size, st.st_mtime_ns)}
                    self._write(lambda: self._index_w.apply({article.path: root}, stat, [item])).result()
        except (OSError, sqlite3.Error) as error:
            raise ReaderError(f"the full text could not be kept: {clean_line(str(error))}") from error
        return reading.with_full_text(article, self.data_dir)


def _setting(source: SourceRow, name: str) -> int | None:
    value = source.settings.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
