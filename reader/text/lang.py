"""Language detection by script.

The library's languages differ by alphabet (Russian is Cyrillic, English is
Latin), so counting letters is exact where it matters and costs nothing; a
statistical detector would add a dependency and noise on short texts.
"""

from __future__ import annotations

SAMPLE = 4000


def detect(text: str) -> str:
    """``ru`` for mostly Cyrillic text, ``en`` for mostly Latin, else ``und``."""
    cyrillic = latin = 0
    for char in text[:SAMPLE]:
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif "a" <= char <= "z" or "A" <= char <= "Z":
            latin += 1
    if cyrillic == latin == 0:
        return "und"
    return "ru" if cyrillic >= latin else "en"
