"""Block Kit building blocks, each kept within Slack's limits, and the reply they form.

Limits (Slack's): 50 blocks per message (100 in a modal), 3000 characters of section text,
10 section fields of 2000, 150 characters of header text, 75 of button text, 2000 of button
value, 10 context elements. Every builder here cuts to fit instead of letting Slack refuse.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.text_safety import without_hidden

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
MAX_FIELDS = 10
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
MAX_CONTEXT_ELEMENTS = 10
FALLBACK_TEXT_LIMIT = 3000


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command answers: blocks, the notification text, and who sees it."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    ephemeral: bool = True
    replace_original: bool = False

    def payload(self) -> dict[str, Any]:
        """The body for ``response_url`` (``respond``): ``response_type`` sets who sees it."""
        body: dict[str, Any] = {
            "response_type": "ephemeral" if self.ephemeral else "in_channel",
            "text": self.text[:FALLBACK_TEXT_LIMIT],
            "replace_original": self.replace_original,
        }
        if self.blocks:
            body["blocks"] = fit(self.blocks)
        return body


def plain(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object (Slack shows it literally: no mentions, no formatting; hidden
    characters stored before validation refused them are dropped)."""
    return {"type": "plain_text", "text": _cut(without_hidden(text), limit) or " ", "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A ``mrkdwn`` object; ``text`` must already be escaped where it holds user text."""
    return {"type": "mrkdwn", "text": text}


def section(text: str, *, accessory: Block | None = None) -> Block:
    """A section of already-escaped mrkdwn, cut at a line end to 3000 characters."""
    shown = cut_block(text, SECTION_TEXT_LIMIT).strip() or "—"  # Slack refuses empty text
    block: Block = {"type": "section", "text": mrkdwn(shown)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(fields: Sequence[str]) -> Block:
    """A section of up to 10 side-by-side fields (already-escaped mrkdwn)."""
    return {
        "type": "section",
        "fields": [mrkdwn(cut_block(f, FIELD_TEXT_LIMIT)) for f in fields[:MAX_FIELDS]],
    }


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(cut_block(t, SECTION_TEXT_LIMIT).strip() or "—") for t in texts[:10]],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str | dict[str, Any] = "",
    *,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    """A button; a dict ``value`` is sent as compact JSON (at most 2000 characters)."""
    encoded = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if len(encoded) > BUTTON_VALUE_LIMIT:
        raise ValueError("button value over Slack's 2000 characters")
    element: Block = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
        "value": encoded,
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, yes: str, no: str = "Cancel") -> Block:
    """Slack's own "are you sure?" dialog, shown before a button's action is sent."""
    return {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
        "style": "danger",
    }


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def chunk_lines(lines: Sequence[str], limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Pack lines into texts of at most ``limit`` characters (a long line is cut)."""
    chunks: list[str] = []
    for line in lines:
        line = cut_block(line, limit)
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def cut_block(text: str, limit: int) -> str:
    """Cut multi-line text to ``limit`` at a line end where possible (never mid-entity)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if "\n" in cut:
        cut = cut.rsplit("\n", 1)[0]
    else:
        amp = cut.rfind("&")
        if amp != -1 and ";" not in cut[amp:]:
            cut = cut[:amp]  # do not leave half of "&lt;" behind
    return cut + "…"


def fit(blocks: Sequence[Block], limit: int = MAX_BLOCKS) -> list[Block]:
    """At most ``limit`` blocks; when cut, the last one says how many were left out."""
    if len(blocks) <= limit:
        return list(blocks)
    kept = list(blocks[: limit - 1])
    return [*kept, context(f"…{len(blocks) - len(kept)} more blocks not shown")]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_reply(text: str, *, ephemeral: bool = True) -> Reply:
    """A one-section answer; ``text`` is already-escaped mrkdwn."""
    return Reply(text=text, blocks=[section(text)], ephemeral=ephemeral)
