"""``python -m reader`` and the ``reader`` command."""

import gc


def main() -> int:
    # No garbage collection until the app's first paint (the main screen turns
    # it on again) or a command's start: the imports and Textual's start make
    # objects that live as long as the process, and each collection would only
    # walk them again (60-80 ms of the app's launch).
    gc.disable()
    # The CLI is imported here, not at the top: a worker process (a fetch's,
    # an index's) imports the main module again before its first task, and
    # needs none of the CLI (Rich, the library facade: 0.2-0.3 s a worker).
    from reader.cli import main as run

    return run()


if __name__ == "__main__":
    raise SystemExit(main())
