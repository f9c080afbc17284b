"""Serving the archive: alone (``briefbot web``) or beside the bots (``BRIEFBOT_WEB=1``)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.adapters.web.pages import WebConfig, build_app
from bot.domain.schedule import zone
from bot.service import BriefingService
from bot.settings import Settings

log = logging.getLogger(__name__)


def web_config(settings: Settings) -> WebConfig:
    return WebConfig(tz=zone(settings.timezone), public_url=settings.public_url)


@asynccontextmanager
async def serving(
    service: BriefingService, config: WebConfig, host: str, port: int
) -> AsyncIterator[int]:
    """Listen on ``host:port`` until the block ends; yields the bound port (0 picks one)."""
    runner = web.AppRunner(build_app(service, config), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        log.info("web archive on http://%s:%s/", host, bound)
        yield int(bound)
    finally:
        await runner.cleanup()


async def serve_until(
    service: BriefingService, settings: Settings, host: str, port: int, stop: asyncio.Event
) -> None:
    """Serve the archive until ``stop`` is set."""
    async with serving(service, web_config(settings), host, port):
        await stop.wait()


async def serve_web(
    service: BriefingService, settings: Settings, host: str, port: int | None
) -> None:
    """``briefbot web``: serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve_until(service, settings, host, settings.web_port if port is None else port, stop)
