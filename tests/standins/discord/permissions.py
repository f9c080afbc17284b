"""Discord's permission bits and its channel-permission algorithm.

The computation follows Discord's documented order: the @everyone role, then the member's
roles OR-ed in, ADMINISTRATOR short-circuits everything, then channel overwrites are applied
@everyone first, then all role overwrites together, then the member's own overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

#: Every permission bit Discord defines today (used when ADMINISTRATOR grants "everything").
ALL_PERMISSIONS = (1 << 51) - 1

#: What a fresh guild's @everyone role can do (close to Discord's defaults).
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

#: What the stand-in's bot role grants unless a test says otherwise.
DEFAULT_BOT = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY

# Overwrite target types, as Discord encodes them.
OVERWRITE_ROLE = 0
OVERWRITE_MEMBER = 1


class OverwriteLike(Protocol):
    """What the algorithm needs from a channel overwrite."""

    id: int
    type: int
    allow: int
    deny: int


def base_permissions(
    *,
    guild_id: int,
    owner_id: int | None,
    member_id: int,
    member_role_ids: Iterable[int],
    role_permissions: Mapping[int, int],
) -> int:
    """Guild-level permissions of a member: @everyone OR the member's roles.

    ``role_permissions`` maps role id → permission bits and must contain the @everyone role,
    whose id equals the guild id. The owner and ADMINISTRATOR holders get everything.
    """
    if owner_id is not None and member_id == owner_id:
        return ALL_PERMISSIONS
    perms = role_permissions.get(guild_id, 0)
    for role_id in member_role_ids:
        perms |= role_permissions.get(role_id, 0)
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def apply_overwrites(
    base: int,
    *,
    guild_id: int,
    member_id: int,
    member_role_ids: Iterable[int],
    overwrites: Iterable[OverwriteLike],
) -> int:
    """Apply a channel's overwrites to guild-level ``base`` permissions, in Discord's order."""
    if base & ADMINISTRATOR:
        return ALL_PERMISSIONS
    by_id = {ow.id: ow for ow in overwrites}
    perms = base
    everyone = by_id.get(guild_id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    # Role overwrites are combined first, so one role's allow beats another role's deny.
    allow = deny = 0
    for role_id in member_role_ids:
        ow = by_id.get(role_id)
        if ow is not None and ow.type == OVERWRITE_ROLE:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = by_id.get(member_id)
    if own is not None and own.type == OVERWRITE_MEMBER:
        perms = (perms & ~own.deny) | own.allow
    # Without VIEW_CHANNEL a member can do nothing in the channel (Discord's implicit deny).
    if not perms & VIEW_CHANNEL:
        return 0
    return perms


def has(perms: int, *needed: int) -> bool:
    """Whether ``perms`` holds every bit in ``needed``."""
    return all(perms & bit == bit for bit in needed)
