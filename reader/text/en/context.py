"""A name's kind read from the words around it: a town that plays is a team."""

from __future__ import annotations

import re

from reader.text.en.words import countries, first_names
from reader.text.mentions import Mention

# «losing to Tulsa 63-7», «Lausanne 2-1 (1-0)»: a score right after the name (not a date, «1996-08-30»).
_SCORE_AFTER = re.compile(r"(?:['’]s?)? \(?\d{1,3}-\d{1,3}\b(?!-)")
# «played 26 games for Lausanne», «coached North Melbourne», «losing to Tulsa».
_PLAYED_FOR = re.compile(
    r"\b(?:(?:play|plays|played|playing|sign|signs|signed|signing|score|scores|scored|scoring|games|appearances|goals)"
    r" (?:for|with)|(?:losing|lost|lose|loses) to|beating|coach|coaches|coached|captained|captains) $"
)
# «North Melbourne player Michael Gaudion», «Leeds striker Tony Yeboah».
_ROLE_AFTER = re.compile(
    r"(?:['’]s?)? (?:player|players|coach|captain|striker|strikers|midfielder|defender|goalkeeper|forward|winger|pitcher|"
    r"quarterback|manager)\b"
)


def sides(text: str, mentions: list[Mention]) -> None:
    """A one-word «person» before a player's role («Leeds striker», «Barcelona
    coach») is a team, an organisation, wherever it is named (and so a side
    of «Leeds beat Wimbledon»)."""
    found = {
        m.normal
        for m in mentions
        if m.kind == "PER" and " " not in m.normal and m.normal not in first_names() and _ROLE_AFTER.match(text, m.end)
    }
    for m in mentions:
        if m.kind == "PER" and m.normal in found:
            m.kind = "ORG"


def teams(text: str, mentions: list[Mention]) -> None:
    """A town or a region that plays, scores or is coached is a team: an
    organisation («losing to Tulsa 63-7», «played with North Melbourne»,
    «Leeds striker Tony Yeboah»); a state stays a place, as a national
    team is annotated in CoNLL-2003."""
    states = countries()
    for m in mentions:
        if m.kind != "LOC" or m.normal in states or m.normal.title() in states:
            continue
        if _SCORE_AFTER.match(text, m.end) or _ROLE_AFTER.match(text, m.end) or _PLAYED_FOR.search(text, max(0, m.start - 24), m.start):
            m.kind = "ORG"


# «born in Satu Mare», «the village of Mece», «north of Whitebirk», «between Caernarfon and».
_PLACED = re.compile(
    r"(?:\b(?:near|outside|between)|\b(?:town|village|city|suburb|parish|hamlet|island|north|south|east|west|"
    r"state|province|county|region|outskirts) of|\b(?:born|located|situated|based|lives|lived|live) (?:in|near|at)) $"
)
_ENDS = re.compile(r"\s*(?:[,.;:)]|and\b|$)")


def places(text: str, mentions: list[Mention]) -> None:
    """An «organisation» the words before call a place, one that is no English word and has no organisation's head."""
    from reader.text.en.spans import has_org_head
    from reader.text.en.words import english_words

    for m in mentions:
        if m.kind != "ORG" or m.normal.isupper() or has_org_head(m.normal) or m.normal.lower() in english_words():
            continue
        if _PLACED.search(text, max(0, m.start - 24), m.start) and _ENDS.match(text, m.end):
            m.kind = "LOC"
