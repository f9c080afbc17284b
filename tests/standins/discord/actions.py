"""The test API that reads like a user's actions: run a command, click, select, submit a modal.

Interactions are built from the commands the bot synced (so option types, subcommand groups
and resolved data match what Discord would send), dispatched over the gateway, and the call
returns once the user would see an answer: the callback message, the edit of a deferred
response, a followup, a modal, or autocomplete choices.
"""

# ruff: noqa: ASYNC109 -- a test API: callers pass per-call timeouts, the waits apply them.

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from . import interactions as ix
from . import permissions as p
from .gateway import Gateway
from .interactions import InteractionRecord, Interactions, Reply
from .model import Channel, Guild, Member, Message, Role, StoredFile, User, World

JSON = dict[str, Any]

OPT_SUB_COMMAND, OPT_GROUP, OPT_STRING, OPT_INTEGER, OPT_BOOLEAN = 1, 2, 3, 4, 5
OPT_USER, OPT_CHANNEL, OPT_ROLE, OPT_MENTIONABLE, OPT_NUMBER, OPT_ATTACHMENT = 6, 7, 8, 9, 10, 11
DM_APP_PERMISSIONS = (
    p.VIEW_CHANNEL | p.SEND_MESSAGES | p.EMBED_LINKS | p.ATTACH_FILES | p.READ_MESSAGE_HISTORY
)


class CommandNotSynced(AssertionError):
    """The test invoked a command the bot never synced."""


class NoReply(AssertionError):
    """The bot gave no visible answer in time."""


