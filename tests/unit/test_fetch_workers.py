"""A large fetch stores each feed's answer in a worker process and hands the
items it stored, already read, to the index: what the index gets that way
is what reading the items gives, and an item changed since is read again."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from reader import storing
from reader.feeds.fetch import Response
from reader.feeds.run import Feed
from reader.feeds.write import feed_folder
from reader.indexing import prepare
from reader.library import Library
from reader.store.items import Items
from reader.storing import StoringPool, read_written, store_and_read

from .test_subscriptions import ITEM, rss

URL = "http://127.0.0.1:9/feed.xml"


def answer() -> Response:
    body = rss(
        ITEM.format(guid="a", title="Ташкент и Алматы", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Соглашение о поставках."),
        ITEM.format(guid="b", title="Бишкек", date="Tue, 23 Sep 2025 10:00:00 GMT", body="Новый мост."),
    )
    return Response(URL, 200, body.encode(), "application/rss+xml", '"e1"', None, None, None)


def subscribed(library: Library) -> Feed:
    library.import_feeds(f'{URL} "Азия"\n'.encode())
    return Feed(URL, URL, "Вести", ("Азия",), feed_folder(library.data_dir / "feeds", URL))


@pytest.fixture
def shelf(data_dir: Path) -> Iterator[Items]:
    """The data dir's items.db, made as a library makes it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    items = Items.open(data_dir / "items.db", lambda message: None)
    yield items
    items.close()


def known(shelf: Items, path: str) -> tuple[int, int] | None:
    found = shelf.data_known(Path(path).stem)
    return found[1] if found is not None else None


def test_a_stored_answer_comes_back_with_each_item_read_as_the_index_reads_it(data_dir: Path, shelf: Items) -> None:
    with Library(data_dir=data_dir) as library:
        feed = subscribed(library)
        result, rows, unread = store_and_read(feed, answer(), frozenset(), str(data_dir))
    assert (result.new, result.error, len(result.written), unread) == (2, None, 2, [])
    assert sorted(path for path, _, _ in rows) == sorted(result.written)
    for path, size_and_stamp, read in rows:
        assert size_and_stamp == known(shelf, path)
        assert read == prepare(path, None, str(data_dir))
        assert read[1] is not None and read[1].article.source == "Вести"


def test_the_index_takes_what_was_read_while_the_item_is_unchanged_and_reads_a_changed_one(data_dir: Path, shelf: Items) -> None:
    with Library(data_dir=data_dir) as library:
        feed = subscribed(library)
        _, rows, _ = store_and_read(feed, answer(), frozenset(), str(data_dir))
        prepared = {}
        for path, known, (_, indexed, digest, note) in rows:
            assert indexed is not None
            # Marked, so that the test sees which of the two the index took.
            marked = dataclasses.replace(indexed, article=dataclasses.replace(indexed.article, title="read by the worker"))
            prepared[path] = (known, (path, marked, digest, note))
        changed = Path(sorted(prepared)[0]).stem
        text = (shelf.data(changed) or b"").replace(b'title: "', 'title: "Изменено: '.encode(), 1)
        with shelf.write() as tx:
            tx.execute("UPDATE items SET data=?, size=?, stamp=stamp+1 WHERE id=?", (text, len(text), changed))
        library.refresh(roots=[str(feed.folder)], prepared=prepared)
        titles = {row.title for row in library.list_rows()}
    assert len(titles) == 2 and "read by the worker" in titles
    assert any(title.startswith("Изменено: ") for title in titles)


