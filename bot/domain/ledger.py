"""The ledgers' values: a digest row per (server, local date) and the claim to post it, and
the key of one correction notice.

Storage keeps them (``bot.storage.digests``, ``bot.storage.corrections``); delivery, the
correction sender and the digest commands read them, so they live here, free of any backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

LedgerKey = tuple[str, str, date]  # (platform, server id, local date)


class LedgerStatus(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    SKIPPED = "skipped"
    FAILED = "failed"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class Claim:
    """The right (and duty) to post one server's digest for one local date.

    ``recovered`` marks a claim taken over from a crashed run: the message may already be in
    the channel, so the caller must look for it before posting.
    """

    platform: str
    server_id: str
    local_date: date
    channel_id: str
    attempts: int
    claimed_at: datetime
    covers_until: datetime
    recovered: bool = False


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One ledger row as stored (for /digest status and the next digest's window)."""

    platform: str
    server_id: str
    local_date: date
    status: LedgerStatus
    channel_id: str | None
    message_id: str | None
    attempts: int
    last_error: str | None
    claimed_at: datetime | None
    finished_at: datetime | None
    covers_until: datetime | None


@dataclass(frozen=True, slots=True)
class NoticeKey:
    """One notice: a channel (of a server on a platform) and a corrected revision."""

    platform: str
    server_id: str
    channel_id: str
    entry_id: int
    revision: int

    @property
    def values(self) -> tuple[str, str, str, int, int]:
        return (self.platform, self.server_id, self.channel_id, self.entry_id, self.revision)
