"""The commands on articles: index, list, show, entities, search, bookmarks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reader import bookmark_files
from reader.cli.common import (
    Command,
    UsageError,
    extract_with_bar,
    plural,
    print_json,
    refresh_with_bar,
    say,
    stdout,
)
from reader.highlight import body_text, figure_value, fit, meta_line
from reader.library import Library
from reader.model import Article, DiskFull, ReaderError, SearchHit


def _index(library: Library, args: argparse.Namespace, err: Console) -> int:
    for path in args.paths:
        if not path.exists():
            raise ReaderError(f"{path}: no such file or folder")
        if not library.readonly and library.add_source(path):
            say(err, f"reader: added {path.absolute()} to the library's sources")
    report = refresh_with_bar(library, err, every_note=True, verbose=args.verbose)
    say(err, f"{plural(report.seen, 'file')}, {report.read:,} read, {report.removed:,} removed, {plural(library.count(), 'article')}")
    given = {str(path.absolute()) for path in args.paths}
    for source in library.sources() if given else []:
        if source.location in given and not source.articles:
            say(
                err,
                f"reader: no article in {source.location} (.md with front matter, or .txt); a feed is added with `reader feeds add URL`",
            )
    pending = library.pending_extraction()
    if pending:
        extract_with_bar(library, err, pending)
    return 0


def _list(library: Library, args: argparse.Namespace, err: Console) -> int:
    rows = library.list_rows()
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    out = stdout()
    for r in rows:
        flags = ("★" if r.bookmarked else " ") + (" " if r.read else "•")
        out.print(Text(f"{flags} {r.id}  {r.date}  {fit(r.source, 18):<18}  {r.title}"), no_wrap=True, overflow="ellipsis")
    if any(s.mute for s in library.saved_searches()) and (hidden := len(library.search("is:muted").rowids)):
        say(err, f"reader: {plural(hidden, 'article')} hidden by muted searches (reader search is:muted shows them)")
    return 0


def _article(library: Library, key: str) -> Article:
    article = library.find(key)
    if article is None:
        raise ReaderError(f"no article with id or path {key!r}")
    return article


def _show(library: Library, args: argparse.Namespace, err: Console) -> int:
    article = _article(library, args.key)
    if args.full:  # fetch, extract, keep, then show as usual
        try:
            article = library.full_text(article)
        except ReaderError as error:
            raise ReaderError(f"full text of {article.id}: {error}") from error
    if args.json:
        print_json(article.as_json())
        return 0
    out = stdout()
    out.print(Text(article.title, style="bold"))
    out.print(meta_line(article))
    if library.is_bookmarked(article.id):
        note = library.note_of(article.id)
        out.print(Text.assemble(("★ bookmarked", "bold"), (f"  ✎ {note}" if note else "", "italic")))
    if library.has_full_text(article):
        out.print(Text("Full text fetched from the article's URL", style="dim italic"))
    out.print()
    out.print(body_text(article.body, library.extraction(article), formatting=library.formatting(article)))
    return 0


def _entities(library: Library, args: argparse.Namespace, err: Console) -> int:
    articles = [_article(library, key) for key in args.keys]
    records = []
    for article in articles:
        found = library.extraction(article)
        record = {
            "id": article.id,
            "lang": article.lang,
            "entities": [e.as_json() for e in found.entities],
            "figures": [f.as_json() for f in found.figures],
        }
        if args.jsonl:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif args.json:
            records.append(record)
        else:
            out = stdout()
            out.print(Text(f"{article.id}  {article.title}", style="bold"))
            for e in found.entities:
                out.print(Text(f"  {e.kind:<4} {e.normal}  ×{len(e.mentions)}"))
            for f in found.figures:
                times = f"  ×{len(f.mentions)}" if len(f.mentions) > 1 else ""
                out.print(Text(f"  {f.kind:<8} {f.text}  = {figure_value(f.value, f.unit)}{times}"))
    if args.json:
        print_json(records[0] if len(records) == 1 else records)  # one object for one article, else an array
    return 0


def _search(library: Library, args: argparse.Namespace, err: Console) -> int:
    query = " ".join(args.query)
    pending = library.pending_extraction()
    if pending and library.asks_for_entities(query):
        # Entity queries answer from the entity index: fill it first.
        extract_with_bar(library, err, pending)
    try:
        hits = library.hits(query, args.limit)
    except ValueError as error:
        raise UsageError(str(error)) from error
    if args.json:
        print_json([h.as_json() for h in hits])
        return 0
    if not hits:
        say(err, f"reader: no article matches {query!r}")
    out = stdout()
    for h in hits:
        out.print(Text(f"{h.id}  {h.date}  {h.source}  {h.title}", style="bold"))
        if h.snippet.strip():  # a filter alone (source:, tag:) on an item with no text has none
            out.print(Text("    ") + _marked(h))
    return 0


def _marked(hit: SearchHit) -> Text:
    """A hit's snippet with its matches shown in bold, the rest literal."""
    text = Text(hit.snippet)
    for a, b in hit.marks:
        text.stylize("bold reverse", a, b)
    return text


