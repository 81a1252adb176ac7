"""Where each sentence of a text stands: what is said together (a figure
and the names in its sentence) is known from these spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

_LINE = re.compile(r"[^\n]+")


def spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every sentence, in order; a line break always ends
    one (a headline, a list item). razdel splits within a line."""
    from razdel import sentenize

    out: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        base = line.start()
        out += [(base + s.start, base + s.stop) for s in sentenize(line.group()) if s.text.strip()]
    return tuple(out)


def number_of(sentences: Sequence[tuple[int, int]], starts: Sequence[int], offset: int) -> int | None:
    """The number of the sentence an offset falls in (``starts``: every
    sentence's start, in order); None outside every sentence."""
    number = bisect.bisect_right(starts, offset) - 1
    return number if number >= 0 and offset < sentences[number][1] else None
