"""The plumbing of every database file: connections in WAL mode, one
``BEGIN IMMEDIATE`` transaction a write, locks waited on, damage told from a lock."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reader.model import ReaderError

if TYPE_CHECKING:
    import numpy as np

BUSY_TIMEOUT_S = 30.0
QUICK_CHECK_MAX_BYTES = 32 * 2**20
T = TypeVar("T")
D = TypeVar("D", bound="Db")
K = TypeVar("K", bound="Kept")


class StoreError(ReaderError):
    """A storage fault to tell the user about in one line."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def is_damage(error: sqlite3.Error) -> bool:
    """Whether an error says the file is damaged (and not merely locked)."""
    name = getattr(error, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def retry_locked(action: Callable[[], T], attempts: int = 5) -> T:
    """Run an action again when another process held the database past the
    busy timeout; any other error passes through."""
    for attempt in range(attempts - 1):
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            time.sleep(0.05 * (attempt + 1))
    return action()


def connect(path: Path | str, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False, uri=True)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if str(path) != ":memory:" and not str(path).startswith("file:"):
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
    except BaseException:
        conn.close()
        raise
    return conn


def damage(path: Path, conn: sqlite3.Connection) -> str | None:
    """Why the file is damaged, or None. Cheap: a header read, a size check,
    and an integrity check only on small files. A busy or locked database
    raises: that is no damage."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        size = path.stat().st_size
        wal = Path(f"{path}-wal")
        if not (wal.exists() and wal.stat().st_size) and pages * page_size > size:
            return "the file is truncated"
        if size <= QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"integrity check failed: {result}"
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            return str(error)
        raise
    return None


def open_checked(
    path: Path, synchronous: str, prepare: Callable[[sqlite3.Connection], str | None]
) -> tuple[sqlite3.Connection | None, str | None]:
    """A connection to a database file and why it cannot serve (None: it
    can); ``prepare`` makes or checks the schema. Damage is a reason; any
    other error (a lock held too long) is raised, to be waited on."""
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path, synchronous)
        problem = damage(path, conn) if path.stat().st_size > 0 else None
        return conn, problem or prepare(conn)
    except sqlite3.DatabaseError as error:
        if conn is not None:
            conn.close()
        if not is_damage(error):
            raise
        return None, str(error)


def copy_into(path: Path, target: sqlite3.Connection) -> None:
    """A database file's content copied into ``target`` (in memory), only
    reading the file. On a full disk SQLite cannot size the shared-memory
    file a WAL database is read through; a connection in exclusive locking
    mode keeps that index in its own memory instead (and reads the WAL too),
    which works while no other process has the file open."""
    try:
        source = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()
    except sqlite3.OperationalError as error:
        if not (getattr(error, "sqlite_errorname", None) or "").startswith("SQLITE_IOERR"):
            raise
        source = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            source.execute("PRAGMA locking_mode=EXCLUSIVE")
            source.backup(target)
        finally:
            source.close()


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statements one by one: ``executescript`` would commit the transaction.
    (A trigger's body holds statements of its own: a piece that is no whole
    statement yet takes the next one with it.)"""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                conn.execute(statement)
            statement = ""


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class FileLock:
    """An advisory lock beside a database: every process that has the file
    open holds it shared; replacing the file takes it exclusively, which
    fails while anybody else has the file open."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_SH)

    def alone(self) -> bool:
        """Take the lock exclusively if nobody else holds it (then keep it shared again later)."""
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def share(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_SH)

    def close(self) -> None:
        os.close(self.fd)


@contextmanager
def transaction(conn: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """A write transaction (``begin="BEGIN"``: a read of one snapshot)."""
    conn.execute(begin)
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite has rolled back already after some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Db:
    """A connection shared by threads, one statement sequence at a time."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, lock: FileLock | None = None) -> None:
        self.conn = conn
        self.path = path  # None: in memory
        self.lock = threading.RLock()
        self._file_lock = lock
        self._writes = 0  # own commits, which PRAGMA data_version does not count

    def close(self) -> None:
        with self.lock:
            self.conn.close()
            if self._file_lock is not None:
                self._file_lock.close()

    @classmethod
    def _anew(cls: type[D], path: Path, lock: FileLock, check: Callable[[Path], tuple[sqlite3.Connection | None, str | None]]) -> D:
        """The file made anew once the damaged one is gone (the exclusive
        lock held), then the lock shared again as every user holds it."""
        conn, problem = retry_locked(lambda: check(path))
        lock.share()
        if problem is not None or conn is None:
            raise StoreError(f"{path}: {problem}")
        return cls(conn, path, lock)

    def sibling(self: D) -> D:
        """Another connection to the same file, for reads (in memory: this one)."""
        return self if self.path is None else type(self)(connect(self.path, "NORMAL"), self.path)

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def _int(self, sql: str, params: Sequence[object] = ()) -> int:
        return int(self._rows(sql, params)[0][0])  # type: ignore[call-overload]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction, committed on leaving, rolled
        back on any error."""
        with self.lock, transaction(self.conn) as tx:
            yield tx
        self._writes += 1

    def _ids(self, sql: str, params: Sequence[object] = ()) -> np.ndarray:
        """The rowids a query returns, as one array (one string from SQLite,
        parsed in C: a hundred thousand rows cost milliseconds, not tuples)."""
        import numpy as np  # on first search, not at start-up

        text = self._rows(f"SELECT group_concat(rowid) FROM ({sql})", params)[0][0]
        return np.fromstring(str(text), dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)


class Kept(Db):
    """A database of what cannot be made again (the user's state, what was
    fetched): never rebuilt, only migrated by the scripts of
    :attr:`MIGRATIONS`, one ``user_version`` each."""

    MIGRATIONS: tuple[str, ...] = ()
    FILE = ""  # its name in the data dir
    SYNCHRONOUS = "FULL"  # every commit on disk before it returns (NORMAL in WAL: a kill loses nothing, a power cut the last commits)

    @classmethod
    def open(cls: type[K], path: Path, warn: Callable[[str], None]) -> K:
        """Open (or create) the file. A damaged file is moved aside, never
        overwritten, and a new one started, when no other process has it
        open; a locked one is waited on."""
        lock = FileLock(path)
        try:
            conn, problem = retry_locked(lambda: cls._check(path))
            if problem is not None or conn is None:
                if conn is not None:
                    conn.close()
                if not lock.alone():
                    raise StoreError(f"{path}: {problem}; another reader process has it open: close it and try again")
                aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
                os.replace(path, aside)
                for suffix in ("-wal", "-shm"):
                    side = Path(f"{path}{suffix}")
                    if side.exists():
                        os.replace(side, f"{aside}{suffix}")
                warn(f"{path}: {problem}; kept aside as {aside.name}, starting a new one")
                return cls._anew(path, lock, cls._check)
            return cls(conn, path, lock)
        except BaseException:
            lock.close()
            raise

    @classmethod
    def _check(cls, path: Path) -> tuple[sqlite3.Connection | None, str | None]:
        return open_checked(path, cls.SYNCHRONOUS, cls.migrate)

    @classmethod
    def migrate(cls, conn: sqlite3.Connection) -> None:
        """Bring the schema up to date, once, whichever process comes first."""
        steps = cls.MIGRATIONS
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(steps):
            raise StoreError(f"{cls.FILE} was written by a newer reader (schema {version}); not touching it")
        if version == len(steps):
            return
        with transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # read again inside the write lock
            for number, script in enumerate(steps[version:], start=version + 1):
                run_script(conn, script)
                conn.execute(f"PRAGMA user_version={number}")
