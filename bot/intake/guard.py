"""The SSRF guard: only http(s), never a private, loopback or link-local address.

Checked on the address actually connected to (a resolver wrapper, after DNS) and on every
redirect hop, so a public name resolving to 10.0.0.1 or a redirect to 127.0.0.1 is refused.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver


class Refused(Exception):
    """A fetch the guard will not make; the message says why in words."""


def private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_url(url: str, allow_private: bool) -> None:
    """Refuse a non-http(s) address, or a private IP literal (names are checked on resolve)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http:// and https:// addresses can be fetched")
    try:
        ipaddress.ip_address(parts.hostname.strip("[]"))
    except ValueError:
        return
    if not allow_private and private(parts.hostname.strip("[]")):
        raise Refused(
            f"{parts.hostname} is a private address (set BRIEFBOT_INTAKE_ALLOW_PRIVATE=1)"
        )


class GuardedResolver(AbstractResolver):
    """DNS resolution that refuses private answers unless private addresses are allowed."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        if not self._allow_private:
            for answer in answers:
                if private(answer["host"]):
                    raise Refused(f"{host} resolves to a private address")
        return answers

    async def close(self) -> None:
        await self._inner.close()

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - aiohttp internals
        return getattr(self._inner, name)
