"""How the command figures are timed, on SQLite (``bench.run``) and PostgreSQL
(``bench.postgres``) alike, so the two backends' figures compare like with like."""

from __future__ import annotations

from typing import Any, Protocol

from bench.stats import Budget, repeat


class CommandWorld(Protocol):
    """The bot under measurement (``bench.run.World``), on either backend."""

    app: Any
    failures: list[str]
    too_slow: int

    async def command(self, name: str, **options: Any) -> float:
        """Seconds from the command sent to its answer received."""


async def latest_and_noop(world: CommandWorld, scale: float) -> tuple[list[float], list[float]]:
    """Seconds per ``/brief latest`` and per no-op command, asked in turns so both meet the
    same load (their ratio is the figure); after a warm-up of the caches and discord.py's
    paths."""
    for _ in range(5):
        await world.command("bench-noop")
        await world.command("brief latest")
    noop: list[float] = []
    latest: list[float] = []

    async def pair() -> float:
        noop.append(await world.command("bench-noop"))
        latest.append(await world.command("brief latest"))
        return 0.0

    await repeat(Budget(60, 300, 25.0).scaled(scale), pair)
    return latest, noop


async def search_samples(world: CommandWorld, query: str, scale: float) -> list[float]:
    """Seconds per ``/brief search`` for ``query``, asked repeatedly."""

    async def search() -> float:
        return await world.command("brief search", query=query)

    return await repeat(Budget(5, 40, 4.0).scaled(scale), search)
