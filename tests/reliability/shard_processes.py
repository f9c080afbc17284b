"""Several ``briefbot run --shards …`` processes on one shared database, against the stand-in.

The database is reached only through the product (``open_app`` and the ports) so the same
stories run on every backend: SQLite (one file several processes share on one machine) and
PostgreSQL. Each process writes its own log; a test reads which servers it worked on there.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import open_app, seed_if_empty
from bot.delivery_port import digest_marker
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerRow
from bot.platforms.host import PlatformHost
from bot.settings import Settings
from tests.discord_digest.conftest import digest_messages, footer
from tests.reliability.support import BRIEFBOT, BRIEFS, clean_env
from tests.standins.discord import Channel, DiscordStandIn

PLATFORM = "discord"
MESSAGES_ROUTE = "POST /channels/{channel_id}/messages"
CATCH_UP_LINE = re.compile(r"catch-up discord/(\d+) \S+: (\w[\w ]*)")
CATCH_UP_FINISHED = "catch-up finished:"


@dataclass(frozen=True)
class SharedDatabase:
    """Where every process of the deployment keeps its state (``BRIEFBOT_*`` variables)."""

    env: dict[str, str]

    def settings(self) -> Settings:
        return Settings.from_env(**self.env)  # by the variables' names, as the processes read them

    async def prepare(self, channels: dict[str, Channel]) -> None:
        """Migrate, load briefs/ and give every server a digest due an hour ago (UTC), set
        three hours ago: each is owed today's digest, all at the same minute."""
        now = datetime.now(UTC)
        due = (now - timedelta(hours=1)).strftime("%H:%M")
        async with open_app(self.settings()) as app:
            await seed_if_empty(app)
            servers = PlatformHost.of(app, PLATFORM).servers
            for server_id, channel in channels.items():
                schedule = DigestSchedule.parse(str(channel.id), due, "UTC")
                await servers.set_schedule(PLATFORM, server_id, schedule, now - timedelta(hours=3))

    async def ledger(self, server_ids: Iterable[str]) -> dict[str, LedgerRow]:
        """server id → its ledger row for the date the digests were due."""
        async with open_app(self.settings()) as app:
            ledger = PlatformHost.of(app, PLATFORM).ledger
            keys = [(PLATFORM, sid, due_day()) for sid in server_ids]
            rows = await ledger.rows_for(keys)
        return {sid: row for (_, sid, _), row in rows.items()}


class ShardProcess:
    """One ``briefbot run --shards IDS --shard-count N`` against the stand-in."""

    def __init__(
        self,
        discord: DiscordStandIn,
        database: SharedDatabase,
        folder: Path,
        shards: str,
        count: int,
    ) -> None:
        self.discord = discord
        self.shards = shards
        self.count = count
        self.folder = folder
        self.logs: list[Path] = []  # one per start
        self.env = clean_env(
            DISCORD_TOKEN=discord.token,
            DISCORD_API_BASE_URL=discord.api_base_url,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            BRIEFBOT_BRIEFS_DIR=str(BRIEFS),
            **database.env,
        )
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.logs.append(self.folder / f"shards-{self.shards}-run{len(self.logs) + 1}.log")
        with self.logs[-1].open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                str(BRIEFBOT),
                "run",
                "--shards",
                self.shards,
                "--shard-count",
                str(self.count),
                env=self.env,
                cwd=self.folder,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye; its claims stay ``claimed``."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    def catch_up(self, run: int = -1) -> dict[str, str]:
        """server id → what one run's catch-up did for it, from its log (the last run's by
        default; complete once :meth:`caught_up`)."""
        text = self.logs[run].read_text(errors="replace")
        return {sid: outcome.strip() for sid, outcome in CATCH_UP_LINE.findall(text)}

    def caught_up(self, run: int = -1) -> bool:
        """Whether one run's catch-up has logged its last line (per-server lines are written
        one by one; reading them before this one can count half a round)."""
        return CATCH_UP_FINISHED in self.logs[run].read_text(errors="replace")

    def tail(self) -> str:
        return "".join(log.read_text(errors="replace")[-2000:] for log in self.logs)


@asynccontextmanager
async def running(processes: list[ShardProcess]) -> AsyncIterator[list[ShardProcess]]:
    """Start them all at once; SIGKILL whatever is left at the end (the test has checked)."""
    try:
        await asyncio.gather(*(p.start() for p in processes))
        yield processes
    finally:
        await asyncio.gather(*(p.kill() for p in processes))


def sends(discord: DiscordStandIn, channels: Iterable[Channel]) -> int:
    return sum(discord.message_requests(c) for c in channels)


def digests_by_server(discord: DiscordStandIn, channels: dict[str, Channel]) -> dict[str, int]:
    """server id → how many digests with today's marker its channel shows."""
    marker = digest_marker(due_day())
    return {
        sid: sum(1 for m in digest_messages(discord, ch) if footer(m).endswith(marker))
        for sid, ch in channels.items()
    }


def due_day() -> date:
    """The (UTC) date of the digests :meth:`SharedDatabase.prepare` makes due."""
    return (datetime.now(UTC) - timedelta(hours=1)).date()
