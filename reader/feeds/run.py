"""The feeds feature in one call: fetch, parse and write many feeds.

The library facade builds one :class:`Feed` a subscription (from state.db),
calls :func:`fetch_all` with the shelf its items are stored on (a
:class:`~reader.feeds.write.Shelf`: ``items.db``), and persists what each
:class:`FeedResult` says (``etag``, ``last_modified``, ``status``,
``error``, ``new_url``, fetch time), then indexes what was stored. Nothing
here touches SQLite or writes a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from reader.feeds import fetch, parse, write
from reader.model import is_disk_full
from reader.sanitize import stored_line

DEFAULT_CONCURRENCY = 16
DEFAULT_PER_HOST = 4


@dataclass(frozen=True)
class Feed:
    key: str  # the URL it was subscribed with: item ids hang on it, it never changes
    url: str  # the URL to fetch (after permanent redirects)
    name: str  # ``source:`` of its items
    tags: tuple[str, ...]
    folder: Path  # its items' place (see :func:`reader.feeds.write.feed_folder`): ``folder/<id>.md`` is an item's address
    etag: str | None = None
    last_modified: str | None = None
    max_items: int | None = None
    keep_days: int | None = None


@dataclass(frozen=True)
class FeedResult:
    key: str
    url: str  # as fetched (the last URL of a redirect chain)
    new_url: str | None  # a permanent redirect: store this as the feed's URL
    status: int | None  # the HTTP status, None when no answer came
    error: str | None  # one line, or None
    etag: str | None  # store these for the next conditional GET
    last_modified: str | None
    not_modified: bool  # a 304: nothing parsed, nothing written
    items: int  # items in the feed now (0 on a 304 or an error: keep the count stored before)
    new: int  # files written for the first time
    updated: int  # files rewritten because the item changed
    title: str | None  # the feed's own title
    removed: int = 0  # items removed by retention
    written: tuple[str, ...] = ()  # the addresses of the items written (new or updated)
    disk_full: bool = False  # its items could not be written for want of room: none were

    @property
    def ok(self) -> bool:
        return self.error is None


Stored = FeedResult | Future[FeedResult]
Claim = Callable[[str, str], str | None]  # (a feed's key, the URL it moved to) -> the name of another feed there, or None: taken
Store = Callable[[Feed, fetch.Response, frozenset[str]], Stored]


def fetch_all(
    feeds: Sequence[Feed],
    shelf: write.Shelf,
    *,
    protected_ids: Iterable[str] = frozenset(),
    on_result: Callable[[FeedResult], None] | None = None,
    store: Store | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    per_host: int = DEFAULT_PER_HOST,
    timeout: float = fetch.DEFAULT_TIMEOUT,
    max_bytes: int = fetch.DEFAULT_MAX_BYTES,
    claim: Claim | None = None,
) -> list[FeedResult]:
    """Fetch, parse and write every feed; at most ``concurrency`` at once and
    ``per_host`` to one host. ``on_result`` is called in the calling thread
    as each feed finishes; ``store`` keeps what a feed answered (default:
    :func:`store_answer` on ``shelf`` in the fetching thread); when it answers with a
    future, the fetching thread goes on to the next feed meanwhile. Results
    come back in the order of ``feeds``. One feed's failure is its result's
    ``error``; it never stops the others, and its earlier items stay.
    ``claim``: see :func:`fetch_one`."""
    protected = frozenset(protected_ids)
    limits: dict[str, threading.Semaphore] = {}
    lock = threading.Lock()
    finished: queue.SimpleQueue[tuple[int, FeedResult]] = queue.SimpleQueue()

    def host_limit(url: str) -> threading.Semaphore:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        with lock:
            if host not in limits:
                limits[host] = threading.Semaphore(max(per_host, 1))
            return limits[host]

    def failed(
        feed: Feed, error: BaseException
    ) -> FeedResult:  # a bug in one feed must not stop the rest (a full disk: the caller decides)
        try:
            said = str(error)
        except Exception:
            said = ""
        result = _result(feed, error=stored_line(f"{type(error).__name__}: {said}")[:300])
        return dataclasses.replace(result, disk_full=is_disk_full(error, feed.folder.parent.parent))  # the data dir

    def one(number: int, feed: Feed) -> None:
        """Every feed ends in ``finished``, whatever happens to it."""
        outcome: Stored
        try:
            outcome = fetch_one(
                feed,
                shelf,
                protected_ids=protected,
                timeout=timeout,
                max_bytes=max_bytes,
                limit=host_limit(feed.url),
                store=store,
                claim=claim,
            )
        except BaseException as error:
            outcome = failed(feed, error)
        if isinstance(outcome, FeedResult):
            finished.put((number, outcome))
            return

        def settled(future: Future[FeedResult]) -> None:
            try:
                result = future.result()
            except BaseException as error:  # the store failed, or was cancelled
                result = failed(feed, error)
            finished.put((number, result))

        outcome.add_done_callback(settled)

    results: list[FeedResult | None] = [None] * len(feeds)
    if not feeds:
        return []
    pool = ThreadPoolExecutor(max(1, min(concurrency, len(feeds))), thread_name_prefix="reader-fetch")
    try:
        for number, feed in enumerate(feeds):
            pool.submit(one, number, feed)
        for _ in feeds:
            number, result = finished.get()
            results[number] = result
            if on_result is not None:
                on_result(result)
    except BaseException as error:  # Ctrl-C, or ``on_result`` stopped it (a full disk): the feeds not started yet are not fetched
        pool.shutdown(wait=not isinstance(error, KeyboardInterrupt), cancel_futures=True)  # those started end whole
        raise
    pool.shutdown()
    return [r for r in results if r is not None]


def fetch_one(
    feed: Feed,
    shelf: write.Shelf,
    *,
    protected_ids: frozenset[str] = frozenset(),
    timeout: float = fetch.DEFAULT_TIMEOUT,
    max_bytes: int = fetch.DEFAULT_MAX_BYTES,
    limit: threading.Semaphore | None = None,
    now: dt.datetime | None = None,
    store: Store | None = None,
    claim: Claim | None = None,
) -> Stored:
    """One feed: conditional GET, then :func:`store_answer` (or ``store``).
    A feed moved for good to a URL another feed is at (``claim`` names that
    feed, or takes the URL for this one) is an error, and its answer is not
    stored: the same items would be listed twice."""
    with limit or contextlib.nullcontext():
        response = fetch.get(feed.url, etag=feed.etag, last_modified=feed.last_modified, timeout=timeout, max_bytes=max_bytes)
    if response.error is not None:
        return _result(feed, url=response.url, status=response.status, error=response.error)
    other = claim(feed.key, response.permanent_url) if claim is not None and response.permanent_url else None
    if other is not None:
        error = f"moved for good to {response.permanent_url}, which is subscribed to already as «{other}»; remove one of the two"
        return _result(feed, status=response.status, error=error)
    if response.not_modified:
        return _result(
            feed,
            url=response.url,
            new_url=response.permanent_url,
            status=304,
            etag=response.etag,
            last_modified=response.last_modified,
            not_modified=True,
        )
    if store is not None:
        return store(feed, response, protected_ids)
    return store_answer(feed, response, shelf, protected_ids, now)


def store_answer(
    feed: Feed,
    response: fetch.Response,
    shelf: write.Shelf,
    protected_ids: frozenset[str] = frozenset(),
    now: dt.datetime | None = None,
    on_written: write.OnWritten | None = None,
) -> FeedResult:
    """A feed's answer (a 200) parsed, and its items stored on ``shelf``
    with retention applied, in one transaction (each item written told to
    ``on_written``)."""
    parsed = parse.parse(response.body, response.url, response.content_type)
    if isinstance(parsed, parse.FeedError):
        return _result(feed, url=response.url, new_url=response.permanent_url, status=response.status, error=parsed.message)
    # ``feed:`` is the key, so a permanent redirect does not rewrite every item.
    # A feed known by its host alone (imported unnamed) is called by its title
    # from the first fetch on, as it will be from the second.
    provisional = not feed.name or feed.name == write.provisional_name(feed.key)
    name = (parsed.title if provisional else "") or feed.name or feed.key
    meta = write.FeedMeta(key=feed.key, url=feed.key, name=name, tags=feed.tags, language=parsed.language)
    keep = write.Retention(feed.max_items, feed.keep_days, protected_ids, now=now)
    report = write.write_items(shelf, feed.folder, meta, parsed.items, keep, on_written)
    return FeedResult(
        key=feed.key,
        url=response.url,
        new_url=response.permanent_url,
        status=response.status,
        error=None,
        etag=response.etag,
        last_modified=response.last_modified,
        not_modified=False,
        items=len(report.ids),
        new=report.new,
        updated=report.updated,
        title=parsed.title or None,
        removed=report.removed,
        written=report.written,
    )


def _result(
    feed: Feed,
    *,
    url: str | None = None,
    new_url: str | None = None,
    status: int | None = None,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    not_modified: bool = False,
) -> FeedResult:
    return FeedResult(
        key=feed.key,
        url=url or feed.url,
        new_url=new_url,
        status=status,
        error=error,
        etag=etag if etag is not None else feed.etag,
        last_modified=last_modified if last_modified is not None else feed.last_modified,
        not_modified=not_modified,
        items=0,
        new=0,
        updated=0,
        title=None,
    )


# -- a web page's feed -----------------------------------------------------------


@dataclass(frozen=True)
class Discovered:
    url: str | None  # the feed's URL (the given one when it is a feed itself)
    title: str | None  # the feed's title, when the feed itself was read
    error: str | None


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


def discover(url: str, *, timeout: float = fetch.DEFAULT_TIMEOUT, max_bytes: int = fetch.DEFAULT_MAX_BYTES) -> Discovered:
    """``url`` if it is a feed; else the first feed a web page at ``url``
    links to with ``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">``
    (checked by fetching it)."""
    response = fetch.get(url, timeout=timeout, max_bytes=max_bytes)
    if response.error is not None:
        return Discovered(None, None, response.error)
    final = response.permanent_url or url
    parsed = parse.parse(response.body, response.url, response.content_type)
    if isinstance(parsed, parse.ParsedFeed):
        return Discovered(final, parsed.title or None, None)
    candidates = feed_links(response.body, response.url)
    if not candidates and parse.claims_feed(response.body):  # a broken feed: say what is wrong with it
        return Discovered(None, None, parsed.message)
    if not candidates:
        return Discovered(None, None, "not a feed, and the page links to no feed")
    errors = []
    for candidate in candidates[:3]:
        answer = fetch.get(candidate, timeout=timeout, max_bytes=max_bytes)
        if answer.error is not None:
            errors.append(answer.error)
            continue
        found = parse.parse(answer.body, answer.url, answer.content_type)
        if isinstance(found, parse.ParsedFeed):
            return Discovered(answer.permanent_url or candidate, found.title or None, None)
        errors.append(found.message)
    return Discovered(None, None, stored_line(f"the page's feed links failed: {errors[0]}"))


def feed_links(page: bytes, base: str) -> list[str]:
    """The feed URLs an HTML page declares, in page order, made absolute
    (``<base href>`` honoured); http and https only."""
    import lxml.html
    from lxml import etree

    try:
        document = lxml.html.document_fromstring(page[: 4 * 2**20])
    except (etree.ParserError, ValueError):
        return []
    for element in document.iter("base"):
        if element.get("href"):
            base = urljoin(base, element.get("href") or "")
            break
    found: list[str] = []
    for element in document.iter("link", "a"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        href = (element.get("href") or "").strip()
        if "alternate" not in rel or kind not in _FEED_TYPES or not href:
            continue
        absolute = urljoin(base, href)
        if urlsplit(absolute).scheme.lower() in ("http", "https") and absolute not in found:
            found.append(absolute)
    return found
