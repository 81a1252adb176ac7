"""Feeds: fetch (HTTP), parse (feed formats -> items), write (items ->
Markdown files with front matter) and OPML import/export.

The entry point for the library facade is :func:`reader.feeds.run.fetch_all`;
it writes only files under each feed's folder and never touches SQLite.
Importing this package imports nothing heavy.
"""
