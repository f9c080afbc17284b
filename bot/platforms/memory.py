"""The in-memory platform: the reference implementation of the poster port.

Channels are lists of messages kept in memory. It is what a new platform's poster must
behave like (the poster contract suite runs it beside Discord and Slack), and what a test
or a toy platform posts digests to without any network.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field

from bot.delivery import DeliveryTarget, PermanentDeliveryError, TransientDeliveryError
from bot.domain.corrections import CorrectionNotice
from bot.domain.digest import Digest, digest_title
from bot.domain.intake_records import PollBatch, notice_text
from bot.env_settings import EnvSettings, prefixed
from bot.platforms.host import PlatformHost
from bot.platforms.runtime import DigestRuntime

ME = "briefbot"
TIMEOUT = 0  # the "status" of a post that never gets an answer


@dataclass(frozen=True, slots=True)
class MemoryMessage:
    id: str
    author: str
    heading: str  # the digest's or notice's first line
    marker: str  # where a platform shows it: Discord's footer, Slack's context block


@dataclass
class MemoryPoster:
    """Posts into in-memory channels; ``fail_next`` makes the next post fail like a server.

    Statuses follow HTTP: 4xx is permanent (403: the bot may not post there), 429 and 5xx
    are transient, :data:`TIMEOUT` never answers (the caller's timeout decides).
    """

    channels: dict[str, list[MemoryMessage]] = field(default_factory=dict)
    faults: dict[str, list[int]] = field(default_factory=dict)
    me: str = ME
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, channel_id: str, status: int) -> None:
        self.faults.setdefault(channel_id, []).append(status)

    def add(self, channel_id: str, author: str, heading: str, marker: str) -> MemoryMessage:
        """A message as anyone (the bot, or someone else) posted it."""
        message = MemoryMessage(str(next(self._ids)), author, heading, marker)
        self.channels.setdefault(channel_id, []).append(message)
        return message

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        await self._fault(target)
        return self.add(target.channel_id, self.me, digest_title(digest), marker).id

    async def post_notice(
        self, target: DeliveryTarget, notice: CorrectionNotice, nonce: str, marker: str
    ) -> str:
        await self._fault(target)
        return self.add(target.channel_id, self.me, notice.heading, marker).id

    async def post_intake(
        self, target: DeliveryTarget, batch: PollBatch, nonce: str, marker: str
    ) -> str:
        await self._fault(target)
        return self.add(target.channel_id, self.me, notice_text(batch), marker).id

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        for message in reversed(self.channels.get(target.channel_id, [])):
            if message.author == self.me and marker in message.marker:
                return message.id
        return None

    async def _fault(self, target: DeliveryTarget) -> None:
        queued = self.faults.get(target.channel_id)
        if not queued:
            return
        status = queued.pop(0)
        if status == TIMEOUT:
            await asyncio.Event().wait()  # until the caller gives up
        if status == 429 or status >= 500:
            raise TransientDeliveryError(f"the server had an error ({status})")
        raise PermanentDeliveryError(f"refused ({status}) in channel {target.channel_id}")


class MemorySettings(EnvSettings, frozen=True, rename=prefixed("BRIEFBOT_MEMORY_")):
    """``BRIEFBOT_MEMORY_ON=1`` runs it: digests kept in memory, e.g. to try a schedule
    without any chat account."""

    on: bool = False
    # The newsroom channel told of new intake candidates (one message per poll); "" for none.
    intake_channel: str = ""


class MemoryPlatform:
    """Digests to in-memory channels through the shared runtime; no commands."""

    name = "memory"
    settings_class = MemorySettings

    def __init__(self, poster: MemoryPoster | None = None) -> None:
        self.poster = poster or MemoryPoster()

    def configured(self, settings: MemorySettings) -> bool:
        return settings.on

    async def run(self, host: PlatformHost, settings: MemorySettings, stop: asyncio.Event) -> None:
        runtime = DigestRuntime.for_host(host, self.poster)
        await runtime.start()
        try:
            async with contextlib.AsyncExitStack() as stack:
                if host.intake is not None and settings.intake_channel:
                    target = DeliveryTarget(self.name, "newsroom", settings.intake_channel)
                    await stack.enter_async_context(host.intake.serving(self.poster, target))
                await stop.wait()
        finally:
            await runtime.stop()


PLATFORM = MemoryPlatform()
