"""Polling again costs only what is new: the same bytes are not read, stored entries are left
out before parsing; new entries next to them, odd markup and hostile bytes lose nothing."""

from __future__ import annotations

import json

import pytest

from bot.domain.intake import item_key
from bot.intake.parse import entry_spans, parse_feed, without
from tests.core.conftest import Cli
from tests.intake.server import REWRITE, STORY, FeedServer, rss

TROOPS = ("w1", "NK sends 1,500 troops to Russia", STORY)
SHELLS = ("w2", "North Korea ships shells to Russia", REWRITE.replace("troops", "shells"))


def key(guid: str | None, link: str | None) -> str:
    return item_key(guid, link, "")


def sources(cli: Cli) -> list[str]:
    queue = json.loads(cli("queue", "list", "--format", "json")[1])
    return sorted(s["url"] for c in queue for s in c["sources"])


def test_a_new_item_next_to_seen_ones_is_stored_once(cli: Cli, server: FeedServer) -> None:
    server.text("/wire.xml", rss([TROOPS]))  # no ETag, no Last-Modified
    cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")
    assert "1 new candidate(s)" in cli("feeds", "poll", "--once")[1]
    assert "0 new candidate(s)" in cli("feeds", "poll", "--once")[1]  # the very same bytes
    server.text("/wire.xml", rss([SHELLS, TROOPS]))
    cli("feeds", "poll", "--once")
    assert sources(cli) == [
        "https://news.example/w1?utm_source=rss",
        "https://news.example/w2?utm_source=rss",
    ]
    feeds = json.loads(cli("feeds", "list", "--format", "json")[1])
    assert feeds[0]["items_seen"] == 2 and feeds[0]["last_error"] is None


def test_a_feed_that_turns_malformed_still_gives_its_new_items(
    cli: Cli, server: FeedServer
) -> None:
    server.text("/wire.xml", rss([TROOPS]))
    cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")
    cli("feeds", "poll", "--once")
    broken = rss([SHELLS, TROOPS]).replace("</channel></rss>", "<unclosed></channel>")
    server.text("/wire.xml", broken)
    assert cli("feeds", "poll", "--once")[0] == 0
    assert "https://news.example/w2?utm_source=rss" in sources(cli)
    feeds = json.loads(cli("feeds", "list", "--format", "json")[1])
    assert feeds[0]["last_error"].startswith("malformed feed")


RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>A</title><link>https://x.example/a?utm_source=rss</link></item>
<item><guid isPermaLink="false"> g&amp;2 </guid><title>B</title></item>
<item><guid><![CDATA[g3]]></guid><title>C</title></item>
<item><title>No key</title></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><id>urn:1</id><title>A</title><link rel="alternate" href="https://x.example/1"/></entry>
<entry><title>B</title><link rel="self" href="https://x.example/s"/><link href="https://x.example/2"/>
</entry></feed>"""


def test_the_scan_reads_keys_as_feedparser_does() -> None:
    spans = entry_spans(RSS, key)
    parsed = parse_feed(RSS).items
    assert [s.key for s in spans] == [item_key(i.guid, i.url, "") for i in parsed[:3]]
    assert [s.key for s in entry_spans(ATOM, key)] == [
        item_key(i.guid, i.url, "") for i in parse_feed(ATOM).items
    ]
    # Cutting the known entries leaves the others, and the channel, readable.
    rest = parse_feed(without(RSS, spans[:2]))
    assert rest.problem is None and [i.title for i in rest.items] == ["C", "No key"]


@pytest.mark.parametrize(
    "body",
    [
        "<?xml version='1.0' encoding='utf-16'?><rss/>".encode("utf-16"),
        b"<?xml version='1.0' encoding='iso-8859-1'?><rss><item><guid>x</guid></item></rss>",
        b"<item " * 500_000,
        b"<item><guid" * 400_000,
        b"<item>" + b"<link " * 500_000 + b"</item>",
        b"<!doctype html><html><body>Hello</body></html>",
    ],
)
def test_bytes_the_scan_cannot_read_safely_are_left_to_feedparser(body: bytes) -> None:
    # Hostile bodies of 2-5 MB: the scan is linear (str.find, no backtracking), so these
    # finish at once rather than keep a poll thread busy for minutes.
    assert entry_spans(body, key) == []
