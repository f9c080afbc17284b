"""A local stand-in for Slack: Web API, response URLs, file downloads and Socket Mode.

Served by aiohttp on 127.0.0.1 (port 0). It checks what Slack checks (the method, the
token, Block Kit limits), keeps what was posted, and speaks Socket Mode's envelope protocol
(hello, envelopes, acks by ``envelope_id``). Problems are collected in ``violations``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.standins.slack.limits import PING, check_blocks, check_view, mrkdwn_texts
from tests.standins.slack.standin_files import BOT_TOKEN, SlackFiles

APP_TOKEN = "xapp-test-app-token"
TEAM_ID = "T0TEAM001"
BOT_USER = "UBOT00001"
BOT_ID = "BBOT00001"
APP_TOKEN_METHODS = {"apps.connections.open"}
WAIT_S = 20.0  # generous: the machine is shared and slow


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class Fault:
    error: str
    status: int = 200


@dataclass
class SlackStandIn(SlackFiles):
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    file_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_redirects: dict[str, str] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    pings: list[str] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    # A method listed here is recorded, then answered only once its event is set (slow Slack).
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    url: str = ""

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._socket: web.WebSocketResponse | None = None
        self.socket_connected = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.triggers: set[str] = set()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{rid}", self._respond)
        app.router.add_get("/files-pri/{fid}/{name}", self._download)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use -------------------------------------------------------------------

    def new_response_url(self) -> tuple[str, str]:
        rid = uuid.uuid4().hex[:12]
        self.responses[rid] = []
        return rid, f"{self.url}/respond/{rid}"

    def new_trigger(self) -> str:
        trigger = f"trig.{uuid.uuid4().hex[:10]}"
        self.triggers.add(trigger)
        return trigger

    def fail_next(self, method: str, error: str, status: int = 200) -> None:
        self.faults.setdefault(method, []).append(Fault(error, status))

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Any) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), WAIT_S)

    async def wait_response(self, rid: str, count: int = 1) -> dict[str, Any]:
        await self.wait_for(lambda: len(self.responses[rid]) >= count)
        return self.responses[rid][count - 1]

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Hand the client an envelope; return its ack (which must carry the envelope_id)."""
        await asyncio.wait_for(self.socket_connected.wait(), 20)
        assert self._socket is not None
        envelope_id = str(uuid.uuid4())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        await self._socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(future, 20)

    # -- Web API --------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        expected = APP_TOKEN if method in APP_TOKEN_METHODS else BOT_TOKEN
        auth = request.headers.get("Authorization", "")
        if not auth:
            return self._error("not_authed")
        if auth != f"Bearer {expected}":
            self.violations.append(f"{method}: wrong token {auth[:20]!r}")
            return self._error("invalid_auth")
        await self._record(Call(method, args))
        if (gate := self.held.get(method)) is not None:
            await gate.wait()
        if self.faults.get(method):
            fault = self.faults[method].pop(0)
            headers = {"Retry-After": "1"} if fault.status == 429 else {}
            return web.json_response(
                {"ok": False, "error": fault.error}, status=fault.status, headers=headers
            )
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            self.violations.append(f"unexpected method {method}")
            return self._error("unknown_method")
        result: dict[str, Any] = await handler(args)
        async with self._changed:
            self._changed.notify_all()
        return web.json_response(result)

    @staticmethod
    def _error(code: str) -> web.Response:
        return web.json_response({"ok": False, "error": code})

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://newsroom.slack.com/",
            "team": "Newsroom",
            "user": "briefing_bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }

    async def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "/link"}

    async def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if not channel.get("is_member"):
            return {"ok": False, "error": "not_in_channel"}
        if args.get("link_names") or args.get("parse") == "full":
            self.violations.append("chat.postMessage asked Slack to parse names")
        message = self._check_message(args, "chat.postMessage")
        if message is None:
            return {"ok": False, "error": "invalid_blocks"}
        ts = f"17000000{next(self._ts):02d}.000100"
        stored = {**message, "ts": ts, "user": BOT_USER, "bot_id": BOT_ID, "type": "message"}
        self.messages.setdefault(str(args["channel"]), []).append(stored)
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": stored}

    async def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args.get("channel")) not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        limit = int(args.get("limit", 100))
        newest_first = list(reversed(self.messages.get(str(args["channel"]), [])))
        return {"ok": True, "messages": newest_first[:limit], "has_more": False}

    async def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None or (channel.get("is_private") and not channel.get("is_member")):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {"id": args["channel"], **channel}}

    async def _m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel.get("is_private"):
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        channel["is_member"] = True
        return {"ok": True, "channel": {"id": args["channel"], **channel}}

    async def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": args["user"], "team_id": TEAM_ID, **user}}

    async def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.usergroups.get(str(args.get("usergroup")))
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": members}

    async def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id"))
        if trigger not in self.triggers:
            self.violations.append(f"views.open with unknown or reused trigger {trigger}")
            return {"ok": False, "error": "invalid_trigger_id"}
        self.triggers.discard(trigger)  # a trigger works once
        view = args.get("view")
        problems = check_view(view) if isinstance(view, dict) else ["view missing"]
        if problems:
            self.violations += problems
            return {"ok": False, "error": "invalid_arguments"}
        opened = {**view, "id": f"V{uuid.uuid4().hex[:8].upper()}", "team_id": TEAM_ID}
        self.views.append(opened)
        return {"ok": True, "view": opened}

    # -- response URLs, files, Socket Mode ------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        body = await request.json()
        if rid not in self.responses:
            self.violations.append(f"response to unknown response_url {rid}")
            return web.Response(status=404, text="no_service")
        if len(self.responses[rid]) >= 5:
            self.violations.append(f"response_url {rid} used more than 5 times")
        if self._check_message(body, f"response {rid}") is None:
            return web.Response(status=400, text="invalid_blocks")
        if body.get("response_type") not in (None, "ephemeral", "in_channel"):
            self.violations.append(f"bad response_type {body.get('response_type')}")
        async with self._changed:
            self.responses[rid].append(body)
            self._changed.notify_all()
        return web.Response(text="ok")

    def _check_message(self, message: dict[str, Any], where: str) -> dict[str, Any] | None:
        if not message.get("text") and not message.get("blocks"):
            self.violations.append(f"{where}: neither text nor blocks")
        if "blocks" in message:
            problems = check_blocks(message["blocks"], where)
            if problems:
                self.violations += problems
                return None
        for text in mrkdwn_texts(message):
            self.pings += PING.findall(text)
        return {k: message[k] for k in ("text", "blocks") if k in message}

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self.socket_connected.set()
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            ack = json.loads(message.data)
            future = self._acks.pop(str(ack.get("envelope_id")), None)
            if future is None:
                self.violations.append(f"ack for unknown envelope {ack.get('envelope_id')}")
            elif not future.done():
                future.set_result(ack)
        return socket
