"""The SQLite connection: PRAGMAs, numbered migrations and explicit write transactions.

Two aiosqlite connections are kept: one for writes, serialised by a lock and always inside
``BEGIN IMMEDIATE`` (Python's implicit transactions lose concurrent read-modify-writes),
and one for reads, which in WAL mode sees only committed data and never waits on a writer.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(RuntimeError):
    """The database cannot be used (unreadable, corrupted, locked or full); says why."""


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package: (version, name, sql), in order."""
    found = []
    for item in resources.files("bot.storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append((int(match.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


LATEST_VERSION = len(migrations())


async def _connect(path: Path) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")  # fails if not a database
    except BaseException:
        await connection.close()  # an unclosed connection's thread keeps the process alive
        raise
    return connection


class Database:
    """An open database: ``write()`` for transactions, ``read`` for queries."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self.read = reader
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on error."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.rollback()
                raise
            await self._writer.commit()

    async def vacuum_into(self, target: Path) -> None:
        """Write a consistent copy of the database to ``target`` (a new file).

        Runs on the writer, outside any transaction: the reader is ``query_only``, which
        SQLite treats as read-only for ``VACUUM INTO`` too.
        """
        async with self._write_lock:
            await self._writer.execute("VACUUM INTO ?", (str(target),))

    async def close(self) -> None:
        """Close both connections (an unclosed aiosqlite connection hangs interpreter exit)."""
        await self.read.close()
        await self._writer.close()


async def open_database(path: Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at ``path``.

    Raises :class:`DatabaseError` with a plain explanation when the file is not a usable
    SQLite database, rather than silently starting a fresh one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = reader = None
    try:
        writer = await _connect(path)
        mode = await writer.execute_fetchall("PRAGMA journal_mode = WAL")
        if next(iter(mode))[0] != "wal":
            raise DatabaseError(f"{path}: could not switch to WAL journal mode")
        if migrate:
            await apply_migrations(writer)
        reader = await _connect(path)
        await reader.execute("PRAGMA query_only = ON")
        return Database(path, writer, reader)
    except (sqlite3.DatabaseError, DatabaseError) as error:
        for connection in (writer, reader):
            if connection is not None:
                await connection.close()
        if isinstance(error, DatabaseError):
            raise
        raise DatabaseError(f"{path}: cannot open the database: {error}") from None


async def schema_version(connection: aiosqlite.Connection) -> int:
    rows = await connection.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def apply_migrations(connection: aiosqlite.Connection, target: int | None = None) -> int:
    """Apply pending migrations (up to ``target``) each in its own transaction."""
    current = await schema_version(connection)
    if current > LATEST_VERSION:
        raise DatabaseError(
            f"the database is at schema {current}, newer than this program ({LATEST_VERSION})"
        )
    for version, name, sql in migrations():
        if version <= current or (target is not None and version > target):
            continue
        log.info("applying migration %s", name)
        await connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            await connection.rollback()
            raise
        await connection.commit()
        current = version
    return current


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit on its own)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements
