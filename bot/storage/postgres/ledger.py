"""The digest ledger on PostgreSQL: one row per (server, local date), claimed before posting.

The same rules as :mod:`bot.storage.digests`. A claim is one ``INSERT … ON CONFLICT DO
NOTHING``: of any number of processes inserting the same key, PostgreSQL lets exactly one
insert and the others see the conflict, so two processes never both post a server's digest.
Every other change is one ``UPDATE … WHERE status = …``: the row lock it takes makes a second
writer wait, then re-check the condition against the committed row, so a final status is
never overwritten and a stale claim is taken over once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bot.domain.ledger import Claim, LedgerKey, LedgerRow
from bot.storage import ledger_rows
from bot.storage.codec import stamp
from bot.storage.ledger_rows import LEDGER_COLUMNS as _COLUMNS
from bot.storage.postgres.database import PgDatabase, affected

_KEY = "platform = $1 AND server_id = $2 AND local_date = $3"


class PgDigestLedger:
    """Every query about the digest ledger; the one place its PostgreSQL lives."""

    def __init__(self, database: PgDatabase, platforms: Iterable[str] | None = None) -> None:
        self._db = database
        # Crash recovery sees only these platforms' rows (None: all), as on SQLite.
        self._platforms = frozenset(platforms) if platforms is not None else None

    async def claim(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        async with self._db.write() as connection:
            status = await connection.execute(
                "INSERT INTO digests (platform, server_id, local_date, status, channel_id,"
                " attempts, claimed_at, covers_until)"
                " VALUES ($1, $2, $3, 'claimed', $4, 1, $5, $5)"
                " ON CONFLICT (platform, server_id, local_date) DO NOTHING",
                platform,
                server_id,
                local_date.isoformat(),
                channel_id,
                stamp(now),
            )
        if affected(status) == 0:
            return None
        return Claim(platform, server_id, local_date, channel_id, 1, now, now)

    async def reclaim_stale(
        self, platform: str, server_id: str, local_date: date, stale_before: datetime, now: datetime
    ) -> Claim | None:
        async with self._db.write() as connection:
            row = await connection.fetchrow(
                "UPDATE digests SET claimed_at = $4, attempts = attempts + 1"
                f" WHERE {_KEY} AND status = 'claimed' AND claimed_at < $5"
                " RETURNING channel_id, attempts, covers_until",
                platform,
                server_id,
                local_date.isoformat(),
                stamp(now),
                stamp(stale_before),
            )
        if row is None:
            return None
        return ledger_rows.recovered_claim(platform, server_id, local_date, row, now)

    async def retake(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        async with self._db.write() as connection:
            attempts = await connection.fetchval(
                "UPDATE digests SET status = 'claimed', channel_id = $4, claimed_at = $5,"
                " attempts = attempts + 1, finished_at = NULL, message_id = NULL,"
                f" covers_until = $5 WHERE {_KEY} AND status IN ('failed', 'missed')"
                " RETURNING attempts",
                platform,
                server_id,
                local_date.isoformat(),
                channel_id,
                stamp(now),
            )
        if attempts is None:
            return None
        return Claim(platform, server_id, local_date, channel_id, int(attempts), now, now)

    async def stale_claims(self, stale_before: datetime) -> list[LedgerRow]:
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE status = 'claimed' AND claimed_at < $1"
            " ORDER BY local_date",
            stamp(stale_before),
        )
        return ledger_rows.in_recovery_scope(rows, self._platforms)

    async def mark_posted(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        message_id: str,
        now: datetime,
        covers_until: datetime | None = None,
    ) -> bool:
        return await self._finish(
            platform,
            server_id,
            local_date,
            now,
            "status = 'posted', message_id = $5, last_error = NULL,"
            " covers_until = coalesce($6, covers_until)",
            message_id,
            stamp(covers_until) if covers_until else None,
        )

    async def mark_failed(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool:
        return await self._finish(
            platform, server_id, local_date, now, "status = 'failed', last_error = $5", reason
        )

    async def mark_skipped(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool:
        return await self._finish(
            platform, server_id, local_date, now, "status = 'skipped', last_error = $5", reason
        )

    async def mark_missed(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        channel_id: str | None,
        reason: str,
        now: datetime,
    ) -> bool:
        async with self._db.write() as connection:
            status = await connection.execute(
                "INSERT INTO digests (platform, server_id, local_date, status, channel_id,"
                " attempts, last_error, finished_at) VALUES ($1, $2, $3, 'missed', $4, 0, $5, $6)"
                " ON CONFLICT (platform, server_id, local_date) DO UPDATE SET"
                " status = 'missed', last_error = excluded.last_error,"
                " finished_at = excluded.finished_at WHERE digests.status = 'claimed'",
                platform,
                server_id,
                local_date.isoformat(),
                channel_id,
                reason,
                stamp(now),
            )
        return affected(status) > 0

    async def record_attempt_error(
        self, platform: str, server_id: str, local_date: date, reason: str
    ) -> int:
        async with self._db.write() as connection:
            attempts = await connection.fetchval(
                "UPDATE digests SET attempts = attempts + 1, last_error = $4"
                f" WHERE {_KEY} AND status = 'claimed' RETURNING attempts",
                platform,
                server_id,
                local_date.isoformat(),
                reason,
            )
        return int(attempts) if attempts is not None else 0

    async def get(self, platform: str, server_id: str, local_date: date) -> LedgerRow | None:
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE {_KEY}",
            platform,
            server_id,
            local_date.isoformat(),
        )
        return rows[0] if rows else None

    async def last_posted(self, platform: str, server_id: str) -> LedgerRow | None:
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE platform = $1 AND server_id = $2"
            " AND status = 'posted' ORDER BY local_date DESC LIMIT 1",
            platform,
            server_id,
        )
        return rows[0] if rows else None

    async def status(self, platform: str, server_id: str, limit: int = 7) -> list[LedgerRow]:
        return await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE platform = $1 AND server_id = $2"
            " ORDER BY local_date DESC LIMIT $3",
            platform,
            server_id,
            limit,
        )

    async def rows_for(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, LedgerRow]:
        wanted = ledger_rows.ledger_keys_json(keys)
        if wanted is None:
            return {}
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE (platform, server_id, local_date) IN"
            " (SELECT k ->> 0, k ->> 1, (k ->> 2)::date FROM json_array_elements($1::json) AS k)",
            wanted,
        )
        return ledger_rows.by_key(rows)

    async def _finish(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        now: datetime,
        assignments: str,
        *params: Any,
    ) -> bool:
        # Only a claimed row can finish: a late writer cannot overwrite a final status.
        async with self._db.write() as connection:
            status = await connection.execute(
                f"UPDATE digests SET {assignments}, finished_at = $4"
                f" WHERE {_KEY} AND status = 'claimed'",
                platform,
                server_id,
                local_date.isoformat(),
                stamp(now),
                *params,
            )
        return affected(status) > 0

    async def _rows(self, sql: str, *params: Any) -> list[LedgerRow]:
        return [ledger_rows.ledger_row(row) for row in await self._db.fetch(sql, *params)]
