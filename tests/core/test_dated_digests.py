"""Dated digests list what happened on a day; scheduled digests list what is new to the record
and say when an event is older. Both around midnight in Seoul, Kyiv and New York."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.rendering.text import render_digest
from bot.service import BriefingService
from tests.factories import raw_entry

from .conftest import Cli

ON_21_OCTOBER = [
    "North Korea has shipped approximately 1.5 million artillery shells",
    "Seoul summons Russian ambassador Georgy Zinoviev",
    "South Korea's 155 mm shell output",
    "South Korea's aid to Ukraine so far has been mostly non-lethal",
    "South Korea reviews exceptions to its ban",
    "Ukraine struggles to get enough artillery ammunition",
    "Yoon reportedly tells NATO's Rutte",
]
ZONES = ["Asia/Seoul", "Europe/Kyiv", "America/New_York"]


def test_a_dated_digest_lists_what_happened_that_day(cli: Cli) -> None:
    code, out, err = cli("digest", "--date", "2024-10-21", "--tz", "Asia/Seoul")

    assert code == 0, err
    assert out.startswith("What happened on Monday 21 October 2024\n")
    assert "No new developments" not in out
    for title in ON_21_OCTOBER:
        assert title in out, title
    assert "(21 Oct 2024, date of the report)" in out  # the date says what it rests on
    for earlier in ("NIS publishes evidence", "HUR largely backs", "Seoul condemns the June"):
        assert earlier not in out


def test_a_dated_digest_of_a_day_without_events_says_so(cli: Cli) -> None:
    out = cli("digest", "--date", "2024-10-20", "--tz", "Europe/Kyiv")[1]

    assert out.startswith("What happened on Sunday 20 October 2024\n")
    assert "Nothing in the record happened on 20 October 2024." in out


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("minutes", [-1, 1])
async def test_dated_digest_ignores_when_and_where_entries_were_recorded(
    service: BriefingService, clock: FixedClock, zone: str, minutes: int
) -> None:
    """An event date is the sources' calendar date: recording it a minute either side of
    local midnight, anywhere, never moves it to another day's dated digest."""
    tz = ZoneInfo(zone)
    clock.moment = datetime(2024, 10, 22, tzinfo=tz).astimezone(UTC) + timedelta(minutes=minutes)
    await service.add(raw_entry(slug="late-event", event_date="2024-10-21"), "ana")

    that_day = render_digest(await service.digest_of_day(date(2024, 10, 21)))
    next_day = render_digest(await service.digest_of_day(date(2024, 10, 22)))

    assert "North Korean troops seen in Kursk" in that_day
    assert "North Korean troops seen in Kursk" not in next_day


@pytest.mark.parametrize("zone", ZONES)
async def test_scheduled_digest_is_new_to_the_record_and_marks_older_events(
    service: BriefingService, clock: FixedClock, zone: str
) -> None:
    tz = ZoneInfo(zone)
    midnight = datetime(2024, 10, 22, tzinfo=tz).astimezone(UTC)
    clock.moment = midnight - timedelta(minutes=1)  # 23:59 local on 21 October
    await service.add(
        raw_entry(
            slug="treaty-recorded-late",
            title="Treaty entry recorded late",
            event_date="2024-06-19",
            event_date_basis="public-record",
        ),
        "ana",
    )
    clock.moment = midnight + timedelta(minutes=1)  # 00:01 local on 22 October
    await service.add(
        raw_entry(slug="after-midnight", title="Recorded after midnight", event_date="2024-10-21"),
        "ana",
    )

    on_21st = render_digest(await service.digest(tz, date(2024, 10, 21)))
    on_22nd = render_digest(await service.digest(tz, date(2024, 10, 22)))

    assert on_21st.startswith("Briefing digest — Monday 21 October 2024\n")
    assert "New to the record since the last digest." in on_21st
    assert (
        "Treaty entry recorded late (recorded today · event of 19 Jun 2024, date from public"
        " record)" in on_21st
    )
    assert "Recorded after midnight" not in on_21st
    assert "Recorded after midnight (recorded today · event of 21 Oct 2024)" in on_22nd
    assert "Treaty entry recorded late" not in on_22nd


async def test_a_window_since_the_last_digest_says_which_day_an_entry_was_recorded(
    service: BriefingService, clock: FixedClock
) -> None:
    seoul = ZoneInfo("Asia/Seoul")
    clock.moment = datetime(2024, 10, 21, 12, 0, tzinfo=seoul)
    await service.add(raw_entry(event_date="2024-10-20"), "ana")
    since = datetime(2024, 10, 21, 8, 0, tzinfo=seoul)

    text = render_digest(await service.digest(seoul, date(2024, 10, 22), since=since))

    assert "(recorded 21 Oct 2024 · event of 20 Oct 2024)" in text
