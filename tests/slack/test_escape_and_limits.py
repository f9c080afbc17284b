"""Escaping and Block Kit limits, directly and through the stand-in's checks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.slack.blocks import SECTION_TEXT_LIMIT, section
from bot.adapters.slack.escape import escape, link, safe
from bot.domain.entries import Figure, Status
from bot.storage.entry_store import EntryStore
from tests.slack.conftest import ADMIN, READER, SlackWorld
from tests.standins.slack.limits import PING, check_blocks

NIS = "nis-confirms-north-korean-special-forces-in-russia"


def test_escape_follows_slacks_three_rules() -> None:
    assert (
        escape("<!channel> & <@U1|x> > <#C1>")
        == "&lt;!channel&gt; &amp; &lt;@U1|x&gt; &gt; &lt;#C1&gt;"
    )
    assert link("https://e.org/?a=1&b=<2>|x", "A <b> & c") == (
        "<https://e.org/?a=1&amp;b=%3C2%3E%7Cx|A &lt;b&gt; &amp; c>"
    )


@given(st.text(alphabet="<>&!@#^|abc ", max_size=400), st.integers(min_value=5, max_value=300))
def test_safe_never_pings_and_fits(text: str, limit: int) -> None:
    out = safe(text, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    assert not PING.search(out)
    assert check_blocks([section(safe(text * 20))], "s") == []
    assert len(section(safe(text * 20))["text"]["text"]) <= SECTION_TEXT_LIMIT


async def test_a_huge_entry_stays_within_limits(world: SlackWorld) -> None:
    entry = await world.app.service.show(NIS)
    figures = tuple(
        Figure(
            1000.0 + i,
            f"{1000 + i} <!here>",
            "troops <@U1>",
            f"subject-{i}",
            "x" * 200,
            Status.REPORTED,
        )
        for i in range(25)
    )
    content = replace(entry.content, body=("<!channel> & " * 300)[:4000], figures=figures)
    await EntryStore(world.app.database).edit(NIS, content, "test", world.app.service.clock.now())
    shown = await world.command(READER, f"show {NIS}")  # the stand-in checks every limit
    assert shown.response is not None and len(shown.response["blocks"]) <= 50
    figs = await world.command(READER, "figures")
    assert figs.response is not None and len(figs.response["blocks"]) <= 50
    await world.command(ADMIN, "digest setup C0BRIEF01 08:00 UTC")
    preview = await world.command(ADMIN, "digest preview")
    assert preview.response is not None and len(preview.response["blocks"]) <= 50
