"""Items -> Markdown files with YAML front matter, one ``<id>.md`` a item in
the feed's folder.

* ``id`` is 16 hex digits of a SHA-1 of the feed's key (the URL it was
  subscribed with) and the item's guid, else its link, else its title and
  date: stable across refetches, edits of the item and redirects of the feed.
* A file is rewritten (atomically: a temporary file in the same folder, then
  ``os.replace``) only when its bytes would change, so an unchanged item
  keeps its mtime and the incremental index reads nothing.
* A feed's items are written all or nothing (a full disk leaves the folder
  as it was): every temporary file first, then the renames.
* An item gone from the feed stays; retention (``max_items``, ``keep_days``)
  never removes a protected (bookmarked) id nor an item the feed still lists.
* Every string is untrusted: control characters are removed and the front
  matter is written by PyYAML's safe dumper, so any title round-trips.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.feeds.dates import normalise_date
from reader.feeds.html import html_to_markdown
from reader.feeds.parse import Item
from reader.sanitize import stored_line

_ID_FILE = re.compile(r"[0-9a-f]{16}\.md")
FUTURE_SLACK = dt.timedelta(days=1)  # a date further ahead than this is a mistake (it would top the list for good)
_DATE_LINE = re.compile(r"""^date: ["']?([0-9T:Z-]+)["']?$""", re.MULTILINE)


@dataclass(frozen=True)
class FeedMeta:
    """What every item of a feed carries into its front matter."""

    key: str  # the URL the feed was subscribed with
    url: str  # the feed's URL as written into ``feed:``
    name: str  # ``source:``
    tags: tuple[str, ...] = ()
    language: str = ""


OnWritten = Callable[[str, bytes, os.stat_result], None]  # a file written: its path, bytes and status


@dataclass(frozen=True)
class WriteReport:
    new: int
    updated: int
    ids: frozenset[str]  # every id the feed lists now
    written: tuple[str, ...] = ()  # the files written, new or updated


def item_id(key: str, item: Item) -> str:
    if item.guid:
        basis = "guid:" + item.guid
    elif item.link:
        basis = "link:" + item.link
    elif item.title or item.date:
        basis = f"title:{item.title}\ndate:{item.date or ''}"
    else:  # nothing names it but what it says (RSS 0.92 allows such items)
        basis = "content:" + (item.content or item.summary)
    return hashlib.sha1(f"{key}\n{basis}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def feed_folder(root: Path, key: str) -> Path:
    """Where a feed's items live: ``root/<16 hex of the key>``."""
    return root / hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def render(item_key: str, item: Item, feed: FeedMeta, date: str, undated: bool = False) -> str:
    """The file's text: front matter, a blank line, the Markdown body.
    ``undated``: the item came with no date, ``date`` is when it was first
    seen (front matter ``undated: true``, which the index notes)."""
    tags: list[str] = []
    for tag in (*item.categories, *feed.tags):
        label = stored_line(tag)
        if label and label not in tags:
            tags.append(label)
    meta: dict[str, object] = {
        "id": item_key,
        "title": stored_line(item.title) or _fallback_title(item),
        "date": date,
        "source": stored_line(feed.name),
        "url": item.link,
        "feed": stored_line(feed.url),
        "author": stored_line(item.author),
        "tags": tags,
    }
    lang = item.language or feed.language
    if lang:
        meta["lang"] = lang
    front = front_matter(meta) + ("undated: true\n" if undated else "")
    body = html_to_markdown(item.content, item.base)
    return f"---\n{front}---\n\n{body}\n"


def front_matter(meta: dict[str, object]) -> str:
    """YAML for a mapping of one-line strings and lists of them.

    Each string is written as a JSON string, which is a YAML double-quoted
    scalar: once control characters, lone surrogates and non-characters are
    gone (:func:`reader.sanitize.stored_line`), every character JSON leaves as it
    is is printable YAML and every escape JSON writes YAML reads the same,
    so any title round-trips through ``yaml.safe_load``. Three times faster
    than PyYAML's dumper, which showed in the fetch profile; the tests load
    every file back with python-frontmatter's safe loader."""
    lines = []
    for key, value in meta.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _scalar(value: object) -> str:
    return json.dumps(stored_line(str(value)), ensure_ascii=False)


def _fallback_title(item: Item) -> str:
    from reader.feeds.html import html_to_text

    text = html_to_text(item.summary or item.content)
    if text:
        return text if len(text) <= 120 else text[:119].rsplit(" ", 1)[0] + "…"
    return item.link or "(untitled)"


def write_items(
    folder: Path, feed: FeedMeta, items: Sequence[Item], now: dt.datetime | None = None, on_written: OnWritten | None = None
) -> WriteReport:
    """Write every item that is new or changed; return the counts.
    ``on_written`` is told each file written, with what it holds: whoever
    indexes it need not read it back.

    All or nothing: every changed item is first written to a temporary file
    beside its place, and only when all are written (the disk did not fill
    up) do they take their names, each by a rename, which needs no room for
    data. A failure before that removes the temporary files: the feed's
    folder is as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    moment = now or dt.datetime.now(dt.UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    horizon = (moment + FUTURE_SLACK).strftime("%Y-%m-%dT%H:%M:%SZ")
    seen: set[str] = set()
    staged: list[tuple[Path, Path, bytes, bool]] = []  # its place, its temporary file, its bytes, whether it is new
    try:
        for item in items:
            key = item_id(feed.key, item)
            if key in seen:  # a guid listed twice: the first one wins
                continue
            seen.add(key)
            path = folder / f"{key}.md"
            try:
                old = path.read_bytes()
            except FileNotFoundError:
                old = None
            date = item.date
            if date is None or date > horizon:  # none, or one to come: the first time it was seen, kept from then on
                found = _DATE_LINE.search(old.decode("utf-8", "replace")) if old is not None else None
                date = found.group(1) if found and found.group(1) <= horizon and normalise_date(found.group(1)) else stamp
            data = render(key, item, feed, date, undated=item.date is None).encode("utf-8")
            if old != data:
                staged.append((path, _write_temp(path, data), data, old is None))
    except BaseException:
        for _, temp, _, _ in staged:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    for number, (path, temp, data, _) in enumerate(staged):
        try:
            status = os.stat(temp)  # after the close (a network file system may set the mtime then)
            os.replace(temp, path)
        except BaseException:  # no room for a directory entry: the rest stays as it was
            for _, left, _, _ in staged[number:]:
                with contextlib.suppress(OSError):
                    left.unlink()
            raise
        if on_written is not None:
            on_written(str(path), data, status)
    new = sum(1 for *_, fresh in staged if fresh)
    return WriteReport(new, len(staged) - new, frozenset(seen), tuple(str(path) for path, *_ in staged))


def _write_temp(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path`` (removed again if it
    cannot be written whole). Its name does not end in ``.md``, so an index
    scan never picks it up."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def atomic_write(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a part."""
    temp = _write_temp(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def apply_retention(
    folder: Path,
    *,
    max_items: int | None,
    keep_days: int | None,
    protected_ids: Iterable[str] = (),
    present_ids: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> list[str]:
    """Remove the oldest items past ``max_items`` and those older than
    ``keep_days``, except protected ids and the ids the feed lists now.
    Returns the ids removed."""
    if max_items is None and keep_days is None:
        return []
    keep = set(protected_ids) | set(present_ids)
    dated: list[tuple[str, str]] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        if not _ID_FILE.fullmatch(entry.name):
            continue
        try:
            with open(entry.path, "rb") as handle:
                head = handle.read(4096).decode("utf-8", "replace")
        except OSError:
            continue
        found = _DATE_LINE.search(head)
        dated.append((found.group(1) if found else "", entry.name[:16]))
    dated.sort(reverse=True)  # newest first; ISO dates sort as text
    doomed: set[str] = set()
    if max_items is not None:
        doomed.update(key for _, key in dated[max(max_items, 0) :])
    if keep_days is not None:
        cutoff = ((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        doomed.update(key for date, key in dated if date and date < cutoff)
    removed = []
    for key in sorted(doomed - keep):
        with contextlib.suppress(FileNotFoundError):
            (folder / f"{key}.md").unlink()
            removed.append(key)
    return removed
