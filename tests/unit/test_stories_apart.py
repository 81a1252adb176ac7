"""Stories told apart: two write-ups of one event (the same names, the same
words, no sentence in common) are one story once their names are extracted;
related events that share names stay apart; the stories do not depend on the
order articles are indexed or their names arrive in.

The texts are factRuEval's (MIT licence, dialogue-evaluation), made into
write-ups by ``python -m reader.bench stories``: 290 (Japan's protests at a
Kuril visit) told by one agency and retold by another, 261 (an earlier
protest over the Kurils, the same names), 324 and 337 (Benazir Bhutto freed,
and put under house arrest again)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import indexing, stories
from reader.library import Library
from reader.library.entities import name_rows
from reader.search import entity_tokens
from reader.store import Index
from reader.text import extract
from tests.conftest import TESTS

APART = TESTS / "data" / "stories_apart"
TOLD, RETOLD = "factru-book_290-told", "factru-book_290-retold"


def groups(library: Library) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in library.list_rows():
        out.setdefault(row.story, set()).add(row.id)
    return out


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(APART, tmp_path / "apart"))


@pytest.fixture
def library(folder: Path, data_dir: Path) -> Iterator[Library]:
    with Library([folder], data_dir) as library:
        library.refresh()
        yield library


def test_write_ups_apart_join_once_their_names_are_known(library: Library) -> None:
    assert len(groups(library)) == 5  # indexed: no phrasing in common, each its own story
    library.extract_pending()
    found = groups(library)
    assert found[TOLD] == {TOLD, RETOLD}  # named after the earlier
    # The same names (Япония, Курилы, Наото Кан, Лавров...), another protest: apart. Bhutto freed, Bhutto
    # arrested again, the same day: apart.
    assert {"factru-book_261-original"} in found.values()
    assert {"factru-book_324-original"} in found.values() and {"factru-book_337-original"} in found.values()
    assert len(found) == 4


def test_names_stored_again_give_the_same_stories(library: Library) -> None:
    library.extract_pending()
    before = groups(library)
    with library.session.index_w.write() as tx:  # as a new version of the extractor would find them
        tx.execute("UPDATE articles SET extracted=NULL")
    library.extract_pending()
    assert groups(library) == before


def test_a_write_up_leaving_splits_its_story(library: Library, folder: Path) -> None:
    library.extract_pending()
    (folder / f"{TOLD}.md").unlink()
    library.refresh()
    assert groups(library)[RETOLD] == {RETOLD}


def test_same_stories_whatever_the_order_of_indexing_and_of_names() -> None:
    paths = sorted(str(p) for p in APART.glob("*.md"))
    prepared = [indexing.prepare(p, None) for p in paths]
    names = {}
    for _, item, digest, _ in prepared:
        assert item is not None
        found = extract.extract(item.article.body, item.article.lang, item.article.date)
        tokens = " zzsep ".join(entity_tokens(e.kind, e.normal) for e in found.entities)
        names[digest] = (item.hash, extract.to_json(found), tokens, name_rows(found))
    results = []
    for order, named in ((prepared, prepared), (prepared[::-1], prepared), (prepared, prepared[::-1]), (prepared[2:] + prepared[:2],) * 2):
        index = Index.memory()
        for item in order:
            index.apply({p: str(APART) for p in paths}, {p: (1, 1) for p in paths}, [item])
        for item in named:  # one article's names at a time: each joins the stories there are
            index.store_extractions(extract.VERSION, [names[item[2]]])
        rowids = list(index.ordered())
        ids = {r: index.article(r).id for r in rowids}  # type: ignore[union-attr]
        results.append({ids[r]: s for r, s in index.story_ids(rowids).items()})
        index.close()
    assert all(found == results[0] for found in results)
    assert results[0][RETOLD] == results[0][TOLD] == TOLD
    assert len(set(results[0].values())) == 4


def test_told_apart_wants_close_dates_the_same_names_and_words() -> None:
    names, words = frozenset(range(6)), frozenset(f"word{n}" for n in range(40))
    assert stories.told_apart(100, 101, names, names, words, words)
    assert not stories.told_apart(100, 102, names, names, words, words)  # two days: copies may be, write-ups not
    assert not stories.told_apart(0, 0, names, names, words, words)  # undated
    assert not stories.told_apart(100, 100, names, frozenset(range(4, 10)), words, words)  # two names of six in common
    assert not stories.told_apart(100, 100, names, names, words, frozenset(f"other{n}" for n in range(40)) | {"word1"})
