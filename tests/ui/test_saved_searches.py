"""Saved searches in the app: S saves the current search, the
sources picker lists it with its counts and opens it, a muted search hides
its rows, and a fetch's alert is notified."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import Checkbox, Input, OptionList

from reader.library import Library
from reader.ui.article_list import ArticleList
from reader.ui.dialogs import SaveSearchScreen
from reader.ui.sources import SourcesScreen
from reader.ui.status import StatusLine
from tests.conftest import BELTA, SEEDS, SPUTNIK
from tests.ui.conftest import make_app, wait_for


def prompts(listed: OptionList) -> list[str]:
    return [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]


async def test_save_a_search_then_open_it_from_the_sources(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == 2)
        await pilot.press("S")  # nothing typed: nothing to save
        assert not isinstance(app.screen, SaveSearchScreen)
        await pilot.press("slash", *"source:sputnik", "enter")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 1)
        await pilot.press("S")
        assert isinstance(app.screen, SaveSearchScreen)
        await pilot.press(*"Спутник", "enter")
        assert await wait_for(pilot, lambda: [(r.name, r.query) for r in app.library.saved_searches()] == [("Спутник", "source:sputnik")])
        assert not isinstance(app.screen, SaveSearchScreen)

        await pilot.press("escape")  # every article again
        assert await wait_for(pilot, lambda: len(articles.rowids) == 2)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen))
        listed = app.screen.query_one(OptionList)
        shown = prompts(listed)
        assert "Saved searches" in shown and any("Спутник" in p and "1/1" in p for p in shown)
        listed.highlighted = next(i for i, p in enumerate(shown) if "Спутник" in p)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.query_one("#search", Input).value == "source:sputnik")
        assert await wait_for(pilot, lambda: app.library.ids_of(articles.rowids) == [SPUTNIK])


async def test_a_search_saved_muted_hides_its_rows(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        assert await wait_for(pilot, lambda: len(articles.rowids) == 2)
        await pilot.press("slash", *"source:sputnik", "enter")
        assert await wait_for(pilot, lambda: len(articles.rowids) == 1)
        await pilot.press("S", *"Шум")
        mute = app.screen.query_one("#save-search-mute", Checkbox)
        mute.value = True
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: [r.mute for r in app.library.saved_searches()] == [True])
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: app.library.ids_of(articles.rowids) == [BELTA])
        assert "1 article" in app.screen.query_one(StatusLine).parts["count"]
        await pilot.press("slash", *"is:muted", "enter")
        assert await wait_for(pilot, lambda: app.library.ids_of(articles.rowids) == [SPUTNIK])


ITEM = "<item><guid>{n}</guid><title>{title}</title><link>http://example.org/{n}</link><pubDate>Mon, 0{n} Sep 2025 10:00:00 GMT</pubDate><description>{body}</description></item>"


async def test_a_fetch_alert_is_notified(httpserver: HTTPServer, data_dir: Path) -> None:
    items = [
        ITEM.format(n=1, title="[bold]Зерно[/bold] для Бишкека", body="Поставки зерна."),
        ITEM.format(n=2, title="Мост", body="Новый мост."),
    ]
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title>{"".join(items)}</channel></rss>'
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    with Library(data_dir=data_dir) as setup:
        setup.add_feed(httpserver.url_for("/feed.xml"))
        setup.save_search("Зерно", "зерно", alert=True).result()
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        assert await wait_for(pilot, lambda: any(n.title == "Зерно: 1 new" for n in app.told))
        [alert] = [n for n in app.told if n.title == "Зерно: 1 new"]
        assert alert.message == "• [bold]Зерно[/bold] для Бишкека" and not alert.markup
