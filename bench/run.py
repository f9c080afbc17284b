"""``python -m bench``: build the archive, measure each figure against its floor, report.

Every figure is a ratio to the cheapest way to do the same work on the same machine in the
same run (the floor), so a busy machine moves both sides together. The steps live in their own
modules (:mod:`bench.commands`, :mod:`bench.search`, :mod:`bench.writes`, …); this one runs
them in order and saves the figures after each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from bench.commands import bench_commands
from bench.fanout_procs import bench_fanout_processes
from bench.flood import bench_flood
from bench.generate import ensure_archive
from bench.intake import bench_cluster, bench_extract, bench_poll
from bench.postgres import archive_cluster, bench_pg_commands
from bench.report import write_markdown
from bench.search import (
    TYPICAL_QUERIES,
    WORST_QUERIES,
    bench_search_options,
    bench_search_store,
    ensure_search_index,
)
from bench.startup import bench_process, bench_schedules
from bench.world import ROOT, Report, bot_world, load_average, say
from bench.writes import bench_fanout, bench_import
from bot.env_settings import Secret
from bot.settings import Settings

RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"


async def bench_postgres(report: Report, db: Path, entries: int, quick: bool) -> None:
    """The PostgreSQL figures (bench/postgres.py) with this module's bot world."""
    async with archive_cluster(entries, db, say) as url:
        if url is None:
            return
        settings = Settings.from_env(
            BRIEFBOT_DATABASE_URL=Secret(url), BRIEFBOT_BRIEFS_DIR=ROOT / "no-briefs"
        )
        async with bot_world(db, settings=settings) as world:
            await bench_pg_commands(report, world, quick, TYPICAL_QUERIES + WORST_QUERIES)


async def bench_reader_flood(report: Report, db: Path, quick: bool) -> None:
    async with bot_world(db) as world:
        await bench_flood(report, world, quick)


async def bench_intake(report: Report, args: argparse.Namespace) -> None:
    """Poll against plain aiohttp, extraction rate, clustering (off the loop: CPU work)."""
    await asyncio.to_thread(bench_poll, report, args.intake_feeds, args.intake_items, say)
    await asyncio.to_thread(bench_extract, report, 50 if args.quick else 500)
    await asyncio.to_thread(bench_cluster, report, args.cluster_items)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "discord.py": discord.__version__,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": load_average(),
    }


STEPS = (
    "commands",
    "search",
    "flood",
    "import",
    "fanout",
    "fanout3",
    "process",
    "intake",
    "postgres",
)


async def run(
    args: argparse.Namespace, db: Path, built: float | None, save: Callable[[Report], None]
) -> Report:
    """Run the chosen steps, saving the figures after each one so a stopped run keeps them."""
    report = Report(args.entries)
    started = time.perf_counter() - (built or 0.0)
    if built is not None:
        report.add("generate_s", built, "info", None, path=str(db.relative_to(ROOT)))
    chosen = set(args.only or STEPS)
    steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("commands", lambda: bench_commands(report, db, args.quick)),
        ("search", lambda: bench_search_store(report, db, args.quick)),
        ("search", lambda: bench_search_options(report, db, args.quick)),
        ("flood", lambda: bench_reader_flood(report, db, args.quick)),
        (
            "import",
            lambda: bench_import(report, min(args.import_entries, args.entries), args.quick),
        ),
        ("fanout", lambda: bench_fanout(report, db, args.servers)),
        ("fanout3", lambda: bench_fanout_processes(report.add, args.servers)),
        ("process", lambda: bench_process(report, db, args.quick)),
        ("process", lambda: bench_schedules(report, db, args.quick, say)),
        ("intake", lambda: bench_intake(report, args)),
        ("postgres", lambda: bench_postgres(report, db, args.entries, args.quick)),
    ]
    for name, step in steps:
        if name in chosen:
            say(f"{name} ({time.perf_counter() - started:.0f}s so far)")
            await step()
            save(report)
    report.add("total_s", time.perf_counter() - started, "< 900 (15 minutes)", None)
    save(report)
    return report


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000, help="archive size")
    parser.add_argument("--import-entries", type=int, default=100_000)
    parser.add_argument(
        "--servers", type=int, default=1000, help="servers in the fan-out (and per process)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--intake-feeds", type=int, default=500, help="feeds in the poll")
    parser.add_argument("--intake-items", type=int, default=50, help="items per feed")
    parser.add_argument("--cluster-items", type=int, default=100_000, help="items clustered")
    parser.add_argument("--only", action="append", choices=STEPS, help="run only these")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--doc", type=Path, default=None, help="also update this Markdown table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    say(f"archive of {args.entries:,} entries")
    db, built = ensure_archive(args.entries, say)
    asyncio.run(ensure_search_index(db))

    def save(report: Report) -> None:
        document = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "entries": args.entries,
            "quick": args.quick,
            "machine": machine(),
            "results": report.figures,
        }
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(document, indent=2) + "\n")
        if args.doc is not None:
            write_markdown(args.doc, document)

    asyncio.run(run(args, db, built, save))
    say(f"wrote {args.results}")
    return 0
