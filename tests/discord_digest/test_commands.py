"""/digest setup, preview, now, status and off, as an editor (and a reader) would use them."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.ledger import LedgerStatus
from tests.discord_digest.conftest import DAY, DUE, PLATFORM, SEOUL, DigestWorld, footer
from tests.standins.discord import EMBED_LINKS, SEND_MESSAGES, VIEW_CHANNEL, Channel

LINK = "https://discord.com/channels/"


async def test_setup_answers_with_the_next_run_and_schedules_the_job(dw: DigestWorld) -> None:
    reply = await dw.setup()

    assert reply.ephemeral
    assert "Daily digest set: <#" in reply.content
    assert "20:00 Asia/Seoul" in reply.content
    assert "Next digest: Sunday 29 November 2026, 20:00 KST" in reply.content
    assert f"<t:{int(DUE.timestamp())}:F>" in reply.content
    schedule = await dw.schedule()
    assert schedule is not None and schedule.channel_id == str(dw.channel.id)
    assert schedule.timezone == SEOUL and schedule.time_text == "20:00"
    job_time = await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid)
    assert job_time is not None
    assert job_time.astimezone(ZoneInfo(SEOUL)).time() == time(20, 0)


async def test_timezone_autocomplete_offers_matching_zones(dw: DigestWorld) -> None:
    choices = await dw.discord.autocomplete(
        dw.guild, dw.admin, "digest setup", focused="timezone", value="Asia/Se", channel=dw.channel
    )
    assert "Asia/Seoul" in [c["value"] for c in choices]
    assert len(choices) <= 25


@pytest.mark.parametrize(
    ("time_text", "zone", "expected"),
    [
        ("08:00", "Mars/Olympus", "Mars/Olympus"),
        ("25:00", SEOUL, "the hour must be 00 to 23"),
        ("8am", SEOUL, "use 24-hour HH:MM"),
    ],
)
async def test_bad_time_or_zone_is_refused_and_settings_are_unchanged(
    dw: DigestWorld, time_text: str, zone: str, expected: str
) -> None:
    await dw.setup()
    before = await dw.schedule()
    job_before = await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid)

    reply = await dw.setup(time=time_text, timezone=zone)

    assert reply.ephemeral
    assert expected in reply.content
    assert "Something went wrong" not in reply.content
    assert await dw.schedule() == before
    assert await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid) == job_before


async def refused(dw: DigestWorld, channel: Channel) -> str:
    reply = await dw.setup(channel=channel)
    assert reply.ephemeral
    assert "Something went wrong" not in reply.content
    assert await dw.schedule() is None
    assert await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid) is None
    return reply.content


async def test_a_channel_the_bot_cannot_see_is_refused(dw: DigestWorld) -> None:
    hidden = dw.guild.add_text_channel("secret")
    hidden.set_permissions(dw.guild.bot_role, deny=VIEW_CHANNEL)
    await dw.discord.flush()
    text = await refused(dw, hidden)
    assert f"I can't post in <#{hidden.id}>" in text
    assert "View Channel" in text


@pytest.mark.parametrize(
    ("denied", "name"), [(SEND_MESSAGES, "Send Messages"), (EMBED_LINKS, "Embed Links")]
)
async def test_a_channel_without_send_or_embed_permission_is_refused(
    dw: DigestWorld, denied: int, name: str
) -> None:
    muted = dw.guild.add_text_channel("muted")
    muted.set_permissions(dw.guild.bot_role, deny=denied)
    await dw.discord.flush()
    text = await refused(dw, muted)
    assert f"missing {name}" in text


async def test_a_channel_in_another_server_is_refused(dw: DigestWorld) -> None:
    other = dw.discord.add_guild("Elsewhere")
    foreign = other.add_text_channel("news")
    await dw.discord.flush()
    text = await refused(dw, foreign)
    assert "another server" in text or "not in this server" in text


async def test_a_reader_cannot_set_up_or_post_digests(dw: DigestWorld) -> None:
    reply = await dw.run(
        dw.reader,
        "digest setup",
        options={"channel": dw.channel, "time": "08:00", "timezone": SEOUL},
    )
    assert reply.ephemeral and reply.content.startswith("Only members with Manage Server")
    assert await dw.schedule() is None
    await dw.setup()
    for command in ("digest now", "digest off", "digest preview", "digest status"):
        reply = await dw.run(dw.reader, command)
        assert reply.content.startswith("Only members with Manage Server"), command
    assert dw.digests() == []
    assert await dw.schedule() is not None


async def test_preview_is_private_and_posts_nothing(dw: DigestWorld) -> None:
    await dw.setup()
    reply = await dw.run(dw.admin, "digest preview")
    assert reply.ephemeral
    assert reply.embeds and reply.embeds[0]["title"].startswith("Briefing digest — Sunday 29")
    assert f"preview of digest · {DAY}" in footer(reply.message)  # type: ignore[arg-type]
    assert dw.digests() == []
    assert dw.sends() == 0
    assert await dw.row() is None


async def test_preview_of_a_date_shows_what_happened_that_day(dw: DigestWorld) -> None:
    await dw.setup()

    reply = await dw.run(dw.admin, "digest preview", date="2024-10-21")

    assert reply.ephemeral
    main = reply.embeds[0]
    assert main["title"] == "What happened on Monday 21 October 2024"
    assert "Entries whose event date is this day" in main["description"]
    text = " ".join(f["value"] for f in main["fields"]) + main["description"]
    assert "Yoon reportedly tells NATO" in text and "(21 Oct 2024, date of the report)" in text
    assert "NIS publishes evidence" not in text  # an event of 18 October
    assert "what happened on 2024-10-21" in footer(reply.message)  # type: ignore[arg-type]
    assert dw.digests() == [] and dw.sends() == 0

    bad = await dw.run(dw.admin, "digest preview", date="21/10/2024")
    assert bad.ephemeral and bad.content == "date: '21/10/2024' is not a date; use YYYY-MM-DD"


async def test_now_posts_once_and_a_second_now_links_the_first(dw: DigestWorld) -> None:
    await dw.setup()
    first = await dw.run(dw.admin, "digest now")

    [posted] = dw.digests()
    link = f"{LINK}{dw.guild.id}/{dw.channel.id}/{posted.id}"
    assert first.ephemeral and f"Posted today's digest: {link}" in first.content
    assert footer(posted).endswith(f"digest · {DAY}")
    assert len(posted.embeds) <= 10
    body = next(s.body for s in dw.sent if s.path == f"/channels/{dw.channel.id}/messages")
    assert body["allowed_mentions"] == {"parse": []}
    assert body.get("enforce_nonce") is True and len(str(body["nonce"])) <= 25

    second = await dw.run(dw.admin, "digest now")
    assert second.ephemeral
    assert "already posted" in second.content and link in second.content
    assert len(dw.digests()) == 1
    assert dw.sends() == 1
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.POSTED
    assert row.message_id == str(posted.id)


async def test_status_shows_next_run_and_the_posted_link(dw: DigestWorld) -> None:
    await dw.setup()
    await dw.run(dw.admin, "digest now")
    [posted] = dw.digests()

    reply = await dw.run(dw.admin, "digest status")
    assert reply.ephemeral
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert fields["Next"] == f"<t:{int(DUE.timestamp())}:F>"
    assert fields["Time"] == "20:00 Asia/Seoul"
    assert (
        f"{DAY}: posted — {LINK}{dw.guild.id}/{dw.channel.id}/{posted.id}"
        in fields["Recent digests"]
    )


async def test_status_says_in_plain_words_that_permission_was_lost(dw: DigestWorld) -> None:
    await dw.setup()
    dw.channel.set_permissions(dw.guild.bot_role, deny=SEND_MESSAGES)
    await dw.discord.flush()

    now = await dw.run(dw.admin, "digest now")
    assert "missing permission to send in #briefing" in now.content
    assert dw.digests() == []

    reply = await dw.run(dw.admin, "digest status")
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert f"{DAY}: failed: missing permission to send in #briefing" in fields["Recent digests"]

    # The scheduler does not retry a failed day, but an editor who fixed it may.
    dw.clock.moment = DUE
    assert await dw.bot.delivery.run_due(DUE) == []
    dw.channel.remove_permissions(dw.guild.bot_role)
    await dw.discord.flush()
    again = await dw.run(dw.admin, "digest now")
    [posted] = dw.digests()
    assert "Posted today's digest" in again.content and str(posted.id) in again.content
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.POSTED and row.last_error is None
    assert "already posted" in (await dw.run(dw.admin, "digest now")).content
    assert len(dw.digests()) == 1


async def test_off_removes_the_job_and_the_schedule(dw: DigestWorld) -> None:
    await dw.setup()
    assert await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid) is not None
    reply = await dw.run(dw.admin, "digest off")
    assert reply.ephemeral and reply.content == "The daily digest is off."
    assert await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid) is None
    assert await dw.schedule() is None
    assert (await dw.run(dw.admin, "digest off")).content == "The daily digest was not on."
    status = await dw.run(dw.admin, "digest status")
    assert "No daily digest is set up here yet" in status.content
    dw.clock.moment = DUE
    assert await dw.bot.delivery.run_due(DUE) == []
