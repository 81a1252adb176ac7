"""The app's first paint asks for the newest articles alone (ordering a
million takes a second): they are the first rows of the whole order, of
the library in view only, and none while a saved search is muted (what it
hides is known only once it has run)."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.library import Library
from tests.conftest import SEEDS


def test_the_newest_are_the_first_of_the_whole_order_in_view(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(SEEDS, other)
    for n, path in enumerate(sorted(other.rglob("*.md"))):  # newer than every seed, and other ids
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("id: ", f"id: other{n}-", 1).replace("date: 20", "date: 21", 1), encoding="utf-8")
    data = tmp_path / "data"
    with Library([SEEDS, other], data) as both:
        both.refresh()
        everything = both.all_rowids()
        assert len(everything) == 4
        assert both.newest(3) == everything[:3]
        assert both.newest(10) == everything
    with Library([SEEDS], data) as seeds_only:
        in_view = seeds_only.all_rowids()
        assert len(in_view) == 2
        assert seeds_only.newest(5) == in_view, "only the library in view, though the index holds newer articles"


def test_no_newest_while_a_search_is_muted(library: Library) -> None:
    assert library.newest(5) is not None
    library.save_search("Шум", "source:sputnik", mute=True).result()
    assert library.newest(5) is None


def _articles(folder: Path, prefix: str, days: list[int]) -> None:
    folder.mkdir()
    for n, day in enumerate(days):
        (folder / f"{prefix}{n}.md").write_text(
            f"---\nid: {prefix}{n}\ntitle: {prefix} {n}\ndate: 2025-01-{day:02d}\nsource: S\nlang: en\n---\n\nText {n}.\n",
            encoding="utf-8",
        )


def test_the_newest_of_a_scope_behind_many_newer_articles(tmp_path: Path) -> None:
    """The date index is walked for a few times the rows wanted; a scope
    whose articles are all older than that walk is asked through its roots."""
    newer, older, data = tmp_path / "newer", tmp_path / "older", tmp_path / "data"
    _articles(newer, "new", [20 + n % 8 for n in range(24)])
    _articles(older, "old", [1, 5, 3, 2])
    with Library([newer, older], data) as both:
        both.refresh()
        everything = both.all_rowids()
        assert len(everything) == 28
        for limit in (1, 2, 5, 30):
            assert both.newest(limit) == everything[:limit]
    with Library([older], data) as alone:
        in_view = alone.all_rowids()
        assert alone.newest(2) == in_view[:2], "the two newest of the scope, though 24 newer articles come first by date"
        assert alone.newest(9) == in_view
