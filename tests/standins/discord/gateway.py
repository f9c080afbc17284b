"""The gateway websocket: HELLO, heartbeats, IDENTIFY/READY, RESUME/RESUMED and test hooks.

Sharding as on Discord: a session IDENTIFYs with ``shard: [shard_id, shard_count]`` (none
means ``[0, 1]``) and hears only the guilds with ``(guild_id >> 22) % shard_count ==
shard_id``: their GUILD_CREATEs, their interactions and every other event about them (events
about no guild go to shard 0). Several processes may hold different shards of one bot at
once. Dispatches are numbered and kept per session, so a client that resumes gets what it
missed; the test hooks (on shard 0, the only one of an unsharded bot) drop the connection,
close it with a code, or send RECONNECT / INVALID_SESSION, and ``wait_for_session`` awaits
the comeback.
"""

# ruff: noqa: ASYNC109 -- a test API: callers pass per-call timeouts, the waits apply them.

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .gateway_session import Connection, Session, SessionEvent, guild_of, shard_of
from .model import World

JSON = dict[str, Any]
_log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_RECONNECT, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 7, 9, 10, 11


class Gateway:
    """Serves the gateway websocket for one stand-in (every shard of its bot)."""

    def __init__(self, world: World, token: str, resume_url: Callable[[], str]) -> None:
        self.world = world
        self.token = token
        self._resume_url = resume_url
        self.sessions: dict[int, Session] = {}  # shard id → its current session
        self.shard_count = 1  # as the last IDENTIFY said
        self.events: list[SessionEvent] = []
        self.intents = 0
        self.heartbeats = 0
        self.received: list[JSON] = []
        self._changed = asyncio.Condition()
        self._mark = 0
        self._connections: set[Connection] = set()
        # While set and not yet released, IDENTIFYs wait (see ``DiscordStandIn.hold_identify``).
        self.identify_gate: asyncio.Event | None = None
        self.held = 0

    @property
    def session(self) -> Session | None:
        """Shard 0's session (an unsharded bot's only one)."""
        return self.sessions.get(0)

    @property
    def connection(self) -> Connection | None:
        session = self.session
        return None if session is None else session.connection

    def session_for(self, guild_id: int | None) -> Session | None:
        """The session that hears ``guild_id`` (None: events about no guild, shard 0)."""
        if guild_id is None:
            return self.session
        return self.sessions.get(shard_of(guild_id, self.shard_count))

    # --- dispatching ------------------------------------------------------------------------

    def dispatch(self, event: str, data: JSON) -> None:
        """Send a dispatch to the guild's shard now, or keep it for replay if that shard is
        between connections."""
        session = self.session_for(guild_of(event, data))
        if session is None:
            return  # nobody identified yet: GUILD_CREATE at IDENTIFY will carry the state
        self._send(session, event, data)

    def _send(self, session: Session, event: str, data: JSON) -> None:
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(payload)
        if session.connection is not None:
            session.connection.send(payload)

    @property
    def connected(self) -> bool:
        """Whether a bot session is live on an open connection."""
        return any(
            s.connection is not None and not s.connection.ws.closed for s in self.sessions.values()
        )

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
            for session in self.sessions.values():
                if session.connection is conn:
                    session.connection = None
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
        if self.identify_gate is not None:
            async with self._changed:
                self.held += 1
                self._changed.notify_all()
            await self.identify_gate.wait()
        shard = data.get("shard") or [0, 1]
        shard_id, count = int(shard[0]), int(shard[1])
        if not 0 <= shard_id < count:
            conn.queue.put_nowait(None)
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        session = Session(secrets.token_hex(16), shard=(shard_id, count), connection=conn)
        self.shard_count = count
        self.sessions[shard_id] = session
        self.intents = int(data.get("intents") or 0)
        guilds = [g for g in self.world.guilds if shard_of(g.id, count) == shard_id]
        self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": self.world.bot_user.to_payload(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "resume_gateway_url": self._resume_url(),
                "application": {"id": str(self.world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "shard": [shard_id, count],
            },
        )
        for guild in guilds:
            self._send(session, "GUILD_CREATE", guild.to_payload())
        await self._record("identify", session)

    async def _resume(self, conn: Connection, data: JSON) -> None:
        session = next(
            (s for s in self.sessions.values() if s.session_id == data.get("session_id")), None
        )
        if session is None or not session.resumable or data.get("token") != self.token:
            conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        session.connection = conn
        since = int(data.get("seq") or 0)
        for payload in session.sent:
            if payload["s"] > since:
                conn.send(payload)
        self._send(session, "RESUMED", {})  # d must be {} — null ends Client.start()
        await self._record("resume", session)

    async def _record(self, kind: str, session: Session) -> None:
        async with self._changed:
            self.events.append(SessionEvent(kind, session.session_id, session.shard))
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

    async def release(self, identifies: int, timeout: float = 30.0) -> None:
        """Once ``identifies`` IDENTIFYs wait at the gate, answer them all at once."""
        gate = self.identify_gate
        assert gate is not None, "hold IDENTIFYs first"
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.held >= identifies)
        gate.set()

    async def flush(self, timeout: float = 5.0) -> None:
        """Return once the client has processed every dispatch sent so far, on every shard.

        The server asks for a heartbeat (op 1); discord.py handles gateway messages one at a
        time, so its answer proves that everything queued before it was parsed.
        """
        live = [s for s in self.sessions.values() if s.connection is not None]
        if not live:
            return
        before = self.heartbeats
        for session in live:
            assert session.connection is not None
            session.connection.send({"op": OP_HEARTBEAT, "d": session.seq})
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.heartbeats >= before + len(live))

    def _detach(self) -> Connection | None:
        """Take shard 0's connection away from its session (the hooks act on shard 0)."""
        session = self.session
        if session is None:
            return None
        conn, session.connection = session.connection, None
        return conn

    async def drop(self) -> None:
        """Cut the TCP connection without a close frame (a network failure)."""
        self.mark()
        conn = self._detach()
        if conn is not None:
            transport = conn.request.transport
            if transport is not None:
                transport.close()

    async def close(self, code: int = 4000) -> None:
        """Close the websocket with ``code`` (4000 → the bot resumes; 4004 → it gives up)."""
        self.mark()
        conn = self._detach()
        if conn is not None:
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
