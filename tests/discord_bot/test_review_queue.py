"""Editors follow feeds and work the review queue in Discord, one candidate at a time.

Driven through the real bot against the Discord stand-in; feeds come from the intake tests'
local feed server and are polled as the background poller would poll them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.clock import FixedClock
from bot.settings import Settings
from bot.usecases.intake_desk import NO_INTAKE
from tests.discord_bot.conftest import BRIEFS, BotWorld, make_deps
from tests.discord_bot.helpers import FIGURES, SOURCES, TITLE, modal_values
from tests.discord_bot.test_corrections import YOON, notices, post_todays_digest
from tests.discord_digest.conftest import eventually
from tests.intake.polling import DAILY, WIRE, poll_once, serve_story
from tests.intake.server import ARTICLE_PAGE, FeedServer, rss
from tests.slack.conftest import EDITOR, running_world, standin, text_input  # noqa: F401
from tests.slack.test_newsroom import said as slack_said
from tests.slack.test_review_queue import answer_on, open_form
from tests.standins.discord import MANAGE_GUILD, Reply, running_bot
from tests.standins.discord import interactions as ix
from tests.standins.slack.standin import SlackStandIn

EMPTY = "The review queue is empty: nothing is waiting for a decision."


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Each story on both backends: the SQLite file, or a PostgreSQL database."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    # The feed server listens on 127.0.0.1, which intake refuses unless told otherwise.
    return Settings.from_env(
        BRIEFBOT_DATABASE_URL=url,
        BRIEFBOT_DB=tmp_path / "bot.sqlite3",
        BRIEFBOT_BRIEFS_DIR=BRIEFS,
        BRIEFBOT_INTAKE_ALLOW_PRIVATE=True,
    )


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer().running() as running:
        yield running


async def follow(world: BotWorld, server: FeedServer, *paths: str) -> None:
    for path in paths:
        name = path.strip("/").split(".")[0].capitalize()
        admin, url = world.server.admin, server.url(path)
        added = await world.run(admin, "brief-admin feeds add", url=url, options={"name": name})
        assert added.content.startswith("Following feed "), added.content
        assert f"**{name}**" in added.content and added.ephemeral


async def open_queue(world: BotWorld) -> Reply:
    reply = await world.run(world.server.admin, "brief-admin queue")
    assert reply.ephemeral
    return reply


async def test_two_feeds_one_story_approved_from_the_queue(
    world: BotWorld, server: FeedServer
) -> None:
    s = world.server
    serve_story(server)
    await follow(world, server, WIRE, DAILY)
    listing = await world.run(s.admin, "brief-admin feeds list")
    assert [f["name"].split(" — ")[0] for f in listing.embed["fields"]] == ["1. Wire", "2. Daily"]
    assert "last success never" in listing.embed["fields"][0]["value"]
    for who, offered in ((s.admin, [{"name": "2. Daily", "value": "2"}]), (s.reader, [])):
        choices = await world.discord.autocomplete(
            s.guild, who, "brief-admin feeds pause", focused="feed", value="dai"
        )
        assert choices == offered  # readers are not shown the newsroom's feeds

    assert (await poll_once(world.app)).new_candidates == (1,)
    card = await open_queue(world)

    assert card.embed["description"].startswith("Reported by 2 outlets: ")
    fields = {f["name"]: f["value"] for f in card.embed["fields"]}
    assert "at least 1,500" in fields["Figures"]
    assert "South Korea's National Intelligence Service" in fields["Figures"]
    assert "🔵 Reported" in fields["Figures"] or "🟢 Confirmed" in fields["Figures"]
    assert card.embed["footer"]["text"] == "Candidate 1 · 1 waiting for review"
    assert [b["label"] for b in card.buttons] == ["Approve", "Merge", "Reject", "Later"]

    form = await world.discord.click(card, "Approve")
    typed = modal_values(form)
    assert typed[TITLE] == card.embed["title"]
    assert "Wire | https://news.example/w1" in typed[SOURCES]
    assert "Daily | https://news.example/d1" in typed[SOURCES]
    assert "at least 1,500 |" in typed[FIGURES]
    bad = await world.discord.submit_modal(form, typed | {SOURCES: "Wire, no link"})
    assert "Nothing was saved" in bad.content
    reopened = await world.discord.click(bad, "Fix and resubmit")
    assert modal_values(reopened)[SOURCES] == "Wire, no link"  # as typed
    typed[TITLE] = "NIS: North Korea sends 1,500 special forces to Russia"
    saved = await world.discord.submit_modal(reopened, typed)

    assert saved.content.startswith("Approved candidate 1: added `")
    assert EMPTY in saved.content
    slug = saved.content.split("`")[1]
    shown = await world.run(s.reader, "brief show", entry=slug)
    assert shown.embed["title"].endswith("NIS: North Korea sends 1,500 special forces to Russia")
    text = str(shown.embeds) + str(shown.buttons)
    assert "at least 1,500" in text and "Wire" in text and "Daily" in text
    found = await world.run(s.reader, "brief search", query='"sends 1,500 special forces"')
    assert "NIS: North Korea sends" in str(found.embeds)

    # The same card pressed again (or by a second editor): one sentence, no second entry.
    before = await world.snapshot()
    again = await world.discord.click(card, "Approve")
    assert again.content == "Candidate 1 was already approved; nothing changed."
    assert again.modal is None and await world.snapshot() == before


async def test_reject_with_a_reason_and_the_story_does_not_come_back(
    world: BotWorld, server: FeedServer
) -> None:
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await open_queue(world)

    form = await world.discord.click(card, "Reject")
    assert form.modal is not None and form.modal["title"] == "Reject candidate 1"
    done = await world.discord.submit_modal(
        form, {"Why? (kept, so the story does not come back)": "already covered"}
    )
    assert done.content.startswith("Rejected candidate 1; the story will not come back.")
    assert EMPTY in done.content

    # The same story from another outlet, polled later: it joins the rejected story.
    await follow(world, server, DAILY)
    assert (await poll_once(world.app)).new_candidates == ()
    assert (await open_queue(world)).content == EMPTY


async def test_later_then_merge_into_an_entry_that_went_out_is_a_correction(
    world: BotWorld, server: FeedServer, clock: FixedClock
) -> None:
    s = world.server
    await post_todays_digest(world)  # the YOON entry went out in this server's digest
    serve_story(server)
    server.text(
        "/other.xml",
        rss([("o1", "Sanctions on Pyongyang shipping widened", "North Korea sanctions widened.")]),
    )
    await follow(world, server, WIRE)
    await poll_once(world.app)  # the wire story is candidate 1
    await follow(world, server, "/other.xml")
    await poll_once(world.app)
    first = await open_queue(world)
    assert first.embed["footer"]["text"] == "Candidate 1 · 2 waiting for review"

    clock.moment += timedelta(minutes=1)  # "later" is "behind everything queued until now"
    later = await world.discord.click(first, "Later")
    assert later.content == "Candidate 1 moved to the back of the queue."
    assert later.embed["footer"]["text"].startswith("Candidate 2 ·")
    clock.moment += timedelta(minutes=1)
    skipped = await world.discord.click(later, "Later")
    assert skipped.embed["footer"]["text"].startswith("Candidate 1 ·")

    form = await world.discord.click(skipped, "Merge")
    assert form.modal is not None
    into = {"Into which entry? (slug, id or title words)": YOON}
    merged = await world.discord.submit_modal(form, into)
    assert merged.content.startswith(
        f"Merged candidate 1 into `{YOON}` (revision 2), as a correction: every channel"
    )
    assert merged.embed["footer"]["text"] == "Candidate 2 · 1 waiting for review"
    entry = await world.app.service.show(YOON)
    assert "Wire" in [src.name for src in entry.content.sources]
    await eventually(lambda: notices(world), 10, "the correction notice")
    assert notices(world) == [f"correction · entry {entry.id} · r2"]
    shown = await world.run(s.reader, "brief show", entry=YOON)
    assert "Corrected on " in shown.embed["description"]


async def test_readers_and_other_servers_cannot_decide(world: BotWorld, server: FeedServer) -> None:
    s = world.server
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await open_queue(world)
    before = await world.snapshot()

    for command in ("brief-admin queue", "brief-admin feeds list"):
        refused = await world.run(s.reader, command)
        assert refused.content.startswith("Only editors can do that"), command
    for label in ("Approve", "Merge", "Reject", "Later"):
        pressed = await world.discord.click(card, label, member=s.reader)
        assert pressed.content.startswith("Only editors can do that"), label
        assert pressed.modal is None

    # The card's custom_id replayed from another server, by that server's admin.
    other = world.discord.add_guild("Anyone's server")
    channel = other.add_text_channel("general")
    intruder = other.add_member("other-admin", permissions=MANAGE_GUILD)
    await world.discord.flush()
    record = world.discord._interaction(
        ix.MESSAGE_COMPONENT,
        other,
        intruder,
        channel,
        {"custom_id": card.button("Later")["custom_id"], "component_type": 2},
        card.message,
    )
    replayed = await world.discord.wait_reply(record)
    assert replayed.content == "Editing happens only in the newsroom server; ask its editors."

    assert await world.snapshot() == before
    assert (await open_queue(world)).embed["footer"]["text"].startswith("Candidate 1 ·")


async def test_a_card_still_works_after_a_restart(
    world: BotWorld, server: FeedServer, clock: FixedClock
) -> None:
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await open_queue(world)

    await world.bot.close()
    deps = make_deps(world.app, clock, newsroom=world.server.guild)
    async with running_bot(BriefingBot(deps, guild_ready_timeout=0.1), world.discord):
        pressed = await world.discord.click(card, "Later")
        assert pressed.content.startswith("Candidate 1 moved to the back of the queue.")


async def test_an_editor_suggests_a_link_and_bad_links_change_nothing(
    world: BotWorld, server: FeedServer
) -> None:
    admin = world.server.admin
    server.text("/story.html", ARTICLE_PAGE, "text/html; charset=utf-8")
    url = server.url("/story.html")

    queued = await world.run(admin, "brief-admin suggest", url=url, outlet="Outlet")
    assert queued.content == (
        "Queued as candidate 1: NK troops in Russia. `/brief-admin queue` shows it."
    )
    again = await world.run(admin, "brief-admin suggest", url=url)
    assert again.content.startswith("Already seen: ")
    card = await open_queue(world)
    assert card.embed["description"].startswith("Reported by 1 outlet: Outlet")

    for bad, said in (
        ("file:///etc/passwd", "only http:// and https:// addresses can be fetched"),
        (server.url("/missing.html"), "the server answered HTTP 404"),
    ):
        refused = await world.run(admin, "brief-admin suggest", url=bad)
        assert said in refused.content and refused.ephemeral, refused.content
    bad_feed = await world.run(admin, "brief-admin feeds add", url="javascript:alert(1)")
    assert bad_feed.content == "only http:// and https:// addresses can be fetched"
    unknown = await world.run(admin, "brief-admin feeds pause", feed="42")
    assert unknown.content.startswith("no feed '42'")
    assert (await open_queue(world)).embed["footer"]["text"] == "Candidate 1 · 1 waiting for review"
    assert (await world.run(admin, "brief-admin feeds list")).content.startswith("No feeds yet")


async def test_two_editors_approving_at_once_make_one_entry(
    world: BotWorld, server: FeedServer
) -> None:
    s = world.server
    other = s.guild.add_member("second-editor", permissions=MANAGE_GUILD)
    await world.discord.flush()
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await open_queue(world)
    before = len(await world.app.service.entries())

    forms = [await world.discord.click(card, "Approve", member=who) for who in (s.admin, other)]
    answers = await asyncio.gather(
        *(world.discord.submit_modal(form, modal_values(form)) for form in forms)
    )

    contents = sorted(a.content.splitlines()[0] for a in answers)
    assert contents[0].startswith("Approved candidate 1: added `")
    assert contents[1] == "Candidate 1 was already approved; nothing changed."
    assert len(await world.app.service.entries()) == before + 1


async def test_a_form_saved_after_slack_rejected_the_candidate_creates_nothing(
    world: BotWorld,
    server: FeedServer,
    settings: Settings,
    clock: FixedClock,
    standin: SlackStandIn,  # noqa: F811  (the Slack stand-in fixture, imported)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The approve form is open on Discord; meanwhile an editor rejects the candidate on
    Slack (the real Slack app, its own process's handle on the same database); the Discord
    form is then saved: one sentence, no entry."""
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await open_queue(world)
    form = await world.discord.click(card, "Approve")

    if settings.database_url is not None:  # the Slack side opens the same database
        monkeypatch.setenv("BRIEFBOT_DATABASE_URL", settings.database_url.get_secret_value())
    async with running_world("http", tmp_path, standin, clock) as slack:
        slack_card = await slack.command(EDITOR, "queue")
        view, rid = await open_form(slack, slack_card, "reject")
        assert await slack.submit(EDITOR, view, {"reason": text_input("already covered")}) == {}
        assert slack_said(await answer_on(slack, rid)).startswith("Rejected candidate 1")
    before = await world.snapshot()

    saved = await world.discord.submit_modal(form, modal_values(form))

    assert saved.content == "Candidate 1 was already rejected; nothing changed."
    assert saved.ephemeral and await world.snapshot() == before


