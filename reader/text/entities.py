"""People, organisations and places in Russian text.

natasha's news NER model finds the spans; the syntax parser tells which word
of a multi-word name is its head. What the model alone gets wrong is mended
here: punctuation caught at a span's edge («БЕЛТА/»), a half-closed quote,
the «Корр.» of an agency's byline, an upper-case dateline city taken for an
organisation, every word of a name put in the nominative (only the head and
the adjectives that agree with it change: «Институт государства и права»),
plural heads («Самаркандская область»), abbreviations cut by inflection
(«БЕЛТА», never «БЕЛТ»), ё lost («Мирзиёев»), one abbreviation under two
kinds, unions of states read as places («ЕС»), a legal form before a quoted
name («ОАО «Газпром»» is «Газпром»), a parenthesis left open, and a lone
surname listed apart from the full name met in the same article.

On the factRuEval-2016 development set (``python -m reader.bench ner``),
token-level F1 goes from natasha's 0.960 / 0.906 / 0.776 (PER / LOC / ORG)
to 0.968 / 0.920 / 0.804.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from reader.model import Entity
from reader.text.lazy import Once
from reader.text.lemmas import dictionary, fold
from reader.text.lemmas import normal as index_form
from reader.text.mentions import Mention, group_mentions, is_abbreviation

NOT_NAMES = frozenset({"корр", "фото", "видео", "источник"})
# Unions of states the model reads as places in some sentences; they are
# organisations (their mentions group under one entity either way).
ORGANISATIONS = frozenset(
    {"ес", "евросоюз", "европейский союз", "еаэс", "оон", "нато", "снг", "одкб", "шос", "вто", "мвф", "опек", "брикс", "асеан", "юнеско"}
)
_LEGAL_FORM = re.compile(r"(?:[А-ЯЁA-Z]{2,5})\s*[«\"„“]([^«»\"„“”]+)[»\"“”]")
_EDGE = " \t\n.,;:!?/\\|—–-()[]{}*_#'"
_DATELINE_AFTER = re.compile(r",\s+\d{1,2}\s+[^\W\d]{3,9}")


@dataclass(frozen=True, slots=True)
class _Models:
    segmenter: Any
    morph_tagger: Any
    syntax_parser: Any
    ner_tagger: Any
    vocab: Any


def _load() -> _Models:
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

    embedding = NewsEmbedding()
    return _Models(Segmenter(), NewsMorphTagger(embedding), NewsSyntaxParser(embedding), NewsNERTagger(embedding), _vocab())


def _vocab() -> Any:
    """natasha's MorphVocab, its dictionary given by path as the index's
    analyser's is (:func:`reader.text.lemmas.dictionary`)."""
    from natasha import MorphVocab
    from natasha.morph.vocab import MorphForm
    from pymorphy2 import MorphAnalyzer

    vocab = MorphVocab.__new__(MorphVocab)
    MorphAnalyzer.__init__(vocab, dictionary(), result_type=MorphForm)  # what MorphVocab() does, with the path
    return vocab


_loaded = Once(_load)
_lock = threading.Lock()  # the models are not made for two threads at once


def load() -> None:
    """Load the models now (they load on first use otherwise)."""
    _loaded()


# Institutions named after the state they serve: «Посольство Казахстана» is
# one organisation, not an organisation and a place.
# («представительство США» is left alone: a trade mission is not named so.)
STATE_INSTITUTIONS = frozenset({"посольство", "консульство", "генконсульство"})
# A dateline: an upper-case city at the start of a line, a comma, a day and
# a month («ТАШКЕНТ, 26 сен», «НУР-СУЛТАН, 3 окт»).
_DATELINE = re.compile(r"^([А-ЯЁ][А-ЯЁ-]{1,30}(?: [А-ЯЁ][А-ЯЁ-]{1,30})?),\s+\d{1,2}\s+[а-яё]{3,9}", re.MULTILINE)


def natasha_spans(text: str) -> list[Any]:
    """natasha's own spans, with the tokens' morphology and syntax."""
    models = _loaded()
    from natasha import Doc

    doc = Doc(text)
    with _lock:
        doc.segment(models.segmenter)
        doc.tag_morph(models.morph_tagger)
        doc.parse_syntax(models.syntax_parser)
        doc.tag_ner(models.ner_tagger)
    return list(doc.spans)


