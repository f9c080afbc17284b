"""The stand-in's world: users, guilds, roles, channels, members and messages.

Plain dataclasses plus ``to_payload()`` methods that produce the JSON shapes discord.py parses.
A :class:`World` owns everything and allocates snowflakes; guild objects carry a reference to
it so a test can write ``guild.add_text_channel("briefing")`` and, once the bot is connected,
the world tells the gateway (``CHANNEL_CREATE``) through its ``emit`` hook.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import permissions as p

JSON = dict[str, Any]
DISCORD_EPOCH_MS = 1420070400000

TEXT_CHANNEL = 0
DM_CHANNEL = 1
ANNOUNCEMENT_CHANNEL = 5

MESSAGE_FLAG_CROSSPOSTED = 1 << 0
MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7


def iso_now() -> str:
    """The current UTC time in Discord's ISO-8601 format."""
    return dt.datetime.now(dt.UTC).isoformat()


class SnowflakeFactory:
    """Real-looking, increasing snowflakes (discord.py derives ``created_at`` from them)."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


@dataclass(eq=False)
class User:
    """A Discord user account (people and the bot alike)."""

    id: int
    username: str
    bot: bool = False

    def to_payload(self) -> JSON:
        """The user object discord.py expects."""
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(eq=False)
class Role:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int
    position: int = 0

    def to_payload(self) -> JSON:
        """The role object discord.py expects."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> JSON:
        """The overwrite object discord.py expects."""
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Member:
    """A user's membership of one guild."""

    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The member's user id."""
        return self.user.id

    @property
    def name(self) -> str:
        """The member's username."""
        return self.user.username

    def role_ids(self) -> list[int]:
        """Ids of the member's roles (without @everyone)."""
        return [r.id for r in self.roles]

    def guild_permissions(self) -> int:
        """Guild-level permissions (roles only)."""
        return p.base_permissions(
            guild_id=self.guild.id,
            owner_id=self.guild.owner_id,
            member_id=self.id,
            member_role_ids=self.role_ids(),
            role_permissions={r.id: r.permissions for r in self.guild.roles},
        )

    def permissions_in(self, channel: Channel) -> int:
        """Effective permissions in ``channel`` (roles, administrator, then overwrites)."""
        return p.apply_overwrites(
            self.guild_permissions(),
            guild_id=self.guild.id,
            member_id=self.id,
            member_role_ids=self.role_ids(),
            overwrites=channel.overwrites.values(),
        )

    def to_payload(self, *, with_user: bool = True) -> JSON:
        """The guild member object discord.py expects."""
        data: JSON = {
            "roles": [str(r) for r in self.role_ids()],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
        }
        if with_user:
            data["user"] = self.user.to_payload()
        return data


@dataclass(eq=False)
class Channel:
    """A guild text (type 0) or announcement (type 5) channel, or a DM channel (type 1)."""

    id: int
    name: str
    type: int
    guild: Guild | None
    position: int = 0
    topic: str | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipient: User | None = None

    def set_permissions(self, target: Role | Member, *, allow: int = 0, deny: int = 0) -> None:
        """Set the overwrite for a role or member (like Discord's channel settings UI)."""
        kind = p.OVERWRITE_ROLE if isinstance(target, Role) else p.OVERWRITE_MEMBER
        self.overwrites[target.id] = Overwrite(target.id, kind, allow, deny)
        self._changed()

    def remove_permissions(self, target: Role | Member) -> None:
        """Remove the overwrite for a role or member."""
        self.overwrites.pop(target.id, None)
        self._changed()

    def _changed(self) -> None:
        if self.guild is not None:
            self.guild.world.emit("CHANNEL_UPDATE", self.to_payload())

    def to_payload(self) -> JSON:
        """The channel object discord.py expects."""
        if self.type == DM_CHANNEL:
            recipients = [self.recipient.to_payload()] if self.recipient else []
            return {"id": str(self.id), "type": DM_CHANNEL, "recipients": recipients}
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "topic": self.topic,
            "nsfw": False,
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "permission_overwrites": [ow.to_payload() for ow in self.overwrites.values()],
        }
        if self.guild is not None:
            data["guild_id"] = str(self.guild.id)
        return data


@dataclass(eq=False)
class StoredFile:
    """Bytes served by the stand-in at ``/attachments/{id}/{filename}``."""

    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None

    def to_payload(self, base_url: str) -> JSON:
        """The attachment object discord.py expects (its ``url`` points at the stand-in)."""
        url = f"{base_url}/attachments/{self.id}/{self.filename}"
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
            "description": self.description,
        }


