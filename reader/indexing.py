"""Reading articles for the index (files, and fetched items from ``items.db``), and storing a large fetch's answers, in
worker processes.

What a worker runs lives here, apart from the library facade, so that a
worker imports what reading and storing need and nothing of searching,
full text or the UI's services.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import signal
import sqlite3
import threading
from concurrent.futures import BrokenExecutor, CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import NamedTuple

from reader import corpus, reading, stories
from reader.background import append_log, exit_with_parent
from reader.feeds.fetch import Response
from reader.feeds.run import Feed, FeedResult, store_answer
from reader.feeds.write import ITEM_FILE, Shelf
from reader.model import Article
from reader.store import Indexed, normalise
from reader.store.items import Items

# What storing and reading a feed's items imports when it first needs it
# (this module's imports are lazy where the CLI's start would pay for them):
# imported once, in the fork server the fetch's workers are forked from.
WORKER_IMPORTS = ("reader.lifeline", __name__, "fastfeedparser", "dateutil.parser", "pyromark", "numpy", "py3langid.langid")

Known = tuple[int, int]  # a file's size and mtime (ns), an item's size and stamp, when it was read


class Prepared(NamedTuple):
    """One article read for the index (what a worker process sends back)."""

    path: str
    indexed: Indexed | None  # None: unchanged (same hash), or no article (the note says why)
    digest: str  # the content hash ("" when it could not be read)
    note: str | None


class Read(NamedTuple):
    """An article just stored, and what it held when it was read."""

    path: str
    known: Known
    prepared: Prepared


class Written(NamedTuple):
    """A feed's answer stored by a worker process."""

    result: FeedResult
    read: list[Read]  # the items written, read
    unread: list[str]  # the items written, left to read in shares


ITEMS = "items.db"

# A feed that wrote more files than this leaves them to tasks of this many,
# which every worker takes a share of: one large feed (a podcast's archive, a
# first fetch of a busy site) is not read on one core while the others idle.
SHARE = 48


class Documents:
    """Where the index reads an article: a fetched item (its address is
    ``<data dir>/feeds/<folder>/<id>.md``) from ``items.db``, anything else
    from its file; and an article's kept full text, from ``items.db``."""

    def __init__(self, data_dir: Path | None, items: Items | None = None) -> None:
        self.feeds = data_dir / "feeds" if data_dir is not None else None
        self._items = items
        self._path = data_dir / ITEMS if data_dir is not None else None

    @property
    def items(self) -> Items | None:
        """``items.db`` (read only when opened here), or None when there is none."""
        if self._items is None and self._path is not None and self._path.exists():
            with contextlib.suppress(sqlite3.Error):
                self._items = Items.reader(self._path)
        return self._items

    def is_item(self, path: str) -> bool:
        return (
            self.feeds is not None
            and os.path.dirname(os.path.dirname(path)) == str(self.feeds)
            and ITEM_FILE.fullmatch(os.path.basename(path)) is not None
        )

    def read(self, path: str) -> bytes:
        """An article's bytes; :class:`corpus.ArticleError` when there are none."""
        if not self.is_item(path):
            return corpus.read_bytes(Path(path))
        data = None
        if self.items is not None:
            with contextlib.suppress(sqlite3.Error):
                data = self.items.data(os.path.basename(path)[:16])
        if data is None:
            raise corpus.ArticleError("no longer in items.db")
        return data

    def full_text(self, article_id: str) -> bytes | None:
        if self.items is None:
            return None
        try:
            kept = self.items.full_text(article_id)
        except sqlite3.Error:
            return None
        return kept[1] if kept is not None else None


@functools.lru_cache(maxsize=4)
def documents(data_dir: str | None) -> Documents:
    """This process's way to the articles of a data dir (a worker's: one connection, kept)."""
    return Documents(Path(data_dir) if data_dir is not None else None)


@functools.lru_cache(maxsize=4)
def shelf(data_dir: str) -> Items:
    """This process's connection to store items into a data dir's ``items.db``
    (a worker's: the process that started it made the file)."""
    return Items.writer(Path(data_dir) / ITEMS)


def prepare(path: str, known_hash: str | None, where: Documents | str | None = None, data: bytes | None = None) -> Prepared:
    """Read (unless its ``data`` is given), hash, parse and normalise one
    article (in a worker process when there are many: ``where`` is then the
    data dir, read through that process's :func:`documents`). ``Indexed``
    is None when it is unchanged (same hash) or holds no article; the note
    says which."""
    return with_marks([_read(path, known_hash, where, data)])[0]


def prepare_many(paths: list[str], known_hashes: list[str | None], where: Documents | str | None = None) -> list[Prepared]:
    """:func:`prepare` of several articles (a worker's share), their story
    marks made together (numpy's calls cost as much for one as for many)."""
    return with_marks([_read(path, known, where) for path, known in zip(paths, known_hashes, strict=True)])


