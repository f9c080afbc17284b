"""The stand-in server: one aiohttp app on 127.0.0.1 serving the gateway and the REST API.

``async with DiscordStandIn() as discord:`` starts it on a free port (well under a second) and
stops it again; point discord.py at ``discord.api_base_url`` and ``discord.gateway_url``.
"""

# ruff: noqa: ASYNC109 -- a test API: callers pass per-call timeouts, the waits apply them.

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from aiohttp import web

from . import permissions as p
from .actions import UserActions
from .faults import Faults, GlobalRateLimiter
from .gateway import Gateway
from .gateway_session import SessionEvent
from .interactions import Interactions
from .model import Channel, Member, Message, Role, World
from .rest import API_PREFIX, Rest, SentBody, serve_attachment
from .validation import Violation, warm_up

JSON = dict[str, Any]
HOST = "127.0.0.1"  # never anything else: the stand-in must not be reachable from outside
GATEWAY_PATH = "/gateway"
RESUME_PATH = "/gateway-resume"


class DiscordStandIn(UserActions):
    """A local Discord: declare guilds, start it, run the real client against it."""

    def __init__(
        self,
        *,
        token: str = "standin-bot-token",
        bot_name: str = "Briefing Bot",
        bot_permissions: int = p.DEFAULT_BOT,
        interaction_deadline: float = 3.0,
        reply_timeout: float = 10.0,
    ) -> None:
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.reply_timeout = reply_timeout
        self.world = World(bot_name=bot_name, bot_permissions=bot_permissions)
        self.faults = Faults()
        # One limiter per bot token: every session and process of the bot shares it.
        self.rate_limiter = GlobalRateLimiter()
        self.guilds_per_shard = 1000  # GET /gateway/bot recommends one shard per this many
        self.violations: list[Violation] = []
        self.requests: list[tuple[str, str, str]] = []
        # Every JSON body received (after faults), with method, path and route template.
        self.sent_bodies: list[SentBody] = []
        self.commands: dict[int | None, list[JSON]] = {}
        self.commands_synced = asyncio.Event()
        self.interactions = Interactions()
        self.gateway = Gateway(self.world, token, lambda: self.resume_url)
        self.world.emit = self.gateway.dispatch
        self.rest = Rest(self)
        self.port = 0
        self._runner: web.AppRunner | None = None

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> DiscordStandIn:
        """Bind 127.0.0.1 on a free port and serve."""
        warm_up()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self.gateway.handle)
        app.router.add_get(RESUME_PATH, self.gateway.handle)
        app.router.add_get("/attachments/{file_id}/{filename}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])  # port 0 → the one the OS picked
        return self

    async def stop(self) -> None:
        """Close gateway connections and the server."""
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordStandIn:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _attachment(self, request: web.Request) -> web.Response:
        return await serve_attachment(self, request)

    # --- addresses --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What discord.py's ``Route.BASE`` should be."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What discord.py's ``DiscordWebSocket.DEFAULT_GATEWAY`` should be."""
        return f"ws://{HOST}:{self.port}{GATEWAY_PATH}"

    @property
    def resume_url(self) -> str:
        """The ``resume_gateway_url`` sent in READY (a different path, as on Discord)."""
        return f"ws://{HOST}:{self.port}{RESUME_PATH}"

    @property
    def gateway_intents(self) -> int:
        """The intents the bot identified with."""
        return self.gateway.intents

    # --- violations -------------------------------------------------------------------------

    def record(self, violation: Violation) -> None:
        """Keep a violation for the teardown check."""
        self.violations.append(violation)

    def take_violations(self) -> list[Violation]:
        """Return and forget the recorded violations (for tests that provoke them)."""
        taken, self.violations = self.violations, []
        return taken

    def check_violations(self) -> None:
        """Fail (AssertionError) if the bot sent anything real Discord would refuse."""
        if self.violations:
            details = "\n".join(str(v) for v in self.violations)
            raise AssertionError(
                f"the bot made {len(self.violations)} request(s) Discord would refuse "
                f"or the stand-in does not model:\n{details}"
            )

    # --- queries ----------------------------------------------------------------------------

    def find_target(self, channel: Channel, target_id: int) -> Role | Member | None:
        """The role or member an overwrite id names, in ``channel``'s guild."""
        guild = channel.guild
        if guild is None:
            return None
        role = next((r for r in guild.roles if r.id == target_id), None)
        return role if role is not None else guild.member(target_id)

    def message_requests(self, channel: Channel) -> int:
        """How many ``POST /channels/{id}/messages`` reached a handler for ``channel``."""
        path = f"/channels/{channel.id}/messages"
        return sum(1 for m, pth, _ in self.requests if m == "POST" and pth == path)

    def all_messages(self) -> list[Message]:
        """Every visible message in every channel."""
        return [m for ms in self.world.messages.values() for m in ms]

    # --- gateway hooks ----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the bot has a live gateway session."""
        return self.gateway.connected

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait until the bot has processed every gateway event sent so far (e.g. after
        ``guild.add_text_channel`` on a connected bot)."""
        await self.gateway.flush(timeout)

    async def drop_gateway(self) -> None:
        """Cut the bot's gateway connection (no close frame); it should resume."""
        await self.gateway.drop()

    async def close_gateway(self, code: int = 4000) -> None:
        """Close the gateway with ``code`` (4000/4009 → resume or re-identify; 4004 → fatal)."""
        await self.gateway.close(code)

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT."""
        await self.gateway.reconnect()

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION."""
        await self.gateway.invalidate_session(resumable=resumable)

    def hold_identify(self) -> None:
        """Make IDENTIFYs wait (e.g. several bot processes starting) until released."""
        self.gateway.identify_gate = asyncio.Event()

    async def release_identify(self, identifies: int, timeout: float = 30.0) -> None:
        """Answer the held IDENTIFYs together once ``identifies`` of them wait, so the bot
        processes become ready at the same moment (and race for the same digests)."""
        await self.gateway.release(identifies, timeout)

    async def wait_for_session(
        self, *, resumed: bool | None = None, timeout: float = 15.0
    ) -> SessionEvent:
        """Wait until the bot is connected again after the last disruption hook."""
        return await self.gateway.wait_for_session(resumed=resumed, timeout=timeout)
