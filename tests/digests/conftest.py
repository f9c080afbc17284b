"""Fixtures for digest scheduling: a real temp database, a fixed clock, a recording poster."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.clock import FixedClock
from bot.delivery import (
    DeliveryTarget,
    DigestDelivery,
    PermanentDeliveryError,
    RetryPolicy,
    TransientDeliveryError,
)
from bot.domain.corrections import CorrectionNotice
from bot.domain.digest import Digest
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.servers import ServerSchedule
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import Database
from bot.storage.digests import DigestLedger
from bot.storage.entry_store import EntryStore
from bot.storage.servers import ServerStore

PLATFORM = "discord"
TINY_RETRY = RetryPolicy(delays=(0.001, 0.002, 0.003), attempt_timeout=5.0)


@dataclass(frozen=True)
class Posted:
    target: DeliveryTarget
    digest: Digest
    nonce: str
    marker: str
    message_id: str


@dataclass(frozen=True)
class PostedNotice:
    target: DeliveryTarget
    notice: CorrectionNotice
    nonce: str
    marker: str
    message_id: str


@dataclass
class RecordingPoster:
    """The DigestPoster port in memory: records every post, fails when told to.

    It does not drop duplicate nonces the way Discord does, so a double post shows up here.
    """

    delay: float = 0.0
    failures: list[Exception] = field(default_factory=list)
    posts: list[Posted] = field(default_factory=list)
    calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    posted: asyncio.Event = field(default_factory=asyncio.Event)
    notices: list[PostedNotice] = field(default_factory=list)

    async def post_notice(
        self, target: DeliveryTarget, notice: CorrectionNotice, nonce: str, marker: str
    ) -> str:
        """A correction notice, recorded apart from digests (same failures, same ids)."""
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            raise self.failures.pop(0)
        message_id = f"n{len(self.notices)}"
        self.notices.append(PostedNotice(target, notice, nonce, marker, message_id))
        return message_id

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.failures:
                raise self.failures.pop(0)
            message_id = str(1000 + len(self.posts))
            self.posts.append(Posted(target, digest, nonce, marker, message_id))
            self.posted.set()
            return message_id
        finally:
            self.in_flight -= 1

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        for notice in reversed(self.notices):
            if notice.target == target and notice.marker == marker:
                return notice.message_id
        for posted in reversed(self.posts):
            if posted.target == target and posted.marker == marker:
                return posted.message_id
        return None

    def fail_with(self, *errors: Exception) -> None:
        self.failures.extend(errors)

    def posts_for(self, server_id: str) -> list[Posted]:
        return [p for p in self.posts if p.target.server_id == server_id]


def server_error() -> TransientDeliveryError:
    return TransientDeliveryError("Discord answered 500 (server error)")


def forbidden() -> PermanentDeliveryError:
    return PermanentDeliveryError("missing permission to send in #briefing")


@dataclass
class World:
    """Everything a delivery test touches, wired as the bot wires it."""

    database: Database
    clock: FixedClock
    service: BriefingService
    servers: ServerStore
    ledger: DigestLedger
    poster: RecordingPoster
    delivery: DigestDelivery

    def delivery_with(self, poster: RecordingPoster, concurrency: int = 20) -> DigestDelivery:
        return DigestDelivery(
            self.service,
            self.servers,
            self.ledger,
            poster,
            self.clock,
            retry=TINY_RETRY,
            concurrency=concurrency,
        )

    async def add_server(
        self,
        server_id: str,
        time_text: str = "08:00",
        timezone: str = "Asia/Seoul",
        quiet_days: str = "post",
        since: datetime | None = None,
    ) -> ServerSchedule:
        schedule = DigestSchedule.parse(f"c{server_id}", time_text, timezone, (), quiet_days)
        return await self.servers.set_schedule(
            PLATFORM, server_id, schedule, since or datetime(2026, 1, 1, tzinfo=UTC)
        )


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
async def world(database: Database, clock: FixedClock) -> World:
    service = BriefingService(EntryStore(database), clock, Vocabulary())
    servers = ServerStore(database, clock)
    ledger = DigestLedger(database)
    poster = RecordingPoster()
    delivery = DigestDelivery(service, servers, ledger, poster, clock, retry=TINY_RETRY)
    return World(database, clock, service, servers, ledger, poster, delivery)
