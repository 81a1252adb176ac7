"""``python -m reader.worker``: one background process of
:mod:`reader.background`.

``index ROOT ...`` refreshes those roots for the app and reports on stdout
(progress, warnings); ``fetch [FEED ...]`` fetches feeds (all, or those
named) the same way and says each routine note on an item, then the fetch's
report (or why it stopped, a full disk): the events of
:mod:`reader.background`, one a line. ``extract
--part K --parts N`` extracts entities for its share of the index. Both run niced, so the UI stays first in line for the CPU, and
commit batch by batch, so killing one loses nothing but the batch in hand.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reader.background import Event, Failed, Noted, Progress, Reported, Said, encode, exit_with_parent
from reader.library import Library, ReaderError


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.worker")
    parser.add_argument("--data-dir", type=Path, required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index")
    index.add_argument("roots", nargs="+")
    fetch = commands.add_parser("fetch")
    fetch.add_argument("feeds", nargs="*")
    work = commands.add_parser("extract")
    work.add_argument("--part", type=int, required=True)
    work.add_argument("--parts", type=int, required=True)
    args = parser.parse_args()
    os.nice(10)
    exit_with_parent()

    def say(event: Event) -> None:
        sys.stdout.write(encode(event))
        sys.stdout.flush()

    def progress(done: int, total: int) -> None:
        say(Progress(done, total))

    with Library(data_dir=args.data_dir) as library:
        if args.command == "index":
            report = library.refresh(progress, roots=args.roots)
            for warning in [*library.warnings, *map(str, report.warnings)]:
                say(Said(warning))
        elif args.command == "fetch":
            try:
                fetched = library.fetch(args.feeds, progress)
            except ReaderError as error:  # a full disk stopped it: said in one line, as the command line says it
                say(Failed(str(error)))
                return 0
            for warning in [*library.warnings, *map(str, fetched.warnings)]:
                say(Said(warning))
            for note in fetched.notes:
                say(Noted(note.path, note.message))
            say(Reported(fetched))
        else:
            library.extract_pending(part=args.part, parts=args.parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
