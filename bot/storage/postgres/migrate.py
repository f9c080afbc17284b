"""Numbered PostgreSQL migrations (``migrations/``: the same numbers and meaning as SQLite's),
tracked in a ``schema_version`` table and applied one transaction each."""

from __future__ import annotations

import logging
from typing import Any

from bot.storage.migration_files import numbered_migrations
from bot.storage.postgres.errors import unavailable

log = logging.getLogger(__name__)

Connection = Any  # asyncpg.Connection


def migrations() -> list[tuple[int, str, str]]:
    """The numbered PostgreSQL migrations: the same numbers and meaning as SQLite's."""
    return numbered_migrations("bot.storage.postgres")


LATEST_VERSION = len(migrations())
# pg_advisory_lock key of the migration runner: processes starting together migrate once.
_MIGRATION_LOCK = 0x62726965  # "brie"


async def schema_version(connection: Connection) -> int:
    exists = await connection.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await connection.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))


async def apply_migrations(connection: Connection, target: int | None = None) -> int:
    """Apply pending migrations (up to ``target``), each in its own transaction.

    A session advisory lock makes processes that start together take turns: the first
    migrates, the others then find nothing left to do. Neither the wait nor a migration has a
    time limit (building an index over a million entries takes longer than any one request
    may); the pool's limits come back afterwards.
    """
    await connection.execute("SET statement_timeout = 0; SET lock_timeout = 0")
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
        await connection.execute("RESET statement_timeout; RESET lock_timeout")
