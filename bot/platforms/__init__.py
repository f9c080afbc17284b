"""Platforms as plug-ins: the :class:`Platform` contract and the registry of them.

Adding a platform (Matrix, Telegram, Teams…) is one folder holding a :class:`Platform`
plus one line in :data:`REGISTRY`. Entries are import paths, loaded only when asked for,
so a run with only Slack configured never imports discord.py (and the other way round).
A platform module must therefore be cheap to import: its settings class, no client
library (that is imported inside ``run``).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.env_settings import EnvSettings

if TYPE_CHECKING:
    from bot.platforms.host import PlatformHost

S = TypeVar("S", bound=EnvSettings)


# name → "module:attribute" of its Platform. One line per platform.
REGISTRY: dict[str, str] = {
    "discord": "bot.adapters.discord.platform:PLATFORM",
    "slack": "bot.adapters.slack.platform:PLATFORM",
    "memory": "bot.platforms.memory:PLATFORM",
}


class Platform(Protocol[S]):
    """A chat platform the bot runs on."""

    @property
    def name(self) -> str:
        """Its key in the ledger and the server store (``discord``, ``slack``…)."""
        ...

    @property
    def settings_class(self) -> type[S]:
        """Its own :class:`~bot.env_settings.EnvSettings`, with its own variable prefix
        (``rename=prefixed("DISCORD_")``), read from the environment and ``.env``."""
        ...

    def configured(self, settings: S) -> bool:
        """Whether ``settings`` hold what it needs to connect (else it is not started)."""
        ...

    async def run(self, host: PlatformHost, settings: S, stop: asyncio.Event) -> None:
        """Serve commands and digests until ``stop`` is set; raise
        :class:`~bot.domain.errors.NotConfigured` with a sentence for the operator when it
        cannot (e.g. a refused token)."""
        ...


AnyPlatform = Platform[Any]


def load(name: str, registry: Mapping[str, str] | None = None) -> AnyPlatform:
    """The platform registered as ``name``, importing its module now."""
    path = (REGISTRY if registry is None else registry)[name]
    module, _, attribute = path.partition(":")
    platform: AnyPlatform = getattr(importlib.import_module(module), attribute)
    return platform


def configured(
    registry: Mapping[str, str] | None = None,
) -> list[tuple[AnyPlatform, EnvSettings]]:
    """Every registered platform whose settings say it can run, with those settings."""
    chosen = []
    for name in REGISTRY if registry is None else registry:
        platform = load(name, registry)
        settings = platform.settings_class.from_env()
        if platform.configured(settings):
            chosen.append((platform, settings))
    return chosen


def names(platforms: Iterable[AnyPlatform]) -> list[str]:
    return [platform.name for platform in platforms]
