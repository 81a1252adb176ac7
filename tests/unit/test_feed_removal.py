"""Removing a feed (issue 25): its items leave items.db and the index, its
bookmarked items stay readable, in an order a kill cannot spoil; against a
real server on 127.0.0.1 and real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.library import Library
from reader.store.items import Items

ITEM = """<item><guid>{guid}</guid><title>{title}</title><link>http://example.org/{guid}</link>
<pubDate>{date} Sep 2025 10:00:00 GMT</pubDate><description>{title}: текст о мосте.</description></item>"""
TITLES = {"a": ("Первая", "Mon, 22"), "b": ("Вторая", "Tue, 23"), "c": ("Третья", "Wed, 24")}


def serve(server: HTTPServer, path: str = "/feed.xml", title: str = "Лента") -> str:
    items = "".join(ITEM.format(guid=g, title=t, date=d) for g, (t, d) in TITLES.items())
    body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'
    server.expect_request(path).respond_with_data(body, content_type="application/rss+xml")
    return server.url_for(path)


def subscribed(library: Library, url: str) -> dict[str, str]:
    """Subscribe, fetch; each item's title and id."""
    library.add_feed(url)
    assert library.fetch().new == 3
    return {r.title: r.id for r in library.list_rows()}


def kept_ids(data_dir: Path) -> set[str]:
    items = Items.reader(data_dir / "items.db")
    try:
        return {i for folder in items.folders() for i in items.ids(folder)}
    finally:
        items.close()


