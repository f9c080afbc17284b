"""One error handler for every command, button and modal.

Mistakes users can fix (bad input, missing permission, unknown entry) are answered plainly
and privately; anything unexpected is logged with context and an error id the user sees.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.adapters.discord.checks import EDITOR_GROUP, OutsideNewsroom, ensure_newsroom
from bot.domain import errors
from bot.domain.cooldowns import slow_down
from bot.domain.newsroom import Newsroom

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # the 3 s to answer have passed: nobody can be answered now
MAX_MESSAGE = 2000

# The domain's user error, under the name the cogs raise it by.
UserFacingError = errors.UserError


async def answer_privately(interaction: discord.Interaction, text: str) -> None:
    """Send ``text`` as an ephemeral answer, whether or not the interaction was answered."""
    text = text[:MAX_MESSAGE]
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


def describe(error: BaseException) -> str | None:
    """The message for a user error, or None when the error is unexpected.

    discord.py's own refusals (no DMs, stale command, cooldown, failed check) are worded
    here; every other error is worded once for all platforms by the domain.
    """
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, errors.UserError):
        return errors.describe(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CommandNotFound):
        return "That command has changed; Discord shows the new version within a minute."
    if isinstance(error, app_commands.CommandOnCooldown):  # a CheckFailure: ask it first
        return slow_down(error.retry_after)
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or errors.NOT_ALLOWED
    return None


def refused_by_discord(error: BaseException) -> discord.HTTPException | None:
    """The HTTP error if Discord itself refused what the bot sent (5xx, 429, expired token).

    Not our bug: no error id, and the user is told to try again (if they can be told).
    """
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.__cause__ or error
    if isinstance(error, discord.HTTPException) and (
        error.status >= 500 or error.status == 429 or error.code == UNKNOWN_INTERACTION
    ):
        return error
    return None


async def handle(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer the user for ``error`` and log what needs logging."""
    refused = refused_by_discord(error)
    if refused is not None:
        log.warning(
            "Discord refused the answer to interaction %s (%s %s)",
            interaction.id,
            refused.status,
            refused.code or refused.text[:80],
        )
        if refused.code == UNKNOWN_INTERACTION:
            return
        message: str | None = (
            f"Discord did not take the answer (HTTP {refused.status}); "
            "please run the command again."
        )
    else:
        message = describe(error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else "component"
        where = f"{command} (guild {interaction.guild_id}, user {interaction.user.id})"
        message = errors.unexpected(error, where, log)
    try:
        await answer_privately(interaction, message)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in interaction %s", interaction.id)


class ErrorHandlingTree(app_commands.CommandTree[discord.Client]):
    """The command tree with our single error handler."""

    # Set by the bot: where editor commands exist, to refuse stale registrations elsewhere.
    newsroom = Newsroom(None)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound) and error.name == EDITOR_GROUP:
            # An old registration (global, or copied to another guild) still shows it here.
            try:
                ensure_newsroom(interaction, self.newsroom)
            except OutsideNewsroom as refused:
                error = refused
        await handle(interaction, error)
