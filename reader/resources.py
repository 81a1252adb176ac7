"""Where the bundled seeds and styles are: inside the installed package
(the wheel force-includes them) or beside it in a source checkout."""

from __future__ import annotations

from pathlib import Path

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
