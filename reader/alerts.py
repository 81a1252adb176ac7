"""``alert_command`` (config.toml): each alert as one line of text, made
safe, given to the command as one argument; the commands of a fetch run in
a detached process (``python -m reader.alerts``) that waits for each
within a time limit and logs what failed, so nothing waits on them.

The command is split as a shell would split it (:func:`shlex.split`) but
run without a shell: ``%s`` in it stands for the line (as a whole
argument, or inside one), else the line is the last argument. Titles are
untrusted: control characters (and bidirectional overrides) are removed,
and since no shell reads the line, ``$(…)``, backticks or ``;`` in it are
only characters.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from reader.background import LOG, append_log
from reader.model import Alert

TITLES_SHOWN = 3
TIMEOUT_S = 30.0
STDERR_KEPT = 500  # characters of a failed command's error output kept in the log


def plain(text: str) -> str:
    """One line with every control and format character removed."""
    spaced = "".join(" " if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029" else ch for ch in text)
    return " ".join("".join(ch for ch in spaced if unicodedata.category(ch)[0] != "C").split())


def line(alert: Alert) -> str:
    """``NAME: N new — Title; Title; Title``."""
    titles = "; ".join(plain(t) for t in alert.titles[:TITLES_SHOWN])
    more = "; …" if len(alert.titles) > TITLES_SHOWN else ""
    return f"{plain(alert.search)}: {len(alert.new)} new — {titles}{more}"


def arguments(command: str, text: str) -> list[str]:
    """The argument list of ``command`` for one line of text; ValueError
    when the command cannot be split (an unclosed quote) or is empty."""
    parts = shlex.split(command)
    if not parts:
        raise ValueError("alert_command is empty")
    if any("%s" in part for part in parts):
        return [part.replace("%s", text) for part in parts]
    return [*parts, text]


def run(data_dir: Path, command: str, alerts: Sequence[Alert], timeout: float = TIMEOUT_S) -> str | None:
    """Start the commands for these alerts in a detached process and return
    at once; None when it started, else why not, in one line."""
    if not command.strip() or not alerts:
        return None
    try:
        lists = [arguments(command, line(alert)) for alert in alerts]
    except ValueError as error:
        return f"alert_command {command!r}: {error}"
    runner = [sys.executable, "-m", "reader.alerts", "--data-dir", str(data_dir), "--timeout", str(timeout), json.dumps(lists)]
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with open(data_dir / LOG, "ab") as log:
            subprocess.Popen(runner, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    except OSError as error:
        return f"alert_command could not be started: {error}"
    return None


def run_each(data_dir: Path, lists: Sequence[Sequence[str]], timeout: float) -> int:
    """Run each argument list in turn, each within ``timeout`` seconds; a
    failure is logged. Returns how many failed."""
    failed = 0
    for argv in lists:
        problem: str | None = None
        try:
            done = subprocess.run(
                list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=False
            )
            if done.returncode != 0:
                said = done.stderr.decode("utf-8", "replace")[-STDERR_KEPT:].strip()
                problem = f"exit status {done.returncode}" + (f": {said}" if said else "")
        except subprocess.TimeoutExpired:
            problem = f"still running after {timeout:g} s; stopped"
        except OSError as error:
            problem = str(error)
        if problem is not None:
            failed += 1
            append_log(data_dir, f"alert_command failed: {shlex.join(argv)}: {problem}")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.alerts")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S)
    parser.add_argument("lists", help="a JSON array of argument lists")
    args = parser.parse_args()
    os.nice(10)
    run_each(args.data_dir, json.loads(args.lists), args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
