"""A name met in a text (a mention) and the grouping of mentions into entities, for every language."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from reader.model import Entity
from reader.text.lemmas import fold


@dataclass(slots=True)
class Mention:
    kind: str
    start: int
    end: int
    text: str
    normal: str
    adjective: bool = False  # a lone adjective («Ташкентской»), waiting for its noun


def is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _kind_of(items: list[Mention]) -> str:
    """The kind most mentions have; a tie between place and organisation
    goes to the organisation for an abbreviation («ЕАЭС»), else the place
    (a country acting as an organisation is still a place)."""
    votes = Counter(m.kind for m in items)
    best = max(votes.values())
    tied = {k for k, v in votes.items() if v == best}
    if tied == {"LOC", "ORG"}:
        return "ORG" if is_abbreviation(items[0].text) else "LOC"
    return next(m.kind for m in items if m.kind in tied)


def group_mentions(mentions: list[Mention], surname: Callable[[str], str] = fold) -> list[Entity]:
    # One lone surname joins the full name met in the same article, the two
    # compared by ``surname`` (Russian: the word's index form, so that
    # «Набиуллиной», put in the nominative as «Набиуллин», is still Эльвира Набиуллина's).
    full = {surname(m.normal.rsplit(" ", 1)[-1]): m.normal for m in mentions if m.kind == "PER" and " " in m.normal}
    for m in mentions:
        if m.kind == "PER" and " " not in m.normal and surname(m.normal) in full:
            m.normal = full[surname(m.normal)]
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        # An abbreviation is one entity whatever kind the model gave each
        # mention; a name keeps its kinds apart (a country as a place, and as
        # the state acting: factRuEval's LocOrg).
        groups[fold(m.normal) if is_abbreviation(m.normal) else f"{m.kind}:{fold(m.normal)}"].append(m)
    entities = []
    for items in groups.values():
        kind = _kind_of(items)
        normal = Counter(m.normal for m in items).most_common(1)[0][0]
        entities.append(Entity(kind, items[0].text, normal, tuple(sorted((m.start, m.end) for m in items))))
    return sorted(entities, key=lambda e: e.mentions[0])
