"""Entities and figures with the real natasha models and yargy grammar."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library import Library
from reader.model import Extraction
from reader.text import figures
from tests.conftest import BELTA, SPUTNIK


@pytest.fixture
def extracted(raw_library: Library) -> dict[str, tuple[str, Extraction]]:
    out = {}
    for article_id in (BELTA, SPUTNIK):
        article = raw_library.find(article_id)
        assert article is not None
        out[article_id] = (article.body, raw_library.extraction(article))
    return out


def normals(extraction: Extraction, kind: str) -> set[str]:
    return {e.normal for e in extraction.entities if e.kind == kind}


def figures_of(extraction: Extraction, kind: str) -> set[tuple[object, str]]:
    return {(f.value, f.unit) for f in extraction.figures if f.kind == kind}


def test_belta_entities_and_figures(extracted: dict[str, tuple[str, Extraction]]) -> None:
    _, found = extracted[BELTA]
    assert {"Абдулла Арипов", "Шавкат Мирзиёев"} <= normals(found, "PER")
    assert {"Узбекистан", "Ташкент", "Минск"} <= normals(found, "LOC")
    assert {"ЕАЭС", "СНГ", "БЕЛТА"} <= normals(found, "ORG")
    assert {(70_000_000_000, "USD"), (5_000_000_000, "USD"), (6_000_000_000, "USD")} <= figures_of(found, "money")
    assert {(600, "проект"), (35, "страна")} <= figures_of(found, "count")
    assert ("2025-09-29", "") in figures_of(found, "date")
    assert "Корр" not in {e.normal for e in found.entities}
    assert "Самаркандская область" in normals(found, "LOC")


def test_sputnik_entities_and_figures(extracted: dict[str, tuple[str, Extraction]]) -> None:
    _, found = extracted[SPUTNIK]
    people = normals(found, "PER")
    assert {"Касым-Жомарт Токаев", "Бейбут Атамкулов", "Равшан Назаров"} <= people
    assert "Токаев" not in people  # the lone surname joined the full name
    assert "Казахстан" in normals(found, "LOC")
    assert "Ташкент" in normals(found, "LOC")  # the dateline, not an organisation
    orgs = normals(found, "ORG")
    assert {"Институт государства и права", "Академия наук", "Посольство Казахстана", "Sputnik Узбекистан"} <= orgs
    assert "Посольство" not in orgs and "Sputnik" not in orgs
    assert (1_800_000_000, "USD") in figures_of(found, "money")
    assert {(78, "проект"), (30, "филиал")} <= figures_of(found, "count")
    assert ("2025-09-26", "") in figures_of(found, "date")


def test_every_offset_cuts_its_text(extracted: dict[str, tuple[str, Extraction]]) -> None:
    for body, found in extracted.values():
        for entity in found.entities:
            assert body[entity.mentions[0][0] : entity.mentions[0][1]] == entity.text
            for start, end in entity.mentions:
                assert 0 <= start < end <= len(body)
        for figure in found.figures:
            assert body[figure.start : figure.end] == figure.text


def test_extraction_is_cached(raw_library: Library) -> None:
    article = raw_library.find(BELTA)
    assert article is not None
    assert raw_library.cached_extraction(article) is None
    first = raw_library.extraction(article)
    raw_library.flush()  # the cache is written by the library's writer thread
    assert raw_library.cached_extraction(article) == first


def test_entity_queries_in_any_inflection(raw_library: Library) -> None:
    raw_library.extract_pending()
    assert raw_library.pending_extraction() == 0
    for query, expected in {
        "person:Токаева": {SPUTNIK},
        "person:Арипову": {BELTA},
        'org:"Академии наук"': {SPUTNIK},
        "place:Ташкенте": {BELTA, SPUTNIK},
        "entity:ЕАЭС": {BELTA},
    }.items():
        hits = raw_library.hits(query, 10)
        assert isinstance(hits, list)
        assert {h.id for h in hits} == expected, query


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("рост на 5%", "percent", 5, "%"),
        ("на 5 процентов", "percent", 5, "%"),
        ("пять процентов", "percent", 5, "%"),
        ("500 млн рублей", "money", 500_000_000, "RUB"),
        ("€3,5 млн", "money", 3_500_000, "EUR"),
        ("USD 5 million", "money", 5_000_000, "USD"),
        ("revenue of 3 billion dollars", "money", 3_000_000_000, "USD"),
        ("11 тыс. представителей", "count", 11_000, "представитель"),
        ("составит 11 тыс.", "quantity", 11_000, ""),
        ("в 2024 году", "date", "2024", ""),
        ("26 сен", "date", "2025-09-26", ""),
        ("On March 5, 2024", "date", "2024-03-05", ""),
    ],
)
def test_figure_shapes(text: str, kind: str, value: object, unit: str) -> None:
    found = figures.extract(text, "2025-09-26")
    assert [(f.kind, f.value, f.unit) for f in found] == [(kind, value, unit)]


def test_hostile_numbers_stay_bounded() -> None:
    started = time.process_time()
    assert figures.extract("1" * 1_000_000) == []
    assert figures.extract("9" * 100_000 + " долларов") == []
    assert time.process_time() - started < 30  # a generous bound: a hang, not speed, is the failure


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.$%€млрдтыс процентов долларов сентября 2024 году")), max_size=80))
def test_figure_spans_cut_their_text(text: str) -> None:
    for figure in figures.extract(text, "2025-01-01"):
        assert 0 <= figure.start < figure.end <= len(text)
        assert text[figure.start : figure.end] == figure.text


def test_letters_are_scales_only_for_money() -> None:
    assert figures.extract("C1 31m. and 5k runners") == []
    assert [(f.value, f.unit) for f in figures.extract("raised $5m today")] == [(5_000_000, "USD")]


@pytest.mark.parametrize(
    ("text", "kind", "normal"),
    [
        ("Компания ОАО «Газпром» сообщила о росте добычи.", "ORG", "Газпром"),
        ("Страны ЕС договорились в Брюсселе.", "ORG", "ЕС"),
        ("Решение Европейского союза вступило в силу.", "ORG", "Европейский союз"),
        ("Представитель Национального фронта (FN) заявил об этом.", "ORG", "Национальный фронт (FN)"),
    ],
)
def test_organisation_mends(text: str, kind: str, normal: str) -> None:
    from reader.text import entities

    found = {(e.kind, e.normal) for e in entities.extract(text)}
    assert (kind, normal) in found


def russian(text: str) -> set[tuple[str, str]]:
    from reader.text import entities

    return {(e.kind, e.normal) for e in entities.extract(text)}


def test_coordinated_regions_share_their_noun() -> None:
    found = russian("Засуха ударила по хозяйствам в Ташкентской и Самаркандской областях.")
    assert {("LOC", "Ташкентская область"), ("LOC", "Самаркандская область")} <= found
    assert ("LOC", "Ташкентская") not in found


@pytest.mark.parametrize(
    "text", ["В Посольстве Казахстана в Узбекистане прошел круглый стол.", "Посольство Казахстана сообщило об этом в пятницу."]
)
def test_embassy_is_kept_whole(text: str) -> None:
    found = russian(text)
    assert ("ORG", "Посольство Казахстана") in found
    assert ("LOC", "Казахстан") not in found and ("ORG", "Посольство") not in found


def test_agency_and_its_branch_are_one_organisation() -> None:
    from reader.text import entities

    text = "ТАШКЕНТ, 26 сен — Sputnik. Встреча прошла в Ташкенте, передает корреспондент Sputnik Узбекистан."
    sputnik = [e for e in entities.extract(text) if "Sputnik" in e.text]
    assert len(sputnik) == 1
    assert sputnik[0].kind == "ORG" and sputnik[0].normal == "Sputnik Узбекистан" and len(sputnik[0].mentions) == 2


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("ТАШКЕНТ, 26 сен — Sputnik. Встреча прошла.", "Ташкент"),
        ("Заголовок новости\nМОСКВА, 3 окт — РИА Новости. Встреча прошла.", "Москва"),
        ("АСТАНА, 12 ноя — Kazinform. Переговоры продолжатся.", "Астана"),
    ],
)
def test_dateline_city_is_a_place(text: str, city: str) -> None:
    found = russian(text)
    assert ("LOC", city) in found
    assert not any(kind == "ORG" and normal.lower() == city.lower() for kind, normal in found)
