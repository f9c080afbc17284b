"""`briefbot run` killed with SIGKILL between "claimed" and "posted", then restarted.

The stand-in holds the digest's ``POST /channels/{id}/messages`` open; the process dies with
the ledger row ``claimed``. The restarted bot's catch-up must end with exactly one message:
posted once if the first never landed, found by its marker (not posted again) if it did.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.discord_bot.conftest import BRIEFS
from tests.discord_digest.conftest import MESSAGES_ROUTE, digest_messages, eventually, footer
from tests.standins.discord import MANAGE_GUILD, Channel, DiscordStandIn

ROOT = Path(__file__).resolve().parents[2]
BRIEFBOT = ROOT / ".venv" / "bin" / "briefbot"


class BotProcess:
    """``briefbot run`` against the stand-in, on a database that outlives each process."""

    def __init__(self, discord: DiscordStandIn, tmp_path: Path) -> None:
        self.discord = discord
        self.tmp_path = tmp_path
        self.db = tmp_path / "bot.sqlite3"
        self.log = tmp_path / "bot.log"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFBOT_"))
        }
        self.env.update(
            DISCORD_TOKEN=discord.token,
            DISCORD_API_BASE_URL=discord.api_base_url,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            BRIEFBOT_DB=str(self.db),
            BRIEFBOT_BRIEFS_DIR=str(BRIEFS),
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[asyncio.subprocess.Process]:
        since = len(self.discord.gateway.events)
        with self.log.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                str(BRIEFBOT),
                "run",
                env=self.env,
                cwd=self.tmp_path,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        try:
            await self.discord.gateway.wait_for_session(since=since, timeout=30)
            yield process
        finally:
            if process.returncode is None:
                process.kill()
            await process.wait()

    def ledger(self) -> list[tuple[str, str | None]]:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as db:
            return list(db.execute("SELECT status, message_id FROM digests"))


def an_hour_ago() -> str:
    """Today's (UTC) digest time, an hour back: recovery is well within the 6 h grace."""
    return (datetime.now(UTC) - timedelta(hours=1)).strftime("%H:%M")


async def crash_while_posting(
    discord: DiscordStandIn, tmp_path: Path, *, stored: bool
) -> tuple[BotProcess, Channel]:
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    admin = guild.add_member("admin", permissions=MANAGE_GUILD)
    bot = BotProcess(discord, tmp_path)
    async with bot.running() as process:
        await asyncio.wait_for(discord.commands_synced.wait(), 20)
        reply = await discord.run_command(
            guild,
            admin,
            "digest setup",
            channel=channel,
            options={"time": an_hour_ago(), "timezone": "UTC"},
            timeout=20,
        )
        assert "Daily digest set" in reply.content
        if stored:
            # Discord stores the message; the answer never reaches the bot.
            discord.faults.add(MESSAGES_ROUTE, respond_delay=30)
        else:
            # The request hangs and then fails: nothing is stored.
            discord.faults.add(MESSAGES_ROUTE, delay=30, status=503)
        discord.start_command(guild, admin, "digest now", channel=channel)
        await eventually(lambda: discord.message_requests(channel) >= 1, 20, "the digest send")
        if stored:
            await eventually(lambda: digest_messages(discord, channel), 20, "the stored digest")
        assert bot.ledger() == [("claimed", None)]
        process.send_signal(signal.SIGKILL)
        await process.wait()
    discord.faults.clear()
    return bot, channel


async def restart_and_recover(bot: BotProcess, channel: Channel) -> str:
    discord = bot.discord
    async with bot.running():
        await eventually(lambda: bot.ledger()[0][0] != "claimed", 30, "the recovered claim")
        [(status, message_id)] = bot.ledger()
        assert status == "posted", bot.log.read_text()[-3000:]
        assert message_id is not None
        [message] = digest_messages(discord, channel)
        assert str(message.id) == message_id
        today = datetime.now(UTC).date()
        assert footer(message).endswith(f"digest · {today}")
        # The catch-up logs its outcome just after the ledger row turns "posted": stopping the
        # bot in between (on a loaded machine) would lose the line, not the digest.
        await eventually(lambda: "catch-up finished" in bot.log.read_text(), 30, "catch-up")
    return bot.log.read_text()


async def test_killed_before_the_message_landed_posts_it_once_after_restart(
    discord: DiscordStandIn, tmp_path: Path
) -> None:
    bot, channel = await crash_while_posting(discord, tmp_path, stored=False)
    assert digest_messages(discord, channel) == []
    sends_before = discord.message_requests(channel)

    log = await restart_and_recover(bot, channel)

    assert discord.message_requests(channel) == sends_before + 1
    assert "catch-up" in log and " posted" in log


async def test_killed_after_the_message_landed_finds_it_and_does_not_post_again(
    discord: DiscordStandIn, tmp_path: Path
) -> None:
    bot, channel = await crash_while_posting(discord, tmp_path, stored=True)
    [landed] = digest_messages(discord, channel)
    sends_before = discord.message_requests(channel)

    log = await restart_and_recover(bot, channel)

    assert discord.message_requests(channel) == sends_before, "found by its marker, not re-sent"
    assert [m.id for m in digest_messages(discord, channel)] == [landed.id]
    assert "recovered" in log
