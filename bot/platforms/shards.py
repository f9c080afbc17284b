"""The stores a sharded bot process works on: only the servers of its own shards.

Several processes share one database (see ``docs/scaling.md``). Each hears only the servers
of its shards (Discord sends every other server's events to another connection), so it must
also schedule, catch up, recover and send correction notices only for those: otherwise each
process would claim, and the losers then skip, every digest of the whole bot. These wrappers
sit on the ports, so they work over any backend; writes and single-key reads pass through
unchanged (a process only receives commands for its own servers anyway), and the ledger's
atomic claim still decides if two processes are ever given the same shard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime

from bot.domain.corrections import CorrectionNotice
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import Claim, LedgerKey, LedgerRow, NoticeKey
from bot.domain.servers import DueSchedule, ServerSchedule, ServerSettings
from bot.domain.shards import ShardSpec
from bot.ports.corrections import CorrectionNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import NextRunChange, ServerSettingsStore


class OwnedServers:
    """Server settings whose schedule reads see only the owned servers."""

    def __init__(self, inner: ServerSettingsStore, shards: ShardSpec) -> None:
        self._inner = inner
        self._shards = shards

    async def active_schedules(self) -> list[ServerSchedule]:
        return [s for s in await self._inner.active_schedules() if self._shards.owns(s.server_id)]

    async def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        async for page in self._inner.schedule_pages(size, due_by):
            owned = [s for s in page if self._shards.owns(s.server_id)]
            if owned:
                yield owned

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        if not self._shards.owns(server_id):
            return None  # a timer must never fire for another process's server
        return await self._inner.get_schedule(platform, server_id)

    async def due_schedules(
        self,
        now: datetime,
        limit: int,
        shards: ShardSpec | None = None,
        not_before: datetime | None = None,
    ) -> list[DueSchedule]:
        # The store applies the rule in SQL: other processes' rows are never even read.
        return await self._inner.due_schedules(now, limit, shards or self._shards, not_before)

    async def earliest_next_run(
        self, after: datetime, shards: ShardSpec | None = None
    ) -> datetime | None:
        return await self._inner.earliest_next_run(after, shards or self._shards)

    async def next_run(self, platform: str, server_id: str) -> datetime | None:
        return await self._inner.next_run(platform, server_id)

    async def advance_next_runs(self, changes: Iterable[NextRunChange]) -> None:
        await self._inner.advance_next_runs(changes)

    async def get(self, platform: str, server_id: str) -> ServerSettings | None:
        return await self._inner.get(platform, server_id)

    async def set_schedule(
        self, platform: str, server_id: str, schedule: DigestSchedule, now: datetime | None = None
    ) -> ServerSchedule:
        return await self._inner.set_schedule(platform, server_id, schedule, now)

    async def disable_schedule(
        self, platform: str, server_id: str, now: datetime | None = None
    ) -> bool:
        return await self._inner.disable_schedule(platform, server_id, now)

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]:
        return await self._inner.editor_role_ids(platform, server_id)

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        return await self._inner.add_editor_role(platform, server_id, role_id, now)

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        return await self._inner.remove_editor_role(platform, server_id, role_id, now)


class OwnedLedger:
    """The digest ledger, whose crash recovery sees only the owned servers' claims."""

    def __init__(self, inner: DigestLedgerStore, shards: ShardSpec) -> None:
        self._inner = inner
        self._owns = shards.owns

    async def stale_claims(self, stale_before: datetime) -> list[LedgerRow]:
        # Another live process's claims look stale to a process that started later.
        rows = await self._inner.stale_claims(stale_before)
        return [row for row in rows if self._owns(row.server_id)]

    async def claim(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        return await self._inner.claim(platform, server_id, local_date, channel_id, now)

    async def reclaim_stale(
        self, platform: str, server_id: str, local_date: date, stale_before: datetime, now: datetime
    ) -> Claim | None:
        return await self._inner.reclaim_stale(platform, server_id, local_date, stale_before, now)

    async def retake(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        return await self._inner.retake(platform, server_id, local_date, channel_id, now)

    async def mark_posted(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        message_id: str,
        now: datetime,
        covers_until: datetime | None = None,
    ) -> bool:
        return await self._inner.mark_posted(
            platform, server_id, local_date, message_id, now, covers_until
        )

    async def mark_failed(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool:
        return await self._inner.mark_failed(platform, server_id, local_date, reason, now)

    async def mark_skipped(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool:
        return await self._inner.mark_skipped(platform, server_id, local_date, reason, now)

    async def mark_missed(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        channel_id: str | None,
        reason: str,
        now: datetime,
    ) -> bool:
        return await self._inner.mark_missed(
            platform, server_id, local_date, channel_id, reason, now
        )

    async def record_attempt_error(
        self, platform: str, server_id: str, local_date: date, reason: str
    ) -> int:
        return await self._inner.record_attempt_error(platform, server_id, local_date, reason)

    async def get(self, platform: str, server_id: str, local_date: date) -> LedgerRow | None:
        return await self._inner.get(platform, server_id, local_date)

    async def last_posted(self, platform: str, server_id: str) -> LedgerRow | None:
        return await self._inner.last_posted(platform, server_id)

    async def status(self, platform: str, server_id: str, limit: int = 7) -> list[LedgerRow]:
        return await self._inner.status(platform, server_id, limit)

    async def rows_for(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, LedgerRow]:
        return await self._inner.rows_for(keys)


class OwnedNotices:
    """Correction notices: a process sends (and recovers) only its own servers' notices."""

    def __init__(self, inner: CorrectionNotices, shards: ShardSpec) -> None:
        self._inner = inner
        self._owns = shards.owns

    async def pending(self) -> list[NoticeKey]:
        return [key for key in await self._inner.pending() if self._owns(key.server_id)]

    async def stale_claims(self, stale_before: datetime) -> list[NoticeKey]:
        keys = await self._inner.stale_claims(stale_before)
        return [key for key in keys if self._owns(key.server_id)]

    async def record_digest_entries(
        self, platform: str, server_id: str, local_date: date, entry_ids: Iterable[int]
    ) -> None:
        await self._inner.record_digest_entries(platform, server_id, local_date, entry_ids)

    async def claim(self, key: NoticeKey, now: datetime) -> bool:
        return await self._inner.claim(key, now)

    async def reclaim_stale(self, key: NoticeKey, stale_before: datetime, now: datetime) -> bool:
        return await self._inner.reclaim_stale(key, stale_before, now)

    async def mark_posted(self, key: NoticeKey, message_id: str, now: datetime) -> None:
        await self._inner.mark_posted(key, message_id, now)

    async def mark_failed(self, key: NoticeKey, reason: str, now: datetime) -> None:
        await self._inner.mark_failed(key, reason, now)

    async def status(self, key: NoticeKey) -> tuple[str, str | None] | None:
        return await self._inner.status(key)

    async def notice(self, key: NoticeKey) -> CorrectionNotice | None:
        return await self._inner.notice(key)
