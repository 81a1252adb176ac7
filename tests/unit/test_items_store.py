"""items.db under a real fetch: a fetch killed with SIGKILL three times, then
a full fetch, leaves every item once and every database whole; a fresh fetch
leaves a handful of files in the data dir and every item searchable when it
returns."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.library import Library

FEEDS = 24
ITEMS = 40
ROOT = Path(__file__).resolve().parents[2]


def rss(feed: int) -> str:
    items = "".join(
        f"<item><guid>{feed}-{n}</guid><title>Лента {feed}, новость {n}</title><link>http://example.org/{feed}/{n}</link>"
        f"<pubDate>Mon, 0{1 + n % 9} Jun 2025 10:00:00 GMT</pubDate>"
        f"<description>{' '.join(f'Ташкент и Алматы подписали соглашение номер {feed}{n}{k}.' for k in range(40))}</description></item>"
        for n in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента {feed}</title>{items}</channel></rss>'


def served(httpserver: HTTPServer, data: Path) -> None:
    with Library(data_dir=data) as library:
        for feed in range(FEEDS):
            httpserver.expect_request(f"/feed{feed}.xml").respond_with_data(rss(feed), content_type="application/rss+xml")
        library.import_feeds("".join(f"{httpserver.url_for(f'/feed{feed}.xml')}\n" for feed in range(FEEDS)).encode())


def stored_items(data: Path) -> int:
    if not (data / "items.db").exists():
        return 0
    try:
        with sqlite3.connect(f"{(data / 'items.db').as_uri()}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM items").fetchone()[0])
    except sqlite3.OperationalError:  # not made yet
        return 0


def reader(data: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "reader", "--data-dir", str(data), *argv]


def test_three_kills_during_a_fetch_then_a_full_fetch_lose_and_double_nothing(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    served(httpserver, data)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seen = []
    for _ in range(3):
        before = stored_items(data)
        process = subprocess.Popen(reader(data, "fetch"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while stored_items(data) == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.append(stored_items(data))
        assert seen[-1] % ITEMS == 0, "a feed's answer is stored whole or not at all"
    assert seen[0] < FEEDS * ITEMS, "the first fetch was killed before it was done"
    done = subprocess.run(reader(data, "fetch"), env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    listed = json.loads(subprocess.run(reader(data, "list", "--json"), env=env, capture_output=True, text=True, check=True).stdout)
    assert len(listed) == len({row["id"] for row in listed}) == FEEDS * ITEMS
    assert stored_items(data) == FEEDS * ITEMS
    for name in ("items.db", "index.db", "state.db"):
        with sqlite3.connect(data / name) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", name


def test_a_fresh_fetch_leaves_few_files_and_every_item_searchable(httpserver: HTTPServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    served(httpserver, data)
    with Library(data_dir=data) as library:
        report = library.fetch()
        assert (report.ok, report.new) == (FEEDS, FEEDS * ITEMS)
        assert len(library.search("соглашение").rowids) == FEEDS * ITEMS  # searchable when the fetch returns, inflected
        assert len(library.search('"Лента 7, новость 3"').rowids) == 1
    files = [name for _, _, names in os.walk(data) for name in names]
    assert len(files) < 20, files


def test_a_data_dir_copied_elsewhere_lists_each_article_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    """A backup restored to another place: the index knew the items by paths
    in the old place, so it is built anew there (one warning), not added to."""
    data = tmp_path / "data"
    served(httpserver, data)
    with Library(data_dir=data) as library:
        library.fetch([httpserver.url_for("/feed0.xml"), httpserver.url_for("/feed1.xml")])
        before = sorted(row.id for row in library.list_rows())
    copy = tmp_path / "restored"
    shutil.copytree(data, copy)
    with Library(data_dir=copy) as library:
        assert [w for w in library.warnings if "built for the data dir at" in w] == [
            f"{copy / 'index.db'}: it was built for the data dir at {data}; rebuilding it from the article files"
        ]
        library.refresh()
        assert sorted(row.id for row in library.list_rows()) == before
    with Library(data_dir=copy) as library:
        assert library.warnings == []
