"""Per-user cooldowns on the expensive commands: the rates and the sentence, for every platform.

Discord applies these rates with ``app_commands.checks.cooldown``; platforms without such a
check (Slack) use :class:`Cooldowns`, which counts the same way (a fixed window that opens
with a user's first use), so the limits cannot drift between platforms.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    """At most ``uses`` per ``per_s`` seconds, per user."""

    uses: int
    per_s: float


# Full-text search is the reader command that costs the database most.
SEARCH = Rate(5, 10.0)
# The figures tracker groups every claim about a subject.
FIGURES = Rate(5, 10.0)
# An import parses up to 2,000 files and rewrites the search index.
IMPORT = Rate(2, 60.0)
# Past this many remembered users, windows that have closed are forgotten.
PRUNE_OVER = 1024


def slow_down(retry_after_s: float) -> str:
    """What a person over a cooldown is told (the same sentence on every platform)."""
    return f"Slow down: try again in {max(retry_after_s, 1):.0f} s."


class Cooldowns:
    """One :class:`Rate` per key (a user), counted on ``clock`` (seconds, monotonic)."""

    def __init__(self, rate: Rate, clock: Callable[[], float]) -> None:
        self.rate = rate
        self._clock = clock
        self._windows: dict[Hashable, tuple[float, int]] = {}  # key → (opened at, uses)

    def take(self, key: Hashable) -> float | None:
        """Use one of ``key``'s turns: None if allowed, else the seconds until the next one."""
        now = self._clock()
        opened, used = self._windows.get(key, (now, 0))
        if now - opened >= self.rate.per_s:
            opened, used = now, 0
        if used >= self.rate.uses:
            return self.rate.per_s - (now - opened)
        self._windows[key] = (opened, used + 1)
        if len(self._windows) > PRUNE_OVER:
            self._prune(now)
        return None

    def _prune(self, now: float) -> None:
        # Without this, every user who ever searched would be remembered for good.
        closed = [k for k, (opened, _) in self._windows.items() if now - opened >= self.rate.per_s]
        for key in closed:
            del self._windows[key]
