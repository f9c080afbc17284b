"""Posting digests on Discord: the :class:`~bot.delivery.DigestPoster` port for discord.py.

Sends with the ledger's deterministic nonce (discord.py then adds ``enforce_nonce``, so
Discord itself drops a duplicate sent within its window) and with the digest marker in the
footer, which recovery after a crash looks for in the channel's recent history.
"""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp
import discord

from bot.adapters.discord.embeds import MESSAGE_EMBED_BUDGET, digest_embeds, embeds_size
from bot.adapters.discord.notices import correction_embed, intake_embed
from bot.delivery_port import DeliveryTarget, PermanentDeliveryError, TransientDeliveryError
from bot.domain.corrections import CorrectionNotice
from bot.domain.digest import Digest
from bot.domain.intake_records import PollBatch

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50
# Room kept under Discord's 6000 characters for the footer the budget cannot foresee.
DIGEST_BUDGET = MESSAGE_EMBED_BUDGET - 200


# Discord's global limit is 50 requests/s per bot; digests keep under it so a thousand servers
# due at the same minute never meet a 429 (discord.py's retries of a global 429 stampede).
GLOBAL_PER_SECOND = 50


class GlobalPacer:
    """Calls spaced evenly, ``per_second`` of them a second (Discord counts per second).

    Evenly rather than in bursts: the limit is per bot, and bursts from several processes
    (or one burst arriving a little late on a busy machine) add up past it. The default stays
    a little under the limit: clocks and networks are not exact, and a command answered
    during the fan-out also counts.
    """

    def __init__(self, per_second: float = GLOBAL_PER_SECOND - 2) -> None:
        self._interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    def for_share(cls, per_second: int, share: float) -> GlobalPacer:
        """The pace of one process holding ``share`` of the bot's shards: the global limit is
        per bot, so processes that each kept to all of it would meet 429s together."""
        return cls((per_second - 2) * share)

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        await asyncio.sleep(start - now)


def measure_digest(digest: Digest) -> int:
    """The characters Discord will count for this digest (the composer trims to fit)."""
    return embeds_size(digest_embeds(digest, "digest · 0000-00-00"))


class DiscordDigestPoster:
    """Posts a digest into a channel by id; errors become plain-words delivery errors."""

    def __init__(self, client: discord.Client, pacer: GlobalPacer | None = None) -> None:
        self._client = client
        self._pacer = pacer or GlobalPacer()

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        return await self._send(target, digest_embeds(digest, marker), nonce)

    async def post_notice(
        self, target: DeliveryTarget, notice: CorrectionNotice, nonce: str, marker: str
    ) -> str:
        return await self._send(target, [correction_embed(notice, marker)], nonce)

    async def post_intake(
        self, target: DeliveryTarget, batch: PollBatch, nonce: str, marker: str
    ) -> str:
        return await self._send(target, [intake_embed(batch, marker)], nonce)

    async def _send(self, target: DeliveryTarget, embeds: list[discord.Embed], nonce: str) -> str:
        channel = self._channel(target)
        await self._pacer.wait()
        try:
            message = await channel.send(
                embeds=embeds,
                nonce=nonce,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            raise self._delivery_error(error, target) from None
        except (aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(
                f"could not reach Discord ({type(error).__name__})"
            ) from None
        await self._publish_if_announcement(message)
        return str(message.id)

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        channel = self._channel(target)
        me = self._client.user
        await self._pacer.wait()
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if me is not None and message.author.id != me.id:
                    continue
                if any(marker in (embed.footer.text or "") for embed in message.embeds):
                    return str(message.id)
        except discord.HTTPException as error:
            raise self._delivery_error(error, target) from None
        except (aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(
                f"could not reach Discord ({type(error).__name__})"
            ) from None
        return None

    def _channel(self, target: DeliveryTarget) -> discord.PartialMessageable:
        # A partial channel needs no cache: digests go out even before the guild is loaded.
        return self._client.get_partial_messageable(
            int(target.channel_id), guild_id=int(target.server_id)
        )

    def _channel_name(self, target: DeliveryTarget) -> str:
        channel = self._client.get_channel(int(target.channel_id))
        name = getattr(channel, "name", None)
        return f"#{name}" if name else f"channel {target.channel_id}"

    def _delivery_error(
        self, error: discord.HTTPException, target: DeliveryTarget
    ) -> PermanentDeliveryError | TransientDeliveryError:
        where = self._channel_name(target)
        if isinstance(error, discord.Forbidden):
            return PermanentDeliveryError(f"missing permission to send in {where}")
        if isinstance(error, discord.NotFound):
            return PermanentDeliveryError(f"{where} no longer exists or the bot cannot see it")
        if isinstance(error, discord.DiscordServerError) or error.status >= 500:
            return TransientDeliveryError(f"Discord had a server error ({error.status})")
        if error.status == 429:
            return TransientDeliveryError("Discord rate limit")
        return PermanentDeliveryError(f"Discord refused the digest ({error.status}: {error.text})")

    async def _publish_if_announcement(self, message: discord.Message) -> None:
        """Crosspost in announcement channels so servers that follow the channel get it."""
        channel = self._client.get_channel(message.channel.id)
        if not isinstance(channel, discord.TextChannel) or not channel.is_news():
            return
        await self._pacer.wait()
        try:
            await message.publish()
        except discord.HTTPException as error:
            log.warning("digest %s posted but not published: %s", message.id, error)
