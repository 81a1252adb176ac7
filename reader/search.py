"""Searching the index: a :class:`~reader.query.Query` -> FTS5 expressions
and filters -> one set of rowids each, intersected (:class:`Searcher`); and
where a query's words stand in a text (:class:`Matcher`), for marks and
snippets. Matching of words goes through the same normal forms as the index
(:mod:`reader.text.lemmas`), so every inflected form of a word finds the others.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from array import array
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.model import Found, Snippet
from reader.query import Filter, Query, QueryError, Term, parse
from reader.store import Index
from reader.store.searches import state_generation
from reader.text import lemmas

if TYPE_CHECKING:
    import numpy as np

MAX_VARIANTS = 8
SNIPPET_CHARS = 160
# A word still being typed also matches as a prefix from this many letters
# on: a shorter Russian prefix («про», «сот») matches half the vocabulary
# and costs more than it tells.
MIN_PREFIX = 4
# BM25 costs in proportion to what the words match: past this many, hits are
# listed newest first unless ranking is asked for whatever it costs (the CLI).
RANK_LIMIT = 2000


# -- FTS5 expressions ---------------------------------------------------------


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_expression(term: Term, partial: bool = False, prefix: str = "", among: Collection[str] | None = None) -> str:
    """An FTS5 expression for one term. ``partial``: the word is still being
    typed, so its folded form also counts as a prefix. ``prefix`` marks
    entity tokens with their kind. ``among``: the languages of the articles
    (see :func:`reader.text.lemmas.phrase_forms`)."""
    if term.prefix:
        return _quote(prefix + lemmas.fold(term.words[0])) + "*"
    combos = lemmas.phrase_forms(term.words, among)  # one language at a time: a phrase is in its article's language
    phrases = [" ".join(prefix + f for f in combo) for combo in itertools.islice(combos, MAX_VARIANTS)]
    options = [_quote(p) for p in dict.fromkeys(phrases)]
    if partial and len(term.words) == 1 and len(term.words[0]) >= MIN_PREFIX:
        options.append(_quote(prefix + lemmas.fold(term.words[0])) + "*")
    return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"


def entity_expression(term: Term, among: Collection[str] | None = None) -> str:
    parts = [fts_expression(term, prefix=kind, among=among) for kind in term.kinds]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def entity_tokens(kind: str, normal: str) -> str:
    """How an entity's normal form is written into the entity index."""
    prefix = kind.lower()
    return " ".join(prefix + lemmas.normal(m.group()) for m in lemmas.words(normal))


