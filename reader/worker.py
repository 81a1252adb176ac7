"""``python -m reader.worker``: one background process of
:mod:`reader.background`.

``index ROOT ...`` refreshes those roots for the app and reports on stdout,
one JSON object a line (``{"progress": [done, total]}``, ``{"warning":
text}``); ``fetch [FEED ...]`` fetches feeds (all, or those named) the
same way and says ``{"fetched": report}`` (or ``{"error": text}`` when a full disk stopped it); ``extract --part K --parts N`` extracts entities for its share of
the index. Both run niced, so the UI stays first in line for the CPU, and
commit batch by batch, so killing one loses nothing but the batch in hand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reader.background import exit_with_parent
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

    def say(event: dict[str, object]) -> None:
        sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    with Library(data_dir=args.data_dir) as library:
        if args.command == "index":
            report = library.refresh(lambda done, total: say({"progress": [done, total]}), roots=args.roots)
            for warning in [*library.warnings, *map(str, report.warnings)]:
                say({"warning": warning})
        elif args.command == "fetch":
            try:
                fetched = library.fetch(args.feeds, lambda done, total: say({"progress": [done, total]}))
            except ReaderError as error:  # a full disk stopped it: said in one line, as the command line says it
                say({"error": str(error)})
                return 0
            for warning in [*library.warnings, *map(str, fetched.warnings)]:
                say({"warning": warning})
            say({"fetched": fetched.as_json()})
        else:
            library.extract_pending(part=args.part, parts=args.parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
