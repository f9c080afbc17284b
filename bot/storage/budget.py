"""Time budgets for queries on the search connection, and the errors readers see past them.

Two clocks stop a statement at its deadline. SQLite calls a progress handler between VM steps,
which stops ordinary queries exactly; but FTS5 expands a broad prefix such as ``kor*`` (800
words at 1M entries) inside one step, for up to a second, so the event loop also calls
``sqlite3_interrupt`` on the connection (safe from any thread) at the deadline, and again
every few milliseconds after it, since an interrupt that arrives between two statements is
dropped. The search connection runs nothing else, so an interrupt there never lands on
another reader's query (see :mod:`bot.storage.database`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite

from bot.domain import errors
from bot.domain.search_query import BUSY_NOTE, TOO_SLOW_NOTE

# SQLite VM steps between two looks at the clock (~0.1–1 ms of work).
PROGRESS_STEPS = 10_000
# Past the deadline, the interrupt is repeated this often until the statement gives way.
INTERRUPT_EVERY_S = 0.005


class OverBudget(Exception):
    """The statement ran past its budget and SQLite interrupted it."""


class SearchTooSlow(errors.SearchTooSlow):
    """Even the cheap newest-first search ran out of time: the reader should narrow it."""

    def __init__(self) -> None:
        super().__init__(TOO_SLOW_NOTE)


class SearchBusy(errors.SearchBusy):
    """Searches queued longer than their wait budget: the reader should try again shortly."""

    def __init__(self) -> None:
        super().__init__(BUSY_NOTE)


@asynccontextmanager
async def time_budget(connection: aiosqlite.Connection, seconds: float) -> AsyncIterator[None]:
    """Run the block's statements for at most ``seconds``; past it raise :class:`OverBudget`."""
    deadline = time.monotonic() + seconds

    def over_budget() -> int:
        return 1 if time.monotonic() > deadline else 0

    await connection.set_progress_handler(over_budget, PROGRESS_STEPS)
    watchdog = asyncio.create_task(_interrupt_after(connection, seconds))
    try:
        yield
    except sqlite3.OperationalError as error:
        if "interrupt" not in str(error):
            raise
        raise OverBudget from None
    finally:
        watchdog.cancel()
        # sqlite3 takes None to remove the handler; aiosqlite's annotation omits it.
        await connection.set_progress_handler(None, 0)  # type: ignore[arg-type]


async def _interrupt_after(connection: aiosqlite.Connection, seconds: float) -> None:
    await asyncio.sleep(seconds)
    while True:
        # aiosqlite calls sqlite3_interrupt at once, on this thread, not behind the query.
        await connection.interrupt()
        await asyncio.sleep(INTERRUPT_EVERY_S)