class UserActions:
    """Mixed into :class:`~.server.DiscordStandIn`; needs the attributes declared here."""

    world: World
    gateway: Gateway
    interactions: Interactions
    commands: dict[int | None, list[JSON]]
    reply_timeout: float

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (provided by the server)."""
        raise NotImplementedError

    # --- declaring the world ----------------------------------------------------------------

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> Guild:
        """Create a guild (the bot is in it); after connect this dispatches GUILD_CREATE.

        ``shard=(shard_id, shard_count)``: a guild id on that shard (sharded bots' tests).
        """
        return self.world.add_guild(name, shard=shard)

    def add_user(self, name: str) -> User:
        """A user outside any guild (for DMs)."""
        return User(self.world.new_id(), name)

    def upload(self, filename: str, data: bytes, content_type: str | None = None) -> StoredFile:
        """A file a user attaches to a command (pass it as an attachment option)."""
        return self.world.store_file(filename, data, content_type)

    def messages(self, channel: Channel) -> list[Message]:
        """What members see in ``channel``, oldest first."""
        return list(self.world.messages.get(channel.id, []))

    # --- commands ---------------------------------------------------------------------------

    def command_definition(self, guild: Guild | None, name: str) -> JSON:
        """The synced chat-input command ``name`` (guild commands win over global ones)."""
        scopes = ([guild.id] if guild else []) + [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        synced = {k: [c["name"] for c in v] for k, v in self.commands.items()}
        raise CommandNotSynced(f"command {name!r} was not synced; synced: {synced}")

    def _command_data(
        self,
        guild: Guild | None,
        member: Member | User,
        channel: Channel | None,
        path: str,
        options: dict[str, Any],
        focused: str | None = None,
    ) -> JSON:
        parts = path.split()
        definition = self.command_definition(guild, parts[0])
        resolved: JSON = {}
        leaf_defs: list[JSON] = definition.get("options") or []
        top: list[JSON] = []
        holder = top
        for part in parts[1:]:
            sub = next((o for o in leaf_defs if o["name"] == part), None)
            if sub is None or sub.get("type") not in (OPT_SUB_COMMAND, OPT_GROUP):
                raise CommandNotSynced(f"/{path}: {part!r} is not a subcommand")
            node: JSON = {"type": sub["type"], "name": part, "options": []}
            holder.append(node)
            holder = node["options"]
            leaf_defs = sub.get("options") or []
        known = {o["name"]: o for o in leaf_defs}
        for key, value in options.items():
            if key not in known:
                raise ValueError(f"/{path} has no option {key!r}; it has {sorted(known)}")
            if value is None:
                continue
            opt = known[key]
            entry: JSON = {"type": opt["type"], "name": key}
            if key == focused:
                entry.update(value=str(value), focused=True)
            else:
                entry["value"] = self._option_value(opt["type"], value, channel, resolved)
            holder.append(entry)
        if focused is None:
            missing = [n for n, o in known.items() if o.get("required") and n not in options]
            if missing:
                raise ValueError(f"/{path}: required options missing: {missing}")
        data: JSON = {
            "id": definition["id"],
            "name": definition["name"],
            "type": 1,
            "options": top,
            "resolved": resolved,
        }
        if definition.get("guild_id"):
            data["guild_id"] = definition["guild_id"]  # the tree needs it for guild commands
        return data

    def _option_value(self, kind: int, value: Any, channel: Channel | None, resolved: JSON) -> Any:
        if kind == OPT_STRING:
            return str(value)
        if kind == OPT_INTEGER:
            return int(value)
        if kind == OPT_NUMBER:
            return float(value)
        if kind == OPT_BOOLEAN:
            return bool(value)
        if kind == OPT_CHANNEL:
            assert isinstance(value, Channel), f"channel option needs a Channel, got {value!r}"
            data = value.to_payload()
            perms = value.guild.bot_member.permissions_in(value) if value.guild else 0
            data["permissions"] = str(perms)
            resolved.setdefault("channels", {})[str(value.id)] = data
            return str(value.id)
        if kind in (OPT_ROLE, OPT_MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
            return str(value.id)
        if kind in (OPT_USER, OPT_MENTIONABLE) and isinstance(value, (Member, User)):
            user = value.user if isinstance(value, Member) else value
            resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
            if isinstance(value, Member):
                member_data = value.to_payload(with_user=False)
                if channel is not None:
                    member_data["permissions"] = str(value.permissions_in(channel))
                resolved.setdefault("members", {})[str(user.id)] = member_data
            return str(user.id)
        if kind == OPT_ATTACHMENT:
            if isinstance(value, tuple):
                value = self.upload(*value)
            assert isinstance(value, StoredFile), f"attachment option needs upload(), got {value!r}"
            payload = value.to_payload(self.base_url)
            resolved.setdefault("attachments", {})[str(value.id)] = payload
            return str(value.id)
        raise ValueError(f"cannot convert {value!r} for option type {kind}")

    # --- sending interactions ---------------------------------------------------------------

    def _interaction(
        self,
        kind: int,
        guild: Guild | None,
        member: Member | User,
        channel: Channel | None,
        data: JSON,
        message: Message | None = None,
    ) -> InteractionRecord:
        if self.gateway.session_for(None if guild is None else guild.id) is None:
            raise RuntimeError("no session of the bot hears this guild (not connected?)")
        user = member.user if isinstance(member, Member) else member
        if guild is not None and channel is None:
            channel = next((c for c in guild.channels if c.type in (0, 5)), None)
        if guild is None:
            channel = channel or self.world.dm_channel(user)
        app = self.world.application_id
        payload: JSON = {
            "id": str(self.world.new_id()),
            "type": kind,
            "token": secrets.token_urlsafe(32),
            "version": 1,
            "application_id": str(app),
            "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [],
            "locale": "en-US",
            "data": data,
        }
        if guild is not None:
            assert isinstance(member, Member), "guild interactions need a guild Member"
            assert channel is not None, f"{guild!r} has no channel to run the command in"
            member_data = member.to_payload()
            member_data["permissions"] = str(member.permissions_in(channel))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member_data,
                channel=channel.to_payload(),
                app_permissions=str(guild.bot_member.permissions_in(channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            assert channel is not None
            payload.update(
                user=user.to_payload(),
                channel=channel.to_payload(),
                app_permissions=str(DM_APP_PERMISSIONS),
                authorizing_integration_owners={"0": str(app)},
                context=1,
            )
        if message is not None:
            payload["message"] = message.to_payload(self.base_url)
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=kind,
            payload=payload,
            user=user,
            channel=channel,
            guild=guild,
            member=member if isinstance(member, Member) else None,
            message=message,
        )
        self.interactions.add(record)
        # The deadline runs from the moment Discord hands the interaction to the bot.
        record.sent_at = asyncio.get_running_loop().time()
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    async def wait_reply(self, record: InteractionRecord, timeout: float | None = None) -> Reply:
        """Wait until the user sees an answer to ``record`` and describe it."""
        limit = self.reply_timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(record.final.wait(), limit)
        except TimeoutError:
            raise NoReply(
                f"no visible answer to interaction {record.id} (type {record.type}, "
                f"data {record.payload.get('data')}) within {limit}s; "
                f"callback type {record.callback_type}"
            ) from None
        if record.callback_type == ix.CB_MODAL:
            return Reply(record, modal=record.callback_data)
        if record.callback_type == ix.CB_AUTOCOMPLETE:
            return Reply(record, choices=list((record.callback_data or {}).get("choices") or []))
        return Reply(record, message=record.final_message)

    def start_command(
        self,
        guild: Guild | None,
        member: Member | User,
        name: str,
        *,
        channel: Channel | None = None,
        **options: Any,
    ) -> InteractionRecord:
        """Dispatch ``/name`` without waiting (see :meth:`wait_reply`)."""
        options = self._channel_option(guild, name, channel, options)
        data = self._command_data(guild, member, channel, name, options)
        return self._interaction(ix.APPLICATION_COMMAND, guild, member, channel, data)

    def _channel_option(
        self, guild: Guild | None, name: str, channel: Channel | None, options: dict[str, Any]
    ) -> dict[str, Any]:
        # ``channel=`` says where the command runs; if the command also has an option called
        # "channel" and the test gave no other value for it, the same channel fills it.
        # (Pass ``options={"channel": other}`` to run in one channel and name another.)
        extra = options.pop("options", None) or {}
        options = {**options, **extra}
        if channel is not None and "channel" not in options:
            parts = name.split()
            defs = self.command_definition(guild, parts[0]).get("options") or []
            for part in parts[1:]:
                defs = next((o.get("options") or [] for o in defs if o["name"] == part), [])
            if any(o["name"] == "channel" for o in defs):
                options["channel"] = channel
        return options

    async def run_command(
        self,
        guild: Guild | None,
        member: Member | User,
        name: str,
        *,
        channel: Channel | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> Reply:
        """Invoke ``/name`` (e.g. "brief search") as ``member``; ``guild=None`` means a DM.

        Options are keyword arguments (Channel, Role, Member, ``upload()`` files for the typed
        ones); ``options={...}`` passes names that collide with ``channel``/``timeout``.
        """
        record = self.start_command(guild, member, name, channel=channel, **options)
        return await self.wait_reply(record, timeout)

    async def autocomplete(
        self,
        guild: Guild | None,
        member: Member | User,
        name: str,
        *,
        focused: str,
        value: str,
        channel: Channel | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> list[JSON]:
        """Type ``value`` into option ``focused`` of ``/name``; returns the offered choices."""
        data = self._command_data(
            guild, member, channel, name, {**options, focused: value}, focused=focused
        )
        record = self._interaction(ix.AUTOCOMPLETE, guild, member, channel, data)
        reply = await self.wait_reply(record, timeout)
        assert reply.choices is not None, f"expected autocomplete choices, got {reply!r}"
        return reply.choices

    def _who(self, reply: Reply, member: Member | User | None) -> Member | User:
        if member is not None:
            return member
        rec = reply.record
        return rec.member if rec.member is not None else rec.user

    async def click(
        self,
        reply: Reply,
        label: str,
        *,
        member: Member | User | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Click the button labelled ``label`` (or with that custom_id) on the reply's message."""
        assert reply.message is not None, f"{reply!r} has no message to click on"
        button = reply.button(label)
        if button.get("disabled"):
            raise AssertionError(f"button {label!r} is disabled")
        if not button.get("custom_id"):
            raise AssertionError(f"button {label!r} is a link button (url {button.get('url')})")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        record = self._interaction(
            ix.MESSAGE_COMPONENT,
            reply.record.guild,
            self._who(reply, member),
            reply.record.channel,
            data,
            reply.message,
        )
        return await self.wait_reply(record, timeout)

    async def select(
        self,
        reply: Reply,
        select: str,
        values: list[str],
        *,
        member: Member | User | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Choose ``values`` in the select menu with custom_id or placeholder ``select``."""
        assert reply.message is not None, f"{reply!r} has no message"
        menu = next(
            (s for s in reply.selects if select in (s.get("custom_id"), s.get("placeholder"))),
            None,
        )
        assert menu is not None, f"no select {select!r} on {reply!r}"
        data = {"custom_id": menu["custom_id"], "component_type": menu["type"], "values": values}
        record = self._interaction(
            ix.MESSAGE_COMPONENT,
            reply.record.guild,
            self._who(reply, member),
            reply.record.channel,
            data,
            reply.message,
        )
        return await self.wait_reply(record, timeout)

    async def submit_modal(
        self,
        reply: Reply,
        fields: dict[str, str],
        *,
        member: Member | User | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Fill the modal's text inputs (keys: custom_id or label) and submit it."""
        modal = reply.modal
        assert modal is not None, f"{reply!r} is not a modal"
        unused = dict(fields)
        components: list[JSON] = []
        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                row = [self._fill(i, None, unused) for i in comp.get("components") or []]
                components.append({"type": 1, "components": row})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                inner = self._fill(comp["component"], comp.get("label"), unused)
                components.append({"type": 18, "component": inner})
        if unused:
            raise ValueError(f"modal {modal.get('title')!r} has no inputs {sorted(unused)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        record = self._interaction(
            ix.MODAL_SUBMIT,
            reply.record.guild,
            self._who(reply, member),
            reply.record.channel,
            data,
            reply.record.message,
        )
        return await self.wait_reply(record, timeout)

    @staticmethod
    def _fill(component: JSON, label: str | None, unused: dict[str, str]) -> JSON:
        custom_id = component.get("custom_id")
        label = label or component.get("label")
        key = custom_id if custom_id in unused else label if label in unused else None
        if key is None:
            if component.get("required", True) and component.get("type") == 4:
                raise ValueError(f"required modal input {label or custom_id!r} not filled")
            value = component.get("value") or ""
        else:
            value = unused.pop(key)
        return {"type": component.get("type", 4), "custom_id": custom_id, "value": value}
