"""The stories of the articles in view, as the CLI and the UI read them."""

from __future__ import annotations

from collections.abc import Sequence

from reader.model import Story
from reader.store import Index


def stories(index: Index, roots: Sequence[str], limit: int | None = None) -> list[Story]:
    """Stories of the articles under these roots, newest first (by their
    newest article), each titled by its first article."""
    found = index.story_rows(roots)[:limit]
    rows = index.rows([r for s in found for r in s.rowids])
    out = []
    for s in found:
        articles = [rows[r] for r in s.rowids if r in rows]
        if articles:
            out.append(Story(s.story, articles[0].title, s.date, tuple(a.id for a in articles), s.sources, s.rowids))
    return out
