"""Figures in text: money, percentages, counts, quantities and dates.

The shapes are a yargy grammar (natasha's rule library), matched on short
windows that start where a number starts. Finding those starts is one
linear regex pass, and the grammar only ever sees a window of a few tokens,
so a megabyte of digits or numbers costs a bounded amount of work.

Values are exact (``Decimal`` arithmetic: «$1,85 млрд» is 1850000000) and
shown by :func:`format_value` alone, in the sidebar and the CLI alike. A
number with a unit of measure («150 км», «2,5 млн тонн») is a quantity in
that unit, not a count. A date without a year is put on or before the
article's date (news reports what happened), unless the verb nearest to it
in its own clause speaks of the future («will», «будет», «пройдёт», «в
декабре следующего года»), or, with no tense in its clause, its sentence
outside quotations does; one such date said twice gets one value. A figure met
twice is listed once with both mentions; «78 совместных проектов» and «78
проектов» are one count.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from reader.model import Figure
from reader.text.lazy import Once

MAX_CANDIDATES = 300
WINDOW = 80
MAX_DIGITS = 15

SCALES = {
    "тыс": 10**3, "тысяча": 10**3, "thousand": 10**3, "k": 10**3,
    "млн": 10**6, "миллион": 10**6, "million": 10**6, "mln": 10**6, "m": 10**6,
    "млрд": 10**9, "миллиард": 10**9, "billion": 10**9, "bn": 10**9, "b": 10**9,
    "трлн": 10**12, "триллион": 10**12, "trillion": 10**12, "tn": 10**12,
    "mio": 10**6, "millionen": 10**6, "mrd": 10**9, "milliarde": 10**9, "milliarden": 10**9,
}  # fmt: skip
CURRENCIES = {
    "$": "USD", "usd": "USD", "доллар": "USD", "долл": "USD", "dollar": "USD",
    "€": "EUR", "eur": "EUR", "евро": "EUR", "euro": "EUR",
    "₽": "RUB", "rub": "RUB", "рубль": "RUB", "руб": "RUB", "ruble": "RUB", "rouble": "RUB",
    "dollars": "USD", "euros": "EUR", "rubles": "RUB", "roubles": "RUB", "pounds": "GBP",
    "£": "GBP", "gbp": "GBP", "фунт": "GBP", "pound": "GBP",
    "¥": "CNY", "cny": "CNY", "юань": "CNY", "yuan": "CNY",
    "₸": "KZT", "kzt": "KZT", "тенге": "KZT", "tenge": "KZT",
    "uzs": "UZS", "сум": "UZS", "сумы": "UZS", "сума": "UZS", "тенг": "KZT", "byn": "BYN",
}  # fmt: skip
NUMBER_WORDS = {
    "ноль": 0, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
    "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16,
    "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
    "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200, "триста": 300,
    "четыреста": 400, "пятьсот": 500, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "fifty": 50, "hundred": 100,
}  # fmt: skip
MONTHS = {
    "январь": 1, "янв": 1, "февраль": 2, "фев": 2, "март": 3, "мар": 3, "апрель": 4, "апр": 4,
    "май": 5, "мая": 5, "июнь": 6, "июн": 6, "июль": 7, "июл": 7, "август": 8, "авг": 8,
    "сентябрь": 9, "сен": 9, "сент": 9, "октябрь": 10, "окт": 10, "ноябрь": 11, "ноя": 11,
    "декабрь": 12, "дек": 12, "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3,
    "april": 4, "may": 5, "june": 6, "july": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# Units of measure (the word's dictionary form or abbreviation) and how the
# unit is written.
UNITS = {
    "км": "km", "километр": "km", "km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "метр": "m", "metre": "m", "metres": "m", "meter": "m", "meters": "m", "миля": "mi", "mile": "mi", "miles": "mi",
    "кг": "kg", "килограмм": "kg", "kg": "kg", "kilogram": "kg", "kilograms": "kg",
    "т": "т", "тонна": "т", "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t",
    "га": "ha", "гектар": "ha", "ha": "ha", "hectare": "ha", "hectares": "ha",
    "литр": "l", "litre": "l", "litres": "l", "liter": "l", "liters": "l",
    "баррель": "bbl", "barrel": "bbl", "barrels": "bbl", "кубометр": "m³",
    "мвт": "MW", "mw": "MW", "megawatt": "MW", "megawatts": "MW", "гвт": "GW", "gw": "GW", "gigawatt": "GW", "gigawatts": "GW",
    "квт": "kW", "kw": "kW", "мегаватт": "MW", "гигаватт": "GW", "киловатт": "kW",
}  # fmt: skip
_UNIT_ABBREVIATIONS = {"км", "кг", "т", "га", "мвт", "гвт", "квт", "km", "kg", "ha", "mw", "gw", "kw"}
YEAR_WORDS = {"год", "г", "year"}
PERCENT_WORDS = {"процент", "%", "percent", "проц", "prozent"}
NOT_COUNTED = set(SCALES) | set(CURRENCIES) | set(MONTHS) | YEAR_WORDS | PERCENT_WORDS | {"час", "минута", "раз"}
# A sentence about the future: a date in it without a year is not in the past.
_FUTURE = re.compile(
    r"\b(?:будет|будут|станет|станут|состоится|состоятся|пройд[её]т|планиру\w*|намерен\w*|предстоящ\w*|откроется|начнется|начнётся"
    r"|will|shall|upcoming|scheduled|is to|are to|plans? to|next)\b",
    re.IGNORECASE,
)
_NEXT_YEAR = re.compile(r"\s*(?:следующего|будущего)\s+года|,?\s*next year", re.IGNORECASE)
_PAST = re.compile(r"\b(?:was|were|had|did|said|told|announced|took|held|met|signed|ended|began|opened)\b", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_SENTENCE_END = re.compile(r"[.!?\n]")
_CLAUSE_END = re.compile(r"[.!?\n;:,«»“”„\"()—–]")
_QUOTED = re.compile(r"«[^«»\n]*»|“[^“”\n]*”|„[^“”\n]*“|\"[^\"\n]*\"")
_RUSSIAN_WORD = re.compile(r"[а-яё]{2,24}", re.IGNORECASE)

# Where a figure may start: a number (not inside a longer run of digits), a
# currency sign or code just before one, or a number word. One pass, no
# nested quantifiers.
_GLUED = re.compile(r"[^\W\d_]-?$")
_START = re.compile(
    r"(?:[$€₽£¥₸][ \u00a0]?|\b(?:USD|EUR|RUB|GBP|CNY|KZT|UZS|BYN)[ \u00a0]?)?(?<![\d.,])\d{1,15}(?!\d)"
    r"|\b(?:" + "|".join(sorted((w for w in NUMBER_WORDS if not w.isascii()), key=len, reverse=True)) + r")[а-я]{0,4}\b"
    r"|\b(?:" + "|".join(sorted((m for m in MONTHS if m.isascii()), key=len, reverse=True)) + r")\.? \d",
    re.IGNORECASE,
)

# The window the grammar sees: at most seven whitespace-separated chunks.
_WINDOW = re.compile(r"\S+(?:\s+\S+){0,6}")


@dataclass(frozen=True, slots=True)
class _Grammar:
    parser: Any
    money: Any  # for windows that open with a currency sign or code


def _build() -> _Grammar:
    from yargy import Parser, or_, rule
    from yargy.predicates import caseless, custom, dictionary, eq, gram, in_, in_caseless
    from yargy.tokenizer import MorphTokenizer

    integer = custom(lambda v: len(v) <= MAX_DIGITS, types="INT")
    number = or_(rule(integer, in_(",."), integer), rule(integer, integer).named("grouped"), rule(integer))
    word_number = rule(
        dictionary(
            set(NUMBER_WORDS)
            - {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "fifty", "hundred"}
        )
    ).repeatable(max=3)
    latin_number = rule(in_caseless({w for w in NUMBER_WORDS if w.isascii()}))
    amount = or_(number, word_number, latin_number)
    scale = or_(
        rule(in_caseless({"тыс", "млн", "млрд", "трлн", "bn", "mln", "tn", "mio", "mrd"}), eq(".").optional()),
        rule(dictionary({"тысяча", "миллион", "миллиард", "триллион"})),
        rule(in_caseless({"thousand", "million", "billion", "trillion", "millionen", "milliarde", "milliarden"})),
    )
    money_scale = or_(scale, rule(in_caseless({"k", "m", "b"})))
    sign = in_({"$", "€", "₽", "£", "¥", "₸"})
    code = in_caseless({"usd", "eur", "rub", "gbp", "cny", "kzt", "uzs", "byn"})
    currency_word = or_(
        rule(dictionary({"доллар", "рубль", "евро", "фунт", "юань", "тенге", "сум"})),
        rule(in_caseless({"долл", "руб"}), eq(".").optional()),
        rule(in_caseless({"dollars", "dollar", "euros", "euro", "rubles", "roubles", "pounds", "yuan", "tenge"})),
    )
    money = or_(
        rule(or_(sign, code), number, money_scale.optional()),
        rule(amount, scale.optional(), or_(rule(sign), rule(code), currency_word)),
    ).named("money")
    percent = rule(amount, or_(rule(eq("%")), rule(dictionary({"процент"})), rule(in_caseless({"percent", "pct", "prozent"})))).named(
        "percent"
    )
    month = or_(
        rule(dictionary({m for m in MONTHS if not m.isascii()})), rule(in_caseless({m for m in MONTHS if m.isascii()}), eq(".").optional())
    )
    day = custom(lambda v: 1 <= int(v) <= 31 and len(v) <= 2, types="INT")
    year = custom(lambda v: len(v) == 4 and 1000 <= int(v) <= 2999, types="INT")
    year_word = or_(rule(dictionary({"год"})), rule(caseless("г"), eq(".").optional()))
    date = or_(
        rule(year, eq("-"), custom(lambda v: len(v) == 2, types="INT"), eq("-"), custom(lambda v: len(v) == 2, types="INT")),
        rule(day, month, rule(year, year_word.optional()).optional()),
        rule(month, day, rule(eq(","), year).optional()),
        rule(year, year_word),
    ).named("date")
    noun = gram("NOUN")
    count = rule(number, scale.optional(), gram("ADJF").optional().repeatable(max=3), noun).named("count")
    unit = or_(
        rule(in_caseless(_UNIT_ABBREVIATIONS), eq(".").optional()),
        rule(dictionary({u for u in UNITS if not u.isascii() and u not in _UNIT_ABBREVIATIONS})),
        rule(in_caseless({u for u in UNITS if u.isascii() and u not in _UNIT_ABBREVIATIONS})),
    )
    quantity = or_(rule(number, scale.optional(), unit), rule(amount, scale, unit), rule(number, scale)).named("quantity")
    tokenizer = MorphTokenizer()
    return _Grammar(Parser(or_(money, percent, date, count, quantity), tokenizer=tokenizer), Parser(money, tokenizer=tokenizer))


_loaded = Once(_build)


def extract(text: str, article_date: str = "") -> list[Figure]:
    """Every figure in ``text``, each listed once at its first mention with
    all its mentions, in order of first mention."""
    grammar = _loaded()
    found: list[Figure] = []
    covered = 0
    for index, start in enumerate(_START.finditer(text)):
        if index >= MAX_CANDIDATES:
            break
        if start.start() < covered:
            continue
        if text[start.start()].isdigit() and _GLUED.search(text, max(0, start.start() - 2), start.start()):
            continue  # «amazon20$», «Ил-76», «COVID-19»: a number glued to a word is part of a name or a code
        window = _WINDOW.match(text, start.start(), start.start() + WINDOW)
        if window is None:
            continue
        parser = grammar.money if not window.group()[0].isdigit() and not window.group()[0].isalpha() else grammar.parser
        for match in _anchored(parser, window.group()):
            figure = _interpret(grammar, match, window.group(), start.start(), article_date, text)
            if figure is not None:
                found.append(figure)
                covered = figure.end
                break
    return _merge(_one_value(found, text, article_date))


def _one_value(found: list[Figure], text: str, article_date: str) -> list[Figure]:
    """One value for each date said without a year: when its mentions read
    differently («30 августа» in a quotation about the future and again
    after «заявил»), the surest reading decides for them all, the past on a tie."""
    groups: dict[str, list[int]] = {}
    for index, figure in enumerate(found):
        if figure.kind == "date" and isinstance(figure.value, str) and len(figure.value) == 10 and not _YEAR.search(figure.text):
            groups.setdefault(figure.value[5:], []).append(index)
    for month_day, indexes in groups.items():
        if len({found[i].value for i in indexes}) == 1:
            continue
        readings = [_tense(text, found[i].start, found[i].end) for i in indexes]
        tense, _ = max(readings, key=lambda reading: (reading[1], reading[0] == "past"))
        value = _without_year(int(month_day[:2]), int(month_day[3:]), article_date, tense)
        for i in indexes:
            found[i] = replace(found[i], value=value or found[i].value)
    return found


def _merge(found: list[Figure]) -> list[Figure]:
    """One entry for each figure, with every mention of it."""
    groups: dict[tuple[str, object, str], list[Figure]] = {}
    for figure in found:
        groups.setdefault((figure.kind, figure.value, figure.unit), []).append(figure)
    merged = []
    for items in groups.values():
        first = items[0]
        mentions = tuple((f.start, f.end) for f in items)
        merged.append(Figure(first.kind, first.text, first.value, first.unit, first.start, first.end, mentions))
    return merged


def format_value(value: object, unit: str) -> str:
    """A value as a reader reads it: every digit, thousands apart
    (``1 850 000 000 USD``), never an exponent."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        return f"{value} {unit}".strip()
    if isinstance(value, float) and not value.is_integer():
        whole, _, fraction = repr(abs(value)).partition(".")
        if "e" in repr(value):  # tiny or huge floats: exact decimal digits
            whole, _, fraction = format(Decimal(repr(abs(value))), "f").partition(".")
        sign = "-" if value < 0 else ""
        number = f"{sign}{int(whole):,}".replace(",", " ") + (f".{fraction}" if fraction else "")
    else:
        number = f"{int(value):,}".replace(",", " ")
    return f"{number} {unit}".strip()


