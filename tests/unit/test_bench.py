"""The bench runs and writes every key (a smoke test: nothing about time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader import bench

KEYS = {
    "articles", "index_articles_per_s", "entities_articles_per_s", "reindex_unchanged_s", "warm_start_s",
    "baseline_start_s", "search_p50_ms", "search_p95_ms", "open_cached_ms", "open_uncached_ms",
    "scroll_frame_ms", "peak_rss_mb",
}  # fmt: skip


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    bench.make_corpus(first, 30, seed=7)
    bench.make_corpus(second, 30, seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*.md"))
    assert len(files) == 30
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    sizes = [len((first / f).read_bytes()) for f in files]
    assert min(sizes) > 1000 and max(sizes) < 12_000


@pytest.mark.slow
def test_bench_writes_every_key(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "reader.bench", "--articles", "1000", "--repeat", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) >= KEYS
    assert results["articles"] == 1000
    assert all(isinstance(results[k], (int, float)) and results[k] >= 0 for k in KEYS)
    assert "search_p95_ms" in done.stdout


def test_bench_help_lists_its_subcommands() -> None:
    done = subprocess.run([sys.executable, "-m", "reader.bench", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "corpus" in done.stdout and "ner" in done.stdout


def test_entities_bench_finds_its_rising_name() -> None:
    from reader.bench import entities as bench_entities

    results = bench_entities.measure(1500, 20, 1, lambda _: None)
    assert results["rising_rank"] == 1 and results["trends_top"] == bench_entities.RISING
    assert int(results["page_most_articles"]) > int(results["page_rare_articles"]) > 0
    assert all(float(v) >= 0 for k, v in results.items() if k.endswith("_ms"))


def test_launch_bench_starts_the_installed_command_in_tmux(tmp_path: Path) -> None:
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), "index"], capture_output=True, timeout=300, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "reader.bench", "launch", "--data-dir", str(data), "--repeat", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    figures = dict(line.split()[:2] for line in done.stdout.splitlines()[1:])
    assert figures["articles"] == "2"
    assert float(figures["launch_vs_bare"]) > 0
