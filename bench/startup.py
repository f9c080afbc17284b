"""Start-up: a process timed to its start-up lines (``ready_s``, ``memory_ratio``), and with
100,000 digest schedules.

``ready_100k_schedules_s`` and ``memory_100k_schedules_mb``: the 1M archive gets 100,000
servers with a daily digest each (spread over zones and over the three hours starting four
hours from now, so none falls due during the run), then ``python -m bot run`` is started
against the Discord stand-in, as for ``ready_s``, and timed to "serving commands", its RSS
taken 3 s after on_ready. The bare discord.py bot is measured in the same run for the memory
target (1.5 × its RSS + 50 MB). The servers are removed again afterwards.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.stats import p50, p99
from bench.world import ROOT, Report, load_average
from bot.app import open_app
from bot.domain.digest_schedule import DigestSchedule, next_run
from bot.domain.schedule import zone as time_zone
from bot.settings import Settings
from bot.storage.codec import stamp
from tests.standins.discord import DiscordStandIn

SCHEDULES = 100_000
ZONES = ("Asia/Seoul", "Europe/Kyiv", "America/New_York", "Europe/London", "UTC", "Asia/Tokyo")
# What `python -m bot run` logs on the way up: serving commands (READY and every guild
# received), then discord.py's on_ready (its 2 s quiet period after the last guild later).
MILESTONES = {"serving": "serving commands", "on_ready": "connected as"}
BARE_MILESTONES = {"serving": "serving", "on_ready": "ready"}


def _rss_kib(pid: int) -> int:
    found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert found is not None
    return int(found.group(1))


async def process_start(
    argv: list[str], env: dict[str, str], markers: dict[str, str], until: str, idle: float = 3.0
) -> tuple[dict[str, float], int]:
    """Seconds from start to each marker seen on stderr (up to ``until``), and the RSS in KiB
    ``idle`` seconds after ``until``."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen: dict[str, float] = {}
    tail: list[str] = []
    drain: asyncio.Task[bytes] | None = None
    try:
        while until not in seen:
            line = await asyncio.wait_for(process.stderr.readline(), 120)
            if not line:
                raise RuntimeError("process ended before ready:\n" + "".join(tail[-20:]))
            text = line.decode(errors="replace")
            tail.append(text)
            for name, marker in markers.items():
                if marker in text and name not in seen:
                    seen[name] = time.perf_counter() - started
        drain = asyncio.create_task(process.stderr.read())  # keep the pipe from filling
        await asyncio.sleep(idle)
        return seen, _rss_kib(process.pid)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        if drain is not None:
            drain.cancel()


