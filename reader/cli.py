"""The ``reader`` command (SPEC §6). Usage errors exit 2, any other error 1,
each with one line on stderr and never a traceback; a crash also writes
its traceback to ``reader.log`` in the data dir."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.text import Text

from reader import __version__, bookmark_files
from reader.highlight import body_text, figure_value, meta_line
from reader.library import SINGLE_THREADED, Library
from reader.model import Article, ReaderError, RefreshReport
from reader.sanitize import clean_line

COMMANDS = ("index", "list", "show", "entities", "search", "bookmark", "bookmarks", "sources", "feeds", "fetch", "stories")
GLOBAL_OPTIONS = {"--library": "library", "--data-dir": "data_dir", "--config": "config"}
PIPED_WIDTH = 10_000  # columns of standard output when it is not a terminal
_MARKED = re.compile(r"\*\*(.+?)\*\*")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


@dataclass(slots=True)
class Globals:
    """The options every command takes, wherever they stand on the line."""

    library: list[Path] = field(default_factory=list)
    data_dir: Path | None = None
    config: Path | None = None


def split_globals(argv: Sequence[str]) -> tuple[Globals, list[str]]:
    """The global options (before or after the subcommand) and the rest."""
    found = Globals()
    rest: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--":
            rest += [arg, *items]
            break
        name, eq, value = arg.partition("=")
        if name not in GLOBAL_OPTIONS:
            rest.append(arg)
            continue
        if not eq:
            value = next(items, "")
        if not value:
            raise UsageError(f"{name} needs a value")
        if name == "--library":
            found.library.append(Path(value))
        else:
            setattr(found, GLOBAL_OPTIONS[name], Path(value))
    return found, rest


def _parser() -> argparse.ArgumentParser:
    options = "options anywhere: --library PATH (repeatable), --data-dir PATH, --config FILE"
    parser = _Parser(prog="reader", description=f"A terminal news reader. Commands: {', '.join(COMMANDS)}; {options}.")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    index = commands.add_parser("index", help="build or refresh the index (new paths become sources)")
    index.add_argument("paths", nargs="*", type=Path)
    listing = commands.add_parser("list", help="every article")
    listing.add_argument("--json", action="store_true")
    show = commands.add_parser("show", help="print one article")
    show.add_argument("key", metavar="ID|PATH")
    show.add_argument("--json", action="store_true")
    show.add_argument("--full", action="store_true", help="fetch the full article from its URL, keep it, show it")
    ents = commands.add_parser("entities", help="entities and figures of articles")
    ents.add_argument("keys", nargs="+", metavar="ID|PATH")
    shape = ents.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true")
    shape.add_argument("--jsonl", action="store_true")
    search = commands.add_parser("search", help="search the library")
    search.add_argument("query", nargs="+", help="words, -exclusions, filters: all one query")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=20)
    mark = commands.add_parser("bookmark", help="add or remove a bookmark")
    mark.add_argument("action", choices=("add", "remove"))
    mark.add_argument("id")
    mark.add_argument("--note", default=None)
    marks = commands.add_parser("bookmarks", help="list, export or import bookmarks")
    marks.add_argument("--json", action="store_true")
    marks.add_argument("--export", type=Path, metavar="FILE.md|FILE.json")
    marks.add_argument("--import", dest="import_", type=Path, metavar="FILE.json")
    sources = commands.add_parser("sources", help="the library's sources: add, remove, list")
    sources.add_argument("action", choices=("add", "remove", "list"))
    sources.add_argument("target", nargs="?", metavar="PATH|NAME")
    sources.add_argument("--json", action="store_true")
    feeds = commands.add_parser("feeds", help="subscriptions: add, remove, list, import, export")
    feeds.add_argument("action", choices=("add", "remove", "list", "import", "export"))
    feeds.add_argument("target", nargs="?", metavar="URL|NAME|FILE")
    feeds.add_argument("--name")
    feeds.add_argument("--tag", action="append", default=[], dest="tags")
    feeds.add_argument("--max-items", type=int, metavar="N", help="keep at most N items (bookmarked ones always stay)")
    feeds.add_argument("--keep-days", type=int, metavar="N", help="keep items N days (bookmarked ones always stay)")
    feeds.add_argument("--full-text", action="store_true", help="fetch the full article of every new item")
    feeds.add_argument("--json", action="store_true")
    fetch = commands.add_parser("fetch", help="fetch feeds (all, or those named)")
    fetch.add_argument("feeds", nargs="*", metavar="NAME|URL")
    fetch.add_argument("--json", action="store_true")
    stories = commands.add_parser("stories", help="stories (one event from many sources), newest first")
    stories.add_argument("--json", action="store_true")
    stories.add_argument("--limit", type=int, default=None)
    return parser


def _search_args(rest: list[str]) -> list[str]:
    """``search`` takes words like ``-Токаев`` as query, not options."""
    known = {"--json", "--limit", "-h", "--help"}
    flags: list[str] = []
    words: list[str] = []
    items = iter(rest[1:])
    for arg in items:
        name = arg.partition("=")[0]
        if name in known:
            flags.append(arg)
            if arg == "--limit":
                flags.append(next(items, ""))
        elif arg == "--":
            words += list(items)
        else:
            words.append(arg)
    return [rest[0], *flags, "--", *words]


def _launch_paths(rest: list[str]) -> list[Path]:
    """The paths of ``reader PATH ...``; a word that is neither a command nor
    a path is a usage error, with the nearest command."""
    paths = []
    for word in rest:
        if word == "--":
            continue
        if word.startswith("-") or not Path(word).exists():
            near = difflib.get_close_matches(word, COMMANDS, n=1)
            hint = f"; did you mean `reader {near[0]}`?" if near else f"; commands: {', '.join(COMMANDS)}"
            kind = "option" if word.startswith("-") else "command, file or folder"
            raise UsageError(f"no such {kind}: {word!r}{hint}")
        paths.append(Path(word))
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    for name, value in SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    given = Globals()
    try:
        given, rest = split_globals(args_list)
        if (rest and rest[0] in COMMANDS) or rest[:1] in (["-h"], ["--help"], ["--version"]):
            if rest[0] == "search":
                rest = _search_args(rest)
            args = _parser().parse_args(rest)
            if getattr(args, "limit", None) is not None and args.limit < 1:
                raise UsageError("--limit must be at least 1")
            for path in given.library:
                if not path.exists():
                    raise ReaderError(f"{path}: no such file or folder")
            return _run(args, given, err)
        return _launch(given, _launch_paths(rest), err)
    except UsageError as error:
        _say(err, f"reader: error: {error}")
        return 2
    except (ReaderError, OSError, ValueError) as error:
        _say(err, f"reader: error: {error}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: one line here, the traceback in the log
        _say(err, f"reader: internal error: {type(error).__name__}: {error} (details in {log_crash(given.data_dir)})")
        return 1


def log_crash(data_dir: Path | None) -> Path:
    """Append the traceback being handled to the log; returns where it went."""
    try:
        return Library(data_dir=data_dir).log(traceback.format_exc())
    except OSError:
        return Path("(no log: the data dir cannot be written)")


def _launch(given: Globals, paths: list[Path], err: Console) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the reader needs a terminal; without one, use a command such as `reader list` or `reader search WORDS`")
    with Library(data_dir=given.data_dir) as registry:
        for path in paths if not registry.readonly else []:
            if registry.add_source(path):
                _say(err, f"reader: added {path.absolute()} to the library's sources")
    library = Library(paths or given.library or None, given.data_dir)
    from reader.ui.app import run

    code = run(library, given.config)
    if code:
        _say(err, f"reader: the app stopped on an error (details in {library.log_path})")
    return code


def _run(args: argparse.Namespace, given: Globals, err: Console) -> int:
    paths = getattr(args, "paths", None) or []
    library = Library(paths or given.library or None, given.data_dir)
    with library.open():
        for warning in library.warnings:
            _warn(err, warning)
        if args.command in _OWN_REFRESH:
            return _OWN_REFRESH[args.command](library, args, err)
        for path in paths:
            if not path.exists():
                raise ReaderError(f"{path}: no such file or folder")
            if not library.readonly and library.add_source(path):
                _say(err, f"reader: added {path.absolute()} to the library's sources")
        if args.command == "index":
            report = _refresh_with_bar(library, err, every_note=True)
            _say(err, f"{report.seen} files, {report.read} read, {report.removed} removed, {_plural(library.count(), 'article')}")
            pending = library.pending_extraction()
            if pending:
                _extract_with_bar(library, err, pending)
            return 0
        report = library.refresh()
        for problem in report.warnings:
            _warn(err, str(problem))
        return _COMMANDS[args.command](library, args, err)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _say(err: Console, line: str) -> None:
    """One line on stderr; paths and messages may carry untrusted text."""
    err.print(Text(clean_line(line)), soft_wrap=True)


def _warn(err: Console, message: str) -> None:
    _say(err, f"reader: warning: {message}")


def _bar(err: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True)


def _refresh_with_bar(library: Library, err: Console, every_note: bool = False) -> RefreshReport:
    with _bar(err) as bar:
        task = bar.add_task("indexing", total=None)
        report = library.refresh(lambda done, total: bar.update(task, completed=done, total=total), every_note=every_note)
    for warning in report.warnings:
        _warn(err, str(warning))
    return report


def _extract_with_bar(library: Library, err: Console, pending: int) -> None:
    work = library.start_extraction()
    if work is None:
        return
    try:
        with _bar(err) as bar:
            task = bar.add_task("entities", total=pending)
            while work.running:
                bar.update(task, completed=work.done())
                time.sleep(0.5)
    finally:
        work.stop()
    for event in work.events:
        _warn(err, event)
    if work.failed():
        raise ReaderError(f"entity extraction stopped with an error (see {library.log_path}); run `reader index` again to resume")
    failed = library.failed_extractions()
    if failed:
        _warn(err, f"entity extraction failed on {_plural(failed, 'article')} (reader sources list); they are skipped until they change")


def _stdout() -> Console:
    """Standard output: as wide as the terminal; piped or redirected, as wide
    as each line needs (a script gets whole lines, never cut at 80 columns)."""
    out = Console(highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(highlight=False, width=PIPED_WIDTH)
    return out


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _list(library: Library, args: argparse.Namespace, err: Console) -> int:
    rows = library.list_rows()
    if args.json:
        _print_json([r.as_json() for r in rows])
        return 0
    out = _stdout()
    for r in rows:
        flags = ("★" if r.bookmarked else " ") + (" " if r.read else "•")
        out.print(Text(f"{flags} {r.id}  {r.date}  {r.source[:18]:<18}  {r.title}"), no_wrap=True, overflow="ellipsis")
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
        _print_json(article.as_json())
        return 0
    out = _stdout()
    out.print(Text(article.title, style="bold"))
    out.print(meta_line(article))
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
            out = _stdout()
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
    query = " ".join(args.query)
    pending = library.pending_extraction()
    if pending and library.asks_for_entities(query):
        # Entity queries answer from the entity index: fill it first.
        _extract_with_bar(library, err, pending)
    try:
        hits = library.hits(query, args.limit)
    except ValueError as error:
        raise UsageError(str(error)) from error
    if args.json:
        _print_json([h.as_json() for h in hits])
        return 0
    out = _stdout()
    for h in hits:
        out.print(Text(f"{h.id}  {h.date}  {h.source}  {h.title}", style="bold"))
        out.print(Text("    ") + _marked(h.snippet))
    return 0


def _marked(snippet: str) -> Text:
    """A snippet with its ``**matches**`` shown in bold, the rest literal."""
    text = Text()
    cursor = 0
    for match in _MARKED.finditer(snippet):
        text.append(snippet[cursor : match.start()])
        text.append(match.group(1), style="bold reverse")
        cursor = match.end()
    text.append(snippet[cursor:])
    return text


def _bookmark(library: Library, args: argparse.Namespace, err: Console) -> int:
    adding = args.action == "add"
    changed = library.set_bookmark(args.id, adding, args.note).result()
    if not changed:
        raise ReaderError(f"{args.id} is not bookmarked")
    _say(err, f"{'bookmarked' if adding else 'removed the bookmark of'} {args.id}")
    return 0


def _bookmarks(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.import_:
        added = library.import_bookmarks(bookmark_files.from_json(args.import_.read_text(encoding="utf-8"), library.now())).result()
        _say(err, f"imported {_plural(added, 'new bookmark')}")
    items = library.bookmarks()
    if args.export:
        suffix = args.export.suffix.lower()
        if suffix == ".json":
            args.export.write_text(bookmark_files.to_json(items), encoding="utf-8")
        elif suffix in (".md", ".markdown"):
            args.export.write_text(bookmark_files.to_markdown(items), encoding="utf-8")
        else:
            raise UsageError("--export takes a .md or .json file")
        _say(err, f"exported {_plural(len(items), 'bookmark')} to {args.export}")
        return 0
    if args.json:
        _print_json([b.as_json() for b in items])
    elif not args.import_:
        out = _stdout()
        for b in items:
            out.print(
                Text(
                    f"★ {b.id}  {b.date}  {b.source}  {b.title}"
                    + ("  (missing)" if b.missing else "")
                    + (f"\n    {b.note}" if b.note else "")
                )
            )
    return 0


def _sources(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.action != "list" and not args.target:
        raise UsageError(f"sources {args.action} needs a PATH or NAME")
    if args.action == "add":
        path = Path(args.target)
        new = library.add_source(path)
        _say(err, f"reader: {'added' if new else 'already a source:'} {path.absolute()}")
        if new:
            report = _refresh_with_bar(library, err)
            _say(err, f"{_plural(report.read, 'file')} read")
        return 0
    if args.action == "remove":
        gone = library.remove_source(args.target)
        _say(err, f"reader: removed {gone.location}; its bookmarks stay")
        return 0
    library.refresh()
    listed = library.sources()
    if args.json:
        _print_json([s.as_json() for s in listed])
        return 0
    out = _stdout()
    for s in listed:
        line = f"{s.kind:<6} {s.name}  {s.location}  {_plural(s.articles, 'article')}, {s.unread:,} unread"
        out.print(Text(line + (f"  ⚠ {s.error}" if s.error else "")))
    return 0


def _feeds(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.action in ("add", "remove", "import", "export") and not args.target:
        raise UsageError(f"feeds {args.action} needs a {'FILE' if args.action in ('import', 'export') else 'URL or NAME'}")
    if args.action == "add":
        new, url = library.add_feed(args.target, args.name, args.tags, args.max_items, args.keep_days, args.full_text)
        _say(err, f"reader: {'subscribed to' if new else 'already subscribed to'} {url}; `reader fetch` fetches it")
    elif args.action == "remove":
        gone = library.remove_source(args.target, kind="feed")
        _say(err, f"reader: unsubscribed from {gone.location}; its bookmarks stay")
    elif args.action == "import":
        try:
            given = Path(args.target).read_bytes()
        except FileNotFoundError:
            raise ReaderError(f"{args.target}: no such file") from None
        except IsADirectoryError:
            raise ReaderError(f"{args.target}: a folder, not an OPML or urls file") from None
        done = library.import_feeds(given)
        for line in done.skipped:
            _warn(err, f"skipped {line}")
        _say(err, f"reader: {_plural(done.added, 'new feed')}, {done.known:,} already here, {len(done.skipped):,} skipped")
    elif args.action == "export":
        Path(args.target).write_bytes(library.export_feeds())
        _say(err, f"reader: exported {_plural(len(library.feeds()), 'feed')} to {args.target}")
    else:
        listed = library.feeds()
        if args.json:
            _print_json([f.as_json() for f in listed])
            return 0
        out = _stdout()
        for f in listed:
            status = f.error or (f"HTTP {f.status}" if f.status else "not fetched yet")
            tags = f"  [{', '.join(f.tags)}]" if f.tags else ""
            out.print(Text(f"{f.name}  {f.url}{tags}  {_plural(f.items, 'item')}, {f.unread:,} unread  {f.last_fetch or ''}  {status}"))
    return 0


def _fetch(library: Library, args: argparse.Namespace, err: Console) -> int:
    """Exit status 1 when every feed asked for failed (cron can tell nothing
    came), 0 when any was fetched: one dead feed of many is news, not failure."""
    with contextlib.ExitStack() as stack:
        bars: list[tuple[Progress, TaskID]] = []

        def progress(done: int, total: int) -> None:
            if not bars:  # from the first feed on: a name that is not a feed is said with no bar before it
                bar = stack.enter_context(_bar(err))
                bars.append((bar, bar.add_task("fetching", total=total)))
            bars[0][0].update(bars[0][1], completed=done, total=total)

        report = library.fetch(args.feeds, progress)
    for warning in report.warnings:
        _warn(err, str(warning))
    status = 1 if report.feeds and report.failed == report.feeds else 0
    if args.json:
        _print_json(report.as_json())
        return status
    for error in report.errors:
        _warn(err, f"{error['url']}: {error['error']}")
    _say(
        err,
        f"{_plural(report.feeds, 'feed')}: {report.ok:,} fetched, {report.not_modified:,} unchanged, {report.failed:,} failed;"
        f" {_plural(report.new, 'new item')}, {report.updated:,} updated",
    )
    return status


def _stories(library: Library, args: argparse.Namespace, err: Console) -> int:
    found = library.stories(args.limit)
    if args.json:
        _print_json([s.as_json() for s in found])
        return 0
    out = _stdout()
    for s in found:
        more = f"  +{len(s.ids) - 1} · {_plural(len(s.sources), 'source')}" if len(s.ids) > 1 else ""
        out.print(Text(f"{s.story}  {s.date}  {s.title}{more}"), no_wrap=True, overflow="ellipsis")
    return 0


_OWN_REFRESH = {"sources": _sources, "feeds": _feeds, "fetch": _fetch}
_COMMANDS = {
    "list": _list,
    "show": _show,
    "entities": _entities,
    "search": _search,
    "bookmark": _bookmark,
    "bookmarks": _bookmarks,
    "stories": _stories,
}
