from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.query import Filter, Query, QueryError, Term, parse


def test_words_phrases_exclusions_prefixes() -> None:
    query = parse('Узбекистан "искусственного интеллекта" -Токаев ташк*')
    assert isinstance(query, Query)
    assert query.terms == (
        Term(("Узбекистан",)),
        Term(("искусственного", "интеллекта")),
        Term(("Токаев",), negated=True),
        Term(("ташк",), prefix=True),
    )


def test_filters() -> None:
    query = parse("source:Sputnik lang:ru tag:ЕАЭС date:2025-09 is:unread -is:bookmarked")
    assert isinstance(query, Query)
    assert query.filters == (
        Filter("source", "sputnik"),
        Filter("lang", "ru"),
        Filter("tag", "еаэс"),
        Filter("date", "2025-09-01", until="2025-10-01"),
        Filter("is", "unread"),
        Filter("is", "bookmarked", negated=True),
    )


def test_date_forms() -> None:
    for text, span in {
        "date:2025-09-26": ("2025-09-26", "2025-09-27"),
        "date:2025": ("2025-01-01", "2026-01-01"),
        "date:2025-12": ("2025-12-01", "2026-01-01"),
        "date:2025-09-01..2025-09-30": ("2025-09-01", "2025-10-01"),
        "date:..2024": ("0000-01-01", "2025-01-01"),
    }.items():
        query = parse(text)
        assert isinstance(query, Query), text
        assert (query.filters[0].value, query.filters[0].until) == span


def test_entity_fields() -> None:
    query = parse('person:Токаева place:"Центральная Азия" entity:ЕАЭС')
    assert isinstance(query, Query)
    assert [t.kinds for t in query.terms] == [("per",), ("loc",), ("per", "org", "loc")]
    assert query.terms[1].words == ("Центральная", "Азия")


def test_errors_have_positions() -> None:
    cases = {
        '"unclosed': ("unclosed quote", 0),
        "a sorce:x": ("unknown filter 'sorce:'", 2),
        "date:2025-13": ("dates look like", 0),
        "is:starred": ("'is:' takes", 0),
        "x -": ("nothing after '-'", 2),
        "a*b": ("'*' goes at the end", 0),
        "x к*": ("'*' needs at least 2 letters", 2),
        "source:": ("'source:' needs a value", 0),
    }
    for text, (message, position) in cases.items():
        error = parse(text)
        assert isinstance(error, QueryError), text
        assert error.message.startswith(message), (text, error)
        assert error.position == position, text


def test_punctuation_alone_is_no_term() -> None:
    assert parse("!!! ...") == Query()


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_input_parses_or_is_a_declared_error(text: str) -> None:
    result = parse(text)
    assert isinstance(result, (Query, QueryError))
    if isinstance(result, QueryError):
        assert 0 <= result.position <= len(text)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(['"', "-", ":", "*", "date:", "source:", "is:", "person:", " ", "a", "Ё", ".."]), max_size=12))
def test_query_syntax_soup_never_raises(parts: list[str]) -> None:
    text = "".join(parts)
    result = parse(text)
    assert isinstance(result, (Query, QueryError))
