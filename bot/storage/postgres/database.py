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
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import asyncpg

from bot.domain.errors import InvalidInput
from bot.storage.postgres.data_version import NotifiedVersion
from bot.storage.postgres.errors import translate, unavailable
from bot.storage.postgres.migrate import (
    LATEST_VERSION,
    apply_migrations,
    migrations,
    schema_version,
)
from bot.storage.url import DatabaseUrl, password_of

__all__ = [
    "LATEST_VERSION",
    "PgDatabase",
    "PoolSettings",
    "apply_migrations",
    "migrations",
    "open_postgres",
    "schema_version",
]

log = logging.getLogger(__name__)

Record = Any  # asyncpg.Record: row["column"] and row[0], as sqlite3.Row
Connection = Any  # asyncpg.Connection (asyncpg ships no type hints)


_UNREADABLE = (
    "the URL cannot be read; percent-encode any of : / @ ? # % in the user name or password"
    " (/ is %2F, @ is %40)"
)


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """``BRIEFBOT_PG_*``: pool sizes per process, and how long one statement or lock wait may
    take before the person reads "busy, try again" instead of waiting on a stuck server."""

    min_size: int = 1
    max_size: int = 10
    statement_timeout_ms: int = 15_000
    lock_timeout_ms: int = 5_000
    connect_timeout_s: float = 10.0


# A connection the server dropped (restart, failover, an operator's pg_terminate_backend): the
# pool only notices when it is next used. Nothing ran on it, so the work is tried again on
# another (a new one once the idle ones are used up).
_DROPPED = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.InternalClientError,  # the server's goodbye arrived while the connection idled
)


class PgDatabase:
    """An open pool: ``fetch``/``fetchrow``/``fetchval`` read, ``write()`` is a transaction."""

    def __init__(
        self, pool: Any, url: DatabaseUrl, settings: PoolSettings, versions: NotifiedVersion
    ) -> None:
        self._pool = pool
        self._versions = versions
        self.url = url
        self._settings = settings
        # Every idle connection may have been dropped at once: one more try than the pool has.
        self._attempts = settings.max_size + 1

    async def data_version(self) -> int:
        """Moves on every commit by any process, without a round trip (see
        :mod:`bot.storage.postgres.data_version`)."""
        return await self._versions.current()

    async def fetch(self, sql: str, *args: Any) -> list[Record]:
        return list(await self._read("fetch", sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> Record | None:
        return await self._read("fetchrow", sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._read("fetchval", sql, *args)

    async def _read(self, method: str, sql: str, *args: Any) -> Any:
        async with self._translated():
            for attempt in range(self._attempts):
                try:
                    return await getattr(self._pool, method)(sql, *args)
                except _DROPPED as error:
                    if attempt + 1 == self._attempts:
                        raise unavailable(str(self.url), error) from None
            raise AssertionError("unreachable")

    @asynccontextmanager
    async def write(self, lock: str | None = None) -> AsyncIterator[Connection]:
        """One transaction: committed on success, rolled back on error.

        ``lock`` names a transaction-scoped advisory lock taken first: writers holding the
        same name run one at a time across every process (waiting at most the lock timeout).
        """
        async with self._translated():
            connection, transaction = await self._begin()
            try:
                if lock is not None:
                    await connection.execute("SELECT pg_advisory_xact_lock($1)", lock_key(lock))
                yield connection
            except BaseException:
                await _quietly(transaction.rollback())
                raise
            else:
                await transaction.commit()
                self._versions.bump()
            finally:
                await self._pool.release(connection)

    async def _begin(self) -> tuple[Connection, Any]:
        """A pooled connection with its transaction begun (a dropped one is replaced: BEGIN
        is the first thing it is asked, so nothing of the write ran on it)."""
        for attempt in range(self._attempts):
            connection = await self._pool.acquire()
            transaction = connection.transaction()
            try:
                await transaction.start()
            except _DROPPED as error:
                await self._pool.release(connection)
                if attempt + 1 == self._attempts:
                    raise unavailable(str(self.url), error) from None
                continue
            except BaseException:
                await self._pool.release(connection)
                raise
            return connection, transaction
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A pooled connection outside any transaction (for reads that need several queries),
        checked alive first."""
        async with self._translated():
            for attempt in range(self._attempts):
                connection = await self._pool.acquire()
                try:
                    await connection.execute("SELECT 1")
                except _DROPPED as error:
                    await self._pool.release(connection)
                    if attempt + 1 == self._attempts:
                        raise unavailable(str(self.url), error) from None
                    continue
                try:
                    yield connection
                finally:
                    await self._pool.release(connection)
                return

    @asynccontextmanager
    async def dedicated(self) -> AsyncIterator[Connection]:
        """A connection of its own, outside the pool, with the driver's native types (dates
        as ``date``): what binary ``COPY`` (``briefbot db copy``) needs."""
        async with self._translated():
            connection = await asyncpg.connect(
                self.url.secret,
                timeout=self._settings.connect_timeout_s,
                server_settings={**_server_settings(self._settings), "statement_timeout": "0"},
            )
            try:
                yield connection
            finally:
                await connection.close()
                self._versions.bump()  # it may have written (``db copy``)

    @asynccontextmanager
    async def _translated(self) -> AsyncIterator[None]:
        try:
            yield
        except asyncpg.CharacterNotInRepertoireError:
            # A NUL in text: PostgreSQL cannot store or compare it (validated entries never
            # hold one; this is a lookup or a platform's text).
            raise InvalidInput("the text contains a NUL character; remove it") from None
        except Exception as error:
            mapped = translate(error, str(self.url))
            if mapped is None or mapped is error:
                raise
            log.info("database refused: %s", _scrubbed(str(error), self.url))
            raise mapped from None

    async def close(self) -> None:
        await self._versions.close()
        await self._pool.close()


async def _quietly(step: Awaitable[Any]) -> None:
    # A rollback on a connection that broke must not hide the error that broke it.
    try:
        await step
    except Exception:
        log.warning("rollback failed", exc_info=True)


def _server_settings(settings: PoolSettings) -> dict[str, str]:
    return {
        "TimeZone": "UTC",
        "DateStyle": "ISO, YMD",
        "statement_timeout": str(settings.statement_timeout_ms),
        "lock_timeout": str(settings.lock_timeout_ms),
        "application_name": "briefbot",
    }


def lock_key(name: str) -> int:
    """A stable 32-bit advisory lock key for a name (the same in every process)."""
    return zlib.crc32(name.encode()) - (1 << 31)


async def _init_connection(versions: NotifiedVersion, connection: Connection) -> None:
    versions.own(connection)
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
    connecting = {
        "timeout": settings.connect_timeout_s,
        "server_settings": _server_settings(settings),
    }
    versions = NotifiedVersion(partial(asyncpg.connect, url.secret, **connecting))
    try:
        pool = await asyncpg.create_pool(
            url.secret,
            min_size=settings.min_size,
            max_size=settings.max_size,
            init=partial(_init_connection, versions),
            **connecting,
        )
    except Exception as error:
        mapped = translate(error, where)
        if mapped is None:
            # A malformed URL or an option the driver refuses: say so, without its text
            # (which may quote the URL, password included).
            reason = _UNREADABLE if isinstance(error, ValueError) else type(error).__name__
            raise unavailable(where, ValueError(reason)) from None
        raise unavailable(where, ValueError(_scrubbed(str(error), url))) from None
    database = PgDatabase(pool, url, settings, versions)
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


def affected(status: str) -> int:
    """The row count of a command status (``UPDATE 1``, ``INSERT 0 1``, ``DELETE 0``)."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0
