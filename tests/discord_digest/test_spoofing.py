"""A posted digest (DigestPoster through discord.py) carries no smuggled or masked links."""

from __future__ import annotations

import dataclasses

from bot.domain.entries import Source
from bot.storage.entry_store import EntryStore
from tests.discord_bot.test_spoofing import EVIL_URL, MASKED_LINK, SPANNING_LINK
from tests.discord_digest.conftest import DigestWorld
from tests.factories import raw_entry

ENCODED = "https://ok.example/x%29%5BOfficial_NIS_statement%5D%28https://evil.example"


async def test_the_posted_digest_keeps_every_source_one_link_and_masks_none(
    dw: DigestWorld,
) -> None:
    service = dw.app.service
    await service.add(
        raw_entry(slug="masked-summary", summary=SPANNING_LINK, importance=3), "editor"
    )
    # Stored before addresses were checked: the renderer alone must keep it one link.
    clean = await service.add(raw_entry(slug="old-evil-source", importance=3), "editor")
    legacy = dataclasses.replace(
        clean.content, sources=(Source("NIS](https://evil.example/2) [x", EVIL_URL),)
    )
    await EntryStore(dw.app.database).edit(clean.slug, legacy, "old-import", service.clock.now())
    await dw.setup()

    await dw.run(dw.admin, "digest now")

    [posted] = dw.digests()
    fields = [field for embed in posted.embeds for field in embed.get("fields", [])]
    [sources] = [field["value"] for field in fields if field["name"] == "Sources"]
    links = MASKED_LINK.findall(sources)
    assert ("NIS\\](https://evil.example/2) \\[x", ENCODED) in links
    assert not [target for _, target in links if target.startswith("https://evil.example")]
    texts = [embed.get("description", "") for embed in posted.embeds]
    texts += [field["value"] for field in fields if field["name"] != "Sources"]
    assert any("Read the \\[Official\nNIS statement\\](https://evil" in text for text in texts)
    assert [MASKED_LINK.findall(text) for text in texts if MASKED_LINK.search(text)] == []
