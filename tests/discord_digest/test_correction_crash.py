"""`briefbot run` killed with SIGKILL while sending a correction notice, then restarted.

The entry went out in the server's digest; an editor saves a correction; the stand-in holds
the notice's ``POST /channels/{id}/messages`` open and the process dies with the notice row
``claimed``. The restarted bot must end with exactly one notice in the channel: posted once
if the first never landed, found by its marker (not posted again) if it did.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from bot.app import open_app
from bot.domain.corrections import EditKind
from bot.settings import Settings
from bot.storage.codec import content_dict
from tests.discord_bot.conftest import BRIEFS
from tests.discord_digest.conftest import MESSAGES_ROUTE, digest_messages, eventually, footer
from tests.discord_digest.test_crash import BotProcess, an_hour_ago
from tests.standins.discord import MANAGE_GUILD, Channel, DiscordStandIn

NIS = "nis-confirms-north-korean-special-forces-in-russia"


def notice_rows(bot: BotProcess) -> list[tuple[str, str | None]]:
    with sqlite3.connect(f"file:{bot.db}?mode=ro", uri=True, timeout=5) as db:
        return list(db.execute("SELECT status, message_id FROM correction_notices"))


def notices(bot: BotProcess, channel: Channel) -> list[int]:
    return [
        m.id for m in digest_messages(bot.discord, channel) if footer(m).startswith("correction · ")
    ]


async def digest_then_correction(discord: DiscordStandIn, bot: BotProcess) -> Channel:
    """The digest goes out with every seeded entry; then the NIS entry is corrected."""
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    admin = guild.add_member("admin", permissions=MANAGE_GUILD)
    async with bot.running() as process:
        await asyncio.wait_for(discord.commands_synced.wait(), 20)
        options = {"time": an_hour_ago(), "timezone": "UTC"}
        await discord.run_command(guild, admin, "digest setup", channel=channel, options=options)
        posted = await discord.run_command(guild, admin, "digest now", channel=channel)
        assert posted.content.startswith("Posted today's digest"), posted.content
        process.send_signal(signal.SIGKILL)
    # The editor's correction, saved while the bot is down (the CLI host, or another platform).
    settings = Settings.from_env(BRIEFBOT_DB=bot.db, BRIEFBOT_BRIEFS_DIR=BRIEFS)
    async with open_app(settings) as app:
        entry = await app.service.show(NIS)
        raw = content_dict(entry.content) | {"status": "disputed"}
        await app.service.edit(NIS, raw, "desk", kind=EditKind.CORRECTION)
    assert notice_rows(bot) == [("pending", None)]
    return channel


async def killed_while_sending(
    discord: DiscordStandIn, bot: BotProcess, channel: Channel, *, stored: bool
) -> None:
    sends = discord.message_requests(channel)
    if stored:
        discord.faults.add(MESSAGES_ROUTE, respond_delay=30)  # stored; the answer never comes
    else:
        discord.faults.add(MESSAGES_ROUTE, delay=30, status=503)  # hangs, then nothing stored
    async with bot.running() as process:
        await eventually(lambda: discord.message_requests(channel) > sends, 20, "the send")
        if stored:
            await eventually(lambda: notices(bot, channel), 20, "the stored notice")
        assert notice_rows(bot) == [("claimed", None)]
        process.send_signal(signal.SIGKILL)
        await process.wait()
    discord.faults.clear()


async def restart(bot: BotProcess, channel: Channel) -> None:
    async with bot.running():
        await eventually(lambda: notice_rows(bot)[0][0] == "posted", 30, "the recovered notice")
    [(_, message_id)] = notice_rows(bot)
    assert notices(bot, channel) == [int(message_id or 0)], bot.log.read_text()[-3000:]


async def test_killed_before_the_notice_landed_posts_it_once_after_restart(
    discord: DiscordStandIn, tmp_path: Path
) -> None:
    bot = BotProcess(discord, tmp_path)
    channel = await digest_then_correction(discord, bot)
    await killed_while_sending(discord, bot, channel, stored=False)
    assert notices(bot, channel) == []

    await restart(bot, channel)


async def test_killed_after_the_notice_landed_finds_it_and_does_not_post_again(
    discord: DiscordStandIn, tmp_path: Path
) -> None:
    bot = BotProcess(discord, tmp_path)
    channel = await digest_then_correction(discord, bot)
    await killed_while_sending(discord, bot, channel, stored=True)
    [landed] = notices(bot, channel)
    sends = discord.message_requests(channel)

    await restart(bot, channel)

    assert notices(bot, channel) == [landed]
    assert discord.message_requests(channel) == sends, "found by its marker, not sent again"
