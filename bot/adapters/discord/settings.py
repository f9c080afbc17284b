"""Discord's own settings (``DISCORD_*``): cheap to import, no discord.py."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from bot.domain.errors import InvalidInput
from bot.domain.shards import ShardSpec
from bot.env_settings import EnvSettings, Secret, prefixed


class DiscordSettings(EnvSettings, frozen=True, rename=prefixed("DISCORD_")):
    """``DISCORD_TOKEN``, ``DISCORD_API_BASE_URL``, ``DISCORD_GATEWAY_URL``,
    ``DISCORD_INTAKE_CHANNEL_ID`` (env or .env)."""

    token: Secret | None = None
    # Only tests point these elsewhere (the stand-in); unset means discord.com.
    api_base_url: str | None = None
    gateway_url: str | None = None
    # Several processes share a big bot: each runs some shards (``0-3``) of the total count.
    # Unset: one process, a plain client, exactly as before.
    shard_ids: str | None = None
    shard_count: Annotated[int, Meta(gt=0)] | None = None
    # Discord's global limit (requests/s per bot token); a sharded process keeps its digests
    # and notices to its share of it (the share of shards it runs).
    global_rate_limit: Annotated[int, Meta(ge=3)] = 50
    # A channel of the newsroom guild told of new intake candidates (one message per poll).
    intake_channel_id: Annotated[int, Meta(gt=0)] | None = None

    @property
    def token_text(self) -> str:
        return self.token.get_secret_value().strip() if self.token is not None else ""

    @property
    def shards(self) -> ShardSpec | None:
        """The shards this process runs, or None when sharding is not configured.

        Raises :class:`InvalidInput` (one sentence) for ids without a count or out of range.
        """
        ids = (self.shard_ids or "").strip()
        if not ids and self.shard_count is None:
            return None
        if self.shard_count is None:
            raise InvalidInput(
                "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (--shard-count): the total number "
                "of shards across every process."
            )
        return ShardSpec.parse(ids or f"0-{max(self.shard_count - 1, 0)}", self.shard_count)
