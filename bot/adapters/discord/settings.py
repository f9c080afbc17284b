"""Discord's own settings (``DISCORD_*``): cheap to import, no discord.py."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from bot.platforms import PlatformSettings


class DiscordSettings(PlatformSettings):
    """``DISCORD_TOKEN``, ``DISCORD_API_BASE_URL``, ``DISCORD_GATEWAY_URL``,
    ``DISCORD_INTAKE_CHANNEL_ID`` (env or .env)."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_")

    token: SecretStr | None = None
    # Only tests point these elsewhere (the stand-in); unset means discord.com.
    api_base_url: str | None = None
    gateway_url: str | None = None
    # A channel of the newsroom guild told of new intake candidates (one message per poll).
    intake_channel_id: int | None = Field(default=None, gt=0)

    @field_validator("intake_channel_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def token_text(self) -> str:
        return self.token.get_secret_value().strip() if self.token is not None else ""