KINDS = ("money", "percent", "date", "count", "quantity")


def _anchored(parser: Any, text: str) -> list[Any]:
    """Matches that start where the window starts, longest first, then by
    ``KINDS``. Only the first column is predicted: the parser does no work
    for matches that would start later in the window."""
    from yargy.parser import Match, prepare_trees

    chart = parser.chart(text, all=False)
    matches = [Match(tree.normalized) for tree in prepare_trees(chart.matches(parser.rule))]
    return sorted(matches, key=lambda m: (-m.span.stop, KINDS.index(_kind(m))))


def _kind(match: Any) -> str:
    root = match.tree.root
    return str(root.rule.name if root.rule.name in KINDS else root.children[0].rule.name)


def _interpret(grammar: _Grammar, match: Any, window: str, offset: int, article_date: str, text: str = "") -> Figure | None:
    kind = _kind(match)
    tokens = match.tokens
    words = [_normal(t) for t in tokens]
    surface = window[match.span.start : match.span.stop].removesuffix(".")
    start = offset + match.span.start
    end = start + len(surface)
    if kind == "date":
        day = _date(tokens, words, article_date, _tense(text, start, end)[0])
        return None if day is None else Figure("date", surface, day, "", start, end)
    amount = _amount(tokens, words)
    if amount is None:
        return None
    value = _number(amount * next((SCALES[w] for w in words if w in SCALES), 1))
    if kind == "money":
        return Figure("money", surface, value, next((CURRENCIES[w] for w in words if w in CURRENCIES), ""), start, end)
    if kind == "percent":
        return Figure("percent", surface, value, "%", start, end)
    if kind in ("count", "quantity") and words[-1].removesuffix(".") in UNITS:
        return Figure("quantity", surface, value, UNITS[words[-1].removesuffix(".")], start, end)
    if kind == "count" and words[-1] not in NOT_COUNTED:
        return Figure("count", surface, value, words[-1], start, end)
    if kind == "quantity" and words[-1] in SCALES:
        return Figure("quantity", surface, value, "", start, end)
    return None


