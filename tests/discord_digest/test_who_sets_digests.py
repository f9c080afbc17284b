"""Digests stay per server: each server's own Manage Server members, no newsroom needed,
and only into a channel the person could post in themselves."""

from __future__ import annotations

from tests.discord_digest.conftest import PLATFORM, DigestWorld
from tests.standins.discord import MANAGE_GUILD, SEND_MESSAGES


async def test_setup_into_a_channel_the_member_cannot_send_in_is_refused(
    dw: DigestWorld,
) -> None:
    # A read-only announcements channel: the bot may post there, members may not.
    announcements = dw.guild.add_text_channel("announcements")
    announcements.set_permissions(dw.guild.everyone, deny=SEND_MESSAGES)
    announcements.set_permissions(dw.guild.bot_role, allow=SEND_MESSAGES)
    await dw.discord.flush()

    reply = await dw.setup(channel=announcements)

    assert reply.ephemeral
    assert reply.content.startswith(f"You can't send messages in <#{announcements.id}>")
    assert await dw.schedule() is None
    assert await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid) is None


async def test_an_editor_role_is_not_enough_to_change_the_digest(dw: DigestWorld) -> None:
    desk = dw.guild.add_role("Desk")
    editor = dw.guild.add_member("desk-editor", roles=[desk])
    await dw.discord.flush()
    await dw.bot.deps.servers.add_editor_role(PLATFORM, dw.gid, str(desk.id))

    reply = await dw.run(
        editor,
        "digest setup",
        options={"channel": dw.channel, "time": "08:00", "timezone": "Asia/Seoul"},
    )

    assert reply.content == "Only members with Manage Server can manage this server's digest."
    assert await dw.schedule() is None


async def test_any_servers_own_admin_runs_its_digest_without_a_newsroom(dw: DigestWorld) -> None:
    other = dw.discord.add_guild("Anyone's server")
    news = other.add_text_channel("news")
    owner = other.add_member("their-admin", permissions=MANAGE_GUILD)
    await dw.discord.flush()

    reply = await dw.discord.run_command(
        other,
        owner,
        "digest setup",
        channel=news,
        options={"channel": news, "time": "08:00", "timezone": "Asia/Seoul"},
    )
    off = await dw.discord.run_command(other, owner, "digest off", channel=news)

    assert reply.content.startswith(f"Daily digest set: <#{news.id}> at 08:00 Asia/Seoul")
    assert off.content == "The daily digest is off."
    assert await dw.schedule() is None, "the first server's digest is untouched"
