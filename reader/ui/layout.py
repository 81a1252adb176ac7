"""Which panes the main screen shows: the layout's states as CSS classes, and the moves between them."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from reader.ui.article_list import ArticleList
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.reading_pane import ReadingPane


class Layout:
    """The screen's classes: ``-narrow`` (the list and the reading pane take
    turns, the sidebar overlays), ``-medium`` (they share the width, the
    sidebar overlays), ``-reading`` (the reading pane has the
    turn), ``-sidebar`` (the overlaid sidebar is shown), ``-nosidebar`` (the
    sidebar hidden), ``-max`` (the reading pane alone)."""

    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen

    def _panes(self) -> tuple[ArticleList, ReadingPane, EntitySidebar]:
        query = self.screen.query_one
        return query(ArticleList), query(ReadingPane), query(EntitySidebar)

    def focused(self, widget: Widget) -> None:
        """Which of list and reading pane has the turn (used when narrow)."""
        screen = self.screen
        if widget is not screen.focused:  # told late: the focus has moved on since
            return
        if isinstance(widget, ReadingPane):
            screen.add_class("-reading")
            screen.remove_class("-sidebar")
        elif isinstance(widget, (ArticleList, Input)):
            screen.remove_class("-reading", "-sidebar")

    def reveal(self, pane: Widget) -> None:
        """Make a pane visible in this layout, then focus it."""
        screen = self.screen
        if isinstance(pane, EntitySidebar):
            screen.remove_class("-nosidebar", "-max")
            if self._sidebar_overlays():
                screen.add_class("-sidebar")
        elif isinstance(pane, ReadingPane):
            screen.add_class("-reading")
        else:
            screen.remove_class("-reading", "-sidebar", "-max")
        screen.set_focus(pane, scroll_visible=False)  # now: the next key goes to it

    def _sidebar_overlays(self) -> bool:
        """Below the widest layout the sidebar is shown over the reading pane, on a key."""
        return self.screen.has_class("-narrow") or self.screen.has_class("-medium")

    def _back(self) -> None:
        """To the pane that has the turn."""
        articles, reading, _ = self._panes()
        self.reveal(reading if self.screen.has_class("-reading") else articles)

    def leave_overlay(self) -> bool:
        """Escape from the reading pane alone or the overlaid sidebar; False when neither was shown."""
        if self.screen.has_class("-max") or self.screen.has_class("-sidebar"):
            self.screen.remove_class("-max", "-sidebar")
            self._back()
            return True
        return False

    def cycle(self, step: int) -> None:
        panes = list(self._panes())
        focused = self.screen.focused
        index = panes.index(focused) if focused in panes else -step  # type: ignore[arg-type]
        self.reveal(panes[(index + step) % len(panes)])

    def toggle_sidebar(self) -> None:
        screen = self.screen
        _, reading, sidebar = self._panes()
        if self._sidebar_overlays():
            if screen.has_class("-sidebar"):
                screen.remove_class("-sidebar")
                self._back()
            else:
                self.reveal(sidebar)
            return
        if screen.has_class("-nosidebar") or screen.has_class("-max"):
            self.reveal(sidebar)
        else:
            screen.add_class("-nosidebar")
            if sidebar.has_focus:
                reading.focus()

    def maximise(self) -> None:
        if self.screen.has_class("-max"):
            self.screen.remove_class("-max")
            return
        self.screen.remove_class("-sidebar")
        self.screen.add_class("-max")
        self.reveal(self._panes()[1])
