"""One newsroom owns the briefing: a second server's admin cannot touch the shared record.

Anyone can create a server and invite the bot, so every editor command is tried from
there (through a registration an older deployment left behind, since the current one
registers ``/brief-admin`` in the newsroom only), from a DM, and with no newsroom at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.app import App
from bot.cli import main
from bot.clock import FixedClock
from bot.domain.newsroom import NO_NEWSROOM, OUTSIDE_NEWSROOM
from tests.discord_bot.conftest import BotWorld, make_deps
from tests.discord_bot.test_permissions import EDITOR_COMMANDS, SHELLS
from tests.factories import brief_file
from tests.standins.discord import MANAGE_GUILD, DiscordStandIn, Guild, Member, Role, running_bot

ADMIN_GROUP = "brief-admin"
JSON = dict[str, Any]


def synced_names(discord: DiscordStandIn, guild: Guild | None) -> set[str]:
    return {c["name"] for c in discord.commands.get(guild.id if guild else None, [])}


def bot(app: App, clock: FixedClock, newsroom: Guild | None = None) -> BriefingBot:
    return BriefingBot(make_deps(app, clock, newsroom=newsroom), guild_ready_timeout=0.1)


def leave_stale_registration(
    discord: DiscordStandIn, definition: JSON, where: Guild | None
) -> None:
    """What an older deployment left: ``/brief-admin`` registered globally (``where`` None)
    or copied to another guild with ``briefbot sync-commands --guild``."""
    stale = {k: v for k, v in definition.items() if k != "guild_id"}
    if where is not None:
        stale["guild_id"] = str(where.id)
    discord.commands.setdefault(where.id if where else None, []).append(stale)


@dataclass
class Elsewhere:
    """A second server: its own admin (Manage Server) and its own would-be editor role."""

    guild: Guild
    admin: Member
    role: Role


async def second_server(discord: DiscordStandIn) -> Elsewhere:
    guild = discord.add_guild("Anyone's server")
    guild.add_text_channel("general")
    elsewhere = Elsewhere(
        guild, guild.add_member("other-admin", permissions=MANAGE_GUILD), guild.add_role("Fakes")
    )
    await discord.flush()
    return elsewhere


async def try_every_editor_command(
    discord: DiscordStandIn, guild: Guild | None, who: Member | Any, role: Role, expected: str
) -> None:
    for command, options in EDITOR_COMMANDS:
        options = {k: (role if k == "role" else v) for k, v in options.items()}
        reply = await discord.run_command(guild, who, command, **options)
        assert reply.ephemeral, command
        assert reply.modal is None, command
        assert reply.embeds == [], command  # e.g. no history with other servers' editors
        assert reply.content == expected, (command, reply.content)


def test_the_refusal_names_where_editing_happens() -> None:
    assert OUTSIDE_NEWSROOM == "Editing happens only in the newsroom server; ask its editors."


async def test_editor_commands_are_synced_to_the_newsroom_only(world: BotWorld) -> None:
    newsroom = world.server.guild
    assert ADMIN_GROUP not in synced_names(world.discord, None)
    assert {"brief", "digest"} <= synced_names(world.discord, None)
    assert synced_names(world.discord, newsroom) == {ADMIN_GROUP}
    other = await second_server(world.discord)
    assert synced_names(world.discord, other.guild) == set()


async def test_sync_commands_to_a_test_server_never_copies_the_editor_commands(
    world: BotWorld,
) -> None:
    """``briefbot sync-commands --guild ID``: readers' and digest commands appear there at once;
    the editor commands stay in the newsroom."""
    other = await second_server(world.discord)
    await world.bot.sync_commands(other.guild.id)
    assert synced_names(world.discord, other.guild) == {"brief", "digest"}
    assert synced_names(world.discord, world.server.guild) == {ADMIN_GROUP}


@pytest.mark.parametrize("registered", ["in the other guild", "globally"])
async def test_a_second_servers_admin_is_refused_every_editor_command(
    world: BotWorld, registered: str
) -> None:
    discord, newsroom = world.discord, world.server.guild
    other = await second_server(discord)
    definition = world.discord.command_definition(newsroom, ADMIN_GROUP)
    leave_stale_registration(discord, definition, other.guild if "other" in registered else None)
    desk = newsroom.add_role("Desk")
    await discord.flush()
    await world.bot.deps.servers.add_editor_role("discord", str(newsroom.id), str(desk.id))
    before = await world.snapshot()

    await try_every_editor_command(discord, other.guild, other.admin, other.role, OUTSIDE_NEWSROOM)

    assert await world.snapshot() == before
    servers = world.bot.deps.servers
    assert await servers.editor_role_ids("discord", str(other.guild.id)) == []
    assert await servers.editor_role_ids("discord", str(newsroom.id)) == [str(desk.id)]


async def test_editor_commands_in_a_dm_are_refused(world: BotWorld) -> None:
    discord = world.discord
    definition = discord.command_definition(world.server.guild, ADMIN_GROUP)
    leave_stale_registration(discord, definition, None)
    before = await world.snapshot()
    someone = discord.add_user("dm-user")
    role = world.server.guild.add_role("Anything")

    await try_every_editor_command(discord, None, someone, role, OUTSIDE_NEWSROOM)

    assert await world.snapshot() == before


async def test_an_editor_role_holder_cannot_change_who_edits(world: BotWorld) -> None:
    s = world.server
    desk, sneaky = s.guild.add_role("Desk"), s.guild.add_role("Sneaky")
    editor = s.guild.add_member("desk-editor", roles=[desk])
    await world.discord.flush()
    await world.run(s.admin, "brief-admin editors add", role=desk)

    added = await world.run(editor, "brief-admin editors add", role=sneaky)
    removed = await world.run(editor, "brief-admin editors remove", role=desk)

    for reply in (added, removed):
        assert reply.ephemeral
        assert reply.content == "Only members with Manage Server can change who edits."
    roles = await world.bot.deps.servers.editor_role_ids("discord", str(s.guild.id))
    assert roles == [str(desk.id)]
    # Still an editor for the record itself.
    history = await world.run(editor, "brief-admin history", entry=SHELLS)
    assert history.embeds


# -- no newsroom configured ---------------------------------------------------------------


@pytest.fixture
async def no_newsroom(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> AsyncIterator[tuple[Guild, JSON]]:
    """An older deployment registered ``/brief-admin`` globally; the upgraded bot runs with
    no newsroom set. Yields the server and that old definition."""
    guild = discord.add_guild("Analysts")
    guild.add_text_channel("briefing")
    async with running_bot(bot(app, clock, guild), discord):
        definition = dict(discord.command_definition(guild, ADMIN_GROUP))
    async with running_bot(bot(app, clock), discord):
        yield guild, definition


async def test_without_a_newsroom_nobody_edits_through_chat(
    discord: DiscordStandIn, app: App, no_newsroom: tuple[Guild, JSON]
) -> None:
    guild, definition = no_newsroom
    assert all(ADMIN_GROUP not in {c["name"] for c in cmds} for cmds in discord.commands.values())
    owner = guild.add_member("owner", permissions=MANAGE_GUILD)
    await discord.flush()
    leave_stale_registration(discord, definition, None)
    before = await app.service.entries(include_deleted=True)

    await try_every_editor_command(discord, guild, owner, guild.add_role("R"), NO_NEWSROOM)
    dm = discord.add_user("dm-user")
    await try_every_editor_command(discord, None, dm, guild.add_role("R2"), NO_NEWSROOM)

    assert await app.service.entries(include_deleted=True) == before


def test_without_a_newsroom_the_host_still_imports_with_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFBOT_DB", str(tmp_path / "bot.sqlite3"))
    monkeypatch.delenv("BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID", raising=False)
    file = tmp_path / "host.md"
    file.write_bytes(brief_file("host-import", "Imported on the host"))

    assert main(["import", str(file)]) == 0
    assert capsys.readouterr().out == "Imported 1 new, 0 updated, 0 unchanged.\n"


# -- moving the newsroom ------------------------------------------------------------------


async def test_a_new_newsroom_id_syncs_again_and_clears_the_old_one(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> None:
    old, new = discord.add_guild("Old newsroom"), discord.add_guild("New newsroom")
    async with running_bot(bot(app, clock, old), discord):
        assert synced_names(discord, old) == {ADMIN_GROUP}
    async with running_bot(bot(app, clock, new), discord):
        assert synced_names(discord, new) == {ADMIN_GROUP}
        assert synced_names(discord, old) == set()
        assert ADMIN_GROUP not in synced_names(discord, None)


async def test_a_newsroom_the_bot_is_not_in_leaves_the_readers_working(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> None:
    guild = discord.add_guild("Readers")
    channel = guild.add_text_channel("general")
    reader = guild.add_member("reader")
    discord.faults.add(
        "PUT /applications/{application_id}/guilds/{guild_id}/commands",
        status=403,
        code=50001,
        message="Missing Access",
    )
    wrong = discord.add_guild("Not really the newsroom")
    async with running_bot(bot(app, clock, wrong), discord):
        reply = await discord.run_command(guild, reader, "brief latest", channel=channel, count=1)
        assert len(reply.embeds) == 1
        assert synced_names(discord, wrong) == set()
    async with running_bot(bot(app, clock, wrong), discord):
        assert synced_names(discord, wrong) == {ADMIN_GROUP}, "tried again on the next start"
