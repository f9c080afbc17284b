"""The figures chart as a Discord attachment, drawn in a worker thread off the event loop."""

from __future__ import annotations

import asyncio
import io

import discord

from bot.adapters.discord.safe_text import safe
from bot.domain.figures import FigureGroup

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 1024  # Discord's limit for an attachment's alt text


async def chart_attachment(group: FigureGroup) -> tuple[discord.File, str]:
    """The PNG of ``group`` with its alt text, and the same text for the message itself
    (screen readers read both; the message text also serves readers with images off)."""
    # Imported here: matplotlib takes a while to load and only this command needs it.
    from bot.rendering.chart import chart_alt_text, chart_png

    png = await asyncio.to_thread(chart_png, group)
    alt = chart_alt_text(group)
    file = discord.File(
        io.BytesIO(png), filename=f"{group.subject}.png", description=alt[:DESCRIPTION_LIMIT]
    )
    return file, safe(alt, CONTENT_LIMIT)
