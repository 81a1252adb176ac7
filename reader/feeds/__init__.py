"""Feeds: fetch (through the HTTP client, reader.http), parse (feed formats -> items), write (items ->
Markdown articles with front matter, stored on a shelf) and OPML import/export.

What the library facade calls (nothing here touches SQLite; importing this
package imports nothing heavy):

* :func:`reader.feeds.run.fetch_all` ``(feeds, shelf, *, protected_ids, on_result,
  concurrency=16, per_host=4, timeout=20.0, max_bytes=16 MiB) -> list[FeedResult]``:
  fetch, parse and store every :class:`~reader.feeds.run.Feed`; ``on_result``
  runs in the calling thread as each feed finishes.
* :func:`reader.feeds.run.discover` ``(url) -> Discovered``: for ``feeds add``
  of a web page, the feed it links to (or the URL itself when it is a feed).
* :func:`reader.feeds.opml.import_bytes` ``(data) -> Imported`` (OPML or a
  newsboat ``urls`` file) and :func:`reader.feeds.opml.export_opml`
  ``(subscriptions) -> bytes``.
* :func:`reader.feeds.write.feed_folder` ``(root, key) -> Path``: a feed's
  place; ``<data dir>/feeds/<16 hex of the key>/<item id>.md`` is an item's
  address, the path the index knows it by (no such file is written).

What the caller keeps per feed in state.db: its key (the URL it was
subscribed with, which item ids hang on and which never changes), its URL
to fetch (``FeedResult.new_url`` replaces it after a permanent redirect),
name, tags, ``etag`` and ``last_modified`` (from the last result, also on a
304 or an error: the result carries the old ones then), the last fetch time,
``status`` and ``error``, and the item count; and optional ``max_items`` /
``keep_days``. After a fetch, index what was stored.
"""
