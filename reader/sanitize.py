"""Untrusted text made safe: to show in a terminal, and to store.

To show (:func:`clean_text`, :func:`clean_line`): every C0 and C1 control
character except newline and tab becomes a visible placeholder, so an escape
sequence in an article is shown, never obeyed. Bidirectional overrides, which
can reorder what a terminal shows, become placeholders too. Line ends are
normalised to ``\\n``.

To store (:func:`stored_body`, :func:`stored_line`: what a feed gives, before
it is written): controls, lone surrogates and non-characters are removed, not
marked; tabs and line feeds survive in bodies.
"""

from __future__ import annotations

import re

PLACEHOLDER = "\ufffd"

_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_TABLE[0x7F] = "\u2421"
_TABLE.update({code: PLACEHOLDER for code in range(0x80, 0xA0)})
_TABLE.update({code: PLACEHOLDER for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_TABLE.update({0x2028: "\n", 0x2029: "\n", 0xFEFF: ""})


# Any character the table changes, or a carriage return: most text has
# none, and a search is ten times cheaper than a translation (which looks
# up every character of the text).
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """The text with line ends normalised and every control made visible."""
    if not _UNCLEAN.search(text):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, for one-line fields (titles, sources, tags)."""
    return " ".join(clean_text(text).split())


def stored_body(text: str) -> str:
    """A body to store: line ends normalised to ``\\n``, every other control removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROLS.sub("", text)


def stored_line(text: str) -> str:
    """One line to store: whitespace runs (line breaks included) become one
    space, controls are removed, the ends are trimmed."""
    return " ".join(_CONTROLS.sub("", _LINE_BREAKS.sub(" ", text)).split())


def legacy_codec(data: bytes, otherwise: str) -> str:
    """The codec of bytes that are not UTF-8 and say nothing of their own:
    cp1251 when, read so, most of their words with letters outside ASCII are
    Cyrillic (Russian written on Windows), else ``otherwise``."""
    text = data[:65536].decode("cp1251", errors="replace")
    # One letter is no evidence: «é», «à», «É» alone read as «й», «а», «Й».
    mixed = [w for w in re.findall(r"[^\W\d_]{2,}", text) if not w.isascii()]
    if mixed and sum(all("\u0400" <= c <= "\u04ff" for c in w) for w in mixed) / len(mixed) > 0.7:
        return "cp1251"
    return otherwise
