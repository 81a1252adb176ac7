"""Names the evidence does not bear out are dropped: a sidebar is read, not scored.

spaCy's small model calls much that is capitalised a person («Full
Compiler», «Docker»), an organisation («WebAssembly») or a place
(«Scala»). One wrong name costs more trust than one missing name, so:

- software, languages and formats (Pygments' lexers, a few platforms) are
  no names, alone or inside a name («Kali Linux», «Docker Engine»; not
  «Python Software Foundation», which ends in an organisation's head);
  nor is what the article says is software («Trafilatura is a Python
  package…», «Werkzeug and other packages», «InfluxDB v1.8.0», «the PyPI
  package repository», «Response objects») or lists between names of
  software («RSS, Atom, RDF, and JSON Feed»);
- a term defined with its abbreviation, whose words are all English words
  and none an organisation's head («Natural Moisturizing Factor, or NMF»;
  not «North Atlantic Treaty Organization (NATO)»), is no name, nor is
  the abbreviation;
- a person's name of two words or more is kept when its first word is a
  first name (Faker's lists in 60-odd languages; not a word that heads a
  place's or an organisation's name, «Park Zandvoort») or an initial, or a
  title stands before it; else it is dropped when its first word is an
  English word (WordNet's, as spaCy's model ships them, and words the
  article writes in lower case: «Full Compiler», «Gentle Giant», «Killing
  Joke») or it holds a figure, a word in capitals or a possessive («JSON
  Feed», «Twitter's Big Oil»); a common word before a first name is not
  part of the name («Supervisor Alfredo Pedroza»);
- a one-word «person» is kept when it is a first name, the first name or
  surname of a person named in full in the article, after a title («Mr
  Malone»), before a verb of speech («Yeltsin said»), or a player in a
  results line or a scorecard; else it is dropped («Shabka»);
- a one-word «organisation» that is a first name («László») or a common
  English word («Poker»; not a team in a results line or beside a match
  verb), or a word in capitals for emphasis («ALL», «LOCALLY»), is none;
- a one-word name whose word the article also writes in lower case
  («Physics» beside «physics») is a word capitalised, unless it is a
  region, a first name or part of a full name;
- a «place» of a first name and one more word that is no head noun of a
  place nor a state's name («Shane Healy») is a person;
- a person or a place with a figure in it is a model or a product
  («P-38 Lightning», «RTX 3080»), as is an organisation named like one
  («F-104 Starfighter»).
"""

from __future__ import annotations

import re

from reader.text.en.article import MATCH, results_line
from reader.text.en.spans import has_org_head
from reader.text.en.words import (
    LOC_HEADS,
    NAME_PARTICLES,
    ORG_HEADS,
    PERSONAL_TITLES,
    SOFTWARE,
    TITLES,
    common_words,
    english_words,
    first_names,
    regions,
    software,
)
from reader.text.mentions import Mention

_TITLED = re.compile(r"\b(?:" + "|".join(sorted(TITLES | PERSONAL_TITLES)) + r")\.? $")
# «Yeltsin said», «Bezos told»: a verb of speech after the name.
_SAID = re.compile(r",? (?:said|says|told|added|replied|wrote|explained|insisted|argued)\b")
_INITIAL = re.compile(r"[A-Z]\.")
_DESIGNATION = re.compile(r"[A-Z]{1,3}-\d")  # «F-104», «CH-53», «P-38»
_POSSESSIVE = re.compile(r"['’]s ")


