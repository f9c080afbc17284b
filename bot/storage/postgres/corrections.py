"""The correction ledger on PostgreSQL (see :mod:`bot.storage.corrections`): which digests
carried which entries, and one notice per channel per corrected revision, claimed by one
conditional ``UPDATE`` (its row lock makes of any number of senders exactly one win)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bot.domain.corrections import CorrectionNotice
from bot.domain.entries import Correction
from bot.domain.ledger import NoticeKey
from bot.storage import ledger_rows
from bot.storage.codec import stamp
from bot.storage.ledger_rows import NOTICE_KEY_COLUMNS
from bot.storage.postgres.database import Connection, PgDatabase, affected

_WHERE_KEY = (
    "platform = $1 AND server_id = $2 AND channel_id = $3 AND entry_id = $4 AND revision = $5"
)


async def enqueue_correction(
    connection: Connection, entry_id: int, revision: int, changes: tuple[str, ...], now: datetime
) -> None:
    """Inside an edit's transaction: mark the revision a correction and owe a notice to every
    channel whose posted digest carried the entry (once per channel)."""
    await connection.execute(
        "UPDATE revisions SET correction = $1 WHERE entry_id = $2 AND revision = $3",
        ledger_rows.changes_json(changes),
        entry_id,
        revision,
    )
    await connection.execute(
        "INSERT INTO correction_notices (platform, server_id, channel_id, entry_id, revision,"
        " created_at) SELECT DISTINCT g.platform, g.server_id, g.channel_id, $1::bigint,"
        " $2::integer, $3::timestamptz"
        " FROM digest_entries AS d JOIN digests AS g ON g.platform = d.platform"
        " AND g.server_id = d.server_id AND g.local_date = d.local_date"
        " WHERE d.entry_id = $1 AND g.status = 'posted' AND g.channel_id IS NOT NULL"
        " ON CONFLICT DO NOTHING",
        entry_id,
        revision,
        stamp(now),
    )


class PgCorrectionLedger:
    """Every query about correction notices; ``platforms`` scopes sending to the running ones."""

    def __init__(self, database: PgDatabase, platforms: Iterable[str] | None = None) -> None:
        self._db = database
        self._platforms = frozenset(platforms) if platforms is not None else None

    async def record_digest_entries(
        self, platform: str, server_id: str, local_date: date, entry_ids: Iterable[int]
    ) -> None:
        day = local_date.isoformat()
        async with self._db.write() as connection:
            await connection.execute(
                "DELETE FROM digest_entries WHERE platform = $1 AND server_id = $2"
                " AND local_date = $3",
                platform,
                server_id,
                day,
            )
            await connection.execute(
                "INSERT INTO digest_entries (platform, server_id, local_date, entry_id)"
                " SELECT $1, $2, $3, unnest($4::bigint[]) ON CONFLICT DO NOTHING",
                platform,
                server_id,
                day,
                list(entry_ids),
            )

    async def pending(self) -> list[NoticeKey]:
        return await self._keys("status = 'pending'")

    async def stale_claims(self, stale_before: datetime) -> list[NoticeKey]:
        return await self._keys("status = 'claimed' AND claimed_at < $1", stamp(stale_before))

    async def claim(self, key: NoticeKey, now: datetime) -> bool:
        return await self._move(
            "status = 'claimed', claimed_at = $6, attempts = attempts + 1",
            key,
            "status = 'pending'",
            stamp(now),
        )

    async def reclaim_stale(self, key: NoticeKey, stale_before: datetime, now: datetime) -> bool:
        return await self._move(
            "claimed_at = $6, attempts = attempts + 1",
            key,
            "status = 'claimed' AND claimed_at < $7",
            stamp(now),
            stamp(stale_before),
        )

    async def mark_posted(self, key: NoticeKey, message_id: str, now: datetime) -> None:
        await self._move(
            "status = 'posted', message_id = $6, finished_at = $7, last_error = NULL",
            key,
            "status = 'claimed'",
            message_id,
            stamp(now),
        )

    async def mark_failed(self, key: NoticeKey, reason: str, now: datetime) -> None:
        await self._move(
            "status = 'failed', last_error = $6, finished_at = $7",
            key,
            "status = 'claimed'",
            reason,
            stamp(now),
        )

    async def status(self, key: NoticeKey) -> tuple[str, str | None] | None:
        row = await self._db.fetchrow(
            f"SELECT status, message_id FROM correction_notices WHERE {_WHERE_KEY}", *key.values
        )
        return (row["status"], row["message_id"]) if row is not None else None

    async def notice(self, key: NoticeKey) -> CorrectionNotice | None:
        row = await self._db.fetchrow(
            "SELECT e.slug, e.title, r.at, r.correction FROM revisions AS r"
            " JOIN entries AS e ON e.id = r.entry_id"
            " WHERE r.entry_id = $1 AND r.revision = $2 AND r.correction IS NOT NULL",
            key.entry_id,
            key.revision,
        )
        return ledger_rows.correction_notice(key, row) if row is not None else None

    async def corrections(self, entry_id: int) -> tuple[Correction, ...]:
        rows = await self._db.fetch(
            "SELECT revision, at, actor, correction FROM revisions"
            " WHERE entry_id = $1 AND correction IS NOT NULL ORDER BY revision",
            entry_id,
        )
        return tuple(ledger_rows.correction(row) for row in rows)

    async def _keys(self, where: str, *params: Any) -> list[NoticeKey]:
        rows = await self._db.fetch(
            f"SELECT {NOTICE_KEY_COLUMNS} FROM correction_notices"
            f" WHERE {where} ORDER BY created_at, entry_id, revision",
            *params,
        )
        return ledger_rows.notice_keys(rows, self._platforms)

    async def _move(self, assignments: str, key: NoticeKey, condition: str, *params: Any) -> bool:
        """One forward step of one notice, if it is in the state ``condition`` expects."""
        async with self._db.write() as connection:
            status = await connection.execute(
                f"UPDATE correction_notices SET {assignments} WHERE {_WHERE_KEY} AND {condition}",
                *key.values,
                *params,
            )
        return affected(status) == 1
