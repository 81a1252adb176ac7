"""Bookmark export and import formats: Markdown to read, JSON to move."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reader.model import Bookmark


def to_markdown(items: Iterable[Bookmark]) -> str:
    lines = ["# Bookmarks", ""]
    for b in items:
        meta = " · ".join(x for x in (b.date, b.source, b.url) if x)
        lines.append(f"- **{b.title or b.id}** — {meta}" + (f"  \n  {b.note}" if b.note else ""))
    return "\n".join(lines) + "\n"


def to_json(items: Iterable[Bookmark]) -> str:
    return json.dumps([b.as_json() for b in items], ensure_ascii=False, indent=2) + "\n"


def from_json(text: str, stamp: str) -> list[Bookmark]:
    """Bookmarks from an export (``stamp`` for those without a time); raises
    ValueError with a clear message."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at line {error.lineno}") from error
    if not isinstance(raw, list):
        raise ValueError("expected a JSON array of bookmarks")
    out = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ValueError(f"bookmark {number} has no id")
        title, date, source, url, note, at = (str(item.get(k) or "") for k in ("title", "date", "source", "url", "note", "bookmarked_at"))
        out.append(Bookmark(item["id"], title, date, source, url, note, at or stamp, False, False))
    return out
