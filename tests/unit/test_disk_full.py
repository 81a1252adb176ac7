"""A full disk, for real: a small tmpfs filled up. A fetch stops with one
line and keeps each feed whole or not at all; the library stays readable;
a bookmark asked for is refused whole."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.cli import main
from reader.feeds import write
from reader.feeds.parse import Item
from reader.library import Library
from reader.model import DiskFull
from reader.store.items import Items
from tests.conftest import fill

FEEDS = 12
ITEMS = 20
WORDS = ["harbour", "council", "budget", "river", "storm", "market", "energy", "science"]


def rss(feed: int) -> str:
    rng = random.Random(feed)
    items = "".join(
        f"<item><guid>{feed}-{n}</guid><title>Feed {feed} item {n}</title><link>http://example.org/{feed}/{n}</link>"
        f"<pubDate>Mon, 0{1 + n % 9} Jun 2025 10:00:00 GMT</pubDate>"
        f"<description>{' '.join(f'{rng.choice(WORDS)}{rng.randint(0, 99999)}' for _ in range(300))}</description></item>"
        for n in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'


@pytest.fixture
def subscribed(small_disk: Path, httpserver: HTTPServer) -> Path:
    """A data dir on the small disk, subscribed to :data:`FEEDS` feeds on 127.0.0.1."""
    data = small_disk / "data"
    with Library(data_dir=data) as library:
        for feed in range(FEEDS):
            httpserver.expect_request(f"/feed{feed}.xml").respond_with_data(rss(feed), content_type="application/rss+xml")
            library.add_feed(httpserver.url_for(f"/feed{feed}.xml"), name=f"Feed {feed}")
    return data


def folders(data: Path) -> list[int]:
    """How many items each feed holds (read as it is on disk: no process has it open, and the disk may be full)."""
    if not (data / "items.db").exists():
        return []
    with contextlib.closing(sqlite3.connect(data / "items.db")) as db:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")  # the WAL's index in memory: no shared-memory file to make
        return sorted(n for (n,) in db.execute("SELECT count(*) FROM items GROUP BY folder"))


def leftovers(data: Path) -> list[Path]:
    return [p for p in data.rglob("*") if p.name.endswith(".tmp")]


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, list[str]]:
    code = main(["--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def test_a_fetch_onto_a_full_disk_stops_in_one_line_and_keeps_each_feed_whole(
    subscribed: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filler = fill(small_disk, leave=900_000)  # room for a few feeds of twelve, and their index rows (a WAL grows in steps)
    code, _, err = run(capsys, subscribed, "fetch")
    assert code == 1
    errors = [line for line in err if "error" in line]
    assert len(errors) == 1 and errors[0].startswith(f"reader: error: the disk is full ({subscribed}): the fetch stopped;"), err
    assert "internal error" not in "\n".join(err)
    assert set(folders(subscribed)) <= {0, ITEMS}  # each feed all or nothing
    assert ITEMS in folders(subscribed)  # and some made it
    assert leftovers(subscribed) == []
    code, out, err = run(capsys, subscribed, "list")  # the items stored, indexed or (no room for that) read into memory
    assert code == 0 and len(out.splitlines()) == sum(folders(subscribed)), err
    filler.unlink()  # space returns: the next fetch completes, nothing doubled
    code, _, err = run(capsys, subscribed, "fetch")
    assert code == 0, err
    assert folders(subscribed) == [ITEMS] * FEEDS
    code, out, _ = run(capsys, subscribed, "list")
    assert code == 0 and len(out.splitlines()) == FEEDS * ITEMS
    for name in ("index.db", "state.db", "items.db"):
        with sqlite3.connect(subscribed / name) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_library_stays_readable_while_the_disk_is_full(subscribed: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, subscribed, "fetch", "Feed 0", "Feed 1")[0] == 0
    filler = fill(small_disk)
    code, out, err = run(capsys, subscribed, "list")
    assert code == 0 and len(out.splitlines()) == 2 * ITEMS
    assert err == [f"reader: warning: {subscribed}: the disk is full; reading only, nothing will be saved"]
    first = out.split()[1]
    code, out, _ = run(capsys, subscribed, "search", "--json", "Feed 1 item 7")
    assert code == 0 and '"title": "Feed 1 item 7"' in out
    code, out, _ = run(capsys, subscribed, "show", first)
    assert code == 0 and "Feed" in out
    code, _, err = run(capsys, subscribed, "bookmark", "add", first)
    assert code == 1 and err[-1] == f"reader: error: the disk is full ({subscribed}): the bookmark was not saved"
    filler.unlink()
    code, out, _ = run(capsys, subscribed, "bookmarks", "--json")
    assert code == 0 and out.strip() == "[]"


def test_a_disk_too_full_to_index_is_read_into_memory_and_every_item_listed(
    subscribed: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, subscribed, "fetch", "Feed 0")[0] == 0
    with Library(data_dir=subscribed) as library:
        url = next(f.url for f in library.feeds() if f.name == "Feed 1")
    meta = write.FeedMeta(key=url, url=url, name="Feed 1")
    words = " ".join(f"harbour{n}" for n in range(2500))  # 20 KB an item: far more than the room left to index them
    shelf = Items.open(subscribed / "items.db", lambda message: None)
    write.write_items(shelf, write.feed_folder(subscribed / "feeds", url), meta, [item(n, words) for n in range(ITEMS)], write.Retention())
    shelf.close()
    fill(small_disk, leave=200_000)  # room to open the databases
    code, out, err = run(capsys, subscribed, "list")
    assert code == 0 and len(out.splitlines()) == 2 * ITEMS
    assert f"reader: warning: {subscribed}: the disk is full; reading only, nothing will be saved" in err


def test_a_bookmark_on_a_disk_that_fills_while_open_is_refused_whole(subscribed: Path, small_disk: Path) -> None:
    with Library(data_dir=subscribed) as library:
        library.fetch(["Feed 0"])
        rows = library.list_rows()
    with Library(data_dir=subscribed) as library:
        assert not library.readonly
        filler = fill(small_disk)
        with pytest.raises(DiskFull, match="the disk is full"):
            library.set_bookmark(rows[0].id, True, "a note").result()
    filler.unlink()
    with Library(data_dir=subscribed) as library:
        assert library.bookmarks() == []


def item(n: int, content: str) -> Item:
    return Item(f"g{n}", f"item {n}", "", "2025-06-01", "", (), content, "", "", "")


def test_a_feed_that_does_not_fit_leaves_what_it_had_as_it_was(small_disk: Path) -> None:
    shelf = Items.open(small_disk / "items.db", lambda message: None)
    folder = small_disk / "feeds" / "0123456789abcdef"
    meta = write.FeedMeta(key="http://example.org/feed", url="http://example.org/feed", name="Feed")
    first = [item(n, "short") for n in range(3)]
    assert write.write_items(shelf, folder, meta, first, write.Retention()).new == 3
    before = {i: shelf.data(i) for i in shelf.ids(folder.name)}
    fill(small_disk, leave=200_000)
    big = [item(n, "word " * 20_000) for n in range(6)]  # 100 KB each: half would fit
    with pytest.raises(sqlite3.OperationalError, match="full"):
        write.write_items(shelf, folder, meta, big, write.Retention())
    assert {i: shelf.data(i) for i in shelf.ids(folder.name)} == before
    shelf.close()
