"""``python -m reader.bench``: synthetic corpora and measurements.

    python -m reader.bench corpus --articles N DIR [--seed S]
    python -m reader.bench [--articles N] [--fetched FEEDS] [--json FILE] [--repeat R]
    python -m reader.bench ner [--factru DIR] [--conll FILE] [--marked FILE]
    python -m reader.bench fetch [--feeds N] [--fixtures DIR] [--json FILE]
    python -m reader.bench entities [--articles N] [--days D] [--repeat R]
    python -m reader.bench stories [--index N] [--show-wrong]

Figures are medians over repeated runs; nothing here is a test and nothing
asserts on time.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reader import corpus, resources

SOURCES = (
    "БЕЛТА", "Sputnik Узбекистан", "Kun.uz", "Газета.uz", "Tengrinews", "Kapital.kz",
    "Интерфакс", "ТАСС", "РИА Новости", "АКИpress", "Trend", "Reuters",
)  # fmt: skip
TAGS = (
    "ЕАЭС",
    "экономика",
    "энергетика",
    "инвестиции",
    "промышленность",
    "образование",
    "цифровизация",
    "торговля",
    "транспорт",
    "сельское хозяйство",
)
FACTRU_CANDIDATES = (Path("../shared/eval/factru"), Path(__file__).resolve().parents[3] / "shared" / "eval" / "factru")


def factru_dir(given: Path | None = None) -> Path | None:
    for candidate in (given,) if given else FACTRU_CANDIDATES:
        if candidate and (candidate / "devset").is_dir():
            return candidate
    return None


def _sentences(factru: Path | None) -> list[str]:
    from razdel import sentenize

    texts = [corpus.load(p).article.body for p in sorted(resources.seeds().glob("*.md"))]
    if factru is not None:
        texts += [p.read_text(encoding="utf-8").replace("\r\n", "\n") for p in sorted((factru / "devset").glob("*.txt"))]
    out = []
    for text in texts:
        for paragraph in text.split("\n"):
            out += [s.text for s in sentenize(paragraph) if 20 <= len(s.text) <= 600]
    return out


def make_corpus(folder: Path, articles: int, seed: int = 1, factru: Path | None = None) -> int:
    """Write ``articles`` Markdown articles to ``folder``; the same arguments
    always write the same files. Returns the bytes written."""
    rng = random.Random(seed)
    sentences = _sentences(factru)
    written = 0
    for number in range(articles):
        target = rng.randint(1024, 8192)
        paragraphs: list[str] = []
        size = 0
        while size < target:
            paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8"))
        words = paragraphs[0].split()
        title = " ".join(words[: rng.randint(6, 12)]).rstrip(",.;:—-")
        day = 18000 + rng.randrange(2500)
        date = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        tags = rng.sample(TAGS, rng.randint(1, 3))
        text = (
            f"---\nid: b{number:07d}\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\n"
            f"source: {rng.choice(SOURCES)}\nlang: ru\ntags: [{', '.join(tags)}]\n---\n\n" + "\n\n".join(paragraphs) + "\n"
        )
        shard = folder / f"{number // 1000:03d}"
        shard.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (shard / f"{number:07d}.md").write_bytes(data)
        written += len(data)
    return written


# -- measurements ---------------------------------------------------------------

QUERIES = {
    "frequent": ["узбекистан", "развитие", "президент"],
    "rare": ["плехановский", "технопарк", "ауэзов"],
    "prefix1": ["к", "п", "т"],
    "prefix2": ["ка", "пр", "со"],
    "prefix3": ["каз", "про", "сот"],
    "phrase": ['"искусственного интеллекта"', '"центральной азии"', '"промышленной кооперации"'],
    "filters": ["source:Sputnik", "date:2023-05", "tag:энергетика узбекистан", "-узбекистан lang:ru"],
    "entities": ["person:Токаев", "place:Ташкент", "org:ЕАЭС"],
}
PARTIAL = {"prefix1", "prefix2", "prefix3"}


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _start_time(script: str, repeat: int) -> float:
    """Median seconds from starting the process until the app's first full
    paint (the app prints the wall clock then, and exits)."""
    times = []
    for _ in range(repeat):
        started = time.time()
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"the app did not start: {done.stderr.strip().splitlines()[-1:]}")
        times.append(float(done.stdout.strip().splitlines()[-1]) - started)
    return statistics.median(times)


BASELINE_APP = """
import time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.ready)
    def ready(self):
        print(time.time())
        self.exit()
Bare().run(headless=True, size=(120, 40))
"""

READER_APP = """
import sys
import time
from pathlib import Path
from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
class Timed(ReaderApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._ready)
    def _ready(self):
        if len(self.screen.query_one(ArticleList).rowids) == 0:
            raise SystemExit("the list was empty")
        print(time.time())
        self.exit()
