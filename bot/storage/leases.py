"""Named leases (the only SQL for them): one holder at a time, handed over at expiry.

Each change is one ``BEGIN IMMEDIATE`` statement, so of two processes asking at once exactly
one gets the lease; a holder that dies simply stops renewing and the lease lapses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.codec import stamp
from bot.storage.database import Database


class LeaseStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the lease if free or expired, or extend it if ``holder`` has it."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
                (name, holder, stamp(now + ttl), stamp(now)),
            )
            return cursor.rowcount > 0

    async def renew(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Extend it only while ``holder`` still has it (an expired lease may be taken)."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?",
                (stamp(now + ttl), name, holder, stamp(now)),
            )
            return cursor.rowcount > 0

    async def release(self, name: str, holder: str) -> None:
        async with self._db.write() as conn:
            await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    async def holder(self, name: str, now: datetime) -> str | None:
        async with self._db.read.execute(
            "SELECT holder FROM leases WHERE name = ? AND expires_at > ?", (name, stamp(now))
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])
