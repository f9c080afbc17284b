"""Schedule arithmetic: local days and times in IANA zones turned into UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import InvalidInput


def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; raises ValueError with a readable message."""
    cleaned = name.strip()
    if not cleaned or ".." in cleaned or cleaned.startswith("/"):
        raise InvalidInput(f"'{name[:60]}' is not a time zone; use an IANA name like Asia/Seoul")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name[:60]}' is not a known time zone; use an IANA name like Asia/Seoul"
        ) from None


def zone_names() -> list[str]:
    """Every IANA zone name known to this system, sorted."""
    return sorted(available_timezones())


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant a local day starts (zones with midnight DST handled by zoneinfo)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local calendar day ``day`` in ``tz``."""
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date it is in ``tz`` at ``moment``."""
    return moment.astimezone(tz).date()