def many_answers(count: int, items: int = 60) -> list[tuple[Feed, Response]]:
    """Answers of ``count`` feeds of ``items`` items each: slow enough to store
    that some are still waiting when a test stops a worker."""
    out = []
    for n in range(count):
        url = f"http://127.0.0.1:9/feed-{n}.xml"
        body = rss(
            *(
                ITEM.format(guid=f"{n}-{i}", title=f"Новость {i}", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Соглашение. " * 40)
                for i in range(items)
            )
        )
        response = Response(url, 200, body.encode(), "application/rss+xml", None, None, None, None)
        out.append((Feed(url, url, f"Лента {n}", (), feed_folder(Path(os.environ["READER_DATA_DIR"]) / "feeds", url)), response))
    return out


def test_the_pool_stores_and_reads_and_hands_the_reads_over_once(data_dir: Path, shelf: Items) -> None:
    pool = StoringPool(2, data_dir, shelf)
    try:
        [(feed, response)] = many_answers(1, items=3)
        result = pool.store(feed, response, frozenset()).result(timeout=120)
        assert (result.new, result.error) == (3, None)
        taken = pool.take({str(feed.folder)})
        assert sorted(taken) == sorted(result.written) and all(read[1] is not None for _, read in taken.values())
        assert pool.take({str(feed.folder)}) == {}
    finally:
        pool.close()


def test_a_large_feeds_items_are_read_in_shares_by_every_worker(data_dir: Path, shelf: Items) -> None:
    """More items than one share: the worker that stored them leaves their
    reading to tasks any worker takes; all are read before the feed counts
    as stored, each with the size and stamp of the bytes read."""
    items = 2 * storing.SHARE + 5
    [(feed, response)] = many_answers(1, items=items)
    result, rows, unread = store_and_read(feed, response, frozenset(), str(data_dir))
    assert (result.new, rows, sorted(unread)) == (items, [], sorted(result.written))
    read = read_written([*unread[:3], str(feed.folder / "0123456789abcdef.md")], str(data_dir))
    assert [path for path, _, _ in read] == unread[:3]  # one gone is left to the index's listing
    for path, size_and_stamp, prepared in read:
        assert size_and_stamp == known(shelf, path)
        assert prepared == prepare(path, None, str(data_dir))

    [(feed, response)] = many_answers(1, items=items)
    with shelf.write() as tx:
        tx.execute("DELETE FROM items WHERE folder=?", (feed.folder.name,))
    pool = StoringPool(2, data_dir, shelf)
    try:
        result = pool.store(feed, response, frozenset()).result(timeout=120)
        taken = pool.take({str(feed.folder)})
    finally:
        pool.close()
    assert result.new == items and sorted(taken) == sorted(result.written)
    assert all(read[1] is not None and read[1].article.source == feed.name for _, read in taken.values())


def test_closing_the_pool_leaves_no_answer_waiting(data_dir: Path, shelf: Items) -> None:
    """Ctrl-C in a fetch closes the pool at once: an answer in hand (a large
    feed's, still being stored or read) and one handed over later are each
    settled, and give their room back: no fetching thread waits for ever."""
    pool = StoringPool(2, data_dir, shelf)
    [(feed, response)] = many_answers(1, items=2 * storing.SHARE + 5)
    stored = pool.store(feed, response, frozenset())
    pool.close()
    [(late_feed, late_response)] = many_answers(1, items=1)
    late = pool.store(late_feed, late_response, frozenset())
    assert stored.done() and late.done()
    assert stored.cancelled() or stored.exception() is not None or stored.result().new == 2 * storing.SHARE + 5
    assert isinstance(late.exception(), CancelledError)
    assert pool._queued == 0


@pytest.fixture
def workerless(data_dir: Path, shelf: Items, monkeypatch: pytest.MonkeyPatch) -> Iterator[StoringPool]:
    """A pool whose workers cannot start (no /dev/shm, say)."""

    def cannot(workers: int) -> None:
        raise OSError("no /dev/shm")

    monkeypatch.setattr(storing, "_forked_pool", cannot)
    pool = StoringPool(2, data_dir, shelf)
    try:
        yield pool
    finally:
        pool.close()


def test_a_large_feed_is_stored_when_its_shares_cannot_be_read(workerless: StoringPool, shelf: Items) -> None:
    """No worker left to read the shares: the feed still counts as stored,
    and the index reads its items itself."""
    [(feed, response)] = many_answers(1, items=3)
    answer = storing._Answer(Future(), feed, response, frozenset())
    result = dataclasses.replace(storing.store_answer(feed, response, shelf, frozenset()), title="stored")
    workerless._answers.put(storing._Shares(answer, result, [[str(feed.folder / "a.md")], [str(feed.folder / "b.md")]]))
    assert answer.stored.result(timeout=60).title == "stored"
    assert workerless.take({str(feed.folder)}) == {}


def test_when_no_worker_can_start_every_answer_is_stored_here(workerless: StoringPool, data_dir: Path) -> None:
    stored = [workerless.store(feed, response, frozenset()) for feed, response in many_answers(3, items=2)]
    assert [f.result(timeout=60).new for f in stored] == [2, 2, 2]  # none waits for ever
    assert "no /dev/shm" in (data_dir / "reader.log").read_text(encoding="utf-8")


def test_an_answer_a_dead_worker_had_is_stored_here(workerless: StoringPool) -> None:
    """What the executor says of every answer pending when a worker dies:
    each is stored again, in this process (no worker is killed here: a kill
    can leave the executor's own shutdown waiting, which is not this test's
    subject)."""
    [(feed, response)] = many_answers(1, items=2)
    answer = storing._Answer(Future(), feed, response, frozenset())
    died: Future[storing.Written] = Future()
    died.set_exception(BrokenProcessPool("a worker was killed"))
    workerless._keep(died, answer)
    result = answer.stored.result(timeout=60)
    assert (result.new, result.error) == (2, None)


def test_bytes_indexed_already_by_another_process_keep_their_rows(tmp_path: Path) -> None:
    """From a flaky run of eight processes on a fresh data dir: one indexed
    a file that another had indexed since it looked, so the article got a
    new rowid, and a third, which had just found the old one, said «no
    article with id». Text that changed without the file (a kept full
    text) is still indexed again."""
    from reader.store import Index

    path, other = tmp_path / "a.md", tmp_path / "b.md"
    path.write_text("---\ntitle: A\nlang: en\n---\n\nBody.\n", encoding="utf-8")
    other.write_text("---\ntitle: B\nlang: en\n---\n\nOther.\n", encoding="utf-8")
    found, found_other = os.stat(path), os.stat(other)
    stat = {str(path): (found.st_size, found.st_mtime_ns), str(other): (found_other.st_size, found_other.st_mtime_ns)}
    read = prepare(str(path), None)
    index = Index.memory()
    index.apply(
        {str(path): str(tmp_path), str(other): str(tmp_path)}, stat, [read, prepare(str(other), None)]
    )  # a new rowid is not the old one
    first = index.rowid_of(read[1].article.id) if read[1] else None
    index.apply({str(path): str(tmp_path)}, stat, [read])
    assert first is not None and index.rowid_of(read[1].article.id) == first  # type: ignore[union-attr]
    assert read[1] is not None
    retold = (read[0], dataclasses.replace(read[1], hash="another text"), read[2], read[3])
    index.apply({str(path): str(tmp_path)}, stat, [retold])
    assert index.rowid_of(read[1].article.id) not in (None, first)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_the_fork_server_and_its_workers_leave_with_a_killed_fetch() -> None:
    """``reader fetch`` killed with SIGKILL once its workers were up: the fork
    server and the workers it forked leave too, not linger under PID 1."""
    script = (
        "import time\n"
        "from reader.storing import _forked_pool\n"
        "pool = _forked_pool(1)\n"
        "pool.submit(time.sleep, 0).result()\n"
        "print('up', flush=True)\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "up"
        servers = [p for p in _children(process.pid) if b"forkserver" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(servers) == 1
        workers = _children(servers[0])
        assert workers, "the worker was forked from the fork server"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{p}").exists() for p in (*servers, *workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in (*servers, *workers) if Path(f"/proc/{p}").exists()]
    for pid in left:  # not to leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == []
