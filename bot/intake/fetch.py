"""Polite fetching: conditional GET, per-host limits, timeouts, a body cap, few redirects."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.intake.guard import GuardedResolver, Refused, check_url

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
PER_HOST = 4
USER_AGENT = "BriefingBot-intake/1.0 (+https://github.com/briefing-bot)"


class FetchFailed(Exception):
    """A fetch that did not give a body; the message says why in words."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One shared session; ``get`` follows redirects itself so the guard sees every hop."""

    def __init__(
        self,
        allow_private: bool,
        timeout_s: float = 20.0,
        max_bytes: int = MAX_BYTES,
        per_host: int = PER_HOST,
        check: Callable[[str, bool], None] = check_url,
    ) -> None:
        self.allow_private = allow_private
        self._check = check
        self.max_bytes = max_bytes
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=10)
        self._per_host = per_host
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host)
        )
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(allow_private), limit=100)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, headers={"User-Agent": USER_AGENT}
        )

    async def close(self) -> None:
        await self._session.close()

    async def get(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return await self._follow(url, headers)
        except Refused as error:
            raise FetchFailed(f"refused: {error}") from None
        except TimeoutError:
            raise FetchFailed("timed out") from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.__cause__, Refused):
                raise FetchFailed(f"refused: {error.__cause__}") from None
            raise FetchFailed("could not connect") from None
        except aiohttp.ClientError as error:
            raise FetchFailed(f"connection failed ({type(error).__name__})") from None

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            self._check(url, self.allow_private)
            host = urlsplit(url).netloc.lower()
            request = self._session.get(url, headers=headers, allow_redirects=False)
            async with self._hosts[host], request as resp:
                if resp.status in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                    url = urljoin(url, resp.headers["Location"])
                    continue
                if resp.status == 304:
                    return Fetched(url, 304, b"", "", None, None)
                if resp.status >= 400:
                    raise FetchFailed(f"the server answered HTTP {resp.status}")
                body = await self._read(resp)
                return Fetched(
                    url,
                    resp.status,
                    body,
                    resp.headers.get("Content-Type", ""),
                    resp.headers.get("ETag"),
                    resp.headers.get("Last-Modified"),
                )
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > self.max_bytes:
            raise FetchFailed(f"larger than {self.max_bytes // (1024 * 1024)} MiB")
        if declared is not None and resp.headers.get("Content-Encoding", "identity") == "identity":
            # A declared, plain length within the cap: aiohttp reads no more than that.
            return await resp.read()
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchFailed(f"larger than {self.max_bytes // (1024 * 1024)} MiB")
            chunks.append(chunk)
        return b"".join(chunks)
