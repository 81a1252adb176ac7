"""The main screen's keys: bindings with ids (the config remaps them), and the fixed keys that move the focus as they arrive."""

from __future__ import annotations

from textual.binding import Binding

# The keys that move the focus into or out of the search box act as they
# arrive (priority bindings), not once they have bubbled up from the widget
# they went to: the keys typed right after them (a burst: a fast typist, a
# paste) go where they moved the focus. They are fixed keys beside the
# remappable bindings of the same actions, which stay ordinary: a binding
# remapped to a letter must not take that letter from the search box.
FOCUS_KEYS = [
    Binding("slash", "focus_search", "Search", priority=True, system=True),
    Binding("enter", "leave_search", "To the list", priority=True),
    Binding("escape", "escape", show=False, priority=True, system=True),
    Binding("tab", "cycle(1)", show=False, priority=True, system=True),
    Binding("shift+tab", "cycle(-1)", show=False, priority=True, system=True),
]

MAIN_SCREEN: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("slash", "focus_search", "Search", id="search"),
    Binding("escape", "escape", "Back / clear", show=False, id="escape"),
    Binding("tab", "cycle(1)", "Next pane", show=False, id="focus.next"),
    Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="focus.previous"),
    *FOCUS_KEYS,
    Binding("b", "bookmark", "Bookmark", id="bookmark"),
    Binding("B", "bookmarks_only", "Bookmarks", id="bookmarks"),
    Binding("u", "toggle_read", "Read/unread", show=False, id="read"),
    Binding("o", "open_url", "Open URL", show=False, id="open_url"),
    Binding("r", "refresh", "Refresh", id="refresh"),
    Binding("R", "fetch_current", "Fetch this source", show=False, id="refresh.current"),
    Binding("s", "sources", "Sources", id="sources"),
    Binding("A", "mark_all_read", "Mark all read", show=False, id="read.all"),
    Binding("right_square_bracket", "unread(1)", "Next unread", show=False, id="unread.next"),
    Binding("left_square_bracket", "unread(-1)", "Previous unread", show=False, id="unread.previous"),
    Binding("n", "mention(1)", "Next mention", show=False, id="mention.next"),
    Binding("N", "mention(-1)", "Previous mention", show=False, id="mention.previous"),
    Binding("F", "full_text", "Full text", id="full_text"),
    Binding("L", "links", "Links", show=False, id="links"),
    Binding("a", "edit_note", "Note", show=False, id="note.edit"),
    Binding("e", "toggle_sidebar", "Entities", id="sidebar.toggle"),
    Binding("z", "maximise", "Maximise", show=False, id="maximise"),
    Binding("f", "filter_entity", "Articles with the selected entity", show=False, id="entity.filter"),
    Binding("T", "trends", "Trends", show=False, id="trends"),
    Binding("S", "save_search", "Save search", show=False, id="search.save"),
    Binding("greater_than_sign", "story(1)", "Next in story", show=False, id="story.next"),
    Binding("less_than_sign", "story(-1)", "Previous in story", show=False, id="story.previous"),
]
