"""`briefbot run` as its own process against the Discord stand-in, as an operator starts it.

Shared by the process stories (SQLite, PostgreSQL, cache across processes) so each says only
what differs: its database setting and what it asks and checks.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.discord_bot.conftest import add_server
from tests.reliability.support import BRIEFBOT, BRIEFS, clean_env
from tests.standins.discord import DiscordStandIn


@dataclass(frozen=True)
class Stopped:
    """How the process ended and everything it printed."""

    returncode: int | None
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class BotProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    async def stop(self) -> Stopped:
        """SIGTERM, as a service manager stops it; waits for the exit (a few seconds at most)."""
        self._process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(self._process.communicate(), 5)
        return Stopped(self._process.returncode, stdout.decode(), stderr.decode())


@asynccontextmanager
async def briefbot_run(discord: DiscordStandIn, cwd: Path, **env: str) -> AsyncIterator[BotProcess]:
    """``briefbot run`` pointed at the stand-in, with the shipped briefs and ``env`` (the
    database); yielded once connected with its commands synced, killed if still running
    when the block ends."""
    process = await asyncio.create_subprocess_exec(
        str(BRIEFBOT),
        "run",
        env=clean_env(
            DISCORD_TOKEN=discord.token,
            DISCORD_API_BASE_URL=discord.api_base_url,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            BRIEFBOT_BRIEFS_DIR=str(BRIEFS),
            **env,
        ),
        cwd=cwd,  # no .env from the checkout
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await discord.wait_for_session(timeout=20)
        await asyncio.wait_for(discord.commands_synced.wait(), 10)
        yield BotProcess(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def serve_a_reader(discord: DiscordStandIn, cwd: Path, **env: str) -> Stopped:
    """The process's shortest whole life: started with ``env``, a reader's ``/brief latest``
    answered with the five newest shipped entries, stopped with SIGTERM."""
    server = add_server(discord)
    async with briefbot_run(discord, cwd, **env) as bot:
        reply = await discord.run_command(
            server.guild, server.reader, "brief latest", channel=server.channel
        )
        assert len(reply.embeds) == 5
        assert "Yoon" in reply.embeds[0]["title"]
        return await bot.stop()
