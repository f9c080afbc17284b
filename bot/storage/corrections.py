"""The correction ledger: which digests carried which entries, and one notice per channel.

The same rules as the digest ledger (``bot/storage/digests.py``): a notice row is created in
the edit's own transaction, claimed in one ``BEGIN IMMEDIATE`` transaction before anything
is sent (of any number of senders exactly one wins), and moves only forward. A row left
``claimed`` by a crash is taken over at start-up, and the channel is searched for the notice
before it is sent again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import aiosqlite

from bot.domain.corrections import CorrectionNotice
from bot.domain.entries import Correction
from bot.domain.ledger import NoticeKey
from bot.storage import ledger_rows
from bot.storage.codec import stamp
from bot.storage.database import Database
from bot.storage.ledger_rows import NOTICE_KEY_COLUMNS

_WHERE_KEY = "platform = ? AND server_id = ? AND channel_id = ? AND entry_id = ? AND revision = ?"


async def enqueue_correction(
    connection: aiosqlite.Connection,
    entry_id: int,
    revision: int,
    changes: tuple[str, ...],
    now: datetime,
) -> None:
    """Inside an edit's transaction: mark the revision a correction and owe a notice to every
    channel whose posted digest carried the entry (once per channel)."""
    await connection.execute(
        "UPDATE revisions SET correction = ? WHERE entry_id = ? AND revision = ?",
        (ledger_rows.changes_json(changes), entry_id, revision),
    )
    await connection.execute(
        "INSERT INTO correction_notices (platform, server_id, channel_id, entry_id, revision,"
        " created_at) SELECT DISTINCT g.platform, g.server_id, g.channel_id, ?, ?, ?"
        " FROM digest_entries AS d JOIN digests AS g ON g.platform = d.platform"
        " AND g.server_id = d.server_id AND g.local_date = d.local_date"
        " WHERE d.entry_id = ? AND g.status = 'posted' AND g.channel_id IS NOT NULL"
        " ON CONFLICT DO NOTHING",
        (entry_id, revision, stamp(now), entry_id),
    )


class CorrectionLedger:
    """Every query about correction notices; ``platforms`` scopes sending to the running ones."""

    def __init__(self, database: Database, platforms: Iterable[str] | None = None) -> None:
        self._db = database
        self._platforms = frozenset(platforms) if platforms is not None else None

    async def record_digest_entries(
        self, platform: str, server_id: str, local_date: date, entry_ids: Iterable[int]
    ) -> None:
        """The entries a digest carries, written before it is sent."""
        day = local_date.isoformat()
        async with self._db.write() as connection:
            await connection.execute(
                "DELETE FROM digest_entries WHERE platform = ? AND server_id = ?"
                " AND local_date = ?",
                (platform, server_id, day),
            )
            await connection.executemany(
                "INSERT OR IGNORE INTO digest_entries VALUES (?, ?, ?, ?)",
                [(platform, server_id, day, entry_id) for entry_id in entry_ids],
            )

    async def pending(self) -> list[NoticeKey]:
        return await self._keys("status = 'pending'", ())

    async def stale_claims(self, stale_before: datetime) -> list[NoticeKey]:
        """Notices claimed by a run that died (claimed before this process started)."""
        return await self._keys("status = 'claimed' AND claimed_at < ?", (stamp(stale_before),))

    async def claim(self, key: NoticeKey, now: datetime) -> bool:
        """Claim a pending notice; False if another sender has (or had) it."""
        return await self._move(
            "status = 'claimed', claimed_at = ?, attempts = attempts + 1",
            (stamp(now),),
            key,
            "status = 'pending'",
        )

    async def reclaim_stale(self, key: NoticeKey, stale_before: datetime, now: datetime) -> bool:
        """Take over a notice a crashed run claimed; the claim time moves to ``now``."""
        return await self._move(
            "claimed_at = ?, attempts = attempts + 1",
            (stamp(now),),
            key,
            "status = 'claimed' AND claimed_at < ?",
            (stamp(stale_before),),
        )

    async def mark_posted(self, key: NoticeKey, message_id: str, now: datetime) -> None:
        await self._move(
            "status = 'posted', message_id = ?, finished_at = ?, last_error = NULL",
            (message_id, stamp(now)),
            key,
            "status = 'claimed'",
        )

    async def mark_failed(self, key: NoticeKey, reason: str, now: datetime) -> None:
        await self._move(
            "status = 'failed', last_error = ?, finished_at = ?",
            (reason, stamp(now)),
            key,
            "status = 'claimed'",
        )

    async def status(self, key: NoticeKey) -> tuple[str, str | None] | None:
        rows = await self._db.read.execute_fetchall(
            f"SELECT status, message_id FROM correction_notices WHERE {_WHERE_KEY}", key.values
        )
        row = next(iter(rows), None)
        return (row["status"], row["message_id"]) if row is not None else None

    async def notice(self, key: NoticeKey) -> CorrectionNotice | None:
        """What the notice says: the entry as corrected and the revision's changes."""
        rows = await self._db.read.execute_fetchall(
            "SELECT e.slug, e.title, r.at, r.correction FROM revisions AS r"
            " JOIN entries AS e ON e.id = r.entry_id"
            " WHERE r.entry_id = ? AND r.revision = ? AND r.correction IS NOT NULL",
            (key.entry_id, key.revision),
        )
        row = next(iter(rows), None)
        return ledger_rows.correction_notice(key, row) if row is not None else None

    async def corrections(self, entry_id: int) -> tuple[Correction, ...]:
        """An entry's corrections, oldest first."""
        rows = await self._db.read.execute_fetchall(
            "SELECT revision, at, actor, correction FROM revisions"
            " WHERE entry_id = ? AND correction IS NOT NULL ORDER BY revision",
            (entry_id,),
        )
        return tuple(ledger_rows.correction(row) for row in rows)

    async def _keys(self, where: str, params: tuple[str, ...]) -> list[NoticeKey]:
        rows = await self._db.read.execute_fetchall(
            f"SELECT {NOTICE_KEY_COLUMNS} FROM correction_notices"
            f" WHERE {where} ORDER BY created_at, entry_id, revision",
            params,
        )
        return ledger_rows.notice_keys(rows, self._platforms)

    async def _move(
        self,
        assignments: str,
        params: tuple[str, ...],
        key: NoticeKey,
        condition: str,
        condition_params: tuple[str, ...] = (),
    ) -> bool:
        """One forward step of one notice, if it is in the state ``condition`` expects."""
        async with self._db.write() as connection:
            cursor = await connection.execute(
                f"UPDATE correction_notices SET {assignments} WHERE {_WHERE_KEY} AND {condition}",
                (*params, *key.values, *condition_params),
            )
            return cursor.rowcount == 1
