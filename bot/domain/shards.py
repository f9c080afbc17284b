"""Which servers one process owns when the Discord bot runs as several processes.

Discord assigns a guild to shard ``(guild_id >> 22) % shard_count``; a process that connects
shards ``ids`` owns exactly those guilds, so its digest scheduler must run only theirs (the
ledger would stop a double post anyway, but every process would then compose and claim every
digest). Each storage backend applies the same rule in its SQL, so a process never even reads
the other processes' due schedules.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput


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

    def owns(self, server_id: str) -> bool:
        """True if the server (a Discord guild id) is on one of these shards."""
        return shard_of(server_id, self.count) in self.ids


def shard_of(server_id: str, count: int) -> int:
    """Discord's shard of a guild id; ids that are not numbers go to shard 0."""
    return (int(server_id) >> 22) % count if server_id.isdigit() else 0
