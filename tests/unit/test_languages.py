"""Language per article, and search that stems each language with its own
stemmer."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import corpus
from reader.library import Library
from reader.model import word_count
from reader.text import lang, lemmas
from tests.conftest import TESTS

MIXED = TESTS / "data" / "mixed"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The government announced new economic measures.", "en"),
        ("Правительство объявило о новых экономических мерах.", "ru"),
        ("Die Regierung hat neue Steuern angekündigt.", "de"),
        ("Le gouvernement annonce de nouvelles mesures.", "fr"),
        ("Уряд оголосив нові економічні заходи.", "uk"),
        ("Үкімет жаңа экономикалық шараларды жариялады.", "kk"),
        ("Hukumat yangi iqtisodiy choralarni e'lon qildi.", "uz"),
        ("Hükümet yeni ekonomik önlemler açıkladı.", "tr"),
        ("12 345 — 67.", "und"),
        ("ATHLETICS - BERLIN GRAND PRIX RESULTS .\nBERLIN 1996-08-30\n1. Michael Johnson ( U.S. ) 19.32", "en"),  # unsure: script
    ],
)
def test_short_texts(text: str, code: str) -> None:
    assert lang.detect(text) == code


def test_front_matter_wins_and_raw_files_are_detected() -> None:
    assert corpus.load(MIXED / "de_regierung.md").article.lang == "de"  # detected: no lang in its front matter
    assert corpus.load(MIXED / "kk_novosti.txt").article.lang == "kk"
    assert corpus.load(MIXED / "en_summit.md").article.lang == "en"


def test_each_language_has_its_stemmer() -> None:
    assert lemmas.normalise_text("Regierungen Steuern", "de") == "regier steu"
    assert lemmas.normalise_text("governments running", "en") == "govern run"
    assert lemmas.normalise_text("Ташкенте", "de") == "ташкент"  # Cyrillic words are lemmatised in any article
    assert {"regier", "govern"} <= lemmas.query_forms("Regierung") | lemmas.query_forms("governments")
    assert lemmas.VERSION != "lemmas-1"  # the index is rebuilt with the new forms


def test_search_finds_each_language_in_any_inflection(data_dir: Path) -> None:
    with Library([MIXED], data_dir) as library:
        library.refresh()
        for query, expected in {
            "Regierung": {"2f3a4b5c6d7e8f90"},
            "Steuer": {"2f3a4b5c6d7e8f90"},
            '"neue Steuern"': {"2f3a4b5c6d7e8f90"},
            "praise": {"1e2a3b4c5d6e7f80"},
            "lang:de": {"2f3a4b5c6d7e8f90"},
        }.items():
            hits = library.hits(query, 10)
            assert isinstance(hits, list), query
            assert {h.id for h in hits} == expected, query


def test_english_entities_are_searchable(data_dir: Path) -> None:
    with Library([MIXED], data_dir) as library:
        library.refresh()
        library.extract_pending()
        for query in ("person:Biden", 'person:"Joe Biden"', 'org:"World Bank"', "place:Tashkent"):
            hits = library.hits(query, 10)
            assert isinstance(hits, list), query
            assert {h.id for h in hits} == {"1e2a3b4c5d6e7f80"}, query


def test_the_cut_model_is_cached_and_reads_back_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    texts = [
        "The government announced new economic measures.",
        "Уряд оголосив нові економічні заходи.",
        "Hükümet yeni ekonomik önlemler açıkladı.",
    ]
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "langid-0123456789ab.npz").write_bytes(b"an earlier format")
    made = lang._load()  # from the wheel; writes the cache, and drops the earlier one
    cached = lang._cache_file()
    assert cached is not None and cached.is_file() and cached.parent == tmp_path / "cache"
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]
    read = lang._load()  # from the cache
    assert read.nb_classes == made.nb_classes and set(read.nb_classes) == set(lang.LANGUAGES)
    for text in texts:
        assert read.classify(text) == made.classify(text)
    whole = cached.read_bytes()
    for damaged in (b"not a model", whole[: len(whole) // 2]):  # a damaged cache is read past, and made again
        cached.unlink()
        cached.write_bytes(damaged)
        assert lang._load().classify(texts[0]) == made.classify(texts[0])
        assert cached.read_bytes() == whole


def test_the_table_of_forms_gives_what_normalising_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Токаев встретился с Токаевым; Regierungen, Steuern и governments running 12 раз"
    expected = " ".join(lemmas._normal(lemmas.fold(w), w[:1].isupper(), "de") for w in lemmas.WORD.findall(text))
    assert lemmas.normalise_text(text, "de") == expected  # filled
    assert lemmas.normalise_text(text, "de") == expected  # read from the table
    monkeypatch.setattr(lemmas, "FORMS_KEPT", 3)
    assert lemmas.normalise_text(text + " новое слово", "de") == expected + " новый слово"  # table full: started again
    assert len(lemmas._FORMS["de"]) <= len(lemmas.WORD.findall(text)) + 2


def test_another_languages_stem_finds_nothing_where_no_article_is_in_it(data_dir: Path, tmp_path: Path) -> None:
    """From a trial: «release» found every English article with the word
    «rel» in it, ahead of those that said «release»: the Spanish stemmer
    makes it «rel», and a query asked for every language's stem."""
    folder = tmp_path / "english"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Link types\nlang: en\n---\n\nThe rel attribute of a link.\n", encoding="utf-8")
    (folder / "b.md").write_text(
        "---\ntitle: New version\nlang: en\n---\n\nThe release is out, rel and all; two more releases follow.\n", encoding="utf-8"
    )
    with Library([folder], data_dir) as library:
        library.refresh()
        for query in ("release", "releases", "released"):
            hits = library.hits(query, 10)
            assert isinstance(hits, list) and [h.title for h in hits] == ["New version"], query
            marked = [hits[0].snippet[a:b] for a, b in hits[0].marks]
            assert "rel" not in marked and "release" in marked, hits[0]
        spanish = folder / "c.md"
        spanish.write_text("---\ntitle: Nota\nlang: es\n---\n\nEl rel de la nota.\n", encoding="utf-8")
        library.refresh()
        hits = library.hits("release", 10)  # a Spanish article now: its stem counts, in it
        assert isinstance(hits, list) and {h.title for h in hits} >= {"New version", "Nota"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Stocks rose on Tuesday after the bank kept rates.", 9),
        ("政府間委員会の次回会合は2026年春にアスタナで開かれる。", 13),  # 26 characters of kanji and kana, the digits a word
        ("两国贸易额同比增长了12%", 6),  # ten characters, and the figure
        ("รัฐมนตรีกล่าวว่า", 4),  # 16 Thai letters and marks
        ("", 0),
    ],
)
def test_words_are_counted_in_scripts_without_spaces(text: str, words: int) -> None:
    assert word_count(text) == words
