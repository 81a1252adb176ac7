"""`python -m reader.bench extract DIR`: the full-text extractor scored on a
folder of HTML pages with snippets each must and must not hold (trafilatura's
evaluation format, ``expected.json``; scored beside trafilatura alone), or
with a ground truth in the format of the article-extraction-benchmark (``ground-truth.json``: ``{key: {"articleBody":
..., "url": ...}}``; pages as ``html/<key>.html.gz``, ``<key>.html.gz`` or
``<key>.html``).

Each page goes through the same code as ``F``: :func:`reader.fulltext.main_text`
(trafilatura to Markdown, the repeated title dropped) and then the Markdown
renderer, so what is scored is the text the reading pane would show.

The score is the benchmark's: word 4-gram shingles (``\\w+`` tokens, the
whole text as one shingle when it has fewer than four words) counted as
multisets; per page TP, FP and FN normalised to sum to one; precision
averaged over the pages that predicted anything or should have, recall over
the pages whose truth or prediction has shingles, F1 from the two means.
Written here from that description (a few lines) rather than vendored.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from reader import fulltext
from reader.sanitize import clean_text
from reader.text.markdown import render

_TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_counts(true: str, predicted: str) -> Counts:
    truth, guess = shingles(true), shingles(predicted)
    tp = float(sum((truth & guess).values()))
    fp = float(sum((guess - truth).values()))
    fn = float(sum((truth - guess).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: list[Counts]) -> dict[str, float]:
    precision = statistics.mean([_precision(*c) for c in counts if c[0] + c[1] > 0] or [0.0])
    recall = statistics.mean([_recall(*c) for c in counts if c[0] + c[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def shown_text(html: bytes | str, url: str | None) -> str:
    """What ``F`` would show of this page (empty when nothing is found)."""
    _, markdown = fulltext.main_text(html, url)
    return render(clean_text(markdown).strip("\n")).text


def _page(folder: Path, key: str) -> bytes | None:
    for candidate in (
        folder / "html" / f"{key}.html.gz",
        folder / f"{key}.html.gz",
        folder / "html" / f"{key}.html",
        folder / f"{key}.html",
    ):
        if candidate.is_file():
            data = candidate.read_bytes()
            return gzip.decompress(data) if candidate.suffix == ".gz" else data
    return None


def run(folder: Path, extract: Callable[[bytes, str | None], str] = shown_text, say: Callable[[str], None] = print) -> dict[str, object]:
    truth_file = folder / "ground-truth.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    if not isinstance(truth, dict) or not truth:
        raise ValueError(f"{truth_file}: expected an object of pages")
    counts: list[Counts] = []
    missing: list[str] = []
    predictions: dict[str, dict[str, str]] = {}
    started = time.perf_counter()
    for key, item in sorted(truth.items()):
        html = _page(folder, key)
        if html is None:
            missing.append(key)
            continue
        url = item.get("url") if isinstance(item, dict) else None
        try:
            predicted = extract(html, url)
        except Exception as error:  # scored as an empty prediction, and said
            say(f"{key}: {type(error).__name__}: {error}")
            predicted = ""
        predictions[key] = {"articleBody": predicted}
        counts.append(page_counts(str(item.get("articleBody", "")), predicted))
    result: dict[str, object] = {"pages": len(counts), "missing": len(missing), "seconds": round(time.perf_counter() - started, 2)}
    result.update({k: round(v, 4) for k, v in scores(counts).items()} if counts else {})
    result["predictions"] = predictions
    return result


def _spaced(text: str) -> str:
    return " ".join(text.split())


def run_snippets(folder: Path, extractors: dict[str, Callable[[bytes, str | None], str]]) -> dict[str, dict[str, float]]:
    """Score on a folder in the format of trafilatura's evaluation
    (``expected.json``: ``{file: {"url", "with": [...], "without": [...]}}``,
    pages in ``pages/``): a «with» snippet found is a true positive, missed a
    false negative; a «without» snippet found a false positive (spaces folded).
    A page is answered when the extractor found any text on it."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    counts = {name: [0, 0, 0] for name in extractors}
    answered = dict.fromkeys(extractors, 0)
    cpu = dict.fromkeys(extractors, 0.0)
    for name_of_page, item in sorted(expected.items()):
        path = folder / "pages" / name_of_page
        data = path.read_bytes()
        html = gzip.decompress(data) if path.suffix == ".gz" else data
        for name, extract in extractors.items():
            started = time.process_time()
            try:
                text = _spaced(extract(html, item.get("url")))
            except Exception:
                text = ""
            cpu[name] += time.process_time() - started
            answered[name] += bool(text.strip())
            tally = counts[name]
            for snippet in item.get("with", []):
                tally[0 if _spaced(snippet) in text else 2] += 1
            tally[1] += sum(_spaced(snippet) in text for snippet in item.get("without", []))
    out = {}
    for name, (tp, fp, fn) in counts.items():
        precision, recall = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "answered": answered[name],
            "pages": len(expected),
            "cpu_seconds": cpu[name],
        }
    return out


def trafilatura_alone(html: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def main(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m reader.bench extract", description="score the full-text extractor")
    parser.add_argument("dir", type=Path, help="folder with ground-truth.json and the pages")
    parser.add_argument("--json", type=Path, help="write the scores here")
    parser.add_argument("--predictions", type=Path, help="write what was extracted, in the benchmark's output format")
    options = parser.parse_args(args)
    if (options.dir / "expected.json").is_file():
        by_name = run_snippets(options.dir, {"reader": shown_text, "trafilatura alone": trafilatura_alone})
        for name, score in by_name.items():
            print(
                f"{name:<18} precision {score['precision']:.3f}  recall {score['recall']:.3f}  F1 {score['f1']:.3f}  "
                f"(tp {score['tp']}, fp {score['fp']}, fn {score['fn']}; answered {score['answered']} of {score['pages']} pages; "
                f"CPU {score['cpu_seconds']:.1f} s)"
            )
        return 0
    try:
        result = run(options.dir, say=lambda m: print(m, file=sys.stderr))
    except (OSError, ValueError) as error:
        print(f"reader.bench extract: {error}", file=sys.stderr)
        return 1
    predictions = result.pop("predictions")
    if not result["pages"]:
        print(f"no pages found in {options.dir}", file=sys.stderr)
        return 1
    print(
        f"pages {result['pages']}  missing {result['missing']}  precision {result['precision']:.3f}  "
        f"recall {result['recall']:.3f}  F1 {result['f1']:.3f}  ({result['seconds']} s)"
    )
    if options.json:
        options.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if options.predictions:
        options.predictions.write_text(json.dumps(predictions, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0
