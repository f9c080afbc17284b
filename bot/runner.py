"""``briefbot run``: every platform with credentials (Discord, Slack, or both), else a console."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import TYPE_CHECKING

import discord

from bot.adapters.console.shell import Console, run_console
from bot.app import App, seed_if_empty
from bot.domain.schedule import zone
from bot.storage.app_state import AppState
from bot.storage.corrections import CorrectionLedger
from bot.storage.scoped import PlatformLedger, PlatformServers

if TYPE_CHECKING:
    from bot.adapters.discord.client import BriefingBot

log = logging.getLogger(__name__)

PLATFORM = "discord"


async def run(app: App) -> int:
    """Run until stopped (SIGINT/SIGTERM, or end of input in the console)."""
    from bot.adapters.slack.config import slack_configured

    await seed_if_empty(app)
    token = app.settings.discord_token
    discord_on = token is not None and bool(token.get_secret_value().strip())
    slack_on = slack_configured(app.settings)
    if not (discord_on or slack_on):
        return await _run_console(app)
    _log_editing_off(app, discord_on=discord_on, slack_on=slack_on)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    platforms = []
    if discord_on:
        platforms.append(asyncio.create_task(_run_discord(app, _discord_token(app), stop)))
    if slack_on:
        from bot.adapters.slack.run import run_slack

        platforms.append(asyncio.create_task(run_slack(app, stop)))
    # One platform failing (e.g. a refused token) stops the others, then the error is shown.
    await asyncio.wait(platforms, return_when=asyncio.FIRST_EXCEPTION)
    stop.set()
    await asyncio.gather(*platforms)
    return 0


def _log_editing_off(app: App, *, discord_on: bool, slack_on: bool) -> None:
    """One line when a running platform has no newsroom: nobody there edits through chat."""
    settings = app.settings
    unset = [
        name
        for name, running, newsroom in (
            ("BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID", discord_on, settings.discord_newsroom),
            ("BRIEFBOT_NEWSROOM_SLACK_TEAM_ID", slack_on, settings.slack_newsroom),
        )
        if running and not newsroom.configured
    ]
    if unset:
        log.info(
            "editor commands are off (no newsroom): set %s to the newsroom's id to enable them; "
            "briefbot import works meanwhile",
            " / ".join(unset),
        )


async def _run_console(app: App) -> int:
    console = Console(app.service, zone(app.settings.timezone))
    loop = asyncio.get_running_loop()

    async def read_line() -> str:
        return await loop.run_in_executor(None, sys.stdin.readline)

    await run_console(console, read_line, sys.stdout)
    return 0


def _discord_token(app: App) -> str:
    token = app.settings.discord_token
    if token is None or not token.get_secret_value().strip():
        raise ValueError("DISCORD_TOKEN is not set (environment or .env)")
    return token.get_secret_value().strip()


def _discord_bot(app: App, *, serve: bool = True) -> BriefingBot:
    """The bot; ``serve=False`` only logs in (no command sync at start, no digests)."""
    from bot.adapters.discord.client import BriefingBot
    from bot.adapters.discord.deps import DiscordDeps
    from bot.adapters.discord.endpoints import configure_endpoints

    settings = app.settings
    configure_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    deps = DiscordDeps(
        settings=settings,
        service=app.service,
        app_state=AppState(app.database),
        # Discord's scheduler and recovery see only Discord's servers; Slack has its own.
        servers=PlatformServers(app.database, {PLATFORM}),
        ledger=PlatformLedger(app.database, {PLATFORM}),
        clock=app.service.clock,
        corrections=CorrectionLedger(app.database, {PLATFORM}),
    )
    return BriefingBot(deps, sync_on_start=serve, digests=serve)


async def sync_commands(app: App, guild_id: int | None) -> int:
    """``briefbot sync-commands``: push the slash commands to Discord now."""
    bot = _discord_bot(app, serve=False)
    async with bot:
        try:
            await bot.login(_discord_token(app))
        except discord.LoginFailure:
            raise ValueError("Discord refused the token in DISCORD_TOKEN") from None
        return await bot.sync_commands(guild_id)


async def _run_discord(app: App, token: str, stop: asyncio.Event) -> None:
    """Run the Discord bot until ``stop`` is set or the connection fails for good."""
    bot = _discord_bot(app)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not runner.done():
            log.info("stopping")
            await bot.close()
        try:
            await runner
        except discord.LoginFailure:
            raise ValueError("Discord refused the token in DISCORD_TOKEN") from None
        except discord.PrivilegedIntentsRequired:
            raise ValueError("Discord asks for privileged intents this bot does not use") from None
