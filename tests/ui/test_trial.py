"""Defects from a new user's trial, each through Pilot."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_httpserver import HTTPServer
from rich.cells import cell_len
from textual.geometry import Region
from textual.widgets import Input, OptionList
from textual.widgets._footer import FooterKey

from reader.library import Library
from reader.model import Source
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.dialogs import HelpScreen
from reader.ui.footer import ReaderFooter
from reader.ui.reading_pane import ReadingPane
from reader.ui.sources import SourcesScreen, SourcesTitle
from tests.conftest import BELTA, SEEDS, SPUTNIK
from tests.ui.test_feeds_ui import rss
from tests.ui.test_live import wait_for


async def settle(app: ReaderApp) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()


def notice(app: ReaderApp) -> str:
    widget = app.screen.query_one(ReadingPane).query_one("#notice")
    return str(widget.render()) if widget.display else ""


async def test_the_pane_shows_the_current_bookmark_and_note(data_dir: Path) -> None:
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        await pilot.press("b", "a")
        await pilot.pause()
        await pilot.press(*"перечитать", "enter")
        assert await wait_for(pilot, lambda: "✎ перечитать" in notice(app))
        await pilot.press("b")  # the bookmark goes, and its note with it
        assert await wait_for(pilot, lambda: not app.library.is_bookmarked(BELTA))
        await pilot.pause()
        assert "перечитать" not in notice(app) and "★" not in notice(app)
        await pilot.press("b")  # bookmarked again, with no note
        assert await wait_for(pilot, lambda: app.library.is_bookmarked(BELTA))
        await pilot.pause()
        assert "★" in notice(app) and "перечитать" not in notice(app)


async def test_the_open_article_shows_its_new_text(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(SEEDS, folder)
    app = ReaderApp(Library([folder], data_dir).open())
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None and pane.article.id == BELTA
        pane.focus()
        await pilot.press("space")
        await pilot.pause()
        place = pane.scroll_y
        assert place > 0
        path = Path(pane.article.path)
        path.write_text(path.read_text(encoding="utf-8") + "\nДобавленный абзац о Самарканде.\n", encoding="utf-8")
        await pilot.press("r")
        assert await wait_for(pilot, lambda: "Добавленный абзац" in pane.shown.plain)
        assert pane.article is not None and "Добавленный абзац" in pane.article.body
        await pilot.pause()
        assert pane.scroll_y == place, "the reader stays where they were"


def messages(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_mark_all_read_counts_only_what_it_changed(data_dir: Path) -> None:
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")  # the first is read now
        await settle(app)
        app.library.flush()
        await pilot.press("A")
        assert await wait_for(pilot, lambda: any("read" in m for m in messages(app)))
        assert "Marked 1 article read" in messages(app), messages(app)
        await pilot.press("A")
        assert await wait_for(pilot, lambda: any("read already" in m for m in messages(app))), messages(app)


async def test_next_unread_says_when_there_is_none(data_dir: Path) -> None:
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        app.library.flush()
        articles = app.screen.query_one(ArticleList)
        await pilot.press("right_square_bracket")  # the second is unread
        assert articles.cursor == 1
        await pilot.press("enter")
        await settle(app)
        app.library.flush()
        await pilot.press("g", "right_square_bracket")
        await pilot.pause()
        assert articles.cursor == 0
        assert any("No unread article after this one" in m for m in messages(app)), messages(app)


async def test_help_scrolls_with_the_movement_keys(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\n"list.down" = "n"\n', encoding="utf-8")  # READER_CONFIG
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help = app.screen.query_one("#help")
        assert help.max_scroll_y > 2
        await pilot.press("j", "j")
        await pilot.pause()
        assert help.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert help.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert help.scroll_y == help.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert help.scroll_y == 0
        await pilot.press("n")  # the user's key for list.down
        await pilot.pause()
        assert help.scroll_y == 1


async def test_clearing_the_filter_keeps_the_selected_article(data_dir: Path) -> None:
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        sputnik = app.library.row_of(SPUTNIK)
        assert sputnik is not None and list(articles.rowids).index(sputnik.rowid) == 1
        for leave in (("enter", "escape"), ("escape",)):  # from the list, and from the search box itself
            await pilot.press("slash", *"Атамкулов")
            assert await wait_for(pilot, lambda: list(articles.rowids) == [sputnik.rowid])
            await pilot.press(*leave)
            assert await wait_for(pilot, lambda: len(articles.rowids) == 2)
            await settle(app)
            assert articles.current == sputnik.rowid and articles.cursor == 1


def footer_keys(app: ReaderApp) -> list[FooterKey]:
    return list(app.screen.query_one(ReaderFooter).query(FooterKey))


async def test_a_remapped_bookmark_key_keeps_its_hint(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nbookmark = "m"\n', encoding="utf-8")  # READER_CONFIG
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app)
        await pilot.pause(0.2)
        hints = [(k.key_display, k.description) for k in footer_keys(app)]
        assert ("m", "Bookmark") in hints and ("b", "Bookmark") not in hints, hints
        assert hints.index(("m", "Bookmark")) == 2, "in its place, after ⏎ Open and / Search"


async def test_hints_title_and_placeholder_fit_without_a_cut(data_dir: Path) -> None:
    for size in ((80, 24), (130, 32), (200, 50)):
        app = ReaderApp(Library([SEEDS], data_dir).open())
        async with app.run_test(size=size) as pilot:
            await settle(app)
            for keys in ((), ("enter",)):
                await pilot.press(*keys)
                await settle(app)
                await pilot.pause(0.2)
                keys_shown = footer_keys(app)
                palette = next(k for k in keys_shown if k.has_class("-command-palette"))
                assert ("?", "Help") in [(k.key_display, k.description) for k in keys_shown]
                for key in keys_shown:
                    if key is not palette:
                        assert key.region.right <= palette.region.x, (size, key.description)
                        assert key.region.width == cell_len(str(key.render())), (size, key.description)
                search = app.screen.query_one("#search", Input)
                if search.content_size.width:  # not hidden by the reading pane
                    assert cell_len(search.placeholder) <= search.content_size.width, size
                    assert search.placeholder.count('"') % 2 == 0, "never cut inside a quote"
            await pilot.press("escape", "s")
            assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))  # noqa: B023 - awaited here; counted off the UI thread
            await pilot.pause(0.2)
            title = app.screen.query_one(SourcesTitle)
            assert cell_len(str(title.render())) <= title.content_size.width, size


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
    app = ReaderApp(Library(data_dir=data_dir).open())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))
        await pilot.pause(0.2)
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
    app = ReaderApp(Library([SEEDS], data_dir).open())
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(app)
        app.push_screen(SourcesScreen(sources))
        await pilot.pause(0.2)
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
    app = ReaderApp(Library(data_dir=data_dir).open())
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))
        await pilot.pause(0.2)
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
