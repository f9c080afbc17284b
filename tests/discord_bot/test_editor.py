"""An editor adds, edits, deletes, restores, reviews and imports entries, and names editors."""

from __future__ import annotations

from tests.discord_bot.conftest import SEEDED, BotWorld
from tests.discord_bot.helpers import (
    ADD_OPTIONS,
    FIGURES,
    SOURCES,
    SUMMARY,
    TITLE,
    form,
    modal_values,
    zipped,
)
from tests.factories import brief_file

SHELLS = "north-korean-shells-and-missiles-for-russia"
NEW_SLUG = "north-korean-engineers-reported-in-kursk"


async def test_add_through_the_form_then_everyone_can_show_it(world: BotWorld) -> None:
    s = world.server
    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    assert opened.modal is not None and opened.modal["title"] == "New briefing entry"

    saved = await world.discord.submit_modal(opened, form(), member=s.admin)

    assert saved.ephemeral
    assert saved.content == f"Added `{NEW_SLUG}` (revision 1)."
    entry = await world.app.service.show(NEW_SLUG)
    assert entry.content.importance == 3
    assert entry.content.topics == ("deployment", "intelligence")
    assert str(entry.content.event_date) == "2026-11-27"
    assert entry.content.figures[0].value == 1000

    shown = await world.run(s.reader, "brief show", entry=NEW_SLUG)
    assert shown.embed["title"] == "North Korean engineers reported in Kursk"
    assert "🔵 Reported" in shown.embed["description"]
    assert shown.embed["footer"]["text"] == (
        f"{NEW_SLUG} · revision 1 · last edited by admin ({s.admin.id})"
    )
    assert shown.button("Kyiv Post")["url"] == "https://www.kyivpost.com/post/1"
    latest = await world.run(s.reader, "brief latest", count=1)
    assert latest.embed["title"] == "North Korean engineers reported in Kursk"


async def test_edit_opens_the_form_prefilled_and_saves_revision_two(world: BotWorld) -> None:
    s = world.server
    opened = await world.run(s.admin, "brief-admin edit", entry=SHELLS)

    typed = modal_values(opened)
    assert typed[TITLE].startswith("North Korea has shipped approximately 1.5 million")
    assert "Kyiv Post | https://" in typed[SOURCES]
    assert "more than a third | Share of all munitions" in typed[FIGURES]

    changed = dict(typed)
    changed[SUMMARY] = typed[SUMMARY] + " Updated by the desk."
    saved = await world.discord.submit_modal(opened, changed, member=s.admin)
    assert saved.content == f"Saved `{SHELLS}` (revision 2)."

    entry = await world.app.service.show(SHELLS)
    assert entry.content.summary.endswith("Updated by the desk.")
    before = {
        f.subject: f.value for f in (await world.app.service.history(SHELLS))[0].content.figures
    }
    after = {f.subject: f.value for f in entry.content.figures}
    assert after == before, "numbers the form cannot show are kept"
    assert [(f.qualifier.value, f.unit) for f in entry.content.figures] == [
        ("about", "shells and missiles"),
        ("more_than", "share of munitions fired"),
        ("exactly", "ratio of Russian to Ukrainian fire"),
    ], "so are hedges and units"
    assert entry.content.event_date_basis.value == "report"
    assert all(src.published is not None for src in entry.content.sources)

    history = await world.run(s.admin, "brief-admin history", entry=SHELLS)
    assert history.ephemeral
    lines = history.embed["description"].splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("r2 · <t:")
    assert f"**edit** by admin ({s.admin.id}): summary" in lines[1]
    assert "**add** by briefs/ files" in lines[0]


async def test_delete_asks_first_then_hides_the_entry_and_restore_brings_it_back(
    world: BotWorld,
) -> None:
    s = world.server
    question = await world.run(s.admin, "brief-admin delete", entry=SHELLS)
    assert question.ephemeral
    assert "Delete **North Korea has shipped" in question.content
    assert [b["label"] for b in question.buttons] == ["Delete", "Cancel"]

    done = await world.discord.click(question, "Delete", member=s.admin)
    assert done.content.startswith(f"Deleted `{SHELLS}`")
    assert done.buttons == []

    titles = await every_latest_title(world)
    assert len(titles) == SEEDED - 1
    assert not any("1.5 million artillery shells" in t for t in titles)
    gone = await world.run(s.reader, "brief show", entry=SHELLS)
    assert gone.ephemeral

    restored = await world.run(s.admin, "brief-admin restore", entry=SHELLS)
    assert restored.ephemeral
    assert restored.content == f"Restored `{SHELLS}` (revision 3)."
    back = await world.run(s.reader, "brief show", entry=SHELLS)
    assert "revision 3" in back.embed["footer"]["text"]

    history = await world.run(s.admin, "brief-admin history", entry=SHELLS)
    description = history.embed["description"]
    assert "**delete** by admin" in description and "**restore** by admin" in description


