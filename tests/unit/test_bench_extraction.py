"""The extraction bench: the benchmark's shingle F1, and the bench run on a
small set of pages made for the test (the real benchmark is not shipped)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.bench import extraction

DATA = Path(__file__).parent.parent / "data" / "extract_bench"


def test_shingles_are_word_four_grams_or_the_whole_short_text():
    assert extraction.shingles("a b, c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert extraction.shingles("a b") == {("a", "b"): 1}
    assert extraction.shingles("") == {}


def test_scores_by_hand():
    half = extraction.page_counts("a b c d e", "a b c d x")  # tp 1, fp 1, fn 1 of 3
    assert half == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    same = extraction.page_counts("один два три четыре пять", "один два три четыре пять")
    assert same == (1.0, 0.0, 0.0)
    nothing = extraction.page_counts("a b c d", "")  # no prediction: counts for recall only
    assert nothing == (0.0, 0.0, 1.0)
    got = extraction.scores([half, same, nothing])
    assert got["precision"] == pytest.approx((0.5 + 1.0) / 2)
    assert got["recall"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert got["f1"] == pytest.approx(2 * 0.75 * 0.5 / 1.25)


def test_repeated_shingles_count_as_often_as_they_occur():
    tp, fp, fn = extraction.page_counts("a b c d a b c d", "a b c d")
    # truth: abcd, bcda, cdab, dabc, abcd (5); prediction: abcd (1)
    assert (tp, fp, fn) == pytest.approx((1 / 5, 0.0, 4 / 5))


def test_bench_runs_the_f_code_path_through_the_command_line(tmp_path: Path):
    out, predictions = tmp_path / "scores.json", tmp_path / "predictions.json"
    done = subprocess.run(
        [sys.executable, "-m", "reader.bench", "extract", str(DATA), "--json", str(out), "--predictions", str(predictions)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["pages"] == 2 and scores["missing"] == 0
    predicted = json.loads(predictions.read_text(encoding="utf-8"))
    article = predicted["a1"]["articleBody"]
    assert "Сарыагаш" in article and "Читайте также" not in article and "**" not in article
    per_page = {
        k: extraction.page_counts(json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))[k]["articleBody"], v["articleBody"])
        for k, v in predicted.items()
    }
    assert per_page["a1"][0] > 0.95  # the article page is extracted almost exactly
    assert per_page["p1"][2] > 0.3  # the paywalled page misses what is behind the wall
    assert 0 < scores["f1"] < 1 and "F1" in done.stdout


def test_bench_says_what_is_wrong_with_the_folder(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "reader.bench", "extract", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "ground-truth.json" in done.stderr


def test_snippets_of_trafilatura_evaluation_are_scored_beside_trafilatura(tmp_path: Path):
    (tmp_path / "pages").mkdir()
    shutil.copy(DATA / "html" / "a1.html.gz", tmp_path / "pages" / "a1.html.gz")
    expected = {
        "a1.html.gz": {
            "url": "https://example.org/a1",
            "with": ["78 совместных промышленных проектов", "not on the page at all"],
            "without": ["Поиск по сайту", "Главная"],
        }
    }
    (tmp_path / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    scores = extraction.run_snippets(tmp_path, {"reader": extraction.shown_text, "alone": extraction.trafilatura_alone})
    for score in scores.values():
        assert (score["tp"], score["fn"]) == (1, 1)
        assert score["recall"] == 0.5
        assert (score["answered"], score["pages"]) == (1, 1)
        assert score["cpu_seconds"] > 0
    done = subprocess.run([sys.executable, "-m", "reader.bench", "extract", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "trafilatura alone" in done.stdout and "F1" in done.stdout and "answered 1 of 1 pages" in done.stdout and "CPU" in done.stdout
