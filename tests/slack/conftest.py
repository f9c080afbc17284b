"""The real Slack app (slack-bolt + slack_sdk) on a seeded temp database, against the stand-in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.app import SlackBot
from bot.adapters.slack.config import SlackSettings
from bot.adapters.slack.run import build_slack_bot, connect_socket_mode, serve_http
from bot.app import App, open_app, seed_if_empty
from bot.clock import FixedClock
from bot.env_settings import Secret
from bot.platforms.host import PlatformHost
from bot.settings import Settings
from tests.slack.drivers import SIGNING_SECRET, Driver, HttpDriver, SocketDriver
from tests.standins.slack.standin import APP_TOKEN, BOT_TOKEN, TEAM_ID, SlackStandIn

BRIEFS = Path(__file__).resolve().parents[2] / "briefs"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
ADMIN = "UADMIN001"
EDITOR = "UEDITOR01"
READER = "UREADER01"
EDITOR_GROUP = "SEDITORS1"
BRIEF_CHANNEL = "C0BRIEF01"
DIGEST_CHANNEL = "C0DIGEST1"
PRIVATE_CHANNEL = "GPRIVATE1"


@dataclass
class Answer:
    ack: dict[str, Any]
    response: dict[str, Any] | None
    rid: str

    @property
    def text(self) -> str:
        """Every mrkdwn/plain text of the response, joined (what a person would read)."""
        assert self.response is not None
        parts = [self.response.get("text", "")]
        for block in self.response.get("blocks", []):
            for key in ("text",):
                if isinstance(block.get(key), dict):
                    parts.append(block[key]["text"])
            parts += [f["text"] for f in block.get("fields", [])]
            parts += [e.get("text", "") for e in block.get("elements", []) if "text" in e]
        return "\n".join(str(p) for p in parts)


@dataclass
class SlackWorld:
    standin: SlackStandIn
    app: App
    bot: SlackBot
    driver: Driver

    async def command(
        self, user: str, text: str, *, wait: bool = True, team: str = TEAM_ID
    ) -> Answer:
        """``/brief text`` typed by ``user`` (of workspace ``team``) in the briefing channel."""
        rid, url = self.standin.new_response_url()
        payload = {
            "token": "deprecated-verification-token",
            "team_id": team,
            "team_domain": "newsroom",
            "channel_id": BRIEF_CHANNEL,
            "channel_name": "briefing",
            "user_id": user,
            "user_name": self.standin.users[user]["name"],
            "command": "/brief",
            "text": text,
            "api_app_id": "A0APP0001",
            "response_url": url,
            "trigger_id": self.standin.new_trigger(),
        }
        ack = await self.driver.slash(payload)
        response = await self.standin.wait_response(rid) if wait else None
        return Answer(ack, response, rid)

    async def press(
        self,
        user: str,
        message: dict[str, Any],
        action_id: str,
        *,
        team: str = TEAM_ID,
        wait: bool = True,
    ) -> Answer:
        """Click the button ``action_id`` of ``message`` (a recorded response) as ``user``;
        ``wait=False`` for a button that opens a form instead of answering."""
        button = next(
            e
            for b in message.get("blocks", [])
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == action_id
        )
        rid, url = self.standin.new_response_url()
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "newsroom"},
            "user": {"id": user, "username": self.standin.users[user]["name"], "team_id": team},
            "api_app_id": "A0APP0001",
            "container": {"type": "message", "is_ephemeral": True},
            "trigger_id": self.standin.new_trigger(),
            "channel": {"id": BRIEF_CHANNEL, "name": "briefing"},
            "response_url": url,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": button["value"],
                    "text": button["text"],
                    "action_ts": "1700000000.1",
                }
            ],
        }
        ack = await self.driver.interactive(payload)
        return Answer(ack, await self.standin.wait_response(rid) if wait else None, rid)

    async def submit(
        self, user: str, view: dict[str, Any], values: dict[str, Any], *, team: str = TEAM_ID
    ) -> dict[str, Any]:
        """Submit an opened modal with ``values`` (block id → element state); the ack."""
        state = {block: {"value": element} for block, element in values.items()}
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "newsroom"},
            "user": {"id": user, "username": self.standin.users[user]["name"], "team_id": team},
            "api_app_id": "A0APP0001",
            "trigger_id": self.standin.new_trigger(),
            "view": {**view, "state": {"values": state}, "hash": uuid.uuid4().hex},
            "response_urls": [],
        }
        return await self.driver.interactive(payload)


def text_input(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def multi(*values: str) -> dict[str, Any]:
    return {
        "type": "multi_static_select",
        "selected_options": [
            {"text": {"type": "plain_text", "text": v}, "value": v} for v in values
        ],
    }


def single(value: str) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"type": "static_select", "selected_option": option}


def day(value: str) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def workspace() -> SlackStandIn:
    return SlackStandIn(
        users={
            ADMIN: {"name": "ada", "is_admin": True, "is_owner": False},
            EDITOR: {"name": "eve", "is_admin": False},
            READER: {"name": "rob", "is_admin": False},
        },
        usergroups={EDITOR_GROUP: [EDITOR]},
        channels={
            BRIEF_CHANNEL: {"name": "briefing", "is_private": False, "is_member": True},
            DIGEST_CHANNEL: {"name": "digest", "is_private": False, "is_member": False},
            PRIVATE_CHANNEL: {"name": "secret", "is_private": True, "is_member": False},
        },
    )


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    server = workspace()
    await server.start()
    yield server
    await server.close()
    assert server.violations == []
    assert server.pings == []


def reader_slash(standin: SlackStandIn, text: str) -> tuple[str, dict[str, str]]:
    """The payload of ``/brief text`` typed by the reader in the briefing channel, and the id
    of its response URL (where the answer lands)."""
    rid, url = standin.new_response_url()
    payload = {
        "team_id": TEAM_ID,
        "channel_id": BRIEF_CHANNEL,
        "user_id": READER,
        "user_name": "rob",
        "command": "/brief",
        "text": text,
        "response_url": url,
        "trigger_id": standin.new_trigger(),
    }
    return rid, payload


def slack_settings(
    tmp_path: Path, standin: SlackStandIn, mode: str, newsroom: str | None = TEAM_ID
) -> Settings:
    """The test workspace is the newsroom unless ``newsroom`` says otherwise."""
    return Settings.from_env(
        BRIEFBOT_NEWSROOM_SLACK_TEAM_ID=newsroom,
        BRIEFBOT_DB=tmp_path / "bot.sqlite3",
        BRIEFBOT_BRIEFS_DIR=BRIEFS,
    )


def slack_only(standin: SlackStandIn, mode: str) -> SlackSettings:
    """Slack's own settings (``SLACK_*``), pointed at the stand-in."""
    return SlackSettings(
        bot_token=Secret(BOT_TOKEN),
        app_token=Secret(APP_TOKEN),
        signing_secret=Secret(SIGNING_SECRET),
        mode=mode,
        api_base_url=standin.url + "/api/",
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@asynccontextmanager
async def running_world(
    mode: str,
    tmp_path: Path,
    standin: SlackStandIn,
    clock: FixedClock,
    newsroom: str | None = TEAM_ID,
) -> AsyncIterator[SlackWorld]:
    """The real Slack app in ``mode`` ("socket" or "http") on a seeded temp database."""
    async with open_app(slack_settings(tmp_path, standin, mode, newsroom), clock) as app:
        await seed_if_empty(app)
        bot = build_slack_bot(PlatformHost.of(app, "slack"), slack_only(standin, mode))
        await bot.deps.servers.add_editor_role("slack", TEAM_ID, EDITOR_GROUP)
        try:
            if mode == "socket":
                async with connect_socket_mode(bot, APP_TOKEN):
                    yield SlackWorld(standin, app, bot, SocketDriver(standin))
            else:
                async with serve_http(bot, "127.0.0.1", 0) as port:
                    driver = HttpDriver(f"http://127.0.0.1:{port}/slack/events")
                    yield SlackWorld(standin, app, bot, driver)
        finally:
            await bot.runtime.stop()


@pytest.fixture
async def socket_world(
    tmp_path: Path, standin: SlackStandIn, clock: FixedClock
) -> AsyncIterator[SlackWorld]:
    async with running_world("socket", tmp_path, standin, clock) as world:
        yield world


@pytest.fixture
async def http_world(
    tmp_path: Path, standin: SlackStandIn, clock: FixedClock
) -> AsyncIterator[SlackWorld]:
    async with running_world("http", tmp_path, standin, clock) as world:
        yield world


@pytest.fixture(params=["socket", "http"])
async def world(
    request: pytest.FixtureRequest, tmp_path: Path, standin: SlackStandIn, clock: FixedClock
) -> AsyncIterator[SlackWorld]:
    """The same stories over both transports."""
    async with running_world(request.param, tmp_path, standin, clock) as opened:
        yield opened