def with_marks(prepared: list[Prepared]) -> list[Prepared]:
    """These articles with their story marks (:func:`reader.stories.marks_many`)."""
    if os.environ.get("READER_BENCH_NO_STORIES"):
        return prepared
    texts = [(p.indexed.article.date, p.indexed.body_norm, p.indexed.title_norm) for p in prepared if p.indexed is not None]
    made = iter(stories.marks_many(texts) if texts else ())
    return [
        p
        if (i := p.indexed) is None
        else Prepared(p.path, Indexed(i.article, i.hash, i.title_norm, i.body_norm, i.meta_norm, next(made)), p.digest, p.note)
        for p in prepared
    ]


def _read(path: str, known_hash: str | None, where: Documents | str | None, data: bytes | None = None) -> Prepared:
    """:func:`prepare` but the marks."""
    found = where if isinstance(where, Documents) else documents(where)
    if data is None:
        try:
            data = found.read(path)
        except corpus.ArticleError as error:
            return Prepared(path, None, "", str(error))
    digest = corpus.content_hash(data)
    if digest == known_hash:
        return Prepared(path, None, digest, None)
    try:
        loaded = corpus.load(Path(path), data)
    except corpus.ArticleError as error:
        return Prepared(path, None, digest, str(error))
    article = reading.with_full_text(loaded.article, found)  # a kept full text is the body
    title, body, meta = normalise(article)
    return Prepared(path, Indexed(article, text_digest(article), title, body, meta), digest, loaded.note)


def text_digest(article: Article) -> str:
    """The extraction cache key's text part: a hash of what the pane shows."""
    return corpus.content_hash(article.body.encode("utf-8", "surrogatepass"))


def store_and_read(feed: Feed, response: Response, protected_ids: frozenset[str], data_dir: str) -> Written:
    """A feed's answer stored (in a worker process) and each item written
    read as the index reads it (from the bytes written, not read back),
    with the size and stamp of those bytes; more than :data:`SHARE` items
    are left to :func:`read_written`."""
    written: list[tuple[str, bytes, Known]] = []
    result = store_answer(feed, response, shelf(data_dir), protected_ids, on_written=lambda *item: written.append(item))
    if len(written) > SHARE:
        return Written(result, [], [path for path, _, _ in written])
    read = with_marks([_read(path, None, data_dir, data) for path, data, _ in written])
    return Written(result, [Read(path, known, one) for (path, _, known), one in zip(written, read, strict=True)], [])


def read_written(paths: list[str], data_dir: str) -> list[Read]:
    """Items just stored, read as the index reads them, each with the size
    and stamp of the very bytes read. One gone since is left out: the
    index's own listing says what is there."""
    items = documents(data_dir).items
    found = [(path, items.data_known(os.path.basename(path)[:16]) if items is not None else None) for path in paths]
    there = [(path, data, known) for path, one in found if one is not None for data, known in (one,)]
    read = with_marks([_read(path, None, data_dir, data) for path, data, _ in there])
    return [Read(path, known, one) for (path, _, known), one in zip(there, read, strict=True)]


def reading_pool(workers: int = 2) -> ProcessPoolExecutor:
    """Worker processes spawned anew: nothing of this process is copied."""
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_leave_with_parent)


