"""A round of servers with the same digest composes it once, and each still gets its own post."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.delivery import DeliveryStatus, DigestDelivery
from bot.domain.digest import Digest
from bot.service import BriefingService
from bot.storage.entry_store import EntryStore
from tests.digests.conftest import TINY_RETRY, RecordingPoster, World
from tests.digests.test_delivery import DUE, entry


class CountingService(BriefingService):
    """The real service, counting how often a digest is composed."""

    composed = 0

    async def digest(self, *args: Any, **kwargs: Any) -> Digest:
        self.composed += 1
        return await super().digest(*args, **kwargs)


async def test_servers_sharing_a_window_compose_the_digest_once(world: World) -> None:
    # Seoul 08:00 and Kyiv 01:00 on 2 March 2026 are both 23:00 UTC on 1 March (DUE).
    for n in range(30):
        await world.add_server(f"seoul-{n}", timezone="Asia/Seoul")
    for n in range(5):
        await world.add_server(f"kyiv-{n}", timezone="Europe/Kyiv", time_text="01:00")
    world.clock.moment = DUE - timedelta(minutes=30)  # inside both zones' local day
    await world.service.add(entry("news-of-the-day"), "editor")
    service = CountingService(EntryStore(world.database), world.clock, world.service.vocabulary)
    poster = RecordingPoster()
    delivery = DigestDelivery(
        service, world.servers, world.ledger, poster, world.clock, retry=TINY_RETRY
    )

    results = await delivery.run_due(DUE)

    assert [r.status for r in results] == [DeliveryStatus.POSTED] * 35
    assert len({p.target.server_id for p in poster.posts}) == len(poster.posts) == 35
    assert service.composed == 2, "one digest per zone, not one per server"
    assert all([i.slug for i in p.digest.items] == ["news-of-the-day"] for p in poster.posts)
