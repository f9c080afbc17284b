"""PostgreSQL's data version without a round trip: a counter moved by ``NOTIFY``.

Migration 0013 makes every commit that changes entries, tags, figures, revisions or
corrections send ``NOTIFY briefbot_data_version`` (a statement trigger, so the CLI, ``db copy``
and psql edits are covered too). One connection per process ``LISTEN``\\ s and moves the counter
when a notification arrives; this process's own writes move it at commit (:meth:`bump`), so the
person who wrote sees the change at once, and their echo is ignored (it would only cost one more
cache miss). Reading the version is then a field read.

Another process's commit is seen once its notification arrives: PostgreSQL sends it at commit,
so the wait is one network hop. While the listener is down, a commit could go unnoticed, so the
version moves on *every* read until the listener is back (no cached page is served stale); the
listener reconnects with backoff and checks its connection with a ``SELECT 1`` every
:data:`KEEPALIVE_S` seconds, so a silently dead one is noticed too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Connection = Any  # asyncpg.Connection (asyncpg ships no type hints)

CHANNEL = "briefbot_data_version"
KEEPALIVE_S = 5.0
# Seconds between reconnection attempts: quick at first (a restart), then every few seconds.
BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0)


class NotifiedVersion:
    """The data version of one process: moved by its writes and other processes' NOTIFY."""

    def __init__(self, connect: Callable[[], Awaitable[Connection]]) -> None:
        self._connect = connect
        self._version = 0
        self._listener: Connection | None = None
        # Server pids of this process's pooled connections: their commits were bumped locally.
        self._own: set[int] = set()
        self._lost = asyncio.Event()
        self._tried = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def bump(self) -> None:
        """A commit by this process (called after it returns): its users see it at once."""
        self._version += 1

    def own(self, connection: Connection) -> None:
        """Register a pooled connection of this process (forgotten when it closes, so a later
        backend reusing its pid is heard again)."""
        pid = connection.get_server_pid()
        self._own.add(pid)
        connection.add_termination_listener(lambda _: self._own.discard(pid))

    async def current(self) -> int:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="briefbot-data-version")
        if not self._tried.is_set():
            await self._tried.wait()  # the first connection attempt, once per process
        if not self.listening:
            # A commit elsewhere would go unnoticed: every read must look like a new version.
            self._version += 1
        return self._version

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
                failures = 0
                await self._watch()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # The server's text is not shown: it may name the host; the type is enough.
                log.warning("data version listener down (%s); retrying", type(error).__name__)
                self._drop()
                self._tried.set()
                await asyncio.sleep(BACKOFF_S[min(failures, len(BACKOFF_S) - 1)])
                failures += 1

    async def _listen(self) -> None:
        connection = await self._connect()
        try:
            await connection.add_listener(CHANNEL, self._heard)
        except BaseException:
            connection.terminate()
            raise
        self._lost.clear()
        connection.add_termination_listener(lambda _: self._lost.set())
        self._listener = connection
        # Commits between losing the old listener and LISTEN on this one sent nothing we heard.
        self.bump()
        self._tried.set()

    async def _watch(self) -> None:
        """Return (by raising) once the listener connection is gone or stops answering."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), KEEPALIVE_S)
            listener = self._listener
            if listener is None or listener.is_closed():
                raise ConnectionError("the listener connection closed")
            await listener.fetchval("SELECT 1", timeout=KEEPALIVE_S)

    def _heard(self, _connection: Connection, pid: int, _channel: str, _payload: str) -> None:
        if pid not in self._own:
            self._version += 1

    def _drop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.is_closed():
            listener.terminate()

    async def close(self) -> None:
        self._tried.set()  # nobody waits on a first attempt that will not come
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        listener, self._listener = self._listener, None
        if listener is not None and not listener.is_closed():
            await listener.close()
