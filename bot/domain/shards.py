"""Which Discord servers a bot process owns when several processes share the work.

Discord splits a bot's servers into ``shard_count`` shards by ``(guild_id >> 22) %
shard_count``; each gateway connection carries one shard. A process started for some shards
hears only their servers, so it also schedules only their digests, sends only their
correction notices and catches up only their missed days. The digest ledger's atomic claim
stays the last line of defence when two processes are (wrongly) given the same shard.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput

# Discord's own ceiling is far higher; this only keeps a typo from allocating millions.
MAX_SHARD_COUNT = 65_536


def shard_of(server_id: str, shard_count: int) -> int:
    """The shard a Discord server belongs to (Discord's formula)."""
    return (int(server_id) >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards one process runs, out of ``count``."""

    ids: frozenset[int]
    count: int

    @classmethod
    def parse(cls, text: str, count: int) -> Shards:
        """``"0-3"``, ``"0,2,5"`` or ``"4-7,9"`` out of ``count`` shards.

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
        return cls(frozenset(ids), count)

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
        """Whether the server's events, digests and notices are this process's job.

        Ids that are not Discord snowflakes belong to shard 0 (they come from no gateway).
        """
        if not server_id.isdigit():
            return 0 in self.ids
        return shard_of(server_id, self.count) in self.ids

    def __str__(self) -> str:
        return f"shards {','.join(map(str, self.sorted_ids))} of {self.count}"
