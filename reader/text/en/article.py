"""The English rules that look at a whole article: teams, datelines, headlines, one kind per name."""

from __future__ import annotations

import re
from collections import Counter

from reader.text.en import context
from reader.text.en.spans import CAPITALISED, EDGE, Covered, dotted_abbreviation, has_org_head, normal_form, sentence_start
from reader.text.en.words import LOC_HEADS, NOT_NAMES, ORG_HEADS, PERSONAL_TITLES, TITLES, countries, first_names, regions
from reader.text.mentions import Mention


def mend(text: str, mentions: list[Mention], events: list[Mention]) -> list[Mention]:
    """The rules that look at the whole article, in order, over the model's mended mentions."""
    mentions = _extend_of(text, mentions)
    mentions = _datelines(text, mentions)
    mentions = _initials(text, mentions)
    context.sides(text, mentions)
    mentions = _teams(text, mentions)
    mentions = _table_teams(text, mentions)
    mentions += _missed_organisations(text, mentions)
    mentions = _recurring(text, mentions)
    mentions = _first_names(text, mentions)
    mentions = _capitals(text, mentions)
    _upper_case_names(text, mentions)
    mentions = _acronyms(text, mentions)
    _located(text, mentions)
    context.teams(text, mentions)
    context.places(text, mentions)
    context.people(text, mentions)
    context.named_teams(mentions)
    mentions = context.titles(text, mentions)
    mentions = context.kinds_of_things(text, mentions)
    mentions = context.clubs(text, mentions)
    if events:
        taken = Covered(events)
        mentions = [m for m in mentions if not taken.overlaps(m.start, m.end)]
    _one_kind(mentions)
    _states(mentions)
    return mentions


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
                out[-1] = Mention("ORG", previous.start, m.end, merged, normal_form(merged))
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
    covered = Covered(mentions)
    found = []
    for match in _INITIAL.finditer(text):
        start, end = match.span()
        if not covered.overlaps(start, end):
            found.append(Mention("PER", start, end, match.group(), match.group()))
            covered.add(start, end)
    return sorted(mentions + found, key=lambda m: m.start) if found else mentions


def _missed_organisations(text: str, mentions: list[Mention]) -> list[Mention]:
    """Runs of capitalised words ending in an organisation's head noun (or a
    place's: «Hancock Pond») that the model left out (only where no mention
    already is)."""
    covered = Covered(mentions)
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
                if words[0].group() in ("The", "A", "An") and sentence_start(text, start):
                    start = words[1].start()
                if not covered.overlaps(start, end) and end - start > 3:
                    surface = text[start:end].rstrip(".")
                    found.append(Mention(kind, start, start + len(surface), surface, normal_form(surface)))
        run.clear()

    for word in CAPITALISED.finditer(text):
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


def results_line(line: str) -> bool:
    """A short line of mostly numbers: a results table's or a match's («Chelsea 2 Arsenal 1»)."""
    tokens = line.split()
    numbers = sum(_score(t) for t in tokens)
    return numbers >= 2 and len(tokens) - numbers <= 12 and not line.rstrip().endswith(".")


def _table_teams(text: str, mentions: list[Mention]) -> list[Mention]:
    """Names followed by a score in short lines of mostly numbers are teams."""
    teams: list[Mention] = []
    offset = 0
    for line in text.split("\n"):
        tokens = list(_TOKEN.finditer(line))
        if results_line(line):
            run: list[re.Match[str]] = []
            depth = 0
            for token in tokens:
                word = token.group()
                depth += word.count("(") - word.count(")")
                if _score(word) and run:
                    # A side before its score; a scorer (in brackets) before the minute.
                    start, end = offset + run[0].start(), offset + run[-1].end()
                    surface = text[start:end].strip(",;")
                    teams.append(Mention("ORG" if depth == 0 else "PER", start, start + len(surface), surface, normal_form(surface)))
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
            or sentence_start(text, start)
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
    covered = Covered(mentions)
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
        extra.append(Mention(names[match.group()], start, end, match.group(), normal_form(match.group())))
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
                while end > start and text[end - 1] in EDGE and not dotted_abbreviation(text[start:end]):
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


# Words before a place: «born in Reading», «a village near Grantham».
_LOCATIVE = re.compile(r"(?:\b(?:in|near|outside|to|from)|\b(?:town|village|city|suburb|parish|hamlet) of) $")


