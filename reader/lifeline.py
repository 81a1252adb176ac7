"""Imported first in a fetch's fork server, and nowhere else: it leaves with the process that started it, even after kill -9.

The fork server outlived a killed ``reader fetch`` (with its resource
tracker and a worker, some 90 MB) under PID 1; its workers leave with it
(:func:`reader.indexing.reading_pool`'s initializer), so they go too.
"""

from reader.background import exit_with_parent

exit_with_parent()
