"""The sources in view: folders and feeds, where each one's articles are, subscribing and leaving."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypedDict, Unpack
from urllib.parse import urlsplit

from reader import resources
from reader.feeds.write import feed_folder, provisional_name
from reader.library.session import Session
from reader.model import Article, FeedInfo, FeedUnavailable, Imported, Removed, Source, summarise
from reader.store import SourceRow, StoreError
from reader.text import extract, lemmas

SEEDS_NAME = "seeds"
Listed = tuple[SourceRow, str, str, str | None]  # a source, where it is shown to be, its root, its error


class RetentionSettings(TypedDict, total=False):
    """What a feed keeps: at most ``max_items``, none older than ``keep_days``
    (None: no limit); a bookmarked item, and one the feed lists now, always stay."""

    max_items: int | None
    keep_days: int | None


class FeedSettings(TypedDict, total=False):
    """How a feed is subscribed: ``name`` (default: the feed's own title),
    ``tags``, retention of its items (``max_items``, ``keep_days``; a
    bookmarked one is always kept), and ``full_text``: fetch the full
    article of every new item."""

    name: str | None
    tags: Sequence[str]
    max_items: int | None
    keep_days: int | None
    full_text: bool


Counts = Callable[[Sequence[str]], dict[str, tuple[int, int]]]  # roots -> (articles, unread) of each


class Sources:
    """Every configured source (or the ``paths`` asked for), and the root
    under which the index keeps each one's articles."""

    def __init__(self, session: Session, paths: Sequence[Path] | None) -> None:
        self.session = session
        self.paths = paths

    def root(self, source: SourceRow) -> str:
        """Where a source's files are: a folder's own path, a feed's folder
        under the data dir."""
        return source.location if source.kind == "folder" else str(feed_folder(self.session.data_dir / "feeds", source.location))

    def scope(self) -> list[str]:
        """The roots in view: the paths asked for, else every source, else
        the bundled seeds."""
        if self.paths is not None:
            return [str(p) for p in self.paths]
        return [self.root(s) for s in self.session.state.sources()] or [str(resources.seeds())]

    def listed(self) -> list[Listed]:
        """Every source with where it is shown to be, its root and its error."""
        feeds = {f.source.id: f for f in self.session.state.feeds()}
        out = []
        for s in self.session.state.sources():
            feed = feeds.get(s.id)
            if feed is not None:
                out.append((s, feed.url, self.root(s), feed.error))
            else:
                out.append((s, s.location, s.location, None if Path(s.location).exists() else "no such file or folder"))
        if not out:
            seeds = str(resources.seeds())
            out.append((SourceRow(0, "folder", seeds, SEEDS_NAME, (), {}), seeds, seeds, None))
        return out

    def view_names(self) -> list[tuple[str, str]]:
        """What is in view, as (kind, name): the paths asked for, else the sources."""
        if self.paths is not None:
            return [("folder" if p.is_dir() else "file", p.name or str(p)) for p in self.paths]
        return [(source.kind, source.name) for source in self.session.state.sources()] or [
            ("folder", SEEDS_NAME)
        ]  # as listed, without each feed's folder

    def resolve(self, name: str) -> str | None:
        """The root a source's name or location (an ``in:`` value) names."""
        for source, shown, root, _ in self.listed():
            if name in (lemmas.fold(source.name), lemmas.fold(source.location), lemmas.fold(shown)):
                return root
        return None

    def feed_folders(self) -> set[str]:
        """The ``items.db`` folders of the feeds subscribed to."""
        return {Path(self.root(feed.source)).name for feed in self.session.state.feeds()}

    def feed_folder(self, root: str) -> bool:
        """Whether a root is a feed's folder (in the data dir)."""
        return Path(root).parent == self.session.data_dir / "feeds"

    def sources(self, counted: Counts) -> list[Source]:
        listed = self.listed()
        roots = [root for _, _, root, _ in listed]
        counts = counted(roots)
        notes = self.session.index.note_counts(roots)
        failures = self.session.index.failed_extractions(extract.VERSION)
        out = []
        for source, shown, root, error in listed:
            articles, unread = counts.get(root, (0, 0))
            if error is None and failures.get(root):
                error = f"entity extraction failed on {failures[root]} article(s)"
            told = tuple(summarise(notes.get(root, {}), "item" if source.kind == "feed" else "file"))
            out.append(Source(source.kind, source.name, shown, articles, unread, error, source.tags, told))
        return out

    def add_source(self, path: Path) -> bool:
        """Add a folder (or file) as a source; returns whether it was new."""
        location = path.absolute()
        if not location.exists():
            raise StoreError(f"{path}: no such file or folder")
        return self.session.save(lambda: self.session.state_w.add_source("folder", str(location), location.name or str(location))).result()

    def _one(self, key: str, kind: str | None) -> tuple[SourceRow, str, str]:
        """The source (of this ``kind``, when given) a location, URL or name
        names: itself, where it is shown to be, and its root."""
        wanted = str(Path(key).absolute()) if Path(key).exists() else key
        found = [
            (source, shown, root)
            for source, shown, root, _ in self.listed()
            if source.id and kind in (None, source.kind) and wanted in (source.location, source.name, shown)
        ]
        exact = [match for match in found if match[0].location == wanted]  # a URL or path names one; a name may name several
        if len(exact or found) > 1:
            listed = ", ".join(source.location for source, _, _ in found)
            raise StoreError(f"{len(found)} {kind or 'source'}s are named {key!r}; say which by its URL or path: {listed}")
        if not found:
            raise StoreError(f"no {kind or 'source'} {key!r} (reader {'feeds' if kind == 'feed' else 'sources'} list)")
        return (exact or found)[0]

    def remove_source(self, key: str, kind: str | None = None) -> Removed:
        """Remove a source (of this ``kind``, when given) by location, URL or
        name and drop its articles from the index; their bookmarks stay. A
        feed's items leave ``items.db`` with it, but for the bookmarked ones,
        which stay readable (``reader show ID``) and are in view again if the
        feed is added again; a folder's bookmarks are listed as missing until
        it returns. In an order a kill cannot spoil: the items first (the feed
        is still subscribed, and removing it again finishes the job), then
        the subscription, then the index (derived: a refresh drops what is gone)."""
        source, shown, root = self._one(key, kind)
        items = kept = 0
        if source.kind == "feed":
            folder = Path(root).name
            items, kept = self.session.save(lambda: self.session.items.remove_folder(folder, self.session.state_w.bookmarked())).result()
        self.session.save(lambda: self.session.state_w.remove_source(source.location)).result()
        self.session.write(lambda: self.session.index_w.drop_root(root)).result()
        return Removed(source.kind, source.name, shown, items, kept)

    def set_retention(self, key: str, **given: Unpack[RetentionSettings]) -> tuple[str, int | None, int | None]:
        """Change how many items, or how old, a feed keeps (a None: no
        limit; a setting not given stays); the feed's name and what it keeps
        now. Applied when a fetch next stores its answer, as at every fetch."""
        for setting, value in given.items():
            if value is not None and _limit(value) is None:
                raise StoreError(f"{setting}: {value!r} is not a whole number of 1 or more")
        source, _, _ = self._one(key, "feed")
        self.session.save(lambda: self.session.state_w.change_settings(source.location, dict(given))).result()
        settings = {**source.settings, **given}
        return source.name, _limit(settings.get("max_items")), _limit(settings.get("keep_days"))

    def add_feed(self, url: str, **given: Unpack[FeedSettings]) -> tuple[bool, str]:
        """Subscribe to a feed, or to the feed a web page links to; returns
        whether it was new and the feed's URL (``given``: see
        :class:`FeedSettings`). A feed that cannot be had now raises
        :class:`FeedUnavailable` (:meth:`subscribe` takes it all the same)."""
        from reader.feeds.run import discover  # the HTTP client and the parsers: not every command's start

        _web_address(url)
        found = discover(url)
        if found.url is None:
            raise FeedUnavailable(f"{url}: {found.error or 'no feed found there'}")
        return self.subscribe(found.url, found.title, **given)

    def subscribe(self, url: str, title: str | None = None, **given: Unpack[FeedSettings]) -> tuple[bool, str]:
        """Subscribe to ``url`` as it is, unfetched (a feed down today, as an
        OPML import keeps one; each fetch says how it fares); ``title``: the
        feed's own, when no name is given. Returns whether it was new and the URL."""
        _web_address(url)
        name = given.get("name")
        shown = name or title or provisional_name(url)
        settings: dict[str, object] = {
            "named": bool(name),
            "max_items": given.get("max_items"),
            "keep_days": given.get("keep_days"),
            "full_text": given.get("full_text", False),
        }
        tags = given.get("tags", ())
        new = self.session.save(lambda: self.session.state_w.add_source("feed", url, shown, tags, settings)).result()
        return new, url

    def import_feeds(self, data: bytes) -> Imported:
        """Subscriptions from OPML or a newsboat ``urls`` file; one already
        here is left as it is."""
        from reader.feeds import opml

        found = opml.import_bytes(data)
        if found.error:
            raise StoreError(found.error)

        def add_all() -> int:
            return sum(
                self.session.state_w.add_source("feed", sub.url, sub.name or provisional_name(sub.url), sub.tags, {"named": bool(sub.name)})
                for sub in found.feeds
            )

        added = self.session.save(add_all).result()
        return Imported(added, len(found.feeds) - added, found.skipped)

    def export_feeds(self) -> bytes:
        from reader.feeds import opml

        return opml.export_opml(opml.Subscription(f.url, f.source.name, f.source.tags) for f in self.session.state.feeds())

    def feeds(self, counted: Counts) -> list[FeedInfo]:
        rows = self.session.state.feeds()
        roots = [self.root(f.source) for f in rows]
        counts = counted(roots)
        notes = self.session.index.note_counts(roots)
        out = []
        for f, root in zip(rows, roots, strict=True):
            articles, unread = counts.get(root, (0, 0))
            told = tuple(summarise(notes.get(root, {})))
            settings = f.source.settings
            out.append(
                FeedInfo(
                    f.source.name,
                    f.url,
                    f.source.tags,
                    f.last_fetch,
                    f.status,
                    f.error,
                    max(f.items, articles),
                    unread,
                    told,
                    _limit(settings.get("max_items")),
                    _limit(settings.get("keep_days")),
                    settings.get("full_text") is True,
                )
            )
        return out

    def feed_of(self, article: Article) -> str | None:
        """The name of the feed an article came from, if it came from one."""
        for source, _, root, _ in self.listed():
            if source.kind == "feed" and article.path.startswith(root + os.sep):
                return source.name
        return None

    def has_feeds(self) -> bool:
        return bool(self.session.state.feeds())

    def watched_folders(self) -> list[Path]:
        """The folders in view, to watch for changes."""
        return [p for p in map(Path, self.scope()) if p.is_dir()]


def _limit(value: object) -> int | None:
    """A retention setting as the fetch applies it: a whole number of 1 or more, else no limit."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _web_address(url: str) -> None:
    """Only an http or https URL with a host is subscribed to."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{url}: not a web address (http:// or https://)")
