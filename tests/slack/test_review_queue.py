"""Editors follow feeds and work the review queue in Slack, one candidate at a time.

Through the real slack-bolt app against the Slack stand-in; feeds come from the intake
tests' local feed server and are polled as the background poller would poll them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.domain.newsroom import OUTSIDE_NEWSROOM
from tests.intake.polling import DAILY, WIRE, poll_once, serve_story
from tests.intake.server import ARTICLE_PAGE, FeedServer, rss
from tests.slack.conftest import (
    ADMIN,
    DIGEST_CHANNEL,
    EDITOR,
    READER,
    Answer,
    SlackWorld,
    running_world,
    text_input,
)
from tests.slack.test_corrections import _prefilled, correction_messages
from tests.slack.test_newsroom import OTHER_TEAM, OUTSIDER, said, snapshot
from tests.standins.slack.standin import SlackStandIn

EMPTY = "The review queue is empty: nothing is waiting for a decision."
YOON = "yoon-rutte-call-south-korea-will-not-stand-idle"


@pytest.fixture(autouse=True)
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    # The feed server listens on 127.0.0.1, which intake refuses unless told otherwise.
    monkeypatch.setenv("BRIEFBOT_INTAKE_ALLOW_PRIVATE", "1")


@pytest.fixture(autouse=True, params=["sqlite", "postgres"])
def on_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each story on both backends: the SQLite file, or a PostgreSQL database."""
    if request.param == "postgres":
        monkeypatch.setenv("BRIEFBOT_DATABASE_URL", request.getfixturevalue("postgres_url"))


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer().running() as running:
        yield running


async def follow(world: SlackWorld, server: FeedServer, *paths: str) -> None:
    for path in paths:
        name = path.strip("/").split(".")[0].capitalize()
        added = await world.command(EDITOR, f"feeds add <{server.url(path)}> {name}")
        assert said(added).startswith("Following feed "), added.text
        assert f"*{name}*" in said(added)


def context_line(answer: Answer) -> str:
    assert answer.response is not None
    (block,) = [b for b in answer.response["blocks"] if b["type"] == "context"]
    return str(block["elements"][0]["text"])


async def open_form(world: SlackWorld, card: Answer, action: str) -> tuple[dict[str, Any], str]:
    """Press a card's button that opens a form; the form and where its answer will go."""
    assert card.response is not None
    opened = len(world.standin.views)
    pressed = await world.press(EDITOR, card.response, f"intake_{action}", wait=False)
    await world.standin.wait_for(lambda: len(world.standin.views) > opened)
    return world.standin.views[-1], pressed.rid


async def answer_on(world: SlackWorld, rid: str) -> Answer:
    return Answer({}, await world.standin.wait_response(rid), rid)


async def test_two_feeds_one_story_approved_from_the_queue(
    socket_world: SlackWorld, server: FeedServer
) -> None:
    world = socket_world
    serve_story(server)
    await follow(world, server, WIRE, DAILY)
    listing = await world.command(EDITOR, "feeds list")
    assert "*1. Wire — http://127.0.0.1" in listing.text and "*2. Daily — " in listing.text
    assert "last success never" in listing.text

    assert (await poll_once(world.app)).new_candidates == (1,)
    card = await world.command(EDITOR, "queue")
    assert "*Reported by 2 outlets: " in card.text
    assert "at least 1,500" in card.text
    assert "South Korea's National Intelligence Service" in card.text
    assert context_line(card) == "Candidate 1 · 1 waiting for review"

    view, rid = await open_form(world, card, "approve")
    values = _prefilled(view)
    assert "Wire | https://news.example/w1" in values["sources"]["value"]
    assert "Daily | https://news.example/d1" in values["sources"]["value"]
    assert "at least 1,500 |" in values["figures"]["value"]
    bad = await world.submit(EDITOR, view, values | {"sources": text_input("Wire, no link")})
    assert bad["response_action"] == "errors" and set(bad["errors"]) == {"sources"}
    values["title"] = text_input("NIS: North Korea sends 1,500 special forces to Russia")
    assert await world.submit(EDITOR, view, values) == {}

    done = await answer_on(world, rid)
    assert said(done).startswith("Approved candidate 1: added `")
    assert EMPTY in done.text
    slug = said(done).split("`")[1]
    shown = await world.command(READER, f"show {slug}")
    assert "NIS: North Korea sends 1,500 special forces to Russia" in shown.text
    assert "at least 1,500" in shown.text and "Wire" in shown.text and "Daily" in shown.text
    found = await world.command(READER, 'search "sends 1,500 special forces"')
    assert "NIS: North Korea sends" in found.text

    # The same card pressed again (or by a second editor): one sentence, no second entry.
    before, views = await snapshot(world), len(world.standin.views)
    assert card.response is not None
    again = await world.press(EDITOR, card.response, "intake_approve")
    assert said(again) == "Candidate 1 was already approved; nothing changed."
    assert len(world.standin.views) == views and await snapshot(world) == before


async def test_reject_with_a_reason_and_the_story_does_not_come_back(
    world: SlackWorld, server: FeedServer
) -> None:
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await world.command(EDITOR, "queue")

    view, rid = await open_form(world, card, "reject")
    refused = await world.submit(EDITOR, view, {"reason": text_input("  ")})
    assert refused["response_action"] == "errors"
    assert refused["errors"]["reason"].startswith("say why the candidate is rejected")
    assert await world.submit(EDITOR, view, {"reason": text_input("already covered")}) == {}
    done = await answer_on(world, rid)
    assert said(done).startswith("Rejected candidate 1; the story will not come back.")

    # The same story from another outlet, polled later: it joins the rejected story.
    await follow(world, server, DAILY)
    assert (await poll_once(world.app)).new_candidates == ()
    assert said(await world.command(EDITOR, "queue")) == EMPTY


