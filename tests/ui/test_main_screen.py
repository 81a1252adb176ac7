"""The main screen's actions: bookmarks and notes shown, read state, next unread, the filter, help."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.dialogs import HelpScreen
from reader.ui.reading_pane import ReadingPane
from tests.conftest import BELTA, SEEDS, SPUTNIK
from tests.ui.conftest import make_app, settle, wait_for


def notice(app: ReaderApp) -> str:
    widget = app.screen.query_one(ReadingPane).query_one("#notice")
    return str(widget.render()) if widget.display else ""


async def test_the_pane_shows_the_current_bookmark_and_note(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
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
    app = make_app(data_dir, folder)
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


async def test_mark_all_read_counts_only_what_it_changed(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")  # the first is read now
        await settle(app)
        app.library.flush()
        await pilot.press("A")
        assert await wait_for(pilot, lambda: any("read" in m for m in app.said))
        assert "Marked 1 article read" in app.said, app.said
        await pilot.press("A")
        assert await wait_for(pilot, lambda: any("read already" in m for m in app.said)), app.said


async def test_next_unread_says_when_there_is_none(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
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
        assert any("No unread article after this one" in m for m in app.said), app.said


async def test_help_scrolls_with_the_movement_keys(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\n"list.down" = "n"\n', encoding="utf-8")  # READER_CONFIG
    app = make_app(data_dir, SEEDS)
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
    app = make_app(data_dir, SEEDS)
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
