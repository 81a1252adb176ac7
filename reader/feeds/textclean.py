"""Untrusted text made safe to write: no control characters, no lone
surrogates, no non-characters. Tabs and line feeds survive in bodies."""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")


def clean_body(text: str) -> str:
    """Line ends normalised to ``\\n``; every other control removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROLS.sub("", text)


def clean_one_line(text: str) -> str:
    """One line: whitespace runs (line breaks included) become one space,
    controls are removed, the ends are trimmed."""
    return " ".join(_CONTROLS.sub("", _LINE_BREAKS.sub(" ", text)).split())
