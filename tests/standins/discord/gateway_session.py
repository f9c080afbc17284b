"""Gateway pieces: a connection, a session, the events tests wait for, and Discord's shard
formula."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON = dict[str, Any]
GUILD_EVENTS = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")  # their ``id`` is the guild


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's formula: which shard hears a guild."""
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: JSON) -> int | None:
    """The guild a dispatch is about (None: about no guild, so for shard 0)."""
    if "guild_id" in data and data["guild_id"] is not None:
        return int(data["guild_id"])
    if event in GUILD_EVENTS and "id" in data:
        return int(data["id"])
    return None


@dataclass(eq=False)
class Connection:
    """One websocket connection and the task that writes to it in order."""

    ws: web.WebSocketResponse
    request: web.Request
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None

    async def run_writer(self) -> None:
        """Send queued frames in order (dispatches are produced by synchronous code)."""
        while (frame := await self.queue.get()) is not None:
            if self.ws.closed:
                return
            try:
                await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    def send(self, payload: JSON) -> None:
        """Queue one gateway payload."""
        self.queue.put_nowait(json.dumps(payload))


@dataclass
class Session:
    """A gateway session: its id, sequence and the dispatches sent (for replay on RESUME)."""

    session_id: str
    seq: int = 0
    sent: list[JSON] = field(default_factory=list)
    resumable: bool = True
    shard: tuple[int, int] = (0, 1)
    connection: Connection | None = None  # the live connection, if any


@dataclass
class SessionEvent:
    """A successful IDENTIFY ("identify") or RESUME ("resume"), on a shard."""

    kind: str
    session_id: str
    shard: tuple[int, int] = (0, 1)  # [shard_id, shard_count] as identified
