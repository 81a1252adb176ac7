"""A feed's settings after subscribing (issue 25): retention seen in `feeds
list` and changed with `feeds set`; a feed imported unnamed carries its own
title from its first fetch. Against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.library import Library, StoreError

ITEM = "<item><guid>{n}</guid><title>Новость {n}</title><link>http://example.org/{n}</link><pubDate>{n:02d} Sep 2025 10:00:00 GMT</pubDate></item>"


def rss(numbers: range, title: str = "Вести") -> str:
    items = "".join(ITEM.format(n=n) for n in numbers)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


def reader(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    wide = {**os.environ, "COLUMNS": "200"}  # a feed's line whole
    return subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", str(data_dir)], capture_output=True, text=True, env=wide)


def test_retention_is_seen_and_changed_and_applied_at_the_next_fetch(httpserver: HTTPServer, data_dir: Path) -> None:
    url = httpserver.url_for("/feed.xml")
    httpserver.expect_request("/feed.xml").respond_with_data(rss(range(1, 6)), content_type="application/rss+xml")
    with Library(data_dir=data_dir) as library:
        library.add_feed(url, max_items=10)
        library.fetch()
        [info] = library.feeds()
        assert (info.max_items, info.keep_days, info.full_text, info.items) == (10, None, False, 5)
        assert library.set_retention("Вести", max_items=None, keep_days=3650) == ("Вести", None, 3650)
        assert library.set_retention(url, max_items=2) == ("Вести", 2, 3650)  # what is not given stays
        [info] = library.feeds()
        assert (info.max_items, info.keep_days) == (2, 3650)
        for bad in (0, -1, True):
            with pytest.raises(StoreError, match="not a whole number of 1 or more"):
                library.set_retention("Вести", max_items=bad)
        with pytest.raises(StoreError, match="no feed 'Нет'"):
            library.set_retention("Нет", max_items=2)
        # the feed now lists two items: what it lists stays, the rest beyond two goes
        httpserver.clear()
        httpserver.expect_request("/feed.xml").respond_with_data(rss(range(4, 6)), content_type="application/rss+xml")
        library.fetch()
        assert sorted(r.title for r in library.list_rows()) == ["Новость 4", "Новость 5"]


def test_cli_feeds_set_and_list(httpserver: HTTPServer, data_dir: Path) -> None:
    url = httpserver.url_for("/feed.xml")
    httpserver.expect_request("/feed.xml").respond_with_data(rss(range(1, 3)), content_type="application/rss+xml")
    assert reader(data_dir, "feeds", "add", url, "--keep-days", "30", "--full-text").returncode == 0
    done = reader(data_dir, "feeds", "set", "Вести", "--max-items", "50")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("reader: Вести keeps at most 50 items, none older than 30 days;")
    [listed] = json.loads(reader(data_dir, "feeds", "list", "--json").stdout)
    assert (listed["name"], listed["url"], listed["max_items"], listed["keep_days"], listed["full_text"]) == ("Вести", url, 50, 30, True)
    assert "keeps at most 50 items, none older than 30 days  full text" in reader(data_dir, "feeds", "list").stdout
    lifted = reader(data_dir, "feeds", "set", url, "--keep-days", "none")
    assert lifted.returncode == 0 and "Вести keeps at most 50 items;" in lifted.stderr
    for args, status, said in (
        (("--max-items", "0"), 2, "0 is less than 1"),
        (("--keep-days", "-3"), 2, "-3 is less than 1"),
        (("--max-items", "many"), 2, "'many' is not a whole number"),
        ((), 2, "feeds set needs --max-items N or --keep-days N"),
        (("--name", "Другое", "--max-items", "3"), 2, "feeds set changes --max-items and --keep-days only"),
    ):
        refused = reader(data_dir, "feeds", "set", "Вести", *args)
        assert (refused.returncode, refused.stderr.count("\n")) == (status, 1) and said in refused.stderr, refused.stderr
    unknown = reader(data_dir, "feeds", "set", "Нет", "--max-items", "3")
    assert unknown.returncode == 1 and "no feed 'Нет' (reader feeds list)" in unknown.stderr
    [listed] = json.loads(reader(data_dir, "feeds", "list", "--json").stdout)
    assert (listed["max_items"], listed["keep_days"]) == (50, None)


def test_a_feed_imported_unnamed_carries_its_title_from_the_first_fetch(httpserver: HTTPServer, data_dir: Path) -> None:
    """No ETag, no Last-Modified: every fetch is a whole answer, and the
    second of an unchanged feed updates nothing."""
    body = rss(range(1, 4), title="Настоящее имя")
    httpserver.expect_request("/plain.xml").respond_with_data(body, content_type="application/rss+xml")
    httpserver.expect_request("/named.xml").respond_with_data(body, content_type="application/rss+xml")
    urls = f'{httpserver.url_for("/plain.xml")}\n{httpserver.url_for("/named.xml")} "~Моё имя"\n'
    with Library(data_dir=data_dir) as library:
        assert library.import_feeds(urls.encode()).added == 2
        assert [f.name for f in library.feeds()] == [f"{httpserver.host}/plain.xml", "Моё имя"]  # until the first fetch says otherwise
        first = library.fetch()
        assert (first.new, first.updated) == (6, 0)
        assert sorted({r.source for r in library.list_rows()}) == ["Моё имя", "Настоящее имя"]
        assert [f.name for f in library.feeds()] == ["Настоящее имя", "Моё имя"]
        second = library.fetch()
        assert (second.ok, second.not_modified, second.new, second.updated) == (2, 0, 0, 0)
