"""The app's start: what its first paint does not need is left for later
(modules imported when first used, garbage collection turned on after the
paint), and the app still starts and shows its list."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library import Library
from reader.ui.article_list import ArticleList
from tests.conftest import SEEDS
from tests.ui.conftest import make_app, settle

ROOT = Path(__file__).resolve().parents[2]

# What the first paint does not need, with who imports it when it is needed.
LATER = (
    "yaml",  # python-frontmatter's, the first article file read
    "frontmatter",
    "reader.fulltext",  # the HTTP client: a full text fetched, an old data dir's full texts moved in
    "urllib.request",
    "multiprocessing",  # a refresh's reading workers
    "reader.text.figures",  # extraction, a figure shown
    "reader.text.en",
    "reader.text.entities",
    "rich.progress",  # a command's progress bar
    "tomllib",  # a config file read (the app without one)
    "reader.ui.dialogs",  # the dialogs, the picker, the pages: when first shown
    "reader.ui.entity_page",
    "reader.ui.trends",
    "reader.ui.sources",
)

START = """
import sys
from pathlib import Path
import reader.cli, reader.ui.app
from reader import config
from reader.library import Library
config.load(Path(sys.argv[2]) / "no-config.toml", set())
with Library([Path(sys.argv[1])], Path(sys.argv[2])) as library:  # what the first paint asks
    library.view_names()
    library.rows(library.newest(200) or [])
print(" ".join(name for name in sys.argv[3:] if name in sys.modules))
"""


def test_the_start_imports_none_of_what_the_first_paint_does_not_need(library: Library) -> None:
    result = subprocess.run(
        [sys.executable, "-c", START, str(SEEDS), str(library.data_dir), *LATER],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.stdout.split() == []


async def test_garbage_collection_is_on_again_once_the_list_shows(data_dir: Path) -> None:
    gc.disable()  # as `reader` starts (reader/__main__.py)
    try:
        app = make_app(data_dir, SEEDS)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app)
            await pilot.pause()
            assert len(app.screen.query_one(ArticleList).rowids) == 2
            assert gc.isenabled()
    finally:
        gc.enable()


def test_a_command_runs_with_garbage_collection_on(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.__main__ import main

    monkeypatch.setattr(sys, "argv", ["reader", "--library", str(SEEDS), "list", "--json"])
    try:
        assert main() == 0
        assert gc.isenabled(), "turned off while starting, on again before the command's work"
    finally:
        gc.enable()
    assert '"title"' in capsys.readouterr().out
