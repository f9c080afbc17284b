"""Slack as a :class:`~bot.platforms.Platform`: slack-bolt is imported only to run."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.adapters.slack.config import SlackSettings, slack_configured

if TYPE_CHECKING:
    from bot.platforms.host import PlatformHost


class SlackPlatform:
    name = "slack"
    settings_class = SlackSettings

    def configured(self, settings: SlackSettings) -> bool:
        return slack_configured(settings)

    async def run(self, host: PlatformHost, settings: SlackSettings, stop: asyncio.Event) -> None:
        from bot.adapters.slack.run import run_slack

        await run_slack(host, settings, stop)


PLATFORM = SlackPlatform()
