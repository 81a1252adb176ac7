"""SVG snapshots of the key screens (update with --snapshot-update)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from reader.library import Library
from reader.ui.app import ReaderApp
from tests.conftest import SEEDS


def settled(library: Library) -> ReaderApp:
    """The app on a library already indexed with its entities extracted, so
    that what the screen shows does not depend on how fast the background
    work runs on a busy machine."""
    library.open()
    library.refresh()
    library.extract_pending()
    library.flush()
    return ReaderApp(library)


def make_app(data_dir: Path) -> ReaderApp:
    return settled(Library([SEEDS], data_dir))


async def quiet(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.app.workers.wait_for_complete()
    pilot.app.screen.query_one("#search", Input).cursor_blink = False


def test_start_screen(snap_compare: Any, data_dir: Path) -> None:
    assert snap_compare(make_app(data_dir), terminal_size=(130, 32), run_before=quiet)


def test_article_with_entities(snap_compare: Any, data_dir: Path) -> None:
    async def open_article(pilot: Pilot[Any]) -> None:
        await quiet(pilot)
        await pilot.press("j", "enter")
        await quiet(pilot)

    assert snap_compare(make_app(data_dir), terminal_size=(130, 32), run_before=open_article)


def test_help_screen(snap_compare: Any, data_dir: Path) -> None:
    async def help_open(pilot: Pilot[Any]) -> None:
        await quiet(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(data_dir), terminal_size=(130, 40), run_before=help_open)


# Issue 10: a feed article with Markdown formatting and highlights at the
# three terminal sizes people have.


def formatted_app(data_dir: Path, tmp_path: Path) -> ReaderApp:
    folder = tmp_path / "lib"
    folder.mkdir()
    for path in [*SEEDS.glob("*.md"), *(Path(__file__).parent.parent / "data" / "formatted").glob("*.md")]:
        shutil.copy(path, folder / path.name)
    return settled(Library([folder], data_dir))


async def open_first(pilot: Pilot[Any]) -> None:
    await quiet(pilot)
    await pilot.press("enter")
    await quiet(pilot)
    await pilot.pause()


def test_formatted_article_80x24(snap_compare: Any, data_dir: Path, tmp_path: Path) -> None:
    assert snap_compare(formatted_app(data_dir, tmp_path), terminal_size=(80, 24), run_before=open_first)


def test_formatted_article_80x24_sidebar(snap_compare: Any, data_dir: Path, tmp_path: Path) -> None:
    async def sidebar(pilot: Pilot[Any]) -> None:
        await open_first(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(formatted_app(data_dir, tmp_path), terminal_size=(80, 24), run_before=sidebar)


def test_formatted_article_120x40(snap_compare: Any, data_dir: Path, tmp_path: Path) -> None:
    assert snap_compare(formatted_app(data_dir, tmp_path), terminal_size=(120, 40), run_before=open_first)


def test_formatted_article_200x50(snap_compare: Any, data_dir: Path, tmp_path: Path) -> None:
    assert snap_compare(formatted_app(data_dir, tmp_path), terminal_size=(200, 50), run_before=open_first)
