"""Storage failures in plain words: the one place SQLite's errors become messages for people.

Adapters show a :class:`DatabaseError`'s message as it is (the CLI on one line, Discord
privately), so every message here must be safe and useful to a user: no SQL, no paths.
"""

from __future__ import annotations

import sqlite3


class DatabaseError(RuntimeError):
    """The database cannot be used (unreadable, corrupted, locked or full); says why."""


class DatabaseFull(DatabaseError):
    """A write needed more space than the database may use (disk full or size limit)."""

    def __init__(self) -> None:
        super().__init__("The briefing database is full; nothing was changed.")


class DatabaseBusy(DatabaseError):
    """Another process held the write lock for longer than the busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            "The briefing database is busy (another change is in progress); "
            "nothing was changed. Try again in a moment."
        )


class DatabaseDamaged(DatabaseError):
    """SQLite found the file malformed while reading or writing it."""

    def __init__(self) -> None:
        super().__init__(
            "The briefing database file is damaged; nothing was changed. "
            "Run `briefbot db check` and restore a backup."
        )


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
