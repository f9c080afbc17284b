"""How tests reach the app as Slack would: Socket Mode envelopes, or signed HTTP requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Protocol
from urllib.parse import urlencode

import aiohttp

from tests.standins.slack.standin import SlackStandIn

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(secret: str, body: str, timestamp: str) -> str:
    """Slack's request signature: ``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Driver(Protocol):
    async def slash(self, payload: dict[str, str]) -> dict[str, Any]: ...

    async def interactive(self, payload: dict[str, Any]) -> dict[str, Any]: ...


class SocketDriver:
    """Sends envelopes over the stand-in's Socket Mode connection; returns the ack payload."""

    def __init__(self, standin: SlackStandIn) -> None:
        self.standin = standin
        self.acks: list[dict[str, Any]] = []

    async def slash(self, payload: dict[str, str]) -> dict[str, Any]:
        return await self._send("slash_commands", dict(payload))

    async def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        return await self._send("interactive", payload)

    async def _send(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        ack = await self.standin.send_envelope(kind, payload)
        self.acks.append(ack)
        assert set(ack) <= {"envelope_id", "payload"}, ack
        return dict(ack.get("payload") or {})


class HttpDriver:
    """Posts signed requests to the app's ``/slack/events``; returns the JSON answer."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret

    async def slash(self, payload: dict[str, str]) -> dict[str, Any]:
        return await self._post(urlencode(payload))

    async def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        return await self._post(urlencode({"payload": json.dumps(payload)}))

    async def post_raw(
        self, body: str, *, timestamp: str | None = None, signature: str | None = None
    ) -> tuple[int, str]:
        stamp = timestamp or str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or sign(self.secret, body, stamp),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body.encode(), headers=headers) as response,
        ):
            return response.status, await response.text()

    async def _post(self, body: str) -> dict[str, Any]:
        status, text = await self.post_raw(body)
        assert status == 200, (status, text)
        return dict(json.loads(text)) if text.strip().startswith("{") else {}
