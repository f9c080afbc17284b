"""A local web server for intake tests: feeds and pages, good and hostile, on 127.0.0.1.

It runs in its own thread with its own event loop, so the CLI (``asyncio.run``) can fetch
from it. ``routes`` maps a path to a handler and can change between requests.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLISHED = datetime(2024, 10, 21, 8, 0, tzinfo=UTC)


def rss(items: list[tuple[str, str, str]], title: str = "Test outlet") -> str:
    """An RSS 2.0 document; items are (guid, title, description)."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{head}</title><link>https://news.example/{guid}"
        f"?utm_source=rss</link><pubDate>{format_datetime(PUBLISHED + timedelta(minutes=n))}"
        f"</pubDate><description>{text}</description></item>"
        for n, (guid, head, text) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>{body}</channel></rss>"
    )


STORY = (
    "South Korea's National Intelligence Service said on Friday that North Korea has sent "
    "at least 1,500 special forces troops to Russia, the first of as many as 12,000 soldiers "
    "Pyongyang plans to deploy to support Moscow's war in Ukraine. The troops were moved on "
    "Russian navy ships to Vladivostok, the NIS said."
)
REWRITE = (
    "North Korea has sent at least 1,500 special forces troops to Russia, South Korea's "
    "National Intelligence Service said on Friday, the first of as many as 12,000 soldiers "
    "Pyongyang plans to deploy to support Moscow's war in Ukraine. The troops were moved on "
    "Russian navy ships to Vladivostok, it said."
)
OFF_TOPIC = "The city council approved a new budget for parks and libraries on Tuesday."
# An article page as outlets serve them: its own title and date, clutter around the text.
ARTICLE_PAGE = (
    "<html><head><title>NK troops | Outlet</title>"
    '<meta property="article:published_time" content="2024-10-21"></head><body>'
    f"<nav>Home | World</nav><article><h1>NK troops in Russia</h1><p>{STORY}</p>"
    f"<p>{STORY}</p></article><footer>Copyright</footer></body></html>"
)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        handler = self.routes.get(request.path)
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request)

    def text(self, path: str, body: str | bytes, content_type: str = "application/rss+xml",
             etag: str | None = None) -> None:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            if etag and request.headers.get("If-None-Match") == etag:
                return web.Response(status=304)
            headers = {"ETag": etag} if etag else {}
            return web.Response(body=data, headers={"Content-Type": content_type, **headers})

        self.routes[path] = handler

    def redirect(self, path: str, target: str) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            raise web.HTTPFound(target)

        self.routes[path] = handler

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    @contextmanager
    def running(self) -> Iterator[FeedServer]:
        thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        try:
            yield self
        finally:
            assert self._runner is not None
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            thread.join(10)
            self._loop.close()
