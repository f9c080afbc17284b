"""Interactions in flight: what was sent to the bot, and every way the bot answered.

A record is created when the stand-in dispatches INTERACTION_CREATE. The REST side fills it in
(callback, edits of @original, followups) and sets ``final`` once there is something the user
can see; :mod:`.actions` waits on that and turns the record into a :class:`Reply`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .model import Channel, Guild, Member, Message, User

JSON = dict[str, Any]

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CB_PONG, CB_MESSAGE, CB_DEFER, CB_DEFER_UPDATE, CB_UPDATE = 1, 4, 5, 6, 7
CB_AUTOCOMPLETE, CB_MODAL = 8, 9


@dataclass(eq=False)
class InteractionRecord:
    """One interaction sent to the bot and its responses."""

    id: int
    token: str
    type: int
    payload: JSON
    user: User
    channel: Channel | None
    guild: Guild | None = None
    member: Member | None = None
    message: Message | None = None  # the message a component/modal came from
    sent_at: float = 0.0
    callback_type: int | None = None
    callback_data: JSON | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    final_message: Message | None = None
    final: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def acknowledged(self) -> bool:
        """Whether the bot has sent its one callback."""
        return self.callback_type is not None

    def finish(self, message: Message | None = None) -> None:
        """Mark that the user now sees an answer (``message``, a modal or choices)."""
        if message is not None:
            self.final_message = message
        self.final.set()


class Interactions:
    """The interactions of one stand-in, by id and by token."""

    def __init__(self) -> None:
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}

    def add(self, record: InteractionRecord) -> None:
        """Register a record before it is dispatched."""
        self.by_id[record.id] = record
        self.by_token[record.token] = record

    def __iter__(self) -> Any:
        return iter(self.by_id.values())


@dataclass
class Reply:
    """What a user sees after an interaction: a message, a modal, or autocomplete choices."""

    record: InteractionRecord
    message: Message | None = None
    modal: JSON | None = None
    choices: list[JSON] | None = None

    @property
    def content(self) -> str:
        """The message text ("" if none)."""
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[JSON]:
        """The message's embeds as JSON objects."""
        return self.message.embeds if self.message else []

    @property
    def embed(self) -> JSON:
        """The first embed (fails if there is none)."""
        assert self.embeds, f"reply has no embed: {self!r}"
        return self.embeds[0]

    @property
    def components(self) -> list[JSON]:
        """The message's component rows."""
        return self.message.components if self.message else []

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees it."""
        return bool(self.message and self.message.ephemeral)

    @property
    def followups(self) -> list[Message]:
        """Followup messages sent for this interaction so far."""
        return self.record.followups

    def _flat(self) -> list[JSON]:
        from .validation import walk_components

        return [c for _, c in walk_components(self.components, [])]

    @property
    def buttons(self) -> list[JSON]:
        """Every button on the message."""
        return [c for c in self._flat() if c.get("type") == 2]

    @property
    def selects(self) -> list[JSON]:
        """Every select menu on the message."""
        return [c for c in self._flat() if c.get("type") in (3, 5, 6, 7, 8)]

    def button(self, label: str) -> JSON:
        """The button whose label (or custom_id) is ``label``."""
        for b in self.buttons:
            if label in (b.get("label"), b.get("custom_id")):
                return b
        labels = [b.get("label") for b in self.buttons]
        raise AssertionError(f"no button {label!r}; buttons: {labels}")

    def __repr__(self) -> str:
        if self.modal is not None:
            return f"<Reply modal={self.modal.get('title')!r}>"
        if self.choices is not None:
            return f"<Reply choices={[c.get('name') for c in self.choices]}>"
        titles = [e.get("title") for e in self.embeds]
        return (
            f"<Reply content={self.content[:80]!r} embeds={titles} "
            f"buttons={[b.get('label') for b in self.buttons]} ephemeral={self.ephemeral}>"
        )
