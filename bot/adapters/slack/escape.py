"""Making entry text safe in Slack ``mrkdwn``: no pings, no links or mentions smuggled in.

Slack's rule: in message text, ``&``, ``<`` and ``>`` are control characters and must be
sent as ``&amp;``, ``&lt;`` and ``&gt;``. Every special Slack token (``<!channel>``,
``<!here>``, ``<!everyone>``, ``<@U…>``, ``<#C…>``, ``<!subteam^…>``, ``<url|label>``) starts
with ``<``, so escaping these three turns any of them typed into an entry into plain text.
The bot also never asks Slack to parse names (no ``link_names``, ``parse`` left at none), so
a bare ``@channel`` stays text too.
"""

from __future__ import annotations

from bot.domain.entries import MARK_END, MARK_START
from bot.domain.text import shorten
from bot.domain.text_safety import link_target, without_hidden

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as Slack's entities; hidden characters (stored before validation
    refused them) dropped; nothing else changes."""
    return without_hidden(text).translate(_ESCAPES)


def safe(text: str, limit: int | None = None) -> str:
    """Escaped text of at most ``limit`` characters *after* escaping (cut at a word)."""
    if limit is None:
        return escape(text)
    room = limit
    while True:
        escaped = escape(shorten(text, room))
        if len(escaped) <= limit or room <= 1:
            return escaped[:limit] if len(escaped) > limit else escaped
        room -= len(escaped) - limit


def link(url: str, label: str, limit: int = 200) -> str:
    """``<url|label>`` with both parts unable to close the link early."""
    target = escape(link_target(url))
    return f"<{target}|{safe(label, limit)}>"


def highlighted(snippet: str, limit: int) -> str:
    """A search snippet with the matched words in bold (escaped first)."""
    text = escape(snippet).replace(MARK_START, "*").replace(MARK_END, "*")
    if len(text) <= limit:
        return text
    return safe(snippet.replace(MARK_START, "").replace(MARK_END, ""), limit)
