"""One span of spaCy's model made a mention: cut, trimmed, given its kind."""

from __future__ import annotations

import bisect
import re
from itertools import pairwise
from typing import Any

from reader.text.en.words import EVENT_HEADS, HONORIFICS, LOC_HEADS, NAME_PARTICLES, ORG_HEADS, PERSONAL_TITLES, regions
from reader.text.mentions import Mention

LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def from_model(text: str, ents: Any) -> tuple[list[Mention], list[Mention]]:
    """The model's spans mended one by one: the mentions, and the events and
    prizes («World Cup») inside which no name is found later."""
    mentions: list[Mention] = []
    events: list[Mention] = []
    for ent in ents:
        pieces = _pieces(text, ent.start_char, ent.end_char)
        # «Blackburn, Lancashire, England»: places in a row, whatever the model said.
        in_a_row = len(pieces) > 1 and any(text[a:b].strip(EDGE) in regions() for a, b in pieces)
        for piece_start, piece_end in pieces:
            kind = "LOC" if in_a_row else LABELS.get(ent.label_)
            start, end = _trim(text, piece_start, piece_end)
            if _event(text[start:end]):
                events.append(Mention("", start, end, "", ""))
                continue
            if kind is None:
                # A name the model calls a work or an event but that ends in an
                # organisation's head noun is an organisation («Red Hot Records»).
                if ent.label_ in ("NORP", "LAW") or not has_org_head(text[start:end]):
                    if ent.label_ in ("WORK_OF_ART", "EVENT", "PRODUCT"):
                        events.append(Mention("", start, end, "", ""))
                    continue
                kind = "ORG"
            start, kind = _title(text, start, end, kind)
            mention = _mention(text, start, end, kind)
            if mention is not None:
                mentions.append(mention)
    return mentions, events


_ARTICLE = re.compile(r"(?:the|The|THE)\s+")


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


EDGE = ' \t\n.,;:!?/\\|—–-()[]{}*_#"«»“”&+•│─'  # the last three: list and quote marks of the shown text


# A capitalised run, word by word (each step linear: no nested quantifiers).
CAPITALISED = re.compile(r"[A-Z][\w&.'-]*")


# Where one of the model's spans holds two names: a comma (not before «Inc.»), a spaced dash or slash.
# A name never runs over a paragraph break nor into the next item of a list.
_SEPARATOR = re.compile(r", (?!(?:Inc|Ltd|Jr|Sr|Co|Corp|LLC|Plc|PLC|D\.C)\b)| - | / |\n[ \t]*\n|\n(?=[ \t]*(?:[•│]|\d+\. ))")


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The model's span cut where it runs over two names."""
    out = []
    for separator in _SEPARATOR.finditer(text, start, end):
        out.append((start, separator.start()))
        start = separator.end()
    out.append((start, end))
    # «Karl Langdon & Harvey Deegan»: two full names joined (not «Marks & Spencer»).
    joined = []
    for a, b in out:
        match = _JOIN.search(text, a, b)
        left, right = text[a : match.start()] if match else "", text[match.end() : b] if match else ""
        # A head shared by both («Community & Technical College») keeps them one.
        if match and _full(left) and _full(right) and (has_org_head(left) or not has_org_head(right)):
            joined += [(a, match.start()), (match.end(), b)]
        else:
            joined.append((a, b))
    return joined


_JOIN = re.compile(r" (?:&|and) ")


def _full(surface: str) -> bool:
    words = surface.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE and not (text[end - 1] == "." and dotted_abbreviation(text[start:end].split()[-1])):
        end -= 1
    # Nor does it start on one («v Kent»), but for the particles of names («van Gogh»).
    while True:
        space = text.find(" ", start, end)
        if space < 0 or not text[start:space].islower() or text[start:space] in NAME_PARTICLES or text[start:space] == "the":
            break
        start = space + 1
    article = _ARTICLE.match(text, start, end)
    if article and (text[start] == "t" or sentence_start(text, start)):
        start = article.end()
    possessive = _POSSESSIVE.search(text, start, end)
    if possessive and possessive.start() > start:
        end = possessive.start()
        while end > start and text[end - 1] in EDGE:
            end -= 1
    # A name ends on a capitalised word or a number, not a score: «Biden met» is «Biden», «Arsenal 2-1» «Arsenal».
    while True:
        space = text.rfind(" ", start, end)
        if space < 0 or not (text[space + 1 : end][:1].islower() or _SCORE.fullmatch(text, space + 1, end)):
            break
        end = space
        while end > start and text[end - 1] in EDGE:
            end -= 1
    return start, end


