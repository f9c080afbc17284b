"""Slack's own settings (``SLACK_*``): cheap to import (no Slack libraries), so a
Discord-only or console run never loads them."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from bot.env_settings import EnvSettings, Secret, prefixed


def secret_text(value: Secret | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


class SlackSettings(EnvSettings, frozen=True, rename=prefixed("SLACK_")):
    """``SLACK_BOT_TOKEN``, ``SLACK_APP_TOKEN``, ``SLACK_MODE``… (env or .env)."""

    bot_token: Secret | None = None
    app_token: Secret | None = None
    signing_secret: Secret | None = None
    # "socket" (default: no public URL needed) or "http" (Slack calls SLACK_HTTP_PORT).
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"
    http_port: Annotated[int, Meta(ge=0, le=65535)] = 3000
    api_base_url: str | None = None
    # A channel of the newsroom workspace told of new intake candidates (one message a poll).
    intake_channel_id: str | None = None


def slack_configured(settings: SlackSettings) -> bool:
    """True when Slack can run: a bot token, plus the app token (socket) or secret (http)."""
    if not secret_text(settings.bot_token):
        return False
    if settings.mode == "http":
        return bool(secret_text(settings.signing_secret))
    return bool(secret_text(settings.app_token))
