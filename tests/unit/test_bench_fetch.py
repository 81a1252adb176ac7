"""The fetch bench runs end to end on a few feeds (figures are not checked:
nothing asserts on time)."""

from __future__ import annotations

from pathlib import Path

from reader.bench.fetch import load_fixtures, make_news_feeds, measure
from reader.library.fetch import FETCH_POOL_FROM

from .feeds_helpers import FEED_RS


def test_fetch_bench_smoke() -> None:
    feeds = FETCH_POOL_FROM + 10  # enough for the items to be read in a second process
    results = measure(feeds, FEED_RS, lambda _: None, concurrency=4, newsboat=False)
    served = list(load_fixtures(FEED_RS))
    broken = sum(served[n % len(served)].endswith("rss_2.0_invalid_1.xml") for n in range(feeds))  # cut off: no item
    assert results["fetch_failed"] == broken
    assert results["fetch_items"] == results["fetch_indexed"] > feeds
    assert results["refetch_304"] == feeds - broken and results["refetch_written"] == 0  # a failed feed is asked again in full
    assert "newsboat_reload_s" not in results


def test_news_shaped_feeds_are_served_fetched_and_indexed(tmp_path: Path) -> None:
    from reader.bench import make_corpus

    make_corpus(tmp_path / "articles", 12)
    (tmp_path / "feeds").mkdir()
    assert make_news_feeds(tmp_path / "feeds", 4, sorted((tmp_path / "articles").rglob("*.md"))) > 12 * 1000
    results = measure(3, tmp_path / "feeds", lambda _: None, concurrency=2, newsboat=False)
    assert results["fetch_failed"] == 0 and results["fetch_items"] == results["fetch_indexed"] == 12