# -- matches in text ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matcher:
    """Finds the words of a query in an article's text, for marks and snippets."""

    forms: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, query: Query, partial: bool = False, among: Collection[str] | None = None) -> Matcher:
        forms: set[str] = set()
        prefixes: list[str] = []
        terms = list(query.text_terms())
        for index, term in enumerate(terms):
            if term.prefix or (partial and index == len(terms) - 1 and len(term.words) == 1 and len(term.words[0]) >= MIN_PREFIX):
                prefixes.append(lemmas.fold(term.words[0]))
            if not term.prefix:
                for word in term.words:
                    forms |= lemmas.query_forms(word, among)
        return cls(frozenset(forms), tuple(prefixes))

    def __bool__(self) -> bool:
        return bool(self.forms or self.prefixes)

    def spans(self, text: str, limit: int = 10_000) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        loud = lemmas.in_capitals(text)
        for match in lemmas.words(text):
            word = match.group()
            if lemmas.normal(word, "en", loud) in self.forms or (self.prefixes and lemmas.fold(word).startswith(self.prefixes)):
                found.append(match.span())
                if len(found) >= limit:
                    break
        return found

    def snippet(self, text: str) -> Snippet:
        """A window of text around the first match, and where the matches stand in it."""
        spans = self.spans(text, limit=50)
        if not spans:
            return _clip(text, 0, SNIPPET_CHARS)
        first = spans[0][0]
        start = max(0, text.rfind(" ", 0, max(0, first - SNIPPET_CHARS // 3)) + 1)
        end = min(len(text), start + SNIPPET_CHARS)
        head = "…" if start else ""
        window, marks = _collapsed(text[start:end], [(a - start, b - start) for a, b in spans if b <= end], len(head))
        return Snippet(head + window + ("…" if end < len(text) else ""), marks)


def _collapsed(window: str, spans: Sequence[tuple[int, int]], shift: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``window`` with its runs of white space made one space, and ``spans``
    (within its words) moved to where they stand then, plus ``shift``."""
    words = [m.span() for m in re.finditer(r"\S+", window)]
    starts = [a for a, _ in words]
    placed: list[int] = []
    cursor = shift
    for a, b in words:
        placed.append(cursor)
        cursor += b - a + 1
    marks = []
    for a, b in spans:
        at = bisect.bisect_right(starts, a) - 1
        if at >= 0 and b <= words[at][1]:
            marks.append((placed[at] + a - words[at][0], placed[at] + b - words[at][0]))
    return " ".join(window[a:b] for a, b in words), tuple(marks)


def _clip(text: str, start: int, size: int) -> Snippet:
    out = " ".join(text[start : start + size].split())
    return Snippet(out + ("…" if start + size < len(text) else ""))


# -- the query plan -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a query keeps and drops (None: no such part), its FTS5
    expression, its matcher, and how many articles its words match."""

    keep: np.ndarray | None
    drop: np.ndarray | None
    expression: str
    matcher: Matcher
    worded: int


class Searcher:
    """Runs queries over the part of the index in view (``scope``: roots, or
    None for all). Each part of a query is one set of rowids from SQLite;
    numpy intersects them, so no part is evaluated row by row against
    another. What is derived from the index (date order, counts, what the
    muted searches match) is kept until anybody changes the index.

    ``muted``: the queries of the saved searches marked mute; what they
    match is left out of every answer but one that asks for it
    (``is:muted``) or is itself one of them."""

    def __init__(
        self,
        index: Index,
        scope: Callable[[], Sequence[str] | None],
        resolve: Callable[[str], str | None],
        muted: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self.index = index
        self._scope = scope
        self._resolve = resolve  # an in: value -> the root it names
        self._muted_queries = muted
        self._stamp = -1
        self._order: array[int] | None = None
        self._in_view: np.ndarray | None = None  # None: everything is in view
        self._languages: dict[str, int] | None = None
        self._muted: tuple[tuple[object, ...], dict[str, np.ndarray]] = ((), {})  # for which key, each muted query's rowids
        self._shown: tuple[tuple[object, ...], array[int]] | None = None  # the order less what is muted, and for which key

    def _fresh(self) -> None:
        stamp = self.index.generation()
        if stamp != self._stamp:
            self._stamp, self._order, self._in_view, self._languages = stamp, None, None, None

    def _everything(self) -> array[int]:
        """Every rowid in view, newest first, muted or not."""
        self._fresh()
        if self._order is None:
            everything = self.index.ordered()
            roots = self._scope()
            if roots is not None and set(self.index.roots()) - set(roots):
                self._in_view = self.index.ids_in_roots(roots)
                everything = _newest_first(everything, self._in_view, None)
            self._order = everything
        return self._order

    def newest(self, limit: int) -> array[int] | None:
        """The first ``limit`` rowids of :meth:`order`, without ordering
        everything first (a million rows take a second); None while a search
        is muted (what it hides is known only once it has run)."""
        if any(q.strip() for q in self._muted_queries()):
            return None
        return self.index.newest(limit, self._scope())

    def order(self) -> array[int]:
        """Every rowid in view that no muted search hides, newest first."""
        everything = self._everything()
        hidden = self.muted()
        if hidden is None:
            return everything
        key = self._muted[0]  # the index generation and the muted queries
        if self._shown is None or self._shown[0] != key:
            self._shown = key, _newest_first(everything, None, hidden)
        return self._shown[1]

    def count(self) -> int:
        return len(self.order())

    def muted(self, but: str = "") -> np.ndarray | None:
        """The rowids the muted searches match (but the one whose query is
        ``but``); None when none is muted. Each muted search is run once an
        index generation (and, when it filters on read state, bookmarks or
        sources, once a change of those)."""
        queries = tuple(dict.fromkeys(q.strip() for q in self._muted_queries()))
        if not queries:
            return None
        parsed = {q: parse(q) for q in queries}
        needs_state = any(isinstance(p, Query) and any(f.name in ("is", "in") for f in p.filters) for p in parsed.values())
        self._fresh()
        key = (self._stamp, queries, state_generation(self.index) if needs_state else 0)
        if key != self._muted[0]:
            matched = {query: self._matching(plan) for query, plan in parsed.items() if isinstance(plan, Query)}
            self._muted = key, {query: rowids for query, rowids in matched.items() if rowids is not None}
        import numpy as np

        sets = [rowids for query, rowids in self._muted[1].items() if query != but.strip()]
        return np.concatenate(sets) if sets else None

    def _matching(self, query: Query) -> np.ndarray | None:
        """Every rowid in view a query matches, muted or not (None: the
        query names no source there is)."""
        import numpy as np

        plan = self._plan(query, partial=False, bookmarked_only=False, mute=False)
        if isinstance(plan, str):
            return None
        return np.frombuffer(_newest_first(self._everything(), plan.keep, plan.drop), dtype=np.int64)

    def _languages_there(self) -> dict[str, int]:
        """Articles a language, in the whole index."""
        self._fresh()
        if self._languages is None:
            self._languages = self.index.language_counts()
        return self._languages

    def _one_language(self, lang: str) -> bool:
        languages = self._languages_there()
        return languages.get(lang) == sum(languages.values())

    def find(self, text: str, partial: bool = False, bookmarked_only: bool = False, ranked: bool | None = None) -> Found:
        """Every article in view the query finds. Ranking by BM25 is bounded:
        when the words match more than ``RANK_LIMIT`` articles the hits are
        listed newest first, unless ``ranked`` asks for the ranking."""
        parsed = parse(text)
        if isinstance(parsed, QueryError):
            return Found(array("q"), error=str(parsed))
        if parsed.empty and not bookmarked_only:
            return Found(self.order(), matcher=Matcher.of(parsed, partial=partial))
        plan = self._plan(parsed, partial, bookmarked_only, mute=True, text=text)
        if isinstance(plan, str):
            return Found(array("q"), error=plan)
        keep, drop, expression, matcher = plan.keep, plan.drop, plan.expression, plan.matcher
        if expression and keep is not None and (ranked or (ranked is None and plan.worded <= RANK_LIMIT)):
            wanted = set(keep.tolist()) - (set(drop.tolist()) if drop is not None else set())
            scores = {rowid: score for rowid, score in self.index.ranked(expression) if rowid in wanted}
            return Found(array("q", scores), scores=scores, matcher=matcher)
        return Found(_newest_first(self._everything(), keep, drop), matcher=matcher)

    def _plan(self, parsed: Query, partial: bool, bookmarked_only: bool, mute: bool, text: str = "") -> _Plan | str:
        """What a query keeps and drops, or what is wrong with it. ``mute``:
        what muted searches match is dropped (unless it is asked for or the
        query, ``text``, is one of them)."""
        import numpy as np  # on first search, not at start-up

        among = self._languages_there()
        matcher = Matcher.of(parsed, partial=partial, among=among)
        text_terms = list(parsed.text_terms())
        positive = " AND ".join(fts_expression(t, partial=partial and t is text_terms[-1], among=among) for t in text_terms)
        negative = [fts_expression(t, among=among) for t in parsed.terms if t.negated and not t.kinds]
        expression = positive + "".join(f" NOT {n}" for n in negative) if positive else ""
        self._everything()
        keeps: list[np.ndarray] = []
        drops: list[np.ndarray] = []
        if expression:
            keeps.append(self.index.ids_matching(expression))
        elif negative:
            drops.append(self.index.ids_matching(" OR ".join(negative)))
        for term in parsed.terms:
            if term.kinds:
                (drops if term.negated else keeps).append(self.index.ids_with_entities(self.entity_expression(term)))
        asks_muted = False
        for f in parsed.filters:
            if f.name == "is" and f.value == "muted":
                asks_muted = True
                hidden = self.muted() if mute else None
                if hidden is not None or not f.negated:
                    (drops if f.negated else keeps).append(np.unique(hidden) if hidden is not None else np.empty(0, dtype=np.int64))
                continue
            if f.name == "lang" and not f.negated and self._one_language(f.value):
                continue  # every article is in that language: nothing to filter
            name, values = self._filter(f)
            if name is None:
                return f"no source named '{f.value}' (reader sources list)"
            keeps.append(self.index.ids_filtered(name, values, f.negated))
        if bookmarked_only:
            keeps.append(self.index.ids_filtered("is:bookmarked", []))
        if mute and not asks_muted and (hidden := self.muted(but=text)) is not None:
            drops.append(hidden)
        if self._in_view is not None:
            keeps.append(self._in_view)
        # Each set holds a rowid once: intersected without making it unique again (two hash passes, 70 % of a filtered search).
        keep = functools.reduce(functools.partial(np.intersect1d, assume_unique=True), keeps) if keeps else None
        drop = np.concatenate(drops) if drops else None
        return _Plan(keep, drop, expression, matcher, len(keeps[0]) if expression else 0)

    def entity_expression(self, term: Term) -> str:
        """The entity index expression :meth:`find` looks an entity term up with."""
        return entity_expression(term, self._languages_there())

    def in_view(self) -> np.ndarray | None:
        """The rowids in view; None when every article is."""
        self.order()
        return self._in_view

    def _filter(self, f: Filter) -> tuple[str | None, list[object]]:
        if f.name == "is":
            return f"is:{f.value}", []
        if f.name == "date":
            return "date", [f.value, f.until]
        if f.name == "tag":
            return "tag", [f"\x1f{f.value}\x1f"]
        if f.name == "in":
            root = self._resolve(f.value)
            return ("in", [root]) if root is not None else (None, [])
        return f.name, [f.value]

    def snippet(self, found: Found, body: str) -> Snippet:
        return found.matcher.snippet(body) if isinstance(found.matcher, Matcher) else _clip(body, 0, SNIPPET_CHARS)

    @staticmethod
    def has_words(found: Found) -> bool:
        """Whether what was found was looked for by words (not by filters alone)."""
        return isinstance(found.matcher, Matcher) and bool(found.matcher.forms or found.matcher.prefixes)


def _newest_first(order: array[int], keep: np.ndarray | None, drop: np.ndarray | None) -> array[int]:
    """The rowids of ``order`` (newest first) in ``keep`` and not in ``drop``."""
    import numpy as np

    everything = np.frombuffer(order, dtype=np.int64)
    mask = np.ones(len(everything), dtype=bool) if keep is None else np.isin(everything, keep)
    if drop is not None and len(drop):
        mask &= ~np.isin(everything, drop)
    return array("q", everything[mask].tobytes())
