"""The commands on names: an entity's page, and the names rising lately."""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console
from rich.text import Text

from reader.cli.common import Command, UsageError, extract_with_bar, plural, print_json, say, stdout
from reader.highlight import figure_value
from reader.library import TREND_FLOOR, Library
from reader.model import ReaderError


def _entity_index(library: Library, err: Console) -> None:
    """Entity pages and trends answer from the entity index: fill it first."""
    pending = library.pending_extraction()
    if pending:
        extract_with_bar(library, err, pending)


def _entity(library: Library, args: argparse.Namespace, err: Console) -> int:
    name = " ".join(args.name)
    _entity_index(library, err)
    page = library.entity_page(name, args.kind, args.limit)
    if page is None:
        kinds = {"PER": "a person", "ORG": "an organisation", "LOC": "a place"}
        said = kinds[args.kind] if args.kind else "a person, organisation or place"
        raise ReaderError(f"no article mentions {name!r} as {said}")
    if args.json:
        print_json(page.as_json())
        return 0
    out = stdout()
    out.print(Text(f"{page.name}  ({page.kind})", style="bold"))
    out.print(Text(f"{plural(len(page.rowids), 'article')}, {page.span}  (reader search {page.query})"))
    out.print(Text("Articles a day: " + ", ".join(f"{d} {n}" for d, n in page.timeline)))
    if page.co_mentions:
        out.print(Text("With: " + ", ".join(f"{c.name} ({c.kind}) {c.count}" for c in page.co_mentions)))
    if page.figures:
        out.print(Text("Figures said with it:"))
    for f in page.figures:
        out.print(Text(f"  {f.date}  {f.id}  {f.kind:<8} {f.text}  = {figure_value(f.value, f.unit)}"))
    return 0


def _trends(library: Library, args: argparse.Namespace, err: Console) -> int:
    if args.days < 1 or args.baseline < 1:
        raise UsageError("--days and --baseline must be at least 1")
    _entity_index(library, err)
    found = library.trends(args.days, args.baseline, args.today, args.limit)
    if args.json:
        print_json([t.as_json() for t in found])
        return 0
    out = stdout()
    if not found:
        say(err, f"reader: no name is in {TREND_FLOOR} or more articles of the last {args.days} days")
    for t in found:
        out.print(Text(f"{t.score:6.2f}  {t.recent:>5} / {t.baseline:<5}  {t.kind}  {t.name}"))
    return 0


def _entity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="+", help="a name in any inflection, or a part of it")
    parser.add_argument("--kind", type=str.upper, choices=("PER", "ORG", "LOC"))
    parser.add_argument("--limit", type=int, default=50, help="co-mentions and figures listed, at most (default 50)")
    parser.add_argument("--json", action="store_true")


def _trends_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=3, help="the recent days, today included (default 3)")
    parser.add_argument("--baseline", type=int, default=28, help="the days before those to compare with (default 28)")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)  # tests: a fixed today
    parser.add_argument("--json", action="store_true")


COMMANDS = {
    "entity": Command("an entity's page: timeline, co-mentions, figures", _entity_arguments, _entity),
    "trends": Command("names rising in the last days", _trends_arguments, _trends),
}