def _bookmark(library: Library, args: argparse.Namespace, err: Console) -> int:
    adding = args.action == "add"
    try:
        changed = library.set_bookmark(args.id, adding, args.note).result()
    except DiskFull as error:
        raise ReaderError(f"{error}: the bookmark was not {'saved' if adding else 'removed'}") from None
    if not changed:
        raise ReaderError(f"{args.id} is not bookmarked")
    say(err, f"{'bookmarked' if adding else 'removed the bookmark of'} {args.id}")
    return 0


def _bookmarks(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.import_:
        added = library.import_bookmarks(bookmark_files.from_json(args.import_.read_text(encoding="utf-8"), library.now())).result()
        say(err, f"reader: imported {plural(added, 'new bookmark')}")
    items = library.bookmarks()
    if args.export:
        suffix = args.export.suffix.lower()
        if suffix == ".json":
            args.export.write_text(bookmark_files.to_json(items), encoding="utf-8")
        elif suffix in (".md", ".markdown"):
            args.export.write_text(bookmark_files.to_markdown(items), encoding="utf-8")
        else:
            raise UsageError("--export takes a .md or .json file")
        say(err, f"reader: exported {plural(len(items), 'bookmark')} to {args.export}")
        return 0
    if args.json:
        print_json([b.as_json() for b in items])
    elif not args.import_:
        if not items:
            say(err, "reader: no bookmarks yet (b in the app, or reader bookmark add ID [--note TEXT])")
        out = stdout()
        for b in items:
            out.print(
                Text(
                    f"★ {b.id}  {b.date}  {b.source}  {b.title}"
                    + ("  (missing)" if b.missing else "")
                    + (f"\n    {b.note}" if b.note else "")
                )
            )
    return 0


def _stories(library: Library, args: argparse.Namespace, err: Console) -> int:
    found = library.stories(args.limit)
    if args.json:
        print_json([s.as_json() for s in found])
        return 0
    out = stdout()
    for s in found:
        more = f"  +{len(s.ids) - 1} · {plural(len(s.sources), 'source')}" if len(s.ids) > 1 else ""
        out.print(Text(f"{s.story}  {s.date}  {s.title}{more}"), no_wrap=True, overflow="ellipsis")
    return 0


def _index_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--verbose", action="store_true", help="every note on a fetched item (no date…), not only how many")


def _json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def _show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", metavar="ID|PATH")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--full", action="store_true", help="fetch the full article from its URL, keep it, show it")


def _entities_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("keys", nargs="+", metavar="ID|PATH")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true")
    shape.add_argument("--jsonl", action="store_true")


def _search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help="words, -exclusions, filters: all one query")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=20)


def _bookmark_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "remove"))
    parser.add_argument("id")
    parser.add_argument("--note", default=None, help="add: a short note on the bookmark")


def _bookmarks_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--export", type=Path, metavar="FILE.md|FILE.json")
    parser.add_argument("--import", dest="import_", type=Path, metavar="FILE.json")


def _stories_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=None)


COMMANDS = {
    # index reads the files itself, with a progress bar
    "index": Command("build or refresh the index (new paths become sources)", _index_arguments, _index, refresh=False),
    "list": Command("every article", _json_argument, _list),
    "show": Command("print one article", _show_arguments, _show),
    "entities": Command("entities and figures of articles", _entities_arguments, _entities),
    "search": Command("search the library", _search_arguments, _search),
    "bookmark": Command("add or remove a bookmark", _bookmark_arguments, _bookmark),
    "bookmarks": Command("list, export or import bookmarks", _bookmarks_arguments, _bookmarks),
    "stories": Command("stories (one event from many sources), newest first", _stories_arguments, _stories),
}
