"""The Textual app: bindings with ids, the palette, the config's keymap."""

from __future__ import annotations

import functools
import traceback
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader import config, resources
from reader.library import Library
from reader.ui import commands
from reader.ui.article_list import ArticleList
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.main_screen import MainScreen
from reader.ui.reading_pane import ReadingPane

PANES: tuple[tuple[str, type], ...] = (
    ("Everywhere", MainScreen),
    ("Article list", ArticleList),
    ("Reading pane", ReadingPane),
    ("Sidebar", EntitySidebar),
)


class ReaderApp(App[None]):
    CSS_PATH = str(resources.stylesheet())
    TITLE = "reader"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(self, library: Library, config_file: Path | None = None) -> None:
        super().__init__()
        self.library = library
        self.config_file = config_file
        self.main = MainScreen(library)
        self.keys_in_use: dict[str, str] = {}  # binding id -> its keys, where the config remaps it (the help and the palette say these)

    @classmethod
    def binding_ids(cls) -> set[str]:
        return {b.id for _, owner in cls.binding_owners() for b in _bindings(owner) if b.id}

    @classmethod
    def binding_owners(cls) -> tuple[tuple[str, type], ...]:
        return (("App", ReaderApp), *PANES)

    @classmethod
    def default_keys(cls) -> dict[str, str]:
        return {b.id: b.key for _, owner in cls.binding_owners() for b in _bindings(owner) if b.id}

    def on_mount(self) -> None:
        path = self.config_file or config.config_path()
        loaded = config.load(path, self.binding_ids())
        remaps, unknown = _known_keys(loaded.keys)
        if remaps:
            self.keys_in_use = config.merged_keymap(remaps, self.default_keys())
            self.set_keymap(self.keys_in_use)
        for problem in [loaded.problem] if loaded.problem else []:
            self.notify(problem, severity="error", timeout=10, markup=False)
        if unknown:
            said = ", ".join(f"{key!r} ({binding})" for binding, key in unknown)
            self.notify(f"{path}: not a key: {said}; those bindings keep their default keys", severity="error", timeout=10, markup=False)
        self.main.browser = loaded.browser
        self.main.fetch_every_minutes = loaded.fetch_every_minutes
        self.main.story_read = loaded.story_read
        self.main.alert_command = loaded.alert_command
        theme = config.remembered(self.library.data_dir).get("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.sub_title = _in_view(self.library.view_names())
        self.push_screen(self.main)

    def _theme_changed(self, theme: object) -> None:
        if not self.library.readonly:
            config.remember(self.library.data_dir, theme=self.theme)

    def _handle_exception(self, error: Exception) -> None:
        """A crash: its traceback goes to the log in the data dir; the command
        line says one line (see :func:`run`)."""
        self.library.log("".join(traceback.format_exception(error)))
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        self._exit_renderables.clear()  # the traceback is in the log, not on the terminal

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        owners: list[tuple[commands.RunAction, list[Binding]]] = [
            (self.main.run_action, _bindings(MainScreen)),
            (self.run_action, _bindings(ReaderApp)),
        ]
        for title, text, callback in commands.commands(owners, self.keys_in_use, self._key_display):
            yield SystemCommand(title, text, callback)

    def _key_display(self, key: str) -> str:
        return self.get_key_display(Binding(key, ""))

    def action_help(self) -> None:
        from reader.ui.dialogs import HelpScreen  # the dialogs: imported when first shown, not before the first paint

        if isinstance(self.screen, HelpScreen):
            return
        keymap = self.keys_in_use
        sections = []
        for title, owner in self.binding_owners():
            rows = []
            for b in _bindings(owner):
                if b.system:  # a fixed key doubling a binding listed already
                    continue
                keys = keymap.get(b.id, b.key) if b.id else b.key
                rows.append(
                    (
                        ", ".join(self._key_display(k.strip()) for k in keys.split(",")),
                        b.description or b.action,
                        b.id or "",
                    )
                )
            if owner is ReaderApp:
                rows.append((self._key_display(self.COMMAND_PALETTE_BINDING), "Command palette", ""))
            sections.append((title, rows))
        self.push_screen(HelpScreen(sections))


def _bindings(owner: type) -> list[Binding]:
    found = []
    for item in owner.__dict__.get("BINDINGS", []):
        found.append(item if isinstance(item, Binding) else Binding(*item))
    return found


def run(library: Library, config_file: Path | None = None) -> int:
    """Run the app; its exit status (1 after a crash, logged in the data dir)."""
    with library:
        app = ReaderApp(library, config_file)
        app.run()
    return app.return_code or 0


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _known_keys(remaps: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The remaps whose keys Textual knows, and each (binding id, key) it does
    not (a binding left with no known key keeps its default)."""
    kept: dict[str, str] = {}
    unknown: list[tuple[str, str]] = []
    for binding, keys in remaps.items():
        good: list[str] = []
        for key in (k.strip() for k in keys.split(",") if k.strip()):
            if _is_key(key):
                good.append(key)
            else:
                unknown.append((binding, key))
        if good:
            kept[binding] = ",".join(good)
    return kept, unknown


def _is_key(key: str) -> bool:
    """A key as Textual names it: modifiers, then one character or a key's
    name (``pagedown``, ``f5``, ``question_mark``: a character's Unicode name)."""
    import unicodedata

    *modifiers, name = key.split("+")
    if not name or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(name) == 1 or name in _key_names():
        return True
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return True


@functools.cache
def _key_names() -> frozenset[str]:
    from textual.keys import KEY_ALIASES, Keys

    return frozenset(KEY_ALIASES) | {k.value.split("+")[-1] for k in Keys}


def _in_view(names: list[tuple[str, str]]) -> str:
    """The library in a few words: its one source's name, else how many of each kind («2 folders, 43 feeds»)."""
    if len(names) == 1:
        return names[0][1]
    counts = Counter(kind for kind, _ in names)
    return ", ".join(f"{counts[kind]} {kind}{'s' if counts[kind] != 1 else ''}" for kind in ("folder", "file", "feed") if counts[kind])
