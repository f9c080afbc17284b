"""``python -m bench.feed_server FEEDS ITEMS``: serves FEEDS RSS feeds of ITEMS items each on
127.0.0.1 (a free port, printed on stdout) until killed; a separate process, so serving
does not share the measured process's CPU.

``POST /advance`` publishes one new item at the top of every feed (the oldest drops off), as
outlets do between two polls; it answers once the new bodies are ready."""

from __future__ import annotations

import asyncio
import random
import sys

from aiohttp import web

PROSE = (
    "North Korea sent troops to Russia, South Korea's intelligence agency said, as Ukraine "
    "reported artillery shells and missiles crossing the border near Kursk while NATO "
    "officials discussed sanctions and the treaty between Moscow and Pyongyang"
)
WORDS = PROSE.split(" ")


def item_text(feed: int, item: int, words: int = 150) -> str:
    """A relevant, figure-bearing item body; different per feed and item (its own words)."""
    rng = random.Random(feed * 100_000 + item)
    body = " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(words))
    return f"Officials said at least {1000 + item:,} troops and {feed * 7 + item} shells. {body}."


def feed_body(feed: int, items: int, newest: int = 0) -> bytes:
    entries = "".join(
        f"<item><guid>f{feed}-i{i}</guid><title>Story {feed}-{i}: North Korea troops</title>"
        f"<link>https://news.example/{feed}/{i}</link>"
        f"<pubDate>Mon, 21 Oct 2024 08:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>{item_text(feed, i)}</description></item>"
        for i in range(newest + items - 1, newest - 1, -1)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {feed}'
        f"</title><link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


async def serve(feeds: int, items: int) -> None:
    bodies = {f"/feed/{n}.xml": feed_body(n, items) for n in range(feeds)}
    newest = 0

    async def advance(request: web.Request) -> web.Response:
        nonlocal newest
        newest += 1
        bodies.update({f"/feed/{n}.xml": feed_body(n, items, newest) for n in range(feeds)})
        return web.Response(text=str(newest))

    async def handler(request: web.Request) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_post("/advance", advance)
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    print(server.sockets[0].getsockname()[1], flush=True)  # type: ignore[attr-defined]
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2])))
