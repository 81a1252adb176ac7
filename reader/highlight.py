"""Article text as Rich ``Text`` with entities, figures and search matches
styled. Text objects never parse markup, so the article's own brackets stay
literal."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from reader.model import Article, Extraction, Rendered

# Mid-tone colours that read on dark and light backgrounds, each kind with a
# second cue besides colour (underline, bold, italic, reverse).
STYLES = {
    "PER": "bold underline #c061cb",
    "ORG": "bold #3b8eea",
    "LOC": "italic #2aa198",
    "FIG": "bold #d08c00",
    "MATCH": "reverse",
    "SELECTED": "bold reverse #c061cb",
}


# Markdown formatting, under the highlights (see reader.text.markdown).
FORMAT = {
    "h1": "bold underline",
    "h2": "bold",
    "h3": "bold italic",
    "h4": "bold dim",
    "h5": "bold dim",
    "h6": "bold dim",
    "strong": "bold",
    "em": "italic",
    "s": "strike",
    "code": "#e0a060 on #303030",
    "quote": "dim",
    "rule": "dim",
    "image": "italic dim",
}
LINK = "underline #5f87d7"


def body_text(
    body: str,
    extraction: Extraction | None = None,
    matches: Iterable[tuple[int, int]] = (),
    selected: Iterable[tuple[int, int]] = (),
    formatting: Rendered | None = None,
) -> Text:
    text = Text(body)
    if formatting is not None:
        for start, end, name in formatting.spans:
            if name in FORMAT:
                text.stylize(FORMAT[name], start, end)
        for link in formatting.links:
            text.stylize(link_style(link.url), link.start, link.end)
    if extraction:
        for entity in extraction.entities:
            for start, end in entity.mentions:
                text.stylize(STYLES[entity.kind], start, end)
        for figure in extraction.figures:
            for start, end in figure.mentions or ((figure.start, figure.end),):
                text.stylize(STYLES["FIG"], start, end)
    for start, end in matches:
        text.stylize(STYLES["MATCH"], start, end)
    for start, end in selected:
        text.stylize(STYLES["SELECTED"], start, end)
    return text


def meta_line(article: Article) -> Text:
    parts = [article.date, article.source, article.url, ", ".join(f"#{t}" for t in article.tags)]
    return Text(" · ".join(p for p in parts if p), style="dim")


def figure_value(value: object, unit: str) -> str:
    """A figure's value as the sidebar and the CLI both show it."""
    from reader.text.figures import format_value  # the figures' code: not imported before the app's first paint

    return format_value(value, unit)


def link_style(url: str) -> Style:
    """Underlined; clickable only for web and mail links (never javascript:, file: ...)."""
    safe = urlsplit(url).scheme.lower() in ("http", "https", "mailto")
    return Style.parse(LINK) + Style(link=url if safe else None)


def fit(text: str, width: int) -> str:
    """``text`` in ``width`` cells: cut at a word with … when it is longer
    (mid-word only for a single word longer than the room, still with …)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    cut = set_cell_size(text, width - 1)
    space = cut.rstrip().rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
