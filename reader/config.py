"""The user's config file: a TOML file in the platform's config dir (env
``READER_CONFIG`` names another). ``[keys]`` remaps bindings by id."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs


def config_path() -> Path:
    env = os.environ.get("READER_CONFIG")
    return Path(env) if env else Path(platformdirs.user_config_dir("reader", appauthor=False)) / "config.toml"


@dataclass(frozen=True, slots=True)
class Config:
    keys: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # said once to the user; the defaults are used


def load(path: Path, binding_ids: set[str]) -> Config:
    """The config, or the defaults with what is wrong in ``problem``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        return Config(problem=f"{path}: cannot be read ({error}); default keys are used")
    except tomllib.TOMLDecodeError as error:
        return Config(problem=f"{path}: not valid TOML ({error}); default keys are used")
    keys = raw.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) and v.strip() for v in keys.values()):
        return Config(problem=f'{path}: [keys] maps binding ids to keys, like quit = "ctrl+q"; default keys are used')
    unknown = sorted(set(keys) - binding_ids)
    if unknown:
        known = {k: v for k, v in keys.items() if k in binding_ids}
        return Config(known, f"{path}: unknown binding ids {', '.join(unknown)}; known ids: {', '.join(sorted(binding_ids))}")
    return Config(dict(keys))
