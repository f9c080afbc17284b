"""PostgreSQL's data version when its NOTIFY listener is lost: never a stale page.

The bot learns of other processes' commits from one LISTEN connection. An operator (or a
failover) ends that connection; a commit by another process then must still move the version,
and the listener must come back by itself so pages are cached again.
"""

from __future__ import annotations

import asyncio

import asyncpg

from bot.backends import opened_storage
from bot.ports.entries import DataVersion
from bot.storage.url import parse_database_url
from tests.contract.conftest import NOW
from tests.contract.test_data_version import DELIVERY_S, moves_from
from tests.factories import entry_content
from tests.pg_cluster import Cluster, new_database


async def steady(versions: DataVersion) -> bool:
    """Whether two reads in a row agree within the delivery bound (the listener is up)."""
    for _ in range(int(DELIVERY_S / 0.05)):
        if await versions.data_version() == await versions.data_version():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_commit_while_the_listener_is_down_is_never_missed(
    postgres_cluster: Cluster,
) -> None:
    url = postgres_cluster.url(new_database(postgres_cluster))
    async with (
        opened_storage(parse_database_url(url)) as bot,
        opened_storage(parse_database_url(url)) as operator,
    ):
        before = await bot.entries.data_version()
        assert await bot.entries.data_version() == before  # listening: reads are free

        admin = await asyncpg.connect(url)
        try:
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        assert ended >= 1
        await operator.entries.add(entry_content(), "ana", NOW)

        assert await moves_from(bot.entries, before)
        # The listener reconnects by itself: reads agree again, and still hear other writers.
        assert await steady(bot.entries)
        settled = await bot.entries.data_version()
        await operator.entries.edit(entry_content().slug, entry_content(importance=3), "ben", NOW)
        assert await moves_from(bot.entries, settled)
