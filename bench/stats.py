"""Repetition and summary helpers: median and p99 (nearest rank) of timed samples."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class Budget:
    """Repeat at least ``least`` and at most ``most`` times, stopping after ``seconds``."""

    least: int
    most: int
    seconds: float

    def scaled(self, factor: float) -> Budget:
        return Budget(
            max(1, int(self.least * factor)), max(1, int(self.most * factor)), self.seconds * factor
        )


async def repeat(budget: Budget, once: Callable[[], Awaitable[float]]) -> list[float]:
    """Samples (seconds) of ``once``, which returns the duration it measured."""
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < budget.most:
        samples.append(await once())
        if len(samples) >= budget.least and time.perf_counter() - started > budget.seconds:
            break
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Milliseconds: p50, p99, the slowest, and how many samples."""
    return {
        "p50_ms": round(p50(samples) * 1000, 3),
        "p99_ms": round(p99(samples) * 1000, 3),
        "max_ms": round(max(samples) * 1000, 3),
        "n": len(samples),
    }
