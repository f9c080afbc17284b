"""Storage failures in plain words: the one place SQLite's errors become user errors.

The errors themselves live in :mod:`bot.domain.errors` (every adapter describes them the
same way); this module decides which SQLite failure is which. Every connection of
:class:`~bot.storage.database.Database` runs its statements through :func:`translate`,
readers included, so SQLite's own text never reaches an adapter.
"""

from __future__ import annotations

import sqlite3

from bot.domain.errors import DatabaseBusy, DatabaseDamaged, DatabaseFull, DatabaseUnavailable

# The storage name of the domain's error (kept: the CLI and start-up code raise it by it).
DatabaseError = DatabaseUnavailable

__all__ = ["DatabaseBusy", "DatabaseDamaged", "DatabaseError", "DatabaseFull", "translate"]


def translate(error: BaseException) -> DatabaseError | None:
    """The plain-words error for a SQLite failure people can hit, or None for other errors.

    ``database is locked`` / ``database table is locked`` (SQLITE_BUSY, SQLITE_LOCKED),
    ``database or disk is full`` (SQLITE_FULL, also raised at ``PRAGMA max_page_count``),
    and ``database disk image is malformed`` / ``file is not a database`` (corruption).
    """
    if isinstance(error, DatabaseError):
        return error
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error).lower()
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text:
        return DatabaseFull()
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "is locked" in text:
        return DatabaseBusy()
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text:
        return DatabaseDamaged()
    return None
