"""Reliability suite: the Discord-bot fixtures (real BriefingBot against the stand-in)."""

from tests.discord_bot.conftest import app, clock, service_factory, settings, world

__all__ = ["app", "clock", "service_factory", "settings", "world"]
