"""Named leases on PostgreSQL (see :mod:`bot.storage.leases`): one holder at a time, handed
over at expiry. Each change is one statement: ``INSERT … ON CONFLICT DO UPDATE … WHERE`` locks
the row, so of two processes asking at once exactly one gets the lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.codec import stamp
from bot.storage.postgres.database import PgDatabase, affected


class PgLeaseStore:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        async with self._db.write() as connection:
            status = await connection.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= $4",
                name,
                holder,
                stamp(now + ttl),
                stamp(now),
            )
        return affected(status) > 0

    async def renew(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        async with self._db.write() as connection:
            status = await connection.execute(
                "UPDATE leases SET expires_at = $1"
                " WHERE name = $2 AND holder = $3 AND expires_at > $4",
                stamp(now + ttl),
                name,
                holder,
                stamp(now),
            )
        return affected(status) > 0

    async def release(self, name: str, holder: str) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                "DELETE FROM leases WHERE name = $1 AND holder = $2", name, holder
            )

    async def holder(self, name: str, now: datetime) -> str | None:
        value = await self._db.fetchval(
            "SELECT holder FROM leases WHERE name = $1 AND expires_at > $2", name, stamp(now)
        )
        return None if value is None else str(value)
