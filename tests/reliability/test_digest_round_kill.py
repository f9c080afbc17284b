"""SIGKILL during a digest round for 50 servers, then restart: exactly one digest each.

Fifty guilds have a digest due an hour ago (written to the database before ``briefbot run``
starts), so the start-up catch-up posts all fifty. The stand-in slows every message send down
(the request waits, is stored, and its answer waits again), so the round is in flight: some
digests have landed unanswered, some are waiting, some not started. SIGKILL comes after a
seeded number of sends; the restarted bot recovers the claims (found by marker, or posted)
and posts the rest. The chaos variant kills again during each recovery.
"""

from __future__ import annotations

import random
import signal
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery import digest_marker
from bot.storage.codec import stamp
from tests.discord_digest.conftest import MESSAGES_ROUTE, digest_messages, eventually, footer
from tests.discord_digest.test_crash import BotProcess
from tests.reliability.support import briefbot, closing_connection, integrity
from tests.standins.discord import Channel, DiscordStandIn

SERVERS = 50


def schedule_digests(db: Path, channels: dict[str, Channel]) -> None:
    """Each server's digest due an hour ago (UTC), set up three hours ago: owed today."""
    now = datetime.now(UTC)
    due = (now - timedelta(hours=1)).strftime("%H:%M")
    since = stamp(now - timedelta(hours=3))
    with closing_connection(db) as raw:
        raw.executemany(
            "INSERT INTO servers (platform, server_id, digest_channel_id, digest_time, timezone,"
            " updated_at, digest_since) VALUES ('discord', ?, ?, ?, 'UTC', ?, ?)",
            [(sid, str(ch.id), due, since, since) for sid, ch in channels.items()],
        )


def ledger(db: Path) -> dict[str, tuple[str, str, str | None]]:
    """server id → (status, local date, message id)."""
    with closing_connection(db) as raw:
        rows = raw.execute("SELECT server_id, status, local_date, message_id FROM digests")
        return {sid: (status, day, mid) for sid, status, day, mid in rows}


def _sent(discord: DiscordStandIn, channels: dict[str, Channel]) -> int:
    return sum(discord.message_requests(c) for c in channels.values())


def _round_done(db: Path) -> bool:
    rows = ledger(db)
    return len(rows) == SERVERS and all(status != "claimed" for status, *_ in rows.values())


async def killed_round(seed: int, kills: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    async with DiscordStandIn() as discord:
        channels = {}
        for n in range(SERVERS):
            guild = discord.add_guild(f"Server {n:02d}")
            channels[str(guild.id)] = guild.add_text_channel("digest")
        bot = BotProcess(discord, tmp_path)
        migrated = briefbot("db", "migrate", db=bot.db, cwd=tmp_path)
        assert migrated.returncode == 0, migrated.stderr
        schedule_digests(bot.db, channels)
        points: list[str] = []
        for _ in range(kills):
            # Slow sends: waits 0.2 s, is stored, answers 0.4 s later.
            discord.faults.add(MESSAGES_ROUTE, delay=0.2, respond_delay=0.4, times=None)
            sends_before = _sent(discord, channels)
            target = sends_before + rng.randint(1, SERVERS - 5)
            async with bot.running() as process:
                await eventually(
                    lambda: (
                        _sent(discord, channels) >= target or _round_done(bot.db)  # noqa: B023
                    ),
                    60,
                    "the kill point",
                )
                process.send_signal(signal.SIGKILL)
                await process.wait()
            sent = _sent(discord, channels) - sends_before
            rows = ledger(bot.db)
            landed = sum(len(digest_messages(discord, c)) for c in channels.values())
            claimed = sum(1 for s, *_ in rows.values() if s == "claimed")
            points.append(f"after {sent} sends: {landed} landed, {claimed} claimed")
            discord.faults.clear()
            assert integrity(bot.db) == "ok"

        async with bot.running():
            await eventually(lambda: _round_done(bot.db), 90, "the recovered round")
        discord.check_violations()

    assert integrity(bot.db) == "ok"
    rows = ledger(bot.db)
    assert sorted(rows) == sorted(channels)
    bad = {sid: row for sid, row in rows.items() if row[0] != "posted"}
    assert not bad, (bad, bot.log.read_text()[-3000:])
    counts = []
    for server_id, channel in channels.items():
        _, day, message_id = rows[server_id]
        found = [
            m
            for m in digest_messages(discord, channel)
            if footer(m).endswith(digest_marker(date.fromisoformat(day)))
        ]
        counts.append(len(found))
        assert len(found) == 1, (server_id, len(found))
        assert str(found[0].id) == message_id
    with sqlite3.connect(f"file:{bot.db}?mode=ro", uri=True) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(
        f"\ndigest round SIGKILL (seed {seed}): {kills} kill(s) ["
        + "; ".join(points)
        + f"]; {SERVERS} servers, ledger posted {len(rows)}, "
        f"one digest each: {counts.count(1)}, lost {counts.count(0)}, "
        f"doubled {sum(1 for c in counts if c > 1)}; integrity_check ok"
    )


async def test_sigkill_during_a_50_server_digest_round(tmp_path: Path) -> None:
    await killed_round(seed=50, kills=1, tmp_path=tmp_path)


@pytest.mark.chaos
@pytest.mark.timeout(600)
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sigkill_during_a_digest_round_and_its_recoveries(tmp_path: Path, seed: int) -> None:
    await killed_round(seed=seed, kills=3, tmp_path=tmp_path)
