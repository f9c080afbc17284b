"""Spoofing on Slack: smuggled links and hidden characters refused; no masked link renders."""

from __future__ import annotations

import dataclasses
import re

from bot.domain.entries import Source
from bot.domain.text_safety import is_hidden
from bot.storage.entry_store import EntryStore
from tests.discord_bot.test_spoofing import EVIL_URL
from tests.factories import raw_entry
from tests.slack.conftest import ADMIN, DIGEST_CHANNEL, EDITOR, READER, SlackWorld, text_input
from tests.slack.test_editor import form, open_add_form

# Slack's link syntax is ``<url|text>``; typed into a summary, and spanning lines.
SPANNING_LINK = "Read the <https://evil.example/login|Official\nNIS statement> now."
# A link as Slack reads one in mrkdwn: an unescaped ``<``, a target, ``|``, a label, ``>``.
ENCODED = "https://ok.example/x%29%5BOfficial_NIS_statement%5D%28https://evil.example%3Ex%7Cy"
SLACK_LINK = re.compile(r"<([^<>|]*)\|([^<>]*)>")


async def test_the_link_injecting_source_is_refused_next_to_the_sources_field(
    world: SlackWorld,
) -> None:
    view = await open_add_form(world, EDITOR)
    before = len(await world.app.service.entries())

    ack = await world.submit(EDITOR, view, form(sources=text_input(f"NIS | {EVIL_URL}")))

    assert ack["response_action"] == "errors"
    assert ack["errors"] == {
        "sources": "sources[1].url: contains '[', which is not allowed in a web address "
        "(write it as %5B)"
    }
    assert len(await world.app.service.entries()) == before


async def test_hidden_characters_are_refused_next_to_their_fields(world: SlackWorld) -> None:
    view = await open_add_form(world, EDITOR)
    typed = form(
        title=text_input("NIS \u202etnemetats\u202c"),
        figures=text_input("1,500\u200b | North Korean troops | NIS | confirmed"),
    )

    ack = await world.submit(EDITOR, view, typed)

    assert ack["response_action"] == "errors"
    assert (
        "contains an invisible or direction-changing character (U+202E)" in (ack["errors"]["title"])
    )
    assert (
        "figures[1].display: contains an invisible or direction-changing character (U+200B)"
        in (ack["errors"]["figures"])
    )


async def test_show_and_the_posted_digest_render_no_smuggled_link(world: SlackWorld) -> None:
    service = world.app.service
    added = await service.add(
        raw_entry(slug="slack-masked", title="Masked", summary=SPANNING_LINK, importance=3), "ed"
    )
    # Stored before addresses were checked: the renderer alone must keep it one link.
    legacy = dataclasses.replace(
        added.content, sources=(Source("NIS|https://evil.example/2", EVIL_URL + ">x|y"),)
    )
    await EntryStore(world.app.database).edit(added.slug, legacy, "old-import", service.clock.now())

    shown = await world.command(READER, f"show {added.slug}")
    await world.command(ADMIN, f"digest setup <#{DIGEST_CHANNEL}|digest> 08:00 Asia/Seoul")
    await world.command(ADMIN, "digest now")

    [posted] = world.standin.messages[DIGEST_CHANNEL]
    digest_text = str(posted["blocks"])
    for text in (shown.text, digest_text):
        assert "Read the &lt;https://evil.example/login|Official\nNIS statement&gt; now" in (
            text.replace("\\n", "\n")
        )
        links = SLACK_LINK.findall(text)
        assert links, "the source is still one link"
        assert all(not target.startswith("https://evil.example") for target, _ in links)
        assert (ENCODED, "NIS|https://evil.example/2") in links  # the label is just text


async def test_an_entry_stored_before_these_rules_shows_no_hidden_characters(
    world: SlackWorld,
) -> None:
    service = world.app.service
    clean = await service.add(raw_entry(slug="stored-long-ago"), "editor")
    legacy = dataclasses.replace(
        clean.content,
        title="NIS \u202etnemetats\u202c on troops",
        summary="Seen\u200b in\u2066 Kursk.",
        sources=(Source("Kyiv\u2067 Post", "https://www.kyivpost.com/a b"),),
    )
    await EntryStore(world.app.database).edit(clean.slug, legacy, "old-import", service.clock.now())

    shown = await world.command(READER, f"show {clean.slug}")

    assert "NIS tnemetats on troops" in shown.text and "Seen in Kursk." in shown.text
    assert "<https://www.kyivpost.com/a%20b|Kyiv Post>" in shown.text
    assert [hex(ord(c)) for c in shown.text if is_hidden(c)] == []
