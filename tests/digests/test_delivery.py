"""DigestDelivery: exactly one digest per server per local date, through every fault."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

from bot.delivery import (
    DeliveryStatus,
    DeliveryTarget,
    DigestDelivery,
    RetryPolicy,
    digest_marker,
    digest_nonce,
)
from bot.domain.digest import Digest
from bot.domain.ledger import LedgerStatus
from tests.digests.conftest import (
    PLATFORM,
    Posted,
    RecordingPoster,
    World,
    forbidden,
    server_error,
)

# Asia/Seoul 08:00 for local date 2026-03-02 is 2026-03-01 23:00 UTC.
DAY = date(2026, 3, 2)
DUE = datetime(2026, 3, 1, 23, tzinfo=UTC)
GRACE = timedelta(hours=6)


async def row_status(world: World, server_id: str, day: date = DAY) -> LedgerStatus | None:
    row = await world.ledger.get(PLATFORM, server_id, day)
    return None if row is None else row.status


async def test_deliver_twice_posts_once(world: World) -> None:
    server = await world.add_server("s1")
    first = await world.delivery.deliver(server, DAY, DUE)
    second = await world.delivery.deliver(server, DAY, DUE + timedelta(hours=1))
    assert first.status is DeliveryStatus.POSTED and first.message_id == "1000"
    assert second.status is DeliveryStatus.NOT_CLAIMED and second.message_id == "1000"
    assert len(world.poster.posts) == 1
    posted = world.poster.posts[0]
    assert posted.marker == "digest · 2026-03-02"
    assert posted.nonce == digest_nonce(PLATFORM, "s1", DAY) and len(posted.nonce) <= 25
    assert posted.target == DeliveryTarget(PLATFORM, "s1", "cs1")
    assert posted.digest.local_date == DAY


async def test_five_concurrent_delivers_post_once(world: World) -> None:
    server = await world.add_server("s1")
    world.poster.delay = 0.01
    results = await asyncio.gather(*(world.delivery.deliver(server, DAY, DUE) for _ in range(5)))
    assert [r.status for r in results].count(DeliveryStatus.POSTED) == 1
    assert len(world.poster.posts) == 1


async def test_post_now_counts_as_todays_digest(world: World) -> None:
    server = await world.add_server("s1", quiet_days="skip")
    now = DUE - timedelta(hours=2)  # 06:00 local, before the scheduled time
    result = await world.delivery.post_now(server, now)
    assert result.status is DeliveryStatus.POSTED  # posted although the day is quiet
    assert result.local_date == DAY
    assert (await world.delivery.deliver(server, DAY, DUE)).status is DeliveryStatus.NOT_CLAIMED
    again = await world.delivery.post_now(server, DUE)
    assert again.status is DeliveryStatus.NOT_CLAIMED
    assert again.reason == "today's digest is already posted"
    assert len(world.poster.posts) == 1


async def test_quiet_day_skip_records_skipped_without_posting(world: World) -> None:
    server = await world.add_server("s1", quiet_days="skip")
    result = await world.delivery.deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.SKIPPED
    assert world.poster.posts == []
    assert await row_status(world, "s1") is LedgerStatus.SKIPPED


async def test_transient_errors_are_retried_then_posted_once(world: World) -> None:
    server = await world.add_server("s1")
    world.poster.fail_with(server_error(), server_error(), server_error())
    result = await world.delivery.deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.POSTED
    assert world.poster.calls == 4 and len(world.poster.posts) == 1
    row = await world.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.POSTED
    assert row.attempts == 4 and row.last_error is None


async def test_transient_errors_give_up_after_bounded_tries(world: World) -> None:
    server = await world.add_server("s1")
    world.poster.fail_with(*(server_error() for _ in range(10)))
    result = await world.delivery.deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.FAILED
    assert result.reason == "Discord answered 500 (server error) (gave up after 4 tries)"
    assert world.poster.calls == 4
    row = await world.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.FAILED and row.attempts == 4


async def test_timeout_counts_as_transient(world: World) -> None:
    server = await world.add_server("s1")
    world.poster.delay = 0.2
    delivery = DigestDelivery(
        world.service,
        world.servers,
        world.ledger,
        world.poster,
        world.clock,
        retry=RetryPolicy(delays=(0.001,), attempt_timeout=0.05),
    )
    result = await delivery.deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.FAILED
    assert result.reason is not None and "did not answer in time" in result.reason


async def test_permanent_error_fails_with_reason_and_no_retry(world: World) -> None:
    server = await world.add_server("s1")
    world.poster.fail_with(forbidden())
    result = await world.delivery.deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.FAILED
    assert result.reason == "missing permission to send in #briefing"
    assert world.poster.calls == 1
    again = await world.delivery.deliver(server, DAY, DUE + timedelta(minutes=5))
    assert again.status is DeliveryStatus.NOT_CLAIMED
    assert world.poster.calls == 1  # no retry storm
    row = (await world.ledger.status(PLATFORM, "s1"))[0]
    assert row.status is LedgerStatus.FAILED
    assert row.last_error == "missing permission to send in #briefing"


async def test_unexpected_error_marks_failed_instead_of_leaving_a_claim(world: World) -> None:
    server = await world.add_server("s1")
    world.poster.fail_with(RuntimeError("bug"))
    result = await world.delivery.deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.FAILED
    assert result.reason is not None and "internal error (RuntimeError)" in result.reason
    assert await row_status(world, "s1") is LedgerStatus.FAILED


async def test_a_retry_first_looks_for_a_try_that_landed(world: World) -> None:
    class LandsThenFails(RecordingPoster):
        async def post(
            self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str
        ) -> str:
            await super().post(target, digest, nonce, marker)
            if self.calls == 1:
                raise server_error()  # stored by the platform, but we got a 500
            return "unexpected"

    poster = LandsThenFails()
    server = await world.add_server("s1")
    result = await world.delivery_with(poster).deliver(server, DAY, DUE)
    assert result.status is DeliveryStatus.POSTED and result.message_id == "1000"
    assert poster.calls == 1 and len(poster.posts) == 1


async def test_window_starts_at_the_previous_posted_digest(world: World) -> None:
    server = await world.add_server("s1")
    world.clock.moment = DUE - timedelta(hours=3)
    await world.service.add(entry("before-first"), "editor")
    await world.delivery.deliver(server, DAY, DUE)
    world.clock.moment = DUE + timedelta(hours=3)
    await world.service.add(entry("after-first"), "editor")
    next_due = DUE + timedelta(days=1)
    await world.delivery.deliver(server, DAY + timedelta(days=1), next_due)
    first, second = world.poster.posts
    assert [i.slug for i in first.digest.items] == ["before-first"]
    assert [i.slug for i in second.digest.items] == ["after-first"]


async def test_two_hundred_servers_due_at_once_are_sent_concurrently(world: World) -> None:
    for n in range(200):
        await world.add_server(f"s{n:03}")
    poster = RecordingPoster(delay=0.02)
    delivery = world.delivery_with(poster, concurrency=25)
    started = time.perf_counter()
    results = await delivery.run_due(DUE)
    elapsed = time.perf_counter() - started
    assert [r.status for r in results] == [DeliveryStatus.POSTED] * 200
    assert len({p.target.server_id for p in poster.posts}) == len(poster.posts) == 200
    assert 1 < poster.max_in_flight <= 25
    serial = 200 * 0.02
    assert elapsed < 0.5 * serial, f"{elapsed:.2f}s for 200 servers"
    assert await delivery.run_due(DUE + timedelta(minutes=1)) == []  # all handled


async def test_a_failing_server_does_not_delay_the_others(world: World) -> None:
    class OneBadServer(RecordingPoster):
        finished: dict[str, float]

        async def post(
            self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str
        ) -> str:
            if target.server_id == "bad":
                raise server_error()
            message_id = await super().post(target, digest, nonce, marker)
            self.finished[target.server_id] = time.perf_counter()
            return message_id

    for name in ("bad", "g1", "g2", "g3"):
        await world.add_server(name)
    poster = OneBadServer()
    poster.finished = {}
    slow_retry = RetryPolicy(delays=(0.3, 0.3, 0.3), attempt_timeout=5.0)
    delivery = DigestDelivery(
        world.service,
        world.servers,
        world.ledger,
        poster,
        world.clock,
        retry=slow_retry,
        concurrency=1,
    )
    started = time.perf_counter()
    results = {r.server_id: r.status for r in await delivery.run_due(DUE)}
    assert results == {
        "bad": DeliveryStatus.FAILED,
        "g1": DeliveryStatus.POSTED,
        "g2": DeliveryStatus.POSTED,
        "g3": DeliveryStatus.POSTED,
    }
    # Even with one slot, the backing-off server never held it: the others were done early.
    assert max(poster.finished.values()) - started < 0.3


# -- restarts and catch-up ----------------------------------------------------------------


async def test_restart_before_the_time_posts_at_the_time_once(world: World) -> None:
    server = await world.add_server("s1")
    await world.delivery.deliver(server, DAY - timedelta(days=1), DUE - timedelta(days=1))
    restart = DUE - timedelta(hours=1)
    assert await world.delivery.catch_up(restart, GRACE) == []
    assert await world.delivery.run_due(restart) == []
    results = await world.delivery.run_due(DUE)
    assert [r.status for r in results] == [DeliveryStatus.POSTED]
    assert await world.delivery.catch_up(DUE + timedelta(minutes=1), GRACE) == []
    assert len(world.poster.posts_for("s1")) == 2


async def test_restart_after_the_time_within_grace_catches_up_once(world: World) -> None:
    await world.add_server("s1")
    restart = DUE + timedelta(hours=5, minutes=59)
    results = await world.delivery.catch_up(restart, GRACE)
    assert [(r.local_date, r.status) for r in results] == [(DAY, DeliveryStatus.POSTED)]
    assert await world.delivery.catch_up(restart + timedelta(minutes=1), GRACE) == []
    assert await world.delivery.run_due(restart + timedelta(minutes=2)) == []
    assert len(world.poster.posts) == 1


async def test_restart_after_grace_records_missed_and_never_posts(world: World) -> None:
    await world.add_server("s1")
    restart = DUE + timedelta(hours=6, minutes=1)
    results = await world.delivery.catch_up(restart, GRACE)
    assert [(r.local_date, r.status) for r in results] == [(DAY, DeliveryStatus.MISSED)]
    row = await world.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.MISSED
    assert row.last_error == (
        "the bot was offline at digest time and came back 6.0 h later"
        " (digests are caught up within 6 h)"
    )
    assert await world.delivery.run_due(restart) == []
    assert await world.delivery.catch_up(restart, GRACE) == []
    assert world.poster.posts == []


async def test_a_schedule_set_after_todays_time_is_not_owed_today(world: World) -> None:
    await world.add_server("s1", since=DUE + timedelta(hours=1))
    assert await world.delivery.catch_up(DUE + timedelta(hours=2), GRACE) == []
    assert await world.delivery.run_due(DUE + timedelta(hours=2)) == []
    assert [r.status for r in await world.delivery.run_due(DUE + timedelta(days=1))] == [
        DeliveryStatus.POSTED
    ]


async def test_crash_after_posting_is_recovered_without_posting_again(world: World) -> None:
    server = await world.add_server("s1")
    await world.ledger.claim(PLATFORM, "s1", DAY, "cs1", DUE)
    # The crashed run's message reached the channel; the ledger never heard.
    world.poster.posts.append(
        Posted(DeliveryTarget(PLATFORM, "s1", "cs1"), None, "n", digest_marker(DAY), "777")  # type: ignore[arg-type]
    )
    results = await world.delivery.catch_up(DUE + timedelta(minutes=10), GRACE)
    assert [(r.status, r.message_id) for r in results] == [(DeliveryStatus.RECOVERED, "777")]
    assert len(world.poster.posts) == 1
    row = await world.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.POSTED and row.message_id == "777"
    assert row.covers_until == DUE  # the next window starts where the crashed one did
    assert (await world.delivery.deliver(server, DAY, DUE)).status is DeliveryStatus.NOT_CLAIMED


async def test_crash_before_posting_is_recovered_by_posting_once(world: World) -> None:
    await world.add_server("s1")
    await world.ledger.claim(PLATFORM, "s1", DAY, "cs1", DUE)
    restart = DUE + timedelta(minutes=10)
    results = await asyncio.gather(
        world.delivery.catch_up(restart, GRACE), world.delivery.catch_up(restart, GRACE)
    )
    statuses = sorted(r.status for batch in results for r in batch)
    assert statuses == [DeliveryStatus.NOT_CLAIMED, DeliveryStatus.POSTED]
    assert len(world.poster.posts) == 1
    row = await world.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.POSTED and row.attempts == 2


async def test_crash_before_posting_and_back_after_grace_is_missed(world: World) -> None:
    await world.add_server("s1")
    await world.ledger.claim(PLATFORM, "s1", DAY, "cs1", DUE)
    results = await world.delivery.catch_up(DUE + timedelta(hours=7), GRACE)
    assert [r.status for r in results] == [DeliveryStatus.MISSED]
    assert world.poster.posts == []
    assert await row_status(world, "s1") is LedgerStatus.MISSED


def entry(slug: str) -> dict[str, object]:
    return {
        "slug": slug,
        "title": f"Development {slug}",
        "summary": "A short summary of what happened, in our own words.",
        "event_date": "2026-03-01",
        "topics": ["deployment"],
        "actors": ["north-korea"],
        "status": "confirmed",
        "importance": 2,
        "sources": [{"name": "Example", "url": f"https://example.org/{slug}"}],
    }


async def test_recovery_retries_a_flaky_history_check_then_fails_plainly(world: World) -> None:
    class FlakyHistory(RecordingPoster):
        history_failures: int = 0

        async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
            if self.history_failures:
                self.history_failures -= 1
                raise server_error()
            return await super().find_posted(target, marker)

    await world.add_server("s1")
    await world.add_server("s2")
    poster = FlakyHistory()
    poster.history_failures = 2  # s1's check fails twice, then works
    delivery = world.delivery_with(poster)
    await world.ledger.claim(PLATFORM, "s1", DAY, "cs1", DUE)
    results = await delivery.catch_up(DUE + timedelta(minutes=5), GRACE)
    assert {r.server_id: r.status for r in results} == {
        "s1": DeliveryStatus.POSTED,
        "s2": DeliveryStatus.POSTED,
    }
    poster.history_failures = 99
    next_day = DAY + timedelta(days=1)
    await world.ledger.claim(PLATFORM, "s1", next_day, "cs1", DUE + timedelta(days=1))
    results = await delivery.catch_up(DUE + timedelta(days=1, minutes=5), GRACE)
    failed = [r for r in results if r.server_id == "s1"]
    assert [r.status for r in failed] == [DeliveryStatus.FAILED]
    assert failed[0].reason == (
        "could not check the channel for an earlier post: Discord answered 500 (server error)"
    )
    assert len(poster.posts_for("s1")) == 1
