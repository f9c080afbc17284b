"""Run an unmodified discord.py client against a stand-in for the length of a ``with`` block."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from .server import DiscordStandIn

ClientT = TypeVar("ClientT", bound=discord.Client)


def point_discord_py_at(standin: DiscordStandIn | None) -> None:
    """Send discord.py's traffic to ``standin`` (None restores Discord's own addresses)."""
    from bot.adapters.discord.endpoints import configure_endpoints

    if standin is None:
        configure_endpoints(None, None)
    else:
        configure_endpoints(standin.api_base_url, standin.gateway_url)


@contextlib.asynccontextmanager
async def running_bot(
    client: ClientT,
    standin: DiscordStandIn,
    *,
    sync_commands: bool = False,
    ready_timeout: float = 10.0,
) -> AsyncIterator[ClientT]:
    """Start ``client`` against ``standin``, wait for ``on_ready``, and close it cleanly after.

    ``sync_commands`` calls ``client.tree.sync()`` once ready (for bots whose setup does not).
    Any exception that ends ``client.start()`` early is raised here, not swallowed.
    """
    point_discord_py_at(standin)
    task = asyncio.create_task(client.start(standin.token), name="discord-client")
    try:
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if task in done:
            ready.cancel()
            task.result()  # raises what ended start()
            raise RuntimeError("client.start() returned before the client was ready")
        if ready not in done:
            ready.cancel()
            raise TimeoutError(f"discord.py client not ready within {ready_timeout}s")
        if sync_commands:
            tree = getattr(client, "tree", None)
            assert tree is not None, "sync_commands needs a client with a command tree"
            await tree.sync()
        yield client
    finally:
        if not client.is_closed():
            await client.close()
        try:
            await asyncio.wait_for(task, 5.0)
        except (asyncio.CancelledError, TimeoutError):
            pass
        except Exception:
            # start() failing is reported above when it matters; on teardown we only clean up.
            pass
        point_discord_py_at(None)
