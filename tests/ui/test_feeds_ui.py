"""Feeds in the app (issue 12): r fetches in the background, R the current
article's feed, s picks a source, A marks all read, ] goes to the next unread."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import Input, OptionList

from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.sources import SourcesScreen
from tests.ui.test_live import wait_for

ITEM = "<item><guid>{n}</guid><title>Новость {n}</title><link>http://example.org/{n}</link><pubDate>Mon, 0{n} Sep 2025 10:00:00 GMT</pubDate><description>Ташкент {n}.</description></item>"


def rss(*numbers: int) -> str:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title>{"".join(ITEM.format(n=n) for n in numbers)}</channel></rss>'
    )


async def test_fetch_pick_and_read_through(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(rss(1, 2, 3), content_type="application/rss+xml")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n.md").write_text("---\nid: note\ntitle: Заметка\ndate: 2025-01-01\n---\nТекст.\n", encoding="utf-8")
    with Library(data_dir=data_dir) as setup:
        setup.add_feed(httpserver.url_for("/feed.xml"))
        setup.add_source(folder)
    app = ReaderApp(Library(data_dir=data_dir).open())
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.sub_title == "1 folder, 1 feed"  # the library in a few words
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == 1)  # the folder; the feed is not fetched yet
        await pilot.press("r")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 4)
        assert await wait_for(pilot, lambda: any("1 feed: 3 new" in n.message for n in app._notifications))
        rows = app.library.rows(list(articles.rowids))
        assert [rows[r].title for r in articles.rowids][:3] == ["Новость 3", "Новость 2", "Новость 1"]

        # s: the sources, grouped; choosing the feed narrows the list to it
        await pilot.press("s")
        assert isinstance(app.screen, SourcesScreen)
        listed = app.screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert any("Лента" in p and "3/3" in p for p in prompts) and any(p.startswith("Folders") for p in prompts)
        listed.highlighted = next(i for i, p in enumerate(prompts) if "Лента" in p)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == 'in:"Лента"'
        assert await wait_for(pilot, lambda: len(articles.rowids) == 3)

        # ] goes to the next unread; A marks the whole list read
        await pilot.press("g", "enter")  # open (and so read) the first
        articles.focus()
        await pilot.press("g", "right_square_bracket")
        assert articles.cursor == 1
        second = app.library.rows([articles.rowids[1]])[articles.rowids[1]]
        assert await wait_for(pilot, lambda: app.screen.current is not None and app.screen.current.title == second.title)
        assert await wait_for(pilot, lambda: app.library.rows([articles.rowids[1]])[articles.rowids[1]].read)
        await pilot.press("A")
        assert await wait_for(pilot, lambda: all(r.read for r in app.library.rows(list(articles.rowids)).values()))
        assert not app.library.rows(list(app.library.all_rowids()))[app.library.all_rowids()[-1]].read  # the note is not in the list

        # R on a feed item fetches its feed again: the server sees one more request
        before = len(httpserver.log)
        await pilot.press("R")
        assert await wait_for(pilot, lambda: len(httpserver.log) > before)


async def test_notes_on_items_are_one_line_in_the_fetch_and_kept_in_the_picker(httpserver: HTTPServer, data_dir: Path) -> None:
    undated = (
        "<item><guid>u{n}</guid><title>Без даты {n}</title><link>http://example.org/u{n}</link><description>Текст.</description></item>"
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title>{"".join(undated.format(n=n) for n in range(3))}</channel></rss>'
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    with Library(data_dir=data_dir) as setup:
        setup.add_feed(httpserver.url_for("/feed.xml"))
    app = ReaderApp(Library(data_dir=data_dir).open())
    told = "3 items had no date; the time they were first seen is used"
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await pilot.press("r")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 3)
        assert await wait_for(pilot, lambda: any("1 feed: 3 new" in n.message for n in app._notifications))
        [fetched] = [n.message for n in app._notifications if "1 feed: 3 new" in n.message]
        assert fetched.splitlines()[1:] == [told]
        assert not any("Без даты" in n.message for n in app._notifications)  # no item named one by one
        await pilot.press("s")
        assert isinstance(app.screen, SourcesScreen)
        listed = app.screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert any("Лента" in p and told in p for p in prompts), prompts
