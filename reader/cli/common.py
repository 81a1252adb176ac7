"""What every command shares: one-line messages on stderr, progress bars, standard output, and the table's entry."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from reader.library import Library
from reader.model import ReaderError, RefreshReport, Warning_, summarise
from reader.sanitize import clean_line

if TYPE_CHECKING:
    from rich.progress import Progress

PIPED_WIDTH = 10_000  # columns of standard output when it is not a terminal


class UsageError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Command:
    """One subcommand: its help, its arguments, what it does, and whether the
    library is brought in line with its files before it runs."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Library, argparse.Namespace, Console], int]
    refresh: bool = True


def no_arguments(_: argparse.ArgumentParser) -> None:
    pass


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def say(err: Console, line: str) -> None:
    """One line on stderr; paths and messages may carry untrusted text."""
    err.print(Text(clean_line(line)), soft_wrap=True)


def warn(err: Console, message: str) -> None:
    say(err, f"reader: warning: {message}")


def progress_bar(err: Console) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # not for the app's start (15 ms)

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True)


def refresh_with_bar(library: Library, err: Console, every_note: bool = False, verbose: bool = False) -> RefreshReport:
    with progress_bar(err) as bar:
        task = bar.add_task("indexing", total=None)
        report = library.refresh(lambda done, total: bar.update(task, completed=done, total=total), every_note=every_note)
    for warning in report.warnings:
        warn(err, str(warning))
    tell_notes(err, report.notes, verbose)
    return report


def tell_notes(err: Console, notes: list[Warning_], verbose: bool = False) -> None:
    """Routine facts about fetched items (no date…): how many of each kind,
    one line each (``reader feeds list`` says which feed); each with ``verbose``."""
    if verbose:
        for note in notes:
            say(err, f"reader: {note}")
    else:
        for line in summarise(n.message for n in notes):
            say(err, f"reader: {line}")


def extract_with_bar(library: Library, err: Console, pending: int) -> None:
    work = library.start_extraction()
    if work is None:
        return
    try:
        with progress_bar(err) as bar:
            task = bar.add_task("entities", total=pending)
            while work.running:
                bar.update(task, completed=work.done())
                time.sleep(0.5)
    finally:
        work.stop()
    for event in work.events:
        warn(err, event)
    if work.failed():
        raise ReaderError(f"entity extraction stopped with an error (see {library.log_path}); run `reader index` again to resume")
    failed = library.failed_extractions()
    if failed:
        warn(err, f"entity extraction failed on {plural(failed, 'article')} (reader sources list); they are skipped until they change")


def stdout() -> Console:
    """Standard output: as wide as the terminal; piped or redirected, as wide
    as each line needs (a script gets whole lines, never cut at 80 columns)."""
    out = Console(highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(highlight=False, width=PIPED_WIDTH)
    return out


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
