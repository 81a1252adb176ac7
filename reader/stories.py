"""Stories: whether two articles report one event, from what indexing has at hand.

An article's :class:`Marks` are made once, where its text is normalised
(a worker process): a MinHash signature of its lead (word 3-shingles of
the normal forms of the body's first :data:`LEAD_WORDS` words), the band
keys that find it, and its day. Whether two articles are one event
(:func:`same_event`) depends on the two alone, never on what else is
indexed or in which order: stories are the connected parts of this
relation, so a rebuilt index holds the same stories.

Two articles are one event when they are at most :data:`WINDOW_DAYS` apart
and most of the shorter lead's shingles are in the other's: a repost,
re-headlined, cut, with a dateline or a trailer added, a sentence changed,
or a feed's summary of it. Write-ups of one event that share no phrasing
are told apart (:func:`told_apart`) once their names are extracted, a little
after indexing: dated at most :data:`NAMED_DAYS` apart, naming the same
people, organisations and places, in the same words. Names alone merged
related events (two arrests of one politician, a chess federation's two
statements on one match): the words are what tell those apart
(docs/stories.md has the figures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from reader.text import lemmas

if TYPE_CHECKING:
    import numpy as np

VERSION = "stories-8"  # 5: write-ups apart, by their names and words; 6: a story within STORY_DAYS and STORY_MEMBERS,
# 7: a band key stored with its span of days (of 7) in one integer, 8: new key rows staged (reader.store.stories)
WINDOW_DAYS = 3  # 72 hours, in days: dates are days
LEAD_WORDS = 60  # words of the body a copy is compared on
SHINGLE = 3
PERMS = 48  # hashes of a signature
ROWS = 2  # signature values a band key is made of
BANDS = 16  # band keys an article is found by: a copy with J=0.3 is found 4 times in 5, J=0.5 99 times in 100
COPY_CONTAINMENT = 0.55  # of the shorter lead's shingles in the other's
MARKS_AT_ONCE = 128  # leads a numpy pass makes the marks of (48 x 128 x 58 values: 2.8 MB)
# Band keys are stored under a span of days: the seven days a copy may be in are in one span or two (7 at least).
# 7, not 28: fewer articles of other days found to be read and told apart (at 30,000: 8 µs an article, not 20).
SPAN_DAYS = 7
SPAN_BITS = 47  # a stored key: its span (16 bits, wrapping after the year 5000) above the band key's low 47 bits
COPY_MIN_SHINGLES = 8  # shingles in common, at least: two headlines alone are not a copy
# Write-ups apart (told_apart), chosen on the bench's corpus, where related events
# sharing names reached 0.22 of their words in common and write-ups of one event 0.32.
NAMED_DAYS = 1  # dates at most a day apart: closer than copies, which may be reposted days later
NAMED_SHARED = 3  # names (people, organisations, places) in common, at least
NAMED_CONTAINED = 0.5  # of the article with fewer names, in the other
WORDS_JACCARD = 0.25  # of the two articles' words (normal forms of four letters or more), in both
WORD_LETTERS = 4


EMPTY_LEAD = b"\xff" * (4 * PERMS)  # the signature of a lead of no words


@dataclass(frozen=True, slots=True)
class Marks:
    """What grouping needs of one article, made once when it is indexed."""

    day: int | None  # the date's ordinal; None: undated (grouped with nothing)
    lead: bytes  # PERMS uint32: MinHash of the lead's shingles
    lead_size: int  # distinct shingles in the lead
    keys: tuple[int, ...] = ()  # its band keys as stored, under the span of days of its date (see stored_keys)
    near: tuple[int, ...] = ()  # its band keys under the other span the days of its copies reach, if one does


def stored_keys(lead: bytes, day: int) -> tuple[int, ...]:
    """An article's band keys as stored (as :attr:`Marks.keys` has them)."""
    import numpy as np

    return tuple(
        _stored(np.frombuffer(lead, dtype=np.uint32)[None, :].astype(np.uint64), np.array([day // SPAN_DAYS], dtype=np.int64))[0].tolist()
    )


def _stored(signatures: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """The band keys of signatures (one a row, uint64) as stored under these
    spans of days: signed 64-bit (as SQLite keeps them), the span in the high
    bits (an article's keys sit together in the key table)."""
    import numpy as np

    keys = signatures[:, 0 : BANDS * ROWS : ROWS]
    for column in range(1, ROWS):
        keys = keys * np.uint64(0x100000001B3) + signatures[:, column : BANDS * ROWS : ROWS]
    keys = keys * np.uint64(64) + np.arange(BANDS, dtype=np.uint64)  # each band its own key space
    high = (spans.astype(np.uint64) & np.uint64(0xFFFF)) << np.uint64(SPAN_BITS)
    return np.bitwise_or(np.bitwise_and(keys, np.uint64((1 << SPAN_BITS) - 1)), high[:, None]).view(np.int64)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Fixed seeds: signatures made by any process, at any time, compare."""
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(20261202))
    odd = (rng.integers(1, 2**62, size=PERMS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
    return odd, rng.integers(0, 2**62, size=PERMS, dtype=np.uint64)


@cache
def _weights() -> np.ndarray:
    """One weight a place in a word (folding may lengthen a word of MAX_WORD: room for four times that, the
    first MAX_WORD as they were), and a 0 for the space after it."""
    import numpy as np

    weights = np.random.Generator(np.random.PCG64(7)).integers(1, 2**62, size=4 * lemmas.MAX_WORD, dtype=np.uint64) | np.uint64(1)
    return np.concatenate((weights, np.zeros(1, dtype=np.uint64)))


def _token_hashes(tokens: list[str]) -> np.ndarray:
    """A stable 64-bit hash of each token: its code points, each times a
    random weight for its place in the token, summed; in a few passes of C
    over the tokens joined by spaces (a token holds no whitespace)."""
    import numpy as np

    if not tokens:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(" ".join(tokens).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    spaces = points == ord(" ")
    starts = np.concatenate(([0], np.flatnonzero(spaces) + 1))
    weights = _weights()  # the last one 0: a space's place is -1
    place = np.minimum(np.arange(len(points)) - starts[np.cumsum(spaces)], len(weights) - 2)
    return np.add.reduceat(points * weights[place], starts)  # type: ignore[no-any-return]


def _day(date: str) -> int | None:
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return None


def marks(date: str, body_norm: str, title_norm: str) -> Marks:
    """An article's marks from its date and normal forms (as indexed)."""
    return marks_many([(date, body_norm, title_norm)])[0]


def marks_many(texts: Sequence[tuple[str, str, str]]) -> list[Marks]:
    """The marks of several articles ((date, body, title), the normal forms as
    indexed), made together: numpy's calls cost as much for one lead as for
    a hundred, so a worker makes those of its share at once."""
    out: list[Marks] = []
    for start in range(0, len(texts), MARKS_AT_ONCE):
        out += _marks_of(texts[start : start + MARKS_AT_ONCE])
    return out


def _marks_of(texts: Sequence[tuple[str, str, str]]) -> list[Marks]:
    import numpy as np

    leads = [body.split(maxsplit=LEAD_WORDS)[:LEAD_WORDS] or title.split() for _, body, title in texts]
    days = [_day(date) for date, _, _ in texts]
    words = np.fromiter(map(len, leads), dtype=np.intp, count=len(leads))
    hashes = _token_hashes([w for lead in leads for w in lead])
    if not len(hashes):
        return [Marks(day, EMPTY_LEAD, 0) for day in days]
    # A lead's values: its word 3-shingles, or its words when it has fewer than three.
    padded = np.concatenate((hashes, np.zeros(SHINGLE - 1, dtype=np.uint64)))
    shingles = (padded[:-2] * np.uint64(0x9E3779B1) + padded[1:-1]) * np.uint64(0x85EBCA77) + padded[2:]
    values = np.where(np.repeat(words, words) >= SHINGLE, shingles, hashes)
    sizes = np.where(words >= SHINGLE, words - (SHINGLE - 1), words)
    # One row a lead, a short one filled up with its own last value (neither its least hash nor its distinct
    # values change; a lead of no words gets any, and is told by its size).
    columns = np.minimum(np.arange(int(sizes.max()))[None, :], np.maximum(sizes, 1)[:, None] - 1)
    table = values[np.minimum((np.cumsum(words) - words)[:, None] + columns, len(values) - 1)]
    ordered = np.sort(table, axis=1)
    distinct = np.where(sizes > 0, 1 + np.count_nonzero(ordered[:, 1:] != ordered[:, :-1], axis=1), 0).tolist()
    a, b = _permutations()
    hashed = a[:, None, None] * table[None, :, :]  # multiply-shift, mod 2**64
    hashed += b[:, None, None]
    signatures = hashed.min(axis=2).T >> np.uint64(32)  # the least hash of each permutation, its high half
    leads_bytes = signatures.astype(np.uint32)
    dated = np.array([day or 0 for day in days], dtype=np.int64)
    spans = dated // SPAN_DAYS
    before, after = (dated - WINDOW_DAYS) // SPAN_DAYS, (dated + WINDOW_DAYS) // SPAN_DAYS
    other = np.where(before != spans, before, after)  # the span a copy's day may be in besides its own, if any
    keys, near, crossing = _stored(signatures, spans).tolist(), _stored(signatures, other).tolist(), (other != spans).tolist()
    return [
        (
            Marks(day, leads_bytes[n].tobytes(), size, tuple(keys[n]), tuple(near[n]) if crossing[n] else ())
            if day is not None
            else Marks(day, leads_bytes[n].tobytes(), size)
        )
        if size
        else Marks(day, EMPTY_LEAD, 0)
        for n, (day, size) in enumerate(zip(days, distinct, strict=True))
    ]


def _containment(a: Marks, b: Marks) -> tuple[float, float]:
    """How much of the smaller lead is in the other, and how many shingles
    that is, from the Jaccard index the signatures estimate."""
    import numpy as np

    if not a.lead_size or not b.lead_size:
        return 0.0, 0.0
    jaccard = float(np.count_nonzero(np.frombuffer(a.lead, dtype=np.uint32) == np.frombuffer(b.lead, dtype=np.uint32))) / PERMS
    shared = jaccard * (a.lead_size + b.lead_size) / (1 + jaccard)
    return shared / min(a.lead_size, b.lead_size), shared


def same_event(a: Marks, b: Marks) -> bool:
    """Whether two articles report one event (symmetric; the pair alone decides)."""
    if a.day is None or b.day is None or abs(a.day - b.day) > WINDOW_DAYS:
        return False
    contained, shared = _containment(a, b)
    return contained >= COPY_CONTAINMENT and shared >= COPY_MIN_SHINGLES


def words(body_norm: str) -> frozenset[str]:
    """The words an article is told in, as :func:`told_apart` compares them."""
    return frozenset(w for w in body_norm.split() if len(w) >= WORD_LETTERS)


def names_agree(shared: int, names_a: int, names_b: int) -> bool:
    """Whether two articles name the same people, organisations and places
    (``shared`` of their ``names_a`` and ``names_b`` distinct names)."""
    return shared >= NAMED_SHARED and shared >= NAMED_CONTAINED * min(names_a, names_b)


def told_apart(
    day_a: int, day_b: int, names_a: frozenset[int], names_b: frozenset[int], words_a: frozenset[str], words_b: frozenset[str]
) -> bool:
    """Whether two write-ups of one event are one event told apart: close in
    time, the same names, the same words (symmetric; the pair alone decides)."""
    if not day_a or not day_b or abs(day_a - day_b) > NAMED_DAYS:
        return False
    if not names_agree(len(names_a & names_b), len(names_a), len(names_b)):
        return False
    union = len(words_a | words_b)
    return bool(union) and len(words_a & words_b) >= WORDS_JACCARD * union
