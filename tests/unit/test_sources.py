"""One library of many sources (issue 13): indexing, opening or searching
one source never removes another's articles."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library import Library
from reader.model import ReaderError
from tests.conftest import BELTA, SEEDS, SPUTNIK

ARTICLE = """---
id: {id}
title: {title}
date: 2025-10-0{day}
source: Тест
---
{body}
"""


def folder_with(path: Path, *items: tuple[str, str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for day, (article_id, title, body) in enumerate(items, start=1):
        (path / f"{article_id}.md").write_text(ARTICLE.format(id=article_id, title=title, day=day, body=body), encoding="utf-8")
    return path


def reader(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=180)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    a = folder_with(tmp_path / "a", ("a1", "Первая", "Ташкент и Самарканд."), ("a2", "Вторая", "Алматы."))
    b = folder_with(tmp_path / "b", ("b1", "Третья", "Бишкек и Ташкент."))
    return a, b


def test_index_adds_sources_and_keeps_both(two: tuple[Path, Path], data_dir: Path) -> None:
    a, b = two
    first = reader("index", str(a), data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert f"added {a}" in first.stderr
    assert reader("index", str(b), data_dir=data_dir).returncode == 0
    again = reader("index", str(b), data_dir=data_dir)
    assert "added" not in again.stderr  # said once, when it is new
    listed = reader("list", "--json", data_dir=data_dir)
    assert {r["id"] for r in json.loads(listed.stdout)} == {"a1", "a2", "b1"}
    # a command on one library path (not a source) neither shows nor drops the others
    only_seeds = reader("--library", str(SEEDS), "list", "--json", data_dir=data_dir)
    assert {r["id"] for r in json.loads(only_seeds.stdout)} == {BELTA, SPUTNIK}
    listed = reader("list", "--json", data_dir=data_dir)
    assert {r["id"] for r in json.loads(listed.stdout)} == {"a1", "a2", "b1"}
    sources = json.loads(reader("sources", "list", "--json", data_dir=data_dir).stdout)
    assert [(s["kind"], s["name"], s["location"], s["articles"], s["unread"], s["error"]) for s in sources] == [
        ("folder", "a", str(a), 2, 2, None),
        ("folder", "b", str(b), 1, 1, None),
    ]


def test_seeds_are_the_source_until_one_is_added(two: tuple[Path, Path], data_dir: Path) -> None:
    a, _ = two
    with Library(data_dir=data_dir) as library:
        library.refresh()
        assert {r.id for r in library.list_rows()} == {BELTA, SPUTNIK}
        assert [s.name for s in library.sources()] == ["seeds"]
        assert library.add_source(a) is True
        assert library.add_source(a) is False
        library.refresh()
        assert {r.id for r in library.list_rows()} == {"a1", "a2"}
        with pytest.raises(ReaderError, match="no such file"):
            library.add_source(a / "missing")


def test_in_filter_narrows_to_one_source(two: tuple[Path, Path], data_dir: Path) -> None:
    a, b = two
    with Library(data_dir=data_dir) as library:
        library.add_source(a)
        library.add_source(b)
        library.refresh()

        def ids(query: str) -> set[str]:
            found = library.search(query)
            assert found.error is None, found.error
            return {library.article(r).id for r in found.rowids}  # type: ignore[union-attr]

        assert ids("Ташкент") == {"a1", "b1"}
        assert ids("Ташкент in:b") == {"b1"}
        assert ids(f"in:{a}") == {"a1", "a2"}
        assert ids("-in:a") == {"b1"}
        assert "no source named" in (library.search("in:nowhere").error or "")


def test_removing_a_source_drops_its_articles_and_keeps_bookmarks(two: tuple[Path, Path], data_dir: Path) -> None:
    a, b = two
    with Library(data_dir=data_dir) as library:
        library.add_source(a)
        library.add_source(b)
        library.refresh()
        library.set_bookmark("b1", True, note="keep").result()
        gone = library.remove_source("b")
        assert gone.location == str(b)
        assert {r.id for r in library.list_rows()} == {"a1", "a2"}
        [mark] = library.bookmarks()
        assert (mark.id, mark.note, mark.missing) == ("b1", "keep", True)
        with pytest.raises(ReaderError, match="no source"):
            library.remove_source("b")
        [kept] = [f for f in b.glob("*.md") if "b1" in f.read_text(encoding="utf-8")]
        kept.write_text(kept.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
        library.add_source(b)
        library.refresh()
        [mark] = library.bookmarks()
        assert not mark.missing and mark.title.startswith("Renamed ")  # as the article is now, not as it was


def test_refreshing_one_library_path_leaves_another_process_view_alone(two: tuple[Path, Path], data_dir: Path) -> None:
    a, b = two
    with Library([a], data_dir) as app_view:
        app_view.refresh()
        rowid = app_view.all_rowids()[0]
        assert reader("index", str(b), data_dir=data_dir).returncode == 0
        assert reader("--library", str(SEEDS), "search", "Ташкент", data_dir=data_dir).returncode == 0
        article = app_view.article(rowid)
        assert article is not None and article.id in {"a1", "a2"}
        assert {r.id for r in app_view.list_rows()} == {"a1", "a2"}


def test_a_vanished_source_folder_is_marked(two: tuple[Path, Path], data_dir: Path) -> None:
    a, b = two
    with Library(data_dir=data_dir) as library:
        library.add_source(a)
        library.add_source(b)
        library.refresh()
        shutil.rmtree(b)
        library.refresh()
        errors = {s.name: s.error for s in library.sources()}
        assert errors == {"a": None, "b": "no such file or folder"}


def test_a_name_two_feeds_share_removes_neither_and_says_which_urls(data_dir: Path) -> None:
    """From a trial: ``feeds remove NAME`` removed the first of two feeds
    of that name, and said nothing of the other."""
    one, two = "http://127.0.0.1:9/udd.xml", "http://127.0.0.1:9/udd.xml?page=2"
    with Library(data_dir=data_dir) as library:
        library.import_feeds(f'{one} "~Dashboard"\n{two} "~Dashboard"\n'.encode())
        with pytest.raises(ReaderError, match=r"2 feeds are named 'Dashboard'; say which by its URL or path: .*udd\.xml, .*page=2"):
            library.remove_source("Dashboard", kind="feed")
        assert len([s for s in library.sources() if s.kind == "feed"]) == 2
        assert library.remove_source(two, kind="feed").location == two
        assert library.remove_source("Dashboard", kind="feed").location == one
        assert [s for s in library.sources() if s.kind == "feed"] == []
