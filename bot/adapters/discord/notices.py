"""A correction notice as a Discord embed: what changed, old → new, and the entry's slug."""

from __future__ import annotations

import discord

from bot.adapters.discord.embeds import DESCRIPTION_LIMIT, TITLE_LIMIT, shorten_block
from bot.adapters.discord.safe_text import safe
from bot.domain.corrections import CorrectionNotice
from bot.domain.intake_records import PollBatch, notice_text

CORRECTION_COLOUR = 0x6A1B9A
INTAKE_COLOUR = 0x00838F


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


def intake_embed(batch: PollBatch, marker: str) -> discord.Embed:
    """The newsroom's one notice of a poll: how many candidates, a few titles, the command.

    The titles are the feeds' words: escaped, and the message pings nobody."""
    noun = "candidate" if batch.count == 1 else "candidates"
    embed = discord.Embed(
        title=f"{batch.count} new {noun} to review",
        description=shorten_block(safe(notice_text(batch)), DESCRIPTION_LIMIT),
        colour=INTAKE_COLOUR,
    )
    embed.set_footer(text=marker)
    return embed
