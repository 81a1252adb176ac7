"""The app opening a data dir of an older version (a file an item) says in one line that it moved the items into items.db, and lists them."""

from __future__ import annotations

from pathlib import Path

from reader.ui.article_list import ArticleList
from tests.ui.conftest import make_app, settle, wait_for
from tests.unit.test_items_migration import old_data_dir


async def test_the_app_says_it_moved_an_old_data_dir_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ids = old_data_dir(data, ["http://127.0.0.1:9/feed0.xml", "http://127.0.0.1:9/feed1.xml"], 3)
    app = make_app(data)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        assert app.said[0] == f"{data}: moved 6 fetched items and 1 full text from files into items.db"
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == len(ids))
        await pilot.press("q")
