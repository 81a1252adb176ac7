"""Stories: whether two articles report one event, from what indexing has at hand.

An article's :class:`Marks` are made once, where its text is normalised
(a worker process): MinHash signatures of its lead (word 3-shingles of the
normal forms of the body's first words) and of its vocabulary (distinct
normal forms), their band keys for the candidate look-up, its names
(capitalised words, as normal forms, and figures) and its day. Whether two
articles are one event (:func:`same_event`) depends on the two alone, never
on what else is indexed or in which order: stories are the connected parts
of this relation, so a rebuilt index holds the same stories.

Two articles are one event when they are at most :data:`WINDOW_DAYS` apart and
- a copy: most of the shorter lead's shingles are in the other one's (a
  repost, re-headlined, cut, with a dateline or a trailer, a sentence changed); or
- a rewrite: they share most of their names and figures, much of their
  vocabulary and some phrasing (a quote, a sentence of one press release).
The thresholds were set on the corpus of ``python -m reader.bench stories``;
docs/stories.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from reader.text import lemmas

if TYPE_CHECKING:
    import numpy as np

VERSION = "stories-2"
WINDOW_DAYS = 3  # 72 hours, in days: dates are days
LEAD_WORDS = 150  # words of the body a copy's lead is compared on
SHINGLE = 3
PERMS = 48  # hashes of each signature
ROWS = 2  # signature values a band key is made of (24 bands: a copy with J=0.3 is found 9 times in 10)
TOP_NAMES = 8  # names an article is found by
MAX_NAMES = 40  # names kept
MIN_SHARED_NAMES = 2
# Decision thresholds (see docs/stories.md for the figures behind them).
COPY_CONTAINMENT = 0.55
COPY_MIN_SHINGLES = 8
REWRITE_NAMES = 0.5
REWRITE_WORDS = 0.25
REWRITE_PHRASING = 0.1  # of the shorter lead's shingles: a quote, a phrase of the same press release
REWRITE_MIN_NAMES = 8  # mentions of names and figures in common

# A capitalised word not opening a sentence, or a figure.
_NAME_OR_FIGURE = re.compile(r"(?<=[^.!?…\s\"«(]\s)[A-ZА-ЯЁ][^\W\d_]{2,}|\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True, slots=True)
class Marks:
    """What grouping needs of one article, made once when it is indexed."""

    day: int | None  # the date's ordinal; None: undated (grouped with nothing)
    lead: bytes  # PERMS uint32: MinHash of the lead's shingles
    lead_size: int  # distinct shingles in the lead
    words: bytes  # PERMS uint32: MinHash of the distinct normal forms
    words_size: int
    names: tuple[str, ...]  # normal forms of names, and figures ("#" and the number), most said first
    counts: tuple[int, ...]  # how often each is said

    def band_keys(self) -> list[int]:
        """Band keys of the lead's signature (signed 64-bit, as SQLite keeps them)."""
        import numpy as np

        if not self.lead_size:
            return []
        bands = np.frombuffer(self.lead, dtype=np.uint32).reshape(-1, ROWS).astype(np.uint64)
        keys: np.ndarray = np.zeros(len(bands), dtype=np.uint64)
        for column in range(ROWS):
            keys = keys * np.uint64(0x100000001B3) + bands[:, column]
        keys = keys * np.uint64(64) + np.arange(len(bands), dtype=np.uint64)  # each band its own key space
        return [int(k) for k in keys.view(np.int64)]

    def name_keys(self) -> list[int]:
        return [_hash(name) for name in self.names[:TOP_NAMES]]


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Fixed seeds: signatures made by any process, at any time, compare."""
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(20261202))
    odd = (rng.integers(1, 2**62, size=PERMS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
    return odd, rng.integers(0, 2**62, size=PERMS, dtype=np.uint64)


def _minhash(values: np.ndarray) -> bytes:
    import numpy as np

    if not len(values):
        return b"\xff" * (4 * PERMS)
    a, b = _permutations()
    hashed = (a[:, None] * values[None, :] + b[:, None]) >> np.uint64(32)  # multiply-shift, mod 2**64
    return hashed.min(axis=1).astype(np.uint32).tobytes()


def _day(date: str) -> int | None:
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return None


def marks(title: str, body: str, date: str, lang: str, body_norm: str, title_norm: str) -> Marks:
    """An article's marks from its text and its normal forms (as indexed)."""
    import numpy as np

    tokens = body_norm.split() or title_norm.split()
    hashes = _token_hashes(tokens + title_norm.split())
    lead = hashes[: min(LEAD_WORDS, len(tokens))]
    if len(lead) >= SHINGLE:
        lead = (lead[:-2] * np.uint64(0x9E3779B1) + lead[1:-1]) * np.uint64(0x85EBCA77) + lead[2:]
    shingles, vocabulary = np.unique(lead), np.unique(hashes)
    said = names(f"{title}\n{body}", lang)
    return Marks(_day(date), _minhash(shingles), len(shingles), _minhash(vocabulary), len(vocabulary), tuple(said), tuple(said.values()))