_SCORE = re.compile(r"\d{1,2}-\d{1,2}")
_TITLE = re.compile(r"([A-Z][a-z]+)\.? (?=[A-Z])")


def _title(text: str, start: int, end: int, kind: str) -> tuple[int, str]:
    """Where the name starts after the titles before it, and its kind (a
    name after «Mr» or «Dr» is a person's, whatever the model said)."""
    while (match := _TITLE.match(text, start, end)) and match.group(1) in PERSONAL_TITLES:
        if kind != "PER" and match.group(1) not in HONORIFICS:
            break
        start, kind = match.end(), "PER"
    return start, kind


def sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 80) : start].rstrip()
    return not before or before[-1] in '.!?"“:'


def _event(surface: str) -> bool:
    """«Stanley Cup», «Boston Marathon»; «Battle of Gettysburg», «Treaty of Versailles»."""
    words = surface.split()
    if len(words) >= 3 and words[1] == "of" and words[0].lower() in _EVENTS_OF:
        return True
    return len(words) >= 2 and words[-1][:1].isupper() and (words[-1].lower() in EVENT_HEADS or " ".join(words[-2:]).lower() in EVENT_HEADS)


# Events named «… of» a place or a year.
_EVENTS_OF = frozenset({"battle", "siege", "treaty", "war", "campaign", "massacre", "invasion", "revolution", "raid", "uprising", "sack"})


SIDES = frozenset({"North", "South", "East", "West", "Left", "Right"})


def has_org_head(surface: str) -> bool:
    """«… University», «… Records»; «Academy of Sciences», «Bank of England»: an organisation's head noun last or before «of»."""
    words = surface.split()
    if len(words) >= 2 and words[-1].lower() in ORG_HEADS and words[-1][:1].isupper():
        return not all(w in SIDES for w in words[:-1])  # «West Bank», «Left Bank»: a place
    return any(w.lower() in ORG_HEADS and w[:1].isupper() and following == "of" for w, following in pairwise(words))


_DEGREE = re.compile(r"(?:[A-Z][a-z]{0,2}\.){2,}")
_CODE = re.compile(r"[=<>{}$^~`|\\]|\([^)]*$")


# Heads of places that never head a team's name (not «… City», «… Town», «… County», «… Forest»: «Manchester City»,
# «Ipswich Town», «Derby County», «Nottingham Forest»), nor a church's, a hall's, a port's or a school district's.
_SITE_HEADS = LOC_HEADS - {"city", "town", "county", "forest", "church", "cathedral", "hall", "port", "mall", "gym", "district"}


def _mention(text: str, start: int, end: int, kind: str) -> Mention | None:
    surface = text[start:end]
    if sum(c.isalpha() for c in surface) < 2 or not any(c.isupper() for c in surface) or surface in PERSONAL_TITLES:
        return None
    if _CODE.search(surface) or (
        _DEGREE.fullmatch(surface) and not surface.isupper()
    ):  # «=KDF1(u», «x<y»: code, not a name; «Ph.D.», «M.Sc.»: a degree
        return None
    if has_org_head(surface):
        kind = "ORG"
    elif kind == "PER" and len(words := surface.split()) >= 2 and words[-1].lower() in LOC_HEADS:
        kind = "LOC"  # «Lincoln Park», «Clarence Dock»: a place named after someone
    elif kind == "ORG" and len(words := surface.split()) >= 2 and words[-1].lower() in _SITE_HEADS and words[-1][:1].isupper():
        kind = "LOC"  # «Forbes Field», «Salisbury Dock», «Capitol Hill»: a place, not those who run it
    return Mention(kind, start, end, surface, normal_form(surface))


def normal_form(surface: str) -> str:
    words = surface.split()
    if len(words) > 1 and words[0] in ("The", "the"):
        words = words[1:]
    return " ".join(words)


class Covered:
    """Spans of text already taken, for overlap tests in logarithmic time."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.spans = sorted((m.start, m.end) for m in mentions)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.spans, (end,))
        # Spans starting before ``end``: the few nearest can reach ``start``
        # (mentions hardly nest, so looking back a little is enough).
        return any(b > start for _, b in self.spans[max(0, index - 3) : index])

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.spans, (start, end))


def dotted_abbreviation(surface: str) -> bool:
    """«U.S.», «U.K.»: the last full stop belongs to the name."""
    return surface.count(".") >= 2 and len(surface) <= 8
