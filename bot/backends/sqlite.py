"""The SQLite backend behind :class:`bot.backends.Storage` (aiosqlite, the embedded default)."""

from __future__ import annotations

from bot.backends import IntakeStores, Storage, StorageSettings
from bot.storage import database as sqlite
from bot.storage.app_state import AppState
from bot.storage.corrections import CorrectionLedger
from bot.storage.digests import DigestLedger
from bot.storage.entry_store import EntryStore
from bot.storage.intake_feeds import FeedStore
from bot.storage.intake_notices import PollNoticeStore
from bot.storage.intake_queue import QueueStore, went_out
from bot.storage.leases import LeaseStore
from bot.storage.servers import ServerStore
from bot.storage.url import DatabaseUrl


async def open_sqlite_storage(
    url: DatabaseUrl, settings: StorageSettings, migrate: bool
) -> Storage:
    assert url.path is not None
    db = await sqlite.open_database(
        url.path, migrate=migrate, busy_timeout_ms=settings.busy_timeout_ms
    )

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
        _servers=lambda platforms, clock: ServerStore(db, clock, platforms),
        _ledger=lambda platforms: DigestLedger(db, platforms),
        _corrections=lambda platforms: CorrectionLedger(db, platforms),
        _version=version,
        _close=db.close,
    )
