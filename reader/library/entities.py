"""Entity pages and trends (SPEC §13), counted from the index's names tables:
no article is read or extracted again. See docs/entities.md for the score."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.model import EntityPage, Extraction, NameCount, SaidFigure, Trend
from reader.query import Query, parse
from reader.search import Searcher, entity_tokens
from reader.store import Index
from reader.store.mentions import NameRow
from reader.store.mentions import SaidFigure as StoredFigure
from reader.text import sentences

if TYPE_CHECKING:
    import numpy as np

KINDS = ("PER", "ORG", "LOC")
FIELDS = {"PER": "person", "ORG": "org", "LOC": "place"}
RECENT_DAYS = 3
BASELINE_DAYS = 28
FLOOR = 3  # articles in the recent days, at least: one article never makes a trend
SMOOTHING = 0.5  # added to every count of the score (Haldane-Anscombe)
LIMIT = 50
# Co-mentions are counted over a name's newest this many articles: exact for
# all but the names of a large share of a large library («Россия» in 30,000
# articles), whose page would otherwise read every name of those articles.
CO_MENTION_ARTICLES = 5000


def name_rows(found: Extraction) -> tuple[NameRow, ...]:
    """The names of an extraction as the index keeps them, each with the
    figures said in a sentence that mentions it."""
    spans = found.sentences
    starts = [start for start, _ in spans]
    figures_in: dict[int, list[int]] = {}  # sentence -> figures said there
    for position, figure in enumerate(found.figures):
        for start, _ in figure.mentions or ((figure.start, figure.end),):
            number = sentences.number_of(spans, starts, start)
            if number is not None and position not in figures_in.setdefault(number, []):
                figures_in[number].append(position)
    rows = []
    for entity in found.entities:
        key = entity_tokens(entity.kind, entity.normal)
        if not key:
            continue
        said: dict[int, None] = {}
        for start, _ in entity.mentions:
            number = sentences.number_of(spans, starts, start)
            said.update(dict.fromkeys(figures_in.get(number, ()) if number is not None else ()))
        figures = tuple(StoredFigure(p, f.kind, f.text, f.value, f.unit) for p in sorted(said) for f in (found.figures[p],))
        rows.append(NameRow(entity.kind, key, entity.normal, figures))
    return tuple(rows)


def _date(day: int) -> str:
    return dt.date.fromordinal(day).isoformat() if day > 0 else ""


class Entities:
    """Entity pages and trends over the articles a searcher has in view."""

    def __init__(self, index: Index, searcher: Searcher) -> None:
        self.index = index
        self.searcher = searcher

    # -- an entity's page ----------------------------------------------------

    def page(self, name: str, kind: str | None = None, limit: int = LIMIT) -> EntityPage | None:
        """The page of the entity a name (any inflection, a part of it: as
        the search finds) names among ``kind`` (default: the kind with most
        articles); None when no article mentions it."""
        import numpy as np

        words = " ".join(name.replace('"', " ").split())
        best: tuple[str, str, array[int]] | None = None
        for k in (kind,) if kind else KINDS:
            query = f'{FIELDS[k]}:"{words}"'
            found = self.searcher.find(query) if words else None
            if found is not None and not found.error and len(found.rowids) and (best is None or len(found.rowids) > len(best[2])):
                best = (k, query, found.rowids)
        if best is None:
            return None
        kind, query, rowids = best
        parsed = parse(query)
        if not isinstance(parsed, Query) or not parsed.terms:
            return None
        ids = self.index.names_matching(self.searcher.entity_expression(parsed.terms[0]))
        articles = np.frombuffer(rowids, dtype=np.int64)
        mentions = self.index.mentions_of(ids) if ids else np.empty((0, 3), dtype=np.int64)
        mentions = mentions[np.isin(mentions[:, 0], articles)]
        names = self.index.names(ids)
        shown = name
        if len(mentions):
            numbers, counts = np.unique(mentions[:, 2], return_counts=True)
            shown = names[int(numbers[np.argmax(counts)])][1]
        _, first_of = np.unique(mentions[:, 0], return_index=True)
        days, per_day = np.unique(mentions[first_of, 1], return_counts=True)
        timeline = tuple((_date(int(d)), int(n)) for d, n in zip(days, per_day, strict=True) if d > 0)
        return EntityPage(
            shown,
            kind,
            query,
            rowids,
            timeline[0][0] if timeline else "",
            timeline[-1][0] if timeline else "",
            timeline,
            self._co_mentions(articles[:CO_MENTION_ARTICLES], ids, limit),
            self._figures(ids, articles, limit),
        )

    def _co_mentions(self, articles: np.ndarray, own: Sequence[int], limit: int) -> tuple[NameCount, ...]:
        import numpy as np

        pairs = self.index.names_in(articles)
        others = pairs[~np.isin(pairs[:, 1], np.asarray(own, dtype=np.int64)), 1]
        if not len(others):
            return ()
        numbers, counts = np.unique(others, return_counts=True)
        top = np.lexsort((numbers, -counts))[:limit]
        names = self.index.names([int(numbers[i]) for i in top])
        return tuple(NameCount(names[int(numbers[i])][1], names[int(numbers[i])][0], int(counts[i])) for i in top)

    def _figures(self, ids: Sequence[int], articles: np.ndarray, limit: int) -> tuple[SaidFigure, ...]:
        rows = self.index.figures_of(ids, articles, limit) if ids else []
        listed = self.index.rows(sorted({r.article for r in rows}))
        return tuple(SaidFigure(_date(r.day), listed[r.article].id, r.text, r.value, r.unit, r.kind) for r in rows if r.article in listed)

    # -- trends --------------------------------------------------------------

    def trends(
        self, days: int = RECENT_DAYS, baseline: int = BASELINE_DAYS, today: dt.date | None = None, limit: int = LIMIT
    ) -> list[Trend]:
        """The names whose share of articles rose most in the ``days`` days
        up to ``today`` against the ``baseline`` days before those, best
        first; each seen in at least :data:`FLOOR` articles in the recent
        days. See :meth:`_recent_days` for the recent days."""
        import numpy as np

        recent = self._recent_days(days, today)
        before = (recent[0] - baseline, recent[0] - 1)
        in_view = self.searcher.in_view()
        totals = [self._articles(first, end, in_view) for first, end in (recent, before)]
        counts = [self._counts(first, end, in_view) for first, end in (recent, before)]
        size = max(len(counts[0]), len(counts[1]))
        r, b = (np.pad(c, (0, size - len(c))).astype(float) for c in counts)
        candidates = np.flatnonzero(r >= FLOOR)
        if not len(candidates):
            return []
        score = _scores(r[candidates], b[candidates], totals[0], totals[1])
        order = np.lexsort((candidates, -r[candidates], -score))[:limit]
        chosen = [int(candidates[i]) for i in order]
        names = self.index.names(chosen)
        series = self._series(chosen, before[0], recent[1], in_view)
        return [
            Trend(names[n][1], names[n][0], int(r[n]), int(b[n]), float(score[i]), series[n])
            for i, n in zip(order, chosen, strict=True)
            if n in names
        ]

    def _recent_days(self, days: int, today: dt.date | None) -> tuple[int, int]:
        """The first and last day of the recent days: ``today`` and the days
        before it when given; else the wall date's, with an article dated
        later (a clock or time zone ahead) counted as recent, and, when no
        article is as recent (an archive, a library not fetched for a
        while), the days up to the newest article."""
        if today is not None:
            return today.toordinal() - days + 1, today.toordinal()
        last = dt.date.today().toordinal()
        order = self.searcher.order()
        newest = self.index.rows([order[0]]).get(order[0]) if len(order) else None
        newest_day = dt.date.fromisoformat(newest.date).toordinal() if newest is not None else last
        if newest_day > last:
            return last - days + 1, newest_day
        if newest_day < last - days + 1:
            last = newest_day
        return last - days + 1, last

    def _articles(self, first: int, last: int, in_view: np.ndarray | None) -> int:
        import numpy as np

        found = self.index.articles_between(_date(first), _date(last))
        return int(len(found) if in_view is None else np.isin(found, in_view).sum())

    def _counts(self, first: int, last: int, in_view: np.ndarray | None) -> np.ndarray:
        """Articles a name from day ``first`` to ``last``, by name id."""
        import numpy as np

        if in_view is None:
            return np.bincount(self.index.names_between(first, last, with_articles=False))
        pairs = self.index.names_between(first, last, with_articles=True)
        return np.bincount(pairs[np.isin(pairs[:, 1], in_view), 0])

    def _series(self, ids: list[int], first: int, last: int, in_view: np.ndarray | None) -> dict[int, tuple[int, ...]]:
        """Articles a day of each name, from ``first`` to ``last``."""
        import numpy as np

        found = self.index.days_of(ids, first, last) if ids else np.empty((0, 3), dtype=np.int64)
        if in_view is not None:
            found = found[np.isin(found[:, 2], in_view)]
        out = {}
        for number in ids:
            days = found[found[:, 0] == number, 1] - first
            out[number] = tuple(int(n) for n in np.bincount(days, minlength=last - first + 1))
        return out


def _scores(recent: np.ndarray | list[int], baseline: np.ndarray | list[int], recent_total: int, baseline_total: int) -> np.ndarray:
    """How far each name's share of articles rose: the log of the ratio of
    its shares (recent over baseline), each count given a half (so a name
    unseen before has a finite score), less one standard error of that log
    (so that few articles weigh less than many with the same ratio)."""
    import numpy as np

    a = SMOOTHING
    r, b = np.asarray(recent, dtype=float), np.asarray(baseline, dtype=float)
    ratio = np.log((r + a) / (recent_total + a)) - np.log((b + a) / (baseline_total + a))
    error = np.sqrt(np.maximum(0.0, 1 / (r + a) - 1 / (recent_total + a) + 1 / (b + a) - 1 / (baseline_total + a)))
    return ratio - error


def trend_score(recent: int, baseline: int, recent_total: int, baseline_total: int) -> float:
    """The score of one name (see :func:`_scores`)."""
    return float(_scores([recent], [baseline], recent_total, baseline_total)[0])
