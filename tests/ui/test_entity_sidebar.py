"""The sidebar of articles in three languages: English entities, and a
language with no entity model says so and lists its figures."""

from __future__ import annotations

from pathlib import Path

from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.reading_pane import ReadingPane
from tests.conftest import TESTS
from tests.ui.conftest import make_app, settle

MIXED = TESTS / "data" / "mixed"


def lines(sidebar: EntitySidebar) -> list[str]:
    return [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]


async def test_sidebar_per_language(data_dir: Path) -> None:
    app = make_app(data_dir, MIXED)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        seen = {}
        for _ in range(3):
            await pilot.press("enter")
            await settle(app)
            pane = app.screen.query_one(ReadingPane)
            assert pane.article is not None and pane.extraction is not None
            seen[pane.article.lang] = lines(app.screen.query_one(EntitySidebar))
            app.screen.query_one("ArticleList").focus()
            await pilot.press("j")
        assert set(seen) == {"en", "de", "kk"}
        english = "\n".join(seen["en"])
        assert "Joe Biden" in english and "Asian Development Bank" in english and "no entity model" not in english
        assert "1 850 000 000 USD" in english  # the exact value, as the CLI shows it
        for code in ("de", "kk"):
            text = "\n".join(seen[code])
            assert f"no entity model for this article's language ({code})" in text
            assert not any(line.startswith("People") for line in seen[code]) and any(line.startswith("Figures") for line in seen[code])
        assert "5 %" in "\n".join(seen["de"])
