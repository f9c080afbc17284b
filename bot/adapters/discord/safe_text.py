"""Making entry text safe to show on Discord: no pings, no accidental formatting."""

from __future__ import annotations

import re

import discord

from bot.domain.entries import MARK_END, MARK_START
from bot.domain.text import shorten
from bot.domain.text_safety import without_hidden

# A bracket not already escaped: preceded by an even number (or none) of backslashes.
_BARE_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")


def safe(text: str, limit: int | None = None) -> str:
    """Escape Markdown and mentions, then shorten at a word boundary to ``limit``.

    ``allowed_mentions`` is none on everything the bot sends as well; escaping also keeps
    ``@everyone`` from even looking like a ping.

    discord.py escapes a masked link ``[text](url)`` only when it sits on one line, but
    Discord also renders one whose text spans lines; escaping every bracket leaves no masked
    link at all, and keeps a source name from closing the link it is the label of. Hidden
    characters (bidi controls, zero-width) stored before validation refused them are dropped.
    """
    markdown = discord.utils.escape_markdown(without_hidden(text))
    markdown_escaped = _BARE_BRACKET.sub(r"\1\\\2", markdown)
    escaped = discord.utils.escape_mentions(markdown_escaped)
    return shorten(escaped, limit) if limit is not None else escaped


def highlighted(snippet: str, limit: int) -> str:
    """A search snippet with the matched words in bold (the words are escaped first)."""
    text = safe(snippet).replace(MARK_START, "**").replace(MARK_END, "**")
    if len(text) <= limit:
        return text
    return safe(snippet.replace(MARK_START, "").replace(MARK_END, ""), limit)