def standin_env(standin: DiscordStandIn, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEF"))}
    env.update(
        DISCORD_TOKEN=standin.token,
        DISCORD_API_BASE_URL=standin.api_base_url,
        DISCORD_GATEWAY_URL=standin.gateway_url,
        BRIEFBOT_DB=str(db),
        BRIEFBOT_BRIEFS_DIR=str(ROOT / "no-briefs"),
    )
    return env


async def add_schedules(db: Path, count: int, now: datetime) -> None:
    """``count`` servers with a digest each, due 4 to 7 hours from ``now``."""
    rng = random.Random(16)
    rows = []
    for number in range(count):
        zone = ZONES[number % len(ZONES)]
        local = (now + timedelta(hours=4, minutes=rng.randrange(180))).astimezone(time_zone(zone))
        schedule = DigestSchedule(str(number), local.time().replace(second=0, microsecond=0), zone)
        rows.append(
            (
                str(10**17 + number),
                schedule.channel_id,
                schedule.time_text,
                zone,
                stamp(now),
                stamp(now),
                stamp(next_run(schedule, now)),
            )
        )
    async with open_app(_settings(db)) as app, app.database.write() as connection:
        await connection.execute("DELETE FROM digests")
        await connection.execute("DELETE FROM servers")
        await connection.executemany(
            "INSERT INTO servers (platform, server_id, digest_channel_id, digest_time,"
            " timezone, updated_at, digest_since, next_run_utc)"
            " VALUES ('discord', ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _settings(db: Path) -> Settings:
    return Settings.from_env(BRIEFBOT_DB=db, BRIEFBOT_BRIEFS_DIR=ROOT / "no-briefs")


async def remove_schedules(db: Path) -> None:
    async with open_app(_settings(db)) as app, app.database.write() as connection:
        await connection.execute("DELETE FROM digests")
        await connection.execute("DELETE FROM servers")


async def bench_schedules(report: Report, db: Path, quick: bool, say: Any) -> None:
    """``briefbot run`` on the archive with 100,000 schedules: time to serving, idle RSS."""
    python = sys.executable
    reps = 1 if quick else 3
    count = 2_000 if quick else SCHEDULES
    say(f"start-up with {count:,} digest schedules")
    await add_schedules(db, count, datetime.now(UTC))
    times: list[dict[str, float]] = []
    bot_rss: list[int] = []
    bare_rss: list[int] = []
    try:
        for _ in range(reps):
            async with DiscordStandIn() as standin:
                standin.add_guild("Analysts").add_text_channel("briefing")
                env = standin_env(standin, db)
                bare = [python, "-m", "bench.bare_bot"]
                _, rss = await process_start(bare, env, BARE_MILESTONES, "on_ready")
                bare_rss.append(rss)
            async with DiscordStandIn() as standin:
                standin.add_guild("Analysts").add_text_channel("briefing")
                env = standin_env(standin, db)
                argv = [python, "-m", "bot", "run"]
                seen, rss = await process_start(argv, env, MILESTONES, "on_ready")
                times.append(seen)
                bot_rss.append(rss)
    finally:
        await remove_schedules(db)
    ready = [t["serving"] for t in times]
    report.add(
        "ready_100k_schedules_s",
        p50(ready),
        "< 2",
        p50(ready) < 2,
        schedules=count,
        ready_100k_schedules_s_p50=round(p50(ready), 3),
        ready_100k_schedules_s_p99=round(p99(ready), 3),
        on_ready_s_p50=round(p50([t["on_ready"] for t in times]), 3),
        n=len(ready),
    )
    bot_mib, bare_mib = p50([x / 1024 for x in bot_rss]), p50([x / 1024 for x in bare_rss])
    limit = 1.5 * bare_mib + 50
    report.add(
        "memory_100k_schedules_mb",
        bot_mib,
        f"< 1.5 × bare bot + 50 MB ({limit:.1f})",
        bot_mib < limit,
        schedules=count,
        memory_100k_schedules_mb_p99=round(max(bot_rss) / 1024, 1),
        bot_rss_mib=[round(x / 1024, 1) for x in bot_rss],
        bare_rss_mib=[round(x / 1024, 1) for x in bare_rss],
    )


async def bench_process(report: Report, db: Path, quick: bool) -> None:
    python = sys.executable
    reps = 1 if quick else 3
    bot_ready: list[float] = []
    bot_on_ready: list[float] = []
    bot_rss: list[int] = []
    bare_ready: list[float] = []
    bare_rss: list[int] = []
    for _ in range(reps):
        for bare in (True, False):
            async with DiscordStandIn() as standin:
                guild = standin.add_guild("Analysts")
                guild.add_text_channel("briefing")
                env = standin_env(standin, db)
                # Ready = serving commands (READY and every guild it lists received); the
                # RSS is taken 3 s after discord.py's on_ready, as before.
                if bare:
                    argv = [python, "-m", "bench.bare_bot"]
                    seen, rss = await process_start(argv, env, BARE_MILESTONES, "on_ready")
                    bare_ready.append(seen["serving"])
                    bare_rss.append(rss)
                else:
                    argv = [python, "-m", "bot", "run"]
                    seen, rss = await process_start(argv, env, MILESTONES, "on_ready")
                    bot_ready.append(seen["serving"])
                    bot_on_ready.append(seen["on_ready"])
                    bot_rss.append(rss)
    ratio = p50([float(x) for x in bot_rss]) / p50([float(x) for x in bare_rss])
    report.add(
        "memory_ratio",
        ratio,
        "<= 1.3",
        ratio <= 1.3,
        memory_ratio_p50=round(ratio, 3),
        memory_ratio_p99=round(max(bot_rss) / min(bare_rss), 3),
        bot_rss_mib=[round(x / 1024, 1) for x in bot_rss],
        bare_rss_mib=[round(x / 1024, 1) for x in bare_rss],
        samples=len(bot_rss),
        load_average=load_average(),
    )
    report.add(
        "ready_s",
        p50(bot_ready),
        "< 2",
        p50(bot_ready) < 2,
        ready_s_p50=round(p50(bot_ready), 3),
        ready_s_p99=round(p99(bot_ready), 3),
        on_ready_s_p50=round(p50(bot_on_ready), 3),
        bare_ready_s=round(p50(bare_ready), 3),
        n=len(bot_ready),
    )
