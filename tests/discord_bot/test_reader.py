"""A reader uses every /brief command in the Analysts server and sees what Discord would show."""

from __future__ import annotations

import asyncio

import pytest

from bot.adapters.discord import views
from tests.discord_bot.conftest import BotWorld

HUR = "ukraine-hur-corroborates-north-korean-deployment"
NIS = "nis-confirms-north-korean-special-forces-in-russia"
STATUS_LABELS = ("Confirmed", "Reported", "Unconfirmed claim", "Disputed", "Denied")


def has_status_label(text: str) -> bool:
    return any(label in text for label in STATUS_LABELS)


async def test_latest_shows_five_newest_as_coloured_cards_with_a_status_label(
    world: BotWorld,
) -> None:
    reply = await world.run(world.server.reader, "brief latest")

    assert not reply.ephemeral
    assert len(reply.embeds) == 5
    assert "Yoon" in reply.embeds[0]["title"]
    for card in reply.embeds:
        assert card["color"] in (0x2E7D32, 0x1565C0, 0xF9A825, 0xEF6C00, 0xC62828)
        assert has_status_label(card["description"])
    assert reply.buttons == [], "ten entries but only five asked for: no paging"


async def test_latest_count_topic_and_actor_filter(world: BotWorld) -> None:
    two = await world.run(world.server.reader, "brief latest", count=2)
    assert len(two.embeds) == 2

    munitions = await world.run(world.server.reader, "brief latest", count=25, topic="munitions")
    titles = [e["title"] for e in munitions.embeds]
    assert any("approximately 1.5 million artillery shells" in t for t in titles)
    assert not any("Rutte" in t for t in titles)

    nato = await world.run(world.server.reader, "brief latest", actor="nato")
    assert [e["title"] for e in nato.embeds] == [
        "Yoon reportedly tells NATO's Rutte that South Korea will not stand idle over North Korean "
        "troops in Russia"
    ]