def _normal(token: Any) -> str:
    forms = getattr(token, "forms", None)
    if forms:
        return str(forms[0].normalized).replace("ё", "е")
    return str(token.value).lower()


def _amount(tokens: list[Any], words: list[str]) -> Decimal | None:
    digits = [t.value for t in tokens if t.type == "INT"]
    if digits:
        values = [t.value for t in tokens]
        first = values.index(digits[0])
        if len(digits) >= 2 and first + 1 < len(values) and values[first + 1] in ",.":
            text = f"{digits[0]}.{digits[1]}"
        elif len(digits) >= 2 and len(digits[1]) == 3 and values[first + 1] == digits[1]:
            text = digits[0] + digits[1]
        else:
            text = digits[0]
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    values = [NUMBER_WORDS.get(str(t.value).lower(), NUMBER_WORDS.get(w)) for t, w in zip(tokens, words, strict=False)]
    known = [v for v in values if v is not None]
    return Decimal(sum(known)) if known else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _tense(text: str, start: int, end: int) -> tuple[str, int]:
    """What the date's words say of its time, and how surely: ``next-year``
    when «следующего года» / «next year» follows it; else the tensed verb
    nearest to it in its own clause (up to a comma, a dash, a quotation
    mark) (2); else its sentence with the quotations it is not in left out
    (1); else ``past`` (0). A quoted «… не будет вести», — заявил 30
    августа» is governed by «заявил», not by the quotation; «said on March 5
    it will» by «said»."""
    if not text:
        return "past", 0
    if _NEXT_YEAR.match(text, end, end + 24):
        return "next-year", 2
    sentence_start, sentence_end = _bounds(_SENTENCE_END, text, start, end)
    clause_start, clause_end = _bounds(_CLAUSE_END, text, start, end, sentence_start, sentence_end)
    marks = _tensed(text[clause_start:clause_end], clause_start)
    if marks:
        nearest = min(
            marks, key=lambda mark: (mark[0] - end if mark[0] >= end else start - mark[1], mark[2] != "past")
        )  # the past on a tie
        return nearest[2], 2
    outside = _QUOTED.sub(lambda q: q.group() if q.start() <= start - sentence_start < q.end() else " ", text[sentence_start:sentence_end])
    return ("future", 1) if _FUTURE.search(outside) else ("past", 0)


