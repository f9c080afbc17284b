"""Composition: settings → database → store → service, shared by the CLI and the adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.brief_files import read_brief_files
from bot.clock import Clock, SystemClock
from bot.domain.entries import ProgressCallback
from bot.service import BriefingService
from bot.settings import Settings
from bot.storage.database import Database, open_database
from bot.storage.entry_store import EntryStore

SEED_ACTOR = "briefs/ files"


@dataclass(frozen=True, slots=True)
class App:
    settings: Settings
    database: Database
    service: BriefingService


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock | None = None) -> AsyncIterator[App]:
    """Open the database (migrating it) and build the service; closes everything after."""
    database = await open_database(settings.db_path, busy_timeout_ms=settings.busy_timeout_ms)
    try:
        service = BriefingService(EntryStore(database), clock or SystemClock(), settings.vocabulary)
        yield App(settings, database, service)
    finally:
        await database.close()


async def seed_if_empty(app: App, progress: ProgressCallback | None = None) -> int:
    """Load ``briefs/`` into an empty database so a fresh checkout works out of the box.

    A database that has entries is never touched: editors' changes are not overwritten.
    """
    # One index probe for "any live entry?": counting them walks the whole index (0.1 s and
    # 2 MB of page cache at 1M entries) on every start and every CLI command.
    if (await app.service.latest(1)).entries or not app.settings.briefs_dir.is_dir():
        return 0
    read = read_brief_files([app.settings.briefs_dir])
    result = await app.service.import_documents(
        read.documents, SEED_ACTOR, progress, problems=read.problems
    )
    return len(result.added)
