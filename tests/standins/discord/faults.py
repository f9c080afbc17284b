"""Fault injection: make chosen routes (or every route) fail the way Discord does.

``standin.faults.add("POST /channels/{channel_id}/messages", status=500, times=3)`` answers the
next three matching requests with a 500; ``status=429`` sends a rate-limit answer with the
headers discord.py reads (and the ``Via`` header without which it assumes a Cloudflare ban).
"""

from __future__ import annotations

import json
import random
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

JSON_TYPE = "application/json"

ERROR_BODIES: dict[int, tuple[int, str]] = {
    400: (50035, "Invalid Form Body"),
    401: (0, "401: Unauthorized"),
    403: (50013, "Missing Permissions"),
    404: (10003, "Unknown Channel"),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
    503: (0, "503: Service Unavailable"),
    504: (0, "504: Gateway Timeout"),
}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON answer whose Content-Type is exactly ``application/json`` (discord.py needs that)."""
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        content_type=JSON_TYPE,
        headers=headers,
    )


def error_response(status: int, code: int, message: str, **extra: Any) -> web.Response:
    """A Discord-style error: ``{"code": ..., "message": ...}``."""
    return json_response(status, {"code": code, "message": message, **extra})


def rate_limited(retry_after: float, *, is_global: bool, bucket: str = "standin") -> web.Response:
    """A 429 as Discord sends it, route-scoped or global."""
    headers = {
        "Via": "1.1 google",  # without it discord.py treats the 429 as a Cloudflare ban
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update(
            {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Bucket": bucket,
            }
        )
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }
    return json_response(429, body, headers)


@dataclass
class Fault:
    """One injected failure rule."""

    route: str | None  # "METHOD /template" or None for every route
    status: int | None
    times: int | None  # None = forever
    delay: float = 0.0
    retry_after: float = 0.05
    is_global: bool = False
    code: int | None = None
    message: str | None = None
    respond_delay: float = 0.0
    probability: float | None = None  # None = every matching request
    hits: int = 0

    def matches(self, route_key: str | None, rng: random.Random | None = None) -> bool:
        """Whether this fault applies to ``route_key`` and has uses left (and, with a
        ``probability``, whether the seeded draw picks this request)."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.route is not None and self.route != route_key:
            return False
        if self.probability is None:
            return True
        return (rng or random).random() < self.probability

    def response(self) -> web.Response | None:
        """The error answer, or None if this fault only delays the request."""
        if self.status is None:
            return None
        if self.status == 429:
            return rate_limited(self.retry_after, is_global=self.is_global)
        code, message = ERROR_BODIES.get(self.status, (0, f"{self.status}: Error"))
        return error_response(self.status, self.code or code, self.message or message)


class Faults:
    """The set of active faults of one stand-in."""

    def __init__(self, seed: int = 0) -> None:
        self._faults: list[Fault] = []
        self.rng = random.Random(seed)  # draws for ``probability`` faults: reproducible

    def seed(self, seed: int) -> None:
        """Restart the draws of ``probability`` faults from ``seed``."""
        self.rng.seed(seed)

    def add(
        self,
        route: str | None = None,
        *,
        status: int | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        retry_after: float = 0.05,
        is_global: bool = False,
        code: int | None = None,
        message: str | None = None,
        respond_delay: float = 0.0,
        probability: float | None = None,
    ) -> Fault:
        """Inject a fault for ``route`` ("METHOD /template", e.g. "POST /channels/{channel_id}/
        messages") or every route if None. ``status=None`` with ``delay`` only slows requests
        down (a timeout); ``times=None`` keeps the fault forever. ``respond_delay`` (with
        ``status=None``) lets the request take effect, then holds the answer back that long:
        a message is stored but the client does not hear so before it dies or times out.
        ``probability`` (0–1) applies the fault to that share of matching requests, drawn
        from the seeded :attr:`rng` (e.g. ``add(None, status=503, times=None,
        probability=0.07)`` fails about 7% of all requests; the draws are reproducible).
        """
        fault = Fault(
            route,
            status,
            times,
            delay,
            retry_after,
            is_global,
            code,
            message,
            respond_delay,
            probability,
        )
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self._faults.clear()

    def take(self, route_key: str | None) -> Fault | None:
        """The first fault matching this request, counting the hit."""
        for fault in self._faults:
            if fault.matches(route_key, self.rng):
                fault.hits += 1
                return fault
        return None


class GlobalRateLimiter:
    """Discord's global limit (N requests per second per bot), off unless a test turns it on."""

    def __init__(self, per_second: int | None = None) -> None:
        self.per_second = per_second
        self._stamps: deque[float] = deque()
        self.refused = 0

    def check(self) -> web.Response | None:
        """A global 429 if this request exceeds the limit, else None (and count it)."""
        if not self.per_second:
            return None
        now = time.monotonic()
        while self._stamps and now - self._stamps[0] >= 1.0:
            self._stamps.popleft()
        if len(self._stamps) >= self.per_second:
            self.refused += 1
            return rate_limited(max(0.01, 1.0 - (now - self._stamps[0])), is_global=True)
        self._stamps.append(now)
        return None
