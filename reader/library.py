"""The one facade the CLI and the UI call: open, refresh, list, search,
show, bookmark, entities."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from reader import corpus, fulltext, reading, resources
from reader.model import Article, Bookmark, Extraction, ListRow, RefreshReport, SearchHit, Warning_
from reader.search import Matcher, Query, QueryError, entity_expression, entity_tokens, fts_expression, parse
from reader.store import FileState, Index, Indexed, State, StoreError, normalise, now, retry_locked
from reader.text import extract
from reader.text.markdown import Rendered
from reader.text.sanitize import clean_line

if TYPE_CHECKING:
    import numpy as np

# The models multiply small matrices: one BLAS thread a process. Parallel
# BLAS in two worker processes on two cores made extraction five times slower.
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
BATCH = 500
RANK_LIMIT = 2000
RANKED = "SELECT rowid, bm25(fts, 10.0, 1.0, 3.0) AS score FROM fts WHERE fts MATCH ? ORDER BY score"
PARALLEL_FROM = 2000
Progress = Callable[[int, int], None]


def default_data_dir() -> Path:
    env = os.environ.get("READER_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("reader", appauthor=False))


@dataclass(frozen=True, slots=True)
class Found:
    """What a query found: rowids best first, or the error in the query."""

    rowids: array[int]
    query: Query | None = None
    error: QueryError | None = None
    scores: dict[int, float] = field(default_factory=dict)


def exit_with_parent() -> None:
    """In a helper process: leave when the process that started it is gone
    (even by kill -9), rather than linger as an orphan."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _prepare(path: str, known_hash: str | None, data_dir: str | None = None) -> tuple[str, Indexed | None, str, str | None]:
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
    article = reading.with_full_text(loaded.article, data_dir)  # a kept full text is the body
    title, body, meta = normalise(article)
    return (
        path,
        Indexed(article, _digest(article), title, body, meta),
        digest,
        loaded.note,
    )


