"""Discord as a :class:`~bot.platforms.Platform`: discord.py is imported only to run."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from typing import TYPE_CHECKING

from bot.adapters.discord.settings import DiscordSettings
from bot.domain.errors import NotConfigured

if TYPE_CHECKING:
    from bot.adapters.discord.client import BriefingBot
    from bot.platforms.host import PlatformHost

log = logging.getLogger(__name__)

REFUSED = "Discord refused the token in DISCORD_TOKEN"


class DiscordPlatform:
    name = "discord"
    settings_class = DiscordSettings

    def configured(self, settings: DiscordSettings) -> bool:
        return bool(settings.token_text)

    def bot(self, host: PlatformHost, settings: DiscordSettings, *, serve: bool) -> BriefingBot:
        """The bot; ``serve=False`` only logs in (no command sync at start, no digests).

        With shards configured it runs only those, and its digests, catch-up and correction
        notices cover only their servers; only shard 0's process syncs the commands.
        """
        from bot.adapters.discord.client import BriefingBot, ShardedBriefingBot
        from bot.adapters.discord.deps import DiscordDeps
        from bot.adapters.discord.digest_poster import GlobalPacer
        from bot.adapters.discord.endpoints import configure_endpoints
        from bot.platforms.shards import OwnedLedger, OwnedNotices, OwnedServers

        shards = settings.shards
        configure_endpoints(settings.api_base_url, settings.gateway_url)
        deps = DiscordDeps(settings=host.settings, app_state=host.app_state, **host.shared())
        pacer = GlobalPacer.for_share(settings.global_rate_limit, shards.share if shards else 1)
        if shards is None:
            return BriefingBot(deps, sync_on_start=serve, digests=serve, pacer=pacer)
        log.info("running %s", shards)
        owned = dataclasses.replace(
            deps,
            servers=OwnedServers(deps.servers, shards),
            ledger=OwnedLedger(deps.ledger, shards),
            corrections=OwnedNotices(deps.corrections, shards),
        )
        return ShardedBriefingBot(
            owned,
            sync_on_start=serve and shards.syncs_commands,
            digests=serve,
            pacer=pacer,
            shard_ids=shards.sorted_ids,
            shard_count=shards.count,
        )

    async def sync_commands(
        self, host: PlatformHost, settings: DiscordSettings, guild_id: int | None
    ) -> int:
        """``briefbot sync-commands``: push the slash commands to Discord now."""
        import discord

        bot = self.bot(host, settings, serve=False)
        async with bot:
            try:
                await bot.login(_token(settings))
            except discord.LoginFailure:
                raise NotConfigured(REFUSED) from None
            return await bot.sync_commands(guild_id)

    async def run(self, host: PlatformHost, settings: DiscordSettings, stop: asyncio.Event) -> None:
        """Run the Discord bot until ``stop`` is set or the connection fails for good."""
        import discord

        bot = self.bot(host, settings, serve=True)
        async with bot, contextlib.AsyncExitStack() as intake:
            runner = asyncio.create_task(bot.start(_token(settings)))
            await _serve_intake_notices(bot, host, settings, intake)
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not runner.done():
                log.info("stopping")
                await intake.aclose()
                await bot.close()
            try:
                await runner
            except discord.LoginFailure:
                raise NotConfigured(REFUSED) from None
            except discord.PrivilegedIntentsRequired:
                raise NotConfigured(
                    "Discord asks for privileged intents this bot does not use"
                ) from None


async def _serve_intake_notices(
    bot: BriefingBot,
    host: PlatformHost,
    settings: DiscordSettings,
    stack: contextlib.AsyncExitStack,
) -> None:
    """The newsroom's intake channel told of each poll's new candidates, once connected."""
    from bot.adapters.discord.digest_poster import DiscordDigestPoster
    from bot.delivery_port import DeliveryTarget

    channel, newsroom = settings.intake_channel_id, host.settings.discord_newsroom.server_id
    if host.intake is None or channel is None:
        return
    if newsroom is None:
        log.warning(
            "DISCORD_INTAKE_CHANNEL_ID is set but no newsroom: set "
            "BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID to the guild of that channel"
        )
        return
    target = DeliveryTarget("discord", newsroom, str(channel))
    await stack.enter_async_context(
        host.intake.serving(DiscordDigestPoster(bot), target, bot.wait_until_ready)
    )


def _token(settings: DiscordSettings) -> str:
    if not settings.token_text:
        raise NotConfigured("DISCORD_TOKEN is not set (environment or .env)")
    return settings.token_text


PLATFORM = DiscordPlatform()
