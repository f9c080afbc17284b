"""The payloads pictured in docs/screens/ are the ones the bot sends today.

Each story drives the real bot against the Discord stand-in and compares what it sent with
the stored payload hash; ``make screenshots`` (BRIEFBOT_WRITE_SCREENS=1) redraws the PNGs.
"""

from __future__ import annotations

from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import FIGURES, modal_values
from tests.discord_bot.screens import check_or_write, payload_of
from tests.discord_bot.test_corrections import YOON, notices, post_todays_digest
from tests.discord_digest.conftest import digest_messages, eventually, footer

NIS = "nis-confirms-north-korean-special-forces-in-russia"
SUBJECT = "nk-troops-in-russia"


async def test_reader_answers_match_their_pictures(world: BotWorld) -> None:
    reader = world.server.reader
    latest = await world.run(reader, "brief latest", count=3)
    await check_or_write("brief-latest", payload_of(latest.message))
    shown = await world.run(reader, "brief show", entry=NIS)
    await check_or_write("brief-show", payload_of(shown.message))
    figures = await world.run(reader, "brief figures", subject=SUBJECT)
    assert figures.message is not None
    charts = {a.filename: a.data for a in figures.message.attachments}
    await check_or_write("brief-figures", payload_of(figures.message), charts)


async def test_digest_form_and_correction_notice_match_their_pictures(world: BotWorld) -> None:
    s = world.server
    await post_todays_digest(world)
    (digest,) = digest_messages(world.discord, s.channel)
    await check_or_write("digest", payload_of(digest))

    opened = await world.run(s.admin, "brief-admin edit", entry=YOON, change="correction")
    await check_or_write("editor-form", payload_of(modal=opened.modal))
    typed = modal_values(opened)
    typed[FIGURES] = typed[FIGURES].replace("| confirmed |", "| reported |")
    await world.discord.submit_modal(opened, typed, member=s.admin)
    await eventually(lambda: notices(world), 10, "the correction notice")
    (notice,) = [
        m for m in digest_messages(world.discord, s.channel) if footer(m).startswith("correction")
    ]
    await check_or_write("correction-notice", payload_of(notice))
