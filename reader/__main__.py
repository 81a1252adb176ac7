"""``python -m reader`` and the ``reader`` command."""


def main() -> int:
    # The CLI is imported here, not at the top: a worker process (a fetch's,
    # an index's) imports the main module again before its first task, and
    # needs none of the CLI (Rich, the library facade: 0.2-0.3 s a worker).
    from reader.cli import main as run

    return run()


if __name__ == "__main__":
    raise SystemExit(main())