class Library:
    def __init__(self, roots: Sequence[Path] | None = None, data_dir: Path | None = None) -> None:
        self.roots = [Path(r) for r in roots] if roots else [resources.seeds()]
        self.data_dir = data_dir or default_data_dir()
        self.warnings: list[str] = []
        self.readonly = False
        self.index: Index
        self.state: State
        self._stamp = -1
        self._date_order: array[int] | None = None
        self._language_counts: dict[str, int] | None = None
        self._count: int | None = None

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
            self.index = Index.open(None, warn)
            self.state = self._memory_state(self.data_dir / "state.db")
        else:
            self.state = State.open(self.data_dir / "state.db", warn)
            self.index = Index.open(self.data_dir / "index.db", warn)
            self.index.attach_state(self.data_dir / "state.db")
        return self

    def _memory_state(self, path: Path) -> State:
        """A read-only library keeps a copy of the state in memory, shared by
        name so the index can join it; the file is only read."""
        uri = f"file:reader-state-{id(self)}?mode=memory&cache=shared"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        if path.exists():
            try:
                source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                source.backup(conn)
                source.close()
            except sqlite3.DatabaseError as error:
                self.warnings.append(clean_line(f"{path}: cannot be read ({error})"))
        State.migrate(conn)
        self.index.attach_state(uri)
        return State(conn, None)

    def close(self) -> None:
        self.index.close()
        self.state.close()

    def __enter__(self) -> Library:
        return self.open()

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- refreshing ---------------------------------------------------------

    def refresh(self, progress: Progress | None = None) -> RefreshReport:
        """Bring the index in line with the files: read only what changed
        (size and mtime first, then the content hash), drop what is gone."""
        report = RefreshReport()
        files, report.warnings = corpus.discover(self.roots)
        report.seen = len(files)
        known = self.index.files()
        stat = {f.path: (f.size, f.mtime_ns) for f in files}
        todo = [f.path for f in files if (old := known.get(f.path)) is None or (old.size, old.mtime_ns) != stat[f.path]]
        removed = [p for p in known if p not in stat]
        try:
            if removed:
                self.index.apply(stat, [], removed=removed)
                report.removed = len(removed)
            self._read(todo, known, stat, report, progress)
        except sqlite3.OperationalError as error:
            # Each batch is one transaction: what was written stays, the
            # batch in hand is rolled back, and the index stays usable.
            report.warnings.append(Warning_(str(self.data_dir / "index.db"), f"not fully updated ({error}); the previous index is used"))
        report.warnings += [Warning_(p, n) for p, n in self.index.notes()]
        return report

    def _read(
        self,
        todo: list[str],
        known: dict[str, FileState],
        stat: dict[str, tuple[int, int]],
        report: RefreshReport,
        progress: Progress | None,
    ) -> None:
        done = 0
        if progress:
            progress(0, len(todo))
        hashes = [known[p].hash if p in known else None for p in todo]
        data_dirs = [str(self.data_dir)] * len(todo)
        pool = ProcessPoolExecutor(2, mp_context=get_context("spawn"), initializer=exit_with_parent) if len(todo) >= PARALLEL_FROM else None
        try:
            results = pool.map(_prepare, todo, hashes, data_dirs, chunksize=64) if pool else map(_prepare, todo, hashes, data_dirs)
            batch: list[tuple[str, Indexed | None, str, str | None]] = []
            touched: list[str] = []
            for path, item, digest, note in results:
                report.read += 1
                if item is None and note is None and digest:
                    touched.append(path)
                elif digest or path in known:
                    batch.append((path, item, digest or "-", note))
                else:
                    report.warnings.append(Warning_(path, note or "unreadable"))
                if len(batch) + len(touched) >= BATCH:
                    self.index.apply(stat, batch, touched)
                    done += len(batch) + len(touched)
                    batch, touched = [], []
                    if progress:
                        progress(done, len(todo))
            self.index.apply(stat, batch, touched)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        if progress:
            progress(len(todo), len(todo))

    # -- reading ------------------------------------------------------------

    def all_rowids(self) -> array[int]:
        return array("q", self._by_date())

    def rows(self, rowids: Sequence[int]) -> dict[int, ListRow]:
        return self.index.rows(rowids, state=True)

    def list_rows(self) -> list[ListRow]:
        rowids = self.all_rowids()
        rows = self.rows(rowids)
        return [rows[r] for r in rowids]

    def article(self, rowid: int) -> Article | None:
        return self.index.article(rowid)

    def find(self, key: str) -> Article | None:
        """An article by id, or by the path of its file."""
        rowid = self.index.rowid_of(key)
        if rowid is None:
            path = Path(key)
            if path.exists():
                rowid = self.index.rowid_of_path(str(path.absolute()))
                if rowid is None:
                    return corpus.load(path).article
        return None if rowid is None else self.index.article(rowid)

    def count(self) -> int:
        self._fresh()
        if self._count is None:
            self._count = self.index.count()
        return self._count

    # -- searching ----------------------------------------------------------

    def search(self, text: str, partial: bool = False, bookmarked_only: bool = False, ranked: bool | None = None) -> Found:
        """Every article the query finds. Ranking by BM25 is bounded: when
        the words match more than ``RANK_LIMIT`` articles the hits are listed
        newest first, unless ``ranked`` asks for the ranking whatever it
        costs (the CLI does)."""
        parsed = parse(text)
        if isinstance(parsed, QueryError):
            return Found(array("q"), error=parsed)
        if parsed.empty and not bookmarked_only:
            return Found(self.all_rowids(), parsed)
        import numpy as np  # on first search, not at start-up

        text_terms = list(parsed.text_terms())
        positive = " AND ".join(fts_expression(t, partial=partial and t is text_terms[-1]) for t in text_terms)
        negative = [fts_expression(t) for t in parsed.terms if t.negated and not t.kinds]
        expression = positive + "".join(f" NOT {n}" for n in negative) if positive else ""
        # Each part of the query is one set of rowids from SQLite; numpy
        # intersects them, so no part is evaluated row by row against another.
        keeps: list[np.ndarray] = []
        drops: list[np.ndarray] = []
        if expression:
            keeps.append(self._ids("SELECT rowid FROM fts WHERE fts MATCH ?", expression))
        elif negative:
            drops.append(self._ids("SELECT rowid FROM fts WHERE fts MATCH ?", " OR ".join(negative)))
        for term in parsed.terms:
            if term.kinds:
                (drops if term.negated else keeps).append(self._ids("SELECT rowid FROM efts WHERE efts MATCH ?", entity_expression(term)))
        for f in parsed.filters:
            if f.name == "lang" and not f.negated and self._languages().get(f.value) == self.count():
                continue  # every article is in that language: nothing to filter
            clause, values = _filter_sql(f.name, f.value, f.until)
            keeps.append(self._ids(f"SELECT a.rowid FROM articles a WHERE {'NOT ' if f.negated else ''}({clause})", *values))
        if bookmarked_only:
            keeps.append(self._ids("SELECT a.rowid FROM articles a WHERE a.id IN (SELECT id FROM state.bookmarks)"))
        keep = functools.reduce(np.intersect1d, keeps) if keeps else None
        drop = np.concatenate(drops) if drops else None
        # BM25 costs in proportion to what the words match, whatever the
        # filters leave: rank when that is bounded, else list newest first.
        if expression and keep is not None and (ranked or (ranked is None and len(keeps[0]) <= RANK_LIMIT)):
            wanted = set(keep.tolist())
            scores = {int(r): -float(score) for r, score in self.index.query(RANKED, [expression]) if r in wanted}  # type: ignore[call-overload, arg-type]
            return Found(array("q", scores), parsed, scores=scores)
        return Found(_newest_first(self._by_date(), keep, drop), parsed)

    def _ids(self, sql: str, *params: object) -> np.ndarray:
        """The rowids a query returns, as one array (one string from SQLite,
        parsed in C: a hundred thousand rows cost milliseconds, not tuples)."""
        import numpy as np  # on first search, not at start-up

        text = self.index.query(f"SELECT group_concat(rowid) FROM ({sql})", params)[0][0]
        return np.fromstring(str(text), dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)

    def _by_date(self) -> array[int]:
        self._fresh()
        if self._date_order is None:
            self._date_order = self.index.ordered()
        return self._date_order

    def _languages(self) -> dict[str, int]:
        self._fresh()
        if self._language_counts is None:
            self._language_counts = {str(lang): int(n) for lang, n in self.index.query("SELECT lang, count(*) FROM articles GROUP BY lang")}  # type: ignore[call-overload]
        return self._language_counts

    def _fresh(self) -> None:
        """Forget what was derived from the index once anybody changed it."""
        stamp = self.index.generation()
        if stamp != self._stamp:
            self._stamp, self._date_order, self._language_counts, self._count = stamp, None, None, None

    def hits(self, text: str, limit: int) -> list[SearchHit] | QueryError:
        found = self.search(text, ranked=True)
        if found.error:
            return found.error
        matcher = Matcher.of(found.query) if found.query else None
        hits = []
        for rowid in found.rowids[:limit]:
            article = self.index.article(rowid)
            if article is None:
                continue
            snippet = matcher.snippet(article.body) if matcher else ""
            hits.append(SearchHit(article.id, article.title, article.date, article.source, found.scores.get(rowid, 0.0), snippet))
        return hits

    # -- bookmarks and read state -------------------------------------------

    def _writable(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.data_dir} is read-only: nothing can be saved")

    def row_of(self, article_id: str) -> ListRow | None:
        rowid = self.index.rowid_of(article_id)
        return None if rowid is None else self.rows([rowid]).get(rowid)

    def set_bookmark(self, article_id: str, on: bool, note: str | None = None) -> None:
        self._writable()
        if not on:
            retry_locked(lambda: self.state.remove_bookmark(article_id))
            return
        row = self.row_of(article_id)
        if row is None:
            raise StoreError(f"no article with id {article_id}")
        retry_locked(lambda: self.state.add_bookmark(row, note))

    def toggle_bookmark(self, article_id: str) -> bool:
        on = not self.state.is_bookmarked(article_id)
        self.set_bookmark(article_id, on)
        return on

    def set_note(self, article_id: str, note: str) -> None:
        self._writable()
        if not retry_locked(lambda: self.state.set_note(article_id, note)):
            raise StoreError(f"{article_id} is not bookmarked")

    def note_of(self, article_id: str) -> str:
        return self.state.note_of(article_id)

    def set_read(self, article_id: str, read: bool) -> None:
        self._writable()
        retry_locked(lambda: self.state.set_read(article_id, read))

    def toggle_read(self, article_id: str) -> bool:
        read = not self.state.is_read(article_id)
        self.set_read(article_id, read)
        return read

    def bookmarks(self) -> list[Bookmark]:
        present = {r[0] for r in self.index.query("SELECT DISTINCT id FROM articles WHERE id IN (SELECT id FROM state.bookmarks)")}
        return [Bookmark(i, t, d, s, u, n, at, bool(read), i not in present) for i, t, d, s, u, n, at, read in self.state.bookmarks()]

    def import_bookmarks(self, items: Iterable[Bookmark]) -> int:
        self._writable()
        return retry_locked(lambda: self.state.import_bookmarks(items))

    # -- entities -----------------------------------------------------------

    def extraction(self, article: Article) -> Extraction:
        """Entities and figures of an article, from the cache when it has them."""
        found = self.cached_extraction(article)
        if found is not None:
            return found
        found = extract.extract(article.body, article.lang, article.date)
        rowid = self.index.rowid_of_path(article.path)
        if rowid is not None and not self.readonly:
            self._store_extractions([(rowid, _digest(article), found)])
        return found

    def cached_extraction(self, article: Article) -> Extraction | None:
        cached = self.index.cached_extraction(_digest(article), extract.VERSION)
        return None if cached is None else extract.from_json(cached)

    def _store_extractions(self, items: Iterable[tuple[int, str, Extraction]]) -> None:
        rows = [
            (rowid, digest, extract.to_json(found), " zzsep ".join(entity_tokens(e.kind, e.normal) for e in found.entities))
            for rowid, digest, found in items
        ]
        self.index.store_extractions(extract.VERSION, rows)

    def pending_extraction(self) -> int:
        return self.index.pending_extraction(extract.VERSION)

    def extract_pending(self, batch: int = 32, part: int = 0, parts: int = 1) -> int:
        """Extract entities for every article that lacks them (this process's
        ``part`` of ``parts``), a batch a transaction, so it resumes wherever
        it stops. Returns how many were done."""
        done = 0
        while rowids := self.index.to_extract(extract.VERSION, batch, part, parts):
            articles = [(rowid, a) for rowid in rowids if (a := self.index.article(rowid)) is not None]
            self._store_extractions(
                [(rowid, _digest(a), self.cached_extraction(a) or extract.extract(a.body, a.lang, a.date)) for rowid, a in articles]
            )
            done += len(articles)
        return done

    # -- reading: formatting and full text (issue 10; logic in reading.py, fulltext.py)

    def formatting(self, article: Article) -> Rendered | None:
        """The body's style spans and links (None: show it plain)."""
        return reading.formatting(article, self.data_dir)

    def has_full_text(self, article: Article) -> bool:
        return fulltext.kept(self.data_dir, article.id) is not None

    def summary(self, article: Article) -> Article | None:
        """The article as its own file has it, without its full text."""
        return reading.summary(article)

    def full_text(self, article: Article) -> Article | fulltext.Failure:
        """Fetch, extract and keep the article's full text, index it as the
        article's body and return the article with it; or why not (one line).
        A read-only library shows it without keeping it."""
        if not article.url:
            return fulltext.Failure("this article has no URL")
        result = fulltext.full_text(article.url)
        if isinstance(result, fulltext.Failure):
            return result
        if self.readonly:
            return reading.shown_full_text(article, result.markdown)
        try:
            fulltext.keep(self.data_dir, article.id, article.title, article.date, article.source, result)
            if article.path and Path(article.path).is_file():
                st = os.stat(article.path)
                item = _prepare(article.path, None, str(self.data_dir))
                if item[1] is not None:
                    self.index.apply({article.path: (st.st_size, st.st_mtime_ns)}, [item])
        except (OSError, sqlite3.Error) as error:
            return fulltext.Failure(f"the full text could not be kept: {clean_line(str(error))}")
        return reading.with_full_text(article, self.data_dir)