async def every_latest_title(world: BotWorld) -> list[str]:
    """Page through /brief latest count:25 as the reader."""
    reader = world.server.reader
    page = await world.run(reader, "brief latest", count=25)
    titles = [e["title"] for e in page.embeds]
    while page.buttons and not page.button("Next")["disabled"]:
        page = await world.discord.click(page, "Next", member=reader)
        titles += [e["title"] for e in page.embeds]
    return titles


async def test_cancelled_delete_changes_nothing(world: BotWorld) -> None:
    s = world.server
    before = await world.snapshot()
    question = await world.run(s.admin, "brief-admin delete", entry=SHELLS)
    cancelled = await world.discord.click(question, "Cancel", member=s.admin)
    assert cancelled.content == "Cancelled; nothing changed."
    assert await world.snapshot() == before


async def test_import_a_markdown_file(world: BotWorld) -> None:
    s = world.server
    upload = world.discord.upload("new.md", brief_file("seoul-protests", "Seoul protests"))

    reply = await world.run(s.admin, "brief-admin import", file=upload)

    assert reply.ephemeral
    assert "Imported 1 new, 0 updated, 0 unchanged." in reply.content
    shown = await world.run(s.reader, "brief show", entry="seoul-protests")
    assert shown.embed["title"] == "Seoul protests"


async def test_import_a_zip_of_brief_files(world: BotWorld) -> None:
    s = world.server
    archive = zipped(
        {
            "briefs/one.md": brief_file("first-import", "First import"),
            "briefs/two.md": brief_file("second-import", "Second import"),
            "briefs/README.md": b"# not a brief",
        }
    )
    reply = await world.run(
        s.admin, "brief-admin import", file=world.discord.upload("briefs.zip", archive)
    )
    assert "Imported 2 new, 0 updated, 0 unchanged." in reply.content
    assert len(await world.snapshot()) == SEEDED + 2


async def test_import_with_a_bad_file_imports_nothing_and_lists_every_problem(
    world: BotWorld,
) -> None:
    s = world.server
    before = await world.snapshot()
    archive = zipped(
        {
            "good.md": brief_file("good-one", "Good one"),
            "bad.md": brief_file("bad-one", "Bad one", url="ftp://example.org/x"),
            "broken.md": b"---\ntitle: [unclosed\n---\n",
        }
    )
    reply = await world.run(
        s.admin, "brief-admin import", file=world.discord.upload("mixed.zip", archive)
    )

    assert reply.ephemeral
    assert reply.content.startswith("Nothing was imported:")
    assert "• bad.md: sources[1].url: must start with http:// or https://" in reply.content
    assert "• broken.md: " in reply.content
    assert await world.snapshot() == before


async def test_import_of_a_file_that_is_not_a_brief(world: BotWorld) -> None:
    s = world.server
    reply = await world.run(
        s.admin, "brief-admin import", file=world.discord.upload("notes.txt", b"hello")
    )
    assert "Nothing was imported:" in reply.content
    assert "notes.txt: not a brief file" in reply.content


async def test_an_editor_role_lets_its_members_edit(world: BotWorld) -> None:
    s = world.server
    desk = s.guild.add_role("Desk")
    analyst = s.guild.add_member("analyst", roles=[desk])
    await world.discord.flush()

    refused = await world.run(analyst, "brief-admin add", **ADD_OPTIONS)
    assert refused.ephemeral and "Only editors can do that" in refused.content

    named = await world.run(s.admin, "brief-admin editors add", role=desk)
    assert named.ephemeral
    assert f"<@&{desk.id}>" in named.content

    opened = await world.run(analyst, "brief-admin add", **ADD_OPTIONS)
    saved = await world.discord.submit_modal(opened, form(), member=analyst)
    assert saved.content == f"Added `{NEW_SLUG}` (revision 1)."
    entry = await world.app.service.show(NEW_SLUG)
    assert entry.created_by == f"analyst ({analyst.id})"

    removed = await world.run(s.admin, "brief-admin editors remove", role=desk)
    assert "no longer an editor role" in removed.content
    again = await world.run(analyst, "brief-admin delete", entry=NEW_SLUG)
    assert again.ephemeral and "Only editors can do that" in again.content


async def test_everyone_cannot_be_the_editor_role(world: BotWorld) -> None:
    s = world.server
    reply = await world.run(s.admin, "brief-admin editors add", role=s.guild.everyone)
    assert reply.ephemeral
    assert "@everyone cannot be the editor role" in reply.content.replace("\u200b", "")


async def test_editor_autocomplete_offers_entries(world: BotWorld) -> None:
    s = world.server
    choices = await world.discord.autocomplete(
        s.guild, s.admin, "brief-admin edit", focused="entry", value="shells"
    )
    assert [c["value"] for c in choices] == [SHELLS]