async def test_control_characters_typed_into_intake_are_refused_alike_on_every_backend(
    world: BotWorld, server: FeedServer
) -> None:
    """A NUL (PostgreSQL cannot store it) or an escape typed into a feed's name, an address,
    a feed reference, an outlet, a reject reason or a merge target: one sentence, nothing
    stored, the same on SQLite and PostgreSQL."""
    admin = world.server.admin
    serve_story(server)
    await follow(world, server, WIRE)
    await poll_once(world.app)
    card = await open_queue(world)
    before = await world.snapshot()
    nul = "the {} contains a control character (U+0000); type it again without it"

    typed: list[tuple[str, dict[str, Any]]] = [
        ("brief-admin feeds add", {"url": server.url(DAILY), "options": {"name": "Dai\x00ly"}}),
        ("brief-admin feeds add", {"url": server.url(DAILY) + "\x00"}),
        ("brief-admin feeds add", {"url": server.url(DAILY), "options": {"include": "\x1b[2J"}}),
        ("brief-admin feeds pause", {"feed": "1\x00"}),
        ("brief-admin suggest", {"url": server.url("/story.html"), "outlet": "Out\x00let"}),
    ]
    said = [(await world.run(admin, command, **options)).content for command, options in typed]
    assert said == [
        nul.format("feed name"),
        nul.format("address"),
        "the include or exclude word contains a control character (U+001B);"
        " type it again without it",
        nul.format("feed"),
        nul.format("outlet"),
    ]

    reject = await world.discord.click(card, "Reject")
    why = "Why? (kept, so the story does not come back)"
    refused = await world.discord.submit_modal(reject, {why: "dupe\x00"})
    assert refused.content == nul.format("reason")
    merge = await world.discord.click(card, "Merge")
    into = "Into which entry? (slug, id or title words)"
    refused = await world.discord.submit_modal(merge, {into: "nis\x00"})
    assert refused.content == nul.format("entry")

    assert await world.snapshot() == before
    assert (await open_queue(world)).embed["footer"]["text"] == "Candidate 1 · 1 waiting for review"
    listing = await world.run(admin, "brief-admin feeds list")
    assert [f["name"].split(" — ")[0] for f in listing.embed["fields"]] == ["1. Wire"]


async def test_where_intake_cannot_run_the_commands_say_so(
    world: BotWorld, clock: FixedClock
) -> None:
    """On PostgreSQL the host builds no intake desk (intake needs SQLite for now)."""
    await world.bot.close()
    deps = replace(make_deps(world.app, clock, newsroom=world.server.guild), intake_desk=None)
    async with running_bot(BriefingBot(deps, guild_ready_timeout=0.1), world.discord):
        for command in ("brief-admin queue", "brief-admin feeds list"):
            reply = await world.run(world.server.admin, command)
            assert reply.content == NO_INTAKE and reply.ephemeral
