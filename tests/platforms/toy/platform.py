"""The toy platform: its own settings (``TOY_*``), a poster, digests via the shared runtime."""

from __future__ import annotations

import asyncio

from bot.env_settings import EnvSettings, Secret, prefixed
from bot.platforms.host import PlatformHost
from bot.platforms.memory import MemoryPoster
from bot.platforms.runtime import DigestRuntime


class ToySettings(EnvSettings, frozen=True, rename=prefixed("TOY_")):
    token: Secret | None = None


class ToyPlatform:
    name = "toy"
    settings_class = ToySettings

    def __init__(self) -> None:
        self.poster = MemoryPoster(me="toy-bot")

    def configured(self, settings: ToySettings) -> bool:
        return settings.token is not None and bool(settings.token.get_secret_value())

    async def run(self, host: PlatformHost, settings: ToySettings, stop: asyncio.Event) -> None:
        runtime = DigestRuntime.for_host(host, self.poster)
        await runtime.start()
        try:
            await stop.wait()
        finally:
            await runtime.stop()


PLATFORM = ToyPlatform()
