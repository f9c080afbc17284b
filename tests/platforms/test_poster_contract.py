"""The poster port's contract, run over every poster: in-memory, Discord and Slack.

A new platform's poster passes this suite before it plugs in: what it posts is found again
by its marker, a refusal (403) is permanent, a server error or no answer is transient
(retried), and messages of anyone else carrying the same marker are never taken for ours.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.discord.digest_poster import DiscordDigestPoster
from bot.adapters.slack.poster import SlackDigestPoster
from bot.app import App
from bot.clock import FixedClock
from bot.delivery import (
    DeliveryTarget,
    PermanentDeliveryError,
    TransientDeliveryError,
    digest_marker,
    digest_nonce,
)
from bot.domain.digest import Digest
from bot.platforms.memory import TIMEOUT, MemoryPoster
from bot.platforms.runtime import PlatformPoster
from tests.discord_digest.conftest import MESSAGES_ROUTE, bot_running
from tests.slack.conftest import BRIEF_CHANNEL
from tests.standins.discord import DiscordStandIn
from tests.standins.discord.model import Message, User
from tests.standins.slack.standin import BOT_TOKEN, TEAM_ID, SlackStandIn

DAY = date(2026, 11, 29)
QUIET = Digest(local_date=DAY, headlines=(), sections=(), key_figures=(), sources=())
NO_ANSWER = 1.0  # how long the contract waits for a post that never gets an answer


@dataclass
class Backend:
    """One poster, its channel, and how to make its platform misbehave."""

    poster: PlatformPoster
    target: DeliveryTarget
    fail_next: Callable[[int], None]  # the next post gets this HTTP status, or TIMEOUT
    foreign: Callable[[str], None]  # someone else posts a message carrying the marker


@pytest.fixture
def memory_backend() -> Backend:
    poster = MemoryPoster()
    target = DeliveryTarget("memory", "server", "channel")
    return Backend(
        poster,
        target,
        lambda status: poster.fail_next(target.channel_id, status),
        lambda marker: poster.add(target.channel_id, "mallory", "Briefing digest", marker),
    )


@pytest.fixture
async def discord_backend(
    discord: DiscordStandIn, app: App, clock: FixedClock, quick_discord_retries: list[float]
) -> AsyncIterator[Backend]:
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")

    def fail_next(status: int) -> None:
        if status == TIMEOUT:
            discord.faults.add(MESSAGES_ROUTE, status=None, delay=NO_ANSWER * 3)
        else:
            # discord.py tries a 5xx five times itself before giving up.
            discord.faults.add(MESSAGES_ROUTE, status=status, times=5 if status >= 500 else 1)

    def foreign(marker: str) -> None:
        mallory = User(discord.world.new_id(), "mallory", bot=True)
        embed = {"title": "Briefing digest", "footer": {"text": marker}}
        message = Message(discord.world.new_id(), channel.id, mallory, embeds=[embed])
        discord.world.messages.setdefault(channel.id, []).append(message)

    target = DeliveryTarget("discord", str(guild.id), str(channel.id))
    async with bot_running(discord, app, clock) as bot:
        yield Backend(DiscordDigestPoster(bot), target, fail_next, foreign)


@pytest.fixture
async def slack_backend(standin: SlackStandIn) -> AsyncIterator[Backend]:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=standin.url + "/api/", timeout=NO_ANSWER)
    hold = asyncio.Event()

    def fail_next(status: int) -> None:
        if status == TIMEOUT:
            standin.held["chat.postMessage"] = hold
        else:
            standin.fail_next(
                "chat.postMessage", "refused" if status < 500 else "internal_error", status
            )

    def foreign(marker: str) -> None:
        context = {"type": "context", "elements": [{"type": "mrkdwn", "text": marker}]}
        message = {"ts": "1699999999.000100", "user": "UMALLORY1", "blocks": [context]}
        standin.messages.setdefault(BRIEF_CHANNEL, []).append(message)

    target = DeliveryTarget("slack", TEAM_ID, BRIEF_CHANNEL)
    yield Backend(SlackDigestPoster(client), target, fail_next, foreign)
    hold.set()  # let a held request finish before the stand-in closes


@pytest.fixture(params=["memory", "discord", "slack"])
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen: Backend = request.getfixturevalue(f"{request.param}_backend")
    return chosen


async def post(backend: Backend, marker: str = digest_marker(DAY)) -> str:
    nonce = digest_nonce(backend.target.platform, backend.target.server_id, DAY)
    return await asyncio.wait_for(backend.poster.post(backend.target, QUIET, nonce, marker), 20)


async def test_a_posted_digest_is_found_again_by_its_marker(backend: Backend) -> None:
    message_id = await post(backend)
    assert await backend.poster.find_posted(backend.target, digest_marker(DAY)) == message_id
    other_day = digest_marker(date(2026, 11, 28))
    assert await backend.poster.find_posted(backend.target, other_day) is None


async def test_a_refusal_is_permanent(backend: Backend) -> None:
    backend.fail_next(403)
    with pytest.raises(PermanentDeliveryError) as refused:
        await post(backend)
    assert refused.value.reason  # said in words to the server's admins
    assert await backend.poster.find_posted(backend.target, digest_marker(DAY)) is None


async def test_a_server_error_is_transient(backend: Backend) -> None:
    backend.fail_next(500)
    with pytest.raises(TransientDeliveryError):
        await post(backend)
    # Retried, it goes through.
    assert await post(backend)


async def test_no_answer_is_transient(backend: Backend) -> None:
    """Delivery bounds each try (``RetryPolicy.attempt_timeout``) and retries a timeout, so
    a poster may either give up itself (transient) or leave it to that bound."""
    backend.fail_next(TIMEOUT)
    with pytest.raises((TransientDeliveryError, TimeoutError)):
        await asyncio.wait_for(
            backend.poster.post(backend.target, QUIET, "nonce", digest_marker(DAY)),
            NO_ANSWER * 2,
        )


async def test_other_authors_messages_are_never_taken_for_ours(backend: Backend) -> None:
    backend.foreign(digest_marker(DAY))
    assert await backend.poster.find_posted(backend.target, digest_marker(DAY)) is None
    message_id = await post(backend)
    assert await backend.poster.find_posted(backend.target, digest_marker(DAY)) == message_id
