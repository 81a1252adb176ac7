"""The commands on sources: sources, feeds, fetch, export."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from reader import config
from reader.cli.common import Command, UsageError, plural, print_json, progress_bar, refresh_with_bar, say, stdout, tell_notes, warn
from reader.library import Library
from reader.model import Alert, FeedUnavailable, ReaderError, Removed

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def _sources(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.action != "list" and not args.target:
        raise UsageError(f"sources {args.action} needs a PATH or NAME")
    if args.action == "add":
        path = Path(args.target)
        new = library.add_source(path)
        say(err, f"reader: {'added' if new else 'already a source:'} {path.absolute()}")
        if new:
            report = refresh_with_bar(library, err)
            say(err, f"{plural(report.read, 'file')} read")
        return 0
    if args.action == "remove":
        say(err, f"reader: {_removed(library.remove_source(args.target))}")
        return 0
    library.refresh()
    listed = library.sources()
    if args.json:
        print_json([s.as_json() for s in listed])
        return 0
    out = stdout()
    for s in listed:
        line = f"{s.kind:<6} {s.name}  {s.location}  {plural(s.articles, 'article')}, {s.unread:,} unread"
        out.print(Text(line + (f"  ⚠ {s.error}" if s.error else "")))
    return 0


def _removed(gone: Removed) -> str:
    """What removing a source did, in a line."""
    if gone.kind == "folder":
        return f"removed {gone.location}; its bookmarks stay"
    removed = f"removed {gone.name} ({gone.location})"
    if not gone.kept:
        return f"{removed} and its {plural(gone.items, 'item')}"
    kept = "its bookmarked item stays" if gone.kept == 1 else f"its {gone.kept:,} bookmarked items stay"
    items = f" and {plural(gone.items, 'item')}" if gone.items else ""
    return f"{removed}{items}; {kept} (reader bookmarks)"


def _feeds(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.action in ("add", "remove", "set", "import", "export") and not args.target:
        raise UsageError(f"feeds {args.action} needs a {'FILE' if args.action in ('import', 'export') else 'URL or NAME'}")
    if args.action == "add":
        settings = {
            "name": args.name,
            "tags": args.tags,
            "max_items": _given(args.max_items),
            "keep_days": _given(args.keep_days),
            "full_text": args.full_text,
        }
        try:
            new, url = library.add_feed(args.target, **settings)
        except FeedUnavailable as error:
            if not args.anyway:
                raise ReaderError(f"{error} (--anyway subscribes all the same)") from None
            new, url = library.subscribe(args.target, **settings)
            reason = str(error).removeprefix(f"{args.target}: ")
            say(
                err,
                f"reader: {'subscribed to' if new else 'already subscribed to'} {url} all the same ({reason}); `reader fetch` tries it again",
            )
            return 0
        say(err, f"reader: {'subscribed to' if new else 'already subscribed to'} {url}; `reader fetch` fetches it")
    elif args.action == "remove":
        say(err, f"reader: {_removed(library.remove_source(args.target, kind='feed'))}")
    elif args.action == "set":
        _set_retention(library, args, err)
    elif args.action == "import":
        try:
            given = Path(args.target).read_bytes()
        except FileNotFoundError:
            raise ReaderError(f"{args.target}: no such file") from None
        except IsADirectoryError:
            raise ReaderError(f"{args.target}: a folder, not an OPML or urls file") from None
        done = library.import_feeds(given)
        for line in done.skipped:
            warn(err, f"skipped {line}")
        say(err, f"reader: {plural(done.added, 'new feed')}, {done.known:,} already here, {len(done.skipped):,} skipped")
    elif args.action == "export":
        Path(args.target).write_bytes(library.export_feeds())
        say(err, f"reader: exported {plural(len(library.feeds()), 'feed')} to {args.target}")
    else:
        listed = library.feeds()
        if args.json:
            print_json([f.as_json() for f in listed])
            return 0
        if not listed:
            say(err, "reader: no feeds yet (reader feeds add URL, or reader feeds import FILE.opml|urls)")
        out = stdout()
        for f in listed:
            status = f.error or (f"HTTP {f.status}" if f.status else "not fetched yet")
            tags = f"  [{', '.join(f.tags)}]" if f.tags else ""
            notes = "".join(f"  ({line})" for line in f.warnings)
            keeps = f"  {_keeps(f.max_items, f.keep_days)}" if f.max_items or f.keep_days else ""
            full = "  full text" if f.full_text else ""
            out.print(
                Text(
                    f"{f.name}  {f.url}{tags}  {plural(f.items, 'item')}, {f.unread:,} unread{keeps}{full}"
                    f"  {f.last_fetch or ''}  {status}{notes}"
                )
            )
    return 0


def _set_retention(library: Library, args: argparse.Namespace, err: Console) -> None:
    """``feeds set``: a feed's retention, each setting given changed (``none``: no limit)."""
    given = {key: _given(value) for key, value in (("max_items", args.max_items), ("keep_days", args.keep_days)) if value is not None}
    if args.name is not None or args.tags or args.full_text or args.anyway:
        raise UsageError("feeds set changes --max-items and --keep-days only")
    if not given:
        raise UsageError("feeds set needs --max-items N or --keep-days N (none: no limit)")
    name, max_items, keep_days = library.set_retention(args.target, **given)
    say(
        err,
        f"reader: {name} {_keeps(max_items, keep_days)}; what the feed still lists and what is bookmarked always stay,"
        " the rest goes when the feed next changes",
    )


