"""Feeds polled once, as the bot's background poller would, for the chat review stories."""

from __future__ import annotations

from bot.app import App
from bot.intake.fetch import Fetcher
from bot.intake.poller import Poller, PollReport
from tests.intake.server import REWRITE, STORY, FeedServer, rss

WIRE = "/wire.xml"
DAILY = "/daily.xml"


def serve_story(server: FeedServer) -> None:
    """Two outlets' feeds carrying one story (the wire copy and a rewrite)."""
    server.text(WIRE, rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    server.text(DAILY, rss([("d1", "North Korea troops in Russia, says NIS", REWRITE)]))


async def poll_once(app: App) -> PollReport:
    """Poll every followed feed now (private addresses allowed: the server is local)."""
    fetcher = Fetcher(allow_private=True)
    try:
        poller = Poller(
            app.storage.intake.feeds,
            app.storage.intake.queue,
            fetcher,
            app.service.clock,
            app.settings.vocabulary,
        )
        return await poller.poll(everything=True)
    finally:
        await fetcher.close()
