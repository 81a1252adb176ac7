"""The user's config file: a TOML file in the platform's config dir (env
``READER_CONFIG`` names another). ``[keys]`` remaps bindings by id;
``browser`` names the command that opens links (``%u`` stands for the URL,
else it is added at the end); ``fetch_every_minutes`` fetches every feed
that often while the app runs (0, the default: only on ``r``);
``alert_command`` runs for each alert of a fetch (``%s`` stands for its
line, see :mod:`reader.alerts`); ``story_read`` says what opening an article
marks read: its whole story (``"story"``, the default) or the article alone
(``"article"``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

STORY_READ = ("story", "article")


def config_path() -> Path:
    env = os.environ.get("READER_CONFIG")
    return Path(env) if env else Path(platformdirs.user_config_dir("reader", appauthor=False)) / "config.toml"


@dataclass(frozen=True, slots=True)
class Config:
    keys: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # said once to the user; the defaults are used
    browser: str = ""
    fetch_every_minutes: int = 0
    alert_command: str = ""
    story_read: str = "story"  # story | article


def load(path: Path, binding_ids: set[str] | None) -> Config:
    """The config, or the defaults with what is wrong in ``problem``.
    ``binding_ids``: the app's, to check ``[keys]`` against (None: the
    keys are not read, as on the command line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        return Config(problem=f"{path}: cannot be read ({error}); default keys are used")
    import tomllib  # with a config file only: not before the first paint of the app without one

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Config(problem=f"{path}: not valid TOML ({error}); default keys are used")
    browser = raw.get("browser", "")
    if not isinstance(browser, str):
        return Config(problem=f'{path}: browser is a command, like browser = "firefox %u"; the system browser is used')
    every = raw.get("fetch_every_minutes", 0)
    if not isinstance(every, int) or isinstance(every, bool) or every < 0:
        return Config(
            problem=f"{path}: fetch_every_minutes is a whole number of minutes, like 30; feeds are fetched on r only", browser=browser
        )
    alert = raw.get("alert_command", "")
    if not isinstance(alert, str):
        return Config(
            problem=f'{path}: alert_command is a command, like alert_command = "notify-send reader %s"; no command runs on alerts'
        )
    loaded = _keys(path, raw, binding_ids, browser) if binding_ids is not None else Config(browser=browser)
    story_read = raw.get("story_read", "story")
    if story_read not in STORY_READ:
        problem = f'{path}: story_read is "story" or "article"; opening an article marks its story read'
        return Config(loaded.keys, loaded.problem or problem, loaded.browser, every, alert)
    return Config(loaded.keys, loaded.problem, loaded.browser, every, alert, str(story_read))


def _keys(path: Path, raw: dict[str, object], binding_ids: set[str], browser: str) -> Config:
    keys = raw.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) and v.strip() for v in keys.values()):
        return Config(problem=f'{path}: [keys] maps binding ids to keys, like quit = "ctrl+q"; default keys are used', browser=browser)
    unknown = sorted(set(keys) - binding_ids)
    if unknown:
        known = {k: v for k, v in keys.items() if k in binding_ids}
        return Config(known, f"{path}: unknown binding ids {', '.join(unknown)}; known ids: {', '.join(sorted(binding_ids))}", browser)
    return Config(dict(keys), browser=browser)


# Keys a remap adds to rather than replaces: remapping list.down to "x" keeps ↓.
KEPT_KEYS = frozenset({"up", "down", "left", "right", "home", "end", "pageup", "pagedown", "enter", "escape", "tab", "shift+tab"})


def merged_keymap(remaps: dict[str, str], defaults: dict[str, str]) -> dict[str, str]:
    """The keymap to install: each remapped id gets its new keys plus the
    arrow and navigation keys its default had."""
    out = {}
    for binding_id, keys in remaps.items():
        wanted = [k.strip() for k in keys.split(",") if k.strip()]
        kept = [k.strip() for k in defaults.get(binding_id, "").split(",") if k.strip() in KEPT_KEYS]
        out[binding_id] = ",".join(dict.fromkeys([*wanted, *kept]))
    return out


# -- what the app remembers between runs (not the user's config file) ----------

UI_STATE = "ui.json"


def remembered(data_dir: Path) -> dict[str, str]:
    """The app's remembered choices (the theme), or nothing."""
    try:
        raw = json.loads((data_dir / UI_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(raw, dict) else {}


def remember(data_dir: Path, **choices: str) -> bool:
    """Keep these choices for the next run (atomically); False when the data dir is not writable."""
    state = {**remembered(data_dir), **choices}
    path = data_dir / UI_STATE
    tmp = path.with_name(f".{UI_STATE}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return False
    return True
