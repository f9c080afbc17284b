"""Pytest fixtures: a started stand-in that fails the test if the bot broke Discord's rules.

Register with ``pytest_plugins = ["tests.standins.discord.fixtures"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .server import DiscordStandIn


def violation_report(standin: DiscordStandIn) -> str | None:
    """A readable report of recorded violations, or None if there were none."""
    try:
        standin.check_violations()
    except AssertionError as exc:
        return str(exc)
    return None


@pytest.fixture
async def discord() -> AsyncIterator[DiscordStandIn]:
    """A started :class:`DiscordStandIn`; at teardown the test fails on any violation.

    Tests that provoke violations on purpose call ``discord.take_violations()``.
    """
    standin = DiscordStandIn()
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()
    report = violation_report(standin)
    if report is not None:
        pytest.fail(report, pytrace=False)


@pytest.fixture
async def discord_standin(discord: DiscordStandIn) -> DiscordStandIn:
    """The same stand-in under a name that does not shadow the ``discord`` module."""
    return discord
