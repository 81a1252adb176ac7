"""One interface for every language: text in, entities and figures out.

Russian (natasha) and English (spaCy) have entities and figures; any other
language has figures only, until its model drops in here
(:func:`has_entities` tells the UI which). The UI and the store only
ever see :class:`Extraction`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from reader.model import Entity, Extraction, Figure

VERSION = "extract-8"  # 5: sentence spans, for the figures said about a name; 6: surer English names, a date read by its own clause; 7: English names surer still; 8: English names typed by the words around them
# Named entities are looked for in this much of an article: a news article
# is a few thousand characters; a book-sized file would hold the model for
# minutes. Figures are found everywhere.
MAX_ENTITY_CHARS = 30_000

EntityExtractor = Callable[[str], list[Entity]]


# The extractors' code is imported where they run (the background workers),
# not by the app's start; each loads its model on first use, in the process
# that runs it: an English model is never loaded for a library with no
# English article.
def _russian(text: str) -> list[Entity]:
    from reader.text import entities

    return entities.extract(text)


def _english(text: str) -> list[Entity]:
    from reader.text import en

    return en.extract(text)


def _load_russian() -> None:
    from reader.text import entities

    entities.load()


def _load_english() -> None:
    from reader.text import en

    en.load()


ENTITY_EXTRACTORS: dict[str, EntityExtractor] = {"ru": _russian, "en": _english}
MODEL_LOADERS: dict[str, Callable[[], None]] = {"ru": _load_russian, "en": _load_english}


def has_entities(lang: str) -> bool:
    """Whether articles in ``lang`` get people, organisations and places."""
    return lang in ENTITY_EXTRACTORS


def extract(text: str, lang: str, date: str) -> Extraction:
    from reader.text import figures, sentences

    found = ENTITY_EXTRACTORS.get(lang)
    head = text[:MAX_ENTITY_CHARS]
    return Extraction(tuple(found(head)) if found else (), tuple(figures.extract(text, date)), sentences.spans(head) if found else ())


def load_models(lang: str = "ru") -> None:
    """Load what extraction needs, so the first article does not wait."""
    from reader.text import figures

    if lang in MODEL_LOADERS:
        MODEL_LOADERS[lang]()
    figures.extract("1 %", "")


def to_json(extraction: Extraction) -> str:
    return json.dumps(
        {
            "entities": [e.as_json() for e in extraction.entities],
            "figures": [f.as_json() for f in extraction.figures],
            "sentences": [list(s) for s in extraction.sentences],
        },
        ensure_ascii=False,
    )


def from_json(data: str) -> Extraction:
    raw = json.loads(data)
    return Extraction(
        tuple(Entity(e["kind"], e["text"], e["normal"], tuple((a, b) for a, b in e["mentions"])) for e in raw["entities"]),
        tuple(
            Figure(f["kind"], f["text"], f["value"], f["unit"], f["start"], f["end"], tuple((a, b) for a, b in f.get("mentions", ())))
            for f in raw["figures"]
        ),
        tuple((a, b) for a, b in raw.get("sentences", ())),
    )
