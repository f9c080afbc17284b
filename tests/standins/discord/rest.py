"""The REST API: routing, auth, faults, body validation, then one handler per endpoint.

Every request under ``/api/v10`` is matched to a route template spelled exactly like the
OpenAPI spec's path (so validation and fault rules use the same key, e.g.
``"POST /channels/{channel_id}/messages"``). An unmatched request is answered 404 and recorded
as a violation: the bot called something the stand-in does not model.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from . import interactions as ix
from . import permissions as p
from .faults import error_response, json_response
from .model import (
    ANNOUNCEMENT_CHANNEL,
    MESSAGE_FLAG_CROSSPOSTED,
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    Channel,
    Message,
    StoredFile,
    iso_now,
)
from .validation import Violation, mention_problems, validate_body

if TYPE_CHECKING:
    from .server import DiscordStandIn

JSON = dict[str, Any]
API_PREFIX = "/api/v10"
NONCE_WINDOW_S = 300.0
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12
# Flags a bot may set when creating a message (SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS,
# IS_COMPONENTS_V2); everything else is set by Discord.
SETTABLE_FLAGS = (1 << 2) | MESSAGE_FLAG_EPHEMERAL | (1 << 12) | (1 << 15)


@dataclass
class ApiRequest:
    """A parsed request: route, path parameters, JSON body (or payload_json) and files."""

    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)

    def int_param(self, name: str) -> int:
        """A snowflake path parameter (0 if it is not a number)."""
        value = self.params[name]
        return int(value) if value.isdigit() else 0


Handler = Callable[[ApiRequest], Awaitable[web.Response]]


@dataclass
class SentBody:
    """One JSON body the bot sent (``payload_json`` for multipart), in arrival order."""

    method: str
    path: str
    template: str
    body: Any


class HttpError(Exception):
    """Raised by handlers to answer with a Discord-style error."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def unknown_channel() -> HttpError:
    """404 Unknown Channel (10003)."""
    return HttpError(404, 10003, "Unknown Channel")


def unknown_message() -> HttpError:
    """404 Unknown Message (10008)."""
    return HttpError(404, 10008, "Unknown Message")


def missing_permissions() -> HttpError:
    """403 Missing Permissions (50013)."""
    return HttpError(403, 50013, "Missing Permissions")


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.sub(
        r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
    )
    return re.compile(f"^{pattern}$")


