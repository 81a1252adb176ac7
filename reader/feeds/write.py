"""Items -> Markdown articles with front matter, stored a feed's answer at a time on a :class:`Shelf`.

* ``id`` is 16 hex digits of a SHA-1 of the feed's key (the URL it was
  subscribed with) and the item's guid, else its link, else its title and
  date: stable across refetches, edits of the item and redirects of the feed.
* An item is stored again only when its bytes would change, so an unchanged
  item keeps its stamp and the incremental index reads nothing.
* A feed's answer is stored whole or not at all: every new and changed item
  and what retention removes go to the shelf in one call, which keeps them
  in one transaction (``reader.store.items``; nothing here touches SQLite).
* An item gone from the feed stays; retention (``max_items``, ``keep_days``)
  never removes a protected (bookmarked) id nor an item the feed still lists.
* Every string is untrusted: control characters are removed and the front
  matter is written so that any title round-trips through a YAML safe loader.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from reader.sanitize import stored_line

if TYPE_CHECKING:
    from reader.feeds.parse import Item

# The parsers, HTML to Markdown and the dates are imported where items are
# written: what only stores, lists or reads items (every command's start,
# through items.db) needs nothing of them.

ITEM_FILE = re.compile(r"[0-9a-f]{16}\.md")  # an item's address (and its file, in a data dir of an older reader)
FUTURE_SLACK = dt.timedelta(days=1)  # a date further ahead than this is a mistake (it would top the list for good)
DATE_LINE = re.compile(r"""^date: ["']?([0-9T:Z-]+)["']?$""", re.MULTILINE)


@dataclass(frozen=True)
class FeedMeta:
    """What every item of a feed carries into its front matter."""

    key: str  # the URL the feed was subscribed with
    url: str  # the feed's URL as written into ``feed:``
    name: str  # ``source:``
    tags: tuple[str, ...] = ()
    language: str = ""


@dataclass(frozen=True, slots=True)
class Staged:
    """An item to store: new, or changed since it was stored."""

    id: str
    date: str
    data: bytes  # the Markdown article with front matter
    new: bool


@dataclass(frozen=True)
class Retention:
    """What a feed keeps: at most ``max_items``, none older than ``keep_days``,
    but always the ``protected`` ids (bookmarks) and those it lists now (``present``)."""

    max_items: int | None = None
    keep_days: int | None = None
    protected: frozenset[str] = frozenset()
    present: frozenset[str] = frozenset()
    now: dt.datetime | None = None


class Shelf(Protocol):
    """Where a feed's items are kept (``reader.store.items.Items``)."""

    def held(self, ids: Sequence[str]) -> Mapping[str, tuple[str, bytes]]:
        """The date and data of each of ``ids`` stored already."""
        ...

    def put(self, folder: str, staged: Sequence[Staged], keep: Retention) -> tuple[Mapping[str, tuple[int, int]], list[str]]:
        """Store a feed's answer whole: each written item's size and stamp, and the ids retention removed."""
        ...


OnWritten = Callable[[str, bytes, tuple[int, int]], None]  # an item stored: its address, bytes, size and stamp


@dataclass(frozen=True)
class WriteReport:
    new: int
    updated: int
    ids: frozenset[str]  # every id the feed lists now
    written: tuple[str, ...] = ()  # the addresses of the items written, new or updated
    removed: int = 0  # items retention removed


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


def provisional_name(url: str) -> str:
    """What a feed with no name of its own is called until it has been
    fetched and its title read: its host and path."""
    parts = urlsplit(url)
    if not parts.hostname:
        return url
    path = parts.path.rstrip("/")
    return f"{parts.hostname}{path}" if path else parts.hostname  # one site's feeds told apart


def feed_folder(root: Path, key: str) -> Path:
    """Where a feed's items live: ``root/<16 hex of the key>``."""
    return root / hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def render(item_key: str, item: Item, feed: FeedMeta, date: str, undated: bool = False) -> str:
    """The file's text: front matter, a blank line, the Markdown body.
    ``undated``: the item came with no date, ``date`` is when it was first
    seen (front matter ``undated: true``, which the index notes)."""
    from reader.feeds.html import html_to_markdown

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
    shelf: Shelf, folder: Path, feed: FeedMeta, items: Sequence[Item], keep: Retention, on_written: OnWritten | None = None
) -> WriteReport:
    """Store every item that is new or changed, then apply retention, all in
    one transaction of the ``shelf`` (whole or not at all); the counts.
    ``folder`` is the feed's place (its name is the shelf's folder, and each
    item's address is ``folder/<id>.md``); ``on_written`` is told each item
    written, with what it holds: whoever indexes it need not read it back."""
    from reader.feeds.dates import normalise_date

    moment = keep.now or dt.datetime.now(dt.UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    horizon = (moment + FUTURE_SLACK).strftime("%Y-%m-%dT%H:%M:%SZ")
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item_id(feed.key, item), item)  # a guid listed twice: the first one wins
    held = shelf.held(list(unique))
    staged: list[Staged] = []
    for key, item in unique.items():
        old = held.get(key)
        date = item.date
        if date is None or date > horizon:  # none, or one to come: the first time it was seen, kept from then on
            date = old[0] if old is not None and old[0] and old[0] <= horizon and normalise_date(old[0]) else stamp
        data = render(key, item, feed, date, undated=item.date is None).encode("utf-8")
        if old is None or old[1] != data:
            staged.append(Staged(key, date, data, old is None))
    written, removed = shelf.put(folder.name, staged, dataclasses.replace(keep, present=frozenset(unique)))
    paths = []
    for one in staged:
        path = str(folder / f"{one.id}.md")
        paths.append(path)
        if on_written is not None:
            on_written(path, one.data, written[one.id])
    new = sum(1 for one in staged if one.new)
    return WriteReport(new, len(staged) - new, frozenset(unique), tuple(paths), len(removed))


def atomic_write(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a part: a temporary
    file beside it (whose name no scan picks up), then a rename."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def doomed(dated: Sequence[tuple[str, str]], keep: Retention) -> list[str]:
    """The ids retention removes from a feed's items, given as (date, id)
    newest first: the oldest past ``max_items`` and those older than
    ``keep_days``, except protected ids and the ids the feed lists now."""
    out: set[str] = set()
    if keep.max_items is not None:
        out.update(key for _, key in dated[max(keep.max_items, 0) :])
    if keep.keep_days is not None:
        cutoff = ((keep.now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=keep.keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.update(key for date, key in dated if date and date < cutoff)
    return sorted(out - keep.protected - keep.present)
