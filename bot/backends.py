"""Which storage backend a deployment runs on, chosen by URL, seen through the ports.

``BRIEFBOT_DATABASE_URL=sqlite:///data/briefbot.sqlite3`` (the default, also reached through
``BRIEFBOT_DB``) or ``postgresql://user:password@host/db``. :func:`open_storage` opens and
migrates it and hands out one store per port; everything above (the service, the platforms'
digest runtimes, the CLI) holds only :class:`Storage`, never a backend's classes:

    async with opened_storage(parse_database_url(url)) as storage:
        entries = storage.entries                      # EntryRepository
        ledger = storage.ledger({"discord"})           # DigestLedgerStore, scoped
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.clock import Clock
from bot.ports.app_state import AppStateStore
from bot.ports.corrections import CorrectionNotices
from bot.ports.entries import EntryRepository
from bot.ports.intake import IntakeFeeds, IntakeQueue, Leases, PollNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.storage import database as sqlite
from bot.storage.app_state import AppState
from bot.storage.corrections import CorrectionLedger
from bot.storage.digests import DigestLedger
from bot.storage.entry_store import EntryStore
from bot.storage.intake_feeds import FeedStore
from bot.storage.intake_notices import PollNoticeStore
from bot.storage.intake_queue import QueueStore, went_out
from bot.storage.leases import LeaseStore
from bot.storage.postgres import database as postgres
from bot.storage.postgres.app_state import PgAppState
from bot.storage.postgres.corrections import PgCorrectionLedger
from bot.storage.postgres.entry_store import PgEntryStore
from bot.storage.postgres.intake_feeds import PgFeedStore
from bot.storage.postgres.intake_notices import PgPollNoticeStore
from bot.storage.postgres.intake_queue import PgQueueStore, pg_went_out
from bot.storage.postgres.leases import PgLeaseStore
from bot.storage.postgres.ledger import PgDigestLedger
from bot.storage.postgres.scoped import PgPlatformLedger, PgPlatformServers
from bot.storage.postgres.servers import PgServerStore
from bot.storage.scoped import PlatformLedger, PlatformServers
from bot.storage.servers import ServerStore
from bot.storage.url import SQLITE, DatabaseUrl

Platforms = Iterable[str] | None  # None: every platform


@dataclass(frozen=True, slots=True)
class IntakeStores:
    """Intake over one backend: feeds, the review queue, poll notices, leases, and whether a
    posted digest carried an entry (a merge into it is then a correction)."""

    feeds: IntakeFeeds
    queue: IntakeQueue
    notices: PollNotices
    leases: Leases
    went_out: Callable[[int], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Storage:
    """One open backend. ``sqlite`` is the SQLite handle for the SQLite-only maintenance
    commands (backup, check); None on PostgreSQL."""

    url: DatabaseUrl
    entries: EntryRepository
    app_state: AppStateStore
    intake: IntakeStores
    latest_version: int
    sqlite: sqlite.Database | None
    _servers: Callable[[frozenset[str] | None, Clock | None], ServerSettingsStore]
    _ledger: Callable[[frozenset[str] | None], DigestLedgerStore]
    _corrections: Callable[[frozenset[str] | None], CorrectionNotices]
    _version: Callable[[], Awaitable[int]]
    _close: Callable[[], Awaitable[None]]

    @property
    def kind(self) -> str:
        return self.url.kind

    def servers(
        self, platforms: Platforms = None, clock: Clock | None = None
    ) -> ServerSettingsStore:
        """Server settings; with ``platforms``, schedule reads see only theirs."""
        return self._servers(_scope(platforms), clock)

    def ledger(self, platforms: Platforms = None) -> DigestLedgerStore:
        """The digest ledger; with ``platforms``, crash recovery sees only their rows."""
        return self._ledger(_scope(platforms))

    def corrections(self, platforms: Platforms = None) -> CorrectionNotices:
        return self._corrections(_scope(platforms))

    async def schema_version(self) -> int:
        return await self._version()

    async def close(self) -> None:
        await self._close()


def _scope(platforms: Platforms) -> frozenset[str] | None:
    return frozenset(platforms) if platforms is not None else None


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """How to open a backend (from :class:`bot.settings.Settings`)."""

    busy_timeout_ms: int = sqlite.BUSY_TIMEOUT_MS
    pool_min: int = 1
    pool_max: int = 10
    statement_timeout_ms: int = 15_000


async def open_storage(
    url: DatabaseUrl, settings: StorageSettings | None = None, *, migrate: bool = True
) -> Storage:
    """Open (creating and migrating unless ``migrate`` is False) the backend at ``url``."""
    settings = settings or StorageSettings()
    if url.kind == SQLITE:
        return await _open_sqlite(url, settings, migrate)
    return await _open_postgres(url, settings, migrate)


@asynccontextmanager
async def opened_storage(
    url: DatabaseUrl, settings: StorageSettings | None = None, *, migrate: bool = True
) -> AsyncIterator[Storage]:
    storage = await open_storage(url, settings, migrate=migrate)
    try:
        yield storage
    finally:
        await storage.close()


async def _open_sqlite(url: DatabaseUrl, settings: StorageSettings, migrate: bool) -> Storage:
    assert url.path is not None
    db = await sqlite.open_database(
        url.path, migrate=migrate, busy_timeout_ms=settings.busy_timeout_ms
    )

    def servers(platforms: frozenset[str] | None, clock: Clock | None) -> ServerSettingsStore:
        if platforms is None:
            return ServerStore(db, clock)
        return PlatformServers(db, platforms, clock)

    def ledger(platforms: frozenset[str] | None) -> DigestLedgerStore:
        return DigestLedger(db) if platforms is None else PlatformLedger(db, platforms)

    async def version() -> int:
        return await sqlite.schema_version(db.read)

    return Storage(
        url=url,
        entries=EntryStore(db),
        app_state=AppState(db),
        intake=IntakeStores(
            FeedStore(db),
            QueueStore(db),
            PollNoticeStore(db),
            LeaseStore(db),
            lambda entry_id: went_out(db, entry_id),
        ),
        latest_version=sqlite.LATEST_VERSION,
        sqlite=db,
        _servers=servers,
        _ledger=ledger,
        _corrections=lambda platforms: CorrectionLedger(db, platforms),
        _version=version,
        _close=db.close,
    )


async def _open_postgres(url: DatabaseUrl, settings: StorageSettings, migrate: bool) -> Storage:
    pool = postgres.PoolSettings(
        min_size=min(settings.pool_min, settings.pool_max),
        max_size=settings.pool_max,
        statement_timeout_ms=settings.statement_timeout_ms,
        lock_timeout_ms=settings.busy_timeout_ms,
    )
    db = await postgres.open_postgres(url, pool, migrate=migrate)

    def servers(platforms: frozenset[str] | None, clock: Clock | None) -> ServerSettingsStore:
        if platforms is None:
            return PgServerStore(db, clock)
        return PgPlatformServers(db, platforms, clock)

    def ledger(platforms: frozenset[str] | None) -> DigestLedgerStore:
        return PgDigestLedger(db) if platforms is None else PgPlatformLedger(db, platforms)

    async def version() -> int:
        async with db.connection() as connection:
            return await postgres.schema_version(connection)

    return Storage(
        url=url,
        entries=PgEntryStore(db),
        app_state=PgAppState(db),
        intake=IntakeStores(
            PgFeedStore(db),
            PgQueueStore(db),
            PgPollNoticeStore(db),
            PgLeaseStore(db),
            lambda entry_id: pg_went_out(db, entry_id),
        ),
        latest_version=postgres.LATEST_VERSION,
        sqlite=None,
        _servers=servers,
        _ledger=ledger,
        _corrections=lambda platforms: PgCorrectionLedger(db, platforms),
        _version=version,
        _close=db.close,
    )
