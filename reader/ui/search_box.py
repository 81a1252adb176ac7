"""The search box: its placeholder is the longest hint that fits, never a cut one."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from reader.ui.footer import first_fitting

SEARCH_HINTS = (  # the longest that fits the search box is its placeholder
    '/ search: words "phrase" -not prefix* source: date: person: is:bookmarked',
    '/ search: words "phrase" -not prefix* source: date: person:',
    '/ search: words "phrase" -not prefix* source: date:',
    '/ search: words "phrase" -not prefix*',
    '/ search: words "phrase" -not',
    '/ search: words "phrase"',
    "/ search: words",
    "/ search",
)


class SearchBox(Input):
    """The search box: its placeholder is never cut (a shorter one instead)."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(placeholder=SEARCH_HINTS[0], id=id)

    def on_resize(self, event: events.Resize) -> None:
        self.placeholder = first_fitting(self.content_size.width, SEARCH_HINTS)
