"""The storage backends the contract suite runs against: SQLite and PostgreSQL.

A backend is opened on a location (a fresh folder per test) and hands out one object per
port. Opening the same location twice gives a second, independent handle on the same data,
as a second bot process would have. A new backend is one more opener in :data:`BACKENDS`;
every contract test then runs against it unchanged.

PostgreSQL's data lives on the test cluster (``tests/pg_cluster.py``), not in the folder: the
folder holds the URL of the test's database (:func:`place_postgres`), written before opening.
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
from bot.storage.postgres.app_state import PgAppState
from bot.storage.postgres.corrections import PgCorrectionLedger
from bot.storage.postgres.database import open_postgres
from bot.storage.postgres.entry_store import PgEntryStore
from bot.storage.postgres.ledger import PgDigestLedger
from bot.storage.postgres.servers import PgServerStore
from bot.storage.servers import ServerStore
from bot.storage.url import parse_database_url

POSTGRES_URL_FILE = "postgres-url"


@dataclass(frozen=True, slots=True)
class IntakeStores:
    """The intake ports of one backend (the ``intake`` fixture hands them to a test)."""

    feeds: IntakeFeeds
    queue: IntakeQueue
    notices: PollNotices
    leases: Leases


@dataclass(frozen=True, slots=True)
class Backend:
    """One handle on one backend's storage, seen only through the ports."""

    name: str
    entries: EntryRepository
    servers: ServerSettingsStore
    ledger: DigestLedgerStore
    app_state: AppStateStore
    corrections: CorrectionNotices
    # None: the backend has no intake stores yet (PostgreSQL: intake runs on SQLite only).
    intake: IntakeStores | None = None


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
            IntakeStores(
                FeedStore(database),
                QueueStore(database),
                PollNoticeStore(database),
                LeaseStore(database),
            ),
        )
    finally:
        await database.close()


def place_postgres(location: Path, url: str) -> None:
    """Make ``location`` name the PostgreSQL database at ``url`` (for the opener below)."""
    (location / POSTGRES_URL_FILE).write_text(url, encoding="utf-8")


@asynccontextmanager
async def postgres_backend(location: Path, clock: Clock) -> AsyncIterator[Backend]:
    url = parse_database_url((location / POSTGRES_URL_FILE).read_text(encoding="utf-8"))
    database = await open_postgres(url)
    try:
        yield Backend(
            "postgres",
            PgEntryStore(database),
            PgServerStore(database, clock),
            PgDigestLedger(database),
            PgAppState(database),
            PgCorrectionLedger(database),
        )
    finally:
        await database.close()


BACKENDS: dict[str, BackendOpener] = {"sqlite": sqlite_backend, "postgres": postgres_backend}
