"""The Textual user interface. Everything else in reader works without it."""
