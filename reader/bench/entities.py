"""``python -m reader.bench entities``: entity pages and trends timed on a
synthetic index of N articles (100,000 by default) with their names.

The articles are short and their names drawn, not extracted (real extraction
is what the tests run): each article gets 8-16 names from a vocabulary with a
Zipf-like spread (a few names in a third of all articles, most in a handful),
dated over the last ``--days`` days, and a few figures said with some of its
names. Rows go in through the index's own statements (``Index.apply``,
``Index.store_extractions``), so what is timed reads the tables as the
reader fills them. Figures are medians of ``--repeat`` runs through the
:class:`reader.library.Library` facade; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reader.library import Library
from reader.library.entities import name_rows
from reader.model import Article, Entity, Extraction, Figure
from reader.search import entity_tokens
from reader.store import Index, Indexed

KINDS = ("PER", "ORG", "LOC")
BATCH = 5000
RISING = "Эльвира Набиуллина"


def _vocabulary(size: int, rng: random.Random) -> list[tuple[str, str]]:
    syllables = ("ка", "ми", "ро", "за", "ле", "ту", "ни", "са", "во", "ре", "ди", "ла", "мо", "пе", "гу")
    names: set[str] = set()
    while len(names) < size:
        first = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
        last = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()
        names.add(f"{first} {last}")
    return [(KINDS[i % 3], name) for i, name in enumerate(sorted(names))]


def build(data_dir: Path, root: Path, articles: int, days: int, today: dt.date, seed: int, say: Callable[[str], None]) -> None:
    """An index in ``data_dir`` of ``articles`` articles under ``root`` with their names."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(20_000, rng)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(vocabulary))]
    index = Index.open(data_dir / "index.db", say)
    started = time.perf_counter()
    try:
        for first in range(0, articles, BATCH):
            numbers = range(first, min(articles, first + BATCH))
            items = []
            stat = {}
            for n in numbers:
                date = today - dt.timedelta(days=rng.randrange(days))
                path = str(root / f"{n:06d}.md")
                article = Article(f"bench{n:06d}", f"Статья {n}", date.isoformat(), "Бенч", "", "ru", (), "Текст статьи.", path)
                items.append((path, Indexed(article, f"h{n}", f"статья {n}", "текст статья", "бенч"), f"f{n}", None))
                stat[path] = (1, 1)
            index.apply(dict.fromkeys(stat, str(root)), stat, items)
            extracted = []
            for n in numbers:
                chosen = {vocabulary[i] for i in rng.choices(range(len(vocabulary)), weights, k=rng.randint(8, 16))}
                if n % 50 == 0:  # one name rising: in every fiftieth article of the last two days
                    chosen.add(("PER", RISING))
                entities = tuple(Entity(kind, name, name, ((i * 100, i * 100 + 5),)) for i, (kind, name) in enumerate(sorted(chosen)))
                figures = tuple(
                    Figure("percent", f"{v}%", v, "%", i * 100 + 10, i * 100 + 13) for i, v in enumerate(rng.sample(range(1, 99), 3))
                )
                sentences = tuple((i * 100, i * 100 + 99) for i in range(len(entities)))
                found = Extraction(entities, figures, sentences)
                tokens = " zzsep ".join(entity_tokens(e.kind, e.normal) for e in entities)
                extracted.append((f"h{n}", "{}", tokens, name_rows(found)))
            index.store_extractions("bench", extracted)
            say(f"{min(articles, first + BATCH):,} articles ({time.perf_counter() - started:.0f} s)")
        with index.write() as tx:  # the rising name: its articles moved into the last two days
            tx.execute(
                "UPDATE articles SET date=? WHERE rowid IN (SELECT m.article FROM mentions m JOIN names n ON n.id=m.name WHERE n.name=?)",
                ((today - dt.timedelta(days=1)).isoformat(), RISING),
            )
            tx.execute(
                "UPDATE mentions SET day=? WHERE article IN (SELECT m.article FROM mentions m JOIN names n ON n.id=m.name WHERE n.name=?)",
                ((today - dt.timedelta(days=1)).toordinal(), RISING),
            )
        index.conn.execute("ANALYZE")
    finally:
        index.close()


def _ranked(data_dir: Path, say: Callable[[str], None]) -> list[tuple[str, str, int]]:
    """Every name (kind, name, articles), most articles first."""
    index = Index.open(data_dir / "index.db", say)
    try:
        rows = index.conn.execute(
            "SELECT n.kind, n.name, count(*) FROM mentions m JOIN names n ON n.id=m.name GROUP BY m.name ORDER BY 3 DESC"
        ).fetchall()
        return [(str(k), str(n), int(c)) for k, n, c in rows]
    finally:
        index.close()


def _median_ms(action: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """The first run's time, then the median time and CPU time of the
    others, in ms (on a shared machine the CPU time is the steadier figure:
    the wall time counts the turns other processes take)."""
    times, cpu = [], []
    for _ in range(repeat + 1):
        started, used = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return round(times[0], 1), round(statistics.median(times[1:]), 1), round(statistics.median(cpu[1:]), 1)


def measure(articles: int, days: int, repeat: int, say: Callable[[str], None], keep: Path | None = None) -> dict[str, float | int | str]:
    """Build the index (in ``keep`` when given, and there only once), then time."""
    with tempfile.TemporaryDirectory(prefix="reader-bench-entities-") as temp:
        place = keep or Path(temp)
        data_dir, root = place / "data", place / "articles"
        data_dir.mkdir(parents=True, exist_ok=True)
        today_file = place / "today"
        started = time.perf_counter()
        if not today_file.exists():
            build(data_dir, root, articles, days, dt.date.today(), 1, say)
            today_file.write_text(dt.date.today().isoformat())
        today = dt.date.fromisoformat(today_file.read_text())
        results: dict[str, float | int | str] = {"articles": articles, "days": days, "build_s": round(time.perf_counter() - started, 1)}
        with Library([root], data_dir) as library:
            ranked = _ranked(data_dir, say)
            library.all_rowids()  # the list's order, as the app has it before any page is asked for
            top = library.trends(today=today)
            results["trends_top"] = top[0].name if top else ""
            results["rising_rank"] = next((i + 1 for i, t in enumerate(top) if t.name == RISING), 0)
            results["trends_first_ms"], results["trends_ms"], results["trends_cpu_ms"] = _median_ms(
                lambda: library.trends(today=today), repeat
            )
            for label, rank in (("most", 0), ("tenth", 9), ("hundredth", 99), ("rare", 5000)):
                kind, name, _ = ranked[min(rank, len(ranked) - 1)]
                page = library.entity_page(name, kind)
                results[f"page_{label}_articles"] = len(page.rowids) if page else 0
                timed = _median_ms(lambda n=name, k=kind: library.entity_page(n, k), repeat)  # type: ignore[misc]
                results[f"page_{label}_first_ms"], results[f"page_{label}_ms"], results[f"page_{label}_cpu_ms"] = timed
            _, results["page_tenth_any_kind_ms"], results["page_tenth_any_kind_cpu_ms"] = _median_ms(
                lambda: library.entity_page(ranked[9][1]), repeat
            )
    return results


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.bench entities")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60, help="the articles' dates spread over this many days up to today")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the index in this folder, or use the one built there before")
    options = parser.parse_args(args)
    results = measure(options.articles, options.days, options.repeat, lambda m: print(f"… {m}", flush=True), options.keep)
    print("\n".join(f"{name:<26} {value}" for name, value in results.items()))
    return 0
