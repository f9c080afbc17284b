"""Digest stories: setup joins the channel, now posts once, status, preview, off; the poster."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.adapters.slack.poster import SlackDigestPoster
from bot.delivery import (
    DeliveryTarget,
    PermanentDeliveryError,
    TransientDeliveryError,
    digest_marker,
)
from tests.slack.conftest import ADMIN, DIGEST_CHANNEL, NOW, PRIVATE_CHANNEL, SlackWorld
from tests.standins.slack.standin import TEAM_ID

SETUP = f"digest setup <#{DIGEST_CHANNEL}|digest> 08:00 Asia/Seoul"


async def test_setup_then_now_posts_once(world: SlackWorld) -> None:
    setup = await world.command(ADMIN, SETUP)
    assert "Daily digest set" in setup.text and "Asia/Seoul" in setup.text
    assert [c.args["channel"] for c in world.standin.called("conversations.join")] == [
        DIGEST_CHANNEL
    ]
    preview = await world.command(ADMIN, "digest preview")
    assert preview.response is not None and preview.response["response_type"] == "ephemeral"
    dated = await world.command(ADMIN, "digest preview 2024-10-21")
    assert dated.response is not None and dated.response["response_type"] == "ephemeral"
    assert dated.text.startswith("What happened on Monday 21 October 2024")
    assert "Yoon reportedly tells NATO" in dated.text
    assert "NIS publishes evidence" not in dated.text
    assert world.standin.called("chat.postMessage") == []

    first = await world.command(ADMIN, "digest now")
    assert "Posted today's digest" in first.text
    posted = world.standin.messages[DIGEST_CHANNEL]
    assert len(posted) == 1
    marker = digest_marker(NOW.date())
    assert marker in posted[0]["blocks"][-1]["elements"][0]["text"]
    assert posted[0]["blocks"][-1]["type"] == "context"

    second = await world.command(ADMIN, "digest now")
    assert "Not posted" in second.text and "already posted" in second.text
    assert len(world.standin.called("chat.postMessage")) == 1

    status = await world.command(ADMIN, "digest status")
    assert f"{NOW.date().isoformat()}: posted" in status.text
    off = await world.command(ADMIN, "digest off")
    assert "is off" in off.text
    assert await world.bot.runtime.scheduler.next_run_time("slack", TEAM_ID) is None


async def test_setup_explains_private_channels_and_bad_input(world: SlackWorld) -> None:
    private = await world.command(ADMIN, f"digest setup <#{PRIVATE_CHANNEL}> 08:00 UTC")
    assert "invite me" in private.text
    bad_zone = await world.command(ADMIN, f"digest setup <#{DIGEST_CHANNEL}> 08:00 Mars/Base")
    assert "error id" not in bad_zone.text and "Mars/Base" in bad_zone.text
    bad_time = await world.command(ADMIN, f"digest setup <#{DIGEST_CHANNEL}> 25:00 UTC")
    assert "24-hour" in bad_time.text or "00 to 23" in bad_time.text
    plain = await world.command(ADMIN, "digest setup briefing 08:00 UTC")
    assert "type # and pick the channel" in plain.text
    assert world.standin.called("conversations.join") == []


async def test_poster_errors_and_recovery(socket_world: SlackWorld) -> None:
    standin = socket_world.standin
    poster = SlackDigestPoster(socket_world.bot.client)
    digest = await socket_world.app.service.digest(ZoneInfo("UTC"))
    target = DeliveryTarget("slack", TEAM_ID, "C0BRIEF01")
    marker = digest_marker(NOW.date())

    standin.fail_next("chat.postMessage", "ratelimited", status=429)
    try:
        await poster.post(target, digest, "nonce", marker)
        raise AssertionError("a 429 must raise")
    except TransientDeliveryError as error:
        assert "ratelimited" in error.reason
    standin.fail_next("chat.postMessage", "internal_error", status=500)
    try:
        await poster.post(target, digest, "nonce", marker)
        raise AssertionError("a 500 must raise")
    except TransientDeliveryError:
        pass
    for channel in ("C0NOWHERE", "C0DIGEST1"):  # unknown; not a member
        try:
            await poster.post(DeliveryTarget("slack", TEAM_ID, channel), digest, "n", marker)
            raise AssertionError("must raise")
        except PermanentDeliveryError as error:
            assert channel in error.reason

    assert await poster.find_posted(target, marker) is None
    ts = await poster.post(target, digest, "nonce", marker)
    assert await poster.find_posted(target, marker) == ts
    assert await poster.find_posted(target, digest_marker(NOW.date().replace(day=1))) is None
