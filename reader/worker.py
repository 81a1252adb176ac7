"""``python -m reader.worker``: one background entity-extraction process.

Started by :class:`reader.library.BackgroundExtraction`, one a core. It runs
niced, so the UI stays first in line for the CPU, and commits each batch, so
killing it loses nothing but the batch in hand.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from reader.library import Library, exit_with_parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.worker")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--part", type=int, required=True)
    parser.add_argument("--parts", type=int, required=True)
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args()
    os.nice(10)
    exit_with_parent()
    with Library(args.roots, args.data_dir) as library:
        library.extract_pending(part=args.part, parts=args.parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
