"""A correction notice as a Discord embed: what changed, old → new, and the entry's slug."""

from __future__ import annotations

import discord

from bot.adapters.discord.embeds import DESCRIPTION_LIMIT, TITLE_LIMIT, shorten_block
from bot.adapters.discord.safe_text import safe
from bot.domain.corrections import CorrectionNotice

CORRECTION_COLOUR = 0x6A1B9A


def correction_embed(notice: CorrectionNotice, marker: str) -> discord.Embed:
    """A short correction notice: what changed, old → new, and how to see the entry."""
    changes = "\n".join(f"• {safe(change, 400)}" for change in notice.changes) or "—"
    embed = discord.Embed(
        title=safe(notice.heading, TITLE_LIMIT),
        description=shorten_block(
            f"Corrected on {notice.at:%d %b %Y}. What changed:\n{changes}\n\n"
            f"The entry: `/brief show {notice.slug}`",
            DESCRIPTION_LIMIT,
        ),
        colour=CORRECTION_COLOUR,
    )
    embed.set_footer(text=marker)
    return embed
