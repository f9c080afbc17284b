"""Which servers one process owns when the Discord bot runs as several processes.

Discord assigns a guild to shard ``(guild_id >> 22) % shard_count``; a process that connects
shards ``ids`` owns exactly those guilds, so its digest scheduler must run only theirs (the
ledger would stop a double post anyway, but every process would then compose and claim every
digest), and likewise its catch-up, crash recovery and correction notices. Each storage
backend applies the same rule in its SQL, so a process never even reads the other processes'
due schedules. Exactly one process (the one running shard 0) syncs the slash commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput

# Discord's own ceiling is far higher; this only keeps a typo from allocating millions.
MAX_SHARD_COUNT = 65_536


@dataclass(frozen=True, slots=True)
class ShardSpec:
    """The shards a process owns: ``ids`` out of ``count``."""

    count: int
    ids: frozenset[int]

    def __post_init__(self) -> None:
        if self.count < 1 or not self.ids or not all(0 <= i < self.count for i in self.ids):
            raise InvalidInput(f"shards must be numbers from 0 to {self.count - 1}")

    @classmethod
    def of(cls, count: int, *ids: int) -> ShardSpec:
        return cls(count, frozenset(ids))

    @classmethod
    def parse(cls, text: str, count: int) -> ShardSpec:
        """``"0-3"``, ``"0,2,5"`` or ``"4-7,9"`` out of ``count`` shards (``--shards``).

        Raises :class:`InvalidInput` with one sentence saying what to type instead.
        """
        if not 1 <= count <= MAX_SHARD_COUNT:
            raise InvalidInput(f"The shard count must be between 1 and {MAX_SHARD_COUNT}.")
        ids: set[int] = set()
        for part in text.replace(" ", "").split(","):
            first, dash, last = part.partition("-")
            if not first.isdigit() or (dash and not last.isdigit()):
                raise InvalidInput(
                    f"'{text}' is not a list of shards; write e.g. 0-3 or 0,2,5 (numbers from 0)."
                )
            low, high = int(first), int(last) if dash else int(first)
            if low > high:
                raise InvalidInput(f"'{part}' counts down; write the lower shard first.")
            if high >= count:
                raise InvalidInput(
                    f"Shard {high} does not exist with {count} shard(s): they are 0 to {count - 1}."
                )
            ids.update(range(low, high + 1))
        return cls(count, frozenset(ids))

    @property
    def sorted_ids(self) -> list[int]:
        return sorted(self.ids)

    @property
    def syncs_commands(self) -> bool:
        """Exactly one process (the one running shard 0) pushes the slash commands."""
        return 0 in self.ids

    @property
    def share(self) -> float:
        """This process's share of the bot's servers, and so of its global rate limit."""
        return len(self.ids) / self.count

    def owns(self, server_id: str) -> bool:
        """True if the server (a Discord guild id) is on one of these shards."""
        return shard_of(server_id, self.count) in self.ids

    def __str__(self) -> str:
        return f"shards {','.join(map(str, self.sorted_ids))} of {self.count}"


def shard_of(server_id: str, count: int) -> int:
    """Discord's shard of a guild id; ids that are not numbers go to shard 0."""
    return (int(server_id) >> 22) % count if server_id.isdigit() else 0
