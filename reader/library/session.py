"""The data dir's databases for one process: reading connections, and the one writer thread that changes them."""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

import platformdirs

from reader import corpus
from reader.background import LOG, append_log
from reader.indexing import ITEMS, Documents
from reader.library.migration import move_files_in
from reader.model import DiskFull, is_disk_full
from reader.sanitize import clean_line
from reader.store import Index, State, StoreError, retry_locked
from reader.store.items import Items

T = TypeVar("T")
READING_ONLY = "reading only, nothing will be saved"
FULL = f"the disk is full; {READING_ONLY}"


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


class Session:
    """``index.db``, ``state.db`` and ``items.db`` as this process uses them.
    Reads go through reading connections (``state.db`` attached read-only);
    every change to the index and the state goes through :class:`Writer`,
    with connections of its own, so a caller that must not wait (the UI)
    gets a future and one that must (the CLI) waits on it. What is fetched
    is stored by the fetch itself (never on the UI's thread), a feed's
    answer a transaction. A data dir that cannot be written is read into
    memory (``items.db`` is only read): nothing is saved, and saying so is
    one of the ``warnings``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.warnings: list[str] = []
        self.said: list[str] = []  # what opening did that the user should know of (not a problem)
        self.readonly = False
        self.full = False  # read-only because the disk is full
        self.writer = Writer()
        self.index: Index  # reads
        self.state: State
        self.queries: Index  # searches, on worker threads: the list's rows never wait behind one
        self.index_w: Index  # the writer's
        self.state_w: State
        self.items: Items  # what was fetched
        self.documents: Documents  # where articles are read from

    def open(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / f".write-test-{os.getpid()}-{threading.get_ident()}"  # one a process and thread: no race
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            self._read_only(error)

        def warn(message: str) -> None:
            self.warnings.append(clean_line(message))

        if not self.readonly:
            state_w: State | None = None
            items: Items | None = None
            try:
                state_w = State.open(self.data_dir / "state.db", warn)
                items = Items.open(self.data_dir / ITEMS, warn)
                index_w = Index.open(self.data_dir / "index.db", warn)
            except (sqlite3.Error, OSError) as error:  # a full disk: SQLite cannot even size its shared-memory file
                for opened in (state_w, items):
                    if opened is not None:
                        opened.close()
                if not is_disk_full(error, self.data_dir):
                    raise
                self._read_only(error)
            else:
                self.state_w, self.index_w, self.items = state_w, index_w, items
                self.documents = Documents(self.data_dir, items)
                try:
                    moved = move_files_in(self.data_dir, items)  # a data dir of an older reader, once
                except (sqlite3.Error, OSError) as error:  # what was moved stays moved; the rest next time
                    if not is_disk_full(error, self.data_dir):
                        raise
                    warn(f"{self.data_dir}: the disk is full; fetched files not moved into {ITEMS} yet")
                    moved = None
                if moved is not None:
                    self.said.append(clean_line(moved))
                self.state = self.state_w.sibling()
                self.index, self.queries = self.index_w.sibling(), self.index_w.sibling()
                for reads in {id(i): i for i in (self.index, self.queries)}.values():
                    reads.attach_state(self.data_dir / "state.db", readonly=True)
        if self.readonly:
            self._open_in_memory(warn)

    def _open_in_memory(self, warn: Callable[[str], None]) -> None:
        self.items = _items_to_read(self.data_dir / ITEMS)
        self.documents = Documents(self.data_dir, self.items)
        self.state, uri = State.memory(self.data_dir / "state.db", warn)
        self.index = Index.memory(self.data_dir / "index.db")
        self.index.attach_state(uri, readonly=False)
        self.index_w, self.state_w, self.queries = self.index, self.state, self.index

    def read_into_memory(self) -> None:
        """The disk filled up while open: from now on the data dir is read
        into memory (what was saved stays; nothing more is)."""
        self.writer.close()
        for db in {id(d): d for d in (self.index, self.queries, self.state, self.index_w, self.state_w, self.items)}.values():
            db.close()
        self.readonly = self.full = True
        self._open_in_memory(lambda message: self.warnings.append(clean_line(message)))
        self.warnings.append(clean_line(f"{self.data_dir}: {FULL}"))

    def _read_only(self, error: OSError | sqlite3.Error) -> None:
        """Read the data dir into memory: it cannot be written (or its disk is full)."""
        self.readonly = True
        self.full = is_disk_full(error, self.data_dir)
        reason = corpus.os_reason(error) if isinstance(error, OSError) else str(error)
        why = FULL if self.full else f"cannot write here ({reason}); {READING_ONLY}"
        self.warnings.append(clean_line(f"{self.data_dir}: {why}"))

    def close(self) -> None:
        self.writer.close()
        for db in {id(d): d for d in (self.index, self.queries, self.state, self.index_w, self.state_w, self.items)}.values():
            db.close()

    def write(self, action: Callable[[], T]) -> Future[T]:
        """A change to the index (in memory when the data dir is read-only)."""
        return self.writer.submit(action)

    def save(self, action: Callable[[], T]) -> Future[T]:
        """A change to the user's state, made whole or not at all: refused
        when nothing can be saved, :class:`DiskFull` when the disk is full."""
        if self.readonly:
            failed: Future[T] = Future()
            failed.set_exception(
                DiskFull(self.data_dir) if self.full else StoreError(f"{self.data_dir} is read-only: nothing can be saved")
            )
            return failed

        def saving() -> T:
            try:
                return action()
            except (sqlite3.Error, OSError) as error:
                if is_disk_full(error, self.data_dir):
                    raise DiskFull(self.data_dir) from error
                raise

        return self.writer.submit(saving)

    def flush(self) -> None:
        """Wait until every change asked for so far is written."""
        if not self.readonly:
            self.writer.submit(lambda: None).result()

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG

    def log(self, text: str) -> Path:
        """Add an entry (a traceback, say) to the log in the data dir."""
        return append_log(self.data_dir, text)


def _items_to_read(path: Path) -> Items:
    """``items.db`` of a data dir that cannot be written, only read (an empty
    one in memory when there is none, or it cannot be read). On a full disk
    SQLite cannot size the shared-memory file a WAL database is read
    through; a connection in exclusive locking mode keeps that index in its
    own memory instead (it is only read: nothing can be written anyway)."""
    if path.exists():
        for opened in (lambda: Items.reader(path), lambda: _exclusive(path)):
            items = None
            try:
                items = opened()
                items.count()
                return items
            except sqlite3.Error:
                if items is not None:
                    items.close()
    empty = Items(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))
    Items.migrate(empty.conn)
    return empty


def _exclusive(path: Path) -> Items:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")  # before anything reads the file
    return Items(conn, path)
