"""The commands on saved searches: add, remove, list."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from reader.cli.common import Command, UsageError, extract_with_bar, plural, print_json, say, stdout, warn
from reader.library import Library
from reader.model import ReaderError


def _searches(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.action != "list" and not args.name:
        raise UsageError(f"searches {args.action} needs a NAME")
    if args.action == "add":
        if not args.query:
            raise UsageError("searches add needs a NAME and a QUERY")
        try:
            new = library.save_search(args.name, " ".join(args.query), args.alert, args.mute).result()
        except ReaderError as error:
            if library.readonly:
                raise
            raise UsageError(str(error)) from error
        say(err, f"reader: {'saved' if new else 'replaced'} the search {args.name!r}")
        return 0
    if args.action == "remove":
        library.remove_search(args.name)
        say(err, f"reader: removed the saved search {args.name!r}")
        return 0
    for problem in library.refresh().warnings:
        warn(err, str(problem))
    listed = library.saved_searches()
    pending = library.pending_extraction()
    if pending and any(library.asks_for_entities(s.query) for s in listed):
        extract_with_bar(library, err, pending)  # entity queries count from the entity index: fill it first
        listed = library.saved_searches()
    if args.json:
        print_json([s.as_json() for s in listed])
        return 0
    if not listed:
        say(err, "reader: no saved searches yet (reader searches add NAME QUERY [--alert] [--mute])")
    out = stdout()
    for s in listed:
        marks = ", ".join(mark for mark, on in (("alert", s.alert), ("muted", s.mute)) if on)
        out.print(Text(f"{s.name}  {s.query}  {plural(s.articles, 'article')}, {s.unread:,} unread" + (f"  ({marks})" if marks else "")))
    return 0


def _searches_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "remove", "list"))
    parser.add_argument("name", nargs="?", metavar="NAME")
    parser.add_argument(
        "query", nargs="*", default=[], metavar="QUERY", help="one query of the search language (after -- when it starts with -)"
    )
    parser.add_argument("--alert", action="store_true", help="alert on its new matches after each fetch")
    parser.add_argument("--mute", action="store_true", help="hide what it matches from lists, counts and alerts")
    parser.add_argument("--json", action="store_true")


COMMANDS = {
    # list reads the library itself (only to count), add and remove need not
    "searches": Command(
        "saved searches: add, remove, list (--alert: after each fetch; --mute: hidden)", _searches_arguments, _searches, refresh=False
    ),
}
