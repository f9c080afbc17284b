"""The write-heavy figures: importing brief files (``import_ratio``) against plain sqlite3
inserts, and one digest fan-out (``fanout_ratio``) against the stand-in's rate limit."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path

from bench import synth
from bench.generate import create_schema, insert_batch
from bench.stats import p50
from bench.world import NOW, Report, bot_world, load_average, say
from bot.app import open_app
from bot.brief_files import BriefDocument
from bot.clock import FixedClock
from bot.delivery import DeliveryStatus
from bot.domain.digest_schedule import DigestSchedule
from bot.settings import Settings
from bot.storage.servers import ServerStore


def _clear(folder: Path) -> None:
    for leftover in folder.iterdir():
        leftover.unlink()


async def bench_import(report: Report, count: int, quick: bool) -> None:
    say(f"import: building {count:,} documents")
    docs: list[BriefDocument] = []
    rows: synth.Batch = ([], [], [], [])
    for i, doc, _ in synth.documents(0, count, count, seed=synth.SEED + 1):
        docs.append(BriefDocument(f"{doc['slug']}.md", doc))
        made = synth.rows(i + 1, doc, NOW)
        rows[0].append(made.entry)
        rows[1].extend(made.tags)
        rows[2].extend(made.figures)
        rows[3].append(made.revision)
    ours: list[float] = []
    floor: list[float] = []
    reps = 1 if quick or count >= 50_000 else 3  # 100k: ~2 min a repetition; keep < 15 min
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        for rep in range(reps):
            path = Path(tmp) / f"floor-{rep}.sqlite3"
            await create_schema(path)
            connection = sqlite3.connect(path, isolation_level=None)
            connection.execute("PRAGMA synchronous = NORMAL")
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            insert_batch(connection, rows)
            connection.execute("COMMIT")
            floor.append(time.perf_counter() - started)
            connection.close()

            path = Path(tmp) / f"ours-{rep}.sqlite3"
            async with open_app(Settings.from_env(BRIEFBOT_DB=path), FixedClock(NOW)) as app:
                started = time.perf_counter()
                result = await app.service.import_documents(docs, synth.ACTOR)
                ours.append(time.perf_counter() - started)
                assert len(result.added) == count
            say(f"import rep {rep}: ours {ours[-1]:.2f}s, floor {floor[-1]:.2f}s")
            _clear(Path(tmp))
    ratio = p50(ours) / p50(floor)
    report.add(
        "import_ratio",
        ratio,
        "<= 2.0",
        ratio <= 2.0,
        import_ratio_p50=round(ratio, 3),
        import_ratio_p99=round(max(ours) / min(floor), 3),
        entries=count,
        ours_s=[round(s, 3) for s in ours],
        floor_s=[round(s, 3) for s in floor],
        samples=len(ours),
        load_average=load_average(),
    )


async def bench_fanout(report: Report, db: Path, servers: int) -> None:
    per_second = 50
    async with bot_world(db, guilds=servers) as world:
        database = world.app.database
        async with database.write() as connection:
            await connection.execute("DELETE FROM digests")
            await connection.execute("DELETE FROM servers")
        store = ServerStore(database)
        due = NOW.replace(hour=9, minute=0)
        for guild, channel, _ in world.guilds:
            schedule = DigestSchedule(str(channel.id), clock_time(9, 0), "UTC")
            await store.set_schedule("discord", str(guild.id), schedule, now=NOW.replace(hour=1))
        world.standin.rate_limiter.per_second = per_second
        world.standin.requests.clear()
        say(f"fan-out: {servers} servers due at {due:%H:%M}")
        started = time.perf_counter()
        results = await world.bot.delivery.run_due(due)
        elapsed = time.perf_counter() - started
        world.standin.rate_limiter.per_second = None
        posted = [r for r in results if r.status is DeliveryStatus.POSTED]
        failed = [r for r in results if r.status is not DeliveryStatus.POSTED]
        per_channel = [len(world.standin.messages(c)) for _, c, _ in world.guilds]
        duplicates = sum(n - 1 for n in per_channel if n > 1)
        posts = sum(
            1 for m, p, _ in world.standin.requests if m == "POST" and p.endswith("/messages")
        )
        refused = world.standin.rate_limiter.refused
        minimum = (posts - refused) / per_second
        ratio = elapsed / minimum if minimum else float("inf")
        async with database.write() as connection:
            await connection.execute("DELETE FROM digests")
            await connection.execute("DELETE FROM servers")
        ok = ratio <= 1.1 and not failed and duplicates == 0 and len(posted) == servers
        report.add(
            "fanout_ratio",
            ratio,
            "<= 1.1, no failures, no duplicates",
            ok,
            fanout_ratio_p50=round(ratio, 3),
            fanout_ratio_p99=round(ratio, 3),
            servers=servers,
            seconds=round(elapsed, 3),
            minimum_seconds=round(minimum, 3),
            posted=len(posted),
            failed=len(failed),
            failures=sorted({str(r.reason) for r in failed})[:5],
            duplicates=duplicates,
            requests_refused_429=refused,
            samples=1,
            load_average=load_average(),
        )
