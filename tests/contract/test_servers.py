"""Server settings port: digest schedules and editor roles (moved from tests/digests)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.domain.digest_schedule import DigestSchedule
from bot.domain.servers import ServerSchedule
from bot.ports.servers import ServerSettingsStore
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen

PLATFORM = "discord"


async def add_server(
    servers: ServerSettingsStore,
    server_id: str,
    time_text: str = "08:00",
    timezone: str = "Asia/Seoul",
    platform: str = PLATFORM,
) -> ServerSchedule:
    schedule = DigestSchedule.parse(f"c{server_id}", time_text, timezone, (), "post")
    return await servers.set_schedule(
        platform, server_id, schedule, datetime(2026, 1, 1, tzinfo=UTC)
    )


async def test_schedule_round_trip_disable_and_active_list(backend: Backend) -> None:
    servers = backend.servers
    sched = DigestSchedule.parse("42", "08:30", "Europe/Kyiv", ("deployment",), "skip")
    await servers.set_schedule(PLATFORM, "s1", sched, NOW)
    await add_server(servers, "s2")
    settings = await servers.get(PLATFORM, "s1")
    assert settings is not None and settings.schedule == sched
    assert settings.schedule_since == NOW
    assert [s.server_id for s in await servers.active_schedules()] == ["s1", "s2"]

    assert await servers.disable_schedule(PLATFORM, "s1", NOW)
    assert not await servers.disable_schedule(PLATFORM, "s1", NOW)
    assert await servers.get_schedule(PLATFORM, "s1") is None
    assert [s.server_id for s in await servers.active_schedules()] == ["s2"]
    kept = await servers.get(PLATFORM, "s1")
    assert kept is not None and kept.topics == ("deployment",)


async def test_platforms_keep_their_servers_apart(backend: Backend) -> None:
    await add_server(backend.servers, "same-id", "08:00", platform="discord")
    await add_server(backend.servers, "same-id", "09:00", platform="slack")

    discord = await backend.servers.get_schedule("discord", "same-id")
    slack = await backend.servers.get_schedule("slack", "same-id")
    assert discord is not None and discord.schedule.time_text == "08:00"
    assert slack is not None and slack.schedule.time_text == "09:00"
    assert await backend.servers.get("matrix", "same-id") is None
    active = [(s.platform, s.server_id) for s in await backend.servers.active_schedules()]
    assert active == [("discord", "same-id"), ("slack", "same-id")]


async def test_replacing_a_schedule_replaces_every_field(backend: Backend) -> None:
    await add_server(backend.servers, "s1", "07:00", "Asia/Seoul")
    later = DigestSchedule.parse("c9", "21:15", "Europe/Kyiv", ("munitions",), "skip")
    await backend.servers.set_schedule(PLATFORM, "s1", later, NOW)

    found = await backend.servers.get_schedule(PLATFORM, "s1")
    assert found is not None and found.schedule == later and found.since == NOW


@pytest.mark.parametrize(
    ("time_text", "zone"), [("25:00", "Asia/Seoul"), ("08:00", "Mars/Base"), ("8", "UTC")]
)
async def test_bad_input_leaves_settings_unchanged(
    backend: Backend, time_text: str, zone: str
) -> None:
    before = await add_server(backend.servers, "s1", "07:00", "Asia/Seoul")
    with pytest.raises(ValueError):
        schedule = DigestSchedule.parse("99", time_text, zone)
        await backend.servers.set_schedule(PLATFORM, "s1", schedule, NOW)
    after = await backend.servers.get_schedule(PLATFORM, "s1")
    assert after is not None and after.schedule == before.schedule


async def test_editor_roles_add_remove_list_concurrently(backend: Backend) -> None:
    servers = backend.servers
    await add_server(servers, "s1")
    await asyncio.gather(*(servers.add_editor_role(PLATFORM, "s1", f"r{n}") for n in range(10)))
    assert sorted(await servers.editor_role_ids(PLATFORM, "s1")) == sorted(
        f"r{n}" for n in range(10)
    )
    assert await servers.add_editor_role(PLATFORM, "s1", "r1") == tuple(
        await servers.editor_role_ids(PLATFORM, "s1")
    )
    remaining = await servers.remove_editor_role(PLATFORM, "s1", "r1")
    assert "r1" not in remaining and len(remaining) == 9
    assert await servers.editor_role_ids(PLATFORM, "other") == []
    # Roles on a server without a schedule, and the schedule is untouched by role changes.
    await servers.add_editor_role(PLATFORM, "s9", "r")
    assert await servers.get_schedule(PLATFORM, "s9") is None
    assert (await servers.get_schedule(PLATFORM, "s1")) is not None


async def test_two_handles_adding_roles_at_once_lose_none(backend: Backend, reopen: Reopen) -> None:
    async with reopen() as other:
        await asyncio.gather(
            *(backend.servers.add_editor_role(PLATFORM, "s1", f"a{n}") for n in range(5)),
            *(other.servers.add_editor_role(PLATFORM, "s1", f"b{n}") for n in range(5)),
        )
        expected = sorted([*(f"a{n}" for n in range(5)), *(f"b{n}" for n in range(5))])
        assert sorted(await other.servers.editor_role_ids(PLATFORM, "s1")) == expected
    assert sorted(await backend.servers.editor_role_ids(PLATFORM, "s1")) == expected