Timed(Library(SCOPE, Path(sys.argv[2])).open()).run(headless=True, size=(120, 40))
"""


def _frames(scope: list[Path] | None, data_dir: Path, pages: int) -> list[float]:
    """Seconds to build the article list's lines for one frame, page after
    page, in the real app: rows fetched from the store, strips built."""
    import asyncio

    from reader.library import Library
    from reader.ui.app import ReaderApp
    from reader.ui.article_list import ArticleList

    async def page() -> list[float]:
        app = ReaderApp(Library(scope, data_dir).open())
        frames = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            articles = app.screen.query_one(ArticleList)
            for _ in range(pages):
                articles.action_page(1)
                started = time.perf_counter()
                for y in range(articles.size.height):
                    articles.render_line(y)
                frames.append(time.perf_counter() - started)
                await pilot.pause()
            app.workers.cancel_all()
        return frames

    return asyncio.run(page())


def measure(articles: int, repeat: int, factru: Path | None, log: Callable[[str], None], fetched: int = 0) -> dict[str, float | int]:
    from rich.console import Console

    from reader.highlight import body_text
    from reader.library import Library
    from reader.text import extract

    results: dict[str, float | int] = {"articles": articles, "fetched_from_feeds": fetched}
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        root, data = Path(tmp, "library"), Path(tmp, "data")
        log(f"writing {articles:,} articles")
        make_corpus(root, articles, factru=factru)
        scope: list[Path] | None = [root]
        if fetched:
            from reader.bench.fetch import as_fetched

            log(f"moving them into items.db as the items of {fetched} feeds")
            as_fetched(root, data, fetched)
            scope = None
        library = Library(scope, data).open()
        log("indexing (cold)")
        cold = _timed(library.refresh)
        results["index_articles_per_s"] = round(articles / cold, 1)
        results["reindex_unchanged_s"] = round(statistics.median(_timed(library.refresh) for _ in range(repeat)), 3)

        sample = min(articles, 400)
        log(f"extracting entities in the background (until {sample} are done)")
        started = time.perf_counter()
        work = library.start_extraction()
        assert work is not None
        try:
            while work.done() < sample and work.running:
                time.sleep(0.2)
        finally:
            work.stop()
        results["entities_articles_per_s"] = round(work.done() / (time.perf_counter() - started), 2)
        extract.load_models()
        # Both languages' models in this process, so peak_rss_mb counts them.
        extract.extract("Joe Biden met Shavkat Mirziyoyev at the World Bank in Washington.", "en", "")

        log("searching")
        per_class: dict[str, list[float]] = {}
        for name, queries in QUERIES.items():
            times = per_class.setdefault(name, [])
            for _ in range(max(5, repeat * 3)):
                for query in queries:
                    times.append(_timed(lambda q=query, n=name: library.search(q, partial=n in PARTIAL)))  # type: ignore[misc]
        everything = [t for times in per_class.values() for t in times]
        results["search_p50_ms"] = round(1000 * statistics.median(everything), 2)
        results["search_p95_ms"] = round(1000 * max(_percentile(t, 0.95) for t in per_class.values()), 2)
        for name, times in per_class.items():
            results[f"search_{name}_p95_ms"] = round(1000 * _percentile(times, 0.95), 2)

        log("opening articles")
        console = Console(width=80, file=open("/dev/null", "w"), force_terminal=True)  # noqa: SIM115
        matcher = library.search("узбекистан").matcher
        assert matcher is not None
        rowids = list(library.all_rowids()[:sample])

        def open_article(rowid: int, cached: bool) -> None:
            article = library.article(rowid)
            assert article is not None
            found = library.cached_extraction(article) if cached else extract.extract(article.body, article.lang, article.date)
            console.render_lines(body_text(article.body, found, matcher.spans(article.body)), console.options)

        results["open_cached_ms"] = round(1000 * statistics.median(_timed(lambda r=r: open_article(r, True)) for r in rowids[:50]), 2)  # type: ignore[misc]
        results["open_uncached_ms"] = round(1000 * statistics.median(_timed(lambda r=r: open_article(r, False)) for r in rowids[:20]), 2)  # type: ignore[misc]
        library.close()

        log("starting the app")
        results["baseline_start_s"] = round(_start_time(BASELINE_APP, repeat), 3)
        results["warm_start_s"] = round(
            _start_time(
                READER_APP.replace("SCOPE", repr(scope)).replace("sys.argv[2]", repr(str(data))).replace("PosixPath", "Path"), repeat
            ),
            3,
        )

        log("scrolling")
        frames = _frames(scope, data, pages=60)
        results["scroll_frame_ms"] = round(1000 * _percentile(frames, 0.95), 2)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


BOOKMARK_LOOP = """
import sys, time
from pathlib import Path
from reader.library import Library
with Library([Path(sys.argv[1])], Path(sys.argv[2])) as library:
    library.refresh()
    ids = [row.id for row in library.list_rows()]
    on = True
    while True:
        for article_id in ids:
            library.set_bookmark(article_id, on).result()
        on = not on
