"""Editor stories: the add/edit form, delete with confirmation, import, editor groups."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from bot.brief_files import render_brief
from tests.slack.conftest import (
    ADMIN,
    BRIEF_CHANNEL,
    EDITOR,
    EDITOR_GROUP,
    READER,
    SlackWorld,
    day,
    multi,
    single,
    text_input,
)

NIS = "nis-confirms-north-korean-special-forces-in-russia"


def form(**overrides: Any) -> dict[str, Any]:
    values = {
        "title": text_input("Pyongyang <!channel> sends more shells & rockets"),
        "summary": text_input("Report <!here> says <@U123ABC> and <!subteam^S999|@all> agree."),
        "body": text_input(""),
        "sources": text_input("Yonhap | https://en.yna.co.kr/view/AEN2024"),
        "figures": text_input("2 million | artillery shells | South Korea's NIS | reported"),
        "topics": multi("munitions"),
        "actors": multi("north-korea", "russia"),
        "status": single("reported"),
        "importance": single("3"),
        "event_date": day("2026-11-28"),
    }
    values.update(overrides)
    return values


async def open_add_form(world: SlackWorld, user: str) -> dict[str, Any]:
    await world.command(user, "add", wait=False)
    await world.standin.wait_for(lambda: len(world.standin.views) >= 1)
    return world.standin.views[-1]


async def test_editor_adds_an_entry_through_the_form(world: SlackWorld) -> None:
    view = await open_add_form(world, EDITOR)  # a member of the editor user group
    assert view["callback_id"] == "brief_entry"
    ack = await world.submit(EDITOR, view, form())
    assert ack == {}
    await world.standin.wait_for(lambda: any(world.standin.responses.values()))
    entries = await world.app.service.entries()
    added = next(e for e in entries if e.title.startswith("Pyongyang"))
    assert added.created_by == f"eve ({EDITOR})"
    assert [f.display for f in added.content.figures] == ["2 million"]

    # Shown to everyone: the mention-looking text is escaped, never a ping (the stand-in
    # fixture fails the test on any ping it sees).
    shown = await world.command(READER, f"show {added.slug}")
    assert "&lt;!channel&gt;" in shown.text and "&amp;" in shown.text
    assert "&lt;@U123ABC&gt;" in shown.text and "&lt;!subteam^S999|@all&gt;" in shown.text
    latest = await world.command(READER, "latest 1")
    assert "&lt;!channel&gt;" in latest.text


async def test_form_problems_are_shown_next_to_their_fields(world: SlackWorld) -> None:
    view = await open_add_form(world, ADMIN)
    before = len(await world.app.service.entries())
    ack = await world.submit(
        ADMIN, view, form(sources=text_input("no url here"), figures=text_input("a | b"))
    )
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"sources", "figures"}
    assert len(await world.app.service.entries()) == before


async def test_readers_are_refused_editor_commands(world: SlackWorld) -> None:
    for text in ("add", f"edit {NIS}", f"delete {NIS}", f"history {NIS}"):
        answer = await world.command(READER, text)
        assert "Only editors can do that" in answer.text, text
    digest = await world.command(READER, "digest status")
    assert "Only workspace admins and owners can manage this workspace" in digest.text
    assert world.standin.views == []
    assert world.standin.called("views.open") == []


async def test_reader_submitting_a_form_is_refused(world: SlackWorld) -> None:
    view = await open_add_form(world, ADMIN)
    ack = await world.submit(READER, view, form())
    assert ack["response_action"] == "errors"
    assert "Only editors" in ack["errors"]["title"]


async def test_edit_is_prefilled_and_keeps_figure_values(world: SlackWorld) -> None:
    await world.command(ADMIN, f"edit {NIS}", wait=False)
    await world.standin.wait_for(lambda: len(world.standin.views) >= 1)
    view = world.standin.views[-1]
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    before = await world.app.service.show(NIS)
    assert blocks["title"]["initial_value"] == before.title
    values = {
        name: (
            text_input(element.get("initial_value", ""))
            if element["type"] == "plain_text_input"
            else multi(*[o["value"] for o in element.get("initial_options", [])])
            if element["type"] == "multi_static_select"
            else single(element["initial_option"]["value"])
            if element["type"] == "static_select"
            else day(element["initial_date"])
        )
        for name, element in blocks.items()
    }
    values["summary"] = text_input(before.content.summary + " Updated.")
    assert await world.submit(ADMIN, view, values) == {}
    after = await world.app.service.show(NIS)
    assert after.revision == before.revision + 1
    assert after.content.summary.endswith("Updated.")
    assert [f.value for f in after.content.figures] == [f.value for f in before.content.figures]
    # The form was opened on revision 1: submitting it again is refused, not overwritten.
    stale = await world.submit(ADMIN, view, values)
    assert stale["response_action"] == "errors"


async def test_delete_asks_then_deletes(world: SlackWorld) -> None:
    asked = await world.command(ADMIN, f"delete {NIS}")
    assert asked.response is not None and asked.response["response_type"] == "ephemeral"
    buttons = next(b for b in asked.response["blocks"] if b["type"] == "actions")["elements"]
    assert buttons[0]["confirm"]["confirm"]["text"] == "Delete"
    cancelled = await world.press(ADMIN, asked.response, "brief_cancel")
    assert "nothing changed" in cancelled.text
    assert not (await world.app.service.show(NIS)).is_deleted
    done = await world.press(ADMIN, asked.response, "brief_delete")
    assert done.response is not None and done.response["replace_original"] is True
    assert "Deleted" in done.text
    gone = await world.command(READER, f"show {NIS}")
    assert "error id" not in gone.text and "Sources" not in gone.text
    history = await world.command(ADMIN, f"history {NIS}")
    assert "*delete* by ada" in history.text


async def test_import_a_shared_zip(world: SlackWorld) -> None:
    entry = await world.app.service.show(NIS)
    content = entry.content.__class__(
        **{**{f: getattr(entry.content, f) for f in entry.content.__slots__}, "slug": "copy-1"}
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("briefs/copy-1.md", render_brief(content))
    world.standin.share_file(
        "F0ZIPFILE1", "briefs.zip", archive.getvalue(), user=EDITOR, channel=BRIEF_CHANNEL
    )
    link = "https://newsroom.slack.com/files/UADMIN001/F0ZIPFILE1/briefs.zip"
    answer = await world.command(ADMIN, f"import <{link}>")
    assert "Imported 1 new, 0 updated, 0 unchanged." in answer.text
    assert (await world.app.service.show("copy-1")).created_by == f"ada ({ADMIN})"


async def test_import_refuses_an_oversized_file_without_downloading(world: SlackWorld) -> None:
    world.standin.share_file(
        "F0BIGFILE1", "huge.md", b"x" * (300 * 1024), user=ADMIN, channel=BRIEF_CHANNEL
    )
    answer = await world.command(ADMIN, "import F0BIGFILE1")
    assert "Nothing was imported" in answer.text and "at most" in answer.text
    assert world.standin.downloads == []


async def test_editor_groups(world: SlackWorld) -> None:
    other = "SOTHERS01"
    world.standin.usergroups[other] = [READER]
    assert "Only editors" in (await world.command(READER, f"history {NIS}")).text
    added = await world.command(ADMIN, f"editors add <!subteam^{other}|@others>")
    assert other in added.text
    assert "Only editors" not in (await world.command(READER, f"history {NIS}")).text
    listed = await world.command(ADMIN, "editors")
    assert EDITOR_GROUP in listed.text and other in listed.text
    await world.command(ADMIN, f"editors remove {other}")
    assert "Only editors" in (await world.command(READER, f"history {NIS}")).text
