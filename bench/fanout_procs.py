"""``fanout_3proc_ratio``: three ``briefbot run --shards`` processes share one bot's fan-out.

3 × ``--servers`` servers (3,000 by default), spread over 3 shards, all owed a digest at the
same minute on one shared database; the stand-in enforces Discord's global limit (50
requests/s per bot, counted across every process). The floor is the limit itself: servers ÷
50 s. The processes are released from IDENTIFY together and timed until the last digest
lands. Also measured: each process's memory with its thousand servers, against the same
command serving one server (memory per 1k servers, for ``docs/scaling.md``).
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import open_app, seed_if_empty
from bot.domain.digest_schedule import DigestSchedule
from bot.platforms.host import PlatformHost
from bot.settings import Settings
from tests.standins.discord import Channel, DiscordStandIn

ROOT = Path(__file__).resolve().parents[1]
BRIEFBOT = ROOT / ".venv" / "bin" / "briefbot"
PROCESSES = 3
PER_SECOND = 50

Add = Callable[..., None]  # Report.add


def rss_mib(pid: int) -> float:
    found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert found is not None
    return int(found.group(1)) / 1024


async def _prepare(settings: Settings, channels: dict[str, Channel]) -> None:
    """Every server owed today's digest, due an hour ago (each process's catch-up sends)."""
    now = datetime.now(UTC)
    due = (now - timedelta(hours=1)).strftime("%H:%M")
    async with open_app(settings) as app:
        await seed_if_empty(app)
        servers = PlatformHost.of(app, "discord").servers
        for server_id, channel in channels.items():
            schedule = DigestSchedule.parse(str(channel.id), due, "UTC")
            await servers.set_schedule("discord", server_id, schedule, now - timedelta(hours=3))


async def _start(
    standin: DiscordStandIn, env: dict[str, str], folder: Path, shards: str, count: int
) -> asyncio.subprocess.Process:
    with (folder / f"shards-{shards}.log").open("wb") as log:
        return await asyncio.create_subprocess_exec(
            str(BRIEFBOT),
            "run",
            "--shards",
            shards,
            "--shard-count",
            str(count),
            env={
                **env,
                "DISCORD_TOKEN": standin.token,
                "DISCORD_API_BASE_URL": standin.api_base_url,
                "DISCORD_GATEWAY_URL": standin.gateway_url,
            },
            cwd=folder,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )


async def _stop(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.terminate()
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _idle_rss(env: dict[str, str], folder: Path) -> float:
    """The same command serving one server on its own database, idle after start-up."""
    env = {**env, "BRIEFBOT_DB": str(folder / "idle.sqlite3")}
    async with DiscordStandIn() as standin:
        standin.add_guild("Alone").add_text_channel("digest")
        process = await _start(standin, env, folder, "0", 1)
        try:
            await standin.wait_for_session(timeout=120)
            await asyncio.sleep(5.0)  # ready (2 s) and start-up garbage settled
            return rss_mib(process.pid)
        finally:
            await _stop([process])


async def bench_fanout_processes(add: Add, per_process: int) -> None:
    servers = PROCESSES * per_process
    with tempfile.TemporaryDirectory(prefix="fanout3-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEF"))}
        env.update(
            BRIEFBOT_DB=str(folder / "shared.sqlite3"), BRIEFBOT_BRIEFS_DIR=str(ROOT / "briefs")
        )
        settings = Settings.from_env(
            BRIEFBOT_DB=folder / "shared.sqlite3", BRIEFBOT_BRIEFS_DIR=ROOT / "briefs"
        )
        async with DiscordStandIn() as standin:
            channels = {}
            for n in range(servers):
                guild = standin.add_guild(f"Desk {n:04d}", shard=(n % PROCESSES, PROCESSES))
                channels[str(guild.id)] = guild.add_text_channel("digest")
            await _prepare(settings, channels)
            standin.rate_limiter.per_second = PER_SECOND
            standin.hold_identify()
            processes = [
                await _start(standin, env, folder, str(n), PROCESSES) for n in range(PROCESSES)
            ]
            try:
                await _release(standin, processes, folder)
                started = time.perf_counter()
                elapsed = await _until_landed(standin, list(channels.values()), started)
                rss = [rss_mib(p.pid) for p in processes]
            finally:
                await _stop(processes)
            per_channel = [len(standin.messages(c)) for c in channels.values()]
            refused = standin.rate_limiter.refused
        idle = await _idle_rss(env, folder)
    minimum = servers / PER_SECOND
    ratio = elapsed / minimum
    landed = sum(1 for n in per_channel if n >= 1)
    duplicates = sum(n - 1 for n in per_channel if n > 1)
    ok = ratio <= 1.2 and landed == servers and duplicates == 0
    add(
        "fanout_3proc_ratio",
        ratio,
        "<= 1.2, every server once",
        ok,
        fanout_3proc_ratio_p50=round(ratio, 3),
        fanout_3proc_ratio_p99=round(ratio, 3),
        servers=servers,
        processes=PROCESSES,
        seconds=round(elapsed, 3),
        minimum_seconds=round(minimum, 3),
        landed=landed,
        duplicates=duplicates,
        requests_refused_429=refused,
        rss_mib_per_process=[round(x, 1) for x in rss],
        rss_mib_one_server=round(idle, 1),
    )
    per_1k = (sum(rss) / len(rss) - idle) * 1000 / per_process
    add("memory_per_1k_servers_mib", per_1k, "info (docs/scaling.md)", None)


def _log_tails(folder: Path) -> str:
    return "".join(log.read_text()[-1500:] for log in sorted(folder.glob("*.log")))


async def _release(
    standin: DiscordStandIn, processes: list[asyncio.subprocess.Process], folder: Path
) -> None:
    """Answer the processes' IDENTIFYs together, or say why one of them never sent it."""
    release = asyncio.create_task(standin.release_identify(len(processes), timeout=120))
    exits = [asyncio.create_task(p.wait()) for p in processes]
    done, _ = await asyncio.wait({release, *exits}, return_when=asyncio.FIRST_COMPLETED)
    for task in exits:
        task.cancel()
    if release not in done:
        release.cancel()
        raise RuntimeError(f"a bot process ended before connecting:\n{_log_tails(folder)}")
    release.result()


async def _until_landed(standin: DiscordStandIn, channels: list[Channel], started: float) -> float:
    """Seconds from ``started`` until every channel shows its digest (at most 15 minutes)."""
    while True:
        if all(standin.messages(c) for c in channels):
            return time.perf_counter() - started
        if time.perf_counter() - started > 900:
            raise TimeoutError("the 3-process fan-out did not finish in 15 minutes")
        await asyncio.sleep(0.1)
