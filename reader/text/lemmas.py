"""Words to normal forms, for the index and for queries alike.

Cyrillic words go to their lemma with pymorphy2 (natasha brings it and
its dictionaries), whatever the article's
language; other words to the Snowball stem of the article's language
(English when it has none: an English name in a Russian article stems as
English). A query does not know the language of the articles it will
match, so it asks for the forms of every language with a stemmer. Everything is case-folded and ё is folded to е, so
«Мирзиёев» and «Мирзиеев» meet.

Proper names need care: the dictionary reads «Токаев» as the genitive plural
of «токай» and «Токаева» as a woman's first name. For capitalised words a
surname reading wins, and a word whose «-а» form is that surname's genitive
is taken as the surname itself, so every form of a surname shares one lemma.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

import snowballstemmer

from reader.text.lazy import Once

if TYPE_CHECKING:
    from pymorphy2 import MorphAnalyzer

VERSION = "lemmas-4"  # 3: acronyms are not stemmed, 4: «İ» folds to «i»
MAX_WORD = 48
MAX_ACRONYM = 6  # letters of a word typed in capitals that is taken as an acronym (UNESCO)
WORD = re.compile(r"[^\W_]+")
_NAME_TAGS = ("Name", "Patr", "Geox", "Orgn")
# Article languages (ISO 639-1) with a Snowball stemmer.
STEMMERS = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
    "nl": "dutch", "sv": "swedish", "no": "norwegian", "da": "danish", "fi": "finnish", "hu": "hungarian",
    "ro": "romanian", "tr": "turkish", "id": "indonesian", "ms": "indonesian", "pl": "polish", "cs": "czech",
    "lt": "lithuanian", "et": "estonian", "el": "greek", "ar": "arabic", "fa": "persian", "hy": "armenian",
    "hi": "hindi", "ca": "catalan", "sr": "serbian",
}  # fmt: skip
_stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in STEMMERS.items()}


def fold(word: str) -> str:
    # «İ» lowers to «i» and a combining dot above: «İzmir» would never meet «izmir».
    return word.lower().replace("ё", "е").replace("i\u0307", "i")


def dictionary() -> str:
    """pymorphy2's Russian dictionary, by path: found through pkg_resources'
    entry points, it took 0.3 s in every process."""
    import pymorphy2_dicts_ru
    import yargy.morph  # noqa: F401  natasha's own fix of pymorphy2 for Python 3.11 (inspect.getargspec is gone)

    return str(pymorphy2_dicts_ru.get_path())


def _load_morph() -> MorphAnalyzer:
    from pymorphy2 import MorphAnalyzer

    # Plain (word, tag, normal form, score, methods) tuples: natasha's
    # MorphVocab makes each a MorphForm with Universal Dependencies features,
    # which the index has no use for and which made a look-up 60 % dearer.
    return MorphAnalyzer(dictionary(), result_type=None)


morph = Once(_load_morph)


def words(text: str) -> Iterator[re.Match[str]]:
    return WORD.finditer(text)


def normal(word: str, lang: str = "en", loud: bool = False) -> str:
    """The index form of one word as written in an article in ``lang``;
    ``loud``: in a text written in capitals (see :func:`in_capitals`)."""
    return _form(word, lang if lang in STEMMERS else "en", loud)


def in_capitals(text: str) -> bool:
    """A text in capitals (a headline written so): its words are words, not acronyms."""
    return text.isupper()


def _form(written: str, lang: str, loud: bool = False) -> str:
    folded = fold(written[:MAX_WORD])
    if not loud and _acronym(written, folded):  # UPS is not «up», nor NATO a stem
        return folded
    return _normal(folded, written[:1].isupper(), lang)


def _acronym(written: str, folded: str) -> bool:
    """A word in capitals (UPS, NATO, G20), not a Cyrillic one: the
    dictionary knows those (США, ООН) and gives them their own lemma."""
    return len(written) > 1 and written.isupper() and not _cyrillic(folded)


def _typed_acronym(typed: str, folded: str) -> bool:
    """A query word in capitals and short: longer, it is a word typed loud."""
    return len(typed) <= MAX_ACRONYM and _acronym(typed, folded)


def query_forms(word: str, among: Collection[str] | None = None) -> set[str]:
    """Every index form a typed word may stand for (typed lower case or not,
    in an article of any language, or of those ``among``); typed in capitals
    and short, the acronym alone (a longer one is a word typed loud)."""
    folded = fold(word[:MAX_WORD])
    if _typed_acronym(word, folded):
        return {folded}
    stemmed = _stemmed(among)
    return {_normal(folded, capitalised, lang) for lang in _languages_of(folded) if lang in stemmed for capitalised in (False, True)}


def phrase_forms(words: tuple[str, ...] | list[str], among: Collection[str] | None = None) -> Iterator[tuple[str, ...]]:
    """The index forms of a phrase, one language at a time (English first):
    every word of a phrase is in its article's language. ``among``: the
    languages of the articles there are (default: every language), so that
    another language's stem does not find a word in them («release» is
    «rel» to the Spanish stemmer)."""
    seen: set[tuple[str, ...]] = set()
    folded = [fold(w[:MAX_WORD]) for w in words]
    stemmed = _stemmed(among)
    languages = ("en",) if all(_cyrillic(w) for w in folded) else tuple(lang for lang in STEMMERS if lang in stemmed)
    for lang in languages:
        # Each word may have been written capitalised or not; one typed in capitals is an acronym.
        choices = [
            {f: None} if _typed_acronym(w, f) else {_normal(f, False, lang): None, _normal(f, True, lang): None}
            for w, f in zip(words, folded, strict=True)
        ]
        for forms in itertools.product(*choices):
            if forms not in seen:
                seen.add(forms)
                yield forms


_FORMS: dict[str, dict[str, str]] = {}  # language -> word as written -> index form
FORMS_KEPT = 300_000  # words a language; past that its table starts again


def normalise_text(text: str, lang: str = "en") -> str:
    """The text as a space-separated string of index forms.

    Each word as written is looked up in a table of its language first: one
    dictionary look-up a word, five times faster than normalising it again
    (indexing spends most of its time here)."""
    stem = lang if lang in STEMMERS else "en"
    shouted = in_capitals(text)
    forms = _FORMS.setdefault(stem + "!" * shouted, {})
    written = WORD.findall(text)
    try:
        return " ".join([forms[w] for w in written])
    except KeyError:
        if len(forms) > FORMS_KEPT:
            forms.clear()
        out = []
        for w in written:
            form = forms.get(w)
            if form is None:
                form = forms[w] = _form(w, stem, shouted)
            out.append(form)
        return " ".join(out)


def _stemmed(among: Collection[str] | None) -> set[str]:
    """The stemmers articles in these languages were indexed with (English
    for a language with none, and always: a name stems as English)."""
    return {"en"} | {lang if lang in STEMMERS else "en" for lang in among} if among is not None else set(STEMMERS)


def _cyrillic(word: str) -> bool:
    return bool(word) and ("а" <= word[0] <= "я" or "а" <= word[-1] <= "я")


def _languages_of(word: str) -> tuple[str, ...]:
    """Languages whose stemmer may change ``word`` (Cyrillic words are
    lemmatised the same way in every article)."""
    return ("en",) if _cyrillic(word) or not word.isalpha() else tuple(STEMMERS)


@lru_cache(maxsize=500_000)
def _normal(word: str, capitalised: bool, lang: str = "en") -> str:
    if word.isdigit() or not word.isalpha():
        return word
    if _cyrillic(word):
        return _russian(word, capitalised)
    stemmer = _stemmers[lang]
    if lang == "en" and not word.isascii():
        return word
    return str(stemmer.stemWord(word))


def _russian(word: str, capitalised: bool) -> str:
    analyzer = morph()
    parses = analyzer.parse(word)  # (word, tag, normal form, ...) tuples
    if capitalised:
        for tag in ("Surn", *_NAME_TAGS):
            for parse in parses:
                if tag in parse[1]:
                    return fold(parse[2])
        if any(p[2] == word and "Surn" in p[1] for p in analyzer.parse(word + "а")):
            return word
    return fold(parses[0][2]) if parses else word
