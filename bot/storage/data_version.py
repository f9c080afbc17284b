"""Has anything been committed since last time? ``PRAGMA data_version``, without a thread hop.

SQLite changes the value one connection reports whenever *another* connection commits: the
writer of this process, or any other process on the same file. Reading it touches only the
WAL index in shared memory (~4 µs), so it runs synchronously on the event loop, where an
aiosqlite query would cost a round trip to the connection's thread (0.3–2 ms on a busy
machine). That makes it cheap enough to check before every cached read.

The probe has its own connection, which never writes (so it sees every commit as another
connection's) and never waits: with ``busy_timeout`` 0 a busy database raises at once, and the
probe then answers a value it never gave before, so callers read the database afresh.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path


class DataVersionProbe:
    """``PRAGMA data_version`` on a dedicated read-only connection, used on the loop thread."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(str(path), isolation_level=None)
        self._connection.execute("PRAGMA busy_timeout = 0")
        self._connection.execute("PRAGMA query_only = ON")
        # Negative values never collide with SQLite's, which are positive.
        self._unknown = itertools.count(-1, -1)

    def version(self) -> int:
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return next(self._unknown)
        return int(row[0])

    def close(self) -> None:
        self._connection.close()
