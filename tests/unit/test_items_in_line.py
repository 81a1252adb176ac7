"""A refresh where no fetched item changed does not list the items again
(a million take seconds), and yet every change to them is seen: a fetch,
items deleted by another process, a feed's rows dropped from the index, a
restored copy of items.db."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from reader.library import Library
from reader.store.items import Items


def rss(feed: int, items: int, first: int = 0) -> str:
    entries = "".join(
        f"<item><guid>{feed}-{n}</guid><title>Лента {feed}, новость {n}</title><link>http://example.org/{feed}/{n}</link>"
        f"<pubDate>Mon, 0{1 + n % 9} Jun 2025 10:00:00 GMT</pubDate><description>Самарканд принял делегацию номер {feed}{n}.</description></item>"
        for n in range(first, first + items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента {feed}</title>{entries}</channel></rss>'


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the fetched items were listed (each call of the real method, counted)."""
    calls: list[int] = []
    real = Items.listing

    def counted(self: Items, folders: Any) -> Any:
        calls.append(len(folders))
        return real(self, folders)

    monkeypatch.setattr(Items, "listing", counted)
    return calls


def subscribed(httpserver: HTTPServer, data: Path, feeds: int = 3) -> None:
    for feed in range(feeds):
        httpserver.expect_request(f"/feed{feed}.xml").respond_with_data(rss(feed, 5), content_type="application/rss+xml")
    with Library(data_dir=data) as library:
        library.import_feeds("".join(f"{httpserver.url_for(f'/feed{feed}.xml')}\n" for feed in range(feeds)).encode())
        library.fetch()


def ids(library: Library) -> set[str]:
    return {row.id for row in library.rows(library.all_rowids()).values()}


def test_an_unchanged_refresh_does_not_list_the_items_and_a_fetch_is_seen(
    httpserver: HTTPServer, tmp_path: Path, listings: list[int]
) -> None:
    data = tmp_path / "data"
    subscribed(httpserver, data)
    assert listings == [3], "the fetch indexed what it stored, every feed's items listed once"
    with Library(data_dir=data) as library:
        first = library.refresh()
        second = library.refresh()
        assert listings == [3], "nothing changed since: the items are not listed again"
        assert first.seen == second.seen == 15
        assert len(ids(library)) == 15
    httpserver.clear()
    httpserver.expect_request("/feed1.xml").respond_with_data(rss(1, 5, first=5), content_type="application/rss+xml")
    with Library(data_dir=data) as library:
        listings.clear()
        library.fetch([httpserver.url_for("/feed1.xml")])
        assert listings == [1], "the fetch indexed its one feed"
        library.refresh()
        assert listings == [1, 3], "the index was in line for that feed alone: every feed is listed"
        assert len(ids(library)) == 20
        library.refresh()
        assert listings == [1, 3]


def test_items_deleted_by_another_process_leave_the_list(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    subscribed(httpserver, data)
    with Library(data_dir=data) as library:
        library.refresh()
        library.refresh()
        with closing(sqlite3.connect(data / "items.db", isolation_level=None)) as other:
            gone = [str(r[0]) for r in other.execute("SELECT id FROM items ORDER BY id LIMIT 2")]
            other.execute("DELETE FROM items WHERE id IN (?, ?)", gone)
        library.refresh()
        assert len(ids(library)) == 13
        assert not set(gone) & ids(library)


def test_a_restored_copy_of_items_db_is_not_taken_for_the_state_indexed(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    subscribed(httpserver, data, feeds=2)
    with Library(data_dir=data) as library:
        library.refresh()
    backup = tmp_path / "items-backup.db"
    with closing(sqlite3.connect(data / "items.db")) as live, closing(sqlite3.connect(backup)) as copy:
        live.backup(copy)
    httpserver.clear()
    httpserver.expect_request("/feed0.xml").respond_with_data(rss(0, 3, first=100), content_type="application/rss+xml")
    with Library(data_dir=data) as library:
        library.fetch([httpserver.url_for("/feed0.xml")])
        library.refresh()
        assert len(ids(library)) == 13
    for suffix in ("-wal", "-shm"):
        Path(f"{data / 'items.db'}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, data / "items.db")
    with Library(data_dir=data) as library:
        library.refresh()
        assert len(ids(library)) == 10, "the backup's items, not the index's memory of the later ones"


def test_a_feed_dropped_from_the_index_is_read_again(httpserver: HTTPServer, tmp_path: Path, listings: list[int]) -> None:
    data = tmp_path / "data"
    subscribed(httpserver, data)
    with Library(data_dir=data) as library:
        library.refresh()
        root = next(r for r in library.session.index.roots() if "/feeds/" in r)
        library.session.write(lambda: library.session.index_w.drop_root(root)).result()
        assert len(ids(library)) == 10
        listings.clear()
        library.refresh()
        assert listings == [3], "the index changed since it was in line: the items are listed"
        assert len(ids(library)) == 15
