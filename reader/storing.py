"""Storing a large fetch's answers in worker processes, each item read for the index from the bytes it stored."""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import threading
from concurrent.futures import BrokenExecutor, CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import NamedTuple

from reader.background import append_log
from reader.feeds.fetch import Response
from reader.feeds.run import Feed, FeedResult, store_answer
from reader.feeds.write import Shelf
from reader.indexing import ITEMS, Known, Prepared, documents, leave_with_parent, prepare_given, reading_pool
from reader.store.items import Items

# What storing and reading a feed's items imports when it first needs it
# (this module's imports are lazy where the CLI's start would pay for them):
# imported once, in the fork server the fetch's workers are forked from.
WORKER_IMPORTS = ("reader.lifeline", __name__, "fastfeedparser", "dateutil.parser", "pyromark", "numpy", "py3langid.langid")


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


# A feed that wrote more files than this leaves them to tasks of this many,
# which every worker takes a share of: one large feed (a podcast's archive, a
# first fetch of a busy site) is not read on one core while the others idle.
SHARE = 48


@functools.lru_cache(maxsize=4)
def shelf(data_dir: str) -> Items:
    """This process's connection to store items into a data dir's ``items.db``
    (a worker's: the process that started it made the file)."""
    return Items.writer(Path(data_dir) / ITEMS)


def store_and_read(feed: Feed, response: Response, protected_ids: frozenset[str], data_dir: str) -> Written:
    """A feed's answer stored (in a worker process) and each item written
    read as the index reads it (from the bytes written, not read back),
    with the size and stamp of those bytes; more than :data:`SHARE` items
    are left to :func:`read_written`."""
    written: list[tuple[str, bytes, Known]] = []
    result = store_answer(feed, response, shelf(data_dir), protected_ids, on_written=lambda *item: written.append(item))
    if len(written) > SHARE:
        return Written(result, [], [path for path, _, _ in written])
    read = prepare_given([(path, data) for path, data, _ in written], data_dir)
    return Written(result, [Read(path, known, one) for (path, _, known), one in zip(written, read, strict=True)], [])


def read_written(paths: list[str], data_dir: str) -> list[Read]:
    """Items just stored, read as the index reads them, each with the size
    and stamp of the very bytes read. One gone since is left out: the
    index's own listing says what is there."""
    items = documents(data_dir).items
    found = [(path, items.data_known(os.path.basename(path)[:16]) if items is not None else None) for path in paths]
    there = [(path, data, known) for path, one in found if one is not None for data, known in (one,)]
    read = prepare_given([(path, data) for path, data, _ in there], data_dir)
    return [Read(path, known, one) for (path, _, known), one in zip(there, read, strict=True)]


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
    return ProcessPoolExecutor(workers, mp_context=context, initializer=leave_with_parent)
