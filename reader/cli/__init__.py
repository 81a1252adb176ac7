"""The ``reader`` command (SPEC §6). Usage errors exit 2, any other error 1,
each with one line on stderr and never a traceback; a crash also writes
its traceback to ``reader.log`` in the data dir."""

from __future__ import annotations

import argparse
import difflib
import gc
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from reader import __version__
from reader.cli import articles, entities, searches, sources
from reader.cli.common import Command, UsageError, say, warn
from reader.library import SINGLE_THREADED, Library
from reader.model import ReaderError

GLOBAL_OPTIONS = {"--library": "library", "--data-dir": "data_dir", "--config": "config"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


@dataclass(slots=True)
class Globals:
    """The options every command takes, wherever they stand on the line."""

    library: list[Path] = field(default_factory=list)
    data_dir: Path | None = None
    config: Path | None = None


def split_globals(argv: Sequence[str]) -> tuple[Globals, list[str]]:
    """The global options (before or after the subcommand) and the rest."""
    found = Globals()
    rest: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--":
            rest += [arg, *items]
            break
        name, eq, value = arg.partition("=")
        if name not in GLOBAL_OPTIONS:
            rest.append(arg)
            continue
        if not eq:
            value = next(items, "")
        if not value:
            raise UsageError(f"{name} needs a value")
        if name == "--library":
            found.library.append(Path(value))
        else:
            setattr(found, GLOBAL_OPTIONS[name], Path(value))
    return found, rest


def _parser() -> argparse.ArgumentParser:
    options = "options anywhere: --library PATH (repeatable), --data-dir PATH, --config FILE"
    parser = _Parser(
        prog="reader",
        description=f"A terminal news reader. `reader [PATH ...]` opens the app (on PATHs, or on the library). Commands: {', '.join(COMMANDS)}; {options}.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name, command in COMMANDS.items():
        command.arguments(commands.add_parser(name, help=command.help))
    return parser


def _search_args(rest: list[str]) -> list[str]:
    """``search`` takes words like ``-Токаев`` as query, not options."""
    known = {"--json", "--limit", "-h", "--help"}
    flags: list[str] = []
    words: list[str] = []
    items = iter(rest[1:])
    for arg in items:
        name = arg.partition("=")[0]
        if name in known:
            flags.append(arg)
            if arg == "--limit":
                flags.append(next(items, ""))
        elif arg == "--":
            words += list(items)
        else:
            words.append(arg)
    return [rest[0], *flags, "--", *words]


def _launch_paths(rest: list[str]) -> list[Path]:
    """The paths of ``reader PATH ...``; a word that is neither a command nor
    a path is a usage error, with the nearest command."""
    paths = []
    for word in rest:
        if word == "--":
            continue
        if word.startswith("-") or not Path(word).exists():
            near = difflib.get_close_matches(word, COMMANDS, n=1)
            hint = f"; did you mean `reader {near[0]}`?" if near else f"; commands: {', '.join(COMMANDS)}"
            kind = "option" if word.startswith("-") else "command, file or folder"
            raise UsageError(f"no such {kind}: {word!r}{hint}")
        paths.append(Path(word))
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    for name, value in SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    given = Globals()
    try:
        given, rest = split_globals(args_list)
        if (rest and rest[0] in COMMANDS) or rest[:1] in (["-h"], ["--help"], ["--version"]):
            if rest[0] == "search":
                rest = _search_args(rest)
            args = _parser().parse_args(rest)
            if getattr(args, "limit", None) is not None and args.limit < 1:
                raise UsageError("--limit must be at least 1")
            for path in given.library:
                if not path.exists():
                    raise ReaderError(f"{path}: no such file or folder")
            gc.enable()  # off while starting (reader/__main__.py); the app turns it on after its first paint
            return _run(args, given, err)
        return _launch(given, _launch_paths(rest), err)
    except UsageError as error:
        say(err, f"reader: error: {error}")
        return 2
    except OSError as error:
        say(err, f"reader: error: {_os_error(error)}")
        return 1
    except (ReaderError, ValueError) as error:
        say(err, f"reader: error: {error}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: one line here, the traceback in the log
        say(err, f"reader: internal error: {type(error).__name__}: {error} (details in {log_crash(given.data_dir)})")
        return 1


def _os_error(error: OSError) -> str:
    """A file's error as a person says it («x.md: no such file or directory»),
    not as Python does («[Errno 2] No such file or directory: 'x.md'»)."""
    if error.filename is None or not error.strerror:
        return str(error)
    return f"{error.filename}: {error.strerror[:1].lower()}{error.strerror[1:]}"


def log_crash(data_dir: Path | None) -> Path:
    """Append the traceback being handled to the log; returns where it went."""
    try:
        return Library(data_dir=data_dir).log(traceback.format_exc())
    except OSError:
        return Path("(no log: the data dir cannot be written)")


def _launch(given: Globals, paths: list[Path], err: Console) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the reader needs a terminal; without one, use a command such as `reader list` or `reader search WORDS`")
    if paths:  # opened once more only to add them: the app's own opening comes next
        with Library(data_dir=given.data_dir) as registry:
            for path in paths if not registry.readonly else []:
                if registry.add_source(path):
                    say(err, f"reader: added {path.absolute()} to the library's sources")
    library = Library(paths or given.library or None, given.data_dir)
    from reader.ui.app import run

    code = run(library, given.config)
    if code:
        say(err, f"reader: the app stopped on an error (details in {library.log_path})")
    return code


def _run(args: argparse.Namespace, given: Globals, err: Console) -> int:
    paths = getattr(args, "paths", None) or []
    library = Library(paths or given.library or None, given.data_dir)
    command = COMMANDS[args.command]
    args.config_file = given.config  # a command that reads the config (a fetch's alert_command)
    with library:
        for line in library.said:
            say(err, f"reader: {line}")
        for warning in library.warnings:
            warn(err, warning)
        if command.refresh:
            for problem in library.refresh().warnings:
                warn(err, str(problem))
        return command.run(library, args, err)


# The one dispatch table: every subcommand, its arguments and what it does.
COMMANDS: dict[str, Command] = {**articles.COMMANDS, **sources.COMMANDS, **searches.COMMANDS, **entities.COMMANDS}
