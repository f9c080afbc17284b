"""The correction-notice ledger port: one notice per channel per corrected revision.

Same rules as the digest ledger (:mod:`bot.ports.ledger`): a notice is claimed atomically
before it is sent (of any number of senders exactly one wins) and only moves forward.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from bot.domain.corrections import CorrectionNotice
from bot.domain.ledger import NoticeKey


class CorrectionNotices(Protocol):
    async def record_digest_entries(
        self, platform: str, server_id: str, local_date: date, entry_ids: Iterable[int]
    ) -> None:
        """The entries a digest carries (replacing any earlier list for that digest)."""
        ...

    async def pending(self) -> list[NoticeKey]: ...

    async def stale_claims(self, stale_before: datetime) -> list[NoticeKey]: ...

    async def claim(self, key: NoticeKey, now: datetime) -> bool:
        """Claim a pending notice; False if another sender has (or had) it."""
        ...

    async def reclaim_stale(
        self, key: NoticeKey, stale_before: datetime, now: datetime
    ) -> bool: ...

    async def mark_posted(self, key: NoticeKey, message_id: str, now: datetime) -> None: ...

    async def mark_failed(self, key: NoticeKey, reason: str, now: datetime) -> None: ...

    async def status(self, key: NoticeKey) -> tuple[str, str | None] | None: ...

    async def notice(self, key: NoticeKey) -> CorrectionNotice | None:
        """What the notice says: the entry as corrected and the revision's changes."""
        ...
