"""The unmodified discord.py client logs in, syncs and answers commands through the stand-in."""

from __future__ import annotations

import time

import discord as discordpy

from tests.standins.discord import MANAGE_GUILD, DiscordStandIn

from .conftest import World


async def test_start_and_stop_are_fast() -> None:
    started = time.perf_counter()
    async with DiscordStandIn() as standin:
        assert standin.api_base_url.startswith("http://127.0.0.1:")
        assert standin.gateway_url.startswith("ws://127.0.0.1:")
    assert time.perf_counter() - started < 1.0


async def test_login_sync_and_latest(discord: DiscordStandIn, world: World) -> None:
    assert world.bot.is_ready()
    assert world.bot.get_guild(world.guild.id) is not None
    assert [c["name"] for c in discord.commands[None]] == ["brief"]
    reply = await discord.run_command(
        world.guild, world.alice, "brief latest", channel=world.channel
    )
    assert reply.embed["title"] == "Latest briefing"
    assert reply.embed["fields"][0]["value"] == "NIS"
    assert [b["label"] for b in reply.buttons] == ["Next"]
    assert not reply.ephemeral
    assert discord.messages(world.channel)[0].embeds[0]["title"] == "Latest briefing"


async def test_defer_then_edit_and_typed_options(discord: DiscordStandIn, world: World) -> None:
    reply = await discord.run_command(
        world.guild, world.alice, "brief search", query="troops", limit=3
    )
    assert reply.embed["title"] == "Results for troops"
    assert reply.embed["description"] == "limit 3"


async def test_click_next(discord: DiscordStandIn, world: World) -> None:
    reply = await discord.run_command(world.guild, world.alice, "brief latest")
    after = await discord.click(reply, "Next")
    assert after.content == "Page 2"
    assert (await discord.click(after, "Next")).content == "Page 3"


async def test_modal(discord: DiscordStandIn, world: World) -> None:
    reply = await discord.run_command(world.guild, world.alice, "brief feedback")
    assert reply.modal is not None and reply.modal["title"] == "Feedback"
    done = await discord.submit_modal(reply, {"Subject": "typo", "details": "in entry 3"})
    assert done.content == "Thanks: typo / in entry 3"
    assert done.ephemeral


async def test_autocomplete(discord: DiscordStandIn, world: World) -> None:
    choices = await discord.autocomplete(
        world.guild, world.alice, "brief show", focused="entry", value="nis"
    )
    assert [c["value"] for c in choices] == ["nis-report-2024", "nis-briefing-2025"]


async def test_attachment_option_is_downloadable(discord: DiscordStandIn, world: World) -> None:
    upload = discord.upload("entries.yaml", b"title: hello\n")
    reply = await discord.run_command(world.guild, world.alice, "brief import", file=upload)
    assert reply.content == "entries.yaml: 13 bytes b'title'"


async def test_channel_role_boolean_options_and_permissions(
    discord: DiscordStandIn, world: World
) -> None:
    editors = world.guild.add_role("Editors")
    admin = world.guild.add_member("admin", permissions=MANAGE_GUILD)
    reply = await discord.run_command(
        world.guild, admin, "brief post", channel=world.channel, role=editors, loud=True
    )
    assert reply.content == "to briefing for Editors loud=True manage_guild=True"
    reply = await discord.run_command(world.guild, world.alice, "brief post", channel=world.channel)
    assert reply.content == "to briefing for nobody loud=False manage_guild=False"


async def test_subcommand_group_and_dm(discord: DiscordStandIn, world: World) -> None:
    reply = await discord.run_command(world.guild, world.alice, "brief admin status")
    assert reply.content == "all good"
    dm = await discord.run_command(None, world.alice, "brief latest")
    assert dm.embed["title"] == "Latest briefing"


async def test_channel_send_history_and_crosspost(discord: DiscordStandIn, world: World) -> None:
    news = world.guild.add_announcement_channel("news")
    await discord.flush()  # CHANNEL_CREATE reached the client
    channel = world.bot.get_channel(news.id)
    assert isinstance(channel, discordpy.TextChannel) and channel.is_news()
    sent = [await channel.send(f"m{i}") for i in range(5)]
    await sent[-1].publish()
    assert discord.messages(news)[-1].flags & 1
    newest = [m.content async for m in channel.history(limit=3)]
    assert newest == ["m4", "m3", "m2"]
    after = [m.content async for m in channel.history(after=sent[1], limit=2)]
    assert after == ["m2", "m3"]
    before = [m.content async for m in channel.history(before=sent[2])]
    assert before == ["m1", "m0"]
    await sent[0].edit(content="edited")
    await sent[1].delete()
    assert [m.content for m in discord.messages(news)] == ["edited", "m2", "m3", "m4"]
    file_msg = await channel.send("with file", file=discordpy.File(__file__, filename="t.py"))
    assert file_msg.attachments[0].filename == "t.py"
    assert (await file_msg.attachments[0].read()).startswith(b'"""')
