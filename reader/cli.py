"""The ``reader`` command (SPEC §6). Usage errors exit 2, any other error 1,
each with one line on stderr and never a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from reader import __version__, corpus
from reader.highlight import body_text, figure_value, meta_line
from reader.library import SINGLE_THREADED, BackgroundExtraction, Library, bookmarks_from_json, bookmarks_markdown
from reader.model import Article, RefreshReport
from reader.search import Query, QueryError, parse
from reader.store import StoreError
from reader.text.sanitize import clean_line

COMMANDS = ("index", "list", "show", "entities", "search", "bookmark", "bookmarks")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _common() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--library", action="append", type=Path, metavar="PATH", help="article files or folders (repeatable; default: the bundled seeds)"
    )
    common.add_argument("--data-dir", type=Path, metavar="PATH", help="where index.db and state.db live (env READER_DATA_DIR)")
    common.add_argument("--version", action="version", version=f"reader {__version__}")
    return common


def _launch_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reader", description="A terminal news reader: launches on PATHs or the library.", parents=[_common()])
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.set_defaults(command=None)
    return parser


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(prog="reader", description=f"A terminal news reader. Commands: {', '.join(COMMANDS)}.", parents=[common])
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    index = commands.add_parser("index", parents=[common], help="build or refresh the index")
    index.add_argument("paths", nargs="*", type=Path)
    listing = commands.add_parser("list", parents=[common], help="every article")
    listing.add_argument("--json", action="store_true")
    show = commands.add_parser("show", parents=[common], help="print one article")
    show.add_argument("key", metavar="ID|PATH")
    show.add_argument("--json", action="store_true")
    ents = commands.add_parser("entities", parents=[common], help="entities and figures of articles")
    ents.add_argument("keys", nargs="+", metavar="ID|PATH")
    shape = ents.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true")
    shape.add_argument("--jsonl", action="store_true")
    search = commands.add_parser("search", parents=[common], help="search the library")
    search.add_argument("query")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=20)
    mark = commands.add_parser("bookmark", parents=[common], help="add or remove a bookmark")
    mark.add_argument("action", choices=("add", "remove"))
    mark.add_argument("id")
    mark.add_argument("--note", default=None)
    marks = commands.add_parser("bookmarks", parents=[common], help="list, export or import bookmarks")
    marks.add_argument("--json", action="store_true")
    marks.add_argument("--export", type=Path, metavar="FILE.md|FILE.json")
    marks.add_argument("--import", dest="import_", type=Path, metavar="FILE.json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    for name, value in SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        launch = not any(a in COMMANDS for a in args_list) and "-h" not in args_list and "--help" not in args_list
        args = (_launch_parser() if launch else _parser()).parse_args(args_list)
        if getattr(args, "limit", 1) < 1:
            raise UsageError("--limit must be at least 1")
        return _run(args, err)
    except UsageError as error:
        _say(err, f"reader: error: {error}")
        return 2
    except (StoreError, corpus.ArticleError, OSError, ValueError) as error:
        _say(err, f"reader: error: {error}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: still one line, never a traceback
        _say(err, f"reader: internal error: {type(error).__name__}: {error}")
        return 1


def _run(args: argparse.Namespace, err: Console) -> int:
    roots = getattr(args, "paths", None) or args.library
    library = Library(roots, args.data_dir)
    if args.command is None:
        from reader.ui.app import run

        return run(library)
    with library.open():
        for warning in library.warnings:
            _warn(err, warning)
        if args.command == "index":
            report = _refresh_with_bar(library, err)
            _say(err, f"{report.seen} files, {report.read} read, {report.removed} removed, {library.count()} articles")
            pending = library.pending_extraction()
            if pending:
                _extract_with_bar(library, err, pending)
            return 0
        report = library.refresh()
        for problem in report.warnings:
            _warn(err, str(problem))
        return _COMMANDS[args.command](library, args, err)


def _say(err: Console, line: str) -> None:
    """One line on stderr; paths and messages may carry untrusted text."""
    err.print(Text(clean_line(line)), soft_wrap=True)


def _warn(err: Console, message: str) -> None:
    _say(err, f"reader: warning: {message}")


def _bar(err: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True)


def _refresh_with_bar(library: Library, err: Console) -> RefreshReport:
    with _bar(err) as bar:
        task = bar.add_task("indexing", total=None)
        report = library.refresh(lambda done, total: bar.update(task, completed=done, total=total))
    for warning in report.warnings:
        _warn(err, str(warning))
    return report


def _extract_with_bar(library: Library, err: Console, pending: int) -> None:
    work = BackgroundExtraction(library).start()
    try:
        with _bar(err) as bar:
            task = bar.add_task("entities", total=pending)
            while work.running:
                bar.update(task, completed=work.done())
                time.sleep(0.5)
    finally:
        work.stop()
    if work.failed():
        raise StoreError("entity extraction stopped with an error; run `reader index` again to resume")


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _list(library: Library, args: argparse.Namespace, err: Console) -> int:
    rows = library.list_rows()
    if args.json:
        _print_json([r.as_json() for r in rows])
        return 0
    out = Console(highlight=False)
    for r in rows:
        flags = ("★" if r.bookmarked else " ") + (" " if r.read else "•")
        out.print(Text(f"{flags} {r.id}  {r.date}  {r.source[:18]:<18}  {r.title}"), no_wrap=True, overflow="ellipsis")
    return 0


def _article(library: Library, key: str) -> Article:
    article = library.find(key)
    if article is None:
        raise StoreError(f"no article with id or path {key!r}")
    return article


def _show(library: Library, args: argparse.Namespace, err: Console) -> int:
    article = _article(library, args.key)
    if args.json:
        _print_json(article.as_json())
        return 0
    out = Console(highlight=False)
    out.print(Text(article.title, style="bold"))
    out.print(meta_line(article))
    out.print()
    out.print(body_text(article.body, library.extraction(article)))
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
            out = Console(highlight=False)
            out.print(Text(f"{article.id}  {article.title}", style="bold"))
            for e in found.entities:
                out.print(Text(f"  {e.kind:<4} {e.normal}  ×{len(e.mentions)}"))
            for f in found.figures:
                times = f"  ×{len(f.mentions)}" if len(f.mentions) > 1 else ""
                out.print(Text(f"  {f.kind:<8} {f.text}  = {figure_value(f.value, f.unit)}{times}"))
    if args.json:
        _print_json(records[0] if len(records) == 1 else records)  # one object for one article, else an array
    return 0


def _search(library: Library, args: argparse.Namespace, err: Console) -> int:
    query = parse(args.query)
    pending = library.pending_extraction()
    if isinstance(query, Query) and any(t.kinds for t in query.terms) and pending:
        # Entity queries answer from the entity index: fill it first.
        _extract_with_bar(library, err, pending)
    hits = library.hits(args.query, args.limit)
    if isinstance(hits, QueryError):
        raise UsageError(f"bad query: {hits}")
    if args.json:
        _print_json([h.as_json() for h in hits])
        return 0
    out = Console(highlight=False)
    for h in hits:
        out.print(Text(f"{h.id}  {h.date}  {h.source}  {h.title}", style="bold"))
        out.print(Text(f"    {h.snippet}"))
    return 0


def _bookmark(library: Library, args: argparse.Namespace, err: Console) -> int:
    library.set_bookmark(args.id, args.action == "add", args.note)
    _say(err, f"{'bookmarked' if args.action == 'add' else 'removed bookmark'} {args.id}")
    return 0


def _bookmarks(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.import_:
        added = library.import_bookmarks(bookmarks_from_json(args.import_.read_text(encoding="utf-8")))
        _say(err, f"imported {added} new bookmarks")
    items = library.bookmarks()
    if args.export:
        suffix = args.export.suffix.lower()
        if suffix == ".json":
            args.export.write_text(json.dumps([b.as_json() for b in items], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif suffix in (".md", ".markdown"):
            args.export.write_text(bookmarks_markdown(items), encoding="utf-8")
        else:
            raise UsageError("--export takes a .md or .json file")
        _say(err, f"exported {len(items)} bookmarks to {args.export}")
        return 0
    if args.json:
        _print_json([b.as_json() for b in items])
    elif not args.import_:
        out = Console(highlight=False)
        for b in items:
            out.print(
                Text(
                    f"★ {b.id}  {b.date}  {b.source}  {b.title}"
                    + ("  (missing)" if b.missing else "")
                    + (f"\n    {b.note}" if b.note else "")
                )
            )
    return 0


_COMMANDS = {"list": _list, "show": _show, "entities": _entities, "search": _search, "bookmark": _bookmark, "bookmarks": _bookmarks}
