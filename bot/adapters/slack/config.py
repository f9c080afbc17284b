"""Whether Slack is configured: cheap to import (no Slack libraries), so a Discord-only or
console run never loads them."""

from __future__ import annotations

from bot.settings import Settings


def secret_text(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()).strip() if getter is not None else ""


def slack_configured(settings: Settings) -> bool:
    """True when Slack can run: a bot token, plus the app token (socket) or secret (http)."""
    if not secret_text(settings.slack_bot_token):
        return False
    if settings.slack_mode == "http":
        return bool(secret_text(settings.slack_signing_secret))
    return bool(secret_text(settings.slack_app_token))
