"""The newsroom's intake notice through each real poster (memory; discord.py against the
Discord stand-in; slack-sdk against the Slack stand-in): ONE message per poll however many
senders race for it or crash, pinging nobody whatever the feeds' headlines say."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import FixedClock
from bot.domain.intake_records import batch_marker
from bot.intake.notifier import IntakeNotices
from bot.platforms.memory import MemoryPoster
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
from tests.standins.discord import DiscordStandIn
from tests.standins.slack.standin import SlackStandIn

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
