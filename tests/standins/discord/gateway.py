"""The gateway websocket: HELLO, heartbeats, IDENTIFY/READY, RESUME/RESUMED and test hooks.

One bot session at a time (the product runs a single shard). Dispatches are numbered and kept,
so a client that resumes gets what it missed; the test hooks drop the connection, close it with
a code, or send RECONNECT / INVALID_SESSION, and ``wait_for_session`` awaits the comeback.
"""

# ruff: noqa: ASYNC109 -- a test API: callers pass per-call timeouts, the waits apply them.

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .model import World

JSON = dict[str, Any]
_log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_RECONNECT, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 7, 9, 10, 11


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


@dataclass
class SessionEvent:
    """A successful IDENTIFY ("identify") or RESUME ("resume")."""

    kind: str
    session_id: str


class Gateway:
    """Serves the gateway websocket for one stand-in."""

    def __init__(self, world: World, token: str, resume_url: Callable[[], str]) -> None:
        self.world = world
        self.token = token
        self._resume_url = resume_url
        self.session: Session | None = None
        self.connection: Connection | None = None
        self.events: list[SessionEvent] = []
        self.intents = 0
        self.heartbeats = 0
        self.received: list[JSON] = []
        self._changed = asyncio.Condition()
        self._mark = 0
        self._connections: set[Connection] = set()

    # --- dispatching ------------------------------------------------------------------------

    def dispatch(self, event: str, data: JSON) -> None:
        """Send a dispatch now, or keep it for replay if the bot is between connections."""
        session = self.session
        if session is None:
            return  # nobody identified yet: GUILD_CREATE at IDENTIFY will carry the state
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(payload)
        if self.connection is not None:
            self.connection.send(payload)

    @property
    def connected(self) -> bool:
        """Whether a bot session is live on an open connection."""
        return self.connection is not None and not self.connection.ws.closed

    # --- the websocket handler --------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for the gateway and resume URLs."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = Connection(ws, request)
        conn.writer = asyncio.create_task(conn.run_writer())
        self._connections.add(conn)
        conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.received.append(payload)
                await self._on_payload(conn, payload)
        finally:
            if self.connection is conn:
                self.connection = None
            conn.queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await conn.writer
            self._connections.discard(conn)
        return ws

    async def _on_payload(self, conn: Connection, payload: JSON) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == OP_HEARTBEAT:
            conn.send({"op": OP_HEARTBEAT_ACK})
            async with self._changed:
                self.heartbeats += 1
                self._changed.notify_all()
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        # op 3 (presence), 4 (voice), 8 (request members): nothing to model for the bot.

    async def _identify(self, conn: Connection, data: JSON) -> None:
        if data.get("token") != self.token:
            conn.queue.put_nowait(None)
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.session = Session(secrets.token_hex(16))
        self.intents = int(data.get("intents") or 0)
        self.connection = conn
        guilds = self.world.guilds
        self.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.world.bot_user.to_payload(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": self.session.session_id,
                "resume_gateway_url": self._resume_url(),
                "application": {"id": str(self.world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "shard": data.get("shard", [0, 1]),
            },
        )
        for guild in guilds:
            self.dispatch("GUILD_CREATE", guild.to_payload())
        await self._record("identify")

    async def _resume(self, conn: Connection, data: JSON) -> None:
        session = self.session
        if (
            session is None
            or not session.resumable
            or data.get("session_id") != session.session_id
            or data.get("token") != self.token
        ):
            conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        self.connection = conn
        since = int(data.get("seq") or 0)
        for payload in session.sent:
            if payload["s"] > since:
                conn.send(payload)
        self.dispatch("RESUMED", {})  # d must be {} — null ends Client.start()
        await self._record("resume")

    async def _record(self, kind: str) -> None:
        assert self.session is not None
        async with self._changed:
            self.events.append(SessionEvent(kind, self.session.session_id))
            self._changed.notify_all()

    # --- test hooks -------------------------------------------------------------------------

    def mark(self) -> int:
        """Remember "now" so that ``wait_for_session`` only counts later sessions."""
        self._mark = len(self.events)
        return self._mark

    async def wait_for_session(
        self, *, resumed: bool | None = None, since: int | None = None, timeout: float = 15.0
    ) -> SessionEvent:
        """Wait until the bot identifies (``resumed=False``) or resumes (``True``), or either.

        Only sessions established after the last disruption hook (or ``since``) count.
        """
        start = self._mark if since is None else since

        def found() -> SessionEvent | None:
            for event in self.events[start:]:
                if resumed is None or (event.kind == "resume") == resumed:
                    return event
            return None

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: found() is not None)
        result = found()
        assert result is not None
        return result

    async def flush(self, timeout: float = 5.0) -> None:
        """Return once the client has processed every dispatch sent so far.

        The server asks for a heartbeat (op 1); discord.py handles gateway messages one at a
        time, so its answer proves that everything queued before it was parsed.
        """
        conn = self.connection
        if conn is None:
            return
        before = self.heartbeats
        conn.send({"op": OP_HEARTBEAT, "d": self.session.seq if self.session else None})
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.heartbeats > before)

    async def drop(self) -> None:
        """Cut the TCP connection without a close frame (a network failure)."""
        self.mark()
        conn = self.connection
        if conn is not None:
            self.connection = None
            transport = conn.request.transport
            if transport is not None:
                transport.close()

    async def close(self, code: int = 4000) -> None:
        """Close the websocket with ``code`` (4000 → the bot resumes; 4004 → it gives up)."""
        self.mark()
        conn = self.connection
        if conn is not None:
            self.connection = None
            await conn.ws.close(code=code)

    async def reconnect(self) -> None:
        """Send op 7 RECONNECT; the client closes and resumes."""
        self.mark()
        if self.connection is not None:
            self.connection.send({"op": OP_RECONNECT, "d": None})

    async def invalidate_session(self, *, resumable: bool) -> None:
        """Send op 9 INVALID_SESSION; non-resumable makes the client re-IDENTIFY (after ~5 s)."""
        self.mark()
        if self.session is not None and not resumable:
            self.session.resumable = False
        if self.connection is not None:
            self.connection.send({"op": OP_INVALID_SESSION, "d": resumable})

    async def shutdown(self) -> None:
        """Close every connection (server stop)."""
        for conn in list(self._connections):
            conn.queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001)
