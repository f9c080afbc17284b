"""An aiosqlite connection whose SQLite failures people can hit arrive as user errors.

Every statement of every connection goes through ``Connection._execute`` (cursors call it
too), so translating there covers readers, the search connection and the writer alike: a
read that meets a damaged page says "damaged" on every platform instead of surfacing
SQLite's own text, or an error id, depending on which adapter happened to run it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.errors import translate

# aiosqlite's default: rows fetched per round trip to the connection's thread.
ITER_CHUNK_SIZE = 64


class TranslatingConnection(aiosqlite.Connection):
    """Raises :func:`~bot.storage.errors.translate`'s error for busy, full and damaged files.

    Off until :meth:`translate_errors` is called: opening the database reports its own,
    more detailed reasons (with the file's path) for the operator.
    """

    _translating = False

    def translate_errors(self) -> None:
        self._translating = True

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        except sqlite3.DatabaseError as error:
            mapped = translate(error) if self._translating else None
            if mapped is None:
                raise
            raise mapped from error


def connect(path: Path) -> TranslatingConnection:
    """Like ``aiosqlite.connect(path, isolation_level=None)``, translating once enabled."""

    def connector() -> sqlite3.Connection:
        # Autocommit: writes open their own BEGIN IMMEDIATE (see bot.storage.database).
        return sqlite3.connect(str(path), isolation_level=None)

    return TranslatingConnection(connector, ITER_CHUNK_SIZE)
