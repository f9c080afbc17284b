"""Making entry text safe to show on Discord: no pings, no accidental formatting."""

from __future__ import annotations

import discord

from bot.domain.text import shorten
from bot.storage.entries import MARK_END, MARK_START


def safe(text: str, limit: int | None = None) -> str:
    """Escape Markdown and mentions, then shorten at a word boundary to ``limit``.

    ``allowed_mentions`` is none on everything the bot sends as well; escaping also keeps
    ``@everyone`` from even looking like a ping.
    """
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return shorten(escaped, limit) if limit is not None else escaped


def highlighted(snippet: str, limit: int) -> str:
    """A search snippet with the matched words in bold (the words are escaped first)."""
    text = safe(snippet).replace(MARK_START, "**").replace(MARK_END, "**")
    if len(text) <= limit:
        return text
    return safe(snippet.replace(MARK_START, "").replace(MARK_END, ""), limit)
