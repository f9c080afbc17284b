"""Feeds and pages that are broken or hostile: each is refused or read as far as it can be,
with the reason in words, and the fetcher never hangs, floods memory or follows into the LAN."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit

import pytest
from aiohttp import web

from bot.intake.fetch import Fetcher, FetchFailed
from bot.intake.guard import check_url
from bot.intake.parse import parse_feed
from tests.intake.server import STORY, FeedServer, rss

BOMB_ENTITIES = '<!ENTITY a0 "lololololo">' + "".join(
    f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
)


def trusting(server: FeedServer) -> Callable[[str, bool], None]:
    """The real guard, except that the test server itself counts as a public host: so a
    redirect *from* it to a private address meets the guard as it would in production."""

    def check(url: str, allow_private: bool) -> None:
        if urlsplit(url).netloc != f"127.0.0.1:{server.port}":
            check_url(url, allow_private)

    return check


@pytest.fixture
async def fetcher(server: FeedServer) -> AsyncIterator[Fetcher]:
    fetcher = Fetcher(allow_private=False, timeout_s=2, check=trusting(server))
    yield fetcher
    await fetcher.close()


async def failure(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchFailed) as caught:
        await fetcher.get(url)
    return str(caught.value)


async def test_a_redirect_to_a_private_address_is_refused(
    fetcher: Fetcher, server: FeedServer
) -> None:
    server.redirect("/meta", "http://169.254.169.254/latest/meta-data/")
    server.redirect("/lan", f"http://localhost:{server.port}/wire.xml")  # a name: checked on DNS
    server.redirect("/file", "file:///etc/passwd")
    assert "169.254.169.254 is a private address" in await failure(fetcher, server.url("/meta"))
    assert "localhost resolves to a private address" in await failure(fetcher, server.url("/lan"))
    assert "only http:// and https://" in await failure(fetcher, server.url("/file"))


async def test_a_private_address_is_refused_unless_allowed(server: FeedServer) -> None:
    server.text("/wire.xml", rss([("w1", "t", STORY)]))
    strict = Fetcher(allow_private=False)
    allowed = Fetcher(allow_private=True)
    try:
        assert "private address" in await failure(strict, server.url("/wire.xml"))
        assert (await allowed.get(server.url("/wire.xml"))).status == 200
    finally:
        await strict.close()
        await allowed.close()


async def test_redirect_loops_stop_after_five(fetcher: Fetcher, server: FeedServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    assert await failure(fetcher, server.url("/a")) == "more than 5 redirects"
    assert server.hits["/a"] + server.hits["/b"] == 6


async def test_bodies_over_5_mib_are_refused(fetcher: Fetcher, server: FeedServer) -> None:
    server.text("/big.xml", b"<rss>" + b" " * (5 * 1024 * 1024 + 1))

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # no Content-Length: the cap counts what arrives
        await response.prepare(request)
        for _ in range(6):
            await response.write(b"x" * 1024 * 1024)
        return response

    server.routes["/stream.xml"] = streamed
    assert await failure(fetcher, server.url("/big.xml")) == "larger than 5 MiB"
    assert await failure(fetcher, server.url("/stream.xml")) == "larger than 5 MiB"


async def test_slow_bodies_time_out(fetcher: Fetcher, server: FeedServer) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(30):
            await response.write(b"<")
            await asyncio.sleep(0.5)
        return response

    server.routes["/slow.xml"] = slow
    assert await failure(fetcher, server.url("/slow.xml")) == "timed out"


async def test_not_modified_gives_no_body(fetcher: Fetcher, server: FeedServer) -> None:
    server.text("/wire.xml", rss([("w1", "t", STORY)]), etag='"v1"')
    first = await fetcher.get(server.url("/wire.xml"))
    again = await fetcher.get(server.url("/wire.xml"), etag=first.etag)
    assert first.etag == '"v1"' and again.not_modified


def test_malformed_xml_keeps_what_it_can_and_says_why() -> None:
    parsed = parse_feed(b'<rss version="2.0"><channel><item><title>A & B</title></item><item>')
    assert [i.title for i in parsed.items][:1] == ["A & B"]
    assert parsed.problem is not None and parsed.problem.startswith("malformed feed")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('<?xml version="1.0" encoding="iso-8859-1"?>', "text/xml; charset=utf-8"),  # wrong
        ('<?xml version="1.0" encoding="iso-8859-1"?>', ""),  # missing in the header
    ],
)
def test_wrong_or_missing_encoding_is_read(body: str, content_type: str) -> None:
    document = body + '<rss version="2.0"><channel><item><title>Café</title></item></channel></rss>'
    parsed = parse_feed(document.encode("latin-1"), content_type)
    assert [i.title for i in parsed.items] == ["Café"]


def test_utf16_feeds_are_read() -> None:
    document = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><item>'
        "<title>Пхеньян — Курськ</title></item></channel></rss>"
    )
    assert [i.title for i in parse_feed(document.encode("utf-16")).items] == ["Пхеньян — Курськ"]


def test_html_served_as_a_feed_is_named_as_such() -> None:
    parsed = parse_feed(b"<!doctype html><html><body><p>News</p></body></html>", "text/html")
    assert parsed.items == ()
    assert parsed.problem == "not a feed (no RSS or Atom found; an HTML page?)"


def test_an_entity_expansion_bomb_is_not_expanded() -> None:
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{BOMB_ENTITIES}]><rss version="2.0"><channel>'
        "<item><title>&a9;</title></item></channel></rss>"
    )
    parsed = parse_feed(bomb.encode())
    assert all(len(i.title) < 100 for i in parsed.items)  # 10^9 "lol"s were never built
    assert parsed.problem is not None and "amplification" in parsed.problem
