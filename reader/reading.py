"""Reading an article: its formatting, and its full text when one is kept.

The index holds an article's body as shown (see :mod:`reader.text.markdown`).
Its formatting (style spans, links) is rendered again from what the article
was read from when it is opened, and used only when that still gives
exactly the indexed text, so highlights and formatting always sit on the
same words.

A kept full text replaces the body when the article is indexed; the
summary stays in the article's own record (its file, or its item).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Protocol

from reader import corpus
from reader.model import Article, Rendered
from reader.sanitize import clean_text
from reader.text.markdown import render


class Sources(Protocol):
    """Where articles are read from (``reader.indexing.Documents``)."""

    def read(self, path: str) -> bytes:
        """An article's bytes; :class:`corpus.ArticleError` when there are none."""
        ...

    def full_text(self, article_id: str) -> bytes | None:
        """The article's kept full text (Markdown with front matter), if any."""
        ...


def with_full_text(article: Article, found: Sources) -> Article:
    """The article with its kept full text as its body, when there is one."""
    kept = found.full_text(article.id)
    if kept is None:
        return article
    try:
        body = corpus.load(Path(f"{article.id}.md"), kept).article.body
    except corpus.ArticleError:
        return article
    return dataclasses.replace(article, body=body) if body.strip() else article


def formatting(article: Article, found: Sources) -> Rendered | None:
    """Style spans and links for the article's body, or None when it is
    plain text, gone, or no longer gives the indexed text."""
    candidates = []
    kept = found.full_text(article.id)
    if kept is not None:
        candidates.append((f"{article.id}.md", lambda: kept))
    if article.path:
        candidates.append((article.path, lambda: found.read(article.path)))
    for path, data in candidates:
        try:
            loaded = corpus.load(Path(path), data())
        except (corpus.ArticleError, OSError):
            continue
        if loaded.rendered is not None and loaded.article.body == article.body:
            return loaded.rendered
    return None


def summary(article: Article, found: Sources) -> Article | None:
    """The article as its own record has it (the summary a full text replaced)."""
    try:
        return corpus.load(Path(article.path), found.read(article.path)).article
    except (corpus.ArticleError, OSError):
        return None


def shown_full_text(article: Article, markdown: str) -> Article:
    """The article with a full text that could not be kept (read-only data dir)."""
    body = render(clean_text(markdown).strip("\n")).text[: corpus.MAX_BODY_CHARS]
    return dataclasses.replace(article, body=body)
