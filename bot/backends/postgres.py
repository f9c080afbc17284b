"""The PostgreSQL backend behind :class:`bot.backends.Storage` (asyncpg; loaded only when a
``postgresql://`` URL is chosen)."""

from __future__ import annotations

from bot.backends import IntakeStores, Storage, StorageSettings
from bot.storage.postgres import database as postgres
from bot.storage.postgres.app_state import PgAppState
from bot.storage.postgres.corrections import PgCorrectionLedger
from bot.storage.postgres.entry_store import PgEntryStore
from bot.storage.postgres.intake_feeds import PgFeedStore
from bot.storage.postgres.intake_notices import PgPollNoticeStore
from bot.storage.postgres.intake_queue import PgQueueStore, pg_went_out
from bot.storage.postgres.leases import PgLeaseStore
from bot.storage.postgres.ledger import PgDigestLedger
from bot.storage.postgres.servers import PgServerStore
from bot.storage.url import DatabaseUrl


async def open_postgres_storage(
    url: DatabaseUrl, settings: StorageSettings, migrate: bool
) -> Storage:
    pool = postgres.PoolSettings(
        min_size=min(settings.pool_min, settings.pool_max),
        max_size=settings.pool_max,
        statement_timeout_ms=settings.statement_timeout_ms,
        lock_timeout_ms=settings.busy_timeout_ms,
    )
    db = await postgres.open_postgres(url, pool, migrate=migrate)

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
        _servers=lambda platforms, clock: PgServerStore(db, clock, platforms),
        _ledger=lambda platforms: PgDigestLedger(db, platforms),
        _corrections=lambda platforms: PgCorrectionLedger(db, platforms),
        _version=version,
        _close=db.close,
    )
