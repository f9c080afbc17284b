"""The newsroom's intake notice through each real poster (memory; discord.py against the
Discord stand-in; slack-sdk against the Slack stand-in): ONE message per poll however many
senders race for it or crash, pinging nobody whatever the feeds' headlines say."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.discord.platform import DiscordPlatform
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.slack.config import SlackSettings
from bot.adapters.slack.run import run_slack
from bot.app import App
from bot.clock import FixedClock
from bot.delivery_port import RetryPolicy
from bot.domain.intake_records import batch_marker
from bot.env_settings import Secret
from bot.intake.notifier import IntakeNotices
from bot.platforms.host import PlatformHost
from bot.platforms.memory import MemoryPoster, MemorySettings
from bot.storage.intake_notices import PollNoticeStore
from bot.storage.intake_queue import QueueStore
from tests.contract.intake_helpers import SameStory, item
from tests.platforms.test_poster_contract import (  # noqa: F401  (fixtures reused, not copied)
    Backend,
    backend,
    discord_backend,
    memory_backend,
    slack_backend,
)
from tests.slack.conftest import BRIEF_CHANNEL, slack_only
from tests.standins.discord import DiscordStandIn
from tests.standins.slack.standin import TEAM_ID, SlackStandIn

TITLES = ["NK sends 1,500 troops to Russia", "@everyone <!channel> Shells via Rajin",
          "Kim meets Shoigu in Pyongyang"]  # fmt: skip
COMMAND = {"memory": "/brief-admin queue", "discord": "/brief-admin queue", "slack": "/brief queue"}


def seen(request: pytest.FixtureRequest, backend: Backend) -> list[str]:  # noqa: F811
    """The texts of the bot's messages in the newsroom channel, as members read them."""
    target = backend.target
    if target.platform == "memory":
        assert isinstance(backend.poster, MemoryPoster)
        return [m.heading for m in backend.poster.channels.get(target.channel_id, [])]
    if target.platform == "discord":
        discord: DiscordStandIn = request.getfixturevalue("discord")
        messages = discord.world.messages.get(int(target.channel_id), [])
        return [m.embeds[0]["description"] for m in messages if m.author.bot]
    standin: SlackStandIn = request.getfixturevalue("standin")
    return [m["text"] for m in standin.messages.get(target.channel_id, [])]


async def poll(app: App, clock: FixedClock, titles: list[str]) -> None:
    """A poll that stored new candidates and closed its batch."""
    queue = QueueStore(app.database)
    await queue.record_items(
        [item(f"k{n}-{t}", title=t) for n, t in enumerate(titles)], SameStory(), clock.now(), None
    )
    await PollNoticeStore(app.database).close_poll(clock.now())


@pytest.fixture
def intake(app: App, clock: FixedClock) -> IntakeNotices:
    return IntakeNotices(PollNoticeStore(app.database), clock)


async def test_a_poll_is_one_message_whoever_sends_it(
    request: pytest.FixtureRequest,
    backend: Backend,  # noqa: F811
    app: App,
    clock: FixedClock,
    intake: IntakeNotices,
) -> None:
    await poll(app, clock, TITLES)
    # Two senders (this process and another bot process) are rung at once.
    senders = [intake.notifier(backend.poster, backend.target) for _ in range(2)]
    results = await asyncio.gather(*(s.send_pending() for s in senders))
    assert sorted(r for found in results for r in found) in (["posted"], ["not claimed", "posted"])
    # Later polls that found nothing say nothing.
    clock.moment += timedelta(minutes=15)
    await PollNoticeStore(app.database).close_poll(clock.now())
    assert [await s.send_pending() for s in senders] == [[], []]

    [text] = seen(request, backend)
    assert text.startswith("3 new candidates to review: NK sends 1,500 troops to Russia")
    assert text.endswith(COMMAND[backend.target.platform])
    # A headline's @everyone or <!channel> reaches the room as text, never as a ping.
    if backend.target.platform == "discord":
        assert "@everyone" not in text and "@\u200beveryone" in text
    if backend.target.platform == "slack":
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text


