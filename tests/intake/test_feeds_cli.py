"""Editors manage feeds from the CLI; failing feeds back off, then pause with the reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.core.conftest import Cli
from tests.intake.server import ARTICLE_PAGE, STORY, FeedServer


def test_feed_commands_answer_in_one_line(cli: Cli, server: FeedServer) -> None:
    url = server.url("/wire.xml")
    assert cli("feeds", "add", url, "--name", "Wire", "--every", "30")[1].startswith(
        f"Following feed 1: Wire ({url}), every 30 min."
    )
    assert cli("feeds", "add", url)[2].strip() == f"briefbot: {url} is already followed"
    assert cli("feeds", "add", "ftp://example.org/feed")[2].strip() == (
        "briefbot: only http:// and https:// addresses can be fetched"
    )
    assert "Feed 1 (Wire) paused." in cli("feeds", "pause", "1")[1]
    assert "paused: paused by an editor" in cli("feeds", "list")[1]
    assert "Feed 1 (Wire) resumed." in cli("feeds", "resume", url)[1]
    assert (
        cli("feeds", "remove", "9")[2].strip() == "briefbot: no feed '9' (see briefbot feeds list)"
    )
    assert "Removed feed 1: Wire." in cli("feeds", "remove", "1")[1]
    assert cli("feeds", "list")[1].strip() == "No feeds yet: briefbot feeds add URL"


def test_private_addresses_need_the_setting(
    cli: Cli, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRIEFBOT_INTAKE_ALLOW_PRIVATE")
    code, _, err = cli("feeds", "add", server.url("/wire.xml"))
    assert code == 1
    assert err.strip() == (
        "briefbot: 127.0.0.1 is a private address (set BRIEFBOT_INTAKE_ALLOW_PRIVATE=1)"
    )
    assert server.hits == {}


def test_a_failing_feed_backs_off_then_pauses_with_the_reason(cli: Cli, server: FeedServer) -> None:
    cli("feeds", "add", server.url("/gone.xml"), "--name", "Gone")
    server.text("/page.xml", "<!doctype html><html><body>Hello</body></html>", "text/html")
    cli("feeds", "add", server.url("/page.xml"), "--name", "Page")
    assert "Polled 2 feed(s), 2 failed" in cli("feeds", "poll", "--once")[1]
    feeds = {f["name"]: f for f in json.loads(cli("feeds", "list", "--format", "json")[1])}
    assert feeds["Gone"]["last_error"] == "the server answered HTTP 404"
    assert feeds["Page"]["last_error"] == "not a feed (no RSS or Atom found; an HTML page?)"
    # Backed off: twice the 15-minute interval (less at most 10% jitter), not 15 minutes.
    wait = datetime.fromisoformat(feeds["Gone"]["next_poll"]) - datetime.now(UTC)
    assert wait > timedelta(minutes=26)
    for _ in range(4):
        cli("feeds", "poll", "--once")
    listing = cli("feeds", "list")[1]
    assert "paused: 5 failures in a row; last: the server answered HTTP 404" in listing
    assert "Polled 0 feed(s)" in cli("feeds", "poll", "--once")[1]  # paused feeds are left alone


def test_suggest_a_saved_article_and_extract_it(cli: Cli, tmp_path: pytest.TempPathFactory) -> None:
    article = tmp_path / "yonhap.txt"  # type: ignore[operator]
    article.write_text("N. Korea sends troops to Russia\n" + STORY, encoding="utf-8")
    code, out, err = cli("suggest", "--file", str(article), "--outlet", "Yonhap")
    assert code == 0, err
    assert out.strip() == "Queued as candidate 1: N. Korea sends troops to Russia"
    assert "Already seen" in cli("suggest", "--file", str(article))[1]
    code, out, _ = cli("extract", "--format", "json", str(article))
    figures = json.loads(out)
    assert {f["value"] for f in figures} == {"at least 1,500", "as many as 12,000"}
    assert set(figures[0]) >= {
        "value",
        "qualifier",
        "quantity",
        "claimant",
        "relays",
        "hedge",
        "status",
        "sentence",
    }
    assert cli("suggest")[2].strip() == "briefbot: give either a URL or --file PATH"


def test_suggest_a_link_reads_the_page(cli: Cli, server: FeedServer) -> None:
    server.text("/story.html", ARTICLE_PAGE, "text/html; charset=utf-8")
    code, _, err = cli("suggest", server.url("/story.html"), "--outlet", "Outlet")
    assert code == 0, err
    queue = json.loads(cli("queue", "list", "--format", "json")[1])
    assert queue[0]["sources"][0]["published"] == "2024-10-21"
    assert any(f["value"] == "at least 1,500" for f in queue[0]["figures"])
