"""The list follows the sources while the app runs: files dropped in, r, a crash logged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.ui.article_list import ArticleList
from tests.conftest import SEEDS
from tests.ui.conftest import make_app, wait_for

NEW = "---\nid: dropped\ntitle: {title}\ndate: 2025-10-01\nsource: Тест\n---\nТашкент.\n"


async def test_a_dropped_file_appears_without_a_key(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(SEEDS, folder)
    app = make_app(data_dir, folder)
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == 2)
        (folder / "dropped.md").write_text(NEW.format(title="Новая статья"), encoding="utf-8")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 3)
        (folder / "dropped.md").unlink()
        assert await wait_for(pilot, lambda: len(articles.rowids) == 2)


async def test_r_refreshes_at_once(tmp_path: Path, data_dir: Path) -> None:
    single = tmp_path / "one.md"  # a single file is not watched: only `r` reads it again
    single.write_text(NEW.format(title="Первый заголовок"), encoding="utf-8")
    app = make_app(data_dir, single)
    async with app.run_test(size=(140, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)

        def title() -> str:
            rows = app.library.rows(list(articles.rowids))
            return next(iter(rows.values())).title if rows else ""

        assert await wait_for(pilot, lambda: title() == "Первый заголовок")
        single.write_text(NEW.format(title="Второй заголовок"), encoding="utf-8")
        await pilot.press("r")
        assert await wait_for(pilot, lambda: title() == "Второй заголовок")


async def test_a_crash_is_logged_in_the_data_dir(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    assert app.return_code == 1
    log = (data_dir / "reader.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log and "Traceback" in log
