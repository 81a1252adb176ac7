"""The command palette, built from the bindings: each entry runs its binding's action and names the key it has now."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence

from textual.binding import Binding

# Binding id -> the palette's title and help. The key is not written here:
# it is read from the keymap when the palette opens, so a remap shows true.
PALETTE: dict[str, tuple[str, str]] = {
    "search": ("Search", "Focus the search box"),
    "bookmark": ("Bookmark", "Bookmark or unbookmark the current article"),
    "bookmarks": ("Bookmarks only", "Show bookmarked articles only, or all again"),
    "note.edit": ("Edit bookmark note", "Write a short note on the current bookmark"),
    "full_text": ("Full text", "Fetch and keep the full article, or switch back to the summary"),
    "links": ("Links", "The article's links: choose one to open it"),
    "sidebar.toggle": ("Entities sidebar", "Show or hide the sidebar of entities and figures"),
    "maximise": ("Maximise reading pane", "The reading pane alone, or back"),
    "read": ("Toggle read", "Mark the current article read or unread"),
    "open_url": ("Open URL", "Open the article's URL in the browser"),
    "mention.next": ("Next mention", "Go to the next highlighted mention"),
    "mention.previous": ("Previous mention", "Go to the previous highlighted mention"),
    "refresh": ("Refresh", "Read what changed in every folder and fetch every feed now"),
    "refresh.current": ("Fetch this source", "Fetch the current article's feed, or read its folder again"),
    "sources": ("Sources", "Every folder and feed, with unread counts; choose one to narrow the list"),
    "search.save": ("Save search", "Save the current search under a name, to alert or mute"),
    "read.all": ("Mark all read", "Mark every article in the current list read"),
    "unread.next": ("Next unread", "Open the next unread article in the list"),
    "unread.previous": ("Previous unread", "Open the previous unread article in the list"),
    "entity.filter": ("Articles with the entity", "Every article that mentions the entity selected in the sidebar"),
    "story.next": ("Next in story", "The next article that reports the open article's story"),
    "story.previous": ("Previous in story", "The previous article that reports the open article's story"),
    "trends": ("Trends", "The names rising in the last days; enter opens one's page"),
    "escape": ("Clear filter", "Show every article again"),
    "focus.next": ("Next pane", "Move the focus to the next pane"),
    "focus.previous": ("Previous pane", "Move the focus to the previous pane"),
    "help": ("Help", "Every key and its binding id"),
}


RunAction = Callable[[str], Awaitable[object]]


def commands(
    owners: Sequence[tuple[RunAction, list[Binding]]], keymap: Mapping[str, str], key_display: Callable[[str], str]
) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(title, help, callback) for every binding that the palette lists; each
    owner is the ``run_action`` of the node its bindings act on, and those bindings."""
    for run_action, bindings in owners:
        for binding in bindings:
            if binding.system or binding.id not in PALETTE:
                continue
            title, text = PALETTE[binding.id]
            keys = ", ".join(key_display(k.strip()) for k in keymap.get(binding.id, binding.key).split(","))
            yield title, f"{text} ({keys})", functools.partial(run_action, binding.action)
