"""An editor corrects an entry that went out in the server's digest: the channel is told once,
and the entry and its history say what was corrected."""

from __future__ import annotations

from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import FIGURES, modal_values
from tests.discord_digest.conftest import digest_messages, eventually, footer

YOON = "yoon-rutte-call-south-korea-will-not-stand-idle"


def notices(world: BotWorld) -> list[str]:
    return [
        footer(m)
        for m in digest_messages(world.discord, world.server.channel)
        if footer(m).startswith("correction ·")
    ]


async def post_todays_digest(world: BotWorld) -> None:
    s = world.server
    setup = await world.run(
        s.admin,
        "digest setup",
        options={"channel": s.channel, "time": "20:00", "timezone": "Asia/Seoul"},
    )
    assert "Daily digest set" in setup.content
    posted = await world.run(s.admin, "digest now")
    assert posted.content.startswith("Posted today's digest"), posted.content


async def test_a_correction_is_announced_once_where_the_entry_went_out(world: BotWorld) -> None:
    s = world.server
    await post_todays_digest(world)
    entry = await world.app.service.show(YOON)

    opened = await world.run(s.admin, "brief-admin edit", entry=YOON, change="correction")
    typed = modal_values(opened)
    typed[FIGURES] = typed[FIGURES].replace("| confirmed |", "| reported |")
    saved = await world.discord.submit_modal(opened, typed, member=s.admin)

    assert saved.content == f"Saved as a correction `{YOON}` (revision 2)."
    await eventually(lambda: notices(world), 10, "the correction notice")
    (notice,) = [
        m
        for m in digest_messages(world.discord, s.channel)
        if footer(m) == f"correction · entry {entry.id} · r2"
    ]
    embed = notice.embeds[0]
    assert embed["title"].startswith("Correction: Yoon reportedly tells NATO")
    assert "status: Confirmed → Reported" not in embed["description"]  # the entry's stayed
    assert (
        "figure: at least 1,500 (South Korea's National Intelligence Service (NIS)"
        in (embed["description"])
    )
    assert "confirmed) → at least 1,500" in embed["description"]
    assert f"/brief show {YOON}" in embed["description"]

    shown = await world.run(s.reader, "brief show", entry=YOON)
    assert "Corrected on " in shown.embed["description"]
    history = await world.run(s.admin, "brief-admin history", entry=YOON)
    assert "⚠️ **correction**: figure: at least 1,500" in history.embed["description"]
    assert notices(world) == [f"correction · entry {entry.id} · r2"], "exactly one notice"


async def test_a_minor_edit_tells_no_channel(world: BotWorld) -> None:
    s = world.server
    await post_todays_digest(world)

    opened = await world.run(s.admin, "brief-admin edit", entry=YOON)
    typed = modal_values(opened)
    saved = await world.discord.submit_modal(opened, typed, member=s.admin)

    assert saved.content == f"Saved `{YOON}` (revision 2)."
    await world.bot.corrections.send_pending()
    assert notices(world) == []