def _keeps(max_items: int | None, keep_days: int | None) -> str:
    """A feed's retention in words."""
    if max_items and keep_days:
        return f"keeps at most {plural(max_items, 'item')}, none older than {plural(keep_days, 'day')}"
    if max_items:
        return f"keeps at most {plural(max_items, 'item')}"
    if keep_days:
        return f"keeps items for {plural(keep_days, 'day')}"
    return "keeps every item"


def _fetch(library: Library, args: argparse.Namespace, err: Console) -> int:
    """Exit status 1 when every feed asked for failed (cron can tell nothing
    came), 0 when any was fetched: one dead feed of many is news, not failure."""
    with contextlib.ExitStack() as stack:
        bars: list[tuple[Progress, TaskID]] = []

        def progress(done: int, total: int) -> None:
            if not bars:  # from the first feed on: a name that is not a feed is said with no bar before it
                bar = stack.enter_context(progress_bar(err))
                bars.append((bar, bar.add_task("fetching", total=total)))
            bars[0][0].update(bars[0][1], completed=done, total=total)

        report = library.fetch(args.feeds, progress)
    for warning in report.warnings:
        warn(err, str(warning))
    tell_notes(err, report.notes, args.verbose)
    if report.alerts:
        _alert(library, args, err, report.alerts)
    status = 1 if report.feeds and report.failed == report.feeds else 0
    if args.json:
        print_json(report.as_json())
        return status
    for error in report.errors:
        warn(err, f"{error['url']}: {error['error']}")
    say(
        err,
        f"{plural(report.feeds, 'feed')}: {report.ok:,} fetched, {report.not_modified:,} unchanged, {report.failed:,} failed;"
        f" {plural(report.new, 'new item')}, {report.updated:,} updated",
    )
    return status


def _alert(library: Library, args: argparse.Namespace, err: Console, alerts: list[dict[str, object]]) -> None:
    """The config's ``alert_command``, started for the alerts of a fetch
    (detached: the fetch never waits on it); each alert said on stderr."""
    loaded = config.load(args.config_file or config.config_path(), None)
    if loaded.problem:
        warn(err, loaded.problem)
    for alert in map(Alert.of, alerts):
        say(err, f"reader: alert: {alert.search}: {len(alert.new)} new — {'; '.join(alert.titles[:3])}")
    problem = library.run_alert_command(loaded.alert_command, alerts)
    if problem:
        warn(err, problem)


def _export(library: Library, args: argparse.Namespace, err: Console) -> int:
    done = library.export_markdown(args.markdown)
    say(err, f"reader: exported {plural(done.items, 'item')} of {plural(done.feeds, 'feed')} to {done.target}")
    return 0


def _sources_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "remove", "list"))
    parser.add_argument("target", nargs="?", metavar="PATH|NAME")
    parser.add_argument("--json", action="store_true")


def _feeds_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("add", "remove", "set", "list", "import", "export"),
        help="add URL, remove URL|NAME, set URL|NAME (retention), list, import FILE (OPML or newsboat urls), export FILE.opml",
    )
    parser.add_argument("target", nargs="?", metavar="URL|NAME|FILE")
    parser.add_argument("--name", help="add: the feed's name (default: its title)")
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        dest="tags",
        metavar="TAG",
        help="add: a tag (repeatable); a tag is a folder in the sources picker",
    )
    parser.add_argument(
        "--max-items",
        type=_limit,
        metavar="N",
        help="keep at most N items (what the feed still lists and bookmarked ones always stay); set: none for no limit",
    )
    parser.add_argument(
        "--keep-days",
        type=_limit,
        metavar="N",
        help="keep items N days (what the feed still lists and bookmarked ones always stay); set: none for no limit",
    )
    parser.add_argument("--full-text", action="store_true", help="fetch the full article of every new item")
    parser.add_argument("--anyway", action="store_true", help="subscribe even if the feed cannot be had now (down, 404, no answer)")
    parser.add_argument("--json", action="store_true", help="list: as JSON")


NO_LIMIT = "none"


def _limit(text: str) -> int | str:
    """A count of items or days: a whole number, 1 or more (0 or less would
    keep nothing, or be read as no limit), or ``none``: no limit."""
    if text.strip().lower() == NO_LIMIT:
        return NO_LIMIT
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (or none)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1 (none: no limit)")
    return value


def _given(value: int | str | None) -> int | None:
    """A limit as given on the command line: a number, or None for none."""
    return value if isinstance(value, int) else None


def _fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feeds", nargs="*", metavar="NAME|URL")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="every note on a fetched item (no date…), not only how many")


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--markdown",
        type=Path,
        required=True,
        metavar="DIR",
        help="a new or empty folder, or an earlier export (only its own files are replaced)",
    )


# Each reads what it needs itself: a source added is read with a bar, a fetch indexes what it stored.
COMMANDS = {
    "sources": Command("the library's sources: add, remove, list", _sources_arguments, _sources, refresh=False),
    "feeds": Command("subscriptions: add, remove, set (retention), list, import, export", _feeds_arguments, _feeds, refresh=False),
    "fetch": Command("fetch feeds (all, or those named)", _fetch_arguments, _fetch, refresh=False),
    "export": Command("every fetched item as a Markdown file, one folder a feed", _export_arguments, _export, refresh=False),
}
