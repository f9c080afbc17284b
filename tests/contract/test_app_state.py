"""App state port: named values survive a restart and the last write wins."""

from __future__ import annotations

from tests.contract.backends import Backend
from tests.contract.conftest import Reopen


async def test_values_are_kept_replaced_and_seen_by_the_next_run(
    backend: Backend, reopen: Reopen
) -> None:
    assert await backend.app_state.get("commands-hash") is None
    await backend.app_state.set("commands-hash", "abc")
    await backend.app_state.set("commands-hash", "def")
    await backend.app_state.set("other", "")

    async with reopen() as next_run:
        assert await next_run.app_state.get("commands-hash") == "def"
        assert await next_run.app_state.get("other") == ""
        assert await next_run.app_state.get("missing") is None
