"""Schedule arithmetic across days and the 2026 DST changes (pure; no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.digest_schedule import (
    DigestSchedule,
    QuietDays,
    due_date,
    next_run,
    parse_local_time,
    previous_run,
    run_at,
)


def schedule(time_text: str, zone: str) -> DigestSchedule:
    return DigestSchedule.parse("123", time_text, zone)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "time_text", "day", "expected"),
    [
        # Seoul: no DST, 08:00 KST is 23:00 UTC the day before, every day.
        ("Asia/Seoul", "08:00", date(2026, 3, 8), utc(2026, 3, 7, 23)),
        ("Asia/Seoul", "08:00", date(2026, 11, 1), utc(2026, 10, 31, 23)),
        ("Asia/Seoul", "00:00", date(2026, 1, 1), utc(2025, 12, 31, 15)),
        # New York: EST (-5) until 2026-03-08, EDT (-4) until 2026-11-01.
        ("America/New_York", "08:00", date(2026, 3, 7), utc(2026, 3, 7, 13)),
        ("America/New_York", "08:00", date(2026, 3, 8), utc(2026, 3, 8, 12)),
        ("America/New_York", "08:00", date(2026, 10, 31), utc(2026, 10, 31, 12)),
        ("America/New_York", "08:00", date(2026, 11, 1), utc(2026, 11, 1, 13)),
        # Spring forward: 02:30 does not exist; due when the clocks jump (03:00 EDT).
        ("America/New_York", "02:30", date(2026, 3, 8), utc(2026, 3, 8, 7)),
        ("America/New_York", "02:00", date(2026, 3, 8), utc(2026, 3, 8, 7)),
        ("America/New_York", "02:59", date(2026, 3, 8), utc(2026, 3, 8, 7)),
        ("America/New_York", "03:00", date(2026, 3, 8), utc(2026, 3, 8, 7)),
        ("America/New_York", "02:30", date(2026, 3, 9), utc(2026, 3, 9, 6, 30)),
        # Fall back: 01:30 happens twice; the first (EDT) one counts.
        ("America/New_York", "01:30", date(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
        ("America/New_York", "01:30", date(2026, 11, 2), utc(2026, 11, 2, 6, 30)),
        # Kyiv: EET (+2) until 2026-03-29 01:00 UTC, EEST (+3) until 2026-10-25 01:00 UTC.
        ("Europe/Kyiv", "08:00", date(2026, 3, 28), utc(2026, 3, 28, 6)),
        ("Europe/Kyiv", "08:00", date(2026, 3, 29), utc(2026, 3, 29, 5)),
        ("Europe/Kyiv", "03:30", date(2026, 3, 29), utc(2026, 3, 29, 1)),
        ("Europe/Kyiv", "08:00", date(2026, 10, 25), utc(2026, 10, 25, 6)),
        ("Europe/Kyiv", "03:30", date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
    ],
)
def test_run_at_is_the_right_utc_instant(
    zone: str, time_text: str, day: date, expected: datetime
) -> None:
    assert run_at(schedule(time_text, zone), day) == expected


@pytest.mark.parametrize(
    ("zone", "time_text", "start", "expected"),
    [
        (
            "America/New_York",
            "02:30",
            utc(2026, 3, 6, 12),
            [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 30)],
        ),
        (
            "America/New_York",
            "01:30",
            utc(2026, 10, 30, 12),
            [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)],
        ),
        (
            "Europe/Kyiv",
            "03:30",
            utc(2026, 3, 27, 12),
            [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)],
        ),
        (
            "Europe/Kyiv",
            "03:30",
            utc(2026, 10, 23, 12),
            [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
        ),
        (
            "Asia/Seoul",
            "08:00",
            utc(2026, 3, 6, 12),
            [utc(2026, 3, 6, 23), utc(2026, 3, 7, 23), utc(2026, 3, 8, 23)],
        ),
    ],
)
def test_next_run_walks_days_across_dst(
    zone: str, time_text: str, start: datetime, expected: list[datetime]
) -> None:
    found, after = [], start
    for _ in expected:
        after = next_run(schedule(time_text, zone), after)
        found.append(after)
    assert found == expected


@pytest.mark.parametrize("zone", ["Asia/Seoul", "Europe/Kyiv", "America/New_York"])
@pytest.mark.parametrize("time_text", ["00:00", "00:30", "01:30", "02:30", "03:30", "23:59"])
def test_exactly_one_run_per_local_date_for_a_whole_year(zone: str, time_text: str) -> None:
    sched = schedule(time_text, zone)
    after = utc(2025, 12, 31)
    dates = []
    while after < utc(2027, 1, 1):
        after = next_run(sched, after)
        local = after.astimezone(sched.tz)
        dates.append(local.date())
        assert local.time() >= sched.local_time  # never before the wall clock got there
    assert dates == [dates[0] + timedelta(days=n) for n in range(len(dates))]


def test_next_run_is_strictly_after_and_previous_run_at_or_before() -> None:
    sched = schedule("08:00", "Asia/Seoul")
    at = utc(2026, 3, 7, 23)
    assert next_run(sched, at) == utc(2026, 3, 8, 23)
    assert next_run(sched, at - timedelta(seconds=1)) == at
    assert previous_run(sched, at) == at
    assert previous_run(sched, at - timedelta(seconds=1)) == utc(2026, 3, 6, 23)


def test_due_date_is_today_once_its_time_has_come() -> None:
    sched = schedule("08:00", "America/New_York")
    assert due_date(sched, utc(2026, 3, 8, 11, 59)) is None
    assert due_date(sched, utc(2026, 3, 8, 12)) == date(2026, 3, 8)
    assert due_date(sched, utc(2026, 3, 9, 3, 59)) == date(2026, 3, 8)  # 23:59 local
    assert due_date(sched, utc(2026, 3, 9, 4)) is None  # local midnight: a new day


def test_due_date_on_the_fall_back_day_is_the_same_date_both_times() -> None:
    sched = schedule("01:30", "America/New_York")
    assert due_date(sched, utc(2026, 11, 1, 5, 29)) is None
    assert due_date(sched, utc(2026, 11, 1, 5, 30)) == date(2026, 11, 1)
    assert due_date(sched, utc(2026, 11, 1, 6, 30)) == date(2026, 11, 1)  # second 01:30


@pytest.mark.parametrize(("text", "expected"), [("08:00", time(8)), ("8:05", time(8, 5))])
def test_parse_local_time(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", "hour must be 00 to 23"),
        ("8", "use 24-hour HH:MM"),
        ("ab", "use 24-hour HH:MM"),
        ("12:60", "minutes must be 00 to 59"),
        ("", "use 24-hour HH:MM"),
        ("08:00:00", "use 24-hour HH:MM"),
    ],
)
def test_parse_local_time_refuses_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_local_time(text)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "EST5EDT6"])
def test_unknown_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        DigestSchedule.parse("123", "08:00", zone)


def test_schedule_normalises_its_fields() -> None:
    sched = DigestSchedule.parse("123", "7:05", " Asia/Seoul ", ("a", "b", "a"), "SKIP")
    assert sched.time_text == "07:05"
    assert sched.timezone == "Asia/Seoul"
    assert sched.topics == ("a", "b")
    assert sched.quiet_days is QuietDays.SKIP
    with pytest.raises(ValueError, match="quiet_days"):
        DigestSchedule.parse("123", "08:00", "Asia/Seoul", (), "sometimes")
    with pytest.raises(ValueError, match="channel"):
        DigestSchedule.parse(" ", "08:00", "Asia/Seoul")
