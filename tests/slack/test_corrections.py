"""On Slack too: a correction of an entry that went out in the workspace's digest is posted
once in that channel, and the entry and its history say what was corrected."""

from __future__ import annotations

from typing import Any

from tests.slack.conftest import (
    ADMIN,
    DIGEST_CHANNEL,
    READER,
    SlackWorld,
    day,
    multi,
    single,
    text_input,
)

NIS = "nis-confirms-north-korean-special-forces-in-russia"


def correction_messages(world: SlackWorld) -> list[dict[str, Any]]:
    return [
        m
        for m in world.standin.messages.get(DIGEST_CHANNEL, [])
        if m.get("text", "").startswith("Correction:")
    ]


async def test_a_correction_is_posted_once_in_the_digest_channel(world: SlackWorld) -> None:
    await world.command(ADMIN, f"digest setup <#{DIGEST_CHANNEL}|digest> 08:00 Asia/Seoul")
    posted = await world.command(ADMIN, "digest now")
    assert "Posted today's digest" in posted.text
    world.bot.start_notices(world.app.service.clock.now())
    try:
        await world.command(ADMIN, f"edit {NIS}", wait=False)
        await world.standin.wait_for(lambda: len(world.standin.views) >= 1)
        view = world.standin.views[-1]
        change = next(b for b in view["blocks"] if b["block_id"] == "change")
        assert change["element"]["initial_option"]["value"] == "minor"
        values = _prefilled(view) | {"status": single("disputed"), "change": single("correction")}

        assert await world.submit(ADMIN, view, values) == {}
        await world.standin.wait_for(lambda: correction_messages(world))
    finally:
        await world.bot.stop_notices()

    (notice,) = correction_messages(world)
    text = "\n".join(
        str(b.get("text", {}).get("text", "")) for b in notice["blocks"] if b.get("text")
    )
    assert "status: Confirmed → Disputed" in text
    assert f"/brief show {NIS}" in text
    entry = await world.app.service.show(NIS)
    assert notice["blocks"][-1]["elements"][0]["text"] == f"correction · entry {entry.id} · r2"

    shown = await world.command(READER, f"show {NIS}")
    assert "Corrected on " in shown.text and "status: Confirmed → Disputed" in shown.text
    history = await world.command(ADMIN, f"history {NIS}")
    assert "⚠️ *correction*: status: Confirmed → Disputed" in history.text
    assert len(correction_messages(world)) == 1


def _prefilled(view: dict[str, Any]) -> dict[str, Any]:
    """The form's values as opened (what an editor who changes nothing submits)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            values[block["block_id"]] = text_input(element.get("initial_value", ""))
        elif kind == "multi_static_select":
            values[block["block_id"]] = multi(
                *[o["value"] for o in element.get("initial_options", [])]
            )
        elif kind == "static_select":
            values[block["block_id"]] = single(element["initial_option"]["value"])
        else:
            values[block["block_id"]] = day(element["initial_date"])
    return values
