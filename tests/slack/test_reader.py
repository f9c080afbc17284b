"""Reader stories: latest (with paging buttons), show, search, since, timeline, figures."""

from __future__ import annotations

import json

from tests.slack.conftest import EDITOR, READER, SlackWorld

NIS = "nis-confirms-north-korean-special-forces-in-russia"


async def test_latest_pages_with_buttons_only_for_the_invoker(world: SlackWorld) -> None:
    first = await world.command(READER, "latest 8")
    assert first.response is not None
    assert first.response["response_type"] == "in_channel"
    cards = [b for b in first.response["blocks"] if b["type"] == "section"]
    assert len(cards) == 5
    buttons = next(b for b in first.response["blocks"] if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == ["brief_page_next"]
    assert json.loads(buttons[0]["value"])["o"] == READER

    refused = await world.press(EDITOR, first.response, "brief_page_next")
    assert refused.response is not None
    assert "Only the person who ran this command" in refused.text
    assert refused.response["response_type"] == "ephemeral"
    assert not refused.response["replace_original"]

    second = await world.press(READER, first.response, "brief_page_next")
    assert second.response is not None
    assert second.response["replace_original"] is True
    cards = [b for b in second.response["blocks"] if b["type"] == "section"]
    assert len(cards) == 3  # 8 asked for: 5 then 3
    actions = next(b for b in second.response["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == ["brief_page_prev"]


async def test_show_has_sources_and_revision(world: SlackWorld) -> None:
    answer = await world.command(READER, f"show {NIS}")
    assert answer.response is not None
    assert answer.response["blocks"][0]["type"] == "header"
    assert "*Sources*" in answer.text
    assert f"`{NIS}` · revision 1" in answer.text


async def test_show_unknown_is_a_plain_private_answer(world: SlackWorld) -> None:
    answer = await world.command(READER, "show no-such-entry")
    assert answer.response is not None
    assert answer.response["response_type"] == "ephemeral"
    assert "no-such-entry" in answer.text
    assert "error id" not in answer.text


async def test_search_finds_and_any_syntax_is_safe(world: SlackWorld) -> None:
    found = await world.command(READER, 'search "special forces"')
    assert found.response is not None
    assert NIS in found.text
    assert "*special*" in found.text or "*special forces*" in found.text
    for n, nasty in enumerate(['"unbalanced', "NEAR(", "a AND OR NOT", "-", "*", "col:umn ^ (x"]):
        reader = f"UREADERN{n}"  # a fresh reader each time: searches have a per-user cooldown
        world.standin.users[reader] = {"name": f"reader{n}", "is_admin": False}
        answer = await world.command(reader, f"search {nasty}")
        assert answer.response is not None
        assert "error id" not in answer.text and "Slow down" not in answer.text, nasty


async def test_figures_side_by_side(world: SlackWorld) -> None:
    answer = await world.command(READER, "figures nk-troops-in-russia")
    assert answer.response is not None
    text = answer.text
    assert "at least 1,500" in text and "as many as 12,000" in text
    assert text.count("1,500*") == 1, "the NIS count relayed by President Yoon is one claim"
    assert "(relayed by President Yoon Suk Yeol) · 🟢 Confirmed · 18 Oct 2024, date from" in text
    assert "claims differ" in text
    group = [b for b in answer.response["blocks"] if "1,500" in b.get("text", {}).get("text", "")]
    assert len(group) == 1 and "12,000" in group[0]["text"]["text"]  # in one section


async def test_since_and_timeline(world: SlackWorld) -> None:
    since = await world.command(READER, "since 2024-10-01")
    assert since.response is not None
    assert "Since 01 October 2024" in since.text
    timeline = await world.command(READER, "timeline 2024-01-01 2024-12-31 north-korea")
    assert timeline.response is not None
    assert "`2024-" in timeline.text
    bad = await world.command(READER, "since yesterday")
    assert "not a date" in bad.text


async def test_unknown_subcommand_gets_help(world: SlackWorld) -> None:
    answer = await world.command(READER, "frobnicate")
    assert "no `/brief frobnicate` command" in answer.text
    assert "/brief latest" in answer.text