async def test_later_then_merge_into_an_entry_that_went_out_is_a_correction(
    socket_world: SlackWorld, server: FeedServer, clock: FixedClock
) -> None:
    world = socket_world
    await world.command(ADMIN, f"digest setup <#{DIGEST_CHANNEL}|digest> 08:00 Asia/Seoul")
    assert "Posted today's digest" in (await world.command(ADMIN, "digest now")).text
    serve_story(server)
    other = [("o1", "Sanctions on Pyongyang shipping widened", "North Korea sanctions widened.")]
    server.text("/other.xml", rss(other))
    await follow(world, server, WIRE)
    await poll_once(world.app)  # the wire story is candidate 1
    await follow(world, server, "/other.xml")
    await poll_once(world.app)
    first = await world.command(EDITOR, "queue")
    assert context_line(first) == "Candidate 1 · 2 waiting for review"

    clock.moment += timedelta(minutes=1)  # "later" is "behind everything queued until now"
    assert first.response is not None
    later = await world.press(EDITOR, first.response, "intake_later")
    assert said(later).startswith("Candidate 1 moved to the back of the queue.")
    assert context_line(later).startswith("Candidate 2 ·")
    clock.moment += timedelta(minutes=1)
    assert later.response is not None
    skipped = await world.press(EDITOR, later.response, "intake_later")
    assert context_line(skipped).startswith("Candidate 1 ·")

    world.bot.start_notices(clock.now())
    try:
        view, rid = await open_form(world, skipped, "merge")
        for typed, problem in (
            ("zzz nothing like it", "no entry matches 'zzz nothing like it'"),
            ("north korea", "'north korea' matches several entries: "),
        ):
            refused = await world.submit(EDITOR, view, {"entry": text_input(typed)})
            assert refused["errors"]["entry"].startswith(problem), refused
        # Typed like an autocomplete: part of the title is enough when one entry matches.
        assert await world.submit(EDITOR, view, {"entry": text_input("Rutte")}) == {}
        merged = await answer_on(world, rid)
        await world.standin.wait_for(lambda: correction_messages(world))
    finally:
        await world.bot.stop_notices()
    assert said(merged).startswith(
        f"Merged candidate 1 into `{YOON}` (revision 2), as a correction: every channel"
    )
    assert context_line(merged) == "Candidate 2 · 1 waiting for review"
    entry = await world.app.service.show(YOON)
    assert "Wire" in [source.name for source in entry.content.sources]
    assert len(correction_messages(world)) == 1
    assert "Corrected on " in (await world.command(READER, f"show {YOON}")).text


async def test_readers_and_other_workspaces_cannot_decide(
    socket_world: SlackWorld, server: FeedServer
) -> None:
    world = socket_world
    world.standin.users[OUTSIDER] = {"name": "mallory", "is_admin": True}
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await world.command(EDITOR, "queue")
    view, _ = await open_form(world, card, "approve")
    views, before = len(world.standin.views), await snapshot(world)
    assert card.response is not None

    for text in ("queue", "feeds list", f"feeds add {server.url(DAILY)}", "suggest x"):
        refused = await world.command(READER, text)
        assert said(refused).startswith("Only editors can do that"), text
    for action in ("approve", "merge", "reject", "later"):
        pressed = await world.press(READER, card.response, f"intake_{action}")
        assert said(pressed).startswith("Only editors can do that"), action
        elsewhere = await world.press(OUTSIDER, card.response, f"intake_{action}", team=OTHER_TEAM)
        assert said(elsewhere) == OUTSIDE_NEWSROOM, action
    ack = await world.submit(READER, view, _prefilled(view))
    assert ack["response_action"] == "errors"
    assert ack["errors"]["title"].startswith("Only editors can do that")

    assert len(world.standin.views) == views and await snapshot(world) == before
    assert context_line(await world.command(EDITOR, "queue")) == (
        "Candidate 1 · 1 waiting for review"
    )
    desk = world.bot.deps.intake_desk
    assert desk is not None
    assert [f.url for f in await desk.list_feeds()] == [server.url(WIRE)]


async def test_an_editor_suggests_a_link(socket_world: SlackWorld, server: FeedServer) -> None:
    world = socket_world
    server.text("/story.html", ARTICLE_PAGE, "text/html; charset=utf-8")
    url = server.url("/story.html")

    queued = await world.command(EDITOR, f"suggest <{url}> outlet=Outlet")
    assert said(queued) == ("Queued as candidate 1: NK troops in Russia. `/brief queue` shows it.")
    assert said(await world.command(EDITOR, f"suggest {url}")).startswith("Already seen: ")
    assert "*Reported by 1 outlet: Outlet*" in (await world.command(EDITOR, "queue")).text
    usage = await world.command(EDITOR, "feeds frobnicate")
    assert said(usage).startswith("Usage: `/brief feeds add &lt;url&gt;")


async def test_without_the_intranet_switch_private_addresses_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, standin: SlackStandIn, clock: FixedClock
) -> None:
    monkeypatch.delenv("BRIEFBOT_INTAKE_ALLOW_PRIVATE")  # as deployed: public feeds only
    async with running_world("socket", tmp_path, standin, clock) as world:
        for text in (
            "suggest http://169.254.169.254/latest/meta-data/",
            "feeds add http://127.0.0.1:8080/feed.xml",
            "feeds add <http://[::1]/feed.xml>",
        ):
            refused = await world.command(EDITOR, text)
            assert "is a private address" in said(refused), text
        assert "No feeds yet" in said(await world.command(EDITOR, "feeds list"))
