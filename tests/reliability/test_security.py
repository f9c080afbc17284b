"""Security: the token never leaks, readers never edit, nothing pings, nobody hogs the bot."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
from pathlib import Path

from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import ADD_OPTIONS, form
from tests.factories import brief_file
from tests.reliability.support import BRIEFBOT, BRIEFS, clean_env
from tests.standins.discord import MANAGE_GUILD, DiscordStandIn

TOKEN = "rel1ab1e-t0ken-XYZ.a8f3Qk2Lw9.zzTOPsecretMARKER"
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{webhook_id}/{webhook_token}"


async def test_an_error_heavy_session_never_writes_the_token_anywhere(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "bot.sqlite3"
    logs = tmp_path / "logs"
    logs.mkdir()
    async with DiscordStandIn(token=TOKEN) as discord:
        guild = discord.add_guild("Analysts")
        channel = guild.add_text_channel("briefing")
        admin = guild.add_member("admin", permissions=MANAGE_GUILD)
        reader = guild.add_member("reader")
        env = clean_env(
            DISCORD_TOKEN=TOKEN,
            DISCORD_API_BASE_URL=discord.api_base_url,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            BRIEFBOT_DB=str(db),
            BRIEFBOT_BRIEFS_DIR=str(BRIEFS),
            BRIEFBOT_LOG_LEVEL="DEBUG",
            BRIEFBOT_BUSY_TIMEOUT_MS="200",
            BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID=str(guild.id),
        )
        with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
            process = await asyncio.create_subprocess_exec(
                str(BRIEFBOT),
                "run",
                env=env,
                cwd=data.parent,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        answered = 0
        try:
            await discord.wait_for_session(timeout=60)
            await asyncio.wait_for(discord.commands_synced.wait(), 30)

            async def run(member: object, command: str, **options: object) -> str:
                nonlocal answered
                reply = await discord.run_command(
                    guild, member, command, channel=channel, **options
                )  # type: ignore[arg-type]
                answered += 1
                return reply.content + repr(reply.embeds)

            assert "no entry" in await run(reader, "brief show", entry="no-such-entry")
            assert "Only editors" in await run(reader, "brief-admin delete", entry="x")
            assert "not a date" in await run(reader, "brief since", date="2024-02-30")
            await run(reader, "brief search", query='" NEAR( * AND OR')
            opened = await discord.run_command(
                guild, admin, "brief-admin add", channel=channel, **ADD_OPTIONS
            )
            bad = await discord.submit_modal(opened, form(summary=" ", sources="x"), member=admin)
            assert "not saved" in bad.content
            with sqlite3.connect(db, isolation_level=None) as raw:  # a failing service call
                raw.execute("BEGIN IMMEDIATE")
                opened = await discord.run_command(
                    guild, admin, "brief-admin add", channel=channel, **ADD_OPTIONS
                )
                busy = await discord.submit_modal(opened, form(), member=admin)
                raw.execute("ROLLBACK")
            assert "busy" in busy.content
            upload = discord.upload("one.md", brief_file("token-session", "Token session"))
            assert "Imported 1 new" in await run(admin, "brief-admin import", file=upload)
            discord.faults.add(CALLBACK, status=500, times=1)
            discord.faults.add(FOLLOWUP, status=503, times=1)
            await run(reader, "brief latest", count=2)
            discord.faults.add(None, status=502, times=1)  # the next request, whatever it is
            await run(reader, "brief figures")
            await discord.drop_gateway()
            await discord.wait_for_session(timeout=30)
            assert "Token session" in await run(reader, "brief latest", count=1)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 20)
                except TimeoutError:
                    process.kill()
                    await process.wait()
        discord.check_violations()

    written = {p: p.read_bytes() for p in [*logs.rglob("*"), *data.rglob("*")] if p.is_file()}
    assert any(p.name == "bot.sqlite3" for p in written), sorted(map(str, written))
    assert "token-session" in _dump(db), "the session did write to the database"
    needles = [TOKEN.encode(), TOKEN.split(".")[-1].encode(), TOKEN.encode("utf-16-le")]
    for path, content in written.items():
        for needle in needles:
            assert needle not in content, f"the token is in {path}"
    assert TOKEN not in _dump(db), "no table holds the token"
    assert answered >= 6
    assert len(written[logs / "stderr"]) > 10_000, "the session logged (DEBUG) and was still clean"


def _dump(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as raw:
        return "\n".join(raw.iterdump())


# -- editors only --------------------------------------------------------------------------------


async def test_a_revoked_editor_role_is_refused_at_once(world: BotWorld) -> None:
    """The run-time check reads the roles on every command: no cached grant outlives removal."""
    s = world.server
    desk = s.guild.add_role("Desk")
    member = s.guild.add_member("desk-member", roles=[desk])
    await world.discord.flush()
    assert "Only editors" in (await world.run(member, "brief-admin history", entry="x")).content
    await world.run(s.admin, "brief-admin editors add", role=desk)
    allowed = await world.run(member, "brief-admin add", **ADD_OPTIONS)
    assert allowed.modal is not None

    await world.run(s.admin, "brief-admin editors remove", role=desk)
    before = await world.snapshot()
    late = await world.discord.submit_modal(allowed, form(), member=member)
    refused = await world.run(member, "brief-admin add", **ADD_OPTIONS)

    assert refused.modal is None and refused.content.startswith("Only editors"), refused
    # A form opened while the role was granted is checked again when it is submitted.
    assert late.ephemeral and late.content.startswith("Only editors"), late
    assert await world.snapshot() == before


# -- cooldowns ----------------------------------------------------------------------------------


async def test_the_sixth_quick_search_is_refused_and_another_user_is_unaffected(
    world: BotWorld,
) -> None:
    s = world.server
    other = s.guild.add_member("other-reader")
    for _ in range(5):
        assert not (await world.run(s.reader, "brief search", query="Kursk")).ephemeral
    sixth = await world.run(s.reader, "brief search", query="Kursk")
    assert sixth.ephemeral and sixth.content.startswith("Slow down: try again in"), sixth
    assert not sixth.embeds
    unaffected = await world.run(other, "brief search", query="Kursk")
    assert not unaffected.ephemeral and unaffected.embeds
    latest = await world.run(s.reader, "brief latest", count=1)
    assert latest.embeds, "only the expensive command is limited"


async def test_a_third_quick_import_is_refused(world: BotWorld) -> None:
    s = world.server
    for n in range(2):
        upload = world.discord.upload(f"{n}.md", brief_file(f"cooldown-{n}", f"Cooldown {n}"))
        done = await world.run(s.admin, "brief-admin import", file=upload)
        assert done.content.startswith("Imported 1 new"), done
    before = await world.snapshot()
    upload = world.discord.upload("2.md", brief_file("cooldown-2", "Cooldown 2"))
    third = await world.run(s.admin, "brief-admin import", file=upload)
    assert third.ephemeral and third.content.startswith("Slow down"), third
    assert await world.snapshot() == before
