"""Per-user cooldowns on Slack's expensive commands, at the same rates as on Discord.

slack-bolt has no cooldown check of its own, so the platform-free
:class:`~bot.domain.cooldowns.Cooldowns` counts here; the sentence is the one Discord shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.domain.cooldowns import FIGURES, IMPORT, SEARCH, Cooldowns, Rate, slow_down
from bot.domain.errors import CoolingDown

# Subcommand → its rate. A search page button runs the search again, so it counts as one.
COSTLY: dict[str, Rate] = {"search": SEARCH, "figures": FIGURES, "import": IMPORT}


class SlackCooldowns:
    """One cooldown per costly subcommand, keyed by workspace and user."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = {name: Cooldowns(rate, clock) for name, rate in COSTLY.items()}

    def check(self, command: str, team_id: str, user_id: str) -> None:
        """Count one use of ``command``; raise :class:`CoolingDown` when there is none left."""
        limit = self._limits.get(command)
        if limit is None:
            return
        wait = limit.take((team_id, user_id))
        if wait is not None:
            raise CoolingDown(slow_down(wait))