def test_removing_a_feed_removes_its_items_but_its_bookmarked_one(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    url = serve(httpserver)
    with Library(data_dir=data_dir) as library:
        ids = subscribed(library, url)
        library.set_bookmark(ids["Вторая"], True, note="важно").result()
        library.fetch()  # the feed listed again: nothing to keep it by but its subscription

        gone = library.remove_source("Лента", kind="feed")
        assert (gone.name, gone.location, gone.items, gone.kept) == ("Лента", url, 2, 1)
        assert kept_ids(data_dir) == {ids["Вторая"]}
        assert {r.id for r in library.list_rows()}.isdisjoint(ids.values())
        assert not library.search("мосте").rowids

        # the bookmark is not missing: `reader show ID` reads the item kept
        [mark] = library.bookmarks()
        assert (mark.id, mark.title, mark.source, mark.note, mark.missing) == (ids["Вторая"], "Вторая", "Лента", "важно", False)
        shown = library.find(ids["Вторая"])
        assert shown is not None and shown.title == "Вторая" and "текст о мосте" in shown.body
        assert library.find(ids["Первая"]) is None

        # an export writes what is kept, and no more
        done = library.export_markdown(tmp_path / "out")
        assert done.items == 1 and [p.stem for p in (tmp_path / "out").rglob("*.md")] == [ids["Вторая"]]

        # added again: the kept item is in view at once, the rest come back with the next fetch
        library.add_feed(url)
        library.refresh()
        assert [r.id for r in library.list_rows() if r.source == "Лента"] == [ids["Вторая"]]
        assert library.fetch().new == 2
        [mark] = library.bookmarks()
        assert (mark.note, mark.missing) == ("важно", False)


def test_a_bookmark_is_missing_exactly_when_it_cannot_be_read(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    """``missing`` and ``find`` agree: in view, kept in items.db, or neither."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n.md").write_text("---\nid: note0000note0000\ntitle: Заметка\ndate: 2025-09-20\n---\n\nО мосте.\n", encoding="utf-8")
    url = serve(httpserver)
    with Library(data_dir=data_dir) as library:
        library.add_source(folder)
        library.refresh()
        ids = subscribed(library, url)
        library.set_bookmark("note0000note0000", True).result()
        library.set_bookmark(ids["Первая"], True).result()
        library.remove_source(str(folder))
        library.remove_source(url)
        marks = {m.id: m.missing for m in library.bookmarks()}
        assert marks == {"note0000note0000": True, ids["Первая"]: False}
        for article_id, missing in marks.items():
            assert (library.find(article_id) is None) is missing
    with Library([folder], data_dir) as narrowed:  # a library narrowed to a folder: its own, and the kept item
        library_marks = {m.id: m.missing for m in narrowed.bookmarks()}
        assert library_marks == {"note0000note0000": True, ids["Первая"]: False}
        narrowed.refresh()
        assert {m.id: m.missing for m in narrowed.bookmarks()} == {"note0000note0000": False, ids["Первая"]: False}


def test_a_kept_item_goes_with_its_bookmark(httpserver: HTTPServer, data_dir: Path) -> None:
    """Kept for its bookmark alone, a removed feed's item goes when the
    bookmark does; a subscribed feed's item stays whatever its bookmark."""
    gone_url, here_url = serve(httpserver, "/gone.xml", "Ушедшая"), serve(httpserver, "/here.xml", "Оставшаяся")
    with Library(data_dir=data_dir) as library:
        library.add_feed(gone_url)
        library.add_feed(here_url)
        library.fetch()
        ids = {(r.source, r.title): r.id for r in library.list_rows()}
        gone, here = ids["Ушедшая", "Первая"], ids["Оставшаяся", "Первая"]
        for article_id in (gone, ids["Ушедшая", "Вторая"], here):
            library.set_bookmark(article_id, True).result()
        assert library.remove_source("Ушедшая").kept == 2
        assert library.set_bookmark(gone, False).result() is True
        assert library.find(gone) is None and library.find(ids["Ушедшая", "Вторая"]) is not None
        assert library.set_bookmark(here, False).result() is True
        assert kept_ids(data_dir) == {ids["Ушедшая", "Вторая"]} | {i for (source, _), i in ids.items() if source == "Оставшаяся"}


KILL = """
import os, signal, sys
from pathlib import Path
from reader.library import Library
from reader.store import Index, State

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

setattr({room}, {method!r}, die)
with Library(data_dir=Path(sys.argv[1])) as library:
    library.remove_source(sys.argv[2], kind="feed")
"""


@pytest.mark.parametrize(("room", "method"), [("State", "remove_source"), ("Index", "drop_root")], ids=["before-state", "before-index"])
def test_a_removal_killed_on_the_way_is_finished_by_removing_again(httpserver: HTTPServer, data_dir: Path, room: str, method: str) -> None:
    """Killed (SIGKILL) after the items went, before the subscription or the
    index did: nothing is lost that should stay, nothing removed shows, and
    removing again (when there is anything left to remove) finishes it."""
    url = serve(httpserver)
    with Library(data_dir=data_dir) as library:
        ids = subscribed(library, url)
        library.set_bookmark(ids["Третья"], True, note="моё").result()
    killed = subprocess.run([sys.executable, "-c", KILL.format(room=room, method=method), str(data_dir), url], capture_output=True)
    assert killed.returncode == -9, killed.stderr
    assert kept_ids(data_dir) == {ids["Третья"]}
    with Library(data_dir=data_dir) as library:
        library.refresh()
        shown = {r.id for r in library.list_rows()}
        assert shown.isdisjoint({ids["Первая"], ids["Вторая"]})
        [mark] = library.bookmarks()
        assert (mark.note, mark.missing) == ("моё", False) and library.find(ids["Третья"]) is not None
        if room == "State":  # still subscribed: removing it again finishes the job
            assert [f.name for f in library.feeds()] == ["Лента"]
            again = library.remove_source(url)
            assert (again.items, again.kept) == (0, 1)
        assert library.feeds() == []
        assert not library.search("мосте").rowids


def test_cli_says_what_removing_a_feed_did(httpserver: HTTPServer, data_dir: Path) -> None:
    url = serve(httpserver)
    with Library(data_dir=data_dir) as library:
        ids = subscribed(library, url)
        library.set_bookmark(ids["Первая"], True).result()

    def reader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", str(data_dir)], capture_output=True, text=True)

    done = reader("feeds", "remove", "Лента")
    assert (
        done.returncode == 0 and done.stderr == f"reader: removed Лента ({url}) and 2 items; its bookmarked item stays (reader bookmarks)\n"
    )
    [mark] = json.loads(reader("bookmarks", "--json").stdout)
    assert (mark["id"], mark["missing"]) == (ids["Первая"], False)
    shown = reader("show", ids["Первая"], "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["title"] == "Первая"
