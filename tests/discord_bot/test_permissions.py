"""Who may do what: readers are refused every editor command, DMs get sensible answers."""

from __future__ import annotations

from typing import Any

from tests.discord_bot.conftest import SEEDED, BotWorld
from tests.discord_bot.helpers import ADD_OPTIONS
from tests.factories import brief_file

SHELLS = "north-korean-shells-and-missiles-for-russia"
EDITOR_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("brief-admin add", ADD_OPTIONS),
    ("brief-admin edit", {"entry": SHELLS}),
    ("brief-admin delete", {"entry": SHELLS}),
    ("brief-admin restore", {"entry": SHELLS}),
    ("brief-admin history", {"entry": SHELLS}),
    ("brief-admin import", {"file": ("new.md", brief_file("sneaky-import", "Sneaky"))}),
    ("brief-admin editors add", {"role": None}),
    ("brief-admin editors remove", {"role": None}),
    ("brief-admin feeds add", {"url": "https://news.example/feed.xml"}),
    ("brief-admin feeds list", {}),
    ("brief-admin feeds pause", {"feed": "1"}),
    ("brief-admin feeds remove", {"feed": "1"}),
    ("brief-admin suggest", {"url": "https://news.example/article"}),
    ("brief-admin queue", {}),
]


async def test_a_reader_is_refused_every_editor_command_and_nothing_changes(
    world: BotWorld,
) -> None:
    s = world.server
    desk = s.guild.add_role("Desk")
    await world.discord.flush()
    await world.bot.deps.servers.add_editor_role("discord", str(s.guild.id), str(desk.id))
    before = await world.snapshot()

    for command, options in EDITOR_COMMANDS:
        options = {k: (desk if k == "role" else v) for k, v in options.items()}
        reply = await world.run(s.reader, command, **options)
        assert reply.ephemeral, command
        assert reply.modal is None, command
        assert reply.content.startswith("Only editors can do that"), (command, reply.content)

    assert await world.snapshot() == before
    assert len(before) == SEEDED
    assert await world.bot.deps.servers.editor_role_ids("discord", str(s.guild.id)) == [
        str(desk.id)
    ]


async def test_editor_commands_are_declared_for_manage_server_and_servers_only(
    world: BotWorld,
) -> None:
    admin = world.discord.command_definition(world.server.guild, "brief-admin")
    assert admin["guild_id"] == str(world.server.guild.id)  # the newsroom's own command
    assert str(admin["default_member_permissions"]) == str(1 << 5)  # Manage Server
    reader = world.discord.command_definition(None, "brief")
    assert reader.get("default_member_permissions") is None
    assert sorted(reader["contexts"]) == [0, 1, 2]


async def test_reader_commands_work_in_dms(world: BotWorld) -> None:
    someone = world.discord.add_user("dm-user")
    latest = await world.discord.run_command(None, someone, "brief latest", count=2)
    assert len(latest.embeds) == 2
    shown = await world.discord.run_command(None, someone, "brief show", entry=SHELLS)
    assert shown.embed["title"].startswith("North Korea has shipped")
    found = await world.discord.run_command(None, someone, "brief search", query="Zinoviev")
    assert "**Zinoviev**" in found.embed["fields"][0]["value"]
    figures = await world.discord.run_command(None, someone, "brief figures")
    assert figures.embed["title"] == "Key figures"
