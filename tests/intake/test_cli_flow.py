"""The story of the issue: two feeds carry one story; an editor approves it from the queue.

Every story here runs on both backends: the operator's SQLite file and a PostgreSQL database
(``BRIEFBOT_DATABASE_URL``), through the same commands."""

from __future__ import annotations

import json

import pytest

from tests.core.conftest import NIS_SLUG, Cli
from tests.intake.server import OFF_TOPIC, REWRITE, STORY, FeedServer, rss


@pytest.fixture(params=["sqlite", "postgres"])
def cli(request: pytest.FixtureRequest, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    if request.param == "postgres":
        monkeypatch.setenv("BRIEFBOT_DATABASE_URL", request.getfixturevalue("postgres_url"))
    return cli


def test_two_feeds_one_story_to_an_approved_entry(cli: Cli, server: FeedServer) -> None:
    server.text(
        "/wire.xml",
        rss(
            [("w1", "NK sends 1,500 troops to Russia", STORY), ("w2", "Council budget", OFF_TOPIC)]
        ),
    )
    server.text("/daily.xml", rss([("d1", "North Korea troops in Russia, says NIS", REWRITE)]))
    assert cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")[0] == 0
    assert cli("feeds", "add", server.url("/daily.xml"), "--name", "Daily")[0] == 0

    code, out, err = cli("feeds", "poll", "--once")
    assert code == 0, err
    assert "Polled 2 feed(s), 0 failed; 1 new candidate(s)." in out

    code, out, _ = cli("queue", "list", "--format", "json")
    queue = json.loads(out)
    assert len(queue) == 1  # the off-topic item is not kept; the two reports are one story
    candidate = queue[0]
    assert sorted(s["name"] for s in candidate["sources"]) == ["Daily", "Wire"]
    troops = [f for f in candidate["figures"] if f["value"] == "at least 1,500"]
    assert troops and troops[0]["claimant"] == "South Korea's National Intelligence Service"
    assert "north-korea" in candidate["actors"] and "deployment" in candidate["topics"]

    code, out, err = cli("queue", "approve", str(candidate["id"]))
    assert code == 0, err
    slug = out.split("entry ")[1].split(" created")[0]
    code, out, _ = cli("show", slug)
    assert "at least 1,500" in out and "Wire" in out and "Daily" in out
    code, out, _ = cli("latest", "-n", "20")
    # The title is the first report stored (the two feeds are polled concurrently).
    assert candidate["title"] in out
    code, out, _ = cli("digest", "--since", "2000-01-01T00:00:00+00:00")
    assert candidate["title"] in out
    assert cli("queue", "list")[1].strip() == "The review queue is empty."


def test_same_items_polled_again_are_not_doubled(cli: Cli, server: FeedServer) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]), etag='"v1"')
    cli("feeds", "add", server.url("/wire.xml"))
    cli("feeds", "poll", "--once")
    out = cli("feeds", "poll", "--once")[1]  # answered 304 Not Modified
    assert "0 new candidate(s)" in out
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    assert "0 new candidate(s)" in cli("feeds", "poll", "--once")[1]  # same GUID, no ETag
    queue = json.loads(cli("queue", "list", "--format", "json")[1])
    assert len(queue) == 1 and len(queue[0]["sources"]) == 1
    listing = cli("feeds", "list")[1]
    assert "items seen 1" in listing and "last error: none" in listing


def test_rejected_story_does_not_come_back(cli: Cli, server: FeedServer) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    cli("feeds", "add", server.url("/wire.xml"))
    cli("feeds", "poll", "--once")
    assert cli("queue", "reject", "1", "--reason", " ")[2].startswith("briefbot: say why")
    assert cli("queue", "reject", "1", "--reason", "already covered")[0] == 0
    server.text("/daily.xml", rss([("d1", "North Korea troops in Russia, says NIS", REWRITE)]))
    cli("feeds", "add", server.url("/daily.xml"))
    cli("feeds", "poll", "--once")
    assert cli("queue", "list")[1].strip() == "The review queue is empty."
    code, _, err = cli("queue", "approve", "1")
    assert code == 1
    assert err.strip() == "briefbot: Candidate 1 was already rejected; nothing changed."


def test_merge_adds_sources_and_figures_to_an_entry(cli: Cli, server: FeedServer) -> None:
    cli("latest")  # the shipped briefs are loaded
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")
    cli("feeds", "poll", "--once")
    code, out, err = cli("queue", "merge", "1", "--into", NIS_SLUG)
    assert code == 0, err
    assert "revision 2" in out
    assert "Wire" in cli("show", NIS_SLUG)[1]


def test_later_sends_a_candidate_to_the_back(cli: Cli, server: FeedServer) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    server.text(
        "/b.xml",
        rss(
            [
                (
                    "b1",
                    "Sanctions on Pyongyang shipping firms widened",
                    OFF_TOPIC + " North Korea sanctions were widened by the EU.",
                )
            ]
        ),
    )
    cli("feeds", "add", server.url("/wire.xml"))
    cli("feeds", "add", server.url("/b.xml"))
    cli("feeds", "poll", "--once")
    first = [c["id"] for c in json.loads(cli("queue", "list", "--format", "json")[1])]
    assert len(first) == 2
    assert "moved to the back" in cli("queue", "later", str(first[0]))[1]
    again = [c["id"] for c in json.loads(cli("queue", "list", "--format", "json")[1])]
    assert again == [first[1], first[0]]


def test_a_feed_carrying_nul_characters_is_read_without_them(cli: Cli, server: FeedServer) -> None:
    # "&#0;" is a NUL once parsed; PostgreSQL text cannot hold one, so it is dropped everywhere.
    server.text("/wire.xml", rss([("w&#0;1", "NK sends 1,500&#0; troops to Russia", STORY)]))
    cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")

    code, out, err = cli("feeds", "poll", "--once")

    assert code == 0, err
    assert "Polled 1 feed(s), 0 failed; 1 new candidate(s)." in out
    [candidate] = json.loads(cli("queue", "list", "--format", "json")[1])
    assert candidate["title"] == "NK sends 1,500 troops to Russia"
    server.text("/wire.xml", rss([("w&#0;1", "NK sends 1,500&#0; troops to Russia", STORY)]))
    assert "0 new candidate(s)" in cli("feeds", "poll", "--once")[1]  # the same item again
