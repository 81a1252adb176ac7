"""The fetch bench runs end to end on a few feeds (figures are not checked:
nothing asserts on time)."""

from __future__ import annotations

from reader.feeds.bench import measure

from .feeds_helpers import FEED_RS


def test_fetch_bench_smoke() -> None:
    results = measure(30, FEED_RS, lambda _: None, concurrency=4, newsboat=False)
    assert results["fetch_failed"] == 0
    assert results["fetch_items"] == results["fetch_indexed"] > 30
    assert results["refetch_304"] == 30 and results["refetch_written"] == 0
    assert "newsboat_reload_s" not in results
