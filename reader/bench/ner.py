"""NER scores for ``python -m reader.bench ner``: factRuEval (Russian), CoNLL files and hand-labelled paragraphs (English)."""

from __future__ import annotations

import re
from pathlib import Path

# -- NER scoring on factRuEval --------------------------------------------------


def ner_scores(factru: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Token-level precision, recall and F1 per type on the factRuEval
    development set, scored with naeval as the published numbers are: for
    natasha's model alone and for reader's pipeline, on the same texts."""
    from corus import load_factru
    from naeval.ner.datasets.factru import parse_factru
    from naeval.ner.markup import Markup
    from naeval.ner.score import score_markups
    from naeval.span import Span

    from reader.text import entities

    targets, ours, alone = [], [], []
    for record in load_factru(str(factru), sets=["devset"]):
        gold = parse_factru(record).adapted
        text = gold.text
        targets.append(gold)
        ours.append(
            Markup(text, sorted((Span(a, b, e.kind) for e in entities.extract(text) for a, b in e.mentions), key=lambda s: s.start))
        )
        alone.append(Markup(text, [Span(s.start, s.stop, s.type) for s in entities.natasha_spans(text)]))
    out = {}
    for name, preds in (("natasha alone", alone), ("reader", ours)):
        scores = score_markups(preds, targets, types=["PER", "LOC", "ORG"])
        out[name] = {kind: {"precision": f.prec.value, "recall": f.recall.value, "f1": f.value} for kind, f in scores.items()}
    return out


# -- NER scoring on a CoNLL-2003 file (English) ---------------------------------

_NO_SPACE_BEFORE = frozenset({",", ".", ":", ";", "!", "?", ")", "]", "%", "'s", "'", "n't", "'re", "'ve", "'ll", "'d", "'m"})
_NO_SPACE_AFTER = frozenset({"(", "[", "$", "#"})


def conll_documents(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """A CoNLL-2003 file's documents as text and gold spans (start, end, kind).

    Tokens are joined with a space, except before closing punctuation and
    clitics and after opening brackets, so the model reads ordinary prose;
    a sentence a line. IO and IOB tags both work; MISC is dropped."""
    documents: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            continue
        if parts[0] == "-DOCSTART-":
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            if documents[-1]:
                documents.append([])
            continue
        sentence.append((parts[0], parts[-1]))
    if sentence:
        documents[-1].append(sentence)
    out = []
    for sentences in documents:
        if not sentences:
            continue
        text = ""
        spans: list[tuple[int, int, str]] = []
        for tokens in sentences:
            if text:
                text += "\n"
            previous = ""
            open_kind = ""
            for token, tag in tokens:
                if text and not text.endswith("\n") and token not in _NO_SPACE_BEFORE and previous not in _NO_SPACE_AFTER:
                    text += " "
                start = len(text)
                text += token
                kind = tag[2:] if tag[:2] in ("I-", "B-") else ""
                kind = kind if kind in ("PER", "LOC", "ORG") else ""
                if kind and kind == open_kind and tag[:2] == "I-" and spans:
                    spans[-1] = (spans[-1][0], len(text), kind)
                elif kind:
                    spans.append((start, len(text), kind))
                open_kind = kind
                previous = token
        out.append((text, spans))
    return out


_MARKED = re.compile(r"\[(PER|ORG|LOC) ([^\[\]]+)\]")


def marked_documents(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """A hand-labelled file's paragraphs as text and gold spans: names
    written «[PER Ann Wilson]», a paragraph a document, «#» lines comments."""
    out = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines:
            continue
        marked = "\n".join(lines)
        text, spans, cursor = "", [], 0
        for match in _MARKED.finditer(marked):
            text += marked[cursor : match.start()]
            spans.append((len(text), len(text) + len(match.group(2)), match.group(1)))
            text += match.group(2)
            cursor = match.end()
        out.append((text + marked[cursor:], spans))
    return out


def english_scores(documents: list[tuple[str, list[tuple[int, int, str]]]]) -> dict[str, dict[str, dict[str, float]]]:
    """Token-level precision, recall and F1 per type (naeval, as for
    factRuEval) for spaCy's model alone and for reader's English pipeline."""
    from naeval.ner.markup import Markup
    from naeval.ner.score import score_markups
    from naeval.span import Span

    from reader.text import en

    targets, ours, alone = [], [], []
    for text, gold in documents:
        targets.append(Markup(text, [Span(a, b, k) for a, b, k in gold]))
        ours.append(Markup(text, sorted((Span(a, b, e.kind) for e in en.extract(text) for a, b in e.mentions), key=lambda s: s.start)))
        alone.append(Markup(text, [Span(a, b, k) for a, b, k in en.spacy_spans(text)]))
    out = {}
    for name, preds in (("spaCy alone", alone), ("reader", ours)):
        scores = score_markups(preds, targets, types=["PER", "LOC", "ORG"])
        out[name] = {kind: {"precision": f.prec.value, "recall": f.recall.value, "f1": f.value} for kind, f in scores.items()}
    return out
