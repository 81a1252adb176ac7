"""Where the bundled seeds and styles are: inside the installed package
(the wheel force-includes them) or beside it in a source checkout; and
where caches of what a package ships go."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled {name}/ folder is missing from this installation")


def seeds() -> Path:
    return bundled("seeds")


def stylesheet() -> Path:
    return bundled("styles") / "reader.tcss"


def cache_dir() -> Path:
    """What can be made again from the installed packages (``READER_CACHE_DIR``
    or the platform's cache folder); never the user's data."""
    env = os.environ.get("READER_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("reader", appauthor=False))
