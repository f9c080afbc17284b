"""Small named values the bot keeps between runs (e.g. the hash of its synced commands)."""

from __future__ import annotations

from bot.storage.database import Database


class AppState:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, key: str) -> str | None:
        rows = list(
            await self._db.read.execute_fetchall(
                "SELECT value FROM app_state WHERE key = ?", (key,)
            )
        )
        return str(rows[0][0]) if rows else None

    async def set(self, key: str, value: str) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