def _located(text: str, mentions: list[Mention]) -> None:
    """A one-word «person» after «in» or «near» whom no full name in the
    article explains is a place («born in Reading»)."""
    surnames = {m.normal.split()[-1] for m in mentions if m.kind == "PER" and " " in m.normal}
    for m in mentions:
        if m.kind == "PER" and " " not in m.normal and m.normal not in surnames and _LOCATIVE.search(text, max(0, m.start - 20), m.start):
            m.kind = "LOC"
        elif m.kind == "PER" and m.normal in regions() and m.normal not in surnames and m.normal.split()[0] not in first_names():
            m.kind = "LOC"  # «Ilocos Norte», «Washington» alone: a region the model took for a person


def _acronyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """An abbreviation in capitals («NATO», «UEFA») in a line that is not in
    capitals names an organisation, not a person, nor a place but a state."""
    known = countries()
    for m in mentions:
        if m.kind != "ORG" and _ACRONYM.fullmatch(m.text) and m.text not in known and not _in_capitals(text, m.start):
            if (
                m.kind == "LOC"
                and _DATELINE_PLACE.fullmatch(text, text.rfind("\n", 0, m.start) + 1, m.end)
                and _DATELINE_END.match(text, m.end)
            ):
                continue  # «AKRON , Ohio 1996-08-23», «KHAN YOUNIS, GAZA —»: a dateline's place
            m.kind = "ORG"
    covered = Covered(mentions)
    added = []
    for match in re.finditer(r"(?<![\w.&/-])[A-Z]{3,6}(?![\w&/-])", text):
        start, end = match.span()
        word = match.group()
        if word in known or word in NOT_NAMES or _ROMAN.fullmatch(word) or covered.overlaps(start, end) or _in_capitals(text, start):
            continue
        added.append(Mention("ORG", start, end, word, word))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


_ROMAN = re.compile(r"[IVXLCDM]+")
_DATELINE_PLACE = re.compile(r"[A-Z][A-Z .,'-]*")  # a line's start in capitals, up to the place
_DATELINE_END = re.compile(r" ?[,—–(]| -| \d{4}-\d\d-\d\d")  # then a comma, a dash or a date


_ACRONYM = re.compile(r"[A-Z]{3,6}")


def _states(mentions: list[Mention]) -> None:
    """A state's name is a place, whatever the model said («Japan» as a
    team or a government is still Japan)."""
    known = countries()
    for m in mentions:
        if m.normal in known or m.normal.title() in known:
            m.kind = "LOC"


# Verbs of a match between two sides: «Leeds beat Arsenal», «Essex v Kent».
MATCH = re.compile(
    r" (?:beat|beats|defeated|defeat|(?:drew|draw)(?: \d{1,3}-\d{1,3})? with|drew|(?:lost|lose)(?: \d{1,3}-\d{1,3})? to|v|vs|vs\.|versus|edged|thrashed|overcame|routed|held) "
)


def _teams(text: str, mentions: list[Mention]) -> list[Mention]:
    """Two places on either side of a match verb are teams: organisations
    (a state's name stays a place, see :func:`_states`; people who beat each
    other, as in tennis, stay people)."""
    added: list[Mention] = []
    for index, m in enumerate(mentions):
        after = MATCH.match(text, m.end)
        if after is None:
            continue
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if m.kind == "PER":
            # «Manchester United beat Arsenal»: a «person» with no first name before a team is one.
            if following is not None and following.start == after.end() and following.kind == "ORG" and not _first_named(m):
                m.kind = "ORG"
            continue
        if following is not None and following.start == after.end():
            if following.kind != "PER":
                for side in (m, following):
                    side.kind = "ORG" if side.kind == "LOC" else side.kind
            continue
        # The model missed the other side: the capitalised words after the verb.
        words: list[re.Match[str]] = []
        for word in CAPITALISED.finditer(text, after.end()):
            if word.start() != (words[-1].end() + 1 if words else after.end()) or len(words) == 3:
                break
            words.append(word)
        if words:
            start, end = words[0].start(), words[-1].end()
            surface = text[start:end].rstrip(".")
            m.kind = "ORG" if m.kind == "LOC" else m.kind
            added.append(Mention("ORG", start, start + len(surface), surface, normal_form(surface)))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


def _first_named(m: Mention) -> bool:
    words = m.normal.split()
    return len(words) < 2 or words[0] in first_names()


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
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words) and not has_org_head(name)


def _line_start(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] == "\n"


def _in_capitals(text: str, start: int) -> bool:
    line = text[text.rfind("\n", 0, start) + 1 : text.find("\n", start) % (len(text) + 1)]
    return not any(c.islower() for c in line)
