"""Every feed-rs fixture fetched from a real server on 127.0.0.1, stored,
and read back: titles, links and dates as the fixture's .serde.json says.

Deliberate normalisations, where reader and feed-rs differ on purpose:
* dates are UTC to the second (feed-rs keeps milliseconds);
* relative links are resolved against xml:base or the feed's URL (feed-rs
  keeps them relative); both sides' URLs are compared with the host
  lowercased and an empty path as "/" (feed-rs normalises them so);
* where feed-rs has no date or link and the feed does carry one that
  fastfeedparser reads (a dc:date, a permalink guid), ours is kept;
* an item without a title gets one from its text (feed-rs leaves it empty);
* an HTML title is stored as its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from pytest_httpserver import HTTPServer

from reader.feeds import parse as feed_parse
from reader.feeds.html import html_to_text
from reader.feeds.run import Feed
from reader.feeds.write import feed_folder, item_id

from .feeds_helpers import FEED_RS, Routes, expected, fetch_all, fixtures, stored


def _norm_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, parts.fragment))


def _norm_date(value: str) -> str:
    return re.sub(r"\.\d+Z$", "Z", value)


def test_fixtures_are_all_there() -> None:
    assert len(fixtures()) == 65
    assert (FEED_RS / "LICENSE-MIT").exists()


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Feed], list, Path]]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield _fetch_fixtures(server, tmp_path_factory)
    finally:
        server.clear()
        server.stop()


def _fetch_fixtures(server: HTTPServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Feed], list, Path]:
    routes = Routes(server)
    root = tmp_path_factory.mktemp("feeds")
    feeds = []
    for path in fixtures():
        kind = "application/json" if path.suffix == ".json" else "application/xml"
        url = routes.set(f"/{path.parent.name}/{path.name}", path.read_bytes(), headers={"Content-Type": kind})
        feeds.append(Feed(key=url, url=url, name=path.stem, tags=("fixture",), folder=feed_folder(root, url)))
    results = fetch_all(feeds)
    return feeds, results, root


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.name)
def test_fixture_stored_as_expected(path: Path, fetched: tuple[list[Feed], list, Path]) -> None:
    feeds, results, _ = fetched
    number = fixtures().index(path)
    feed, result = feeds[number], results[number]
    want = expected(path)
    if want is None:  # rss_2.0_invalid_1.xml: feed-rs refuses it, and so do we: cut off, no item read
        assert result.error is not None and result.error.startswith("not well-formed XML, no items read")
        assert result.items == 0
        return
    assert result.error is None, result.error
    assert result.status == 200
    files = stored(feed.folder)
    parsed = feed_parse.parse(path.read_bytes(), feed.url)
    assert isinstance(parsed, feed_parse.ParsedFeed)
    assert len(parsed.items) == len(want["entries"])
    ids = [item_id(feed.key, item) for item in parsed.items]
    assert set(files) == set(ids)
    assert result.new == len(set(ids))
    for key, entry in zip(ids, want["entries"], strict=True):
        meta = files[key]
        assert meta["source"] == path.stem
        assert meta["feed"] == feed.url
        assert "fixture" in meta["tags"]
        title = (entry.get("title") or {}).get("content")
        if title:
            assert meta["title"] == html_to_text(title), key
        else:
            assert meta["title"]  # never empty
        links = [link["href"] for link in entry["links"] if link["rel"] in (None, "alternate")]
        if links:
            base = entry.get("base") or feed.url
            assert _norm_url(meta["url"]) == _norm_url(urljoin(base, links[0]))
        else:
            assert meta["url"] == "" or urlsplit(meta["url"]).scheme in ("http", "https")
        date = entry.get("published") or entry.get("updated")
        if date:
            assert meta["date"] == _norm_date(date)
        body = meta["body"]
        assert "<p>" not in body and "&amp;" not in body and "<script" not in body


def test_every_fixture_fetched_once_without_errors(fetched: tuple[list[Feed], list, Path]) -> None:
    feeds, results, _ = fetched
    assert len(results) == len(feeds) == 65
    failed = {feed.folder.name: r.error for feed, r in zip(feeds, results, strict=True) if r.error}
    assert len(failed) == 1 and all(e.startswith("not well-formed XML") for e in failed.values())  # rss_2.0_invalid_1.xml
    assert sum(r.new for r in results) == sum(r.items for r in results) > 90
