"""The entity page (p on a sidebar entry) and the trends screen (T) in the
app, on real Russian news dated up to today (the trends screen counts from
the wall date)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList, Sparkline

from reader.library import Library
from reader.ui.entity_page import EntityPageScreen, daily
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.main_screen import MainScreen
from reader.ui.messages import ArticleOpened
from reader.ui.reading_pane import ReadingPane
from reader.ui.trends import TrendRow, TrendsScreen
from tests.conftest import TESTS
from tests.ui.conftest import make_app, settle

CORPUS = TESTS / "data" / "trends"
SHOWN_DAY = dt.date(2025, 11, 30)  # the corpus's last day, moved to today
OTHERS = ("book_156", "book_176", "book_253", "book_290", "book_302", "book_74", "book_99", "book_154")


@pytest.fixture
def today_news(tmp_path: Path, data_dir: Path) -> Path:
    """Her six articles and a few others, dated as if the corpus ended today, extracted."""
    folder = tmp_path / "news"
    folder.mkdir()
    shift = dt.date.today() - SHOWN_DAY
    for path in [*CORPUS.glob("nabiullina_*.md"), *(CORPUS / f"{name}.md" for name in OTHERS)]:
        text = path.read_text(encoding="utf-8")
        moved = re.sub(r"^date: (\S+)$", lambda m: f"date: {dt.date.fromisoformat(m.group(1)) + shift}", text, count=1, flags=re.M)
        (folder / path.name).write_text(moved, encoding="utf-8")
    with Library([folder], data_dir) as library:
        library.refresh()
        library.extract_pending()
    return folder


async def test_trends_then_her_page_then_an_article(today_news: Path, data_dir: Path) -> None:
    app = make_app(data_dir, today_news)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        await pilot.press("T")
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)
        rows = list(app.screen.query(TrendRow))
        names = [row.trend.name for row in rows]
        assert "Эльвира Набиуллина" in names[:5]
        her = rows[names.index("Эльвира Набиуллина")]
        assert her.query_one(Sparkline).data == [float(n) for n in her.trend.series]
        await pilot.press(*["down"] * names.index("Эльвира Набиуллина"), "enter")
        await settle(app)
        await pilot.pause()
        page = app.screen
        assert isinstance(page, EntityPageScreen) and page.page is not None
        assert page.page.name == "Эльвира Набиуллина" and len(page.page.rowids) == 6
        assert sum(page.query_one("#page-timeline", Sparkline).data or []) == 6
        assert page.query_one("#page-figures", DataTable).row_count == len(page.page.figures) > 0
        assert page.query_one("#page-articles", OptionList).option_count == 6
        await pilot.press("enter")  # the newest of her articles
        await settle(app)
        assert isinstance(app.screen, MainScreen)
        shown = app.screen.query_one(ReadingPane).article
        assert shown is not None and shown.id == app.library.ids_of([page.page.rowids[0]])[0]


async def test_p_on_a_sidebar_entry_opens_its_page_and_co_mentions_theirs(today_news: Path, data_dir: Path) -> None:
    app = make_app(data_dir, today_news)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        rowid = app.library.search('person:"Набиуллина"').rowids[0]
        app.screen.post_message(ArticleOpened(rowid))
        await settle(app)
        await pilot.press("tab", "tab")
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.has_focus
        while sidebar._chosen() is None or getattr(sidebar._chosen(), "normal", "") != "Эльвира Набиуллина":
            await pilot.press("down")
        await pilot.press("p")
        await settle(app)
        await pilot.pause()
        page = app.screen
        assert isinstance(page, EntityPageScreen) and page.page is not None and page.page.name == "Эльвира Набиуллина"
        await pilot.press("shift+tab", "shift+tab")  # back to the co-mentions
        met = page.query_one("#page-with", OptionList)
        assert met.has_focus and met.highlighted == 0
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        other = app.screen
        assert isinstance(other, EntityPageScreen) and other.page is not None
        assert other.page.name == page.page.co_mentions[0].name
        await pilot.press("escape")
        assert app.screen is page
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


def test_a_short_timeline_is_drawn_against_quiet_days() -> None:
    first, series = daily((("2025-11-29", 3), ("2025-11-30", 2)), days=5)
    assert (first, series) == ("2025-11-26", [0.0, 0.0, 0.0, 3.0, 2.0])
    assert daily(()) == ("", [])
