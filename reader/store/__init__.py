"""SQLite storage (SPEC §7): ``index.db``, rebuilt at will from the article
files, and ``state.db``, the user's own bookmarks, read state and sources,
which is never rebuilt, only migrated. Every SQL statement of the project is
in this package, behind typed methods: ``db`` (the plumbing), ``index``, ``state``.

Both files are in WAL mode with a busy timeout, and every write is one
``BEGIN IMMEDIATE`` transaction, so processes sharing a data dir serialise
their writes. A lock or a busy database is waited on and retried; only
``SQLITE_CORRUPT``, ``SQLITE_NOTADB`` or a failed integrity check mean a
damaged file, and a damaged file is replaced only when no other process
holds it open (an advisory ``flock`` on a lock file beside it says so).
"""

from reader.store.db import BUSY_TIMEOUT_S, FileLock, StoreError, is_busy, is_damage, now, retry_locked
from reader.store.index import INDEX_VERSION, FileState, Index, Indexed, normalise
from reader.store.state import STATE_MIGRATIONS, FeedRow, Fetched, SourceRow, State

__all__ = [
    "BUSY_TIMEOUT_S",
    "INDEX_VERSION",
    "STATE_MIGRATIONS",
    "FeedRow",
    "Fetched",
    "FileLock",
    "FileState",
    "Index",
    "Indexed",
    "SourceRow",
    "State",
    "StoreError",
    "is_busy",
    "is_damage",
    "normalise",
    "now",
    "retry_locked",
]
