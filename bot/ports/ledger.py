"""The digest ledger port: exactly-once digests, whatever the scheduler does.

A backend must make every change atomic: of any number of concurrent callers of
:meth:`DigestLedgerStore.claim` for one key exactly one gets the claim, and a final status
(posted, skipped, failed, missed) is never overwritten by a late writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from bot.domain.ledger import Claim, LedgerKey, LedgerRow


class DigestLedgerStore(Protocol):
    async def claim(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        """None if any row for the date exists already."""
        ...

    async def reclaim_stale(
        self, platform: str, server_id: str, local_date: date, stale_before: datetime, now: datetime
    ) -> Claim | None:
        """Take over a ``claimed`` row claimed before ``stale_before`` (crash recovery)."""
        ...

    async def retake(
        self, platform: str, server_id: str, local_date: date, channel_id: str, now: datetime
    ) -> Claim | None:
        """Claim again a ``failed`` or ``missed`` date; None in any other state."""
        ...

    async def stale_claims(self, stale_before: datetime) -> list[LedgerRow]: ...

    async def mark_posted(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        message_id: str,
        now: datetime,
        covers_until: datetime | None = None,
    ) -> bool: ...

    async def mark_failed(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool: ...

    async def mark_skipped(
        self, platform: str, server_id: str, local_date: date, reason: str, now: datetime
    ) -> bool: ...

    async def mark_missed(
        self,
        platform: str,
        server_id: str,
        local_date: date,
        channel_id: str | None,
        reason: str,
        now: datetime,
    ) -> bool:
        """For a date with no row yet, or a stale claim; False otherwise."""
        ...

    async def record_attempt_error(
        self, platform: str, server_id: str, local_date: date, reason: str
    ) -> int:
        """attempts += 1 on a claimed row; the new count (0 if not claimed)."""
        ...

    async def get(self, platform: str, server_id: str, local_date: date) -> LedgerRow | None: ...

    async def last_posted(self, platform: str, server_id: str) -> LedgerRow | None: ...

    async def status(self, platform: str, server_id: str, limit: int = 7) -> list[LedgerRow]:
        """Newest date first."""
        ...

    async def rows_for(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, LedgerRow]: ...
