"""Hostile input and faults: nothing crashes, nothing leaks, nothing is lost."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import corpus
from reader.library import Library
from reader.store import Index
from tests import hostile


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=600)


def no_controls(text: str) -> bool:
    return not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in text)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("hostile") / "lib"
    return folder, hostile.build(folder)


def test_cli_over_the_hostile_corpus(hostile_dir: tuple[Path, dict[str, int]], data_dir: Path) -> None:
    folder, counts = hostile_dir
    listed = run("list", "--json", "--library", str(folder), data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == counts["loadable"]
    assert "Traceback" not in listed.stderr
    for name in ("binary.md", "empty.md", "a_link.md", "b_link.md"):
        assert listed.stderr.count(name) == 1, name
    assert no_controls(listed.stdout) and no_controls(listed.stderr)
    assert hostile.MARKUP_TITLE in {r["title"] for r in rows}
    assert not (folder / "PWNED").exists()

    ids = [r["id"] for r in rows]
    for article_id in ids:
        shown = run("show", article_id, "--json", "--library", str(folder), data_dir=data_dir)
        assert shown.returncode == 0, shown.stderr
        assert no_controls(json.loads(shown.stdout)["body"])
    entities = run("entities", *ids, "--jsonl", "--library", str(folder), data_dir=data_dir)
    assert entities.returncode == 0, entities.stderr
    records = [json.loads(line) for line in entities.stdout.splitlines()]
    assert len(records) == len(ids)
    markup_id = next(r["id"] for r in rows if r["title"] == hostile.MARKUP_TITLE)
    rich = run("show", markup_id, "--library", str(folder), data_dir=data_dir)
    assert hostile.MARKUP_BODY in rich.stdout


def test_loader_notes_for_mended_files(hostile_dir: tuple[Path, dict[str, int]]) -> None:
    folder, _ = hostile_dir
    notes = {
        name: corpus.load(folder / name).note or ""
        for name in ("utf16.md", "cp1251.md", "latin1.md", "huge.md", "front_only.md", "yaml_tag.md")
    }
    assert "UTF-16" in notes["utf16.md"]
    assert "cp1251" in notes["cp1251.md"]
    assert "windows-1252" in notes["latin1.md"]
    assert "cut" in notes["huge.md"]
    assert "no body" in notes["front_only.md"]
    assert "YAML tag" in notes["yaml_tag.md"]
    rtl = corpus.load(folder / "zero_width_rtl.md").article
    assert "\u202e" not in rtl.body and "\u202e" not in rtl.title
    assert corpus.load(folder / "cp1251.md").article.body == "Текст в кодировке Windows-1251."


def test_unreadable_and_vanishing_files(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.md").write_text(hostile.front(f"T{n}", f"Body {n}."), encoding="utf-8")
    real = Path.read_bytes

    def faulty(self: Path) -> bytes:
        if self.name == "1.md":
            raise PermissionError(13, "Permission denied")
        if self.name == "2.md":
            self.unlink()
            raise FileNotFoundError(2, "No such file")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", faulty)
    with Library([folder], data_dir) as library:
        report = library.refresh()
        assert library.count() == 3
        messages = {Path(w.path).name: w.message for w in report.warnings}
        assert "permission denied" in messages["1.md"]
        assert "vanished" in messages["2.md"]


def test_full_disk_keeps_the_previous_index(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.md").write_text(hostile.front("Старая", "Про Ташкент."), encoding="utf-8")
    with Library([folder], data_dir) as library:
        library.refresh()
        (folder / "b.md").write_text(hostile.front("Новая", "Про Минск."), encoding="utf-8")

        def full(*args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(Index, "apply", full)
        report = library.refresh()
        assert any("disk is full" in w.message for w in report.warnings)
        assert library.count() == 1
        assert len(library.search("Ташкент").rowids) == 1
        monkeypatch.undo()
        library.refresh()
        assert library.count() == 2


def test_kill_during_index_then_resume(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(3000):
        (folder / f"{n:05d}.md").write_text(hostile.front(f"Статья {n}", f"Текст {n} про Ташкент и Минск. " * 20), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "index", "--library", str(folder), "--data-dir", str(data_dir)], stderr=subprocess.PIPE
    )
    index = data_dir / "index.db"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (index.exists() and index.stat().st_size > 200_000):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with Library([folder], data_dir) as library:
        before = library.count()
        assert 0 < before < 3000
        report = library.refresh()
        assert report.read == 3000 - before  # what the killed run committed is not read again
        assert library.count() == 3000
        assert len(library.search("Ташкент").rowids) == 3000
    check = sqlite3.connect(index)
    check.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_quick_check_misses_no_character_the_table_changes() -> None:
    from reader import sanitize

    for code in range(0x30000):
        text = f"x{chr(code)}y"
        assert sanitize.clean_text(text) == text.replace("\r", "\n").translate(sanitize._TABLE), hex(code)