def _leave_with_parent() -> None:
    """A worker leaves with the process that started it, and leaves Ctrl-C to
    the fetching or indexing process (which stops the pool; no second
    traceback on the terminal)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


class StoringPool:
    """A large fetch's answers, stored and read in worker processes.

    The workers are forked from a fork server that has imported this module
    once (one process's imports, not one for each worker), spawned where
    there is no fork server. They are started in a thread of their own, as
    their start would hold up whoever asked first; answers handed over
    meanwhile wait in a queue, so the fetching threads wait for a worker
    only when :data:`QUEUED_BYTES` of answers are waiting already. When the
    workers cannot start or one dies, the answers not stored are stored in
    that thread: every answer handed over is stored or fails, none is lost
    or left waiting. What the workers read is kept until the index takes it."""

    def __init__(self, workers: int, data_dir: Path, items: Shelf) -> None:
        self._shelf = items  # this process's, for the answers stored here
        self._prepared: dict[str, tuple[Known, Prepared]] = {}  # path -> (size, mtime), read
        self._executor: ProcessPoolExecutor | None = None
        self._workers = workers
        self._data_dir = data_dir
        self._guard = threading.Lock()
        self._room = threading.Condition()
        self._queued = 0  # bytes of answers handed over and not stored yet
        self._closed = False
        self._answers: queue.SimpleQueue[_Answer | _Shares | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True, name="reader-storing")
        self._thread.start()

    def store(self, feed: Feed, response: Response, protected_ids: frozenset[str]) -> Future[FeedResult]:
        size = len(response.body)
        with self._room:
            self._room.wait_for(lambda: self._closed or self._queued == 0 or self._queued + size <= QUEUED_BYTES)
            self._queued += size
        answer = _Answer(Future(), feed, response, protected_ids)
        answer.stored.add_done_callback(lambda _: self._stored(size))
        self._enqueue(answer)
        return answer.stored

    def take(self, folders: set[str]) -> dict[str, tuple[Known, Prepared]]:
        """What was read of the files in ``folders``, no longer kept here."""
        with self._guard:
            return {path: self._prepared.pop(path) for path in [p for p in self._prepared if os.path.dirname(p) in folders]}

    def close(self) -> None:
        """Stop; an answer not stored by now is dropped (its feed keeps what
        it had, and is fetched in full next time), and a feed stored whose
        files are not read yet is left for the index to read."""
        with self._room:
            self._closed = True
            self._answers.put(None)  # the last: nothing is queued once closed
            self._room.notify_all()
        self._thread.join()
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def _enqueue(self, item: _Answer | _Shares) -> None:
        with self._room:
            if not self._closed:
                self._answers.put(item)
                return
        if isinstance(item, _Shares):
            item.answer.stored.set_result(item.result)
        else:
            item.stored.set_exception(CancelledError())

    def _stored(self, size: int) -> None:
        with self._room:
            self._queued -= size
            self._room.notify_all()

    def _run(self) -> None:
        executor: ProcessPoolExecutor | None = None
        try:
            executor = self._executor = _forked_pool(self._workers)
        except Exception as error:  # no worker can start (no /dev/shm, say): this thread stores them all
            self._log(error)
        while (answer := self._answers.get()) is not None:
            if isinstance(answer, _Shares):
                executor = self._share(answer, executor)
                continue
            if executor is not None:
                try:
                    done = executor.submit(store_and_read, answer.feed, answer.response, answer.protected_ids, str(self._data_dir))
                except Exception as error:  # the workers could not start, or one died: this thread stores the rest
                    self._log(error)
                    executor = None
                else:
                    done.add_done_callback(functools.partial(self._keep, answer=answer))
                    continue
            try:
                answer.stored.set_result(store_answer(answer.feed, answer.response, self._shelf, answer.protected_ids))
            except BaseException as error:
                answer.stored.set_exception(error)

    def _keep(self, done: Future[Written], answer: _Answer) -> None:
        try:
            result, rows, unread = done.result()
        except BrokenExecutor:  # a worker died: what it had not stored is stored in this process
            self._stop_the_others()
            self._enqueue(answer)
            return
        except BaseException as error:  # storing it failed, or the fetch is stopping
            answer.stored.set_exception(error)
            return
        self._keep_read(rows)
        if unread:
            self._enqueue(_Shares(answer, result, [unread[n : n + SHARE] for n in range(0, len(unread), SHARE)]))
        else:
            answer.stored.set_result(result)

    def _share(self, shares: _Shares, executor: ProcessPoolExecutor | None) -> ProcessPoolExecutor | None:
        """Hand a large feed's files to the workers, a share each; the feed is
        stored when every share is read, or failed to be (the index then
        reads those files itself). The executor, or None once it broke."""
        left = [len(shares.parts)]
        counting = threading.Lock()

        def one_less() -> None:
            with counting:
                left[0] -= 1
                last = left[0] == 0
            if last:
                shares.answer.stored.set_result(shares.result)

        def settled(done: Future[list[Read]]) -> None:
            try:
                self._keep_read(done.result())
            except BrokenExecutor:
                self._stop_the_others()
            except BaseException:  # cancelled as the fetch stops, or not read: the index reads these files itself
                pass
            one_less()

        for part in shares.parts:
            if executor is not None:
                try:
                    executor.submit(read_written, part, str(self._data_dir)).add_done_callback(settled)
                    continue
                except Exception as error:  # a worker died meanwhile
                    self._log(error)
                    executor = None
            one_less()
        return executor

    def _keep_read(self, rows: list[Read]) -> None:
        with self._guard:
            self._prepared.update((path, (known, read)) for path, known, read in rows)

    def _stop_the_others(self) -> None:
        """The workers left, stopped at once. A worker killed while it held
        the queue of tasks leaves the others waiting on it for ever, and
        ``ProcessPoolExecutor`` (CPython 3.11) waits for that queue to drain
        before it stops them: the fetch would never end. It stops them anyway;
        this only does it first. (``_processes`` is the executor's own.)"""
        processes = getattr(self._executor, "_processes", None) or {}
        for process in list(processes.values()):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()

    def _log(self, error: Exception) -> None:
        append_log(self._data_dir, f"the fetch's workers: {type(error).__name__}: {error}; storing in the fetching process")


QUEUED_BYTES = 64 * 2**20  # answers waiting for a worker, at most (a feed's answer may be 16 MiB)


@dataclass(frozen=True)
class _Answer:
    stored: Future[FeedResult]
    feed: Feed
    response: Response
    protected_ids: frozenset[str]


@dataclass(frozen=True)
class _Shares:
    """A large feed stored, its files still to read in these parts."""

    answer: _Answer
    result: FeedResult
    parts: list[list[str]]


def _forked_pool(workers: int) -> ProcessPoolExecutor:
    if "forkserver" not in get_all_start_methods():
        return reading_pool(workers)
    context = get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_IMPORTS))
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_leave_with_parent)
