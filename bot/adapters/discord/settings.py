"""Discord's own settings (``DISCORD_*``): cheap to import, no discord.py."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from bot.platforms import PlatformSettings


class DiscordSettings(PlatformSettings):
    """``DISCORD_TOKEN``, ``DISCORD_API_BASE_URL``, ``DISCORD_GATEWAY_URL`` (env or .env)."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_")

    token: SecretStr | None = None
    # Only tests point these elsewhere (the stand-in); unset means discord.com.
    api_base_url: str | None = None
    gateway_url: str | None = None

    @property
    def token_text(self) -> str:
        return self.token.get_secret_value().strip() if self.token is not None else ""
