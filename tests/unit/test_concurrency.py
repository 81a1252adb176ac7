"""Several processes on one data dir (issue 13): a lock is waited on, never
taken for damage; the schema is made once; writes never wait on the caller's
thread; extraction isolates each article."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.library import Library
from reader.store import STATE_MIGRATIONS, Index, is_busy, is_damage
from reader.text import extract
from tests.conftest import BELTA, SEEDS, SPUTNIK

READER = [sys.executable, "-m", "reader"]


def start(args: list[str], data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*READER, *args, "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("trial", range(3))
def test_eight_processes_on_a_fresh_data_dir(tmp_path: Path, trial: int) -> None:
    data_dir = tmp_path / f"data{trial}"
    commands = [
        ["list", "--json"],
        ["list"],
        ["index"],
        ["search", "Ташкент"],
        ["bookmark", "add", BELTA],
        ["bookmark", "add", SPUTNIK, "--note", "n"],
        ["sources", "list"],
        ["bookmarks", "--json"],
    ]
    processes = [start(c, data_dir) for c in commands]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in processes]
    for (code, stderr), command in zip(results, commands, strict=True):
        assert code == 0, (command, stderr)
        assert "warning" not in stderr and "rebuild" not in stderr and "aside" not in stderr, (command, stderr)
    assert not list(data_dir.glob("*.damaged-*"))
    with Library(data_dir=data_dir) as library:
        assert {b.id for b in library.bookmarks()} == {BELTA, SPUTNIK}


def test_errors_are_told_apart(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError) as damaged:
        sqlite3.connect(junk).execute("SELECT * FROM sqlite_master").fetchall()
    assert is_damage(damaged.value) and not is_busy(damaged.value)
    db = tmp_path / "ok.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t(x)")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        sqlite3.connect(db, timeout=0.05).execute("SELECT * FROM t").fetchall()
    assert is_busy(locked.value) and not is_damage(locked.value)
    holder.execute("ROLLBACK")


def test_a_locked_state_is_waited_on_not_moved_aside(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    holder = sqlite3.connect(data_dir / "state.db", isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.executescript(STATE_MIGRATIONS[0])  # an older schema: opening must migrate, so write
    holder.execute("PRAGMA user_version=1")
    holder.execute("INSERT INTO bookmarks VALUES ('kept', '2025-01-01', 'note', 't', '2025-01-01', 's', 'u')")
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    released = threading.Event()

    def release() -> None:
        holder.execute("ROLLBACK")
        released.set()

    timer = threading.Timer(1.0, release)
    timer.start()
    with Library([SEEDS], data_dir) as library:
        assert released.is_set()  # it could only open once the other write was done
        assert library.warnings == []
        assert [b.id for b in library.bookmarks()] == ["kept"]
        assert [s.name for s in library.sources()] == ["seeds"]  # migrated
    timer.join()
    assert not list(data_dir.glob("*.damaged-*"))


def test_a_foreign_index_in_use_is_never_unlinked(data_dir: Path) -> None:
    with Library([SEEDS], data_dir) as first:
        first.refresh()
        inode = (data_dir / "index.db").stat().st_ino
        with sqlite3.connect(data_dir / "index.db") as conn:
            conn.execute("UPDATE meta SET value='index-0/old' WHERE key='version'")
        with Library([SEEDS], data_dir) as second:
            assert any("another reader process has it open" in w for w in second.warnings)
            second.refresh()
            assert second.count() == 2  # a temporary index serves this process
        assert (data_dir / "index.db").stat().st_ino == inode
    with Library([SEEDS], data_dir) as alone:  # nobody else has it open: rebuilt
        assert any("rebuilding" in w for w in alone.warnings)
        alone.refresh()
        assert alone.count() == 2


def test_writes_never_wait_on_the_callers_thread(library: Library, data_dir: Path) -> None:
    holder = sqlite3.connect(data_dir / "state.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        change = library.set_read([BELTA], True)
        bookmark = library.set_bookmark(SPUTNIK, True)
        assert not change.done() and not bookmark.done()  # waiting in the writer thread
        rows = {r.id: r for r in library.list_rows()}  # reads go on meanwhile
        assert not rows[BELTA].read
    finally:
        holder.execute("ROLLBACK")
    change.result(timeout=30)
    assert bookmark.result(timeout=30) is True
    rows = {r.id: r for r in library.list_rows()}
    assert rows[BELTA].read and rows[SPUTNIK].bookmarked


def test_an_index_write_does_not_lock_the_bookmarks(library: Library, data_dir: Path) -> None:
    index = sqlite3.connect(data_dir / "index.db", isolation_level=None)
    index.execute("BEGIN IMMEDIATE")  # another process indexing
    try:
        assert library.set_bookmark(BELTA, True).result(timeout=10) is True
        assert library.set_read([SPUTNIK], True).result(timeout=10) is None
    finally:
        index.execute("ROLLBACK")


def test_schema_made_once_by_many_threads(tmp_path: Path) -> None:
    warnings: list[str] = []
    opened: list[Index] = []
    barrier = threading.Barrier(6)

    def open_one() -> None:
        barrier.wait()
        opened.append(Index.open(tmp_path / "index.db", warnings.append))

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert warnings == [] and len(opened) == 6
    for index in opened:
        index.close()


def test_an_article_the_extractor_raises_on_is_recorded_and_skipped(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "bad.md").write_text("---\nid: bad\ntitle: Плохая\ndate: 2025-01-01\nlang: xx\n---\nТекст.\n", encoding="utf-8")
    (folder / "good.md").write_text("---\nid: good\ntitle: Хорошая\ndate: 2025-01-02\n---\nАбдулла Арипов в Ташкенте.\n", encoding="utf-8")
    calls: list[str] = []

    def broken(text: str) -> list[object]:
        calls.append(text)
        raise ValueError("the model choked")

    monkeypatch.setitem(extract.ENTITY_EXTRACTORS, "xx", broken)  # type: ignore[arg-type]
    with Library([folder], data_dir) as library:
        library.add_source(folder)
        library.refresh()
        assert library.extract_pending() == 2
        assert library.failed_extractions() == 1
        assert library.pending_extraction() == 0
        good = library.find("good")
        assert good is not None and library.cached_extraction(good) is not None
        [source] = library.sources()
        assert source.error == "entity extraction failed on 1 article(s)"
        assert library.extract_pending() == 0  # skipped next time
        assert len(calls) == 1
        (folder / "bad.md").write_text("---\nid: bad\ntitle: Плохая\ndate: 2025-01-01\nlang: xx\n---\nДругой текст.\n", encoding="utf-8")
        library.refresh()
        assert library.extract_pending() == 1  # its text changed: tried again
        assert len(calls) == 2


def test_a_dead_extraction_worker_is_restarted_and_reported(data_dir: Path, tmp_path: Path) -> None:
    from reader import bench

    folder = tmp_path / "lib"
    bench.make_corpus(folder, 60)
    with Library([folder], data_dir) as library:
        library.add_source(folder)
        library.refresh()
        work = library.start_extraction()
        assert work is not None
        try:
            time.sleep(0.5)
            os.kill(work.processes[0].pid, signal.SIGKILL)
            work.processes[0].wait()
            assert work.running
            assert work.restarts == 1
            assert "stopped (exit status -9); restarted" in work.events[0]
            while work.running:
                time.sleep(0.2)
        finally:
            work.stop()
        assert library.pending_extraction() == 0
