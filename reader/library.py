"""The one facade the CLI and the UI call: open, sources, refresh, list,
search, show, bookmark, entities.

Reads go through this process's reading connections (``state.db``
attached read-only). Every change goes through :class:`Writer`, one thread
with connections of its own, so a caller that must not wait (the UI)
gets a future, and a caller that must (the CLI) waits on it.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import platformdirs

from reader import corpus, resources
from reader.background import LOG, SINGLE_THREADED, BackgroundExtraction, append_log, exit_with_parent, index_in_background
from reader.model import Article, Bookmark, Extraction, Found, ListRow, ReaderError, RefreshReport, SearchHit, Source, Warning_
from reader.sanitize import clean_line
from reader.search import Query, Searcher, entity_tokens, parse
from reader.store import FileState, Index, Indexed, SourceRow, State, StoreError, normalise, now, retry_locked
from reader.text import extract, lemmas

BATCH = 500
PARALLEL_FROM = 2000
SEEDS_NAME = "seeds"
Progress = Callable[[int, int], None]
T = TypeVar("T")

__all__ = ["SINGLE_THREADED", "Library", "ReaderError", "StoreError", "default_data_dir"]


def default_data_dir() -> Path:
    env = os.environ.get("READER_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("reader", appauthor=False))


def _prepare(path: str, known_hash: str | None) -> tuple[str, Indexed | None, str, str | None]:
    """Read, hash, parse and normalise one file (in a worker process when
    there are many). ``Indexed`` is None when the file is unchanged (same
    hash) or holds no article; the note says which."""
    try:
        data = corpus.read_bytes(Path(path))
    except corpus.ArticleError as error:
        return path, None, "", str(error)
    digest = corpus.content_hash(data)
    if digest == known_hash:
        return path, None, digest, None
    try:
        loaded = corpus.load(Path(path), data)
    except corpus.ArticleError as error:
        return path, None, digest, str(error)
    article = loaded.article
    title, body, meta = normalise(article)
    return path, Indexed(article, _digest(article), title, body, meta), digest, loaded.note


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
            self._index_w, self._state_w = self.index, self.state
        else:
            self._state_w = State.open(self.data_dir / "state.db", warn)
            self._index_w = Index.open(self.data_dir / "index.db", warn)
            self.state = self._state_w.sibling()
            self.index = self._index_w.sibling()
            self.index.attach_state(self.data_dir / "state.db", readonly=True)
        self._searcher = Searcher(self.index, self.scope, self._resolve)
        return self

    def close(self) -> None:
        self.writer.close()
        for db in {id(d): d for d in (self.index, self.state, self._index_w, self._state_w)}.values():
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

    def scope(self) -> list[str]:
        """The roots in view: the paths asked for, else every source, else
        the bundled seeds."""
        if self.paths is not None:
            return [str(p) for p in self.paths]
        configured = [s.location for s in self._configured() if s.kind == "folder"]
        return configured or [str(resources.seeds())]

    def _resolve(self, name: str) -> str | None:
        """The root a source's name or location (an ``in:`` value) names."""
        for source in self.sources():
            if name in (lemmas.fold(source.name), lemmas.fold(source.location)):
                return source.location
        return None

    def sources(self) -> list[Source]:
        configured = self._configured()
        rows = [(s.kind, s.name, s.location) for s in configured] or [("folder", SEEDS_NAME, str(resources.seeds()))]
        counts = self.index.counts([location for _, _, location in rows])
        failures = self.index.failed_extractions(extract.VERSION)
        out = []
        for kind, name, location in rows:
            articles, unread = counts.get(location, (0, 0))
            error = None if Path(location).exists() else "no such file or folder"
            if error is None and failures.get(location):
                error = f"entity extraction failed on {failures[location]} article(s)"
            out.append(Source(kind, name, location, articles, unread, error))
        return out

    def add_source(self, path: Path) -> bool:
        """Add a folder (or file) as a source; returns whether it was new."""
        location = path.absolute()
        if not location.exists():
            raise StoreError(f"{path}: no such file or folder")
        return self._save(lambda: self._state_w.add_source("folder", str(location), location.name or str(location))).result()

    def remove_source(self, key: str) -> Source:
        """Remove a source by location or name and drop its articles from the
        index; their bookmarks stay (listed as missing until it returns)."""
        wanted = str(Path(key).absolute()) if Path(key).exists() else key
        for source in self._configured():
            if wanted in (source.location, source.name):
                self._save(lambda: self._state_w.remove_source(source.location)).result()  # noqa: B023 - waited on here
                self._write(lambda: self._index_w.drop_root(source.location)).result()  # noqa: B023 - waited on here
                return Source(source.kind, source.name, source.location)
        raise StoreError(f"no source {key!r} (reader sources list)")

    # -- refreshing ---------------------------------------------------------

    def refresh(self, progress: Progress | None = None, roots: Sequence[str] | None = None, pool: bool = True) -> RefreshReport:
        """Bring the index in line with the files of ``roots`` (default: the
        roots in view): read only what changed (size and mtime first, then the
        content hash), drop what is gone. Other roots are left as they are.
        ``pool``: many files are read in worker processes (never from inside
        the app, whose terminal they would inherit)."""
        report = RefreshReport()
        plans = []
        for root in roots if roots is not None else self.scope():
            files, warnings = corpus.discover([Path(root)])
            report.warnings += warnings
            report.seen += len(files)
            known = self.index.files([root])
            stat = {f.path: (f.size, f.mtime_ns) for f in files}
            todo = [f.path for f in files if (old := known.get(f.path)) is None or (old.size, old.mtime_ns) != stat[f.path]]
            plans.append((root, known, stat, todo, [p for p in known if p not in stat]))
        total = sum(len(todo) for *_, todo, _ in plans)
        pooled = pool and total >= PARALLEL_FROM
        executor = ProcessPoolExecutor(2, mp_context=get_context("spawn"), initializer=exit_with_parent) if pooled else None
        done = 0
        try:
            if progress:
                progress(0, total)
            for root, known, stat, todo, removed in plans:
                if removed:
                    self._write(lambda: self._index_w.apply(root, stat, [], removed=removed)).result()  # noqa: B023 - waited on here
                    report.removed += len(removed)
                done = self._read(root, todo, known, stat, report, executor, progress, done, total)
        except sqlite3.OperationalError as error:
            # Each batch is one transaction: what was written stays, the
            # batch in hand is rolled back, and the index stays usable.
            report.warnings.append(Warning_(str(self.data_dir / "index.db"), f"not fully updated ({error}); the previous index is used"))
        finally:
            if executor:
                executor.shutdown(cancel_futures=True)
        report.warnings += [Warning_(p, n) for p, n in self.index.notes([root for root, *_ in plans])]
        return report

    def _read(
        self,
        root: str,
        todo: list[str],
        known: dict[str, FileState],
        stat: dict[str, tuple[int, int]],
        report: RefreshReport,
        executor: ProcessPoolExecutor | None,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> int:
        hashes = [known[p].hash if p in known else None for p in todo]
        results = executor.map(_prepare, todo, hashes, chunksize=64) if executor else map(_prepare, todo, hashes)
        batch: list[tuple[str, Indexed | None, str, str | None]] = []
        touched: list[str] = []

        def flush() -> None:
            self._write(lambda: self._index_w.apply(root, stat, list(batch), list(touched))).result()

        for path, item, digest, note in results:
            report.read += 1
            if item is None and note is None and digest:
                touched.append(path)
            elif digest or path in known:
                batch.append((path, item, digest or "-", note))
            else:
                report.warnings.append(Warning_(path, note or "unreadable"))
            if len(batch) + len(touched) >= BATCH:
                flush()
                done += len(batch) + len(touched)
                batch, touched = [], []
                if progress:
                    progress(done, total)
        flush()
        done += len(batch) + len(touched)
        if progress:
            progress(done, total)
        return done

    def refresh_elsewhere(self, progress: Progress) -> list[str]:
        """Refresh every root in view in a worker process (the app's way: no
        indexing work shares this process's GIL or terminal); returns the
        warnings. A read-only library has only its memory: it refreshes here."""
        if self.readonly:
            return [str(w) for w in self.refresh(progress, pool=False).warnings]
        return list(index_in_background(self.data_dir, self.scope(), progress))

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
        for rowid in found.rowids[:limit]:
            article = self.index.article(rowid)
            if article is not None:
                snippet = self._searcher.snippet(found, article.body)
                hits.append(SearchHit(article.id, article.title, article.date, article.source, found.scores.get(rowid, 0.0), snippet))
        return hits

    # -- bookmarks and read state -------------------------------------------

    def row_of(self, article_id: str) -> ListRow | None:
        rowid = self.index.rowid_of(article_id)
        return None if rowid is None else self.rows([rowid]).get(rowid)

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
        marks = self.state.bookmarks()
        present = self.index.present(m[0] for m in marks)
        return [Bookmark(i, t, d, s, u, n, at, bool(read), i not in present) for i, t, d, s, u, n, at, read in marks]

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
            self._write(lambda: self._store([(_digest(article), found)]))
        return found

    def cached_extraction(self, article: Article) -> Extraction | None:
        cached = self.index.cached_extraction(_digest(article), extract.VERSION)
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
                        (_digest(article), self.cached_extraction(article) or extract.extract(article.body, article.lang, article.date))
                    )
                except Exception as error:  # one article's fault stops nothing else
                    failed.append((_digest(article), clean_line(f"{type(error).__name__}: {error}")))
            self._write(lambda: self._store(found, failed)).result()  # noqa: B023 - waited on here
            done += len(found) + len(failed)
        return done


def _digest(article: Article) -> str:
    """The extraction cache key's text part: a hash of what the pane shows."""
    return corpus.content_hash(article.body.encode("utf-8", "surrogatepass"))
