"""``briefbot run``: every registered platform that is configured, else a console."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

from bot import platforms
from bot.adapters.console.shell import Console, run_console
from bot.app import App, seed_if_empty
from bot.domain.errors import InvalidInput
from bot.domain.schedule import zone
from bot.domain.shards import ShardSpec
from bot.env_settings import EnvSettings
from bot.intake.compose import intake_notices, polling_in_background
from bot.platforms.host import PlatformHost

log = logging.getLogger(__name__)

# The newsroom setting of each platform that has one (editing through chat is off without).
NEWSROOMS = {
    "discord": "BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID",
    "slack": "BRIEFBOT_NEWSROOM_SLACK_TEAM_ID",
}


def choose_shards(ids: str | None, count: int | None) -> ShardSpec:
    """``briefbot run --shards 0-3 --shard-count 8``: these win over ``DISCORD_SHARD_IDS`` /
    ``DISCORD_SHARD_COUNT`` (which the Discord platform reads); checked here, so a typo is
    one sentence before anything connects."""
    if count is None:
        env = os.environ.get("DISCORD_SHARD_COUNT", "").strip()
        count = int(env) if env.isdigit() else None
    if count is None:
        raise InvalidInput("--shards needs --shard-count: the total number of shards of the bot.")
    shards = ShardSpec.parse(ids if ids is not None else f"0-{max(count - 1, 0)}", count)
    os.environ["DISCORD_SHARD_IDS"] = ",".join(map(str, shards.sorted_ids))
    os.environ["DISCORD_SHARD_COUNT"] = str(shards.count)
    return shards


async def run(app: App, registry: Mapping[str, str] | None = None) -> int:
    """Run until stopped (SIGINT/SIGTERM, or end of input in the console)."""
    log.info("database: %s", app.storage.url)  # the URL without its password
    await seed_if_empty(app)
    if app.settings.web_enabled:
        return await _with_web(app, registry)
    return await _run_platforms(app, registry)


async def _with_web(app: App, registry: Mapping[str, str] | None) -> int:
    """``BRIEFBOT_WEB=1``: the web archive is served while the bots (or console) run."""
    from bot.adapters.web.server import serving, web_config

    settings = app.settings
    async with serving(app.service, web_config(settings), settings.web_host, settings.web_port):
        return await _run_platforms(app, registry)


async def _run_platforms(app: App, registry: Mapping[str, str] | None) -> int:
    chosen = platforms.configured(registry)
    if not chosen:
        async with polling_in_background(app, intake_notices(app)):
            return await _run_console(app)
    _log_editing_off(app, [platform.name for platform, _ in chosen])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await run_platforms(app, chosen, stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return 0


async def run_platforms(
    app: App, chosen: list[tuple[platforms.AnyPlatform, EnvSettings]], stop: asyncio.Event
) -> None:
    """Run each platform over its own scoped stores until ``stop`` or one fails; the feeds
    are polled in the background meanwhile, the newsroom told of new candidates."""
    intake = intake_notices(app)
    async with polling_in_background(app, intake):
        tasks: list[asyncio.Task[Any]] = [
            asyncio.create_task(
                platform.run(PlatformHost.of(app, platform.name, intake), settings, stop),
                name=f"platform-{platform.name}",
            )
            for platform, settings in chosen
        ]
        # One platform failing (e.g. a refused token) stops the others, then the error shows.
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        stop.set()
        await asyncio.gather(*tasks)


def _log_editing_off(app: App, running: list[str]) -> None:
    """One line when a running platform has no newsroom: nobody there edits through chat."""
    settings = app.settings
    newsrooms = {"discord": settings.discord_newsroom, "slack": settings.slack_newsroom}
    unset = [
        NEWSROOMS[name] for name in running if name in newsrooms and not newsrooms[name].configured
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


async def sync_commands(app: App, guild_id: int | None) -> int:
    """``briefbot sync-commands``: push the slash commands to Discord now."""
    from bot.adapters.discord.platform import PLATFORM
    from bot.adapters.discord.settings import DiscordSettings

    host = PlatformHost.of(app, PLATFORM.name)
    return await PLATFORM.sync_commands(host, DiscordSettings.from_env(), guild_id)