def extract(text: str) -> list[Entity]:
    vocab = _loaded().vocab
    mentions = [m for span in natasha_spans(text) if (m := _mention(text, span, vocab)) is not None]
    mentions = _datelines(text, mentions, vocab)
    mentions = _shared_noun(text, mentions)
    mentions = _state_institutions(text, mentions, vocab)
    _branches(mentions)
    return group_mentions(mentions, surname=_index_form)


def _datelines(text: str, mentions: list[Mention], vocab: Any) -> list[Mention]:
    """A dateline's city is a place, found even where the model missed it."""
    for match in _DATELINE.finditer(text):
        start, end = match.span(1)
        if any(m.start < end and start < m.end for m in mentions):
            continue
        surface = match.group(1)
        normal = " ".join(_shape(_inflect(vocab, w.lower(), "PROPN", {}), w.title()) for w in surface.split())
        mentions.append(Mention("LOC", start, end, surface, normal))
    return sorted(mentions, key=lambda m: m.start)


def _shared_noun(text: str, mentions: list[Mention]) -> list[Mention]:
    """«в Ташкентской и Самаркандской областях»: the first adjective shares
    the noun of the second name («Ташкентская область»)."""
    for first, second in itertools.pairwise(mentions):
        if first.adjective and first.kind == second.kind and " " in second.normal and not second.adjective:
            between = text[first.end : second.start]
            if between.strip() in ("и", ",", "или") and len(between) <= 6:
                first.normal = f"{first.normal} {second.normal.rsplit(' ', 1)[-1]}"
                first.adjective = False
    return mentions


def _state_institutions(text: str, mentions: list[Mention], vocab: Any) -> list[Mention]:
    """«Посольство Казахстана» whole: an embassy (consulate, mission) and the
    state it represents, the state in the genitive right after it."""
    out: list[Mention] = []
    for m in mentions:
        if m.kind == "LOC":
            previous = out[-1] if out else None
            word_start = text.rfind(" ", 0, max(m.start - 1, 0)) + 1
            if (
                previous is not None
                and previous.kind == "ORG"
                and text[previous.end : m.start] == " "
                and _lemma(vocab, previous.text) in STATE_INSTITUTIONS
            ):
                start = previous.start
                out.pop()
            elif (
                m.start - word_start > 3
                and text[m.start - 1] == " "
                and _lemma(vocab, text[word_start : m.start - 1]) in STATE_INSTITUTIONS
            ):
                if any(o.start < m.start - 1 and word_start < o.end for o in out):
                    out.append(m)
                    continue
                start = word_start
            else:
                out.append(m)
                continue
            head = text[start : text.index(" ", start)]
            normal = _shape(_inflect(vocab, head.lower(), "NOUN", {}), head) + text[start + len(head) : m.end]
            out.append(Mention("ORG", start, m.end, text[start : m.end], normal))
        else:
            out.append(m)
    return out


def _lemma(vocab: Any, word: str) -> str:
    word = word.strip(_EDGE).lower()
    if not word.isalpha():
        return ""
    parses = vocab(word)
    return str(parses[0].normal) if parses else word


def _branches(mentions: list[Mention]) -> None:
    """«Sputnik» and «Sputnik Узбекистан», «Академия наук» and «Академия наук
    Узбекистана»: a name and the same name with a place after it are one
    organisation, listed under the longer name."""
    names = {m.normal for m in mentions if m.kind == "ORG"}
    for m in mentions:
        if m.kind != "ORG":
            continue
        longer = [
            n
            for n in names
            if n.startswith(m.normal + " ")
            and all(w[:1].isupper() for w in n[len(m.normal) + 1 :].split())
            and (" " in m.normal or is_abbreviation(m.normal) or not m.normal.isalpha() or m.normal.isascii())
        ]
        if len(longer) == 1:
            m.normal = longer[0]