@dataclass(eq=False)
class Message:
    """A message as members of the server would see it."""

    id: int
    channel_id: int
    author: User
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[StoredFile] = field(default_factory=list)
    nonce: str | int | None = None
    flags: int = 0
    guild_id: int | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    extra: JSON = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user can see the message."""
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    def to_payload(self, base_url: str) -> JSON:
        """The message object discord.py expects."""
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": [a.to_payload(base_url) for a in self.attachments],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "type": 20 if self.interaction_id else 0,
            "flags": self.flags,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
        }
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        data.update(self.extra)
        return data


class Guild:
    """A Discord server that a test declares: roles, channels and members."""

    def __init__(self, world: World, guild_id: int, name: str) -> None:
        self.world = world
        self.id = guild_id
        self.name = name
        self.owner_id: int | None = None
        self.everyone = Role(guild_id, "@everyone", p.DEFAULT_EVERYONE, 0)
        self.roles: list[Role] = [self.everyone]
        self.channels: list[Channel] = []
        self.members: list[Member] = []
        self.bot_role = Role(world.new_id(), world.bot_user.username, world.bot_permissions, 1)
        self.roles.append(self.bot_role)
        self.bot_member = Member(world.bot_user, self, [self.bot_role])
        self.members.append(self.bot_member)

    def __repr__(self) -> str:
        return f"<Guild {self.name!r} id={self.id}>"

    def add_role(self, name: str, *, permissions: int = 0) -> Role:
        """Create a role with the given permission bits."""
        role = Role(self.world.new_id(), name, permissions, len(self.roles))
        self.roles.append(role)
        self.world.emit("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.to_payload()})
        return role

    def _add_channel(self, name: str, kind: int, topic: str | None) -> Channel:
        channel = Channel(self.world.new_id(), name, kind, self, len(self.channels), topic)
        self.channels.append(channel)
        self.world.channels[channel.id] = channel
        self.world.emit("CHANNEL_CREATE", channel.to_payload())
        return channel

    def add_text_channel(self, name: str, *, topic: str | None = None) -> Channel:
        """Create a text channel (type 0)."""
        return self._add_channel(name, TEXT_CHANNEL, topic)

    def add_announcement_channel(self, name: str, *, topic: str | None = None) -> Channel:
        """Create an announcement channel (type 5), whose messages can be crossposted."""
        return self._add_channel(name, ANNOUNCEMENT_CHANNEL, topic)

    def add_member(
        self,
        name: str,
        *,
        roles: Iterable[Role] = (),
        permissions: int | None = None,
        owner: bool = False,
    ) -> Member:
        """Add a member; ``permissions`` gives them a personal role holding those bits."""
        user = User(self.world.new_id(), name)
        member_roles = list(roles)
        if permissions is not None:
            member_roles.append(self.add_role(f"{name}-permissions", permissions=permissions))
        member = Member(user, self, member_roles)
        self.members.append(member)
        if owner:
            self.owner_id = user.id
        payload = member.to_payload()
        payload["guild_id"] = str(self.id)
        self.world.emit("GUILD_MEMBER_ADD", payload)
        return member

    def set_bot_permissions(self, permissions: int) -> None:
        """Change what the bot's own role allows in this guild."""
        self.bot_role.permissions = permissions
        self.world.emit(
            "GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": self.bot_role.to_payload()}
        )

    def channel(self, name: str) -> Channel:
        """Find a channel by name."""
        for ch in self.channels:
            if ch.name == name:
                return ch
        raise KeyError(name)

    def member(self, member_id: int) -> Member | None:
        """Find a member by user id."""
        return next((m for m in self.members if m.id == member_id), None)

    def to_payload(self) -> JSON:
        """The GUILD_CREATE payload; ``member_count`` equals ``len(members)`` (see notes)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id or 0),
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "features": [],
            "roles": [r.to_payload() for r in self.roles],
            "channels": [c.to_payload() for c in self.channels],
            "members": [m.to_payload() for m in self.members],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "system_channel_id": None,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
        }


class World:
    """All state the stand-in serves; ``emit`` is set by the server to reach the gateway."""

    def __init__(self, *, bot_name: str, bot_permissions: int) -> None:
        self.new_id = SnowflakeFactory()
        self.application_id = self.new_id()
        self.bot_user = User(self.application_id, bot_name, bot=True)
        self.bot_permissions = bot_permissions
        self.guilds: list[Guild] = []
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, list[Message]] = {}
        self.files: dict[int, StoredFile] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.emit: Callable[[str, JSON], None] = lambda event, data: None

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> Guild:
        """Create a guild (the bot is a member); dispatches GUILD_CREATE if already connected.

        ``shard=(shard_id, shard_count)`` picks an id that Discord's formula puts on that
        shard (ids made in one burst would otherwise share a millisecond, so one shard).
        """
        guild_id = self.new_id()
        if shard is not None:
            shard_id, count = shard
            stamp = guild_id >> 22
            stamp += (shard_id - stamp) % count  # a few ms later: same guild, chosen shard
            guild_id = (stamp << 22) | (guild_id & 0x3FFFFF)
        guild = Guild(self, guild_id, name)
        self.guilds.append(guild)
        self.emit("GUILD_CREATE", guild.to_payload())
        return guild

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and ``user``."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.new_id(), "", DM_CHANNEL, None, recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def store_file(self, filename: str, data: bytes, content_type: str | None = None) -> StoredFile:
        """Keep bytes to serve at a local attachment URL."""
        stored = StoredFile(
            self.new_id(), filename, data, content_type or "application/octet-stream"
        )
        self.files[stored.id] = stored
        return stored
