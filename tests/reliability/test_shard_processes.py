"""Several bot processes share one bot and one database: exactly one digest per server.

Real ``briefbot run --shards I --shard-count N`` subprocesses against the Discord stand-in
(which sends each server's events only to its shard's session), all on one shared database.
Every server's digest is due at the same minute, an hour ago, so each process's start-up
catch-up posts its own servers' digests at once (the subprocesses run on the real clock, as
in ``test_digest_round_kill``). The stand-in slows every send down (the request waits, is
stored, and its answer waits again) so a round is in flight when a process is SIGKILLed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.ledger import LedgerStatus
from tests.discord_digest.conftest import eventually
from tests.reliability.shard_processes import (
    MESSAGES_ROUTE,
    ShardProcess,
    SharedDatabase,
    digests_by_server,
    running,
    sends,
)
from tests.standins.discord import Channel, DiscordStandIn

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SharedDatabase]:
    """The deployment's one database: a SQLite file the processes share on one machine, or
    a database on the throwaway PostgreSQL cluster (``tests/pg_cluster.py``)."""
    if request.param == "sqlite":
        yield SharedDatabase({"BRIEFBOT_DB": str(tmp_path / "shared.sqlite3")})
    else:
        yield SharedDatabase({"BRIEFBOT_DATABASE_URL": request.getfixturevalue("postgres_url")})


def servers_on(
    discord: DiscordStandIn, count: int, shard_count: int
) -> dict[int, dict[str, Channel]]:
    """``count`` servers spread round-robin over the shards: shard → server id → channel."""
    shards: dict[int, dict[str, Channel]] = {n: {} for n in range(shard_count)}
    for n in range(count):
        guild = discord.add_guild(f"Desk {n:03d}", shard=(n % shard_count, shard_count))
        shards[n % shard_count][str(guild.id)] = guild.add_text_channel("digest")
    return shards


def all_of(shards: dict[int, dict[str, Channel]]) -> dict[str, Channel]:
    return {sid: ch for channels in shards.values() for sid, ch in channels.items()}


async def assert_one_digest_each(
    discord: DiscordStandIn, shared_db: SharedDatabase, channels: dict[str, Channel]
) -> None:
    counts = digests_by_server(discord, channels)
    assert sorted(set(counts.values())) == [1], {s: n for s, n in counts.items() if n != 1}
    rows = await shared_db.ledger(channels)
    assert sorted(rows) == sorted(channels)
    not_posted = {sid: row.status for sid, row in rows.items() if row.status != LedgerStatus.POSTED}
    assert not not_posted
    for server_id, channel in channels.items():
        [message] = [m for m in discord.messages(channel) if m.author.bot]
        assert rows[server_id].message_id == str(message.id)


async def test_three_processes_300_servers_one_killed_mid_round_and_restarted(
    shared_db: SharedDatabase, tmp_path: Path
) -> None:
    async with DiscordStandIn() as discord:
        shards = servers_on(discord, 300, 3)
        channels = all_of(shards)
        await shared_db.prepare(channels)
        discord.faults.add(MESSAGES_ROUTE, delay=0.1, respond_delay=0.3, times=None)
        processes = [ShardProcess(discord, shared_db, tmp_path, str(n), 3) for n in range(3)]
        victim, survivors = processes[1], (processes[0], processes[2])
        async with running(processes):
            await eventually(
                lambda: sends(discord, shards[1].values()) >= 30, 60, "shard 1's round under way"
            )
            await victim.kill()
            # The others finish their own rounds, and leave shard 1's servers alone.
            for process in survivors:
                await eventually(process.caught_up, 60, "their rounds")
            # Counted only now: requests the victim sent just before it died are still being
            # answered by the stand-in for a moment after the kill, and they land.
            landed_then = sum(digests_by_server(discord, shards[1]).values())
            assert landed_then < 100, "the kill came after the round; nothing to prove"

            await victim.start()
            await eventually(victim.caught_up, 60, "the restarted round")
        discord.check_violations()

    await assert_one_digest_each(discord, shared_db, channels)
    for process, mine in zip(survivors, (shards[0], shards[2]), strict=True):
        assert set(process.catch_up()) == set(mine), process.tail()
    # The restarted process finished what its killed run had not, on its own servers only.
    outcomes = victim.catch_up()
    assert set(outcomes) <= set(shards[1]) and len(outcomes) >= 100 - landed_then
    assert set(outcomes.values()) <= {"posted", "recovered"}, victim.tail()
    print(
        f"\n3 processes, 300 servers: shard 1 killed with {landed_then} of its 100 digests "
        f"landed; after restart {sum(v == 'recovered' for v in outcomes.values())} found by "
        f"marker, {sum(v == 'posted' for v in outcomes.values())} posted; one digest each"
    )


async def test_two_processes_given_overlapping_shards_still_post_one_digest_each(
    shared_db: SharedDatabase, tmp_path: Path
) -> None:
    async with DiscordStandIn() as discord:
        shards = servers_on(discord, 150, 3)
        channels = all_of(shards)
        await shared_db.prepare(channels)
        discord.faults.add(MESSAGES_ROUTE, delay=0.05, times=None)
        # A configuration mistake: shard 1 is given to both processes.
        low = ShardProcess(discord, shared_db, tmp_path, "0-1", 3)
        high = ShardProcess(discord, shared_db, tmp_path, "1-2", 3)
        discord.hold_identify()
        async with running([low, high]):
            # Both become ready at the same moment, so both catch-ups go for shard 1 at once.
            await discord.release_identify(4)
            # Per-server lines are written one by one; the closing line ends each round.
            await eventually(lambda: low.caught_up() and high.caught_up(), 60, "both rounds")
        discord.check_violations()

    await assert_one_digest_each(discord, shared_db, channels)
    # Each took only its own shards; on shard 1 the ledger's claim let one of them post.
    first, second = low.catch_up(), high.catch_up()
    assert set(first) | set(second) == set(channels)
    assert set(first) <= {*shards[0], *shards[1]} and set(second) <= {*shards[1], *shards[2]}
    outcomes = [*first.values(), *second.values()]
    assert all(o == "posted" or o.startswith("not claimed") for o in outcomes), outcomes
    contested = set(first) & set(second)
    won = sum(first[s] == "posted" for s in contested)
    print(
        f"\noverlapping shards: {len(contested)} of shard 1's 50 digests raced for by both "
        f"processes: {won} won by the 0-1 process, {len(contested) - won} by the 1-2; "
        "one digest each"
    )
