"""The digest ledger's values: one row per (server, local date) and the claim to post it.

Storage keeps them (``bot.storage.digests``); delivery and the digest commands read them, so
they live here, free of any backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


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
