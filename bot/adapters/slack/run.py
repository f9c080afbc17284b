"""Running the Slack app: Socket Mode by default, HTTP mode as an option.

:class:`~bot.adapters.slack.platform.SlackPlatform` calls :func:`run_slack` when
:func:`~bot.adapters.slack.config.slack_configured` says the credentials are there; it
returns when ``stop`` is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.app import SlackBot
from bot.adapters.slack.config import SlackSettings, secret_text
from bot.adapters.slack.deps import SlackDeps
from bot.adapters.slack.poster import SlackDigestPoster
from bot.delivery_port import DeliveryTarget
from bot.platforms.heap import settle_startup_heap
from bot.platforms.host import PlatformHost

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def build_slack_bot(
    host: PlatformHost, slack: SlackSettings, client: AsyncWebClient | None = None
) -> SlackBot:
    """The Slack bot over the host's service, its digests scoped to Slack's servers."""
    if client is None:
        base_url = slack.api_base_url or AsyncWebClient.BASE_URL
        client = AsyncWebClient(token=secret_text(slack.bot_token), base_url=base_url)
    settings = host.settings
    deps = SlackDeps(
        newsroom=settings.slack_newsroom,
        grace_hours=settings.digest_grace_hours,
        public_url=settings.public_url,
        **host.shared(),
    )
    secret = secret_text(slack.signing_secret) or None
    return SlackBot(deps, client, signing_secret=secret if slack.mode == "http" else None)


def http_app(bot: SlackBot) -> web.Application:
    """An aiohttp application serving Slack's requests at ``/slack/events`` (signed)."""

    async def events(request: web.Request) -> web.Response:
        response = await bot.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    application = web.Application()
    application.router.add_post(EVENTS_PATH, events)
    return application


@asynccontextmanager
async def serve_http(bot: SlackBot, host: str, port: int) -> AsyncIterator[int]:
    """Serve HTTP mode on ``host:port`` (0 picks a free port, yielded)."""
    runner = web.AppRunner(http_app(bot))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    try:
        yield int(bound)
    finally:
        await runner.cleanup()


@asynccontextmanager
async def connect_socket_mode(
    bot: SlackBot, app_token: str
) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connect over Socket Mode (``apps.connections.open`` with the app-level token)."""
    handler = AsyncSocketModeHandler(bot.app, app_token=app_token, web_client=bot.client)
    await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
    try:
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt


async def run_slack(
    host: PlatformHost,
    slack: SlackSettings,
    stop: asyncio.Event,
    client: AsyncWebClient | None = None,
) -> None:
    """Run the Slack app until ``stop`` is set: commands, buttons, forms and digests."""
    bot = build_slack_bot(host, slack, client)
    auth = await bot.client.auth_test()
    # The team id is what BRIEFBOT_NEWSROOM_SLACK_TEAM_ID takes.
    team = f"{auth.get('team')} ({auth.get('team_id')})"
    log.info("Slack: connected as %s to team %s", auth.get("user"), team)
    # Catch-up runs in the background: commands are answered while it posts.
    await bot.runtime.start()
    try:
        async with serving_intake_notices(host, slack, bot.client):
            await _serve(bot, slack, stop)
    finally:
        await bot.runtime.stop()


@asynccontextmanager
async def serving_intake_notices(
    host: PlatformHost, slack: SlackSettings, client: AsyncWebClient
) -> AsyncIterator[None]:
    """The newsroom's intake channel told of each poll's new candidates (when set)."""
    channel = (slack.intake_channel_id or "").strip()
    if host.intake is None or not channel:
        yield
        return
    team = host.settings.slack_newsroom.server_id or ""
    target = DeliveryTarget("slack", team, channel)
    async with host.intake.serving(SlackDigestPoster(client), target):
        yield


async def _serve(bot: SlackBot, slack: SlackSettings, stop: asyncio.Event) -> None:
    if slack.mode == "http":
        async with serve_http(bot, slack.http_host, slack.http_port) as port:
            log.info("Slack: HTTP mode on port %d%s", port, EVENTS_PATH)
            settle_startup_heap()
            await stop.wait()
    else:
        async with connect_socket_mode(bot, secret_text(slack.app_token)):
            log.info("Slack: Socket Mode connected")
            settle_startup_heap()
            await stop.wait()