def _bounds(ends: re.Pattern[str], text: str, start: int, end: int, low: int = 0, high: int = -1) -> tuple[int, int]:
    """The span around ``start:end`` up to the nearest ``ends`` on either side
    (within 300 characters and within ``low:high``)."""
    high = len(text) if high < 0 else high
    begin = left = max(low, start - 300)
    for boundary in ends.finditer(text, left, start):
        begin = boundary.end()
    stop = ends.search(text, end, min(high, end + 300))
    return begin, stop.start() if stop else min(high, end + 300)


def _tensed(clause: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, ``future`` or ``past``) of each word in ``clause`` that
    says when: the words of :data:`_FUTURE` and :data:`_PAST`, and Russian
    verbs whose likeliest reading is in the future or the past tense."""
    marks = [(offset + m.start(), offset + m.end(), "future") for m in _FUTURE.finditer(clause)]
    marks += [(offset + m.start(), offset + m.end(), "past") for m in _PAST.finditer(clause)]
    for word in _RUSSIAN_WORD.finditer(clause):
        tense = _verb_tense(word.group().lower())
        if tense:
            marks.append((offset + word.start(), offset + word.end(), tense))
    return marks


@lru_cache(maxsize=8192)
def _verb_tense(word: str) -> str:
    """``future`` or ``past`` for a Russian verb whose likeliest reading is in
    that tense, else ""."""
    from reader.text.lemmas import morph

    parses = morph().parse(word)
    tag = parses[0][1] if parses else ""
    if "VERB" not in tag:
        return ""
    return "future" if "futr" in tag else "past" if "past" in tag else ""


def _date(tokens: list[Any], words: list[str], article_date: str, tense: str = "past") -> str | None:
    ints = [t.value for t in tokens if t.type == "INT"]
    try:
        if len(ints) == 3 and len(ints[0]) == 4:
            return dt.date(int(ints[0]), int(ints[1]), int(ints[2])).isoformat()
        month = next((MONTHS[w] for w in words if w in MONTHS), None)
        if month is None:
            return ints[0] if ints and len(ints[0]) == 4 else None
        year = next((int(v) for v in ints[1:] if len(v) == 4), None)
        if year is not None:
            return dt.date(year, month, int(ints[0])).isoformat()
        return _without_year(month, int(ints[0]), article_date, tense)
    except (ValueError, IndexError):
        return None


def _without_year(month: int, day: int, article_date: str, tense: str) -> str | None:
    """The year that puts the date on or before the article's date (after it
    for a future sentence; the year after for «следующего года»)."""
    try:
        published = dt.date.fromisoformat(article_date[:10])
    except ValueError:
        return None
    if tense == "next-year":
        return dt.date(published.year + 1, month, day).isoformat()
    for year in (published.year, published.year - 1, published.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # 29 February
            continue
        if (candidate <= published) if tense == "past" else (candidate >= published):
            return candidate.isoformat()
    return None
