"""Daily digest schedules: a local time in an IANA zone turned into one UTC instant per day.

The DST rule, in one place:

- A local time that does not exist on a spring-forward day (02:30 America/New_York on
  2026-03-08) is due at the first instant after it that exists: the moment the clocks jump,
  03:00 local = 07:00 UTC. (zoneinfo's raw ``fold=0`` arithmetic would give 03:30 local =
  07:30 UTC, half an hour after the wall clock passed 02:30; we do not use it for gaps.)
- A local time that occurs twice on a fall-back day (01:30 America/New_York on 2026-11-01)
  is due once, at its first occurrence (``fold=0``: 01:30 EDT = 05:30 UTC).

Both are the same rule: the digest of a local date is due at the first instant of that date
at which the wall clock reads the scheduled time or later. Exactly one instant per local date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.schedule import local_date, zone

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_SEARCH_DAYS = range(-1, 3)


class QuietDays(StrEnum):
    """What to do on a day with nothing new: post a short quiet-day digest, or skip it."""

    POST = "post"
    SKIP = "skip"


def parse_local_time(text: str) -> time:
    """``"08:00"`` → ``time(8, 0)``; raises ValueError saying what is wrong and what to type."""
    match = _TIME.match(text)
    if match is None:
        raise InvalidInput(f"'{text[:20]}' is not a time; use 24-hour HH:MM, e.g. 08:00 or 18:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23:
        raise InvalidInput(f"'{text.strip()}': the hour must be 00 to 23 (24-hour clock)")
    if minute > 59:
        raise InvalidInput(f"'{text.strip()}': the minutes must be 00 to 59")
    return time(hour, minute)


def parse_quiet_days(text: str) -> QuietDays:
    """``"skip"`` or ``"post"`` (any case); raises ValueError otherwise."""
    try:
        return QuietDays(text.strip().lower())
    except ValueError:
        raise InvalidInput(f"quiet_days must be 'skip' or 'post', not '{text[:20]}'") from None


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """Where and when a server's daily digest goes. Construction validates every field."""

    channel_id: str
    local_time: time
    timezone: str
    topics: tuple[str, ...] = ()
    quiet_days: QuietDays = QuietDays.POST
    tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.channel_id.strip():
            raise InvalidInput("a digest needs a channel")
        if self.local_time.second or self.local_time.microsecond or self.local_time.tzinfo:
            raise InvalidInput("the digest time is a plain local HH:MM")
        # zone() raises ValueError with a readable message for unknown names.
        object.__setattr__(self, "tz", zone(self.timezone))
        object.__setattr__(self, "timezone", self.tz.key)
        object.__setattr__(self, "topics", tuple(dict.fromkeys(self.topics)))
        object.__setattr__(self, "quiet_days", QuietDays(self.quiet_days))

    @classmethod
    def parse(
        cls,
        channel_id: str,
        local_time: str,
        timezone: str,
        topics: tuple[str, ...] = (),
        quiet_days: str = "post",
    ) -> DigestSchedule:
        """Build a schedule from user text; raises ValueError with a plain message."""
        return cls(
            channel_id=channel_id,
            local_time=parse_local_time(local_time),
            timezone=timezone,
            topics=topics,
            quiet_days=parse_quiet_days(quiet_days),
        )

    @property
    def time_text(self) -> str:
        """The local time as ``HH:MM``."""
        return self.local_time.strftime("%H:%M")


def run_at(schedule: DigestSchedule, day: date) -> datetime:
    """The UTC instant the digest of local date ``day`` is due (see the module's DST rule)."""
    wall = datetime.combine(day, schedule.local_time)
    first = wall.replace(tzinfo=schedule.tz, fold=0).astimezone(UTC)
    if _wall(first, schedule.tz) == wall:
        return first  # exists; when ambiguous, fold=0 is the first occurrence
    return _first_instant_reaching(wall, schedule.tz)


def next_run(schedule: DigestSchedule, after: datetime) -> datetime:
    """The first due instant strictly after ``after`` (aware), in UTC."""
    today = local_date(after, schedule.tz)
    for offset in _SEARCH_DAYS:
        candidate = run_at(schedule, today + timedelta(days=offset))
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a run falls within every two days")


def previous_run(schedule: DigestSchedule, at: datetime) -> datetime:
    """The last due instant at or before ``at``, in UTC."""
    today = local_date(at, schedule.tz)
    for offset in reversed(_SEARCH_DAYS):
        candidate = run_at(schedule, today + timedelta(days=offset))
        if candidate <= at:
            return candidate
    raise AssertionError("unreachable: a run falls within every two days")


def due_date(schedule: DigestSchedule, now: datetime) -> date | None:
    """The local date whose digest is due at ``now``: today's, once its time has come."""
    today = local_date(now, schedule.tz)
    return today if run_at(schedule, today) <= now else None


def run_date(schedule: DigestSchedule, instant: datetime) -> date:
    """The local date a due instant belongs to."""
    return local_date(instant, schedule.tz)


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None, fold=0)


def _first_instant_reaching(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first whole second at which the wall clock in ``tz`` reads ``wall`` or later.

    Only called for a time inside a DST gap: with fold=1 the wall clock is still before it,
    with fold=0 already past it, so the jump lies between; bisect to the second.
    """
    low = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    high = int(wall.replace(tzinfo=tz, fold=0).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), tz) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
