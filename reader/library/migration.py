"""Moving what an older reader fetched (a file an item, a file a kept full text) into ``items.db``.

Each batch of files is committed before its files are removed, and a file
already moved keeps the row it has (``INSERT OR IGNORE``): a move cut short
by a kill resumes on the next open with nothing lost or doubled, and two
processes opening the data dir at once move each item once. An item keeps
its id, its address (the index knows it by that path) and its file's size
and mtime as its size and stamp: the index reads nothing again, and the
bookmarks, notes and read state, which hang on ids, are untouched.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from reader import corpus
from reader.feeds.write import DATE_LINE, ITEM_FILE
from reader.store.items import Items

OLD_FULL_TEXTS = "fulltext"  # where an older reader kept full texts, a file each
BATCH = 1_000  # files a transaction at most (a feed's folder is one or a few)


def move_files_in(data_dir: Path, items: Items) -> str | None:
    """Move the fetched files of ``data_dir`` into ``items``; one line saying
    what was moved, or None when there was nothing to move."""
    moved = _move_items(data_dir / "feeds", items)
    texts = _move_full_texts(data_dir / OLD_FULL_TEXTS, items)
    if not (moved or texts):
        return None
    said = [f"{moved:,} fetched item{'s' if moved != 1 else ''}"] if moved else []
    said += [f"{texts:,} full text{'s' if texts != 1 else ''}"] if texts else []
    return f"{data_dir}: moved {' and '.join(said)} from files into {Items.FILE}"


def _move_items(feeds: Path, items: Items) -> int:
    moved = 0
    for folder in _folders(feeds):
        names = sorted(e.name for e in _entries(folder) if ITEM_FILE.fullmatch(e.name))
        for start in range(0, len(names), BATCH):
            rows, done = [], []
            for name in names[start : start + BATCH]:
                path = folder / name
                try:
                    with open(path, "rb") as handle:
                        found = os.fstat(handle.fileno())
                        data = handle.read()
                except FileNotFoundError:  # moved by another process meanwhile
                    continue
                date = DATE_LINE.search(data[:4096].decode("utf-8", "replace"))
                rows.append((name[:16], date.group(1) if date else "", found.st_size, found.st_mtime_ns, data))
                done.append(path)
            moved += items.take_in(folder.name, rows)
            _remove(done)
        _remove_leftovers(folder)
    with contextlib.suppress(OSError):
        feeds.rmdir()
    return moved


def _move_full_texts(folder: Path, items: Items) -> int:
    moved = 0
    for entry in _entries(folder):
        path = Path(entry.path)
        if path.suffix != ".md" or entry.name.startswith("."):
            continue
        try:
            data = path.read_bytes()
            article = corpus.load(path, data).article
        except (OSError, corpus.ArticleError):
            continue  # not one of ours: left where it is
        from reader import fulltext  # the HTTP client and the extractor: imported for a data dir of an older reader only

        moved += items.keep_full_text(article.id, fulltext.fetched_of(data), data, replace=False)
        _remove([path])
    _remove_leftovers(folder)
    return moved


def _folders(feeds: Path) -> list[Path]:
    return sorted(Path(e.path) for e in _entries(feeds) if e.is_dir(follow_symlinks=False))


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _remove_leftovers(folder: Path) -> None:
    """An older reader's temporary files (a write a kill cut short), then the folder when it is empty."""
    _remove([Path(e.path) for e in _entries(folder) if e.name.startswith(".") and e.name.endswith(".tmp")])
    with contextlib.suppress(OSError):
        folder.rmdir()