def _token_hashes(tokens: list[str]) -> np.ndarray:
    """A stable 64-bit hash of each token, in one pass of C: the tokens as
    a fixed-width array of code points, times a random vector."""
    import numpy as np

    if not tokens:
        return np.empty(0, dtype=np.uint64)
    array = np.array(tokens)
    width = array.dtype.itemsize // 4
    points = array.view(np.uint32).reshape(len(tokens), width).astype(np.uint64)
    return points @ _weights()[:width]  # type: ignore[no-any-return]


@cache
def _weights() -> np.ndarray:
    import numpy as np

    return np.random.Generator(np.random.PCG64(7)).integers(1, 2**62, size=lemmas.MAX_WORD, dtype=np.uint64) | np.uint64(1)


def names(text: str, lang: str) -> dict[str, int]:
    """Names (capitalised words not opening a sentence, as normal forms) and
    figures, with how often each is said, the most often said first."""
    counted: Counter[str] = Counter()
    written: list[tuple[str, int]] = []
    for found, times in Counter(_NAME_OR_FIGURE.findall(text)).items():
        if found[0].isdigit():
            if len(found) > 1 and not _YEAR.fullmatch(found):
                counted["#" + found.replace(",", ".")] += times
        elif not found.isupper() or len(found) <= lemmas.MAX_ACRONYM:
            written.append((found, times))
    forms = lemmas.normalise_text(" ".join(w for w, _ in written), lang).split()  # one form a word, from the index's own table
    for (_, times), form in zip(written, forms, strict=True):
        counted[form] += times
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:MAX_NAMES])


def _similarity(a: bytes, b: bytes) -> float:
    import numpy as np

    return float(np.count_nonzero(np.frombuffer(a, dtype=np.uint32) == np.frombuffer(b, dtype=np.uint32))) / PERMS


def _containment(a_sig: bytes, a_size: int, b_sig: bytes, b_size: int) -> tuple[float, float]:
    """How much of the smaller set is in the other, and how many items that
    is, from the Jaccard index the signatures estimate."""
    if not a_size or not b_size:
        return 0.0, 0.0
    jaccard = _similarity(a_sig, b_sig)
    shared = jaccard * (a_size + b_size) / (1 + jaccard)
    return shared / min(a_size, b_size), shared


def is_copy(a: Marks, b: Marks) -> bool:
    contained, shared = _containment(a.lead, a.lead_size, b.lead, b.lead_size)
    return contained >= COPY_CONTAINMENT and shared >= COPY_MIN_SHINGLES


def is_rewrite(a: Marks, b: Marks) -> bool:
    """Most of what either says of names and figures (counting each time
    it is said), and much of their vocabulary, in common."""
    theirs = dict(zip(b.names, b.counts, strict=True))
    shared = sum(min(n, theirs[name]) for name, n in zip(a.names, a.counts, strict=True) if name in theirs)
    if shared < REWRITE_MIN_NAMES or shared < REWRITE_NAMES * min(sum(a.counts), sum(b.counts)):
        return False
    return _similarity(a.words, b.words) >= REWRITE_WORDS and _containment(a.lead, a.lead_size, b.lead, b.lead_size)[0] >= REWRITE_PHRASING


def same_event(a: Marks, b: Marks) -> bool:
    """Whether two articles report one event (symmetric; the pair alone decides)."""
    if a.day is None or b.day is None or abs(a.day - b.day) > WINDOW_DAYS:
        return False
    return is_copy(a, b) or is_rewrite(a, b)
