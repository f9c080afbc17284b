"""Small named values kept between runs (PostgreSQL; see :mod:`bot.storage.app_state`)."""

from __future__ import annotations

from bot.storage.postgres.database import PgDatabase


class PgAppState:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def get(self, key: str) -> str | None:
        value = await self._db.fetchval("SELECT value FROM app_state WHERE key = $1", key)
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                "INSERT INTO app_state (key, value) VALUES ($1, $2)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                key,
                value,
            )
