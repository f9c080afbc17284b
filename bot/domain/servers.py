"""What is stored about a server (platform workspace/guild): its digest schedule and settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.digest_schedule import DigestSchedule, QuietDays


@dataclass(frozen=True, slots=True)
class ServerSchedule:
    """A server with an active digest schedule: what the scheduler and delivery work on."""

    platform: str
    server_id: str
    schedule: DigestSchedule
    # When the schedule was last set: runs before it are not owed (no catch-up for them).
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class DueSchedule:
    """A schedule with the instant its next digest is due (None: not computed yet)."""

    server: ServerSchedule
    next_run: datetime | None


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Everything stored about one server; ``schedule`` is None when digests are off."""

    platform: str
    server_id: str
    schedule: DigestSchedule | None
    topics: tuple[str, ...]
    quiet_days: QuietDays
    editor_role_ids: tuple[str, ...]
    updated_at: datetime | None
    schedule_since: datetime | None
