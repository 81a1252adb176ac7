"""Words to normal forms, for the index and for queries alike.

Russian words go to their lemma with pymorphy2 (through natasha's
``MorphVocab``, which ships the dictionaries); English and other Latin words
to their Snowball stem. Everything is case-folded and ё is folded to е, so
«Мирзиёев» and «Мирзиеев» meet.

Proper names need care: the dictionary reads «Токаев» as the genitive plural
of «токай» and «Токаева» as a woman's first name. For capitalised words a
surname reading wins, and a word whose «-а» form is that surname's genitive
is taken as the surname itself, so every form of a surname shares one lemma.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import snowballstemmer

from reader.text.lazy import Once

if TYPE_CHECKING:
    from natasha import MorphVocab

VERSION = "lemmas-1"
MAX_WORD = 48
WORD = re.compile(r"[^\W_]+")
_NAME_TAGS = ("Name", "Patr", "Geox", "Orgn")
_english = snowballstemmer.stemmer("english")


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _load_morph() -> MorphVocab:
    from natasha import MorphVocab

    return MorphVocab()


morph = Once(_load_morph)  # the shared pymorphy2 analyser


def words(text: str) -> Iterator[re.Match[str]]:
    return WORD.finditer(text)


def normal(word: str) -> str:
    """The index form of one word as written."""
    return _normal(fold(word[:MAX_WORD]), word[:1].isupper())


def query_forms(word: str) -> set[str]:
    """Every index form a typed word may stand for (typed lower case or not)."""
    folded = fold(word[:MAX_WORD])
    return {_normal(folded, False), _normal(folded, True)}


def normalise_text(text: str) -> str:
    """The text as a space-separated string of index forms."""
    return " ".join(normal(m.group()) for m in WORD.finditer(text))


@lru_cache(maxsize=500_000)
def _normal(word: str, capitalised: bool) -> str:
    if word.isdigit() or not word.isalpha():
        return word
    if "а" <= word[0] <= "я" or "а" <= word[-1] <= "я":
        return _russian(word, capitalised)
    if word.isascii():
        return str(_english.stemWord(word))
    return word


def _russian(word: str, capitalised: bool) -> str:
    vocab = morph()
    parses = vocab.parse(word)
    if capitalised:
        for tag in ("Surn", *_NAME_TAGS):
            for parse in parses:
                if tag in parse.tag:
                    return fold(parse.normal_form)
        if any(p.normal_form == word and "Surn" in p.tag for p in vocab.parse(word + "а")):
            return word
    return fold(parses[0].normal_form) if parses else word