class Rest:
    """Routes and handlers of one stand-in."""

    # Routes a bot reaches without its token (interaction and webhook tokens authorise them).
    TOKENLESS_PREFIXES = ("/interactions/", "/webhooks/")

    def __init__(self, standin: DiscordStandIn) -> None:
        self.s = standin
        self.routes: list[tuple[str, str, re.Pattern[str], Handler]] = []
        self._nonces: dict[tuple[int, str], tuple[float, Message]] = {}
        wh = "/webhooks/{webhook_id}/{webhook_token}"
        chm = "/channels/{channel_id}/messages"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback),
            ("POST", wh, self.followup),
            ("GET", wh + "/messages/@original", self.get_webhook_message),
            ("PATCH", wh + "/messages/@original", self.edit_webhook_message),
            ("DELETE", wh + "/messages/@original", self.delete_webhook_message),
            ("GET", wh + "/messages/{message_id}", self.get_webhook_message),
            ("PATCH", wh + "/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", wh + "/messages/{message_id}", self.delete_webhook_message),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("POST", chm, self.create_message),
            ("GET", chm, self.history),
            ("GET", chm + "/{message_id}", self.get_message),
            ("PATCH", chm + "/{message_id}", self.edit_message),
            ("DELETE", chm + "/{message_id}", self.delete_message),
            ("POST", chm + "/{message_id}/crosspost", self.crosspost),
            ("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", self.put_overwrite),
            ("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", self.delete_overwrite),
        ]
        for method, template, handler in table:
            self.routes.append((method, template, _compile(template), handler))

    # --- plumbing ---------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        """The route template, its parameters and handler for a request, if modelled."""
        for m, template, pattern, handler in self.routes:
            if m == method and (found := pattern.match(path)):
                return template, found.groupdict(), handler
        return None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for everything under ``/api/v10``."""
        path = request.path[len(API_PREFIX) :] or "/"
        method = request.method
        found = self.match(method, path)
        if found is None:
            self.s.record(Violation("unknown_route", method, path, None, ["route not modelled"]))
            return error_response(404, 0, "404: Not Found")
        template, params, handler = found
        self.s.requests.append((method, path, template))
        needs_token = not path.startswith(self.TOKENLESS_PREFIXES)
        if needs_token and request.headers.get("Authorization") != f"Bot {self.s.token}":
            return error_response(401, 0, "401: Unauthorized")
        limited = self.s.rate_limiter.check()
        if limited is not None:
            return limited
        fault = self.s.faults.take(f"{method} {template}")
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            response = fault.response()
            if response is not None:
                return response
        body, files, multipart = await self._read_body(request)
        if body is not None:
            self.s.sent_bodies.append(SentBody(method, path, template, body))
            result = validate_body(method, template, body, multipart=multipart)
            if result:
                self.s.record(Violation(result.kind, method, path, template, result.problems, body))
                return error_response(400, 50035, "Invalid Form Body", errors=result.errors)
        api_request = ApiRequest(method, path, template, params, dict(request.query), body, files)
        try:
            response = await handler(api_request)
        except HttpError as exc:
            return error_response(exc.status, exc.code, exc.message)
        # Only a message Discord accepted could ping anyone; refused ones are reported above.
        silent = mention_problems(method, template, body) if body is not None else []
        if silent:
            problems = [f"{'.'.join(map(str, where))}: {text}" for where, text in silent]
            self.s.record(Violation("mentions", method, path, template, problems, body))
        if fault is not None and fault.respond_delay:
            await asyncio.sleep(fault.respond_delay)  # done, but the answer comes late
        return response

    async def _read_body(
        self, request: web.Request
    ) -> tuple[Any, dict[str, tuple[str, bytes, str]], bool]:
        files: dict[str, tuple[str, bytes, str]] = {}
        if request.content_type.startswith("multipart/"):
            body: Any = None
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                data = await part.read()
                if name == "payload_json":
                    body = json.loads(data)
                else:
                    filename = part.filename or name
                    ctype = part.headers.get("Content-Type", "application/octet-stream")
                    files[name] = (filename, bytes(data), ctype)
            return body, files, True
        if request.can_read_body:
            raw = await request.read()
            if raw:
                return json.loads(raw), files, False
        return None, files, False

    def ok(self, body: Any, status: int = 200) -> web.Response:
        """A JSON answer."""
        return json_response(status, body)

    def no_content(self) -> web.Response:
        """A 204."""
        return web.Response(status=204)

    def msg(self, message: Message) -> web.Response:
        """A message answer."""
        return self.ok(message.to_payload(self.s.base_url))

    def channel_or_404(self, req: ApiRequest) -> Channel:
        """The channel named in the path."""
        channel = self.s.world.channels.get(req.int_param("channel_id"))
        if channel is None:
            raise unknown_channel()
        return channel

    def require(self, channel: Channel, *bits: int) -> None:
        """403 unless the bot holds every bit in ``channel`` (DMs need nothing)."""
        if channel.guild is None:
            return
        if not p.has(channel.guild.bot_member.permissions_in(channel), *bits):
            raise missing_permissions()

    # --- login, gateway ---------------------------------------------------------------------

    async def get_me(self, req: ApiRequest) -> web.Response:
        """``GET /users/@me``."""
        return self.ok(self.s.world.bot_user.to_payload())

    async def get_application(self, req: ApiRequest) -> web.Response:
        """``GET /oauth2/applications/@me``."""
        owner = {"id": "1", "username": "owner", "discriminator": "0", "avatar": None}
        return self.ok(
            {
                "id": str(self.s.world.application_id),
                "name": self.s.world.bot_user.username,
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": owner,
                "team": None,
                "flags": 0,
                "interactions_endpoint_url": None,
                "rpc_origins": [],
            }
        )

    async def get_gateway(self, req: ApiRequest) -> web.Response:
        """``GET /gateway``."""
        return self.ok({"url": self.s.gateway_url})

    async def get_gateway_bot(self, req: ApiRequest) -> web.Response:
        """``GET /gateway/bot`` (AutoShardedClient): the recommended shard count, one per
        ``guilds_per_shard`` guilds as Discord recommends (it requires sharding from 2,500)."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        shards = max(1, -(-len(self.s.world.guilds) // self.s.guilds_per_shard))
        return self.ok({"url": self.s.gateway_url, "shards": shards, "session_start_limit": limit})

    # --- commands ---------------------------------------------------------------------------

    async def get_commands(self, req: ApiRequest) -> web.Response:
        """List the synced global or guild commands."""
        guild_id = req.int_param("guild_id") if "guild_id" in req.params else None
        return self.ok(self.s.commands.get(guild_id, []))

    async def put_commands(self, req: ApiRequest) -> web.Response:
        """Bulk-overwrite commands (``tree.sync()``); ids are kept for unchanged names."""
        guild_id = req.int_param("guild_id") if "guild_id" in req.params else None
        old = {(c["name"], c.get("type", 1)): c["id"] for c in self.s.commands.get(guild_id, [])}
        stored = []
        for cmd in req.body:
            cmd = dict(cmd)
            cmd.setdefault("type", 1)
            cmd["id"] = old.get((cmd["name"], cmd["type"])) or str(self.s.world.new_id())
            cmd["application_id"] = str(self.s.world.application_id)
            cmd["version"] = str(self.s.world.new_id())
            cmd.setdefault("description", "")
            if guild_id is not None:
                cmd["guild_id"] = str(guild_id)
            stored.append(cmd)
        self.s.commands[guild_id] = stored
        self.s.commands_synced.set()
        return self.ok(stored)

    # --- interactions -----------------------------------------------------------------------

    def _new_message(
        self, channel_id: int, data: JSON, files: dict[str, Any], **kw: Any
    ) -> Message:
        message = Message(self.s.world.new_id(), channel_id, self.s.world.bot_user, **kw)
        self._apply(message, data, files)
        message.flags |= int(data.get("flags") or 0) & SETTABLE_FLAGS
        return message

    def _apply(self, message: Message, data: JSON, files: dict[str, Any]) -> None:
        """Apply the fields of a create/edit body to ``message``."""
        if "content" in data:
            message.content = data["content"] or ""
        if "embeds" in data:
            message.embeds = list(data["embeds"] or [])
        if "components" in data:
            message.components = list(data["components"] or [])
        if "attachments" in data or files:
            keep = {str(a.get("id")) for a in data.get("attachments") or []}
            kept = [a for a in message.attachments if str(a.id) in keep]
            by_index = {str(a.get("id")): a for a in data.get("attachments") or []}
            for name, (filename, raw, ctype) in sorted(files.items()):
                index = name.removeprefix("files[").rstrip("]")
                meta = by_index.get(index, {})
                stored = self.s.world.store_file(meta.get("filename") or filename, raw, ctype)
                stored.description = meta.get("description")
                kept.append(stored)
            message.attachments = kept

    def _publish(self, message: Message, channel: Channel | None) -> None:
        """Keep a visible message in its channel and tell the bot if its intents ask for it."""
        if channel is None or message.ephemeral:
            return
        self.s.world.messages.setdefault(channel.id, []).append(message)
        if channel.guild is not None:
            message.guild_id = channel.guild.id
        intent = DIRECT_MESSAGES_INTENT if channel.guild is None else GUILD_MESSAGES_INTENT
        if self.s.gateway_intents & intent:
            self.s.gateway.dispatch("MESSAGE_CREATE", message.to_payload(self.s.base_url))

    async def callback(self, req: ApiRequest) -> web.Response:
        """``POST /interactions/{id}/{token}/callback``: the one initial response."""
        rec = self.s.interactions.by_id.get(req.int_param("interaction_id"))
        if rec is None or rec.token != req.params["interaction_token"]:
            raise HttpError(404, 10062, "Unknown interaction")
        late = asyncio.get_running_loop().time() - rec.sent_at
        if late > self.s.interaction_deadline:
            self.s.record(
                Violation(
                    "deadline",
                    req.method,
                    req.path,
                    req.template,
                    [
                        f"callback {late:.2f}s after INTERACTION_CREATE "
                        f"(deadline {self.s.interaction_deadline}s)"
                    ],
                    req.body,
                )
            )
            raise HttpError(404, 10062, "Unknown interaction")
        if rec.acknowledged:
            self.s.record(
                Violation(
                    "protocol",
                    req.method,
                    req.path,
                    req.template,
                    ["interaction already acknowledged"],
                    req.body,
                )
            )
            raise HttpError(400, 40060, "Interaction has already been acknowledged.")
        kind = int(req.body["type"])
        data: JSON = req.body.get("data") or {}
        rec.callback_type, rec.callback_data = kind, data
        answer: JSON = {"interaction": {"id": str(rec.id), "type": rec.type}}
        message: Message | None = None
        channel_id = rec.channel.id if rec.channel else 0
        if kind == ix.CB_MESSAGE:
            message = self._new_message(channel_id, data, req.files, interaction_id=rec.id)
            message.webhook_id = self.s.world.application_id
            rec.original = message
            self._publish(message, rec.channel)
            rec.finish(message)
        elif kind == ix.CB_DEFER:
            flags = MESSAGE_FLAG_LOADING | (int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL)
            message = Message(
                self.s.world.new_id(),
                channel_id,
                self.s.world.bot_user,
                flags=flags,
                interaction_id=rec.id,
                webhook_id=self.s.world.application_id,
            )
            rec.original = message
            self._publish(message, rec.channel)
        elif kind == ix.CB_DEFER_UPDATE:
            rec.original = rec.message
        elif kind == ix.CB_UPDATE:
            if rec.message is None:
                raise HttpError(400, 50035, "Invalid Form Body")
            self._apply(rec.message, data, req.files)
            rec.message.edited_timestamp = iso_now()
            message = rec.original = rec.message
            rec.finish(message)
        elif kind in (ix.CB_AUTOCOMPLETE, ix.CB_MODAL):
            rec.finish()
        if message is not None:
            answer["interaction"].update(
                response_message_id=str(message.id),
                response_message_loading=bool(message.flags & MESSAGE_FLAG_LOADING),
                response_message_ephemeral=message.ephemeral,
            )
            answer["resource"] = {"type": kind, "message": message.to_payload(self.s.base_url)}
        # 200 with JSON: discord.py asks with_response=1 and crashes on a 204.
        return self.ok(answer)

    def _webhook_record(self, req: ApiRequest) -> ix.InteractionRecord:
        rec = self.s.interactions.by_token.get(req.params["webhook_token"])
        if rec is None or req.int_param("webhook_id") != self.s.world.application_id:
            raise HttpError(404, 10015, "Unknown Webhook")
        if not rec.acknowledged:
            raise HttpError(404, 10015, "Unknown Webhook")
        return rec

    def _webhook_message(self, rec: ix.InteractionRecord, req: ApiRequest) -> Message:
        if "message_id" not in req.params:
            if rec.original is None:
                raise unknown_message()
            return rec.original
        wanted = req.int_param("message_id")
        for message in [rec.original, *rec.followups]:
            if message is not None and message.id == wanted:
                return message
        raise unknown_message()

    async def followup(self, req: ApiRequest) -> web.Response:
        """``POST /webhooks/{app}/{token}``: a followup message."""
        rec = self._webhook_record(req)
        channel_id = rec.channel.id if rec.channel else 0
        message = self._new_message(channel_id, req.body or {}, req.files, interaction_id=rec.id)
        message.webhook_id = self.s.world.application_id
        rec.followups.append(message)
        self._publish(message, rec.channel)
        rec.finish(message)
        return self.msg(message)

    async def get_webhook_message(self, req: ApiRequest) -> web.Response:
        """``GET`` of @original or a followup."""
        return self.msg(self._webhook_message(self._webhook_record(req), req))

    async def edit_webhook_message(self, req: ApiRequest) -> web.Response:
        """``PATCH`` of @original or a followup (how a deferred answer arrives)."""
        rec = self._webhook_record(req)
        message = self._webhook_message(rec, req)
        self._apply(message, req.body or {}, req.files)
        message.flags &= ~MESSAGE_FLAG_LOADING
        message.edited_timestamp = iso_now()
        rec.finish(message)
        return self.msg(message)

    async def delete_webhook_message(self, req: ApiRequest) -> web.Response:
        """``DELETE`` of @original or a followup."""
        rec = self._webhook_record(req)
        message = self._webhook_message(rec, req)
        self._remove(message)
        return self.no_content()

    def _remove(self, message: Message) -> None:
        kept = self.s.world.messages.get(message.channel_id, [])
        self.s.world.messages[message.channel_id] = [m for m in kept if m is not message]

    # --- channels and messages --------------------------------------------------------------

    async def get_channel(self, req: ApiRequest) -> web.Response:
        """``GET /channels/{id}``."""
        channel = self.channel_or_404(req)
        self.require(channel, p.VIEW_CHANNEL)
        return self.ok(channel.to_payload())

    async def create_message(self, req: ApiRequest) -> web.Response:
        """``POST /channels/{id}/messages``: permissions, nonce de-duplication, then store."""
        channel = self.channel_or_404(req)
        body: JSON = req.body or {}
        needed = [p.VIEW_CHANNEL, p.SEND_MESSAGES]
        if body.get("embeds"):
            needed.append(p.EMBED_LINKS)
        if req.files:
            needed.append(p.ATTACH_FILES)
        self.require(channel, *needed)
        nonce = body.get("nonce")
        now = time.monotonic()
        key = (channel.id, str(nonce))
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get(key)
            if seen is not None and now - seen[0] < NONCE_WINDOW_S:
                return self.msg(seen[1])
        message = self._new_message(channel.id, body, req.files, nonce=nonce)
        if nonce is not None:
            self._nonces[key] = (now, message)
        self._publish(message, channel)
        return self.msg(message)

    def _find(self, channel: Channel, message_id: int) -> Message:
        for message in self.s.world.messages.get(channel.id, []):
            if message.id == message_id:
                return message
        raise unknown_message()

    async def history(self, req: ApiRequest) -> web.Response:
        """``GET /channels/{id}/messages`` with ``limit``, ``before``, ``after`` (newest first)."""
        channel = self.channel_or_404(req)
        self.require(channel, p.VIEW_CHANNEL, p.READ_MESSAGE_HISTORY)
        limit = max(1, min(100, int(req.query.get("limit", "50"))))
        items = sorted(self.s.world.messages.get(channel.id, []), key=lambda m: m.id)
        if "before" in req.query:
            items = [m for m in items if m.id < int(req.query["before"])]
        if "after" in req.query:
            items = [m for m in items if m.id > int(req.query["after"])]
            # Discord answers the `limit` messages right after `after`, newest first.
            if "before" not in req.query:
                items = items[:limit]
        items = items[-limit:]
        return self.ok([m.to_payload(self.s.base_url) for m in reversed(items)])

    async def get_message(self, req: ApiRequest) -> web.Response:
        """``GET /channels/{id}/messages/{mid}``."""
        channel = self.channel_or_404(req)
        self.require(channel, p.VIEW_CHANNEL, p.READ_MESSAGE_HISTORY)
        return self.msg(self._find(channel, req.int_param("message_id")))

    async def edit_message(self, req: ApiRequest) -> web.Response:
        """``PATCH /channels/{id}/messages/{mid}`` (only the bot's own messages)."""
        channel = self.channel_or_404(req)
        message = self._find(channel, req.int_param("message_id"))
        if message.author.id != self.s.world.bot_user.id:
            raise HttpError(403, 50005, "Cannot edit a message authored by another user")
        self._apply(message, req.body or {}, req.files)
        message.edited_timestamp = iso_now()
        return self.msg(message)

    async def delete_message(self, req: ApiRequest) -> web.Response:
        """``DELETE /channels/{id}/messages/{mid}`` (others' need Manage Messages)."""
        channel = self.channel_or_404(req)
        message = self._find(channel, req.int_param("message_id"))
        if message.author.id != self.s.world.bot_user.id:
            self.require(channel, p.MANAGE_MESSAGES)
        self._remove(message)
        return self.no_content()

    async def crosspost(self, req: ApiRequest) -> web.Response:
        """``POST .../crosspost``: announcement channels only, once per message."""
        channel = self.channel_or_404(req)
        if channel.type != ANNOUNCEMENT_CHANNEL:
            raise HttpError(400, 50024, "Cannot execute action on this channel type")
        message = self._find(channel, req.int_param("message_id"))
        own = message.author.id == self.s.world.bot_user.id
        self.require(channel, p.SEND_MESSAGES if own else p.MANAGE_MESSAGES)
        if message.flags & MESSAGE_FLAG_CROSSPOSTED:
            raise HttpError(400, 40033, "This message has already been crossposted.")
        message.flags |= MESSAGE_FLAG_CROSSPOSTED
        return self.msg(message)

    async def put_overwrite(self, req: ApiRequest) -> web.Response:
        """``PUT /channels/{id}/permissions/{target}`` (needs Manage Roles)."""
        channel = self.channel_or_404(req)
        self.require(channel, p.MANAGE_ROLES)
        body: JSON = req.body or {}
        target = self.s.find_target(channel, req.int_param("overwrite_id"))
        if target is None:
            raise HttpError(404, 10011, "Unknown Role")
        channel.set_permissions(
            target, allow=int(body.get("allow") or 0), deny=int(body.get("deny") or 0)
        )
        return self.no_content()

    async def delete_overwrite(self, req: ApiRequest) -> web.Response:
        """``DELETE /channels/{id}/permissions/{target}``."""
        channel = self.channel_or_404(req)
        self.require(channel, p.MANAGE_ROLES)
        target = self.s.find_target(channel, req.int_param("overwrite_id"))
        if target is not None:
            channel.remove_permissions(target)
        return self.no_content()


async def serve_attachment(standin: DiscordStandIn, request: web.Request) -> web.Response:
    """``GET /attachments/{id}/{filename}``: the bytes of an uploaded file."""
    stored: StoredFile | None = standin.world.files.get(int(request.match_info["file_id"]))
    if stored is None or stored.filename != request.match_info["filename"]:
        return error_response(404, 0, "404: Not Found")
    return web.Response(body=stored.data, content_type=stored.content_type)
