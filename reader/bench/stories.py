"""`python -m reader.bench stories`: how well indexing groups articles into stories.

A corpus is built from real texts (factRuEval's Russian news, WikiGold's
English documents, the extraction dev set's web pages, the seeds, when
``../shared`` has them; the seeds alone otherwise). Every text is an event;
each gets copies made as agencies and aggregators make them (re-headlined
with a dateline and a trailer; cut; a sentence changed and one dropped; its
first two sentences alone, as a feed's summary),
and every other text of six sentences or more is instead told twice apart:
whole by one agency, and by another as its lead and every other sentence,
each told again (clauses in another order, a word in three dropped): the
same names and figures, few word triples in common.
Every text is dated within three days of every other, so each pair of
events is a negative inside the window; those sharing names are the hard ones.

The corpus is indexed by the library itself, its names extracted, and the
stories read back as ``reader list --json`` gives them. Scored over pairs of articles: precision
over every pair put in one story, recall over the copy pairs and over the
rewrite pairs. Then indexing time with and without grouping, alternated.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval"  # ../shared beside the checkout
DATELINES = {"ru": "МОСКВА, {day} окт — РИА Новости.", "en": "LONDON, Oct {day} (Reuters) -"}
TRAILERS = {"ru": "Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать новости.", "en": "Follow us on X for more news."}
REWRITES = ("told", "retold")
PREFIXES = {"ru": ("Срочно: ", "Обновлено: ", ""), "en": ("Breaking: ", "Update: ", "")}


@dataclass(frozen=True, slots=True)
class Text:
    key: str
    title: str
    sentences: tuple[str, ...]
    lang: str


@dataclass(frozen=True, slots=True)
class Made:
    """One article of the corpus: its event and how it was made (original, a copy, told or retold)."""

    id: str
    event: str
    kind: str
    title: str
    date: str
    source: str
    lang: str
    body: str


def _sentences(text: str) -> list[str]:
    from razdel import sentenize

    return [s.text for paragraph in text.split("\n") for s in sentenize(paragraph) if len(s.text) > 1]


def _text(key: str, body: str, lang: str, title: str = "") -> Text | None:
    sentences = _sentences(body)
    if len(sentences) < 2 or sum(map(len, sentences)) < 300:
        return None
    return Text(key, title or sentences[0][:120], tuple(sentences), lang)


def texts(shared: Path | None = SHARED, pages: int = 120) -> list[Text]:
    """The real texts the corpus is made of (those of ``shared`` when it is there)."""
    from reader import corpus, resources

    out = [_text(p.stem, corpus.load(p).article.body, "ru", corpus.load(p).article.title) for p in sorted(resources.seeds().glob("*.md"))]
    if shared is not None and (shared / "factru" / "devset").is_dir():
        for path in sorted((shared / "factru" / "devset").glob("*.txt")):
            out.append(_text(f"factru-{path.stem}", path.read_text(encoding="utf-8").replace("\r\n", "\n"), "ru"))
    if shared is not None and (shared / "wikigold" / "wikigold.conll.txt").is_file():
        for number, words in enumerate(_conll_documents(shared / "wikigold" / "wikigold.conll.txt")):
            out.append(_text(f"wikigold-{number}", " ".join(words).replace(" .", ".").replace(" ,", ","), "en"))
    if shared is not None and (shared / "extraction" / "pages").is_dir():
        from reader import fulltext
        from reader.text.lang import detect

        for path in sorted((shared / "extraction" / "pages").glob("*.html.gz"))[:pages]:
            title, markdown = fulltext.main_text(gzip.decompress(path.read_bytes()))
            if markdown:
                out.append(_text(f"page-{path.name[:3]}", markdown, detect(markdown) or "en", title))
    return [t for t in out if t is not None]


def _conll_documents(path: Path) -> Iterator[list[str]]:
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if words:
                yield words
            words = []
        elif line.strip():
            words.append(line.split()[0])
    if words:
        yield words


def make(texts: list[Text], seed: int = 1) -> list[Made]:
    """Originals, copies and write-ups apart, every one dated in three days."""
    rng = random.Random(seed)
    out: list[Made] = []
    for number, t in enumerate(texts):
        day = f"2025-10-{1 + rng.randrange(3):02d}"
        lang = t.lang if t.lang in DATELINES else "en"
        body = list(t.sentences)

        def article(kind: str, title: str, sentences: list[str], source: str, shift: int = 0, t: Text = t, day: str = day) -> None:
            date = f"2025-10-{int(day[-2:]) + shift:02d}"
            out.append(Made(f"{t.key}-{kind}", t.key, kind, title, date, source, t.lang, "\n\n".join(sentences)))

        if len(body) >= 6 and number % 2:  # the same event, written twice apart: names and figures, no sentence in common
            article("told", t.title, body, "agencyA")
            retold = [_retold(s) for s in body[:1] + body[1::2]]  # its lead and half its details, in other words
            article("retold", retold[0][:100], retold, "agencyB", shift=rng.randrange(2))
            continue
        article("original", t.title, body, f"agency{number % 7}")
        prefix = rng.choice(PREFIXES[lang])
        dateline = DATELINES[lang].format(day=int(day[-2:]))
        article("repost", f"{prefix}{t.title}", [f"{dateline} {body[0]}", *body[1:], TRAILERS[lang]], "aggregator", shift=rng.randrange(2))
        cut = max(2, len(body) * rng.randint(4, 7) // 10)
        article("cut", " ".join(body[0].split()[:8]), body[:cut], "wire", shift=rng.randrange(2))
        changed = list(body)
        words = changed[min(len(changed) - 1, 2)].split()
        del words[len(words) // 3 : len(words) // 3 + 3]  # three words gone from the third sentence, one added
        changed[min(len(changed) - 1, 2)] = " ".join([*words[:2], PREFIXES[lang][0].strip(": "), *words[2:]])
        if len(changed) > 4:
            del changed[len(changed) // 2]
        article("edited", t.title.upper() if rng.random() < 0.2 else t.title, changed, "portal")
        article("brief", t.title, body[:2], "digest", shift=rng.randrange(2))  # a feed's summary: the lead alone
    return out


def _retold(sentence: str) -> str:
    """A lead told again by another agency: its names and figures kept, its
    phrasing not (clauses in another order, one word in three of the rest
    gone, so that few word triples survive)."""
    clauses = [c.strip() for c in re.split(r"[,;:—]", sentence.rstrip(".!?")) if c.strip()]
    words = [w for c in clauses[1:] + clauses[:1] for w in c.split()]
    kept = [w for n, w in enumerate(words) if w[:1].isupper() or any(ch.isdigit() for ch in w) or n % 3 != 1]
    return " ".join(kept) + "."


def write(made: list[Made], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for m in made:
        front = {"id": m.id, "title": m.title, "date": m.date, "source": m.source, "lang": m.lang}
        (folder / f"{m.id}.md").write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n\n{m.body}\n", encoding="utf-8")


def group(folder: Path, data: Path) -> dict[str, str]:
    """Each article's story, as ``reader list --json`` has it after ``reader index``
    and the extraction of names that follows it."""
    from reader.library import Library

    with Library([folder], data) as library:
        library.refresh()
        library.extract_pending()
        return {row.id: row.story for row in library.list_rows()}


def score(made: list[Made], story_of: dict[str, str]) -> dict[str, float | int]:
    """Pair precision, and recall on copy pairs and on rewrite pairs (all,
    and those in the languages whose names are extracted)."""
    from reader.text import extract

    event = {m.id: m.event for m in made}
    kind = {m.id: m.kind for m in made}
    lang = {m.id: m.lang for m in made}
    put = [(a, b) for a, b in itertools.combinations(sorted(story_of), 2) if story_of[a] == story_of[b]]
    wrong = [(a, b) for a, b in put if event[a] != event[b]]
    same = [(a, b) for a, b in itertools.combinations(sorted(event), 2) if event[a] == event[b]]
    copies = [(a, b) for a, b in same if kind[a] not in REWRITES]
    apart = [(a, b) for a, b in same if kind[a] in REWRITES]
    found = {(a, b) for a, b in put}
    results: dict[str, float | int] = {
        "articles": len(made),
        "events": len(set(event.values())),
        "pairs_put_together": len(put),
        "wrong_pairs": len(wrong),
        "precision": round(1 - len(wrong) / len(put), 4) if put else 1.0,
        "copy_pairs": len(copies),
        "copy_recall": round(sum(p in found for p in copies) / len(copies), 4) if copies else 1.0,
        "rewrite_pairs": len(apart),
        "rewrite_recall": round(sum(p in found for p in apart) / len(apart), 4) if apart else 1.0,
    }
    named = [(a, b) for a, b in apart if extract.has_entities(lang[a])]  # languages whose names are extracted
    results["rewrite_pairs_named"] = len(named)
    results["rewrite_recall_named"] = round(sum(p in found for p in named) / len(named), 4) if named else 1.0
    for variant in ("repost", "cut", "edited", "brief"):
        mine = [(a, b) for a, b in copies if variant in (kind[a], kind[b]) and "original" in (kind[a], kind[b])]
        results[f"recall_original_{variant}"] = round(sum(p in found for p in mine) / len(mine), 4) if mine else 1.0
    return results


def quality(shared: Path | None, log: object = print) -> tuple[dict[str, float | int], list[tuple[str, str]]]:
    made = make(texts(shared))
    with tempfile.TemporaryDirectory(prefix="reader-stories-") as tmp:
        write(made, Path(tmp, "corpus"))
        story_of = group(Path(tmp, "corpus"), Path(tmp, "data"))
    results = score(made, story_of)
    event = {m.id: m.event for m in made}
    wrong = [(a, b) for a, b in itertools.combinations(sorted(story_of), 2) if story_of[a] == story_of[b] and event[a] != event[b]]
    return results, wrong


def indexing_cost(articles: int, rounds: int, make_corpus: Callable[[Path, int], object]) -> dict[str, float | int]:
    """Indexing a synthetic library (``make_corpus`` writes it) from scratch,
    with and without grouping, alternated ``rounds`` times: medians of the
    wall time and of the CPU time (this process and its workers: on a
    machine other work shares, the CPU time is the steadier figure)."""
    from reader.library import Library

    times: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="reader-stories-index-") as tmp:
        root = Path(tmp, "library")
        make_corpus(root, articles)
        for number in range(rounds):
            for mode in ("with", "without"):
                if mode == "without":
                    os.environ["READER_BENCH_NO_STORIES"] = "1"
                try:
                    started, cpu = time.perf_counter(), _cpu()
                    with Library([root], Path(tmp, f"data-{mode}-{number}")) as library:
                        library.refresh()
                    times[mode].append((time.perf_counter() - started, _cpu() - cpu))
                finally:
                    os.environ.pop("READER_BENCH_NO_STORIES", None)
    out: dict[str, float | int] = {"index_articles": articles}
    for n, what in enumerate(("wall", "cpu")):
        with_, without = (statistics.median(t[n] for t in times[mode]) for mode in ("with", "without"))
        out[f"index_{what}_with_s"], out[f"index_{what}_without_s"] = round(with_, 2), round(without, 2)
        out[f"index_{what}_ratio"] = round(with_ / without, 3)
        out[f"index_{what}_spread_s"] = round(
            max(t[n] for m in times.values() for t in m) - min(t[n] for m in times.values() for t in m), 2
        )
    return out


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the reading workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(args: list[str], make_corpus: Callable[[Path, int], object]) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.bench stories")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the eval folder (factru, wikigold, extraction)")
    parser.add_argument("--index", type=int, default=0, metavar="N", help="also time indexing N articles with and without grouping")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--show-wrong", action="store_true", help="list the pairs wrongly put together")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args(args)
    shared = options.shared if options.shared.is_dir() else None
    results, wrong = quality(shared)
    if options.index:
        results.update(indexing_cost(options.index, options.rounds, make_corpus))
    for name, value in results.items():
        print(f"{name:<26} {value}")
    if options.show_wrong:
        for a, b in wrong:
            print(f"wrong: {a}  {b}")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0
