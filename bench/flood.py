"""``reader_flood_loop_lag_p99_ms``: readers flooding the bot must not stall its event loop.

Waves of 50 concurrent worst-case reader requests (figure-subject autocompletes typed with
text no subject contains, so the whole subject index is scanned, and searches for "the" and
``kor*``, each from a new member so cooldowns do not answer instead) arrive while
``/brief latest`` is timed, and a ticker task measures how late the loop wakes it (the lag
every other coroutine, Discord's heartbeat included, would see). The stand-in runs in the same
loop, so its own work is in the lag too: the figure is an upper bound for the bot alone.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from bench.stats import p50, p99, summary
from bench.world import Report, World
from bot.domain.search_query import BUSY_NOTE, TOO_SLOW_NOTE, UNRANKED_NOTE

FLOOD = 50
TICK_S = 0.005
WORST_SUBJECT_TEXT = "qzxj"  # matches no subject: the autocomplete scans the whole index
FLOOD_QUERIES = ("the", "kor*")
TARGET_MS = 50.0


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(TICK_S)
        lags.append(time.perf_counter() - started - TICK_S)


async def _wave(world: World, outcomes: Counter[str], autocomplete_s: list[float]) -> None:
    guild, channel, _ = world.guilds[0]

    async def autocomplete() -> None:
        world.users += 1
        member = guild.add_member(f"flood-{world.users}")
        started = time.perf_counter()
        choices = await world.standin.autocomplete(
            guild,
            member,
            "brief figures",
            focused="subject",
            value=WORST_SUBJECT_TEXT,
            channel=channel,
        )
        autocomplete_s.append(time.perf_counter() - started)
        outcomes["autocomplete"] += 1
        outcomes["autocomplete_unexpected_choices"] += len(choices)

    async def search(query: str) -> None:
        world.users += 1
        member = guild.add_member(f"flood-{world.users}")
        record = world.standin.start_command(
            guild, member, "brief search", channel=channel, query=query
        )
        reply = await world.standin.wait_reply(record)
        text = reply.content or ""
        if reply.embeds:
            unranked = UNRANKED_NOTE in str(reply.embeds[0].get("description", ""))
            outcomes["search_newest" if unranked else "search_ranked"] += 1
        elif text == TOO_SLOW_NOTE:
            outcomes["search_too_slow"] += 1
        elif text == BUSY_NOTE:
            outcomes["search_busy"] += 1
        else:
            outcomes["search_other"] += 1

    jobs = [
        autocomplete() if n % 2 == 0 else search(FLOOD_QUERIES[(n // 2) % len(FLOOD_QUERIES)])
        for n in range(FLOOD)
    ]
    await asyncio.gather(*jobs)


async def bench_flood(report: Report, world: World, quick: bool) -> None:
    """Flood waves with ``/brief latest`` timed throughout; loop lag sampled by a ticker."""
    waves = 2 if quick else 6
    for _ in range(3):  # warm the caches and discord.py's paths
        await world.command("brief latest")
    lags: list[float] = []
    latest: list[float] = []
    autocomplete_s: list[float] = []
    outcomes: Counter[str] = Counter()
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(lags, stop))
    try:
        for _ in range(waves):
            flood = asyncio.create_task(_wave(world, outcomes, autocomplete_s))
            while not flood.done():
                latest.append(await world.command("brief latest"))
            await flood
    finally:
        stop.set()
        await ticker
    lag_ms = p99(lags) * 1000
    report.add(
        "reader_flood_loop_lag_p99_ms",
        lag_ms,
        f"<= {TARGET_MS:g}",
        lag_ms <= TARGET_MS,
        reader_flood_loop_lag_p99_ms_p50=round(p50(lags) * 1000, 3),
        reader_flood_loop_lag_p99_ms_p99=round(lag_ms, 3),
        loop_lag_max_ms=round(max(lags) * 1000, 3),
        ticks=len(lags),
        waves=waves,
        per_wave=FLOOD,
        latest_under_flood=summary(latest),
        subject_autocomplete=summary(autocomplete_s),
        outcomes=dict(outcomes),
    )