async def test_latest_with_an_unknown_topic_is_answered_privately(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief latest", topic="weather")
    assert reply.ephemeral
    assert "unknown topic 'weather'" in reply.content


async def test_latest_pages_with_next_and_previous(world: BotWorld) -> None:
    reader = world.server.reader
    first = await world.run(reader, "brief latest", count=10)
    assert [b["label"] for b in first.buttons] == ["Previous", "Next"]
    assert first.button("Previous")["disabled"]
    first_titles = [e["title"] for e in first.embeds]

    second = await world.discord.click(first, "Next", member=reader)
    second_titles = [e["title"] for e in second.embeds]
    assert len(second_titles) == 5
    assert not set(first_titles) & set(second_titles)
    assert second.button("Next")["disabled"], "count=10: page 2 is the last"
    assert not second.button("Previous")["disabled"]

    back = await world.discord.click(second, "Previous", member=reader)
    assert [e["title"] for e in back.embeds] == first_titles


async def test_someone_else_cannot_turn_the_pages(world: BotWorld) -> None:
    s = world.server
    first = await world.run(s.reader, "brief latest", count=10)
    titles = [e["title"] for e in first.embeds]

    refused = await world.discord.click(first, "Next", member=s.admin)

    assert refused.ephemeral
    assert "Only the person who ran this command" in refused.content
    assert [e["title"] for e in world.discord.messages(s.channel)[-1].embeds] == titles


async def test_page_buttons_are_disabled_when_the_view_times_out(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views.Pager, "default_timeout", 0.3)
    first = await world.run(world.server.reader, "brief latest", count=10)
    assert not first.button("Next")["disabled"]

    message = world.discord.messages(world.server.channel)[-1]
    for _ in range(50):
        if all(b.get("disabled") for row in message.components for b in row["components"]):
            break
        await asyncio.sleep(0.05)
    assert first.button("Next")["disabled"] and first.button("Previous")["disabled"]
    assert len(first.embeds) == 5, "the page itself stays"


async def test_show_gives_the_whole_entry_with_source_buttons_and_revision(
    world: BotWorld,
) -> None:
    reply = await world.run(world.server.reader, "brief show", entry=HUR)

    embed = reply.embed
    assert embed["title"].startswith("Ukraine's HUR largely backs Seoul's findings")
    assert "🔵 Reported" in embed["description"]
    assert "importance 2/3" in embed["description"]
    assert "as many as 12,000 troops" in embed["description"], "the details are shown"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Event date"] == "19 October 2024, date inferred by the editor"
    assert "**as many as 12,000**" in fields["Figures"]
    assert "Unconfirmed claim" in fields["Figures"]
    assert "Unnamed Ukrainian military sources" in fields["Figures"]
    assert embed["footer"]["text"] == f"{HUR} · revision 1 · last edited by briefs/ files"
    # The only link is the outlet's home page: labelled as the outlet, never as the article.
    kyiv = reply.button("Kyiv Post (outlet home page)")
    assert kyiv["style"] == 5 and kyiv["url"] == "https://www.kyivpost.com/"
    assert fields["Sources"] == (
        "Kyiv Post, 21 Oct 2024 (no link to the article; the link is the outlet's home page)"
    )


async def test_show_of_an_unknown_entry_is_answered_privately(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief show", entry="no-such-entry")
    assert reply.ephemeral
    assert "no-such-entry" in reply.content


async def test_search_highlights_matches_and_pages(world: BotWorld) -> None:
    reader = world.server.reader
    reply = await world.run(reader, "brief search", query="troops")

    embed = reply.embed
    assert embed["title"] == "Search: troops"
    assert len(embed["fields"]) == 5
    assert all("**troops**" in f["value"] for f in embed["fields"])
    assert all(has_status_label(f["value"]) for f in embed["fields"])
    assert embed["footer"]["text"] == "Page 1"

    page2 = await world.discord.click(reply, "Next", member=reader)
    assert page2.embed["footer"]["text"] == "Page 2"
    assert {f["name"] for f in page2.embed["fields"]}.isdisjoint(f["name"] for f in embed["fields"])


async def test_search_without_results(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief search", query="zeppelin")
    assert reply.embed["description"] == "No results."
    assert reply.buttons == []


async def test_since_lists_entries_in_event_order(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief since", date="2024-10-20")

    assert reply.embed["title"] == "Since 20 October 2024"
    lines = reply.embed["description"].splitlines()
    assert len(lines) == 7
    assert all(line.startswith("`2024-10-21`") for line in lines)
    assert all(has_status_label(line) for line in lines)


async def test_since_with_a_bad_date(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief since", date="last tuesday")
    assert reply.ephemeral
    assert "use YYYY-MM-DD" in reply.content


async def test_timeline_from_to_actor(world: BotWorld) -> None:
    reply = await world.run(
        world.server.reader,
        "brief timeline",
        options={"from": "2024-10-18", "to": "2024-10-19", "actor": "ukraine"},
    )
    lines = reply.embed["description"].splitlines()
    assert [line[:12] for line in lines] == ["`2024-10-18`", "`2024-10-19`"]
    assert NIS in lines[0] and HUR in lines[1]


async def test_timeline_with_from_after_to(world: BotWorld) -> None:
    reply = await world.run(
        world.server.reader, "brief timeline", options={"from": "2024-10-21", "to": "2024-10-01"}
    )
    assert reply.ephemeral
    assert "start date is after the end date" in reply.content


async def test_figures_put_every_claim_side_by_side(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief figures")

    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    troops = fields["⚖️ North Korean troops deployed to Russia"]
    lines = troops.splitlines()
    # One claim with its relay, not the NIS and President Yoon as two confirmations.
    assert lines[0] == (
        "**at least 1,500** — South Korea's National Intelligence Service (NIS) (relayed by"
        " President Yoon Suk Yeol) · 🟢 Confirmed · 18 Oct 2024, date from public record"
    )
    assert len(lines) == 2
    assert (
        "**as many as 12,000** (North Korean troops that North Korea may have committed"
        in (lines[1])
    )
    assert "🟡 Unconfirmed claim · 19 Oct 2024, date inferred by the editor" in lines[1]
    assert any("**approximately 1.5 million**" in v for v in fields.values())


async def test_figures_for_one_subject(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief figures", subject="nk-troops-in-russia")
    assert [f["name"] for f in reply.embed["fields"]] == [
        "⚖️ North Korean troops deployed to Russia"
    ]
    # The chart of every claim, with a text alternative in the message and on the image.
    assert reply.message is not None
    (chart,) = reply.message.attachments
    assert chart.filename == "nk-troops-in-russia.png"
    assert chart.data.startswith(b"\x89PNG\r\n\x1a\n") and len(chart.data) > 10_000
    assert reply.content.startswith("Chart of North Korean troops deployed to Russia over time")
    assert "at least 1,500 — South Korea's National Intelligence Service (NIS)" in reply.content
    assert "as many as 12,000" in reply.content and "arrow down" in reply.content
    assert chart.description is not None and chart.description.startswith("Chart of North")

    unknown = await world.run(world.server.reader, "brief figures", subject="nk-tanks")
    assert unknown.ephemeral
    assert "No figures recorded for 'nk-tanks'" in unknown.content


async def test_help_lists_the_commands_privately(world: BotWorld) -> None:
    reply = await world.run(world.server.reader, "brief help")
    assert reply.ephemeral
    text = reply.embed["description"]
    for command in (
        "/brief latest",
        "/brief show",
        "/brief search",
        "/brief since",
        "/brief timeline",
        "/brief figures",
        "/brief-admin add",
    ):
        assert command in text


async def test_autocomplete_entry_topic_actor_subject_and_query(world: BotWorld) -> None:
    s = world.server
    d = world.discord

    async def offered(command: str, option: str, typed: str) -> list[tuple[str, str]]:
        choices = await d.autocomplete(s.guild, s.reader, command, focused=option, value=typed)
        return [(c["name"], c["value"]) for c in choices]

    assert await offered("brief show", "entry", "nis") == [
        ("South Korea's NIS publishes evidence of North Korean special forces sent to Russia", NIS)
    ]
    assert await offered("brief latest", "topic", "dep") == [("deployment", "deployment")]
    assert [v for _, v in await offered("brief latest", "actor", "kor")] == [
        "north-korea",
        "south-korea",
    ]
    assert [v for _, v in await offered("brief timeline", "actor", "nat")] == ["nato"]
    assert await offered("brief figures", "subject", "troops") == [
        ("North Korean troops deployed to Russia", "nk-troops-in-russia")
    ]
    titles = [name for name, _ in await offered("brief search", "query", "Zinoviev")]
    assert titles == [
        "Seoul summons Russian ambassador Georgy Zinoviev over North Korean troop deployment"
    ]
    assert all(
        len(n) <= 100 and len(v) <= 100 for n, v in await offered("brief search", "query", "a")
    )
