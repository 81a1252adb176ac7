"""Reading articles for the index (files, and fetched items from ``items.db``), here or in worker processes.

What a reading worker runs lives here, apart from the library facade, so
that a worker imports what reading needs and nothing of searching, full
text, fetching or the UI's services.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader import corpus, reading, stories
from reader.background import exit_with_parent
from reader.feeds.write import ITEM_FILE
from reader.model import Article
from reader.store import Indexed, normalise
from reader.store.items import Items

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Known = tuple[int, int]  # a file's size and mtime (ns), an item's size and stamp, when it was read


class Prepared(NamedTuple):
    """One article read for the index (what a worker process sends back)."""

    path: str
    indexed: Indexed | None  # None: unchanged (same hash), or no article (the note says why)
    digest: str  # the content hash ("" when it could not be read)
    note: str | None


ITEMS = "items.db"


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


def prepare_given(given: list[tuple[str, bytes]], where: Documents | str | None = None) -> list[Prepared]:
    """:func:`prepare` of articles whose bytes are given (items just stored), their marks made together."""
    return with_marks([_read(path, None, where, data) for path, data in given])


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


def reading_pool(workers: int = 2) -> ProcessPoolExecutor:
    """Worker processes spawned anew: nothing of this process is copied."""
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing: imported by a refresh, not the app's start
    from multiprocessing import get_context

    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=leave_with_parent)


def leave_with_parent() -> None:
    """A worker leaves with the process that started it, and leaves Ctrl-C to
    the fetching or indexing process (which stops the pool; no second
    traceback on the terminal)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
