"""The two ends of ``briefbot db copy``: a SQLite file and a PostgreSQL database, each able to
list its tables and columns, read a table in batches inside one snapshot, and write batches
inside one transaction. Values cross in SQLite's text forms (ISO dates, :func:`stamp` times,
JSON text), which is what the PostgreSQL connections speak too (see
:mod:`bot.storage.postgres.database`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from bot.domain.errors import InvalidInput
from bot.storage.codec import stamp
from bot.storage.database import Database
from bot.storage.postgres.database import Connection, PgDatabase

Row = tuple[Any, ...]
BATCH = 2000


def _timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# SQLite's text forms to the driver's native values, by PostgreSQL column type.
_NATIVE: dict[str, Callable[[Any], Any]] = {
    "date": date.fromisoformat,
    "timestamp with time zone": _timestamp,
    "double precision": float,
}


class SqliteSide:
    def __init__(self, database: Database, name: str) -> None:
        self._db = database
        self.name = name
        self._writer: Any = None

    async def tables(self) -> list[str]:
        rows = await self._db.read.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            " AND name NOT LIKE 'entries\\_fts%' ESCAPE '\\'"
            # The outbox feeds SQLite's top-k index (migration 0012) and exists on SQLite only;
            # the target's triggers refill it from the copied entries, so its index is rebuilt.
            " AND name <> 'search_outbox'"
            " ORDER BY name"
        )
        return [str(row[0]) for row in rows]

    async def columns(self, table: str) -> list[str]:
        # table_xinfo's hidden: 0 a stored column, 2 and 3 generated ones (never copied).
        rows = await self._db.read.execute_fetchall(f'PRAGMA table_xinfo("{table}")')
        return [str(row[1]) for row in rows if row[6] == 0]

    async def count(self, table: str) -> int:
        rows = await self._db.read.execute_fetchall(f'SELECT count(*) FROM "{table}"')
        return int(next(iter(rows))[0])

    async def references(self, table: str) -> set[str]:
        """The tables ``table``'s foreign keys point at."""
        rows = await self._db.read.execute_fetchall(f'PRAGMA foreign_key_list("{table}")')
        return {str(row[2]) for row in rows}

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        # One read transaction: every table is read as of the same moment.
        await self._db.read.execute("BEGIN")
        try:
            yield
        finally:
            await self._db.read.execute("COMMIT")

    async def batches(self, table: str, columns: Sequence[str]) -> AsyncIterator[list[Row]]:
        names = ", ".join(f'"{c}"' for c in columns)
        async with self._db.read.execute(f'SELECT {names} FROM "{table}"') as rows:
            while batch := await rows.fetchmany(BATCH):
                yield [tuple(row) for row in batch]

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[SqliteSide]:
        async with self._db.write() as connection:
            self._writer = connection
            try:
                yield self
            finally:
                self._writer = None

    async def insert(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        await self._writer.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    async def clear(self, table: str) -> None:
        await self._writer.execute(f'DELETE FROM "{table}"')

    async def finish(self) -> None:
        """Nothing to do: SQLite's rowids continue from the copied ids by themselves."""


class PgSide:
    def __init__(self, database: PgDatabase, name: str) -> None:
        self._db = database
        self.name = name
        self._connection: Connection = None
        self._types: dict[str, dict[str, str]] = {}

    async def tables(self) -> list[str]:
        rows = await self._db.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " AND table_name <> 'schema_version' ORDER BY table_name"
        )
        return [str(row[0]) for row in rows]

    async def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            rows = await self._db.fetch(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = $1"
                " AND is_generated = 'NEVER' ORDER BY ordinal_position",
                table,
            )
            self._types[table] = {str(row[0]): str(row[1]) for row in rows}
        return self._types[table]

    async def columns(self, table: str) -> list[str]:
        return list(await self._column_types(table))

    async def count(self, table: str) -> int:
        return int(await self._db.fetchval(f'SELECT count(*) FROM "{table}"'))

    async def references(self, table: str) -> set[str]:
        """The tables ``table``'s foreign keys point at."""
        rows = await self._db.fetch(
            "SELECT confrelid::regclass::text FROM pg_constraint"
            " WHERE conrelid = $1::regclass AND contype = 'f'",
            f'"{table}"',
        )
        return {str(row[0]).strip('"') for row in rows}

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        async with (
            self._db.connection() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            self._connection = connection
            try:
                yield
            finally:
                self._connection = None

    async def batches(self, table: str, columns: Sequence[str]) -> AsyncIterator[list[Row]]:
        types = await self._column_types(table)
        # timestamptz reads as "2026-03-01 12:00:00+00": back to the fixed-width text SQLite
        # stores and compares.
        times = [types[c] == "timestamp with time zone" for c in columns]
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = await self._connection.cursor(f'SELECT {names} FROM "{table}"')
        while batch := await cursor.fetch(BATCH):
            yield [
                tuple(
                    stamp(datetime.fromisoformat(v)) if is_time and v is not None else v
                    for v, is_time in zip(row, times, strict=True)
                )
                for row in batch
            ]

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[PgSide]:
        # Binary COPY on a connection of its own (native types, no statement timeout): a
        # million entries arrive in minutes rather than hours of INSERTs.
        async with self._db.dedicated() as connection, connection.transaction():
            self._connection = connection
            try:
                yield self
            finally:
                self._connection = None

    async def insert(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        types = await self._column_types(table)
        convert = [_NATIVE.get(types[c]) for c in columns]
        try:
            records = [
                tuple(
                    f(v) if f is not None and v is not None else v
                    for v, f in zip(row, convert, strict=True)
                )
                for row in rows
            ]
            await self._connection.copy_records_to_table(
                table, records=records, columns=list(columns)
            )
        except (ValueError, asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as error:
            raise InvalidInput(
                f"{table}: a row PostgreSQL cannot store ({type(error).__name__}); "
                "nothing was copied"
            ) from None

    async def clear(self, table: str) -> None:
        await self._connection.execute(f'DELETE FROM "{table}"')

    async def finish(self) -> None:
        """Move every identity sequence past the copied ids (new rows must not collide)."""
        rows = await self._connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for table, column in rows:
            await self._connection.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
                f' coalesce(max("{column}"), 0) + 1, false) FROM "{table}"'
            )