async def test_a_sender_that_died_is_finished_without_a_second_message(
    request: pytest.FixtureRequest,
    backend: Backend,  # noqa: F811
    app: App,
    clock: FixedClock,
    intake: IntakeNotices,
) -> None:
    notices = PollNoticeStore(app.database)
    await poll(app, clock, TITLES[:1])
    await poll(app, clock, TITLES[2:])
    first, second = await notices.pending_batches(backend.target.platform, clock.now())
    # A process claimed both; it posted the first, then was killed before recording it,
    # and died before posting the second.
    for batch in (first, second):
        assert await notices.claim(batch.id, backend.target.platform, "x", clock.now())
    await backend.poster.post_intake(backend.target, first, "nonce", batch_marker(first.id))

    clock.moment += timedelta(minutes=5)  # the next process starts
    sender = intake.notifier(backend.poster, backend.target)
    assert await sender.recover(clock.now()) == ["recovered", "posted"]
    assert await sender.recover(clock.now()) == []
    assert await sender.send_pending() == []
    texts = seen(request, backend)
    assert len(texts) == 2
    assert texts[0].startswith("1 new candidate to review: NK sends 1,500 troops")
    assert texts[1].startswith("1 new candidate to review: Kim meets Shoigu")


async def eventually_one(texts: Callable[[], list[Any]]) -> list[Any]:
    for _ in range(400):
        if texts():
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # a second message would have come by now
    return texts()


async def test_the_discord_platform_tells_its_newsroom_channel(
    discord: DiscordStandIn, app: App, clock: FixedClock, intake: IntakeNotices
) -> None:
    guild = discord.add_guild("Newsroom")
    channel = guild.add_text_channel("intake")
    newsroom = App(
        app.settings.replace(newsroom_discord_guild_id=guild.id),
        app.storage,
        app.service,
    )
    settings = DiscordSettings(
        token=Secret(discord.token),
        api_base_url=discord.api_base_url,
        gateway_url=discord.gateway_url,
        intake_channel_id=channel.id,
    )
    stop = asyncio.Event()
    host = PlatformHost.of(newsroom, "discord", intake)
    running = asyncio.create_task(DiscordPlatform().run(host, settings, stop))
    try:
        await poll(app, clock, TITLES)
        intake.ring()
        [message] = await eventually_one(
            lambda: [m for m in discord.world.messages.get(channel.id, []) if m.author.bot]
        )
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert message.embeds[0]["title"] == "3 new candidates to review"
    assert message.embeds[0]["footer"]["text"] == "intake · poll 1"


async def test_the_slack_app_tells_its_newsroom_channel(
    standin: SlackStandIn, app: App, clock: FixedClock, intake: IntakeNotices
) -> None:
    newsroom = App(
        app.settings.replace(newsroom_slack_team_id=TEAM_ID),
        app.storage,
        app.service,
    )
    slack = slack_only(standin, "socket").replace(intake_channel_id=BRIEF_CHANNEL)
    stop = asyncio.Event()
    running = asyncio.create_task(
        run_slack(PlatformHost.of(newsroom, "slack", intake), slack, stop)
    )
    try:
        await poll(app, clock, TITLES[:1])
        intake.ring()
        [text] = await eventually_one(
            lambda: [m["text"] for m in standin.messages.get(BRIEF_CHANNEL, [])]
        )
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert text == "1 new candidate to review: NK sends 1,500 troops to Russia — /brief queue"


def test_the_intake_channels_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_INTAKE_CHANNEL_ID", "1234")
    monkeypatch.setenv("SLACK_INTAKE_CHANNEL_ID", "C0INTAKE1")
    monkeypatch.setenv("BRIEFBOT_MEMORY_INTAKE_CHANNEL", "intake")
    assert DiscordSettings.from_env().intake_channel_id == 1234
    assert SlackSettings.from_env().intake_channel_id == "C0INTAKE1"
    assert MemorySettings.from_env().intake_channel == "intake"
    monkeypatch.setenv("DISCORD_INTAKE_CHANNEL_ID", "")  # VAR= in .env: not set
    assert DiscordSettings.from_env().intake_channel_id is None


async def test_a_server_error_is_tried_again_and_a_refusal_is_not(
    request: pytest.FixtureRequest,
    backend: Backend,  # noqa: F811
    app: App,
    clock: FixedClock,
) -> None:
    notices = PollNoticeStore(app.database)
    sender = IntakeNotices(notices, clock, RetryPolicy(delays=(0.01,))).notifier(
        backend.poster, backend.target
    )
    await poll(app, clock, TITLES[:1])
    backend.fail_next(500)
    assert await sender.send_pending() == ["posted"]
    await poll(app, clock, TITLES[1:2])
    [refused] = await notices.pending_batches(backend.target.platform, clock.now())
    backend.fail_next(403)
    assert await sender.send_pending() == ["failed"]
    assert await sender.send_pending() == []  # a refusal is not tried again
    status = await notices.status(refused.id, backend.target.platform)
    assert status is not None and status[0] == "failed"
    assert len(seen(request, backend)) == 1
