"""The entry form as a Slack modal: built prefilled, read back, and its problems shown inline.

Unlike Discord's five text boxes, a Slack modal holds pickers too: topics, actors, status,
importance and the event date are chosen from lists; the free text keeps the same line
formats as everywhere else (``Name | https://…``, ``value | what | claimed by | status``).
Validation problems come back with ``response_action: errors`` next to their field, with
everything the editor typed still in the form.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.adapters.slack.blocks import Block, plain
from bot.domain.corrections import EditKind, parse_edit_kind
from bot.domain.entries import EntryContent, Status
from bot.domain.entry_lines import figure_lines, source_lines
from bot.domain.validation import SUMMARY_MAX, TITLE_MAX, Problem
from bot.domain.vocabulary import Vocabulary

ENTRY_CALLBACK = "brief_entry"
TEXT_INPUT_MAX = 3000  # Slack's plain_text_input limit
MODAL_TITLE_LIMIT = 24
METADATA_LIMIT = 3000
ERROR_TEXT_LIMIT = 300
FIELDS = (
    "title",
    "summary",
    "body",
    "sources",
    "figures",
    "topics",
    "actors",
    "status",
    "importance",
    "event_date",
)
_FIELD_BLOCK = {"slug": "title", "reported_at": "event_date"}
CHANGE_BLOCK = "change"


@dataclass(frozen=True, slots=True)
class FormMeta:
    """What the modal carries to its submission (``private_metadata``)."""

    response_url: str
    channel_id: str
    slug: str | None = None
    revision: int | None = None

    def encode(self) -> str:
        text = json.dumps(
            {"r": self.response_url, "c": self.channel_id, "s": self.slug, "v": self.revision}
        )
        if len(text) > METADATA_LIMIT:
            raise ValueError("form metadata over Slack's 3000 characters")
        return text

    @classmethod
    def decode(cls, text: str) -> FormMeta:
        data = json.loads(text or "{}")
        return cls(str(data.get("r", "")), str(data.get("c", "")), data.get("s"), data.get("v"))


def too_long(content: EntryContent) -> list[str]:
    """The parts of an entry the form cannot hold (Slack caps each box at 3000)."""
    parts = {"details": content.body, "sources": source_lines(content)}
    parts["figures"] = figure_lines(content)
    return [name for name, text in parts.items() if len(text) > TEXT_INPUT_MAX]


def entry_modal(
    heading: str,
    vocabulary: Vocabulary,
    meta: FormMeta,
    today: date,
    content: EntryContent | None = None,
) -> dict[str, Any]:
    """The add/edit form, prefilled from ``content`` when editing."""
    c = content
    blocks = [
        _text("title", "Title", c.title if c else "", TITLE_MAX),
        _text("summary", "Summary", c.summary if c else "", SUMMARY_MAX, multiline=True),
        _text("body", "Details", c.body if c else "", TEXT_INPUT_MAX, True, optional=True),
        _text(
            "sources",
            "Sources: one per line, Name | https://…",
            source_lines(c) if c else "",
            TEXT_INPUT_MAX,
            multiline=True,
        ),
        _text(
            "figures",
            "Figures: value | what | claimed by | status",
            figure_lines(c) if c else "",
            TEXT_INPUT_MAX,
            multiline=True,
            optional=True,
        ),
        _multi("topics", "Topics", vocabulary.topics, c.topics if c else ()),
        _multi("actors", "Actors", vocabulary.actors, c.actors if c else ()),
        _single(
            "status",
            "Status: how well the entry as a whole is established",
            [(s.label, s.value) for s in Status],
            c.status.value if c else None,
        ),
        _single(
            "importance",
            "Importance",
            [("1 background", "1"), ("2 notable", "2"), ("3 major", "3")],
            str(c.importance) if c else "2",
        ),
        {
            "type": "input",
            "block_id": "event_date",
            "label": plain("When it happened", 2000),
            "element": {
                "type": "datepicker",
                "action_id": "value",
                "initial_date": (c.event_date if c else today).isoformat(),
            },
        },
    ]
    if c is not None:  # an edit: the editor says whether it corrects what readers received
        blocks.append(
            _single(
                CHANGE_BLOCK,
                "This change is a… (a correction tells every channel that received the entry)",
                [(k.label.capitalize(), k.value) for k in EditKind],
                EditKind.MINOR.value,
            )
        )
    return {
        "type": "modal",
        "callback_id": ENTRY_CALLBACK,
        "title": plain(heading, MODAL_TITLE_LIMIT),
        "submit": plain("Save", MODAL_TITLE_LIMIT),
        "close": plain("Cancel", MODAL_TITLE_LIMIT),
        "private_metadata": meta.encode(),
        "blocks": blocks,
    }


def submitted_fields(view: dict[str, Any]) -> dict[str, Any]:
    """The raw entry fields from a ``view_submission`` (validated by the core)."""
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    raw: dict[str, Any] = {}
    for name in FIELDS:
        element = values.get(name, {}).get("value", {})
        kind = element.get("type")
        if kind == "multi_static_select":
            raw[name] = [o["value"] for o in element.get("selected_options") or []]
        elif kind == "static_select":
            option = element.get("selected_option")
            raw[name] = option["value"] if option else None
        elif kind == "datepicker":
            raw[name] = element.get("selected_date")
        else:
            raw[name] = element.get("value") or ""
    return raw


def submitted_change(view: dict[str, Any]) -> EditKind:
    """Correction or minor edit, as chosen in an edit form (minor when absent)."""
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    option = values.get(CHANGE_BLOCK, {}).get("value", {}).get("selected_option")
    return parse_edit_kind(option["value"]) if option else EditKind.MINOR


def field_errors(problems: Sequence[Problem | str]) -> dict[str, str]:
    """Problems keyed by the form block they belong to (Slack shows each under its field)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if isinstance(problem, Problem):
            field, message = problem.field, str(problem)
        else:
            field, message = "title", problem
        base = field.split("[", 1)[0].split(".", 1)[0]
        block = _FIELD_BLOCK.get(base, base if base in FIELDS else "title")
        errors.setdefault(block, []).append(message)
    return {block: "; ".join(found)[:ERROR_TEXT_LIMIT] for block, found in errors.items()}


def _text(
    block_id: str,
    label: str,
    initial: str,
    limit: int,
    multiline: bool = False,
    *,
    optional: bool = False,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": multiline,
        "max_length": limit,
    }
    if initial:
        element["initial_value"] = initial[:limit]
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label, 2000),
        "element": element,
    }


def _option(label: str, value: str) -> Block:
    return {"text": plain(label, 75), "value": value}


def _multi(block_id: str, label: str, choices: Sequence[str], chosen: Sequence[str]) -> Block:
    element: Block = {
        "type": "multi_static_select",
        "action_id": "value",
        "options": [_option(c, c) for c in choices[:100]],
    }
    initial = [_option(c, c) for c in chosen if c in choices]
    if initial:
        element["initial_options"] = initial
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}


def _single(
    block_id: str, label: str, choices: Sequence[tuple[str, str]], chosen: str | None
) -> Block:
    options = [_option(text, value) for text, value in choices]
    element: Block = {"type": "static_select", "action_id": "value", "options": options}
    initial = [o for o in options if o["value"] == chosen]
    if initial:
        element["initial_option"] = initial[0]
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}
