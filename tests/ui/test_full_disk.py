"""The app starts on a data dir whose disk is full, lists what is there, says why nothing is saved, and refuses a bookmark; a fetch from the app onto a full disk is told in one line."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.library import Library
from reader.ui.article_list import ArticleList
from tests.conftest import fill
from tests.ui.conftest import make_app, rss, settle, wait_for
from tests.unit.test_disk_full import FEEDS
from tests.unit.test_disk_full import rss as big_rss


async def test_the_app_starts_and_lists_on_a_full_disk(small_disk: Path, httpserver: HTTPServer) -> None:
    data = small_disk / "data"
    httpserver.expect_request("/feed.xml").respond_with_data(rss(1, 2, 3), content_type="application/rss+xml")
    with Library(data_dir=data) as library:
        library.add_feed(httpserver.url_for("/feed.xml"), name="Лента")
        assert library.fetch().new == 3
    fill(small_disk)
    app = make_app(data)
    assert app.library.readonly
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == 3)
        assert any("the disk is full" in said for said in app.said)
        await pilot.press("b")  # a bookmark is refused, and said so
        assert await wait_for(pilot, lambda: app.said[-1] == f"the disk is full ({data})")
        assert not app.library.bookmarks()
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_fetch_from_the_app_onto_a_full_disk_is_told_in_one_line(small_disk: Path, httpserver: HTTPServer) -> None:
    data = small_disk / "data"
    with Library(data_dir=data) as library:
        for feed in range(FEEDS):
            httpserver.expect_request(f"/feed{feed}.xml").respond_with_data(big_rss(feed), content_type="application/rss+xml")
            library.add_feed(httpserver.url_for(f"/feed{feed}.xml"), name=f"Feed {feed}")
    fill(small_disk, leave=300_000)
    app = make_app(data)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        await pilot.press("r")  # read every folder again and fetch every feed
        told = f"the disk is full ({data}): the fetch stopped"
        assert await wait_for(pilot, lambda: any(said.startswith(told) for said in app.said))
        await pilot.press("q")
