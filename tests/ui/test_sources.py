"""The sources picker: feeds under their tags, errors on one line, feeds of one name told apart; fetching from the app."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.geometry import Region
from textual.widgets import Input, OptionList

from reader.library import Library
from reader.model import Source
from reader.ui.article_list import ArticleList
from reader.ui.sources import SourcesScreen
from tests.conftest import SEEDS
from tests.ui.conftest import make_app, rss, settle, wait_for


async def test_fetch_pick_and_read_through(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(rss(1, 2, 3), content_type="application/rss+xml")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n.md").write_text("---\nid: note\ntitle: Заметка\ndate: 2025-01-01\n---\nТекст.\n", encoding="utf-8")
    with Library(data_dir=data_dir) as setup:
        setup.add_feed(httpserver.url_for("/feed.xml"))
        setup.add_source(folder)
    app = make_app(data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.sub_title == "1 folder, 1 feed"  # the library in a few words
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == 1)  # the folder; the feed is not fetched yet
        await pilot.press("r")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 4)
        assert await wait_for(pilot, lambda: any("1 feed: 3 new" in n for n in app.said))
        rows = app.library.rows(list(articles.rowids))
        assert [rows[r].title for r in articles.rowids][:3] == ["Новость 3", "Новость 2", "Новость 1"]

        # s: the sources, grouped; choosing the feed narrows the list to it
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))  # counted off the UI thread
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


async def test_sources_list_a_feed_under_each_tag_and_its_error_on_one_line(httpserver: HTTPServer, data_dir: Path) -> None:
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data(rss(1), content_type="application/rss+xml")
    garbage = "<html>\n" + "\n".join(f"<p>not a feed, line {n} " + "x" * 60 + "</p>" for n in range(40)) + "\n</html>"
    httpserver.expect_request("/feed.xml").respond_with_data(garbage, content_type="application/rss+xml")
    with Library(data_dir=data_dir) as setup:
        setup.add_feed(httpserver.url_for("/feed.xml"), name="Лента", tags=["News", "german"])
        setup.add_source(SEEDS)
        setup.fetch()
    with Library(data_dir=data_dir) as check:
        error = next(s.error for s in check.sources() if s.name == "Лента")
    assert error, "the garbage feed has an error to show"
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))
        listed = app.screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        feed_rows = [i for i, p in enumerate(prompts) if "Лента" in p]
        groups_above = [max(j for j in range(i) if not prompts[j].startswith("  ")) for i in feed_rows]
        assert sorted(prompts[j] for j in groups_above) == ["News", "german"], prompts
        assert all("⚠" in prompts[i] for i in feed_rows)
        listed.highlighted = feed_rows[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == 'in:"Лента"'


async def test_a_long_feed_error_is_one_line_cut_with_an_ellipsis(data_dir: Path) -> None:
    error = "not well-formed (invalid token): line 1, column 0\n" + "the page said: " + "слово " * 80 + "КОНЕЦ"
    sources = [
        Source("folder", "seeds", str(SEEDS), 2, 2),
        Source("feed", "Мусор", "http://example.org/garbage", 0, 0, error, ("News",)),
        Source("feed", "Лента", "http://example.org/feed", 3, 1, None, ("News", "german")),
    ]
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(app)
        app.push_screen(SourcesScreen(sources))
        assert await wait_for(
            pilot, lambda: isinstance(app.screen, SourcesScreen) and any(o.option_count for o in app.screen.query(OptionList))
        )
        await pilot.pause()
        listed = app.screen.query_one(OptionList)
        lines = [strip.text for strip in listed.render_lines(Region(0, 0, *listed.outer_size))]
        with_error = [line for line in lines if "⚠" in line]
        assert len(with_error) == 1 and with_error[0].rstrip(" ▎▊").endswith("…"), lines
        assert not any("КОНЕЦ" in line or ("слово слово" in line and "⚠" not in line) for line in lines), lines
        assert sum("Лента" in line for line in lines) == 2, lines


async def test_two_feeds_of_one_name_in_one_folder_are_two_entries(data_dir: Path) -> None:
    """Feeds share a name when their titles are the same (or before their
    first fetch, their host): the picker opened on such a pair crashed."""
    with Library(data_dir=data_dir) as setup:
        setup.import_feeds(b'http://127.0.0.1:9/udd.xml News "~Dashboard"\nhttp://127.0.0.1:9/udd.xml?page=2 News "~Dashboard"\n')
    app = make_app(data_dir)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))
        listed = app.screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert sum("Dashboard" in p for p in prompts) == 2, prompts
        assert any("udd.xml?page=2" in p for p in prompts), prompts  # told apart by their URLs
        listed.highlighted = listed.option_count - 1
        await pilot.press("enter")
        await pilot.pause()
        assert (
            app.screen.query_one("#search", Input).value == 'in:"http://127.0.0.1:9/udd.xml?page=2"'
        )  # that one, not the first of the name


async def test_notes_on_items_are_one_line_in_the_fetch_and_kept_in_the_picker(httpserver: HTTPServer, data_dir: Path) -> None:
    undated = (
        "<item><guid>u{n}</guid><title>Без даты {n}</title><link>http://example.org/u{n}</link><description>Текст.</description></item>"
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title>{"".join(undated.format(n=n) for n in range(3))}</channel></rss>'
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    with Library(data_dir=data_dir) as setup:
        setup.add_feed(httpserver.url_for("/feed.xml"))
    app = make_app(data_dir)
    told = "3 items had no date; the time they were first seen is used"
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await pilot.press("r")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 3)
        assert await wait_for(pilot, lambda: any("1 feed: 3 new" in m for m in app.said))
        [fetched] = [m for m in app.said if "1 feed: 3 new" in m]
        assert fetched.splitlines()[1:] == [told]
        assert not any("Без даты" in m for m in app.said)  # no item named one by one
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))  # counted off the UI thread
        listed = app.screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert any("Лента" in p and told in p for p in prompts), prompts
