"""Stories in the app: one row a story with +N, x unfolds it, the reading
pane names the other sources and > < step through them, and opening one
article marks its story read (unless story_read = "article"); the sources
picker counts stories and A marks them read whole (articles, and each
article alone, with story_read = "article")."""

from __future__ import annotations

import shutil
from array import array
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.reading_pane import ReadingPane
from reader.ui.sources import SourcesScreen, SourcesTitle
from tests.conftest import TESTS
from tests.ui.conftest import make_app, settle, wait_for

STORIES = TESTS / "data" / "stories"
BELTA = "000_ea7f2758d4bd9c4b"


def stories_app(tmp_path: Path, data_dir: Path, as_source: bool = False) -> ReaderApp:
    """The app on a copy of the stories' fixture (``as_source``: added to the sources, as the picker lists them)."""
    folder = tmp_path / "lib"
    shutil.copytree(STORIES, folder)
    with Library(None if as_source else [folder], data_dir) as library:
        if as_source:
            library.add_source(folder)
        library.refresh()
    return make_app(data_dir) if as_source else make_app(data_dir, folder)


def listed(app: ReaderApp) -> list[str]:
    articles = app.screen.query_one(ArticleList)
    rows = app.library.rows(list(articles.rowids))
    return [rows[r].id for r in articles.rowids]


async def test_one_row_a_story_unfolds_and_folds(tmp_path: Path, data_dir: Path) -> None:
    app = stories_app(tmp_path, data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        assert listed(app) == ["sputnik-late", "sputnik-original", f"{BELTA}-cut"]  # 8 articles, 3 stories
        articles = app.screen.query_one(ArticleList)
        articles.focus()
        await pilot.press("G", "x")
        unfolded = [f"{BELTA}-{kind}" for kind in ("cut", "edited", "original", "repost", "brief")]
        assert await wait_for(pilot, lambda: listed(app)[2:] == unfolded and articles.cursor == 2), (listed(app), articles.cursor)
        lines = [articles.render_line(y).text for y in range(4, 8)]
        assert "+4 · 5 src" in lines[0] and "↳" in lines[2]  # the story row, then its articles indented
        folded = array("q", [r for r in articles.rowids if r not in articles.nested])
        articles.set_rowids(folded, keep=articles.current)  # the list shown again (another process changed the index)
        assert listed(app)[2:] == unfolded and articles.cursor == 2, "an unfolded story stays unfolded"
        await pilot.press("j", "x")  # on one of its articles: the story folds again
        assert listed(app) == ["sputnik-late", "sputnik-original", f"{BELTA}-cut"]
        assert articles.cursor == 2


async def test_reading_one_article_marks_its_story_and_steps_through_it(tmp_path: Path, data_dir: Path) -> None:
    app = stories_app(tmp_path, data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        app.screen.query_one(ArticleList).focus()
        await pilot.press("G", "enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None and pane.article.id == f"{BELTA}-cut"
        notice = str(pane.query_one("#notice").render())
        assert "Also reported by portal, agency0 (+2)" in notice
        app.library.flush()
        assert all(app.library.state.is_read(f"{BELTA}-{kind}") for kind in ("cut", "edited", "original", "repost", "brief"))
        assert not app.library.state.is_read("sputnik-original")
        await pilot.press(">")
        await settle(app)
        assert pane.article is not None and pane.article.id == f"{BELTA}-edited"
        await pilot.press("<", "<")
        await settle(app)
        assert pane.article is not None and pane.article.id == f"{BELTA}-brief"  # round the end


async def test_story_read_article_marks_the_article_alone(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "config.toml").write_text('story_read = "article"\n', encoding="utf-8")
    app = stories_app(tmp_path, data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        app.screen.query_one(ArticleList).focus()
        await pilot.press("G", "enter")
        await settle(app)
        app.library.flush()
        assert app.library.state.is_read(f"{BELTA}-cut")
        assert not app.library.state.is_read(f"{BELTA}-original")


async def picker_counts(app: ReaderApp, pilot: Pilot[None]) -> tuple[str, str]:
    """The sources picker's title and the folder's «unread/total», then closed again."""
    await pilot.press("s")
    assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))
    await pilot.pause()
    listed = app.screen.query_one(OptionList)
    prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
    row = next((p for p in prompts if p.startswith("  lib")), "")
    assert row, prompts
    title = str(app.screen.query_one(SourcesTitle).render())
    await pilot.press("escape")
    return title, row.split()[-1]


async def test_the_sources_picker_counts_stories_and_a_marks_them_read_whole(tmp_path: Path, data_dir: Path) -> None:
    app = stories_app(tmp_path, data_dir, as_source=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        title, counts = await picker_counts(app, pilot)
        assert "unread/stories" in title and counts == "3/3"  # 8 articles, 3 stories
        app.screen.query_one(ArticleList).focus()
        await pilot.press("G", "enter")  # the Belta story, read whole
        await settle(app)
        app.library.flush()
        assert (await picker_counts(app, pilot))[1] == "2/3"
        await pilot.press("A")  # every story in the list, with the articles folded under its row
        await settle(app)
        app.library.flush()
        assert all(app.library.state.is_read(i) for i in ("sputnik-repost", "sputnik-original", "sputnik-late"))
        assert (await picker_counts(app, pilot))[1] == "0/3"


async def test_story_read_article_counts_and_marks_articles(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "config.toml").write_text('story_read = "article"\n', encoding="utf-8")
    app = stories_app(tmp_path, data_dir, as_source=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        title, counts = await picker_counts(app, pilot)
        assert "unread/articles" in title and counts == "8/8"
        app.screen.query_one(ArticleList).focus()
        await pilot.press("A")  # the three rows shown, not what is folded under them
        await settle(app)
        app.library.flush()
        assert [app.library.state.is_read(i) for i in ("sputnik-late", "sputnik-original", f"{BELTA}-cut")] == [True] * 3
        assert not app.library.state.is_read("sputnik-repost") and not app.library.state.is_read(f"{BELTA}-original")
        assert (await picker_counts(app, pilot))[1] == "5/8"
        await pilot.press("g", "j", "x", "]")  # unfolded: the next unread is the story's next article, opened and read alone
        await settle(app)
        app.library.flush()
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None and pane.article.id == "sputnik-repost"
        assert app.library.state.is_read("sputnik-repost") and not app.library.state.is_read(f"{BELTA}-original")
        assert (await picker_counts(app, pilot))[1] == "4/8"


async def test_the_cursor_follows_an_article_folded_into_its_story(tmp_path: Path, data_dir: Path) -> None:
    """One row an article (the first paint), the cursor on an article that
    the folded list shows only as part of its story: it lands on the story's
    row, not at the top."""
    app = stories_app(tmp_path, data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        folded = array("q", articles.rowids)
        everything = app.library.all_rowids()
        rows = app.library.rows(list(everything))
        edited = next(r for r in everything if rows[r].id == f"{BELTA}-edited")
        articles.set_rowids(everything)
        articles.cursor = list(everything).index(edited)
        articles.set_rowids(folded, keep=articles.current)
        assert listed(app)[articles.cursor] == f"{BELTA}-cut"
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.query_one(ReadingPane).article is not None)
