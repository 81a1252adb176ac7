"""A data dir of the version before items.db (a Markdown file an item under
``feeds/``, a file a kept full text under ``fulltext/``) moves into
``items.db`` on first open: every id, bookmark, note and read state kept,
the files removed only once committed, a move cut short by SIGKILL resumed
with nothing lost or doubled, and the next fetch doubles nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.feeds.parse import Item
from reader.feeds.write import FeedMeta, feed_folder, item_id, render
from reader.library import Library
from reader.model import ListRow
from reader.store import State

ITEM = (
    "<item><guid>{feed}-{n}</guid><title>Новость {n} ленты {feed}</title><link>http://example.org/{feed}/{n}</link>"
    "<pubDate>Mon, 0{day} Sep 2025 10:00:00 GMT</pubDate><description>Ташкент и Алматы, сообщение {n}.</description></item>"
)


def rss(feed: int, count: int) -> str:
    items = "".join(ITEM.format(feed=feed, n=n, day=1 + n % 9) for n in range(count))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента {feed}</title>{items}</channel></rss>'


def item(feed: int, n: int) -> Item:
    """An item as the feed of :func:`rss` gives it."""
    return Item(
        f"{feed}-{n}",
        f"Новость {n} ленты {feed}",
        f"http://example.org/{feed}/{n}",
        f"2025-09-0{1 + n % 9}T10:00:00Z",
        "",
        (),
        f"Ташкент и Алматы, сообщение {n}.",
        "",
        "",
        "",
    )


def old_data_dir(data: Path, urls: list[str], count: int) -> list[str]:
    """What the version before left: subscriptions and bookmarks in
    state.db, each item a file in its feed's folder, a kept full text a
    file. The ids of the items, in order."""
    data.mkdir(parents=True)
    state = State.open(data / "state.db", lambda message: None)
    ids = []
    for number, url in enumerate(urls):
        with state.write() as tx:
            tx.execute("INSERT INTO sources(kind, location, name, added_at) VALUES ('feed', ?, ?, '2025-09-01')", (url, f"Лента {number}"))
            tx.execute("INSERT INTO feeds(source, url, last_fetch) VALUES (last_insert_rowid(), ?, '2025-09-09')", (url,))
        folder = feed_folder(data / "feeds", url)
        folder.mkdir(parents=True)
        meta = FeedMeta(key=url, url=url, name=f"Лента {number}")
        for n in range(count):
            key = item_id(url, item(number, n))
            (folder / f"{key}.md").write_text(render(key, item(number, n), meta, f"2025-09-0{1 + n % 9}T10:00:00Z"), encoding="utf-8")
            ids.append(key)
        (folder / f".{ids[-1]}.md.1234.tmp").write_text("half a file of a write a kill cut short")
    state.add_bookmark(ListRow(0, ids[0], "Новость 0", "2025-09-01", "Лента 0", ""), note="моя заметка")
    with state.write() as tx:
        tx.execute("INSERT INTO reads(id, read_at) VALUES (?, '2025-09-09')", (ids[1],))
    state.close()
    (data / "fulltext").mkdir()
    (data / "fulltext" / f"{ids[0]}.md").write_text(
        f"---\nid: {ids[0]}\ntitle: Новость 0\ndate: '2025-09-01'\nfull_text: true\nfetched: '2025-09-09T10:00:00+00:00'\n---\n\n"
        "Полный текст статьи о Ташкенте.\n",
        encoding="utf-8",
    )
    return ids


def counts(data: Path) -> tuple[int, int, int]:
    """Items, distinct ids and full texts in items.db."""
    with sqlite3.connect(data / "items.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (items, distinct) = db.execute("SELECT count(*), count(DISTINCT id) FROM items").fetchone()
        return items, distinct, db.execute("SELECT count(*) FROM full_texts").fetchone()[0]


def files_left(data: Path) -> list[Path]:
    """Files below the data dir's own (os.walk passes over a folder removed while it looks)."""
    return [Path(top, name) for top, _, names in os.walk(data) if Path(top) != data for name in names]


def test_an_old_data_dir_moves_in_keeping_ids_bookmarks_notes_and_read_state(httpserver: HTTPServer, tmp_path: Path) -> None:
    urls = [httpserver.url_for(f"/feed{n}.xml") for n in range(2)]
    data = tmp_path / "data"
    ids = old_data_dir(data, urls, 5)
    with Library(data_dir=data) as library:
        assert library.said == [f"{data}: moved 10 fetched items and 1 full text from files into items.db"]
        assert library.warnings == []
        library.refresh()
        assert sorted(row.id for row in library.list_rows()) == sorted(ids)
        assert [(b.id, b.note) for b in library.bookmarks()] == [(ids[0], "моя заметка")]
        rows = {row.id: row for row in library.list_rows()}
        assert rows[ids[1]].read and not rows[ids[2]].read
        first = library.find(ids[0])
        assert first is not None and "Полный текст" in first.body and library.has_full_text(first)
    assert files_left(data) == [] and not (data / "feeds").exists() and not (data / "fulltext").exists()
    assert counts(data) == (10, 10, 1)
    for number in range(2):  # the same feeds fetched again: nothing new, nothing doubled
        httpserver.expect_request(f"/feed{number}.xml").respond_with_data(rss(number, 5), content_type="application/rss+xml")
    with Library(data_dir=data) as library:
        assert library.said == library.warnings == []
        report = library.fetch()
        assert (report.ok, report.new, report.updated) == (2, 0, 0)
        assert len(library.list_rows()) == 10
    assert counts(data) == (10, 10, 1)


def test_a_move_cut_short_by_sigkill_resumes_with_nothing_lost_or_doubled(tmp_path: Path) -> None:
    urls = [f"http://127.0.0.1:9/feed{n}.xml" for n in range(6)]
    data = tmp_path / "data"
    ids = old_data_dir(data, urls, 120)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "reader", "--data-dir", str(data), "list", "--json"]
    cut = 0
    for _ in range(3):  # killed while moving, as soon as something was moved
        before = len(files_left(data))
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(files_left(data)) == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        cut += len(files_left(data)) > 1
    assert cut, "no run was cut short while moving"
    with Library(data_dir=data) as library:
        library.refresh()
        assert sorted(row.id for row in library.list_rows()) == sorted(ids)
        assert [(b.id, b.note) for b in library.bookmarks()] == [(ids[0], "моя заметка")]
    assert counts(data) == (len(ids), len(ids), 1)
    assert files_left(data) == []
