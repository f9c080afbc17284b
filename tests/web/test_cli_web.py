"""``briefbot web`` and ``BRIEFBOT_WEB=1 briefbot run`` as their own processes."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import aiohttp

from tests.core.conftest import BRIEFS

ROOT = Path(__file__).resolve().parents[2]
BRIEFBOT = ROOT / ".venv" / "bin" / "briefbot"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFBOT_"))}
    env.update(BRIEFBOT_DB=str(tmp_path / "bot.sqlite3"), BRIEFBOT_BRIEFS_DIR=str(BRIEFS), **extra)
    env.pop("SLACK_BOT_TOKEN", None)
    return env


async def fetch_when_up(url: str) -> str:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(url) as response:
                    return await response.text()
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


async def test_briefbot_web_serves_the_shipped_briefs_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(BRIEFBOT), "web", "--port", str(port), env=environment(tmp_path), cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        home = await fetch_when_up(f"http://127.0.0.1:{port}/")
        assert "/entries/nis-confirms-north-korean-special-forces-in-russia" in home
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_briefbot_run_serves_the_archive_beside_the_console_with_briefbot_web(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = environment(tmp_path, BRIEFBOT_WEB="1", BRIEFBOT_WEB_PORT=str(port))
    process = await asyncio.create_subprocess_exec(
        str(BRIEFBOT), "run", env=env, cwd=tmp_path, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert await fetch_when_up(f"http://127.0.0.1:{port}/healthz") == "ok\n"
        assert process.stdin is not None
        process.stdin.close()  # end of input ends the console, and the archive with it
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
