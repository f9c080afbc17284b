"""A local stand-in for Discord (gateway + REST on 127.0.0.1) for the unmodified discord.py.

Typical use (the ``discord`` fixture yields a started :class:`DiscordStandIn`)::

    guild = discord.add_guild("Test Server")
    channel = guild.add_text_channel("briefing")
    alice = guild.add_member("alice")
    async with running_bot(make_bot(), discord):
        reply = await discord.run_command(guild, alice, "brief latest", channel=channel)
"""

from . import permissions
from .actions import CommandNotSynced, NoReply
from .faults import Fault, Faults
from .gateway_session import SessionEvent
from .interactions import InteractionRecord, Reply
from .model import Channel, Guild, Member, Message, Role, StoredFile, User
from .permissions import (
    ADMINISTRATOR,
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    USE_APPLICATION_COMMANDS,
    VIEW_CHANNEL,
)
from .runner import running_bot
from .server import DiscordStandIn
from .validation import Violation

__all__ = [
    "ADMINISTRATOR",
    "ATTACH_FILES",
    "EMBED_LINKS",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "MANAGE_ROLES",
    "READ_MESSAGE_HISTORY",
    "SEND_MESSAGES",
    "USE_APPLICATION_COMMANDS",
    "VIEW_CHANNEL",
    "Channel",
    "CommandNotSynced",
    "DiscordStandIn",
    "Fault",
    "Faults",
    "Guild",
    "InteractionRecord",
    "Member",
    "Message",
    "NoReply",
    "Reply",
    "Role",
    "SessionEvent",
    "StoredFile",
    "User",
    "Violation",
    "permissions",
    "running_bot",
]
