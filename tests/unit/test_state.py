"""Bookmarks and read state: never lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library import Library
from reader.store import StoreError
from tests.conftest import BELTA, SEEDS, SPUTNIK


def reader(*args: str, data_dir: Path, library: Path = SEEDS) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reader", *args, "--library", str(library), "--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_bookmark_and_read_state(library: Library) -> None:
    library.set_bookmark(SPUTNIK, True, note="про ИИ").result()
    library.set_read([BELTA], True).result()
    rows = {r.id: r for r in library.list_rows()}
    assert rows[SPUTNIK].bookmarked and not rows[SPUTNIK].read
    assert rows[BELTA].read and not rows[BELTA].bookmarked
    [mark] = library.bookmarks()
    assert (mark.id, mark.note, mark.missing) == (SPUTNIK, "про ИИ", False)
    assert {library.article(r).id for r in library.search("is:bookmarked").rowids} == {SPUTNIK}  # type: ignore[union-attr]
    assert {library.article(r).id for r in library.search("is:unread").rowids} == {SPUTNIK}  # type: ignore[union-attr]
    on, change = library.toggle_bookmark(SPUTNIK)
    assert on is False and change.result() is True
    assert library.bookmarks() == []


def test_unknown_article_cannot_be_bookmarked(library: Library) -> None:
    with pytest.raises(StoreError, match="no article with id no-such-id"):
        library.set_bookmark("no-such-id", True).result()


def test_vanished_article_stays_bookmarked_and_returns(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(SEEDS, folder)
    with Library([folder], data_dir) as library:
        library.refresh()
        library.set_bookmark(BELTA, True).result()
        moved = tmp_path / "away.md"
        (folder / "000_ea7f2758d4bd9c4b.md").rename(moved)
        library.refresh()
        [mark] = library.bookmarks()
        assert mark.missing and mark.title.startswith("Арипов")
        moved.rename(folder / "000_ea7f2758d4bd9c4b.md")
        library.refresh()
        [mark] = library.bookmarks()
        assert not mark.missing
        assert any(r.bookmarked for r in library.list_rows() if r.id == BELTA)


@pytest.mark.parametrize("damage", ["random", "truncate", "delete"])
def test_damaged_index_is_rebuilt_and_bookmarks_kept(data_dir: Path, damage: str) -> None:
    assert reader("bookmark", "add", SPUTNIK, data_dir=data_dir).returncode == 0
    index = data_dir / "index.db"
    if damage == "random":
        index.write_bytes(os.urandom(64 * 1024))
    elif damage == "truncate":
        with index.open("r+b") as f:
            f.truncate(index.stat().st_size // 3)
    else:
        index.unlink()
    listed = reader("list", "--json", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert {r["id"] for r in json.loads(listed.stdout)} == {BELTA, SPUTNIK}
    if damage != "delete":
        assert listed.stderr.count("rebuilding") == 1
    marks = json.loads(reader("bookmarks", "--json", data_dir=data_dir).stdout)
    assert [m["id"] for m in marks] == [SPUTNIK]


def test_damaged_state_is_kept_aside_never_overwritten(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    junk = os.urandom(8192)
    (data_dir / "state.db").write_bytes(junk)
    result = reader("list", "--json", data_dir=data_dir)
    assert result.returncode == 0
    assert "kept aside" in result.stderr
    [aside] = data_dir.glob("state.db.damaged-*")
    assert aside.read_bytes() == junk


def test_kill_after_bookmark_add_keeps_it(data_dir: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "from reader.cli import main\n"
        f"code = main(['bookmark', 'add', '{SPUTNIK}', '--library', r'{SEEDS}', '--data-dir', r'{data_dir}'])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert process.returncode == -9
    marks = json.loads(reader("bookmarks", "--json", data_dir=data_dir).stdout)
    assert [m["id"] for m in marks] == [SPUTNIK]
    assert marks[0]["bookmarked_at"]


def test_two_processes_bookmark_concurrently(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(400):
        (folder / f"{n:03d}.md").write_text(f"---\nid: art{n:03d}\ntitle: T{n}\ndate: 2024-01-01\n---\nText {n}.\n", encoding="utf-8")
    with Library([folder], data_dir) as library:
        library.refresh()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reader.library import Library\n"
        "start = int(sys.argv[1])\n"
        f"with Library([Path(r'{folder}')], Path(r'{data_dir}')) as lib:\n"
        "    for n in range(start, start + 200):\n"
        "        lib.set_bookmark(f'art{n:03d}', True).result()\n"
        "        lib.set_read([f'art{n:03d}'], True).result()\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, str(start)], stderr=subprocess.PIPE, text=True) for start in (0, 200)]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    with Library([folder], data_dir) as library:
        assert len(library.bookmarks()) == 400
        assert all(b.read for b in library.bookmarks())


def test_export_import_round_trip(tmp_path: Path, data_dir: Path) -> None:
    assert reader("bookmark", "add", SPUTNIK, "--note", "заметка", data_dir=data_dir).returncode == 0
    assert reader("bookmark", "add", BELTA, data_dir=data_dir).returncode == 0
    exported = tmp_path / "marks.json"
    assert reader("bookmarks", "--export", str(exported), data_dir=data_dir).returncode == 0
    markdown = tmp_path / "marks.md"
    assert reader("bookmarks", "--export", str(markdown), data_dir=data_dir).returncode == 0
    assert "заметка" in markdown.read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert reader("bookmarks", "--import", str(exported), data_dir=fresh).returncode == 0
    assert reader("bookmarks", "--import", str(exported), data_dir=fresh).returncode == 0  # no duplicates
    again = tmp_path / "again.json"
    assert reader("bookmarks", "--export", str(again), data_dir=fresh).returncode == 0
    assert json.loads(again.read_text(encoding="utf-8")) == json.loads(exported.read_text(encoding="utf-8"))


def test_import_never_replaces_a_newer_bookmark(tmp_path: Path, data_dir: Path) -> None:
    assert reader("bookmark", "add", SPUTNIK, "--note", "старая", data_dir=data_dir).returncode == 0
    exported = tmp_path / "old.json"
    assert reader("bookmarks", "--export", str(exported), data_dir=data_dir).returncode == 0
    [old] = json.loads(exported.read_text(encoding="utf-8"))
    old["bookmarked_at"] = "2020-01-01T00:00:00+00:00"
    exported.write_text(json.dumps([old], ensure_ascii=False), encoding="utf-8")
    assert reader("bookmark", "add", SPUTNIK, "--note", "новая", data_dir=data_dir).returncode == 0
    [before] = json.loads(reader("bookmarks", "--json", data_dir=data_dir).stdout)
    result = reader("bookmarks", "--import", str(exported), data_dir=data_dir)
    assert result.returncode == 0 and "imported 0 new bookmarks" in result.stderr
    [after] = json.loads(reader("bookmarks", "--json", data_dir=data_dir).stdout)
    assert after == before
    assert (after["note"], after["bookmarked_at"]) != ("старая", "2020-01-01T00:00:00+00:00")


def test_bad_import_is_one_clear_line(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = reader("bookmarks", "--import", str(bad), data_dir=data_dir)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not JSON" in result.stderr


def test_data_dir_that_cannot_be_made_reads_only(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = reader("list", "--json", data_dir=blocker / "data")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 2
    assert "reading only" in result.stderr
    refused = reader("bookmark", "add", SPUTNIK, data_dir=blocker / "data")
    assert refused.returncode == 1 and "read-only" in refused.stderr