"""


def _screen(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", session], capture_output=True, text=True, check=True).stdout


def responsiveness(articles: int, presses: int, log: Callable[[str], None]) -> dict[str, float | int]:
    """The app in tmux on one folder while another process indexes
    ``articles`` files into the same data dir and a third toggles bookmarks
    in a loop: how long until the screen answers `j` (capture-pane polled
    every 5 ms)."""
    import shutil

    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed for this measurement")
    reader = str(Path(sys.executable).with_name("reader"))
    session = f"reader-bench-{time.monotonic_ns()}"
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        shown, other, data = Path(tmp, "shown"), Path(tmp, "other"), Path(tmp, "data")
        make_corpus(shown, 300, seed=2)
        log(f"writing {articles:,} articles for the other process to index")
        make_corpus(other, articles, seed=3)
        subprocess.run([reader, "--data-dir", str(data), "index", str(shown)], check=True, capture_output=True)
        command = f"env -u COLUMNS -u LINES READER_DATA_DIR={data} {reader} --library {shown}"
        subprocess.run(["tmux", "new", "-d", "-s", session, "-x", "160", "-y", "45", command], check=True)
        helpers: list[subprocess.Popen[bytes]] = []
        delays: list[float] = []
        try:
            time.sleep(4)
            log("indexing in another process, bookmarking in a third; pressing j")
            helpers.append(subprocess.Popen([reader, "--data-dir", str(data), "index", str(other)], stderr=subprocess.DEVNULL))
            helpers.append(subprocess.Popen([sys.executable, "-c", BOOKMARK_LOOP, str(shown), str(data)], stderr=subprocess.DEVNULL))
            time.sleep(1)
            for _ in range(presses):
                if helpers[0].poll() is not None:
                    break
                before = _screen(session)
                started = time.perf_counter()
                subprocess.run(["tmux", "send-keys", "-t", session, "j"], check=True)
                while _screen(session) == before and time.perf_counter() - started < 5:
                    time.sleep(0.005)
                delays.append(time.perf_counter() - started)
                time.sleep(0.15)
        finally:
            for helper in helpers:
                helper.kill()
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return {
        "keypresses": len(delays),
        "keypress_p50_ms": round(1000 * statistics.median(delays), 1),
        "keypress_p95_ms": round(1000 * _percentile(delays, 0.95), 1),
        "keypress_max_ms": round(1000 * max(delays), 1),
        "keypress_over_300ms": sum(d > 0.3 for d in delays),
    }


TARGETS = {
    "search_p95_ms": ("≤", 50),
    "open_cached_ms": ("≤", 30),
    "scroll_frame_ms": ("≤", 16),
    "reindex_unchanged_s": ("≤", 2),
    "peak_rss_mb": ("≤", 500),
    "index_articles_per_s": ("≥", 1000),
}


def table(results: dict[str, float | int]) -> Iterator[str]:
    yield f"{'measure':<28} {'value':>12}  target"
    for key, value in results.items():
        target = TARGETS.get(key)
        note = f"{target[0]} {target[1]}" if target else ""
        if key == "warm_start_s":
            note = f"≤ 2.5 × baseline = {2.5 * float(results.get('baseline_start_s', 0)):.3f}"
        yield f"{key:<28} {value:>12}  {note}"


# -- command line ---------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["corpus"]:
        parser = argparse.ArgumentParser(prog="python -m reader.bench corpus")
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--factru", type=Path)
        parser.add_argument("dir", type=Path)
        options = parser.parse_args(args[1:])
        written = make_corpus(options.dir, options.articles, options.seed, factru_dir(options.factru))
        print(f"wrote {options.articles:,} articles ({written / 2**20:.1f} MiB) to {options.dir}")
        return 0
    if args[:1] == ["responsive"]:
        parser = argparse.ArgumentParser(prog="python -m reader.bench responsive")
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--presses", type=int, default=60)
        options = parser.parse_args(args[1:])
        results = responsiveness(options.articles, options.presses, lambda m: print(f"… {m}", file=sys.stderr))
        print("\n".join(table(results)))
        return 0
    if args[:1] == ["stories"]:
        from reader.bench import stories as bench_stories

        if "--index" in args and factru_dir() is None:
            # 49 sentences recombined: most leads repeat one another's, so nearly every article has copies.
            print("factRuEval not found: the library is made of the seeds' sentences alone, far more alike than news", file=sys.stderr)
        return bench_stories.main(args[1:], lambda folder, n: make_corpus(folder, n, factru=factru_dir()))
    if args[:1] == ["entities"]:
        from reader.bench import entities as bench_entities

        return bench_entities.main(args[1:])
    if args[:1] == ["extract"]:
        from reader.bench import extraction

        return extraction.main(args[1:])
    if args[:1] == ["ner"]:
        from reader.bench import ner as bench_ner

        parser = argparse.ArgumentParser(prog="python -m reader.bench ner")
        parser.add_argument("--factru", type=Path)
        parser.add_argument("--conll", type=Path, help="a CoNLL-2003 file (English): score it instead of factRuEval")
        parser.add_argument("--marked", type=Path, help="English paragraphs labelled «[PER Ann Wilson]» (tests/data/en_feeds_ner.txt)")
        options = parser.parse_args(args[1:])
        english = options.conll or options.marked
        if english is not None:
            if not english.is_file():
                print(f"{english}: no such file", file=sys.stderr)
                return 1
            scores = bench_ner.english_scores(bench_ner.conll_documents(english) if options.conll else bench_ner.marked_documents(english))
        else:
            found = factru_dir(options.factru)
            if found is None:
                print("factRuEval not found: pass --factru DIR", file=sys.stderr)
                return 1
            scores = bench_ner.ner_scores(found)
        for name, by_kind in scores.items():
            for kind, score in by_kind.items():
                print(f"{name:<14} {kind}  precision {score['precision']:.3f}  recall {score['recall']:.3f}  F1 {score['f1']:.3f}")
        return 0
    if args[:1] == ["fetch"]:
        return _fetch_main(args[1:])
    if args[:1] == ["launch"]:
        from reader.bench import launch

        parser = argparse.ArgumentParser(prog="python -m reader.bench launch")
        parser.add_argument("--data-dir", type=Path, required=True, help="an indexed data dir (made by `reader` or this bench)")
        parser.add_argument("--repeat", type=int, default=7)
        options = parser.parse_args(args[1:])
        print("\n".join(table(launch.measure(options.data_dir, options.repeat))))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m reader.bench",
        description="Measures the reader on a synthetic library. Other subcommands: "
        "`corpus --articles N DIR` (write the corpus alone), `ner [--factru DIR]` (NER scores), "
        "`fetch [--feeds N]` (fetch, store and index feeds from a local server, beside newsboat), "
        "`extract DIR` (full-text extraction F1 on a folder of pages with ground truth), "
        "`responsive [--articles N]` (the app's answer to a key while other processes index and bookmark), "
        "`entities [--articles N]` (entity pages and trends on a synthetic index of names), "
        "`launch --data-dir DIR` (the installed command started in tmux until its list shows, beside a bare Textual app).",
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--factru", type=Path)
    parser.add_argument(
        "--fetched", type=int, default=0, metavar="FEEDS", help="the articles as items fetched from FEEDS feeds (in items.db)"
    )
    options = parser.parse_args(args)
    say = lambda m: print(f"… {m}", file=sys.stderr)  # noqa: E731
    results = measure(options.articles, options.repeat, factru_dir(options.factru), say, options.fetched)
    print("\n".join(table(results)))
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _fetch_main(args: list[str]) -> int:
    from reader.bench import fetch as feeds_bench

    parser = argparse.ArgumentParser(prog="python -m reader.bench fetch")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--fixtures", type=Path, help="the feed-rs fixtures (default: ../shared/feeds/feed-rs)")
    parser.add_argument("--concurrency", type=int, default=8, help="fetches at once (default 8, as newsboat's reload-threads here)")
    parser.add_argument(
        "--news",
        type=int,
        metavar="ITEMS",
        help="serve --feeds news feeds of ITEMS articles each (1-8 KB of Russian news text an item, "
        "the corpus's articles as HTML) instead of the fixtures: the shape of real news feeds",
    )
    parser.add_argument("--json", type=Path)
    options = parser.parse_args(args)
    say = lambda m: print(f"… {m}", file=sys.stderr)  # noqa: E731
    if options.news:
        with tempfile.TemporaryDirectory(prefix="reader-news-feeds-") as temp:
            articles, served = Path(temp) / "articles", Path(temp) / "feeds"
            served.mkdir()
            make_corpus(articles, options.feeds * options.news, factru=factru_dir())
            written = feeds_bench.make_news_feeds(served, options.news, sorted(articles.rglob("*.md")))
            say(f"{options.feeds:,} news feeds of {options.news} items ({written / 2**20:.1f} MiB)")
            results = feeds_bench.measure(options.feeds, served, say, options.concurrency)
    else:
        found = feeds_bench.fixtures_dir(options.fixtures)
        if found is None:
            print("feed fixtures not found: pass --fixtures DIR", file=sys.stderr)
            return 1
        results = feeds_bench.measure(options.feeds, found, say, options.concurrency)
    print("\n".join(f"{name:<28} {value}" for name, value in results.items()))
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0
