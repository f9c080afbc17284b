"""The SQLite connection: PRAGMAs, numbered migrations and explicit write transactions.

Two aiosqlite connections are kept: one for writes, serialised by a lock and always inside
``BEGIN IMMEDIATE`` (Python's implicit transactions lose concurrent read-modify-writes),
and one for reads, which in WAL mode sees only committed data and never waits on a writer.
A third, read-only like the reader, runs full-text searches only: a search may be interrupted
when it runs out of time (SQLite's interrupt stops whatever its connection is running), so it
gets a connection of its own, used one search at a time (``search_lock``). Other reads then
neither wait behind a slow search nor risk being interrupted in its place.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage.connection import TranslatingConnection, connect
from bot.storage.data_version import DataVersionProbe
from bot.storage.errors import DatabaseDamaged, DatabaseError, translate
from bot.storage.migration_files import numbered_migrations

__all__ = ["BUSY_TIMEOUT_MS", "LATEST_VERSION", "Database", "DatabaseError", "open_database"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def migrations() -> list[tuple[int, str, str]]:
    """The numbered SQLite migrations shipped with the package: (version, name, sql), in order."""
    return numbered_migrations("bot.storage")


LATEST_VERSION = len(migrations())


async def _connect(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> TranslatingConnection:
    connection = connect(path)
    try:
        await connection
    except BaseException:
        # aiosqlite queues its worker thread's stop without waiting for it; if the event loop
        # closes first (a one-shot CLI command), the thread prints a traceback from the closed
        # loop. Wait for it here so a file that cannot be opened gives one clean error.
        await asyncio.to_thread(connection._thread.join, 5)
        raise
    try:
        connection.row_factory = aiosqlite.Row
        await connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA synchronous = NORMAL")  # fails if not a database
    except BaseException:
        await connection.close()  # an unclosed connection's thread keeps the process alive
        raise
    return connection


class Database:
    """An open database: ``write()`` for transactions, ``read`` for queries."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        searcher: aiosqlite.Connection,
        probe: DataVersionProbe,
    ):
        self.path = path
        self._writer = writer
        self.read = reader
        # Full-text searches only, one at a time (see the module docstring).
        self.search = searcher
        self.search_lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()
        # Changes on every commit by any connection or process (read caches check it).
        self.data_version = probe.version
        self._probe = probe

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on error.

        SQLite's "database is locked" (another process kept the write lock past the busy
        timeout), "database or disk is full" and "malformed" errors leave the transaction
        rolled back and are raised as a :class:`DatabaseError` with a plain message.
        """
        async with self._write_lock:
            try:
                await self._writer.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as error:
                raise _refused(error) from error
            except DatabaseError:  # translated by the connection; BEGIN opened nothing
                raise
            except BaseException:
                # Cancelled while BEGIN was on its way: aiosqlite's thread still runs it, so
                # end the transaction it opens, or every later write here would be refused.
                await self._rollback()
                raise
            try:
                yield self._writer
            except BaseException as error:
                await self._rollback()
                if isinstance(error, sqlite3.DatabaseError) and translate(error) is not None:
                    raise _refused(error) from error
                raise
            try:
                await self._writer.commit()
            except sqlite3.DatabaseError as error:
                await self._rollback()
                raise _refused(error) from error
            except DatabaseError:  # already translated by the connection
                await self._rollback()
                raise

    async def _rollback(self) -> None:
        # SQLite may already have rolled back (e.g. after SQLITE_FULL); rollback() is then a
        # no-op. A failing rollback must not hide the error that caused it.
        try:
            await self._writer.rollback()
        except (sqlite3.Error, DatabaseError):
            log.warning("rollback failed", exc_info=True)

    async def vacuum_into(self, target: Path) -> None:
        """Write a consistent copy of the database to ``target`` (a new file).

        Runs on the writer, outside any transaction: the reader is ``query_only``, which
        SQLite treats as read-only for ``VACUUM INTO`` too.
        """
        async with self._write_lock:
            await self._writer.execute("VACUUM INTO ?", (str(target),))

    async def close(self) -> None:
        """Close the connections (an unclosed aiosqlite connection hangs interpreter exit)."""
        self._probe.close()
        await self.search.close()
        await self.read.close()
        await self._writer.close()


def _refused(error: sqlite3.DatabaseError) -> DatabaseError:
    """The plain-words error for a failed write; unknown SQLite errors keep their text."""
    mapped = translate(error)
    log.info("database write refused: %s", error)
    return (
        mapped if mapped is not None else DatabaseError(f"the database refused a change: {error}")
    )


async def open_database(
    path: Path, *, migrate: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Database:
    """Open (creating if needed) and migrate the database at ``path``.

    Raises :class:`DatabaseError` with a plain explanation when the file is not a usable
    SQLite database (not SQLite, damaged, a folder, unreadable), rather than silently starting
    a fresh one or failing later in the middle of a command. A damaged file is never written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = reader = searcher = None
    try:
        writer = await _connect(path, busy_timeout_ms)
        await _check_not_damaged(writer, path)
        mode = await writer.execute_fetchall("PRAGMA journal_mode = WAL")
        if next(iter(mode))[0] != "wal":
            raise DatabaseError(f"{path}: could not switch to WAL journal mode")
        if migrate:
            await apply_migrations(writer)
        reader = await _connect(path, busy_timeout_ms)
        await reader.execute("PRAGMA query_only = ON")
        searcher = await _connect(path, busy_timeout_ms)
        await searcher.execute("PRAGMA query_only = ON")
        for opened in (writer, reader, searcher):
            opened.translate_errors()
        return Database(path, writer, reader, searcher, DataVersionProbe(path))
    except (sqlite3.DatabaseError, DatabaseError) as error:
        for connection in (writer, reader, searcher):
            if connection is not None:
                await connection.close()
        if isinstance(error, DatabaseError):
            raise
        raise DatabaseError(f"{path}: cannot open the database: {error}") from None


