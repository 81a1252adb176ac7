"""The query language of SPEC §5: text -> tokens -> :class:`Query`. A
malformed query is a :class:`QueryError` value with the position of the
fault; :func:`parse` never raises."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.text import lemmas

TEXT_FIELDS = {"person": ("per",), "org": ("org",), "place": ("loc",), "entity": ("per", "org", "loc")}
FILTER_FIELDS = ("source", "lang", "tag", "date", "is", "in")
IS_VALUES = ("bookmarked", "unread", "read", "muted")
MAX_TERMS = 32
# An explicit ``word*`` needs this many letters: «к*» matches every article
# and took 0.3 s at 100,000 (the index keeps no prefix indexes), «ка*» 40 ms.
MIN_WILDCARD = 2


@dataclass(frozen=True, slots=True)
class QueryError:
    message: str
    position: int

    def __str__(self) -> str:
        return f"{self.message} (at {self.position + 1})"


@dataclass(frozen=True, slots=True)
class Term:
    """Words to find: one word, a prefix, or a phrase; in the text or among
    the entities of one or more kinds."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False
    kinds: tuple[str, ...] = ()  # empty: the text; else entity kinds


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    value: str
    negated: bool = False
    until: str = ""  # dates: value is the first day, until the day after the last


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms and not self.filters

    def text_terms(self) -> Iterator[Term]:
        return (t for t in self.terms if not t.kinds and not t.negated)


@dataclass(slots=True)
class _Token:
    text: str
    position: int
    negated: bool = False
    quoted: bool = False
    field: str = ""
    field_position: int = 0


@dataclass(slots=True)
class _Lexer:
    text: str
    position: int = 0
    tokens: list[_Token] = field(default_factory=list)

    def run(self) -> list[_Token] | QueryError:
        text = self.text
        while self.position < len(text):
            char = text[self.position]
            if char.isspace():
                self.position += 1
                continue
            token = _Token("", self.position)
            if char == "-":
                token.negated = True
                self.position += 1
                if self.position >= len(text) or text[self.position].isspace():
                    return QueryError("nothing after '-'", token.position)
            if text[self.position] != '"':
                bare = self._bare()
                name, colon, value = bare.partition(":")
                if colon and name.isascii() and name.isalpha():
                    if name.lower() not in (*TEXT_FIELDS, *FILTER_FIELDS):
                        return QueryError(f"unknown filter '{name}:'", self.position - len(bare))
                    token.field, token.field_position = name.lower(), self.position - len(bare)
                    bare = value
                    if not value and self.position < len(text) and text[self.position] == '"':
                        bare = ""
                    elif not value:
                        return QueryError(f"'{name}:' needs a value", token.field_position)
                token.text = bare
            if not token.text and self.position < len(text) and text[self.position] == '"':
                closing = text.find('"', self.position + 1)
                if closing < 0:
                    return QueryError("unclosed quote", self.position)
                token.text, token.quoted = text[self.position + 1 : closing], True
                self.position = closing + 1
            self.tokens.append(token)
        return self.tokens

    def _bare(self) -> str:
        start = self.position
        while self.position < len(self.text) and not self.text[self.position].isspace() and self.text[self.position] != '"':
            self.position += 1
        return self.text[start : self.position]


def parse(text: str) -> Query | QueryError:
    """The query, or the first fault in it."""
    tokens = _Lexer(text).run()
    if isinstance(tokens, QueryError):
        return tokens
    terms: list[Term] = []
    filters: list[Filter] = []
    for token in tokens:
        if token.field in FILTER_FIELDS:
            made = _filter(token)
            if isinstance(made, QueryError):
                return made
            filters.append(made)
            continue
        raw = token.text
        prefix = not token.quoted and raw.endswith("*")
        words = tuple(m.group() for m in lemmas.words(raw))
        if (not token.quoted and "*" in raw[:-1]) or raw == "*":
            return QueryError("'*' goes at the end of a word", token.position)
        if prefix and len(words) == 1 and len(words[0]) < MIN_WILDCARD:
            return QueryError(f"'*' needs at least {MIN_WILDCARD} letters before it", token.position)
        if not words:
            if token.quoted or token.field:
                return QueryError("nothing to search for", token.position)
            continue
        kinds = TEXT_FIELDS.get(token.field, ())
        terms.append(Term(words, prefix and len(words) == 1, token.negated, kinds))
    if len(terms) + len(filters) > MAX_TERMS:
        return QueryError(f"more than {MAX_TERMS} terms", len(text))
    return Query(tuple(terms), tuple(filters))


def _filter(token: _Token) -> Filter | QueryError:
    value = " ".join(token.text.split())
    if token.field == "is":
        if value.lower() not in IS_VALUES:
            return QueryError(f"'is:' takes {', '.join(IS_VALUES)}", token.field_position)
        return Filter("is", value.lower(), token.negated)
    if token.field == "date":
        span = _date_span(value)
        if span is None:
            return QueryError("dates look like 2025-09-26, 2025-09, 2025 or 2025-09-01..2025-09-30", token.field_position)
        return Filter("date", span[0], token.negated, span[1])
    return Filter(token.field, lemmas.fold(value), token.negated)


def _date_span(value: str) -> tuple[str, str] | None:
    """The first day and the day after the last of a date, month, year or range."""
    low, dots, high = value.partition("..")
    if not dots:
        high = low
    if not low and not high:
        return None
    start = _period(low) if low else ("0000-01-01", "")
    end = _period(high) if high else ("", "9999-12-31")
    if start is None or end is None:
        return None
    return start[0], end[1]


def _period(text: str) -> tuple[str, str] | None:
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            first = dt.date.fromisoformat(text + "-01")
            after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first.isoformat(), after.isoformat()
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except (ValueError, OverflowError):
        return None
    if day is None or day == dt.date.max:
        return None
    return day.isoformat(), (day + dt.timedelta(days=1)).isoformat()
