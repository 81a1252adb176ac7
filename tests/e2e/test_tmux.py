"""The installed ``reader`` command in a real terminal (tmux), as a person
would run it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

READER = Path(sys.executable).with_name("reader")


# The test process may carry COLUMNS and LINES (pytest sets them); a shell
# in tmux that inherited them would make every program think it is 80x24.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True, timeout=30, env=CLEAN_ENV).stdout


def screen_until(session: str, needle: str, seconds: float = 60, gone: bool = False) -> str:
    """The screen once ``needle`` is on it (or, with ``gone``, off it)."""
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline:
        text = tmux("capture-pane", "-p", "-t", session)
        if (needle in text) != gone:
            return text
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} never {'left' if gone else 'showed'}; the screen was:\n{text}")


@pytest.fixture
def session(data_dir: Path, tmp_path: Path) -> Iterator[str]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end test (README: make, Python and tmux)")
    assert READER.exists(), f"the installed command is missing: {READER}"
    name = f"reader-{uuid.uuid4().hex[:8]}"
    command = (
        f"env -u COLUMNS -u LINES READER_DATA_DIR={data_dir} READER_CONFIG={tmp_path / 'none.toml'} {READER}; echo EXITED-$?; sleep 60"
    )
    tmux("new-session", "-d", "-s", name, "-x", "150", "-y", "40", command)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30)


def test_open_an_article_in_a_real_terminal(session: str) -> None:
    screen = screen_until(session, "Арипов назвал ключевые направления")
    assert "Казахстан и Узбекистан реализуют" in screen
    tmux("send-keys", "-t", session, "Enter")
    screen = screen_until(session, "Премьер-министр")
    assert "2025-09-29 · БЕЛТА" in screen
    screen = screen_until(session, "Абдулла Арипов  ")  # the sidebar, once entities are in
    assert re.search(r"Абдулла Арипов +3", screen)
    tmux("send-keys", "-t", session, "?")
    screen_until(session, "remap by id")
    tmux("send-keys", "-t", session, "Escape")
    screen_until(session, "remap by id", gone=True)
    tmux("send-keys", "-t", session, "q")
    screen_until(session, "EXITED-0")


def test_walk_the_hostile_corpus(tmp_path: Path, data_dir: Path) -> None:
    from tests import hostile

    folder = tmp_path / "hostile"
    counts = hostile.build(folder)
    name = f"reader-{uuid.uuid4().hex[:8]}"
    command = f"env -u COLUMNS -u LINES READER_DATA_DIR={data_dir} READER_CONFIG={tmp_path / 'none.toml'} {READER} {folder}; echo EXITED-$?; sleep 60"
    tmux("new-session", "-d", "-s", name, "-x", "150", "-y", "40", command)
    try:
        screen_until(name, f"{counts['loadable']} articles")
        seen_markup = False
        for _ in range(counts["loadable"]):
            tmux("send-keys", "-t", name, "Enter")
            time.sleep(0.4)
            screen = tmux("capture-pane", "-p", "-t", name)
            assert "reader" in screen.splitlines()[0], screen  # the header: the screen was not cleared
            assert "Quit" in screen.splitlines()[-1], screen  # the footer: the app still runs
            assert "\x1b" not in screen
            seen_markup = seen_markup or hostile.MARKUP_TITLE in screen
            tmux("send-keys", "-t", name, "j")
        assert seen_markup
        tmux("send-keys", "-t", name, "q")
        screen_until(name, "EXITED-0")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30, env=CLEAN_ENV)


def test_formatted_feed_article_at_80x24(tmp_path: Path, data_dir: Path) -> None:
    """The smallest common terminal: the reading pane takes the width, Markdown is formatted."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for path in (Path(__file__).parent.parent / "data" / "formatted").glob("*.md"):
        shutil.copy(path, folder / path.name)
    name = f"reader-{uuid.uuid4().hex[:8]}"
    command = f"env -u COLUMNS -u LINES READER_DATA_DIR={data_dir} READER_CONFIG={tmp_path / 'none.toml'} {READER} {folder}; echo EXITED-$?; sleep 60"
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
    try:
        screen = screen_until(name, "1 article")
        assert "Казахстан и Узбекистан договорились" in screen and "…" in screen  # the long title, cut with the mark
        tmux("send-keys", "-t", name, "Enter")
        screen = screen_until(name, "Главное")
        assert "##" not in screen and "**" not in screen and "](" not in screen
        assert "• машиностроение — 21 проект;" in screen
        body = [line for line in screen.splitlines() if "Министр торговли" in line]
        assert body and len(body[0].rstrip()) >= 62, screen  # at least 60 columns of text
        tmux("send-keys", "-t", name, "e")
        screen = screen_until(name, "People")
        tmux("send-keys", "-t", name, "Escape")  # one at a time: ESC ESC together reads as alt+escape
        screen_until(name, "People", gone=True)
        tmux("send-keys", "-t", name, "Escape")
        screen_until(name, "Министр торговли", gone=True)  # back to the list
        screen_until(name, "1 article")
        tmux("send-keys", "-t", name, "q")
        screen_until(name, "EXITED-0")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=30, env=CLEAN_ENV)
