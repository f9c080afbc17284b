"""Composition: settings → storage backend → stores → service, shared by the CLI and adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.backends import Storage, StorageSettings, open_storage
from bot.brief_files import read_brief_files
from bot.clock import Clock, SystemClock
from bot.domain.entries import ProgressCallback
from bot.domain.errors import NotConfigured
from bot.service import BriefingService
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.url import DatabaseUrl, parse_database_url, sqlite_url

SEED_ACTOR = "briefs/ files"


@dataclass(frozen=True, slots=True)
class App:
    settings: Settings
    storage: Storage
    service: BriefingService

    @property
    def database(self) -> Database:
        """The SQLite handle, for what only SQLite has yet (file backup and check)."""
        if self.storage.sqlite is None:
            raise NotConfigured(
                "this command needs the SQLite backend; it does not run on PostgreSQL yet"
            )
        return self.storage.sqlite


def database_url(settings: Settings) -> DatabaseUrl:
    """``BRIEFBOT_DATABASE_URL`` if set, else the SQLite file of ``BRIEFBOT_DB``."""
    if settings.database_url is not None:
        return parse_database_url(settings.database_url.get_secret_value())
    return sqlite_url(settings.db_path)


def storage_settings(settings: Settings) -> StorageSettings:
    return StorageSettings(
        busy_timeout_ms=settings.busy_timeout_ms,
        pool_min=settings.pg_pool_min,
        pool_max=settings.pg_pool_max,
        statement_timeout_ms=settings.pg_statement_timeout_ms,
    )


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock | None = None) -> AsyncIterator[App]:
    """Open the database (migrating it) and build the service; closes everything after."""
    storage = await open_storage(database_url(settings), storage_settings(settings))
    try:
        service = BriefingService(storage.entries, clock or SystemClock(), settings.vocabulary)
        yield App(settings, storage, service)
    finally:
        await storage.close()


async def seed_if_empty(app: App, progress: ProgressCallback | None = None) -> int:
    """Load ``briefs/`` into an empty database so a fresh checkout works out of the box.

    A database that has entries is never touched: editors' changes are not overwritten.
    """
    # The newest entry, not a count: one index probe instead of a walk of a million rows.
    if (await app.service.latest(per_page=1)).entries or not app.settings.briefs_dir.is_dir():
        return 0
    read = read_brief_files([app.settings.briefs_dir])
    result = await app.service.import_documents(
        read.documents, SEED_ACTOR, progress, problems=read.problems
    )
    return len(result.added)
