"""The PostgreSQL figures of ``make bench`` (issue 15): search and ``/brief latest``.

The synthetic archive (the SQLite file :mod:`bench.generate` builds) is loaded once with COPY
into a throwaway cluster kept under ``bench/.cache/`` beside it (started and stopped with
``pg_ctl`` as the test fixture does, on a unix socket only), so later runs reuse it. Without
PostgreSQL installed the step is skipped with one line.

``pg_search_p99_ms``: ``/brief search`` (the real bot against the Discord stand-in, its record
in PostgreSQL) for the six queries of the SQLite search figures; ``pg_latest_ratio``:
``/brief latest`` ÷ the no-op command, as ``latest_ratio`` is measured on SQLite.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from bench.commands import CommandWorld, latest_and_noop, search_samples
from bench.generate import CACHE, GEN_VERSION
from bench.stats import p50, p99, summary
from bot.storage.postgres.database import LATEST_VERSION, open_postgres
from bot.storage.url import parse_database_url
from tests.pg_cluster import INSTALL_HINT, find_bindir

Say = Callable[[str], None]
# Server settings of the benchmark cluster: what a small dedicated server would be given
# (the test fixture's defaults are for many tiny databases).
SERVER_OPTIONS = (
    "-c listen_addresses='' -c shared_buffers=2GB -c effective_cache_size=8GB"
    " -c maintenance_work_mem=1GB -c max_connections=50 -c fsync=off"
    " -c synchronous_commit=off -c full_page_writes=off"
)
_COPY_ROWS = 20_000
# The GIN index is built once after the load rather than row by row during it.
_DEFERRED_INDEXES = ("entries_search",)


async def _run(command: list[str], check: bool = True) -> None:
    # initdb and the server refuse root: as root (CI, this machine) they run as postgres.
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await process.communicate()
    if check and process.returncode:
        raise RuntimeError(f"{' '.join(command)}: {errors.decode(errors='replace')[-500:]}")


@asynccontextmanager
async def archive_cluster(entries: int, archive: Path, say: Say) -> AsyncIterator[str | None]:
    """The URL of a running cluster holding the archive (loaded on first use); None, after
    saying why, when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        say(f"PostgreSQL figures skipped: {INSTALL_HINT}")
        yield None
        return
    root = _cluster_root(f"postgres-{entries}-schema{LATEST_VERSION}-gen{GEN_VERSION}")
    data, ready = root / "data", root / "ready"
    if not ready.exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        await _run([*initdb, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log")]
    await _run([*pg_ctl, "-o", f"-k {root} {SERVER_OPTIONS}", "-w", "start"])
    try:
        url = f"postgresql://postgres@/postgres?host={root}"
        if not ready.exists():
            await _load(url, archive, say)
            ready.touch()
        yield url
    finally:
        await _run([*pg_ctl, "-m", "fast", "stop"], check=False)


def _cluster_root(name: str) -> Path:
    """Beside the archive, unless the server (run as postgres when we are root) could not
    reach it there: a checkout under a private folder (mktemp -d, /root) is closed to other
    users, so the cluster then lives under the system's temporary folder instead."""
    root = CACHE / name
    if os.geteuid() != 0 or all(
        folder.stat().st_mode & 0o001 for folder in (CACHE, *CACHE.parents) if folder.exists()
    ):
        return root
    return Path(tempfile.gettempdir()) / "briefbot-bench" / name


async def _load(url: str, archive: Path, say: Say) -> None:
    """Migrate, then COPY the archive's entries and tags in (CSV), index, analyze."""
    started = time.perf_counter()
    database = await open_postgres(parse_database_url(url))
    await database.close()
    plain = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    connection = await _connect(url)
    try:
        deferred = [
            row["indexdef"]
            for row in await connection.fetch(
                "SELECT indexdef FROM pg_indexes WHERE indexname = any($1::text[])",
                list(_DEFERRED_INDEXES),
            )
        ]
        for name in _DEFERRED_INDEXES:
            await connection.execute(f"DROP INDEX IF EXISTS {name}")
        for table in ("entries", "entry_tags"):
            await _copy_table(plain, connection, table, say)
            say(f"PostgreSQL: {table} loaded after {time.perf_counter() - started:.0f}s")
        for statement in deferred:
            await connection.execute(statement)
        await connection.execute("VACUUM ANALYZE")
        say(f"PostgreSQL: indexed and analyzed after {time.perf_counter() - started:.0f}s")
    finally:
        await connection.close()
        plain.close()


async def _connect(url: str) -> Any:
    return await asyncpg.connect(parse_database_url(url).secret)


def _copy_field(value: object) -> str:
    """One value in COPY's text format: NULL is \\N; backslash, tab and line breaks escaped."""
    if value is None:
        return "\\N"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


async def _copy_table(plain: sqlite3.Connection, connection: Any, table: str, say: Say) -> None:
    stored = await connection.fetch(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
        table,
    )
    present = {row[1] for row in plain.execute(f"PRAGMA table_info({table})")}
    columns = [row["column_name"] for row in stored if row["column_name"] in present]
    cursor = plain.execute(f"SELECT {', '.join(columns)} FROM {table}")
    done = 0
    while rows := cursor.fetchmany(_COPY_ROWS):
        text = "".join("\t".join(map(_copy_field, row)) + "\n" for row in rows)
        await connection.copy_to_table(
            table, source=io.BytesIO(text.encode()), columns=columns, format="text"
        )
        done += len(rows)
        if done % 200_000 < _COPY_ROWS:
            say(f"PostgreSQL: {table} {done:,} rows")


class Reporter(Protocol):
    def add(self, name: str, value: float, target: str, met: bool | None, **detail: Any) -> None:
        """Record one figure."""


async def bench_pg_commands(
    report: Reporter, world: CommandWorld, quick: bool, queries: tuple[str, ...]
) -> None:
    """``pg_latest_ratio`` and ``pg_search_p99_ms``, measured as their SQLite figures are."""
    scale = 0.2 if quick else 1.0
    latest, noop = await latest_and_noop(world, scale)
    ratio = p50(latest) / p50(noop)
    report.add(
        "pg_latest_ratio",
        ratio,
        "<= 1.5",
        ratio <= 1.5,
        latest_ratio_p99=round(p99(latest) / p99(noop), 3),
        latest=summary(latest),
        noop=summary(noop),
    )
    per_query: dict[str, Any] = {}
    every: list[float] = []
    worst = 0.0
    for query in queries:
        await world.command("brief search", query=query)  # this query's first, uncounted
        samples = await search_samples(world, query, scale)
        every += samples
        worst = max(worst, p99(samples))
        page = await world.app.service.search(query, 0, 5)
        per_query[query] = {**summary(samples), "ranked": page.ranked}
    report.add(
        "pg_search_p99_ms",
        p99(every) * 1000,
        "< 50 (every query)",
        worst * 1000 < 50,
        worst_query_p99_ms=round(worst * 1000, 3),
        per_query=per_query,
        failed_replies=len(world.failures),
        too_slow_replies=world.too_slow,
        failure_examples=world.failures[:3],
    )
