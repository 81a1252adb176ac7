"""The fetch bench runs end to end on a few feeds (figures are not checked:
nothing asserts on time)."""

from __future__ import annotations

from reader.feeds.bench import load_fixtures, measure
from reader.library import FETCH_POOL_FROM

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
