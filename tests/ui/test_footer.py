"""The footer's key hints: the keys the keymap gives, fitted to the width."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from reader.ui.app import ReaderApp
from reader.ui.footer import ReaderFooter
from reader.ui.sources import SourcesScreen, SourcesTitle
from tests.conftest import SEEDS
from tests.ui.conftest import make_app, settle, wait_for


def footer_keys(app: ReaderApp) -> list[FooterKey]:
    return list(app.screen.query_one(ReaderFooter).query(FooterKey))


async def test_a_remapped_bookmark_key_keeps_its_hint(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nbookmark = "m"\n', encoding="utf-8")  # READER_CONFIG
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app)
        assert await wait_for(pilot, lambda: ("m", "Bookmark") in [(k.key_display, k.description) for k in footer_keys(app)])
        hints = [(k.key_display, k.description) for k in footer_keys(app)]
        assert ("m", "Bookmark") in hints and ("b", "Bookmark") not in hints, hints
        assert hints.index(("m", "Bookmark")) == 2, "in its place, after ⏎ Open and / Search"


async def test_hints_title_and_placeholder_fit_without_a_cut(data_dir: Path) -> None:
    for size in ((80, 24), (130, 32), (200, 50)):
        app = make_app(data_dir, SEEDS)
        async with app.run_test(size=size) as pilot:
            await settle(app)
            for keys in ((), ("enter",)):
                await pilot.press(*keys)
                await settle(app)
                await pilot.pause()  # the footer is laid out again for the focused pane
                assert await wait_for(pilot, lambda app=app: any(k.has_class("-command-palette") for k in footer_keys(app)))
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
            assert await wait_for(pilot, lambda app=app: isinstance(app.screen, SourcesScreen))
            await pilot.pause()
            title = app.screen.query_one(SourcesTitle)
            assert cell_len(str(title.render())) <= title.content_size.width, size
