"""Stories: copies of one event are one story, related events stay apart,
and the stories are the same whatever order the articles were indexed in."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import indexing, stories
from reader.library import Library
from reader.store import Index
from reader.store import stories as store_stories
from tests.conftest import TESTS

STORIES = TESTS / "data" / "stories"
BELTA = "000_ea7f2758d4bd9c4b"
BELTA_COPIES = {f"{BELTA}-{kind}" for kind in ("original", "repost", "cut", "edited", "brief")}


@pytest.fixture
def grouped(tmp_path: Path, data_dir: Path) -> Iterator[tuple[Library, Path]]:
    folder = tmp_path / "stories"
    shutil.copytree(STORIES, folder)
    with Library([folder], data_dir) as library:
        library.refresh()
        yield library, folder


def story_of(library: Library) -> dict[str, str]:
    return {row.id: row.story for row in library.list_rows()}


def members(story_of: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for article, story in story_of.items():
        out.setdefault(story, set()).add(article)
    return out


def test_copies_are_one_story_and_other_events_apart(grouped: tuple[Library, Path]) -> None:
    library, _ = grouped
    groups = members(story_of(library))
    # Reposted with a dateline and a trailer, cut, a sentence changed, the lead alone: one story,
    # named after its earliest article (the same day for four: the least id).
    assert groups[f"{BELTA}-cut"] == BELTA_COPIES
    # The other seed shares names with it (Узбекистан, ЕАЭС), not the event; its repost two days
    # later joins it; the same text 18 days later is news of another day.
    assert groups["sputnik-original"] == {"sputnik-original", "sputnik-repost"}
    assert groups["sputnik-late"] == {"sputnik-late"}
    assert len(groups) == 3


def test_stories_command_agrees_with_the_list(grouped: tuple[Library, Path], data_dir: Path) -> None:
    _, folder = grouped
    run = [sys.executable, "-m", "reader", "--data-dir", str(data_dir), "--library", str(folder)]
    listed = json.loads(subprocess.run([*run, "list", "--json"], capture_output=True, text=True, check=True).stdout)
    found = json.loads(subprocess.run([*run, "stories", "--json"], capture_output=True, text=True, check=True).stdout)
    assert [list(s) for s in found[:1]] == [["story", "title", "date", "articles", "sources", "ids"]]
    assert {s["story"]: set(s["ids"]) for s in found} == members({r["id"]: r["story"] for r in listed})
    assert [s["date"] for s in found] == sorted((s["date"] for s in found), reverse=True)  # newest first
    belta = next(s for s in found if s["story"] == f"{BELTA}-cut")
    assert belta["articles"] == 5 and belta["ids"][0] == f"{BELTA}-cut"
    assert set(belta["sources"]) == {"agency0", "aggregator", "wire", "portal", "digest"}
    limited = json.loads(subprocess.run([*run, "stories", "--json", "--limit", "1"], capture_output=True, text=True, check=True).stdout)
    assert limited == found[:1]


def test_same_stories_whatever_the_order(tmp_path: Path) -> None:
    paths = sorted(str(p) for p in STORIES.glob("*.md"))
    prepared = [indexing.prepare(p, None) for p in paths]
    found = []
    for order in (prepared, prepared[::-1], prepared[3:] + prepared[:3]):
        index = Index.memory()
        for item in order:  # one article at a time: each joins the stories there are
            index.apply({p: str(STORIES) for p in paths}, {p: (1, 1) for p in paths}, [item])
        rowids = list(index.ordered())
        ids = dict(zip(rowids, (index.article(r).id for r in rowids), strict=True))  # type: ignore[union-attr]
        found.append({ids[r]: s for r, s in index.story_ids(rowids).items()})
        index.close()
    assert found[0] == found[1] == found[2]
    assert len(set(found[0].values())) == 3


def _stories(index: Index) -> dict[str, str]:
    rowids = list(index.ordered())
    ids = dict(zip(rowids, (index.article(r).id for r in rowids), strict=True))  # type: ignore[union-attr]
    return {ids[r]: s for r, s in index.story_ids(rowids).items()}


def test_same_stories_in_one_batch_or_many() -> None:
    """A batch's articles find each other as well as those indexed before it
    (looked up at once, before the batch is written), and an article
    replaced inside a batch joins as it would have in one of its own."""
    paths = sorted(str(p) for p in STORIES.glob("*.md"))
    prepared = [indexing.prepare(p, None) for p in paths]
    root_of, stat = {p: str(STORIES) for p in paths}, {p: (1, 1) for p in paths}
    one_by_one = Index.memory()
    for item in prepared:
        one_by_one.apply(root_of, stat, [item])
    found = _stories(one_by_one)
    for order in (prepared, prepared[::-1]):
        at_once = Index.memory()
        at_once.apply(root_of, stat, list(order))
        assert _stories(at_once) == found
        at_once.close()
    # The last article in again, changed (dropped, and its rowid given again), with articles of both stories after it.
    late = [p for p in prepared if not p.path.endswith("-original.md")]
    last = late.pop()
    replaced = Index.memory()
    replaced.apply(root_of, stat, [*late, last])
    replaced.apply(
        root_of, {**stat, last.path: (2, 2)}, [last._replace(digest="changed"), *(p for p in prepared if p.path.endswith("-original.md"))]
    )
    assert _stories(replaced) == found
    assert len(set(found.values())) == 3
    one_by_one.close()
    replaced.close()


def test_staged_key_rows_are_found_moved_and_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """New key rows are staged and moved to the key table once there are
    enough: the stories are the same whether they were moved or not, and an
    article dropped takes its key rows from both tables."""
    paths = sorted(str(p) for p in STORIES.glob("*.md"))
    prepared = [indexing.prepare(p, None) for p in paths]
    root_of, stat = {p: str(STORIES) for p in paths}, {p: (1, 1) for p in paths}
    found, counts = [], []
    for staged in (10**9, 1):  # never moved; moved at the start of every batch
        monkeypatch.setattr(store_stories, "STAGED_ROWS", staged)
        index = Index.memory()
        for item in prepared:
            index.apply(root_of, stat, [item])
        found.append(_stories(index))
        counts.append([index.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("story_keys", "story_keys_new")])
        dropped = prepared[0].path
        rowid = index.conn.execute("SELECT article FROM files WHERE path=?", (dropped,)).fetchone()[0]
        index.apply(root_of, stat, [], removed=[dropped])
        for table in ("story_keys", "story_keys_new"):
            assert index.conn.execute(f"SELECT count(*) FROM {table} WHERE rowid=?", (rowid,)).fetchone()[0] == 0
        index.close()
    assert found[0] == found[1]
    assert len(set(found[0].values())) == 3
    assert counts[0][0] == 0 < counts[0][1]  # all staged
    assert 0 < counts[1][1] <= 16 < counts[1][0]  # the last article's rows staged, the others moved
    assert sum(counts[0]) == sum(counts[1])


def test_an_article_leaving_splits_or_renames_its_story(grouped: tuple[Library, Path]) -> None:
    library, folder = grouped
    (folder / f"{BELTA}-cut.md").unlink()  # the earliest by id: the story is named after the next
    (folder / "sputnik-original.md").unlink()
    library.refresh()
    groups = members(story_of(library))
    assert groups[f"{BELTA}-edited"] == BELTA_COPIES - {f"{BELTA}-cut"}
    assert groups["sputnik-repost"] == {"sputnik-repost"}
    shutil.copy(STORIES / f"{BELTA}-cut.md", folder)  # back again: as before
    library.refresh()
    assert members(story_of(library))[f"{BELTA}-cut"] == BELTA_COPIES


def test_search_hits_carry_their_story(grouped: tuple[Library, Path]) -> None:
    library, _ = grouped
    hits = library.hits("Арипов", 20)
    assert {h.story for h in hits if h.id in BELTA_COPIES} == {f"{BELTA}-cut"}


def test_far_apart_in_time_is_never_one_event() -> None:
    text = "Премьер-министр Узбекистана Абдулла Арипов назвал ключевые направления кооперации в ЕАЭС. " * 4
    from reader.text import lemmas

    norm = lemmas.normalise_text(text, "ru")
    near = [stories.marks(date, norm, "t") for date in ("2025-10-01", "2025-10-04", "2025-10-05")]
    assert stories.same_event(near[0], near[1])
    assert not stories.same_event(near[0], near[2])  # four days: past 72 hours
    undated = stories.marks("", norm, "t")
    assert not stories.same_event(undated, undated)


def test_a_lead_said_every_day_is_no_story_of_months(tmp_path: Path, data_dir: Path) -> None:
    """A daily briefing that opens the same way each day links each day to the
    next: the chain stops where a story would span more than STORY_DAYS."""
    lead = (
        "Доброе утро. Это ежедневная сводка новостей экономики Центральной Азии: главные события дня, "
        "курсы валют, сделки и решения правительств, собранные редакцией для читателей рассылки каждое утро. "
    ) * 2
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in range(1, 31):
        (folder / f"day{day:02d}.md").write_text(
            f"---\nid: day{day:02d}\ntitle: Сводка за {day} ноября\ndate: 2026-11-{day:02d}\nlang: ru\n---\n\n{lead}\n\nСобытие номер {day}.\n",
            encoding="utf-8",
        )
    with Library([folder], data_dir) as library:
        library.refresh()
        found = library.stories()
    assert sum(len(s.ids) for s in found) == 30
    assert len(found) >= 30 // (store_stories.STORY_DAYS + 1)
    for story in found:
        days = sorted(int(i[3:]) for i in story.ids)
        assert days[-1] - days[0] <= store_stories.STORY_DAYS, story.ids
