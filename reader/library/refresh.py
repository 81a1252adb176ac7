"""Bringing the index in line with the sources (folders' files, feeds' items): read what changed, drop what is gone."""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from reader import corpus, indexing
from reader.background import Said, in_background
from reader.indexing import Known, Prepared
from reader.library.session import Session
from reader.library.sources import Sources
from reader.model import RefreshReport, Warning_, is_disk_full
from reader.store import FileState

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

BATCH = 500  # files a transaction (a feed's folder: at least, the batch ends where the folder does)
MAX_BATCH = 2_000  # a feed's folder at most (a feed lists fewer items)
PARALLEL_FROM = 2000
Progress = Callable[[int, int], None]


class RefreshOptions(TypedDict, total=False):
    """What :meth:`Refresher.refresh` reads, and how (each said there)."""

    roots: Sequence[str] | None
    pool: bool
    every_note: bool
    prepared: Mapping[str, tuple[Known, Prepared]] | None


class Refresher:
    """Reads the files of the sources in view into the index."""

    def __init__(self, session: Session, sources: Sources) -> None:
        self.session = session
        self.sources = sources

    def refresh(self, progress: Progress | None = None, **options: Unpack[RefreshOptions]) -> RefreshReport:
        """Bring the index in line with the files of ``roots`` (default: the
        roots in view): read only what changed (size and mtime first, then the
        content hash), drop what is gone. Other roots are left as they are.
        Writes go in batches of :data:`BATCH` files; one that reaches into a
        feed's folder ends where the folder does (up to :data:`MAX_BATCH`):
        a feed's items enter the index together or not at all. ``pool``: many files are read in worker processes (never from
        inside the app, whose terminal they would inherit). Warnings are
        said for the files read now (a file is not warned about again until
        it changes); ``every_note``: for every file of the roots.
        ``prepared``: files already read elsewhere (by the fetch's workers),
        used while their size and mtime are still those given."""
        roots, pool, every_note = options.get("roots"), options.get("pool", True), options.get("every_note", False)
        prepared = options.get("prepared")
        report = RefreshReport()
        walked = list(roots if roots is not None else self.sources.scope())
        root_of: dict[str, str] = {}
        stat: dict[str, tuple[int, int]] = {}
        index = self.session.index
        applied = index.applied()  # read first: a write by anyone from now on, and the items are not marked in line
        feeds = {r for r in walked if self.sources.feed_folder(r)}
        feeds_key = "\n".join(sorted(feeds))
        in_line = bool(feeds) and index.items_in_line(feeds_key, self.session.items.token())
        listed = None if in_line or not feeds else self.session.items.listing([Path(r).name for r in feeds])
        looked = [r for r in walked if r not in feeds or not in_line]  # the roots whose files are compared
        for root in looked:
            if listed is not None and root in feeds:  # a feed's items, in items.db
                for item_id, size, stamp in listed.items[Path(root).name]:
                    path = f"{root}{os.sep}{item_id}.md"
                    root_of[path], stat[path] = root, (size, stamp)
                continue
            files, warnings = corpus.discover([Path(root)])
            report.warnings += warnings
            for f in files:
                root_of[f.path], stat[f.path] = root, (f.size, f.mtime_ns)
        report.seen = len(root_of) + (index.file_count(sorted(feeds)) if in_line else 0)
        known = index.files(looked)
        todo = [p for p in root_of if (old := known.get(p)) is None or (old.size, old.mtime_ns) != stat[p]]
        removed = [p for p in known if p not in root_of]
        executor = indexing.reading_pool() if pool and len(todo) >= PARALLEL_FROM else None
        counts: list[int] = []  # each write's count (see Index.applied): this refresh's alone when they follow on
        try:
            if progress:
                progress(0, len(todo))
            if removed:
                counts.append(self.session.write(lambda: self.session.index_w.apply(root_of, stat, [], removed=removed)).result())
                report.removed += len(removed)
            self._read(todo, known, root_of, stat, report, executor, progress, prepared or {}, counts)
            if listed is not None and counts == list(range(applied + 1, applied + 1 + len(counts))):
                done = applied + len(counts)
                self.session.write(lambda: self.session.index_w.mark_items_in_line(feeds_key, listed.token, done)).result()
        except sqlite3.OperationalError as error:
            # Each batch is one transaction: what was written stays, the
            # batch in hand is rolled back, and the index stays usable.
            where = str(self.session.data_dir / "index.db")
            report.full = is_disk_full(error, self.session.data_dir)
            why = "the disk is full" if report.full else str(error)
            report.warnings.append(Warning_(where, f"not fully updated ({why}); the previous index is used"))
        finally:
            if executor:
                executor.shutdown(cancel_futures=True)
        if every_note:  # what is wrong with files read before too, not only with those read now
            said = {w.path for w in (*report.warnings, *report.notes)}
            for path, note in self.session.index.notes(walked):
                if path not in said:
                    (report.notes if self._fetched_item(path) else report.warnings).append(Warning_(path, note))
        report.notes = [self._as_item(w) for w in report.notes]
        return report

    def _fetched_item(self, path: str) -> bool:
        """Whether an article is a fetched item (its notes are routine facts
        about someone else's feed, kept with the feed), not a file of the user's."""
        return self.session.documents.is_item(path)

    def _as_item(self, warning: Warning_) -> Warning_:
        """A note on a fetched item, naming it as the reader shows it (its
        feed and title), not by the file it is kept in."""
        index = self.session.index
        rowid = index.rowid_of_path(warning.path)
        article = index.article(rowid) if rowid is not None else None
        return Warning_(f"{article.source}: «{article.title}»", warning.message) if article else warning

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
        counts: list[int],
    ) -> None:
        usable = {p for p in todo if p in prepared and prepared[p][0] == stat[p]}  # unchanged since read
        rest = [p for p in todo if p not in usable]
        hashes = [known[p].hash if p in known else None for p in rest]
        chunk = max(1, min(64, len(rest) // 8))  # every worker gets a share of a small batch too
        paths = [rest[i : i + chunk] for i in range(0, len(rest), chunk)]
        known_hashes = [hashes[i : i + chunk] for i in range(0, len(rest), chunk)]
        where = [str(self.session.data_dir) if executor else self.session.documents] * len(paths)
        shares = (
            executor.map(indexing.prepare_many, paths, known_hashes, where)
            if executor
            else map(indexing.prepare_many, paths, known_hashes, where)
        )
        read = itertools.chain.from_iterable(shares)  # a share's articles are read together, their marks made at once
        results = (prepared[p][1] if p in usable else next(read) for p in todo)  # in the order of todo: a root's files together
        batch: list[Prepared] = []
        touched: list[str] = []
        done = 0

        def flush() -> None:
            if batch or touched:
                counts.append(self.session.write(lambda: self.session.index_w.apply(root_of, stat, list(batch), list(touched))).result())

        last_root = ""
        for path, item, digest, note in results:
            size = len(batch) + len(touched)
            if size >= MAX_BATCH or (size >= BATCH and (root_of[path] != last_root or not self.sources.feed_folder(last_root))):
                flush()
                done += size
                batch, touched = [], []
                if progress:
                    progress(done, len(todo))
            last_root = root_of[path]
            report.read += 1
            if item is None and note is None and digest:
                touched.append(path)
            elif digest or path in known:
                batch.append(Prepared(path, item, digest or "-", note))
                if note:
                    (report.notes if self._fetched_item(path) else report.warnings).append(Warning_(path, note))
            else:
                report.warnings.append(Warning_(path, note or "unreadable"))
        flush()
        if progress:
            progress(len(todo), len(todo))

    def refresh_elsewhere(self, progress: Progress) -> list[str]:
        """Refresh every root in view in a worker process (the app's way: no
        indexing work shares this process's GIL or terminal); returns the
        warnings. A read-only library has only its memory: it refreshes here."""
        if self.session.readonly:
            return [str(w) for w in self.refresh(progress, pool=False).warnings]
        return [e.text for e in in_background(self.session.data_dir, ["index", *self.sources.scope()], progress) if isinstance(e, Said)]
