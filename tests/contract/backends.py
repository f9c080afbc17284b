"""The storage backends the contract suite runs against: today SQLite only.

A backend is opened on a location (a fresh folder per test) and hands out one object per
port. Opening the same location twice gives a second, independent handle on the same data,
as a second bot process would have. A new backend (PostgreSQL next) is one more opener in
:data:`BACKENDS`; every contract test then runs against it unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.ports.app_state import AppStateStore
from bot.ports.corrections import CorrectionNotices
from bot.ports.entries import EntryRepository
from bot.ports.intake import IntakeFeeds, IntakeQueue, Leases, PollNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.storage.app_state import AppState
from bot.storage.corrections import CorrectionLedger
from bot.storage.database import open_database
from bot.storage.digests import DigestLedger
from bot.storage.entry_store import EntryStore
from bot.storage.intake_feeds import FeedStore
from bot.storage.intake_notices import PollNoticeStore
from bot.storage.intake_queue import QueueStore
from bot.storage.leases import LeaseStore
from bot.storage.servers import ServerStore


@dataclass(frozen=True, slots=True)
class Backend:
    """One handle on one backend's storage, seen only through the ports."""

    name: str
    entries: EntryRepository
    servers: ServerSettingsStore
    ledger: DigestLedgerStore
    app_state: AppStateStore
    corrections: CorrectionNotices
    intake_feeds: IntakeFeeds
    intake_queue: IntakeQueue
    poll_notices: PollNotices
    leases: Leases


BackendOpener = Callable[[Path, Clock], AbstractAsyncContextManager[Backend]]


@asynccontextmanager
async def sqlite_backend(location: Path, clock: Clock) -> AsyncIterator[Backend]:
    database = await open_database(location / "briefbot.sqlite3")
    try:
        yield Backend(
            "sqlite",
            EntryStore(database),
            ServerStore(database, clock),
            DigestLedger(database),
            AppState(database),
            CorrectionLedger(database),
            FeedStore(database),
            QueueStore(database),
            PollNoticeStore(database),
            LeaseStore(database),
        )
    finally:
        await database.close()


BACKENDS: dict[str, BackendOpener] = {"sqlite": sqlite_backend}
