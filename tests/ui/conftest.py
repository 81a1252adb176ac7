"""What the UI tests share: the app on a library, waiting for its work, and what it told the user."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.notifications import SeverityLevel
from textual.pilot import Pilot

from reader.library import Library
from reader.ui.app import ReaderApp

ITEM = (
    "<item><guid>{n}</guid><title>Новость {n}</title><link>http://example.org/{n}</link>"
    "<pubDate>Mon, 0{n} Sep 2025 10:00:00 GMT</pubDate><description>Ташкент {n}.</description></item>"
)


@dataclass(frozen=True)
class Told:
    """A notification, as the app was asked to show it."""

    title: str
    message: str
    markup: bool


class ReaderUnderTest(ReaderApp):
    """The app, keeping every notification it showed: ``said`` their
    messages, ``told`` them whole."""

    def __init__(self, library: Library) -> None:
        super().__init__(library)
        self.said: list[str] = []
        self.told: list[Told] = []

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True
    ) -> None:
        self.said.append(message)
        self.told.append(Told(title, message, markup))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def make_app(data_dir: Path, *paths: Path) -> ReaderUnderTest:
    """The app on ``paths``, or on the sources configured in ``data_dir`` when none are given."""
    return ReaderUnderTest(Library(list(paths) if paths else None, data_dir).open())


async def settle(app: ReaderApp) -> None:
    """Until the workers started by what was done, the messages they posted to
    the main screen, and the workers those started in turn, are done."""
    for _ in range(3):
        # A search cancelled by the one after it ends as cancelled: done too.
        await asyncio.gather(*(worker.wait() for worker in list(app.workers)), return_exceptions=True)
        handled = asyncio.Event()
        app.main.call_later(handled.set)  # after every message already in its queue (one queue, in order)
        await handled.wait()


async def wait_for(pilot: Pilot[None], check: Callable[[], object], tries: int = 300) -> bool:
    """Let the app run until ``check()`` holds (a watcher, a worker process or a
    poll may be what makes it true); False if it never does."""
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(0.1)
    return bool(check())


def rss(*numbers: int) -> str:
    """A feed of the items ``numbers``."""
    items = "".join(ITEM.format(n=n) for n in numbers)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title>{items}</channel></rss>'