def sure(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions whose names the evidence bears out."""
    names = software()
    lower = set(_LOWER_WORD.findall(text))  # the words the article writes in lower case
    people: dict[str, list[Mention]] = {}
    for m in mentions:
        _drop_a_leading_word(m, lower)
        if m.kind == "PER":
            people.setdefault(m.normal, []).append(m)
    kept_full = {
        n
        for n, items in people.items()
        if " " in n and not _product(items[0], names, set()) and _full_name(text, n, items + people.get(n.split()[-1], []), lower)
    }
    parts = {word for normal in kept_full for word in (normal.split()[0], normal.split()[-1])}
    said_software = _said_to_be_software(text, mentions) | {m.normal for m in mentions if _listed_with_software(text, m, names)}
    said_software |= _terms(text, lower)
    mentions = [
        m for m in mentions if not _product(m, names, parts) and not _not_organisation(text, m) and not _said(m.normal, said_software)
    ]
    for m in mentions:
        if m.kind == "LOC" and _named_like_a_person(m.normal):
            m.kind = "PER"
    dropped = {
        normal
        for normal, items in people.items()
        if normal not in kept_full and (" " in normal or not _one_word_person(text, normal, items, parts))
    }
    words = {m.normal for m in mentions if _a_word_capitalised(m.normal, lower, parts)}
    return [m for m in mentions if not (m.kind == "PER" and m.normal in dropped) and m.normal not in words]


_LOWER_WORD = re.compile(r"\b[a-z][a-z.]*\b")


def _drop_a_leading_word(m: Mention, lower: set[str]) -> None:
    """«Supervisor Alfredo Pedroza», «Queenslander Mitchell Rawlins»: a person's name of three words or more whose
    first is a common word and whose second is a first name starts at the first name."""
    words = m.text.split()
    if m.kind == "PER" and len(words) >= 3 and words[1] in first_names() and words[0] not in first_names() and _common(words[0], lower):
        m.start = m.start + m.text.index(words[1], len(words[0]))
        m.text = m.text[m.text.index(words[1], len(words[0])) :]
        m.normal = " ".join(m.text.split())


def _common(word: str, lower: set[str]) -> bool:
    """A word English also writes in lower case: in the list of English words, or in this article."""
    return word.lower() in english_words() or word.lower() in lower


def _a_word_capitalised(normal: str, lower: set[str], parts: set[str]) -> bool:
    """A one-word name whose word the article also writes in lower case («Physics», «Poker», «Request»)
    is a word capitalised at a sentence's start or in a heading; not a place the list of regions knows, a
    first name, or a part of a person's full name («Reading», «Rose», «Wren»)."""
    if " " in normal or not normal[1:].islower() or normal in regions() or normal in first_names() or normal in parts:
        return False
    return normal.lower() in lower


def _product(m: Mention, names: frozenset[str], parts: set[str]) -> bool:
    words = m.normal.split()
    if len(words) == 1:
        return words[0] in names and words[0] not in parts  # «Albert Wren» … «Wren» is a person
    if any(w in SOFTWARE for w in words) and (m.kind != "ORG" or words[-1].lower() not in ORG_HEADS):
        return True  # «Kali Linux», «Docker Engine», but «Python Software Foundation»
    if m.kind != "ORG" and any(c.isdigit() for c in m.normal):
        return True
    return bool(_DESIGNATION.match(m.normal))


# What is said of a name that makes it software: «Trafilatura is a Python package designed…», «Werkzeug and other
# popular packages», «InfluxDB v1.8.0», «the PyPI package repository», «Request and Response objects».
_KINDS = frozenset({"library", "libraries", "package", "packages", "framework", "toolkit", "plugin", "parser", "compiler",
                    "interpreter", "module", "binding", "bindings", "class", "object", "objects", "widget", "widgets"})  # fmt: skip
_THINGS = _KINDS | frozenset({"extension", "tool", "app", "application", "program", "editor", "browser", "language", "format",
                              "protocol", "runtime", "distribution", "driver", "API", "SDK", "CLI"})  # fmt: skip
# Nor is what it calls a language, a people, a work or an event: «Chamicuro is a … language», «the Chamicuro people»,
# «BayCon is a large convention».
_NOT_NAMED = frozenset({"language", "languages", "dialect", "people", "peoples"})
_NOT_NAMES = (
    _THINGS | _NOT_NAMED | frozenset({"convention", "festival", "game", "film", "album", "song", "novel", "series", "award", "prize"})
)
_PHRASE_ENDS = frozenset({".", ",", ";", ":", "!", "?", "(", ")", "and", "or", "for", "that", "which", "designed", "written", "built", "to", "with", "in", "of", "used", "from", "by", "is", "on"})  # fmt: skip
_DEFINED = re.compile(r"(?:['’]s)? (?:is|was|are|were) (?:a|an|the) ")
_VERSION = re.compile(r" v?\d+\.\d+\.\d+\b| v\d+(?:\.\d+)*\b")
_AND_OTHER = re.compile(r" and other ")
_WORD = re.compile(r"[\w+#-]+|[^\w\s]")  # a word, or a mark of punctuation


def _said_to_be_software(text: str, mentions: list[Mention]) -> set[str]:
    """The names the article calls software by what it says right after one of their mentions; not one with
    an organisation's head («the Python Software Foundation is a …»)."""
    return {m.normal for m in mentions if not has_org_head(m.normal) and _software_after(text, m.end)}


def _software_after(text: str, end: int) -> bool:
    if _VERSION.match(text, end):
        return True
    defined = _DEFINED.match(text, end) or _AND_OTHER.match(text, end)
    words = [w.group() for w in _WORD.finditer(text, defined.end() if defined else end, end + 80)][:6]
    if not defined:
        return text[end : end + 1] == " " and bool(words) and words[0] in _KINDS | _NOT_NAMED
    if defined.group() == " and other ":  # «Werkzeug and other popular packages»
        return any(w in _THINGS or w.removesuffix("s") in _THINGS for w in words[:3])
    # «is a comprehensive Python package and…»: the noun that ends the first phrase, within five words
    # (not «is a character in the game»).
    for i, w in enumerate(words[:5]):
        if w in _NOT_NAMES and (i + 1 == len(words) or words[i + 1] in _PHRASE_ENDS):
            return True
        if w in _PHRASE_ENDS:
            return False
    return False


def _said(normal: str, software: set[str]) -> bool:
    """The name, or the name and a version («Datasette 1.0» where «Datasette is a tool»)."""
    first, _, rest = normal.partition(" ")
    return normal in software or (first in software and any(c.isdigit() for c in rest))


_BEFORE_IN_LIST = re.compile(r"([\w.+#-]+)(?:, and|, or|,| and| or) $")
_AFTER_IN_LIST = re.compile(r"(?:, and|, or|,| and| or) ([\w.+#-]+)")


def _listed_with_software(text: str, m: Mention, names: frozenset[str]) -> bool:
    """A one-word name between names of software in a list («RSS, Atom, RDF, and JSON Feed») is one too."""
    if " " in m.normal:
        return False
    before = _BEFORE_IN_LIST.search(text, max(0, m.start - 40), m.start)
    after = _AFTER_IN_LIST.match(text, m.end)
    neighbours = [found.group(1).rstrip(".") for found in (before, after) if found]
    return bool(neighbours) and all(n in names for n in neighbours)


# An abbreviation after what it stands for: «Natural Moisturizing Factor, or NMF», «Computer Aided Design (CAD)».
_ABBREVIATION = re.compile(r"(?:\(|, or |[—–-]or | or )([A-Z]{3,6})\b")
_FUNCTION_WORDS = frozenset({"of", "and", "for", "the", "&"})


def _terms(text: str, lower: set[str]) -> set[str]:
    """Terms defined with their abbreviation: the words before it whose initials it is are all English words, and
    none is an organisation's head nor a word such as «Against» («North Atlantic Treaty Organization (NATO)»,
    «Australians Against Further Immigration (AAFI)» are names, «Natural Moisturizing Factor, or NMF» a term).
    Both the term and the abbreviation are no names."""
    from spacy.lang.en.stop_words import STOP_WORDS

    out: set[str] = set()
    for found in _ABBREVIATION.finditer(text):
        abbreviation = found.group(1)
        before = text[max(0, found.start() - 160) : found.start()].rstrip(" ,—–-").split()
        words: list[str] = []
        while before and len(words) < len(abbreviation):
            word = before.pop()
            if word in _FUNCTION_WORDS and words:
                continue
            words.insert(0, word)
        if "".join(w[:1] for w in words) != abbreviation and "".join(c for w in words for c in w if c.isupper()) != abbreviation:
            continue
        if all(_english(w.split("-")[0], lower) for w in words) and not any(w.lower() in ORG_HEADS | STOP_WORDS for w in words):
            out |= {abbreviation, " ".join(words)}
    return out


def _english(word: str, lower: set[str]) -> bool:
    """An English word, or one of its forms («Moisturizing», «Aided», «Systems»)."""
    stem = word.lower()
    forms = {stem, stem.removesuffix("s"), stem.removesuffix("es"), stem.removesuffix("ed"), stem.removesuffix("d")}
    forms |= {stem.removesuffix("ing"), stem.removesuffix("ing") + "e"}
    return any(_common(form, lower) for form in forms if form)


_EMPHASIS = re.compile(r"[A-Z]+(?:LY|ING|ED)")
_MATCHED = re.compile(MATCH.pattern + "$")  # «Arsenal beat Chelsea»: the side after the verb


def _not_organisation(text: str, m: Mention) -> bool:
    """A one-word «organisation» that is a first name («László»; not a team,
    «Chelsea 2», «Chelsea beat Arsenal») or a word in capitals for emphasis
    («ALL», «LOCALLY») is none."""
    if m.kind != "ORG" or " " in m.normal:
        return False
    if m.normal.isupper():
        return m.normal.lower() in common_words() or bool(_EMPHASIS.fullmatch(m.normal))
    team = _scoreboard(_line(text, m.start)) or MATCH.match(text, m.end) or _MATCHED.search(text, max(0, m.start - 16), m.start)
    return (m.normal in first_names() or m.normal.lower() in common_words()) and not team


_COMPASS = frozenset(
    {"North", "South", "East", "West", "Upper", "Lower", "Greater", "Little", "Great", "Old", "New", "Saint", "San", "Santa"}
)


def _named_like_a_person(normal: str) -> bool:
    """«Shane Healy» read as a place: a first name and one more word, which is
    no head noun of a place or an organisation, and no state's name."""
    words = normal.split()
    return (
        len(words) == 2
        and words[0] in first_names()
        and words[0] not in _COMPASS
        and words[0].lower() not in NAME_PARTICLES  # «Le Figaro»
        and words[1][:1].isupper()
        and words[1][1:].islower()
        and words[1].lower() not in LOC_HEADS | ORG_HEADS
        and normal not in regions()
        and words[1] not in regions()
    )


def _titled(text: str, items: list[Mention]) -> bool:
    return any(_TITLED.search(text, max(0, m.start - 16), m.start) for m in items)


def _full_name(text: str, normal: str, items: list[Mention], lower: set[str]) -> bool:
    words = normal.split()
    first = words[0]
    named = (first in first_names() or first.split("-")[0] in first_names()) and first.lower() not in LOC_HEADS | ORG_HEADS  # not «Park»
    if named or _INITIAL.fullmatch(first) or _titled(text, items):
        return True
    capitals = any(len(w) >= 2 and w.isupper() for w in words)
    if capitals or _POSSESSIVE.search(normal + " ") or any(c.isdigit() for c in normal):
        return False
    # A first word English also has («Full Compiler»; «Killing Joke» beside «the killing») wants a person's deeds:
    # a verb of speech after a mention of the name or of its surname alone («Woods said»), a results line or a
    # scorecard («Tiger Woods 68 70»).
    return not _common(first, lower) or any(_scoreboard(_line(text, m.start)) or _SAID.match(text, m.end) for m in items)


def _one_word_person(text: str, normal: str, items: list[Mention], parts: set[str]) -> bool:
    if normal in first_names() or normal in parts or _titled(text, items):
        return True
    return any(_scoreboard(_line(text, m.start)) or _SAID.match(text, m.end) for m in items)


def _line(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[text.rfind("\n", 0, start) + 1 : end if end >= 0 else len(text)]


def _scoreboard(line: str) -> bool:
    """A results line or a scorecard's («Atherton c Moin b Waqar 31»): short, with a figure, no full stop."""
    words = line.split()
    return results_line(line) or (len(words) <= 14 and any(w.isdigit() for w in words) and not line.rstrip().endswith("."))