def _mention(text: str, span: Any, vocab: Any) -> Mention | None:
    start, end = _trim(text, span.start, span.stop)
    # A parenthesis opened and not closed in the span: the name ends before
    # it, unless it closes right after (an organisation's abbreviation).
    opened = text.find("(", start, end)
    if opened > start and text.find(")", opened, end) < 0:
        if text.find(")", end, span.stop + 1) < 0:
            start, end = _trim(text, start, opened)
        elif span.type != "PER":
            end = text.find(")", end, span.stop + 1) + 1
    # A legal form before a quoted name («ОАО «Газпром»»): the name is what
    # the quotes hold.
    quoted = _LEGAL_FORM.fullmatch(text, start, end)
    if quoted:
        start, end = quoted.span(1)
    for opening, closing in (('"', '"'), ("«", "»"), ("“", "”")):
        inside = text[start:end]
        unclosed = inside.count(opening) % 2 if opening == closing else inside.count(opening) > inside.count(closing)
        if unclosed and text[end : end + 1] == closing:
            end += 1
    surface = text[start:end]
    if sum(c.isalpha() for c in surface) < 2 or fold(surface) in NOT_NAMES:
        return None
    tokens = [t for t in span.tokens if start <= t.start and t.stop <= end]
    if not tokens:
        return None
    if _is_dateline(text, start, end, surface):
        return Mention("LOC", start, end, surface, _shape(_inflect(vocab, surface.lower(), "PROPN", {}), surface.title()))
    normal = _normal_form(text, end, tokens, span.type, vocab)
    adjective = span.type != "PER" and len(tokens) == 1 and tokens[0].pos == "ADJ"
    return Mention("ORG" if fold(normal) in ORGANISATIONS else span.type, start, end, surface, normal, adjective)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _is_dateline(text: str, start: int, end: int, surface: str) -> bool:
    line_start = start == 0 or text[start - 1] == "\n"
    return line_start and surface.isupper() and len(surface) >= 3 and bool(_DATELINE_AFTER.match(text, end))


def _normal_form(text: str, end: int, tokens: list[Any], kind: str, vocab: Any) -> str:
    ids = {t.id for t in tokens}
    change: dict[str, dict[str, str]] = {}
    if kind == "PER":
        change = {t.id: {} for t in tokens}
    else:
        heads = [t for t in tokens if t.head_id not in ids and t.pos in ("NOUN", "PROPN")]
        root = heads[0] if heads else tokens[-1]
        target = {} if root.pos == "PROPN" else {"Number": "Sing"}
        agreeing = {**target, "Gender": _gender_of(root, vocab)}
        change[root.id] = target
        children: dict[str, list[Any]] = defaultdict(list)
        for token in tokens:
            children[token.head_id].append(token)
        modifiers = [t for t in tokens[: tokens.index(root)]] + children[root.id]
        while modifiers:
            token = modifiers.pop()
            if token.id not in change and token.pos in ("ADJ", "VERB") and token.feats.get("Case") == root.feats.get("Case"):
                change[token.id] = agreeing
                modifiers.extend(children[token.id])
    out: list[str] = []
    cursor = tokens[0].start
    for token in tokens:
        out.append(text[cursor : token.start])
        if token.id in change and not is_abbreviation(token.text):
            word = _inflect(vocab, token.text.lower(), token.pos, token.feats, change[token.id])
            out.append(_shape(word, token.text))
        else:
            out.append(token.text)
        cursor = token.stop
    out.append(text[cursor:end])
    return "".join(out)


def _gender_of(token: Any, vocab: Any) -> str:
    gender = token.feats.get("Gender")
    if gender:
        return str(gender)
    parses = vocab(token.text.lower())
    return str(parses[0].feats.get("Gender", "")) if parses else ""


def _inflect(vocab: Any, word: str, pos: str, feats: dict[str, str], target: dict[str, str] | None = None) -> str:
    """The word in the nominative (and ``target`` number or gender), keeping ё."""
    if feats.get("Case") == "Nom" and not target:
        return word
    wanted = {"Nom"} | {v for v in (target or {}).values() if v}
    parses = vocab(word)
    same_pos = [p for p in parses if _pos_match(p.pos, pos)]
    exact = [p for p in same_pos if all(p.feats.get(k) == feats.get(k) for k in ("Case", "Number", "Gender") if feats.get(k))]
    for parse in (*exact, *same_pos):
        form = parse.inflect(wanted) or parse.inflect({"Nom"})
        if form is not None:
            return _keep_yo(word, form.word)
    return word


def _pos_match(a: str, b: str) -> bool:
    return {a, b} <= {"NOUN", "PROPN"} or a == b


def _keep_yo(original: str, result: str) -> str:
    if "ё" not in original or "ё" in result:
        return result
    chars = list(result)
    for index, char in enumerate(original):
        if char == "ё" and index < len(chars) and chars[index] == "е":
            chars[index] = "ё"
    return "".join(chars)


def _shape(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
    return word


def _index_form(word: str) -> str:
    return index_form(word, "ru")
