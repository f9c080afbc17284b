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
    # Imported when chosen: a SQLite deployment never loads asyncpg and the PostgreSQL
    # stores (and the reverse), which keeps the bot's memory at start-up down.
    if url.kind == SQLITE:
        from bot.backends.sqlite import open_sqlite_storage

        return await open_sqlite_storage(url, settings, migrate)
    from bot.backends.postgres import open_postgres_storage

    return await open_postgres_storage(url, settings, migrate)


@asynccontextmanager
async def opened_storage(
    url: DatabaseUrl, settings: StorageSettings | None = None, *, migrate: bool = True
) -> AsyncIterator[Storage]:
    storage = await open_storage(url, settings, migrate=migrate)
    try:
        yield storage
    finally:
        await storage.close()
