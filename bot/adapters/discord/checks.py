"""Who may edit: in the newsroom guild only, members with Manage Server or an editor role.

Checked at run time as well as declared with ``default_member_permissions`` and registered
in the newsroom guild only, because server admins can re-grant any command to anyone in
Discord's integration settings and old registrations (global, or copied to another guild)
can outlive an upgrade.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

import discord
from discord import app_commands

from bot.domain import errors
from bot.domain.newsroom import Newsroom
from bot.usecases.editor_access import EditorAccess

T = TypeVar("T")

# The top-level editor command group: registered in the newsroom guild only.
EDITOR_GROUP = "brief-admin"
ONLY_MANAGERS = "Only members with Manage Server can manage this server's digest."


class HasEditorAccess(Protocol):
    """What the editor check is handed (the adapter's dependencies)."""

    @property
    def editor_access(self) -> EditorAccess: ...


class NotAnEditor(app_commands.CheckFailure, errors.NotAllowed):
    """Raised for readers trying an editor command."""


class OutsideNewsroom(app_commands.CheckFailure, errors.OutsideNewsroom):
    """Raised for an editor command anywhere but the newsroom guild."""


class NotAManager(app_commands.CheckFailure, errors.NotAllowed):
    """Raised for members without Manage Server trying a server-admin command."""


def ensure_newsroom(interaction: discord.Interaction, newsroom: Newsroom) -> None:
    """Raise unless the interaction comes from the newsroom guild (a DM never does)."""
    guild_id = str(interaction.guild_id) if interaction.guild_id is not None else None
    if (refusal := newsroom.refusal(guild_id)) is not None:
        raise OutsideNewsroom(refusal)


async def ensure_editor(interaction: discord.Interaction, deps: HasEditorAccess) -> None:
    """Raise unless the interaction's user may edit, as of now.

    Runs for the command and again when its form or confirm button is submitted, so a role
    removed in between is refused too.
    """
    access = deps.editor_access
    ensure_newsroom(interaction, access.newsroom)
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        raise app_commands.NoPrivateMessage()
    roles = {str(role.id) for role in member.roles}

    async def member_of(role_id: str) -> bool:
        return role_id in roles

    admin = member.guild_permissions.manage_guild
    if not await access.is_editor(str(interaction.guild.id), admin=admin, member_of=member_of):
        raise NotAnEditor(
            "Only editors can do that: members with Manage Server or an editor role "
            "(set with /brief-admin editors add)."
        )


def ensure_manager(interaction: discord.Interaction, refusal: str = ONLY_MANAGERS) -> None:
    """Raise unless the user has Manage Server in this guild (editor roles do not count)."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    if not interaction.user.guild_permissions.manage_guild:
        raise NotAManager(refusal)


def editors_only(access: Callable[[discord.Interaction], HasEditorAccess]) -> Callable[[T], T]:
    """An app-command check: only editors, only in the newsroom guild."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await ensure_editor(interaction, access(interaction))
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check


def managers_only() -> Callable[[T], T]:
    """An app-command check: only this server's members with Manage Server."""

    async def predicate(interaction: discord.Interaction) -> bool:
        ensure_manager(interaction)
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check
