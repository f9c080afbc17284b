"""Hostile import files through ``/brief-admin import``: refused with every problem, nothing
changed; an attachment over the size cap is refused from its declared size, never downloaded."""

from __future__ import annotations

from typing import Any

import discord as discordpy
import pytest

from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import zipped
from tests.factories import brief_file
from tests.standins.discord import MANAGE_GUILD, Member

MALFORMED = b"---\ntitle: [unclosed\nslug: x: y: z\n---\nbody\n"
WRONG_TYPES = b"""---
slug: wrong-types
title: 12345
summary: [not, a, string]
event_date: yesterday
topics: 5
actors: {north-korea: yes}
status: maybe
importance: high
sources: "https://example.org"
figures: 7
---
"""
CASES: dict[str, tuple[str, bytes, str]] = {
    "malformed-yaml": ("bad.md", MALFORMED, "malformed YAML"),
    "wrong-types": ("types.md", WRONG_TYPES, "importance"),
    "not-utf8": ("latin.md", "---\ntitle: caf\xe9\n---\n".encode("latin-1"), "not UTF-8"),
    "duplicate-slugs": (
        "dupes.zip",
        zipped(
            {
                "a.md": brief_file("same-slug-twice", "First"),
                "b.md": brief_file("same-slug-twice", "Second"),
            }
        ),
        "is also used by",
    ),
    "parent-dir-names": (
        "escape.zip",
        zipped(
            {
                "../escape.md": brief_file("escaped-entry", "Escaped"),
                "ok.md": brief_file("fine-entry", "Fine"),
            }
        ),
        "unsafe file name",
    ),
    "absolute-names": (
        "abs.zip",
        zipped({"/etc/abs.md": brief_file("absolute-entry", "Absolute")}),
        "unsafe file name",
    ),
    "member-over-cap": (
        "big-member.zip",
        zipped({"big.md": brief_file("big-member", "Big", url="https://x.org/" + "a" * 300_000)}),
        "over 262,144 bytes",
    ),
    "file-over-cap": ("huge.md", b"---\ntitle: huge\n---\n" + b"x" * (300 * 1024), "at most"),
    "zip-over-cap": ("huge.zip", b"PK" + b"\0" * (9 * 1024 * 1024), "at most"),
    "not-a-zip": ("fake.zip", b"this is not a zip file", "not a valid .zip"),
    "empty-zip": ("empty.zip", zipped({}), "no brief files found"),
}


def editor(world: BotWorld, name: str) -> Member:
    """A fresh editor per import (imports have a per-user cooldown of 2 a minute)."""
    return world.server.guild.add_member(name, permissions=MANAGE_GUILD)


@pytest.mark.parametrize("case", list(CASES))
async def test_hostile_import_files_are_refused_and_change_nothing(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    filename, data, expected = CASES[case]
    reads: list[str] = []
    read = discordpy.Attachment.read

    async def counting_read(self: discordpy.Attachment, **kwargs: Any) -> bytes:
        reads.append(self.filename)
        return await read(self, **kwargs)

    monkeypatch.setattr(discordpy.Attachment, "read", counting_read)
    before = await world.snapshot()

    reply = await world.run(
        editor(world, f"editor-{case}"),
        "brief-admin import",
        file=world.discord.upload(filename, data),
    )

    assert reply.ephemeral, reply
    assert reply.content.startswith("Nothing was imported:"), reply.content
    assert expected in reply.content, reply.content
    assert "error id" not in reply.content
    assert await world.snapshot() == before
    if case.endswith("over-cap") and case != "member-over-cap":
        assert reads == [], "refused from attachment.size, before downloading it"
