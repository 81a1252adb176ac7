"""The search checks of the store issue, on the original seed files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reader.library import Library
from reader.query import parse
from reader.search import Matcher
from tests.conftest import BELTA, SPUTNIK


def ids(library: Library, query: str) -> set[str]:
    hits = library.hits(query, 50)
    assert isinstance(hits, list), hits
    return {h.id for h in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("проекта", {BELTA, SPUTNIK}),
        ("Ташкенту", {BELTA, SPUTNIK}),
        ("Плехановский", {SPUTNIK}),
        ("Мирзиеев", {BELTA}),
        ("Токаев", {SPUTNIK}),
        ('"искусственного интеллекта"', {BELTA, SPUTNIK}),
        ("Узбекистан -Токаев", {BELTA}),
        ("date:2025-09-26", {SPUTNIK}),
        ("source:Sputnik", {SPUTNIK}),
        ("date:2025-09", {BELTA, SPUTNIK}),
        ("-date:2025-09-26", {BELTA}),
        ("проект*", {BELTA, SPUTNIK}),
        ("cooperation", set()),
    ],
)
def test_inflection_and_syntax(raw_library: Library, query: str, expected: set[str]) -> None:
    assert ids(raw_library, query) == expected


def test_tags_only_in_markdown(library: Library) -> None:
    assert ids(library, "tag:цифровизация") == {SPUTNIK}
    assert ids(library, "lang:ru") == {BELTA, SPUTNIK}


def test_partial_last_word_matches_as_typed(raw_library: Library) -> None:
    assert len(raw_library.search("Ташк", partial=True).rowids) == 2
    assert len(raw_library.search("Плехан", partial=True).rowids) == 1
    assert len(raw_library.search("Ташк", partial=False).rowids) == 0


def test_snippet_marks_matched_words(raw_library: Library) -> None:
    hits = raw_library.hits("проекта", 5)
    assert isinstance(hits, list)
    assert all(any(h.snippet[a:b].startswith("проект") for a, b in h.marks) for h in hits)
    assert hits[0].score > 0


def test_an_articles_own_asterisks_are_no_match(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stars"
    folder.mkdir()
    body = "Call it with \\*\\*options\\*\\* and \\*\\*kwargs: the Tashkent office answers."
    (folder / "a.md").write_text(f"---\nid: a\ntitle: Stars\ndate: 2026-11-01\nlang: en\n---\n{body}\n", encoding="utf-8")
    with Library([folder], data_dir) as library:
        library.refresh()
        [hit] = library.hits("Tashkent", 5)
        assert "**options**" in hit.snippet
        assert [hit.snippet[a:b] for a, b in hit.marks] == ["Tashkent"]


def test_title_weighs_more_than_body(library: Library) -> None:
    hits = library.hits("ЕАЭС", 5)
    assert isinstance(hits, list)
    assert hits[0].id == BELTA


def test_malformed_query_is_an_error_value(raw_library: Library) -> None:
    found = raw_library.search('"unclosed')
    assert found.error is not None and not found.rowids


def _write(folder: Path, number: int, text: str = "") -> Path:
    path = folder / f"a{number:04d}.md"
    path.write_text(
        f"---\ntitle: Статья {number}\ndate: 2024-01-{number % 28 + 1:02d}\nsource: Тест\n---\nТекст номер {number}. {text}\n",
        encoding="utf-8",
    )
    return path


def test_refresh_reads_only_what_changed(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    paths = [_write(folder, n) for n in range(1000)]
    with Library([folder], data_dir) as library:
        first = library.refresh()
        assert (first.seen, first.read) == (1000, 1000)
        assert library.count() == 1000
        again = library.refresh()
        assert again.read == 0
        time.sleep(0.01)
        _write(folder, 7, "Изменённый абзац про Ташкент.")
        edited = library.refresh()
        assert edited.read == 1
        assert len(library.search("Ташкент").rowids) == 1
        os.utime(paths[8], ns=(time.time_ns(), time.time_ns()))
        touched = library.refresh()
        assert touched.read == 1 and library.count() == 1000
        paths[9].unlink()
        gone = library.refresh()
        assert gone.removed == 1 and library.count() == 999
        assert not library.search('"Текст номер 9"').rowids


def test_index_command_reports_files_read(tmp_path: Path, data_dir: Path) -> None:
    from reader.cli import main

    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(20):
        _write(folder, n)
    assert main(["index", "--library", str(folder), "--data-dir", str(data_dir)]) == 0
    time.sleep(0.01)
    _write(folder, 3, "ещё")
    with Library([folder], data_dir) as library:
        assert library.refresh().read == 1


def test_an_acronym_is_not_stemmed_and_a_query_in_capitals_prefers_it(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "en"
    folder.mkdir()
    for name, title, body in (
        ("rack", "Up, up and away: cleaned up the Lack Rack", "Everything is tidied up on the rack now, all ups and downs gone."),
        ("ups", "Help picking a UPS", "Which UPS keeps a small server up for ten minutes?"),
        ("nato", "NATO summit", "Leaders met at the NATO summit."),
        ("loud", "ELECTION RESULTS: MARKETS RALLIED AFTER VOTING", "Shares rose."),
    ):
        (folder / f"{name}.md").write_text(
            f'---\nid: {name}\ntitle: "{title}"\ndate: 2026-11-01\nlang: en\n---\n{body}\n', encoding="utf-8"
        )
    with Library([folder], data_dir) as library:
        library.refresh()
        hits = library.hits("UPS", 5)
        assert isinstance(hits, list)
        marked = [hits[0].snippet[a:b] for a, b in hits[0].marks]
        assert [h.id for h in hits] == ["ups"] and "UPS" in marked and "up" not in [m.lower() for m in marked]
        assert {"rack", "ups"} <= {h.id for h in library.hits("ups", 5)}  # typed in lower case: the word too, stemmed as before
        assert [h.id for h in library.hits('"NATO summit"', 5)] == ["nato"]
        assert {h.id for h in library.hits("tidying", 5)} == {"rack"}
        # A headline in capitals is words, stemmed: found in any form, and marked
        assert [h.id for h in library.hits("market rally", 5)] == ["loud"]
        assert [h.id for h in library.hits("RESULT", 5)] == ["loud"]  # a long word typed in capitals is a word
    headline = "ELECTION RESULTS: MARKETS RALLIED"
    assert [headline[a:b] for a, b in Matcher.of(parse("market")).spans(headline)] == ["MARKETS"]
    assert [t[a:b] for t in ["UPS and ups"] for a, b in Matcher.of(parse("UPS")).spans(t)] == ["UPS"]


def test_words_are_found_whatever_their_script_case_and_punctuation(data_dir: Path, tmp_path: Path) -> None:
    """The full-text index splits normal forms at spaces only (FTS5's ascii
    tokenizer): a folded word with a combining mark («İzmir» -> «i̇zmir»),
    Greek capitals, digits in other scripts and punctuation outside ASCII
    between two words must index and match as the words they are."""
    folder = tmp_path / "words"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: ΟΔΟΣ ΑΘΗΝΑΣ\nlang: tr\n---\n\nİzmir«Газпром»—партнёр, x²…дом’s ١٢٣ end.\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: Other\nlang: en\n---\n\nNothing here.\n", encoding="utf-8")
    with Library([folder], data_dir) as library:
        library.refresh()
        for query in ("İzmir", "izmir", "газпром", "Партнёр", "партнер", "x²", "дом", "١٢٣", "οδος", "ΑΘΗΝΑΣ"):
            hits = library.hits(query, 10)
            assert isinstance(hits, list), query
            assert [h.title for h in hits] == ["ΟΔΟΣ ΑΘΗΝΑΣ"], query
        assert library.hits("газпромпартнер", 10) == []


def test_a_nested_tag_is_found_by_each_of_its_folders(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, tags in (("a", '["Blogs/Friends"]'), ("b", '["Blogs/Work", "Reading"]'), ("c", '["friendship"]')):
        (folder / f"{name}.md").write_text(
            f"---\nid: {name}\ntitle: {name}\ndate: 2025-01-0{ord(name) - 96}\ntags: {tags}\n---\n\nText {name}.\n", encoding="utf-8"
        )
    with Library([folder], tmp_path / "data") as library:
        library.refresh()
        assert ids(library, "tag:friends") == {"a"}
        assert ids(library, "tag:blogs") == {"a", "b"}
        assert ids(library, "tag:blogs/work") == {"b"}
        assert ids(library, "tag:reading") == {"b"}
