"""Entity pages and trends (issue 24) on real Russian news: factRuEval-2016
texts dated over two months and six articles naming Эльвира Набиуллина in
the last two of them, through the real extraction."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library import Library
from reader.library.entities import FLOOR, name_rows, trend_score
from reader.model import Entity, Extraction, Figure

from ..conftest import TESTS

CORPUS = TESTS / "data" / "trends"
TODAY = dt.date(2025, 11, 30)
HER = {
    "cbr-2025-11-29-rate",
    "duma-2025-11-29-report",
    "forum-2025-11-29-finance",
    "cbr-2025-11-30-interview",
    "reserves-2025-11-30",
    "council-2025-11-30",
}


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Iterator[Library]:
    """The corpus indexed and extracted once for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("READER_CACHE_DIR", str(cache))
        with Library([CORPUS], tmp_path_factory.mktemp("news-data")) as library:
            library.refresh()
            library.extract_pending()
            yield library


def test_her_page_is_her_search(news: Library) -> None:
    for name in ("Набиуллиной", "Эльвира Набиуллина", "набиуллину"):
        page = news.entity_page(name)
        assert page is not None, name
        assert (page.name, page.kind) == ("Эльвира Набиуллина", "PER")
        found = news.search(f'person:"{name}"')
        assert list(page.rowids) == list(found.rowids)  # the same articles, in the same order
        assert set(news.ids_of(list(page.rowids))) == HER
        data = page.as_json()
        assert data["articles"] == len(HER)
        assert (data["first"], data["last"]) == ("2025-11-29", "2025-11-30")
        assert data["timeline"] == [{"date": "2025-11-29", "count": 3}, {"date": "2025-11-30", "count": 3}]


def test_her_co_mentions_and_figures(news: Library) -> None:
    page = news.entity_page("Набиуллина", "PER")
    assert page is not None
    together = {(c.name, c.kind): c.count for c in page.co_mentions}
    assert together[("Банк России", "ORG")] >= 3
    assert ("Антон Силуанов", "PER") in together
    assert ("Эльвира Набиуллина", "PER") not in together  # never her own co-mention
    assert ("Набиуллин", "PER") not in together  # «Набиуллиной поручено…» alone is hers too, not a man's
    counts = [c.count for c in page.co_mentions]
    assert counts == sorted(counts, reverse=True)
    said = {f.text: f for f in page.figures}
    assert said["7,7%"].id == "cbr-2025-11-29-rate" and said["7,7%"].kind == "percent"
    assert said["7,7%"].value == 7.7
    assert said["12%"].id == "duma-2025-11-29-report"
    assert not {"16,5%", "4,1%", "3 млрд рублей"} & set(said)  # said in sentences without her
    dates = [f.date for f in page.figures]
    assert dates == sorted(dates, reverse=True)
    assert set(page.figures[0].as_json()) == {"date", "id", "text", "value", "unit", "kind"}


def test_she_trends_top_five(news: Library) -> None:
    found = news.trends(today=TODAY)
    top = [(t.name, t.kind) for t in found[:5]]
    assert ("Эльвира Набиуллина", "PER") in top
    her = next(t for t in found if t.name == "Эльвира Набиуллина")
    assert (her.recent, her.baseline) == (len(HER), 0)
    assert len(her.series) == 3 + 28 and her.series[-2:] == (3, 3) and sum(her.series) == len(HER)
    assert all(t.recent >= FLOOR for t in found)
    scores = [t.score for t in found]
    assert scores == sorted(scores, reverse=True)
    assert set(found[0].as_json()) == {"name", "kind", "recent", "baseline", "score"}
    # By the wall date (a year on) nothing is recent: the recent days end at the newest article.
    assert [(t.name, t.score) for t in news.trends()] == [(t.name, t.score) for t in found]
    # A given day is kept as it is: a month later she is no trend.
    assert all(t.name != "Эльвира Набиуллина" for t in news.trends(today=TODAY + dt.timedelta(days=30)))


def test_unknown_names_have_no_page(news: Library) -> None:
    assert news.entity_page("Никтоникакович") is None
    assert news.entity_page("Набиуллина", "LOC") is None
    assert news.entity_page('"  "') is None


def test_score_weighs_evidence() -> None:
    # With the same shares, more articles score higher; a new name outranks a steady one.
    assert trend_score(30, 0, 300, 3000) > trend_score(3, 0, 300, 3000)
    assert trend_score(3, 0, 300, 3000) > trend_score(30, 300, 300, 3000)
    assert trend_score(30, 300, 300, 3000) < 0.5  # a steady share is no trend


def test_figures_go_with_the_names_of_their_sentence() -> None:
    text = "Иван Петров сказал: рост 5%. Потом Анна Смирнова добавила 7%."
    found = Extraction(
        (Entity("PER", "Иван Петров", "Иван Петров", ((0, 11),)), Entity("PER", "Анна Смирнова", "Анна Смирнова", ((35, 48),))),
        (Figure("percent", "5%", 5, "%", 25, 27), Figure("percent", "7%", 7, "%", 58, 60)),
        ((0, 28), (29, len(text))),
    )
    rows = {r.name: [f.text for f in r.figures] for r in name_rows(found)}
    assert rows == {"Иван Петров": ["5%"], "Анна Смирнова": ["7%"]}


def test_a_dropped_article_leaves_the_page(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("nabiullina_1.md", "nabiullina_2.md", "book_156.md"):
        shutil.copy(CORPUS / name, folder / name)
    with Library([folder], data_dir) as library:
        library.refresh()
        library.extract_pending()
        page = library.entity_page("Набиуллина")
        assert page is not None and len(page.rowids) == 2
        (folder / "nabiullina_2.md").unlink()
        library.refresh()
        page = library.entity_page("Набиуллина")
        assert page is not None and len(page.rowids) == 1
        assert [c.count for c in page.co_mentions if c.name == "Государственная дума"] == []
        (folder / "nabiullina_1.md").unlink()
        library.refresh()
        assert library.entity_page("Набиуллина") is None


def test_cli_entity_and_trends(data_dir: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader", "--library", str(CORPUS), *args], capture_output=True, text=True, timeout=300
        )

    shown = run("entity", "Набиуллиной", "--json")
    assert shown.returncode == 0, shown.stderr
    page = json.loads(shown.stdout)
    searched = run("search", 'person:"Набиуллиной"', "--json", "--limit", "100")
    assert page["articles"] == len(json.loads(searched.stdout)) == len(HER)
    assert list(page) == ["name", "kind", "articles", "first", "last", "timeline", "co_mentions", "figures"]
    trends = run("trends", "--json", "--today", TODAY.isoformat())
    assert trends.returncode == 0, trends.stderr
    assert "Эльвира Набиуллина" in [t["name"] for t in json.loads(trends.stdout)[:5]]
    unknown = run("entity", "Никтоникакович")
    assert unknown.returncode == 1
    assert unknown.stderr.strip().count("\n") == 0 and "Никтоникакович" in unknown.stderr
    assert run("trends", "--days", "0").returncode == 2
