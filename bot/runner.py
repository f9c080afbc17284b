"""``briefbot run``: the Discord bot when a token is set, otherwise a local console."""

from __future__ import annotations

from bot.app import App, seed_if_empty
from bot.domain.schedule import zone
from bot.rendering import text as render


async def run(app: App) -> int:
    """Run until stopped; without ``DISCORD_TOKEN``, show the latest briefs and today's digest."""
    await seed_if_empty(app)
    print("No DISCORD_TOKEN set: showing the briefing here. Set DISCORD_TOKEN to run on Discord.")
    print()
    print(render.render_page(await app.service.latest(5)))
    print()
    digest = await app.service.digest(zone(app.settings.timezone))
    print(render.render_digest(digest))
    return 0
