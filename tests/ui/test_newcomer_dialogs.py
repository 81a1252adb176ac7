"""Dialogs as a newcomer met them (issue 25, second round): on the entity
page a name met on one day says «on D», not «D to D», a page with no
figures says so under its empty table's heading, a long source is cut with
an ellipsis; the sources picker moves with j and k."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList, Static

from reader.library import Library
from reader.model import Source
from reader.ui.entity_page import EntityPageScreen
from reader.ui.sources import SourcesScreen
from tests.conftest import SEEDS
from tests.ui.conftest import make_app, settle, wait_for

ARTICLE = """---
id: {id}
title: {title}
date: 2025-09-26
source: Новости Центральной Азии
---
Посол Бейбут Атамкулов встретился с коллегами в Ташкенте. Бейбут Атамкулов говорил о школах и о дорогах.
"""


async def test_a_name_met_on_one_day_without_figures(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for n, title in enumerate(("Посол встретился с коллегами", "Посол говорил о школах")):
        (folder / f"{n}.md").write_text(ARTICLE.format(id=f"00000000000000b{n}", title=title), encoding="utf-8")
    with Library([folder], data_dir) as library:
        library.refresh()
        library.extract_pending()
    app = make_app(data_dir, folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        page = EntityPageScreen(app.library, "Бейбут Атамкулов", "PER")
        await app.push_screen(page)
        await settle(app)
        while page.page is None:
            await pilot.pause()
        await pilot.pause()
        assert str(page.query_one("#page-summary", Static).render()) == "2 articles, on 2025-09-26"
        figures = page.query_one("#page-figures", DataTable)
        assert figures.row_count == 0 and figures.border_title == "Figures said with it: none"
        listed = page.query_one("#page-articles", OptionList)
        assert listed.option_count == 2
        shown = str(listed.get_option_at_index(0).prompt)  # a OneLine: its plain text
        assert "Новости Центральн…" in shown


async def test_j_and_k_move_in_the_sources_picker_as_in_every_other_list(data_dir: Path) -> None:
    """j moved the article list, the help, the sidebar, but not the picker:
    j j j enter chose «Every source» and narrowed nothing."""
    sources = [
        Source("folder", "seeds", str(SEEDS), 2, 2),
        Source("feed", "Лента", "http://example.org/feed", 3, 1, None, ("News",)),
    ]
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app)
        chosen: list[object] = []
        app.push_screen(SourcesScreen(sources), chosen.append)
        assert await wait_for(
            pilot, lambda: isinstance(app.screen, SourcesScreen) and any(o.option_count for o in app.screen.query(OptionList))
        )
        await pilot.pause()
        listed = app.screen.query_one(OptionList)
        assert listed.highlighted == 0
        await pilot.press("G")
        assert str(listed.get_option_at_index(listed.highlighted or 0).prompt).strip().startswith("Лента")
        await pilot.press("k")
        assert str(listed.get_option_at_index(listed.highlighted or 0).prompt).strip().startswith("seeds")
        await pilot.press("j")
        assert str(listed.get_option_at_index(listed.highlighted or 0).prompt).strip().startswith("Лента")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: chosen == ["Лента"])
