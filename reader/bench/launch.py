"""Launch as a person sees it: the installed command started in tmux, until its list shows, beside a bare Textual app."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("bare app ready")
Bare().run()
"""


def _shown(session: str, text: str, started: float, timeout: float = 60) -> float:
    """Seconds from ``started`` until ``text`` is on the screen of ``session`` (polled every 5 ms)."""
    while time.perf_counter() - started < timeout:
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False).stdout
        if text in screen:
            return time.perf_counter() - started
        time.sleep(0.005)
    raise RuntimeError(f"{text!r} never showed")


def _once(command: list[str], text: str) -> float:
    session = f"reader-launch-{time.monotonic_ns()}"
    started = time.perf_counter()
    subprocess.run(["tmux", "new", "-d", "-s", session, "-x", "120", "-y", "40", *command], check=True)
    try:
        return _shown(session, text, started)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
        time.sleep(0.3)


def measure(data_dir: Path, repeat: int) -> dict[str, float | int]:
    """Medians of ``repeat`` launches of each, alternated: the bare app
    until it shows its one line, the reader on ``data_dir`` until its
    newest article's title shows."""
    from reader.library import Library

    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed for this measurement")
    with Library(None, data_dir) as library:
        newest = library.newest(1) or library.all_rowids()[:1]
        articles = library.count()
        title = library.rows(newest)[newest[0]].title[:14]
    reader = str(Path(sys.executable).with_name("reader"))
    bare, ours = [], []
    for _ in range(repeat):
        bare.append(_once([sys.executable, "-c", BARE], "bare app ready"))
        ours.append(_once(["env", "-u", "COLUMNS", "-u", "LINES", reader, "--data-dir", str(data_dir)], title))
    return {
        "articles": articles,
        "launch_bare_s": round(statistics.median(bare), 3),
        "launch_reader_s": round(statistics.median(ours), 3),
        "launch_vs_bare": round(statistics.median(ours) / statistics.median(bare), 2),
    }
