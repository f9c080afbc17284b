"""The PostgreSQL connection pool: settings, text codecs, numbered migrations, transactions.

Dates and times cross the driver as ISO text (``date`` and ``timestamptz`` get text codecs,
``json`` is text in asyncpg already), exactly what SQLite stores, so the row builders and the
codec of :mod:`bot.storage` serve both backends; the server still stores and compares them
typed. Every session runs in UTC, so a ``timestamptz`` reads back as ``…+00``.

Writes go through :meth:`PgDatabase.write`: one transaction on one pooled connection,
optionally holding a transaction-scoped advisory lock that serialises one kind of
read-modify-write across every process (what ``BEGIN IMMEDIATE`` does for SQLite).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg

from bot.storage.migration_files import numbered_migrations
from bot.storage.postgres.errors import translate, unavailable
from bot.storage.url import DatabaseUrl, password_of

log = logging.getLogger(__name__)

Record = Any  # asyncpg.Record: row["column"] and row[0], as sqlite3.Row
Connection = Any  # asyncpg.Connection (asyncpg ships no type hints)


def migrations() -> list[tuple[int, str, str]]:
    """The numbered PostgreSQL migrations: the same numbers and meaning as SQLite's."""
    return numbered_migrations("bot.storage.postgres")


LATEST_VERSION = len(migrations())
_UNREADABLE = (
    "the URL cannot be read; percent-encode any of : / @ ? # % in the user name or password"
    " (/ is %2F, @ is %40)"
)
# pg_advisory_lock key of the migration runner: processes starting together migrate once.
_MIGRATION_LOCK = 0x62726965  # "brie"


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """``BRIEFBOT_PG_*``: pool sizes per process, and how long one statement or lock wait may
    take before the person reads "busy, try again" instead of waiting on a stuck server."""

    min_size: int = 1
    max_size: int = 10
    statement_timeout_ms: int = 15_000
    lock_timeout_ms: int = 5_000
    connect_timeout_s: float = 10.0


class PgDatabase:
    """An open pool: ``fetch``/``fetchrow``/``fetchval`` read, ``write()`` is a transaction."""

    def __init__(self, pool: Any, url: DatabaseUrl) -> None:
        self._pool = pool
        self.url = url

    async def fetch(self, sql: str, *args: Any) -> list[Record]:
        async with self._translated():
            return list(await self._pool.fetch(sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> Record | None:
        async with self._translated():
            return await self._pool.fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self._translated():
            return await self._pool.fetchval(sql, *args)

    @asynccontextmanager
    async def write(self, lock: str | None = None) -> AsyncIterator[Connection]:
        """One transaction: committed on success, rolled back on error.

        ``lock`` names a transaction-scoped advisory lock taken first: writers holding the
        same name run one at a time across every process (waiting at most the lock timeout).
        """
        async with (
            self._translated(),
            self._pool.acquire() as connection,
            connection.transaction(),
        ):
            if lock is not None:
                await connection.execute("SELECT pg_advisory_xact_lock($1)", lock_key(lock))
            yield connection

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A pooled connection outside any transaction (for reads that need several queries)."""
        async with self._translated(), self._pool.acquire() as connection:
            yield connection

    @asynccontextmanager
    async def _translated(self) -> AsyncIterator[None]:
        try:
            yield
        except Exception as error:
            mapped = translate(error, str(self.url))
            if mapped is None or mapped is error:
                raise
            log.info("database refused: %s", _scrubbed(str(error), self.url))
            raise mapped from None

    async def close(self) -> None:
        await self._pool.close()


def lock_key(name: str) -> int:
    """A stable 32-bit advisory lock key for a name (the same in every process)."""
    return zlib.crc32(name.encode()) - (1 << 31)


async def _init_connection(connection: Connection) -> None:
    # ISO text in and out for dates and times, as SQLite stores them (see the module doc).
    for type_name in ("date", "timestamptz"):
        await connection.set_type_codec(
            type_name, schema="pg_catalog", encoder=str, decoder=str, format="text"
        )


async def open_postgres(
    url: DatabaseUrl, settings: PoolSettings | None = None, *, migrate: bool = True
) -> PgDatabase:
    """Connect a pool to ``url`` (migrating the schema unless ``migrate`` is False).

    Raises :class:`~bot.domain.errors.DatabaseUnavailable` naming the server (never the
    password) when it cannot be reached or refuses the login.
    """
    settings = settings or PoolSettings()
    where = str(url)
    try:
        pool = await asyncpg.create_pool(
            url.secret,
            min_size=settings.min_size,
            max_size=settings.max_size,
            timeout=settings.connect_timeout_s,
            init=_init_connection,
            server_settings={
                "TimeZone": "UTC",
                "DateStyle": "ISO, YMD",
                "statement_timeout": str(settings.statement_timeout_ms),
                "lock_timeout": str(settings.lock_timeout_ms),
                "application_name": "briefbot",
            },
        )
    except Exception as error:
        mapped = translate(error, where)
        if mapped is None:
            # A malformed URL or an option the driver refuses: say so, without its text
            # (which may quote the URL, password included).
            reason = _UNREADABLE if isinstance(error, ValueError) else type(error).__name__
            raise unavailable(where, ValueError(reason)) from None
        raise unavailable(where, ValueError(_scrubbed(str(error), url))) from None
    database = PgDatabase(pool, url)
    try:
        if migrate:
            async with database.connection() as connection:
                await apply_migrations(connection)
    except BaseException:
        await pool.close()
        raise
    return database


def _scrubbed(text: str, url: DatabaseUrl) -> str:
    """``text`` without the URL's password, should a driver message ever quote it."""
    password = password_of(url.secret)
    return text.replace(password, "***") if password else text


async def schema_version(connection: Connection) -> int:
    exists = await connection.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await connection.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))


async def apply_migrations(connection: Connection, target: int | None = None) -> int:
    """Apply pending migrations (up to ``target``), each in its own transaction.

    A session advisory lock makes processes that start together take turns: the first
    migrates, the others then find nothing left to do.
    """
    await connection.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        current = await schema_version(connection)
        if current > LATEST_VERSION:
            raise unavailable(
                "PostgreSQL",
                ValueError(
                    f"the database is at schema {current}, newer than this program "
                    f"({LATEST_VERSION})"
                ),
            )
        for version, name, sql in migrations():
            if version <= current or (target is not None and version > target):
                continue
            log.info("applying migration %s", name)
            async with connection.transaction():
                await connection.execute(sql)
                await connection.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)", version, name
                )
            current = version
        return current
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)


def affected(status: str) -> int:
    """The row count of a command status (``UPDATE 1``, ``INSERT 0 1``, ``DELETE 0``)."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
