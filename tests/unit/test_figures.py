"""Figures a reader can trust: exact values, one formatting, years, merged
mentions, units (the real yargy grammar)."""

from __future__ import annotations

import json

import pytest

from reader.highlight import figure_value
from reader.model import Extraction, Figure
from reader.text import extract, figures


def one(text: str, date: str = "2025-09-26") -> tuple[str, object, str]:
    found = figures.extract(text, date)
    assert len(found) == 1, found
    return found[0].kind, found[0].value, found[0].unit


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (1_850_000_000, "USD", "1 850 000 000 USD"),
        (1_800_000_000, "USD", "1 800 000 000 USD"),
        (70_000_000_000_000, "RUB", "70 000 000 000 000 RUB"),
        (2.5, "%", "2.5 %"),
        (1234.75, "", "1 234.75"),
        (78, "проект", "78 проект"),
        ("2025-12-29", "", "2025-12-29"),
    ],
)
def test_values_are_shown_exactly(value: object, unit: str, shown: str) -> None:
    assert figure_value(value, unit) == shown
    assert "e" not in figure_value(value, "").lower() or isinstance(value, str)


def test_money_is_exact() -> None:
    assert one("сделка на $1,85 млрд") == ("money", 1_850_000_000, "USD")
    assert one("auf 1,2 Milliarden Euro") == ("money", 1_200_000_000, "EUR")
    assert one("a $1.85 billion deal") == ("money", 1_850_000_000, "USD")
    assert isinstance(figures.extract("$1,85 млрд")[0].value, int)


@pytest.mark.parametrize(
    ("text", "date", "value"),
    [
        ("Заседание прошло 29 декабря.", "2026-01-10", "2025-12-29"),
        ("The meeting took place on December 29.", "2026-01-10", "2025-12-29"),
        ("Заседание прошло 5 января.", "2026-01-10", "2026-01-05"),
        ("Саммит состоится 29 декабря.", "2026-01-10", "2026-12-29"),
        ("The plant will open on March 5.", "2026-04-10", "2027-03-05"),
        ("Завод откроют 5 января следующего года.", "2026-01-10", "2027-01-05"),
        ("The talks ended on 10 January.", "2026-01-10", "2026-01-10"),
        ("Отчёт за 29 декабря 2024 года.", "2026-01-10", "2024-12-29"),
    ],
)
def test_a_date_without_a_year_is_on_or_before_the_article(text: str, date: str, value: str) -> None:
    dates = [f.value for f in figures.extract(text, date) if f.kind == "date"]
    assert dates == [value]


def test_one_figure_listed_once_with_its_mentions() -> None:
    text = "Проекты на $1,8 млрд. Всего $1,8 млрд вложений: 78 совместных проектов, из них 78 проектов в промышленности."
    found = figures.extract(text, "2025-09-26")
    assert [(f.kind, f.value, f.unit) for f in found] == [("money", 1_800_000_000, "USD"), ("count", 78, "проект")]
    money, count = found
    assert len(money.mentions) == 2 and len(count.mentions) == 2
    assert (money.start, money.end) == money.mentions[0]
    assert [text[a:b] for a, b in money.mentions] == ["$1,8 млрд", "$1,8 млрд"]
    assert [text[a:b] for a, b in count.mentions] == ["78 совместных проектов", "78 проектов"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("дорога длиной 150 км", 150, "km"),
        ("собрали 2,5 млн тонн зерна", 2_500_000, "т"),
        ("a line 150 km long", 150, "km"),
        ("станция на 300 МВт", 300, "MW"),
    ],
)
def test_units_make_quantities(text: str, value: int, unit: str) -> None:
    assert one(text) == ("quantity", value, unit)


def test_json_keeps_the_contract_and_adds_mentions() -> None:
    found = extract.extract("Всего $1,8 млрд и снова $1,8 млрд.", "ru", "2025-09-26")
    record = found.figures[0].as_json()
    assert {"kind", "text", "value", "unit", "start", "end", "mentions"} <= set(record)
    assert record["value"] == 1_800_000_000 and record["mentions"] == [[6, 15], [24, 33]]
    assert extract.from_json(extract.to_json(found)) == found
    old = json.dumps({"entities": [], "figures": [{"kind": "percent", "text": "5%", "value": 5, "unit": "%", "start": 0, "end": 2}]})
    assert extract.from_json(old) == Extraction((), (Figure("percent", "5%", 5, "%", 0, 2),))


def test_a_number_glued_to_a_word_is_no_figure() -> None:
    found = figures.extract("Passwords amazon20$ and amazon21$ leaked; an Ил-76 and COVID-19 cost $5 and 300 человек.", "2026-01-01")
    assert [(f.kind, f.value) for f in found] == [("money", 5), ("count", 300)]


def dates(text: str, date: str) -> list[tuple[str, list[str]]]:
    return [(str(f.value), [text[a:b] for a, b in f.mentions]) for f in figures.extract(text, date) if f.kind == "date"]


def test_a_date_said_in_the_past_after_a_quotation_about_the_future() -> None:
    text = "«Никаких военных действий на этой территории армия не будет вести», — заявил 30 августа заместитель министра обороны."
    assert dates(text, "2026-11-26") == [("2026-08-30", ["30 августа"])]


def test_a_clause_about_the_future_puts_the_date_next_year() -> None:
    assert dates("Следующий форум пройдёт 30 августа в Ташкенте.", "2026-11-26") == [("2027-08-30", ["30 августа"])]
    assert dates("Министр сообщил, что форум пройдёт 30 августа.", "2026-11-26") == [("2027-08-30", ["30 августа"])]


def test_the_verb_of_the_dates_own_clause_decides_not_the_rest_of_the_sentence() -> None:
    assert dates("Министр заявил 30 августа, что форум пройдёт в декабре.", "2026-11-26") == [("2026-08-30", ["30 августа"])]
    assert dates("On March 5, the plant will open.", "2026-04-10") == [("2027-03-05", ["March 5"])]


def test_the_verb_nearest_the_date_in_its_clause_decides() -> None:
    assert dates("The company said on March 5 it will open a plant.", "2026-04-10") == [("2026-03-05", ["March 5"])]
    assert dates("The company plans to open the plant it announced on March 5.", "2026-04-10") == [("2026-03-05", ["March 5"])]
    assert dates("Министр, который заявил об этом, приедет 30 августа.", "2026-11-26") == [("2027-08-30", ["30 августа"])]


def test_one_date_said_twice_has_one_value() -> None:
    text = "«Никаких учений армия не будет вести 30 августа», — сказал он. Об этом 30 августа заявил заместитель министра."
    assert dates(text, "2026-11-26") == [("2026-08-30", ["30 августа", "30 августа"])]
    later = "Форум пройдёт 30 августа. Программу форума, который пройдёт 30 августа, утвердят позже."
    assert dates(later, "2026-11-26") == [("2027-08-30", ["30 августа", "30 августа"])]
