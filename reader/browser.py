"""Opening a link in the user's browser, with an honest answer.

``browser`` in config.toml names the command (``%u`` is the URL, else the
URL is added at the end), as newsboat's ``browser`` setting does. Without
one, Python's ``webbrowser`` finds the system's. A failure (no browser, a
command that is not there or exits with an error at once) comes back as
one line to show, never an exception.
"""

from __future__ import annotations

import shlex
import subprocess
import webbrowser
from urllib.parse import urlsplit

from reader.sanitize import clean_line

SETTLE_S = 1.0  # a browser that fails says so at once; one still running has opened


def open_url(url: str, command: str = "") -> str | None:
    """Open ``url``; None when it opened, else why not."""
    if urlsplit(url).scheme.lower() not in ("http", "https", "mailto"):
        return f"not a web link: {clean_line(url)[:200]}"
    if command.strip():
        try:
            words = shlex.split(command)
        except ValueError as error:
            return f"the browser setting is not a valid command ({error})"
        argv = [w.replace("%u", url) for w in words] if any("%u" in w for w in words) else [*words, url]
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        except OSError as error:
            return f"the browser {words[0]!r} could not be started: {error.strerror or error}"
        try:
            code = process.wait(timeout=SETTLE_S)
        except subprocess.TimeoutExpired:
            return None  # still running: it opened
        return None if code == 0 else f"the browser {words[0]!r} failed (exit status {code})"
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error as error:
        return f"no browser could be opened ({error}); set browser in config.toml"
    return None if opened else 'no browser could be opened; set browser = "COMMAND %u" in config.toml'