class BackgroundExtraction:
    """Entity extraction for the whole library in worker processes
    (``python -m reader.worker``, one a core): no GIL shared with the UI, each
    batch committed, so it resumes wherever it was stopped."""

    def __init__(self, library: Library, processes: int = 0) -> None:
        self.library = library
        self.count = processes or max(1, min(2, os.cpu_count() or 1))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.total = library.pending_extraction()

    def start(self) -> BackgroundExtraction:
        log = open(self.library.data_dir / "extract.log", "ab")  # noqa: SIM115 - handed to the children
        with log:
            for part in range(self.count):
                command = [sys.executable, "-m", "reader.worker", "--data-dir", str(self.library.data_dir)]
                command += ["--part", str(part), "--parts", str(self.count), *map(str, self.library.roots)]
                env = {**os.environ, **SINGLE_THREADED}
                self.processes.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env))
        return self

    @property
    def running(self) -> bool:
        return any(p.poll() is None for p in self.processes)

    def done(self) -> int:
        return self.total - self.library.pending_extraction()

    def failed(self) -> bool:
        return any(p.poll() not in (None, 0) for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


def _digest(article: Article) -> str:
    """The extraction cache key's text part: a hash of what the pane shows."""
    return corpus.content_hash(article.body.encode("utf-8", "surrogatepass"))


def _newest_first(order: array[int], keep: np.ndarray | None, drop: np.ndarray | None) -> array[int]:
    """The rowids of ``order`` (newest first) in ``keep`` and not in ``drop``."""
    import numpy as np

    everything = np.frombuffer(order, dtype=np.int64)
    mask = np.ones(len(everything), dtype=bool) if keep is None else np.isin(everything, keep)
    if drop is not None and len(drop):
        mask &= ~np.isin(everything, drop)
    return array("q", everything[mask].tobytes())


def _filter_sql(name: str, value: str, until: str) -> tuple[str, list[object]]:
    if name == "source":
        return "instr(a.source_key, ?) > 0", [value]
    if name == "lang":
        return "a.lang = ?", [value]
    if name == "tag":
        return "instr(a.tags_key, ?) > 0", [f"\x1f{value}\x1f"]
    if name == "date":
        return "a.date >= ? AND a.date < ?", [value, until]
    if value == "bookmarked":
        return "a.id IN (SELECT id FROM state.bookmarks)", []
    if value == "read":
        return "a.id IN (SELECT id FROM state.reads)", []
    return "a.id NOT IN (SELECT id FROM state.reads)", []


def bookmarks_markdown(items: Iterable[Bookmark]) -> str:
    lines = ["# Bookmarks", ""]
    for b in items:
        meta = " · ".join(x for x in (b.date, b.source, b.url) if x)
        lines.append(f"- **{b.title or b.id}** — {meta}" + (f"  \n  {b.note}" if b.note else ""))
    return "\n".join(lines) + "\n"


def bookmarks_from_json(text: str) -> list[Bookmark]:
    """Bookmarks from an export; raises ValueError with a clear message."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at line {error.lineno}") from error
    if not isinstance(raw, list):
        raise ValueError("expected a JSON array of bookmarks")
    out = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ValueError(f"bookmark {number} has no id")
        title, date, source, url, note, at = (str(item.get(k) or "") for k in ("title", "date", "source", "url", "note", "bookmarked_at"))
        out.append(Bookmark(item["id"], title, date, source, url, note, at or now(), False, False))
    return out