# Reading every page takes ~10 s for a 4 GB archive: start-up does it only below this size;
# larger files get the cheap checks here and the full one from ``briefbot db check``.
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024


async def _check_not_damaged(connection: aiosqlite.Connection, path: Path) -> None:
    """Refuse a damaged file before anything writes to it.

    A truncated or partly overwritten file often opens fine and only fails on the query that
    reaches the missing pages, so the checks run at start-up rather than mid-command: the
    schema must read, the file must hold every page the database counts, and (for files up to
    ``FULL_CHECK_MAX_BYTES``) ``quick_check`` must pass.
    """
    await connection.execute_fetchall("SELECT count(*) FROM sqlite_master")
    page_size = next(iter(await connection.execute_fetchall("PRAGMA page_size")))[0]
    page_count = next(iter(await connection.execute_fetchall("PRAGMA page_count")))[0]
    size, has_wal = _file_facts(path)
    result = "ok"
    # With a WAL, pages not yet copied back legitimately make the database longer than the file.
    if not has_wal and size < int(page_size) * int(page_count):
        result = f"the file is {size:,} bytes, shorter than the database it holds"
    elif size <= FULL_CHECK_MAX_BYTES:
        rows = list(await connection.execute_fetchall("PRAGMA quick_check(1)"))
        result = str(rows[0][0]) if rows else "ok"
    if result != "ok":
        raise DatabaseDamaged(str(path), result[:120])


def _file_facts(path: Path) -> tuple[int, bool]:
    """The file's size and whether a WAL file sits beside it.

    Only ``stat``: opening and closing the database file from Python would drop the POSIX
    locks SQLite holds on it in this process, which can lose committed data.
    """
    size = path.stat().st_size if path.exists() else 0
    return size, Path(f"{path}-wal").exists()


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
