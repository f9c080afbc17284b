"""The digest ledger: one row per (server, local date), claimed before anything is posted.

Status moves only forward: ``claimed`` → ``posted`` | ``skipped`` | ``failed`` | ``missed``;
a missing row may also become ``missed`` directly. The one way back: an editor's explicit
``/digest now`` may :meth:`DigestLedger.retake` a ``failed`` or ``missed`` date. Every change
is one ``BEGIN IMMEDIATE`` transaction, so of any number of concurrent callers exactly one
wins a claim, and only the claimer posts. That is what makes digests exactly-once whatever
the scheduler does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bot.domain.ledger import Claim, LedgerKey, LedgerRow
from bot.storage import ledger_rows
from bot.storage.codec import stamp
from bot.storage.database import Database
from bot.storage.ledger_rows import LEDGER_COLUMNS as _COLUMNS


class DigestLedger:
    """Every query about the digest ledger; the one place its SQL lives.

    With ``platforms``, its crash recovery sees only those platforms' rows.
    """

    def __init__(self, database: Database, platforms: Iterable[str] | None = None) -> None:
        self._db = database
        self._platforms = frozenset(platforms) if platforms is not None else None

    async def claim(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        """Claim the digest of ``local_date``; None if any row for it exists already.

        An existing ``claimed`` row is someone else's claim (live, or left by a crash and
        only taken over through :meth:`reclaim_stale`); every other status is final.
        """
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "INSERT INTO digests (platform, server_id, local_date, status, channel_id,"
                " attempts, claimed_at, covers_until) VALUES (?, ?, ?, 'claimed', ?, 1, ?, ?)"
                " ON CONFLICT (platform, server_id, local_date) DO NOTHING",
                (platform, server_id, local_date.isoformat(), channel_id, stamp(now), stamp(now)),
            )
            if cursor.rowcount == 0:
                return None
        return Claim(platform, server_id, local_date, channel_id, 1, now, now)

    async def reclaim_stale(
        self, platform: str, server_id: str, local_date: date, stale_before: datetime, now: datetime
    ) -> Claim | None:
        """Take over a ``claimed`` row claimed before ``stale_before`` (start-up recovery).

        ``stale_before`` is when this process started: claims older than that belong to a
        run that died. The claim time moves to ``now``, so a second recovery finds it live.
        """
        async with self._db.write() as connection:
            rows = list(
                await connection.execute_fetchall(
                    "UPDATE digests SET claimed_at = ?, attempts = attempts + 1"
                    " WHERE platform = ? AND server_id = ? AND local_date = ?"
                    " AND status = 'claimed' AND claimed_at < ?"
                    " RETURNING channel_id, attempts, covers_until, claimed_at",
                    (stamp(now), platform, server_id, local_date.isoformat(), stamp(stale_before)),
                )
            )
        if not rows:
            return None
        return ledger_rows.recovered_claim(platform, server_id, local_date, rows[0], now)

    async def retake(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        """Claim again a date that ended ``failed`` or ``missed`` (an editor's explicit retry).

        None if the row is in any other state (posted, skipped, or claimed by someone).
        """
        async with self._db.write() as connection:
            rows = list(
                await connection.execute_fetchall(
                    "UPDATE digests SET status = 'claimed', channel_id = ?, claimed_at = ?,"
                    " attempts = attempts + 1, finished_at = NULL, message_id = NULL,"
                    " covers_until = ?"
                    " WHERE platform = ? AND server_id = ? AND local_date = ?"
                    " AND status IN ('failed', 'missed') RETURNING attempts",
                    (
                        channel_id,
                        stamp(now),
                        stamp(now),
                        platform,
                        server_id,
                        local_date.isoformat(),
                    ),
                )
            )
        if not rows:
            return None
        return Claim(
            platform, server_id, local_date, channel_id, int(rows[0]["attempts"]), now, now
        )

    async def stale_claims(self, stale_before: datetime) -> list[LedgerRow]:
        """Rows still ``claimed`` from before ``stale_before``: left by a crashed run."""
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE status = 'claimed' AND claimed_at < ?"
            " ORDER BY local_date",
            (stamp(stale_before),),
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
        """Record the posted message; ``covers_until`` replaces the window end if recomposed."""
        return await self._finish(
            platform,
            server_id,
            local_date,
            now,
            "status = 'posted', message_id = ?, last_error = NULL,"
            " covers_until = coalesce(?, covers_until)",
            (message_id, stamp(covers_until) if covers_until else None),
        )

    async def mark_failed(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool:
        """Give up on this date's digest (permanent error or retries exhausted), saying why."""
        return await self._finish(
            platform, server_id, local_date, now, "status = 'failed', last_error = ?", (reason,)
        )

    async def mark_skipped(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool:
        """Record a deliberately unposted digest (a quiet day with quiet_days=skip)."""
        return await self._finish(
            platform, server_id, local_date, now, "status = 'skipped', last_error = ?", (reason,)
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
        """Record that this date's digest was not sent in time (no row yet, or a stale claim)."""
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "INSERT INTO digests (platform, server_id, local_date, status, channel_id,"
                " attempts, last_error, finished_at) VALUES (?, ?, ?, 'missed', ?, 0, ?, ?)"
                " ON CONFLICT (platform, server_id, local_date) DO UPDATE SET"
                " status = 'missed', last_error = excluded.last_error,"
                " finished_at = excluded.finished_at WHERE status = 'claimed'",
                (platform, server_id, local_date.isoformat(), channel_id, reason, stamp(now)),
            )
            return cursor.rowcount > 0

    async def record_attempt_error(
        self, platform: str, server_id: str, local_date: date, reason: str
    ) -> int:
        """Note a failed try before the next one: attempts += 1; returns the new count."""
        async with self._db.write() as connection:
            rows = list(
                await connection.execute_fetchall(
                    "UPDATE digests SET attempts = attempts + 1, last_error = ?"
                    " WHERE platform = ? AND server_id = ? AND local_date = ?"
                    " AND status = 'claimed' RETURNING attempts",
                    (reason, platform, server_id, local_date.isoformat()),
                )
            )
        return int(rows[0]["attempts"]) if rows else 0

    # -- reads ----------------------------------------------------------------------------

    async def get(self, platform: str, server_id: str, local_date: date) -> LedgerRow | None:
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE platform = ? AND server_id = ?"
            " AND local_date = ?",
            (platform, server_id, local_date.isoformat()),
        )
        return rows[0] if rows else None

    async def last_posted(self, platform: str, server_id: str) -> LedgerRow | None:
        """The latest posted digest: the next window starts at its ``covers_until``."""
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE platform = ? AND server_id = ?"
            " AND status = 'posted' ORDER BY local_date DESC LIMIT 1",
            (platform, server_id),
        )
        return rows[0] if rows else None

    async def status(self, platform: str, server_id: str, limit: int = 7) -> list[LedgerRow]:
        """The server's latest rows, newest date first (for /digest status)."""
        return await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE platform = ? AND server_id = ?"
            " ORDER BY local_date DESC LIMIT ?",
            (platform, server_id, limit),
        )

    async def rows_for(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, LedgerRow]:
        """The rows of many (platform, server, local date) keys in one query."""
        wanted = ledger_rows.ledger_keys_json(keys)
        if wanted is None:
            return {}
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM digests WHERE (platform, server_id, local_date) IN"
            " (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?))",
            (wanted,),
        )
        return ledger_rows.by_key(rows)

    async def _finish(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        now: datetime,
        assignments: str,
        params: tuple[Any, ...],
    ) -> bool:
        # Only a claimed row can finish: a late writer cannot overwrite a final status.
        async with self._db.write() as connection:
            cursor = await connection.execute(
                f"UPDATE digests SET {assignments}, finished_at = ?"
                " WHERE platform = ? AND server_id = ? AND local_date = ? AND status = 'claimed'",
                (*params, stamp(now), platform, server_id, local_date.isoformat()),
            )
            return cursor.rowcount > 0

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[LedgerRow]:
        rows = await self._db.read.execute_fetchall(sql, params)
        return [ledger_rows.ledger_row(row) for row in rows]
