"""Who may edit: members with Manage Server, or with a role the server named as editors.

Checked at run time as well as declared with ``default_member_permissions``, because server
admins can re-grant any command to anyone in Discord's integration settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


class EditorRoles(Protocol):
    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]: ...


class NotAnEditor(app_commands.CheckFailure):
    """Raised for readers trying an editor command."""


def can_edit(member: discord.Member, editor_role_ids: list[str]) -> bool:
    if member.guild_permissions.manage_guild:
        return True
    return any(str(role.id) in editor_role_ids for role in member.roles)


async def ensure_editor(interaction: discord.Interaction, roles: EditorRoles) -> None:
    """Raise unless the interaction's user may edit in its server, as of now.

    Runs for the command and again when its form or confirm button is submitted, so a role
    removed in between is refused too.
    """
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    ids = await roles.editor_role_ids("discord", str(interaction.guild.id))
    if not can_edit(interaction.user, ids):
        raise NotAnEditor(
            "Only editors can do that: members with Manage Server or an editor role "
            "(set with /brief-admin editors add)."
        )


def editors_only(roles: Callable[[discord.Interaction], EditorRoles]) -> Callable[[T], T]:
    """An app-command check: only editors, only in servers."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await ensure_editor(interaction, roles(interaction))
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check
