"""Reading an article: its formatting, and its full text when one is kept.

The index holds an article's body as shown (see :mod:`reader.text.markdown`).
Its formatting (style spans, links) is rendered again from the file when
the article is opened, and used only when that file still gives exactly the
indexed text, so highlights and formatting always sit on the same words.

A kept full text (:mod:`reader.fulltext`) replaces the body when the
article is indexed; the summary stays in the article's own file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reader import corpus, fulltext
from reader.model import Article, Rendered
from reader.sanitize import clean_text
from reader.text.markdown import render


def with_full_text(article: Article, data_dir: Path | str | None) -> Article:
    """The article with its kept full text as its body, when there is one."""
    if data_dir is None:
        return article
    path = fulltext.kept(Path(data_dir), article.id)
    if path is None:
        return article
    try:
        body = corpus.load(path).article.body
    except corpus.ArticleError:
        return article
    return dataclasses.replace(article, body=body) if body.strip() else article


def formatting(article: Article, data_dir: Path | None) -> Rendered | None:
    """Style spans and links for the article's body, or None when its file
    is plain text, gone, or no longer gives the indexed text."""
    candidates = []
    if data_dir is not None:
        kept = fulltext.kept(data_dir, article.id)
        if kept is not None:
            candidates.append(kept)
    if article.path:
        candidates.append(Path(article.path))
    for path in candidates:
        try:
            loaded = corpus.load(path)
        except corpus.ArticleError:
            continue
        if loaded.rendered is not None and loaded.article.body == article.body:
            return loaded.rendered
    return None


def summary(article: Article) -> Article | None:
    """The article as its own file has it (the summary a full text replaced)."""
    try:
        return corpus.load(Path(article.path)).article
    except (corpus.ArticleError, OSError):
        return None


def shown_full_text(article: Article, markdown: str) -> Article:
    """The article with a full text that could not be kept (read-only data dir)."""
    body = render(clean_text(markdown).strip("\n")).text[: corpus.MAX_BODY_CHARS]
    return dataclasses.replace(article, body=body)
