"""A name's kind told by the words around it: «played for Lausanne» a team, «born in Satu Mare» a place, «" Anarchy in Tokyo "» no name."""

from __future__ import annotations

import re

from reader.text.en.spans import SIDES, has_org_head
from reader.text.en.words import countries, english_words, first_names, regions
from reader.text.mentions import Mention

# «losing to Tulsa 63-7», «Lausanne 2-1 (1-0)», «Norwich City drew 1-1»: a score after the name (not a date, «1996-08-30»).
_SCORE_AFTER = re.compile(r"(?:['’]s?)?(?: (?:won|lost|drew|led|trailed))? \(?\d{1,3}-\d{1,3}\b(?!-)")
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
    """A «person» named before a player's role («Leeds striker», «Manchester
    United manager») whose first word is no first name is a team, an
    organisation, wherever it is named (and so a side of «Leeds beat
    Wimbledon»)."""
    names = {m.normal for m in mentions if m.kind == "PER" and m.normal.split()[0] not in first_names()}
    found = {name for name in names if re.search(r"\b" + re.escape(name) + _ROLE_AFTER.pattern, text)}
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
    """An «organisation» that the words before call a place («born in Satu Mare», «the village of Mece», «between
    Caernarfon and») is one, unless it is an English word, in capitals or has an organisation's head («born in
    Congress», «near the BBC» stay)."""
    for m in mentions:
        if m.kind != "ORG" or m.normal.isupper() or has_org_head(m.normal) or m.normal.lower() in english_words():
            continue
        if _PLACED.search(text, max(0, m.start - 24), m.start) and _ENDS.match(text, m.end):
            m.kind = "LOC"


_STATE_AFTER = re.compile(r" \( ?([A-Z][\w.]*(?: [A-Z][\w.]*){0,2}) ?\)")
# «Candace Savage (born 1949)», «John Smith, 45,»: a person's birth or age after the name.
_AGE_AFTER = re.compile(r" ?\((?:born|b\.) | ?, \d{2}, ")


def people(text: str, mentions: list[Mention]) -> None:
    """A first name and a surname the model took for an organisation is a
    person when a state in brackets follows as in results («Cedric Pioline
    ( France )») or the person's birth or age («Candace Savage (born 1949)»,
    «John Smith, 45,»)."""
    states = countries()
    for m in mentions:
        words = m.normal.split()
        if m.kind != "ORG" or not 2 <= len(words) <= 3 or words[0] not in first_names() or has_org_head(m.normal):
            continue
        found = _STATE_AFTER.match(text, m.end)
        if (found and found.group(1) in states) or _AGE_AFTER.match(text, m.end):
            m.kind = "PER"


# Plural nouns that end the names of places, not of teams: «Colorado Springs», «Golan Heights».
_PLACE_PLURALS = frozenset({
    "springs", "heights", "rapids", "plains", "gardens", "lakes", "flats", "sands", "woods", "meadows", "keys", "highlands",
    "lowlands", "marshes", "downs", "fields", "wells", "mills", "narrows", "glades", "forks", "shoals", "cliffs", "territories",
    "states", "emirates", "provinces", "regions", "lands", "isles", "hills", "islands", "mountains", "falls", "docks",
})  # fmt: skip


def named_teams(mentions: list[Mention]) -> None:
    """«Pittsburgh Pirates», «Boston Bruins»: a place and a plural noun name a
    team, whether the model read a place or a person (the place named alone
    in the article, or a region)."""
    places = {m.normal for m in mentions if m.kind == "LOC"} | regions()
    for m in mentions:
        words = m.normal.split()
        if m.kind not in ("LOC", "PER") or len(words) < 2:
            continue
        last = words[-1]
        plural = last[:1].isupper() and last.endswith("s") and last.lower() not in _PLACE_PLURALS
        place = " ".join(words[:-1])
        if plural and last[:-1].lower() in english_words() and place in places and place not in SIDES:
            m.kind = "ORG"


# A short title in quotes: «" Anarchy in Tokyo "», «“Santa Through the Back Door”».
_QUOTED = re.compile(r"[\"“]\s?([A-Z][^\"“”\n]{2,60}?)\s?[\"”]")
_SMALL = frozenset({"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "at", "by", "with", "from", "is", "my", "your"})


def titles(text: str, mentions: list[Mention]) -> list[Mention]:
    """A name inside a title in quotes (two words or more, each capitalised but
    the small ones, one of which stands between them) is a work's, no name:
    «" Anarchy in Tokyo "», «" Sisters of Heresy "»; a quote that says
    something («" We will go to Moscow , " he said») has words in lower case."""
    spans = []
    for found in _QUOTED.finditer(text):
        words = found.group(1).split()
        inner = [w for w in words[1:-1] if w in _SMALL]
        if len(words) >= 2 and inner and all(w[:1].isupper() or w in _SMALL or not w[:1].isalpha() for w in words):
            spans.append(found.span(1))
    if not spans:
        return mentions
    return [m for m in mentions if not any(_in_title(m, a, b) for a, b in spans)]


def _in_title(m: Mention, start: int, end: int) -> bool:
    """Inside the title; a name that is the whole quote stays if it has an organisation's head («" Bank of England "»)."""
    if (m.start, m.end) == (start, end):
        return not has_org_head(m.normal)
    return start <= m.start and m.end <= end


_INDEFINITE = re.compile(r"(?<![\w.-])(?:a|an) $")
_FUNCTION = frozenset({"of", "and", "for", "the", "&", "in", "on"})


def kinds_of_things(text: str, mentions: list[Mention]) -> list[Mention]:
    """«a Specialist Group of …», «an Air Division ,», «a Technology Centre
    which»: English words after «a» or «an», not followed by the noun they
    qualify («a Labour Party official», «a U.S. Senator» stay), say what
    kind of thing something is and name none."""
    from spacy.lang.en.stop_words import STOP_WORDS

    def common(m: Mention) -> bool:
        if " " not in m.normal or not _INDEFINITE.search(text, max(0, m.start - 4), m.start):
            return False
        if not all(w.lower() in english_words() or w in _FUNCTION for w in m.normal.split()):
            return False
        following = _NEXT_WORD.match(text, m.end)
        return following is None or following.group(1) in STOP_WORDS

    return [m for m in mentions if not common(m)]


_NEXT_WORD = re.compile(r" ([A-Za-z]+)")


_CLUB = re.compile(r" (?:FC|F\.C\.|AFC|A\.F\.C\.|HC|SC|CF|RFC|BC|CC)(?![\w.])")


def clubs(text: str, mentions: list[Mention]) -> list[Mention]:
    """«Montreal HC», «Sunderland A.F.C.»: a place and a club's abbreviation name a club, one organisation."""
    out: list[Mention] = []
    taken = -1  # where the last club's abbreviation ends
    for m in mentions:
        if m.start < taken:
            continue  # the abbreviation, taken into the club before it
        club = _CLUB.match(text, m.end) if m.kind in ("LOC", "ORG") else None
        if club:
            m.kind, m.end, taken = "ORG", club.end(), club.end()
            m.text = text[m.start : m.end]
            m.normal = m.normal + club.group()
        out.append(m)
    return out
